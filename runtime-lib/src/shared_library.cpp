// Artifacts loaded with dlopen: Library::open (a file) and Library::openImage
// (bytes in memory, through a sealed memfd). In a file of its own so that a
// program that only instantiates modules linked into it never pulls in
// dlopen, which a static glibc link warns about.
#include "artifact_file.hpp"
#include "library.hpp"
#include "library_registry.hpp"
#include "trap.hpp"
#include "unique_fd.hpp"

#include "waot/errors.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace waot::detail {
namespace {

[[noreturn]] void fail(const std::string &path, const std::string &message) {
  failArtifact(path, message);
}

FileIdentity identify(const std::string &path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0)
    fail(path, std::string("cannot open: ") + std::strerror(errno));
  if (!S_ISREG(info.st_mode)) fail(path, "not a regular file");
  return {info.st_dev, info.st_ino, info.st_size, info.st_mtim};
}

std::string lastDlError() {
  const char *message = dlerror();
  return message ? message : "unknown dynamic loader error";
}

struct SegmentSearch {
  std::uintptr_t anchor;                                       // an address inside the object
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> code; // its executable segments
  std::uintptr_t bias = 0;                                     // its load bias
};

int collectExecutableSegments(dl_phdr_info *info, std::size_t, void *data) {
  auto &search = *static_cast<SegmentSearch *>(data);
  bool containsAnchor = false;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &header = info->dlpi_phdr[i];
    if (header.p_type != PT_LOAD) continue;
    const std::uintptr_t begin = info->dlpi_addr + header.p_vaddr;
    if (search.anchor >= begin && search.anchor < begin + header.p_memsz) containsAnchor = true;
  }
  if (!containsAnchor) return 0;
  search.bias = info->dlpi_addr;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &header = info->dlpi_phdr[i];
    if (header.p_type == PT_LOAD && (header.p_flags & PF_X)) {
      const std::uintptr_t begin = info->dlpi_addr + header.p_vaddr;
      search.code.emplace_back(begin, begin + header.p_memsz);
    }
  }
  return 1; // found: stop iterating
}

// A sealed in-memory file holding `image`: once sealed nobody (not even
// another process of the same user opening /proc/PID/fd/N) can change the
// bytes the check accepted before the dynamic loader maps them.
UniqueFd sealedMemoryFile(std::span<const std::uint8_t> image, const std::string &name) {
  UniqueFd fd(::memfd_create("waot-artifact", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd.get() < 0)
    fail(name,
         std::string("cannot create an in-memory file (memfd_create): ") + std::strerror(errno));
  std::size_t written = 0;
  while (written < image.size()) {
    const ssize_t n = ::write(fd.get(), image.data() + written, image.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(name, std::string("cannot write the in-memory file: ") + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    fail(name, std::string("cannot seal the in-memory file: ") + std::strerror(errno));
  return fd;
}

std::string procPath(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// glibc matches dlopen() names against loaded objects before opening
// anything. Should an object loaded from an earlier descriptor with the same
// number still be loaded (dlclose does not always unload), its name would
// hand back the old code: move to a number no loaded object is known by.
void avoidStaleLoaderName(UniqueFd &fd, const std::string &name) {
  constexpr int kAttempts = 64;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    void *existing = dlopen(procPath(fd.get()).c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (!existing) return;
    dlclose(existing);
    const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, fd.get() + 1);
    if (moved < 0)
      fail(name, std::string("cannot duplicate the in-memory file: ") + std::strerror(errno));
    fd.reset(moved);
  }
  fail(name, "every descriptor number tried is the name of a still-loaded object");
}

} // namespace

std::shared_ptr<const Library> Library::open(const std::filesystem::path &filePath) {
  const std::string path = filePath.string();
  // dlopen() searches the library path for a name without a slash; an
  // artifact is always a file, so hand it an absolute path.
  std::error_code absoluteError;
  const auto absolute = std::filesystem::absolute(filePath, absoluteError);
  const std::string loadPath = absoluteError ? path : absolute.lexically_normal().string();
  installFaultHandlers();
  checkArtifactFile(path);
  std::shared_ptr<Library> library;
  {
    std::lock_guard lock(libraryRegistry().mutex);
    const FileIdentity identity = identify(path);
    if (void *existing = dlopen(loadPath.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) {
      auto known = libraryRegistry().loadedFiles.find(existing);
      const bool changed =
          known != libraryRegistry().loadedFiles.end() && !(known->second.identity == identity);
      dlclose(existing);
      if (changed)
        fail(
            path,
            "a different artifact was loaded from this path and is still in use; "
            "the dynamic loader would return its code, so load a changed artifact from a new path");
    }
    dlerror();
    // Kept open for trap reports (symbols), even if the file goes away.
    UniqueFd symbols(::open(loadPath.c_str(), O_RDONLY | O_CLOEXEC));
    void *handle = dlopen(loadPath.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) fail(path, "cannot load: " + lastDlError());
    LoadedFile &file = libraryRegistry().loadedFiles[handle];
    if (file.users++ == 0) file.identity = identity;
    library = std::make_shared<Library>(Token{}, path, handle, -1, symbols.release());
  }
  // From here on the Library owns the handle; its destructor takes the lock.
  locateDescriptor(*library);
  return library;
}

std::shared_ptr<const Library> Library::openImage(std::span<const std::uint8_t> image,
                                                  const std::string &name) {
  installFaultHandlers();
  checkArtifactImage(name, image);
  UniqueFd fd = sealedMemoryFile(image, name);
  std::shared_ptr<Library> library;
  {
    std::lock_guard lock(libraryRegistry().mutex);
    avoidStaleLoaderName(fd, name);
    dlerror();
    void *handle = dlopen(procPath(fd.get()).c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) fail(name, "cannot load: " + lastDlError());
    library = std::make_shared<Library>(Token{}, name, handle, fd.release());
  }
  locateDescriptor(*library);
  return library;
}

void Library::locateDescriptor(Library &library) {
  dlerror();
  void *symbol = dlsym(library.handle_, WAOT_ARTIFACT_SYMBOL);
  if (!symbol) fail(library.path_, "not a waot artifact (no " WAOT_ARTIFACT_SYMBOL " symbol)");
  library.artifact_ = static_cast<const waot_artifact *>(symbol);

  SegmentSearch search{reinterpret_cast<std::uintptr_t>(symbol), {}, 0};
  dl_iterate_phdr(collectExecutableSegments, &search);
  // A module without functions legitimately has no code at all.
  if (search.code.empty() && library.artifact_->num_functions != 0)
    fail(library.path_, "the artifact has functions but no executable segment");
  for (const auto &[begin, end] : search.code)
    library.codeRanges_.emplace_back(RangeKind::Code, begin, end);
  library.codeSpans_ = search.code;
  library.loadBias_ = search.bias;
  std::lock_guard lock(libraryRegistry().mutex);
  libraryRegistry().live.insert(&library);
}

} // namespace waot::detail
