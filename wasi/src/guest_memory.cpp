#include "guest_memory.hpp"

#include <climits>

namespace waot::wasi::detail {

bool isUtf8(std::string_view text) noexcept {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const auto *end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t extra;
    std::uint32_t min, code;
    if ((c & 0xE0) == 0xC0)
      extra = 1, min = 0x80, code = c & 0x1F;
    else if ((c & 0xF0) == 0xE0)
      extra = 2, min = 0x800, code = c & 0x0F;
    else if ((c & 0xF8) == 0xF0)
      extra = 3, min = 0x10000, code = c & 0x07;
    else
      return false;
    if (static_cast<std::size_t>(end - p) <= extra) return false;
    for (std::size_t i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      code = (code << 6) | (p[i] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

std::string_view GuestMemory::string(std::uint32_t ptr, std::uint32_t len) const {
  const auto span = bytes(ptr, len);
  const std::string_view text(reinterpret_cast<const char *>(span.data()), span.size());
  if (!isUtf8(text)) fail(abi::Errno::Ilseq);
  if (text.find('\0') != std::string_view::npos) fail(abi::Errno::Inval);
  return text;
}

GuestMemory::Iovecs GuestMemory::iovecs(std::uint32_t array, std::uint32_t count) const {
  bytes(array, std::uint64_t{count} * abi::iovec::Size); // the array itself
  Iovecs result;
  for (std::uint32_t i = 0; i < count && result.size() < IOV_MAX; ++i) {
    const std::uint32_t entry = array + i * abi::iovec::Size;
    const auto buf = load<std::uint32_t>(entry + abi::iovec::Buf);
    const auto len = load<std::uint32_t>(entry + abi::iovec::BufLen);
    const auto span = bytes(buf, len); // checked even when empty
    if (!span.empty()) result.push_back({span.data(), span.size()});
  }
  return result;
}

} // namespace waot::wasi::detail
