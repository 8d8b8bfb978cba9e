// SHA-256 (FIPS 180-4), for the compile cache's keys: the driver's cached
// path must not load LLVM, which has one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace waot::driver {

class Sha256 {
public:
  Sha256() noexcept;
  void update(std::span<const std::uint8_t> bytes) noexcept;
  void update(std::string_view text) noexcept {
    update({reinterpret_cast<const std::uint8_t *>(text.data()), text.size()});
  }
  // The digest as 64 lowercase hex digits. Call once.
  std::string hexDigest() noexcept;

private:
  void compress(const std::uint8_t *block) noexcept;

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t totalBytes_ = 0;
};

} // namespace waot::driver
