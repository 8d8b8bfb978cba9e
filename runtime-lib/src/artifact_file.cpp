#include "artifact_file.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

namespace waot::detail {
namespace {

[[noreturn]] void fail(const std::string &path, const std::string &message) {
  throw CompileError(CompileError::Kind::Artifact, path + ": " + message);
}

// A read-only mapping of a whole file, unmapped on scope exit.
class MappedFile {
public:
  explicit MappedFile(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
      ::close(fd);
      fail(path, "not a regular file");
    }
    size_ = static_cast<std::size_t>(info.st_size);
    if (size_ > 0) {
      void *map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (map == MAP_FAILED) {
        ::close(fd);
        fail(path, std::string("cannot map: ") + std::strerror(errno));
      }
      data_ = static_cast<const std::uint8_t *>(map);
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<std::uint8_t *>(data_), size_);
  }
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  const std::uint8_t *data() const { return data_; }
  std::size_t size() const { return size_; }

private:
  const std::uint8_t *data_ = nullptr;
  std::size_t size_ = 0;
};

bool rangeInside(std::uint64_t offset, std::uint64_t length, std::uint64_t size) {
  return offset <= size && length <= size - offset;
}

// The ELF header and every segment the loader maps or reads must lie inside
// the image; the file must be a 64-bit little-endian shared object for this
// machine.
void checkElfImage(const std::string &path, const std::uint8_t *data, std::size_t size) {
  if (size < sizeof(Elf64_Ehdr) || std::memcmp(data, ELFMAG, SELFMAG) != 0)
    fail(path, "not an ELF shared library (not a waot artifact)");
  Elf64_Ehdr header;
  std::memcpy(&header, data, sizeof header);
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
    fail(path, "not a 64-bit little-endian ELF file");
  if (header.e_type != ET_DYN)
    fail(path, "not a shared library (ELF type " + std::to_string(header.e_type) + ")");
#if defined(__x86_64__)
  constexpr unsigned hostMachine = EM_X86_64;
#elif defined(__aarch64__)
  constexpr unsigned hostMachine = EM_AARCH64;
#else
  constexpr unsigned hostMachine = header.e_machine;
#endif
  if (header.e_machine != hostMachine)
    fail(path,
         "compiled for another machine (ELF machine " + std::to_string(header.e_machine) + ")");
  if (header.e_phentsize != sizeof(Elf64_Phdr) ||
      !rangeInside(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr), size))
    fail(path, "truncated or corrupt (program headers out of the file)");
  for (unsigned i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    std::memcpy(&segment, data + header.e_phoff + i * sizeof(Elf64_Phdr), sizeof segment);
    if (segment.p_filesz > segment.p_memsz && segment.p_type == PT_LOAD)
      fail(path, "corrupt segment " + std::to_string(i));
    if (!rangeInside(segment.p_offset, segment.p_filesz, size))
      fail(path, "truncated or corrupt (segment " + std::to_string(i) +
                     " extends past the end of the file)");
  }
}

} // namespace

void checkArtifactImage(const std::string &name, std::span<const std::uint8_t> image) {
  const std::uint8_t *data = image.data();
  std::size_t imageSize = image.size();
  constexpr std::size_t trailerSize = sizeof(waot_artifact_trailer);
  if (image.size() >= trailerSize) {
    waot_artifact_trailer trailer;
    std::memcpy(&trailer, data + image.size() - trailerSize, trailerSize);
    if (std::memcmp(trailer.magic, WAOT_TRAILER_MAGIC, sizeof trailer.magic) == 0) {
      imageSize = image.size() - trailerSize;
      if (trailer.image_size != imageSize)
        fail(name, "corrupt artifact (size " + std::to_string(imageSize) +
                       " does not match its integrity trailer)");
      if (trailer.checksum != waot_checksum(data, imageSize))
        fail(name, "corrupt artifact (checksum mismatch)");
    }
  }
  // Without a trailer (e.g. an artifact linked by other tools) the structural
  // check still catches truncation.
  checkElfImage(name, data, imageSize);
}

void checkArtifactFile(const std::string &path) {
  const MappedFile file(path);
  checkArtifactImage(path, {file.data(), file.size()});
}

} // namespace waot::detail
