// Bounded reader over module bytes with the binary format's LEB128 rules.
// Every failure is a CompileError carrying the byte offset (and the function
// index when reading code).
#pragma once

#include "waot/errors.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace waot::frontend {

class ByteReader {
public:
  ByteReader(std::span<const std::uint8_t> bytes, std::size_t begin, std::size_t end,
             std::optional<std::uint32_t> function = std::nullopt)
      : bytes_(bytes), pos_(begin), end_(end), function_(function) {}

  std::size_t offset() const { return pos_; }
  std::size_t end() const { return end_; }
  bool atEnd() const { return pos_ >= end_; }
  std::size_t remaining() const { return end_ - pos_; }
  void seek(std::size_t pos) { pos_ = pos; }
  std::optional<std::uint32_t> function() const { return function_; }

  std::uint8_t u8();
  std::uint8_t peekU8() const;
  std::uint32_t u32();     // unsigned LEB128, at most 5 bytes, unused bits zero
  std::uint64_t u64();     // unsigned LEB128, at most 10 bytes
  std::int32_t s32();      // signed LEB128, at most 5 bytes, unused bits = sign
  std::int64_t s64();      // signed LEB128, at most 10 bytes
  std::int64_t s33();      // signed LEB128 (block types), at most 5 bytes
  std::uint32_t fixed32(); // little-endian raw 4 bytes (f32 bit patterns)
  std::uint64_t fixed64(); // little-endian raw 8 bytes (f64 bit patterns)
  std::span<const std::uint8_t> bytes(std::size_t n);
  std::string name(); // vec(byte) that must be valid UTF-8

  [[noreturn]] void fail(CompileError::Kind kind, const std::string &message) const {
    failAt(kind, message, pos_);
  }
  [[noreturn]] void failAt(CompileError::Kind kind, const std::string &message,
                           std::size_t at) const {
    throw CompileError(kind, message, at, function_);
  }

private:
  std::uint64_t readUnsigned(unsigned maxBits, const char *what);
  std::int64_t readSigned(unsigned maxBits, const char *what);

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_;
  std::size_t end_;
  std::optional<std::uint32_t> function_;
};

bool isValidUtf8(std::span<const std::uint8_t> bytes);

} // namespace waot::frontend
