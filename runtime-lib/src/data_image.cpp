#include "data_image.hpp"

#include "memory_impl.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace waot::detail {
namespace {

std::uint64_t pageSize() noexcept {
  static const auto size = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

bool writeAll(int fd, const std::uint8_t *bytes, std::uint64_t size, std::uint64_t at) noexcept {
  while (size != 0) {
    const ssize_t n = ::pwrite(fd, bytes, size, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes += n;
    size -= static_cast<std::uint64_t>(n);
    at += static_cast<std::uint64_t>(n);
  }
  return true;
}

} // namespace

std::unique_ptr<const DataImage> DataImage::create(const waot_artifact &artifact) {
  const std::uint64_t page = pageSize();
  std::vector<std::optional<std::uint64_t>> fileOffsets(artifact.num_datas);
  std::uint64_t fileSize = 0;
  bool any = false;
  for (std::uint32_t i = 0; i < artifact.num_datas; ++i) {
    const waot_data_desc &desc = artifact.datas[i];
    if (desc.mode != WAOT_SEGMENT_ACTIVE || desc.offset.kind != WAOT_CONST_I32 ||
        desc.size < kMinBytes)
      continue;
    const std::uint64_t destination = static_cast<std::uint32_t>(desc.offset.value);
    const std::uint64_t at = (fileSize + page - 1) / page * page + destination % page;
    fileOffsets[i] = at;
    fileSize = at + desc.size;
    any = true;
  }
  if (!any) return nullptr;
  UniqueFd file(::memfd_create("waot-data", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (file.get() < 0 || ::ftruncate(file.get(), static_cast<off_t>(fileSize)) != 0) return nullptr;
  for (std::uint32_t i = 0; i < artifact.num_datas; ++i)
    if (fileOffsets[i] &&
        !writeAll(file.get(), artifact.datas[i].bytes, artifact.datas[i].size, *fileOffsets[i]))
      return nullptr;
  // Nothing may change the bytes instances map (best effort: the file is
  // private to this process anyway).
  ::fcntl(file.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
  return std::make_unique<const DataImage>(std::move(file), std::move(fileOffsets));
}

bool DataImage::map(MemoryImpl &memory, std::uint32_t index, std::uint64_t offset,
                    const std::uint8_t *bytes, std::uint64_t size) const noexcept {
  if (index >= fileOffsets_.size() || !fileOffsets_[index]) return false;
  const std::uint64_t fileOffset = *fileOffsets_[index];
  const std::uint64_t page = pageSize();
  const std::uint64_t end = offset + size;
  const std::uint64_t firstPage = (offset + page - 1) / page * page;
  const std::uint64_t endPage = end / page * page;
  // The placement assumed the segment's constant offset; map only when the
  // page phases agree and at least one whole page is covered.
  if (fileOffset % page != offset % page || firstPage >= endPage ||
      !memory.mapCopyOnWrite(firstPage, endPage - firstPage, file_.get(),
                             fileOffset + (firstPage - offset)))
    return false;
  std::memcpy(memory.base() + offset, bytes, firstPage - offset);
  std::memcpy(memory.base() + endPage, bytes + (endPage - offset), end - endPage);
  return true;
}

void writeDataSegment(const DataImage *image, MemoryImpl &memory, std::uint32_t index,
                      std::uint64_t offset, const std::uint8_t *bytes,
                      std::uint64_t size) noexcept {
  if (size == 0 || (image && image->map(memory, index, offset, bytes, size))) return;
  std::memcpy(memory.base() + offset, bytes, size);
}

} // namespace waot::detail
