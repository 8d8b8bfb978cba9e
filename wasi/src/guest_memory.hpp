// A view of the calling instance's linear memory. Every (pointer, length)
// the guest passes is checked against the memory's size before the host
// touches it, in 64-bit arithmetic so that no sum wraps: a range that does
// not fit is EFAULT, never a host access out of bounds. Values are read and
// written with memcpy (wasm pointers need not be aligned) in little-endian
// order (the wasm byte order, and the host's: waot runs on little-endian
// machines only).
#pragma once

#include "errors.hpp"

#include <sys/uio.h>

#include <bit>
#include <cstddef>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace waot::wasi::detail {

static_assert(std::endian::native == std::endian::little, "WASI needs a little-endian host");

class GuestMemory {
public:
  GuestMemory(std::uint8_t *base, std::size_t size) noexcept : base_(base), size_(size) {}

  std::size_t size() const noexcept { return size_; }

  // The bytes [ptr, ptr + len); EFAULT unless all of them are in memory.
  std::span<std::uint8_t> bytes(std::uint32_t ptr, std::uint64_t len) const {
    if (std::uint64_t{ptr} > size_ || len > size_ - ptr) fail(abi::Errno::Fault);
    return {base_ + ptr, static_cast<std::size_t>(len)};
  }

  template <class T> T load(std::uint32_t ptr) const {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    std::memcpy(&value, bytes(ptr, sizeof(T)).data(), sizeof(T));
    return value;
  }

  template <class T> void store(std::uint32_t ptr, T value) const {
    static_assert(std::is_trivially_copyable_v<T>);
    std::memcpy(bytes(ptr, sizeof(T)).data(), &value, sizeof(T));
  }

  void write(std::uint32_t ptr, std::span<const std::uint8_t> data) const {
    if (!data.empty()) std::memcpy(bytes(ptr, data.size()).data(), data.data(), data.size());
  }
  void write(std::uint32_t ptr, std::string_view text) const {
    write(ptr, std::span(reinterpret_cast<const std::uint8_t *>(text.data()), text.size()));
  }

  // A guest string (a path, usually): EFAULT when out of memory, EILSEQ when
  // it is not UTF-8 (as wasmtime), EINVAL when it holds a NUL byte (no host
  // path can contain one).
  std::string_view string(std::uint32_t ptr, std::uint32_t len) const;

  // The guest's iovec/ciovec array, each buffer checked. Empty buffers are
  // left out (they change nothing a read or write does), and at most IOV_MAX
  // entries are returned: a longer array makes a short read or write, which
  // the guest must handle anyway.
  class Iovecs;
  Iovecs iovecs(std::uint32_t array, std::uint32_t count) const;

private:
  std::uint8_t *base_;
  std::size_t size_;
};

// The host iovecs of one read or write. The few a call usually has (libc's
// stdio passes one or two) live inline: no allocation per call.
class GuestMemory::Iovecs {
public:
  void push_back(const ::iovec &entry) {
    if (spill_.empty() && size_ < inline_.size()) {
      inline_[size_++] = entry;
      return;
    }
    if (spill_.empty()) spill_.assign(inline_.begin(), inline_.begin() + size_);
    spill_.push_back(entry);
    ++size_;
  }
  const ::iovec *data() const noexcept { return spill_.empty() ? inline_.data() : spill_.data(); }
  std::size_t size() const noexcept { return size_; }

private:
  std::array<::iovec, 8> inline_{};
  std::vector<::iovec> spill_;
  std::size_t size_ = 0;
};

// True when `text` is well-formed UTF-8.
bool isUtf8(std::string_view text) noexcept;

} // namespace waot::wasi::detail
