#include "waot/frontend/byte_reader.hpp"

#include <cstring>

namespace waot::frontend {

using Kind = CompileError::Kind;

std::uint8_t ByteReader::u8() {
  if (pos_ >= end_) fail(Kind::Malformed, "unexpected end");
  return bytes_[pos_++];
}

std::uint8_t ByteReader::peekU8() const {
  if (pos_ >= end_) fail(Kind::Malformed, "unexpected end");
  return bytes_[pos_];
}

// LEB128 per the spec: at most ceil(N/7) bytes, and the bits of the last byte
// beyond N must be zero (unsigned) or copies of the sign bit (signed).
std::uint64_t ByteReader::readUnsigned(unsigned maxBits, const char *what) {
  const std::size_t start = pos_;
  const unsigned maxBytes = (maxBits + 6) / 7;
  std::uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) failAt(Kind::Malformed, std::string("unexpected end of ") + what, start);
    const std::uint8_t byte = bytes_[pos_++];
    const unsigned shift = 7 * i;
    if (i == maxBytes - 1) {
      const unsigned usedBits = maxBits - shift; // bits the last byte may carry
      if (byte & 0x80)
        failAt(Kind::Malformed, std::string("integer representation too long (") + what + ")",
               start);
      if (usedBits < 7 && (byte >> usedBits) != 0)
        failAt(Kind::Malformed, std::string("integer too large (") + what + ")", start);
      return result | (static_cast<std::uint64_t>(byte) << shift);
    }
    result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return result;
  }
}

std::int64_t ByteReader::readSigned(unsigned maxBits, const char *what) {
  const std::size_t start = pos_;
  const unsigned maxBytes = (maxBits + 6) / 7;
  std::uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (pos_ >= end_) failAt(Kind::Malformed, std::string("unexpected end of ") + what, start);
    const std::uint8_t byte = bytes_[pos_++];
    const unsigned shift = 7 * i;
    if (i == maxBytes - 1) {
      if (byte & 0x80)
        failAt(Kind::Malformed, std::string("integer representation too long (") + what + ")",
               start);
      const unsigned usedBits = maxBits - shift; // includes the sign bit
      if (usedBits < 7) {
        // The remaining high bits of the 7-bit payload must all equal the sign bit.
        const std::uint8_t payload = byte & 0x7F;
        const std::uint8_t signBit = (payload >> (usedBits - 1)) & 1;
        const std::uint8_t high = payload >> usedBits;
        const std::uint8_t expect = signBit ? static_cast<std::uint8_t>(0x7F >> usedBits) : 0;
        if (high != expect)
          failAt(Kind::Malformed, std::string("integer too large (") + what + ")", start);
      }
      result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      const unsigned total = shift + 7;
      if (total < 64 && (byte & 0x40)) result |= ~std::uint64_t{0} << total;
      return static_cast<std::int64_t>(result);
    }
    result |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) {
      const unsigned total = shift + 7;
      if (total < 64 && (byte & 0x40)) result |= ~std::uint64_t{0} << total;
      return static_cast<std::int64_t>(result);
    }
  }
}

std::uint32_t ByteReader::u32() { return static_cast<std::uint32_t>(readUnsigned(32, "u32")); }
std::uint64_t ByteReader::u64() { return readUnsigned(64, "u64"); }
std::int32_t ByteReader::s32() { return static_cast<std::int32_t>(readSigned(32, "s32")); }
std::int64_t ByteReader::s64() { return readSigned(64, "s64"); }
std::int64_t ByteReader::s33() { return readSigned(33, "s33"); }

std::uint32_t ByteReader::fixed32() {
  auto b = bytes(4);
  std::uint32_t v;
  std::memcpy(&v, b.data(), 4);
  return v;
}

std::uint64_t ByteReader::fixed64() {
  auto b = bytes(8);
  std::uint64_t v;
  std::memcpy(&v, b.data(), 8);
  return v;
}

std::span<const std::uint8_t> ByteReader::bytes(std::size_t n) {
  if (n > remaining()) fail(Kind::Malformed, "unexpected end");
  auto out = bytes_.subspan(pos_, n);
  pos_ += n;
  return out;
}

std::string ByteReader::name() {
  const std::size_t start = pos_;
  const std::uint32_t length = u32();
  if (length > remaining())
    failAt(Kind::Malformed, "unexpected end (name length out of bounds)", start);
  auto b = bytes(length);
  if (!isValidUtf8(b)) failAt(Kind::Malformed, "malformed UTF-8 encoding", start);
  return std::string(b.begin(), b.end());
}

bool isValidUtf8(std::span<const std::uint8_t> s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong encodings, surrogates and values past U+10FFFF are invalid.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    if (cp > 0x10FFFF) return false;
    i += n + 1;
  }
  return true;
}

} // namespace waot::frontend
