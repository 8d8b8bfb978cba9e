// Byte sink of the binary writer: the spec's minimal LEB128 encodings.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace waot::text::detail {

struct ByteBuf {
  std::vector<std::uint8_t> bytes;

  void u8(std::uint8_t b) { bytes.push_back(b); }
  void uleb(std::uint64_t v) {
    do {
      std::uint8_t b = v & 0x7F;
      v >>= 7;
      bytes.push_back(static_cast<std::uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
  }
  void sleb(std::int64_t v) {
    for (;;) {
      std::uint8_t b = v & 0x7F;
      v >>= 7; // arithmetic shift: the sign is kept
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      bytes.push_back(static_cast<std::uint8_t>(b | (done ? 0 : 0x80)));
      if (done) return;
    }
  }
  void fixed(std::uint64_t v, int size) { // little endian
    for (int i = 0; i < size; ++i)
      bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void name(std::string_view s) {
    uleb(s.size());
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void append(const ByteBuf &other) {
    bytes.insert(bytes.end(), other.bytes.begin(), other.bytes.end());
  }
  // A vector-like body: its byte size, then the bytes (sections, code bodies).
  void sized(const ByteBuf &content) {
    uleb(content.bytes.size());
    append(content);
  }
  bool empty() const { return bytes.empty(); }
};

} // namespace waot::text::detail
