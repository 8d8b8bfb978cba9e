// Large data segments, mapped copy-on-write into linear memory.
//
// At load, a module's active data segments of at least kMinBytes with a
// constant offset are copied once into an anonymous sealed file (memfd), each
// placed at a file offset with the same position within a page as its
// destination in linear memory. Instantiation then maps the whole pages a
// segment covers privately from that file (one mmap instead of a copy; the
// kernel copies a page only when it is written, and instances share the
// others) and copies only the partial pages at its ends.
#pragma once

#include "unique_fd.hpp"

#include "waot/abi.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace waot::detail {

class MemoryImpl;

class DataImage {
public:
  // Smaller segments are copied: a mapping costs a system call and a split
  // memory map, which only pays off for many pages.
  static constexpr std::uint64_t kMinBytes = 64 * 1024;

  // The image of `artifact`'s qualifying segments; nullptr when none
  // qualifies or the file cannot be made (then every segment is copied).
  static std::unique_ptr<const DataImage> create(const waot_artifact &artifact);

  // Writes data segment `index` (`bytes`, `size` bytes) at `offset` of
  // `memory` (checked in bounds by the caller) by mapping its whole pages and
  // copying its partial end pages; false, with nothing written, when it is
  // not in the image or cannot be mapped there.
  bool map(MemoryImpl &memory, std::uint32_t index, std::uint64_t offset, const std::uint8_t *bytes,
           std::uint64_t size) const noexcept;

  DataImage(UniqueFd file, std::vector<std::optional<std::uint64_t>> fileOffsets) noexcept
      : file_(std::move(file)), fileOffsets_(std::move(fileOffsets)) {}

private:
  UniqueFd file_;
  // Per data segment: the file offset of its first byte, if it is in the image.
  std::vector<std::optional<std::uint64_t>> fileOffsets_;
};

// Writes data segment `index` of a module into `memory`: mapped through
// `image` when it can be, else copied.
void writeDataSegment(const DataImage *image, MemoryImpl &memory, std::uint32_t index,
                      std::uint64_t offset, const std::uint8_t *bytes, std::uint64_t size) noexcept;

} // namespace waot::detail
