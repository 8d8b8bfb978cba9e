#include "library.hpp"

#include "artifact_file.hpp"
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
#include <map>
#include <mutex>
#include <set>
#include <utility>

namespace waot::detail {
namespace {

[[noreturn]] void fail(const std::string &path, const std::string &message) {
  throw CompileError(CompileError::Kind::Artifact, path + ": " + message);
}

// Which file each loaded handle came from. dlopen() hands back the already
// loaded object for a path it has seen (even if the file was replaced since),
// so a changed file at a still-loaded path must be refused, not silently
// served with the old code.
struct FileIdentity {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec modified{};
  bool operator==(const FileIdentity &o) const noexcept {
    return device == o.device && inode == o.inode && size == o.size &&
           modified.tv_sec == o.modified.tv_sec && modified.tv_nsec == o.modified.tv_nsec;
  }
};

struct LoadedFile {
  FileIdentity identity;
  std::size_t users = 0;
};

std::mutex loadMutex;
std::map<void *, LoadedFile> loadedFiles; // guarded by loadMutex
std::set<const Library *> liveLibraries;  // with code; guarded by loadMutex

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

struct ObjectFileSearch {
  std::uintptr_t anchor; // an address inside the object
  std::string path;      // its file ("" for the main program)
  std::uintptr_t bias = 0;
  bool found = false;
};

int findObjectFile(dl_phdr_info *info, std::size_t, void *data) {
  auto &search = *static_cast<ObjectFileSearch *>(data);
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &header = info->dlpi_phdr[i];
    const std::uintptr_t begin = info->dlpi_addr + header.p_vaddr;
    if (header.p_type == PT_LOAD && search.anchor >= begin &&
        search.anchor < begin + header.p_memsz) {
      search.path = info->dlpi_name ? info->dlpi_name : "";
      search.bias = info->dlpi_addr;
      search.found = true;
      return 1;
    }
  }
  return 0;
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
    std::lock_guard lock(loadMutex);
    const FileIdentity identity = identify(path);
    if (void *existing = dlopen(loadPath.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) {
      auto known = loadedFiles.find(existing);
      const bool changed = known != loadedFiles.end() && !(known->second.identity == identity);
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
    LoadedFile &file = loadedFiles[handle];
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
    std::lock_guard lock(loadMutex);
    avoidStaleLoaderName(fd, name);
    dlerror();
    void *handle = dlopen(procPath(fd.get()).c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) fail(name, "cannot load: " + lastDlError());
    library = std::make_shared<Library>(Token{}, name, handle, fd.release());
  }
  locateDescriptor(*library);
  return library;
}

std::shared_ptr<const Library> Library::linked(const waot_artifact &descriptor) {
  installFaultHandlers();
  // Only a descriptor of this ABI has the code bounds; any other is refused
  // by the artifact reader's header check, which names the mismatch.
  const bool current = descriptor.magic == WAOT_ARTIFACT_MAGIC &&
                       descriptor.abi_version == WAOT_ABI_VERSION &&
                       descriptor.descriptor_size == sizeof(waot_artifact);
  std::string name = "linked module";
  if (current && descriptor.link_name) name.append(" '").append(descriptor.link_name).append("'");
  auto library = std::make_shared<Library>(Token{}, name, nullptr);
  library->artifact_ = &descriptor;
  if (!current) return library;
  if (!descriptor.link_name)
    fail(name, "the descriptor is a shared library's (load the .so with Module::load), not a "
               "linked module's (waot compile --emit=object --name NAME)");
  const auto begin = reinterpret_cast<std::uintptr_t>(descriptor.code_begin);
  const auto end = reinterpret_cast<std::uintptr_t>(descriptor.code_end);
  if (begin > end || (begin == end && descriptor.num_functions != 0))
    fail(name, "the descriptor's code section bounds are missing or inverted");
  if (begin != end) {
    library->codeRanges_.emplace_back(RangeKind::Code, begin, end);
    library->codeSpans_.emplace_back(begin, end);
  }
  // The executable or library holding the module: its symbol table names
  // the functions of trap sites.
  ObjectFileSearch file{reinterpret_cast<std::uintptr_t>(&descriptor), {}, 0, false};
  dl_iterate_phdr(findObjectFile, &file);
  if (file.found) {
    library->linkedObjectFile_ = file.path.empty() ? "/proc/self/exe" : file.path;
    library->loadBias_ = file.bias;
  }
  std::lock_guard lock(loadMutex);
  liveLibraries.insert(library.get());
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
  std::lock_guard lock(loadMutex);
  liveLibraries.insert(&library);
}

bool Library::withFileOf(std::uintptr_t address,
                         const std::function<void(int fd, std::uintptr_t bias)> &visit) {
  std::lock_guard lock(loadMutex); // no library is unloaded meanwhile
  for (const Library *library : liveLibraries)
    for (const auto &[begin, end] : library->codeSpans_)
      if (address >= begin && address < end) {
        if (!library->linkedObjectFile_.empty()) {
          const UniqueFd file(::open(library->linkedObjectFile_.c_str(), O_RDONLY | O_CLOEXEC));
          if (file.get() >= 0) visit(file.get(), library->loadBias_);
          return true;
        }
        const int fd = library->memoryFile_ >= 0 ? library->memoryFile_ : library->symbolFile_;
        if (fd >= 0) visit(fd, library->loadBias_);
        return true;
      }
  return false;
}

Library::~Library() {
  codeRanges_.clear(); // unregister before the code goes away
  std::lock_guard lock(loadMutex);
  liveLibraries.erase(this);
  if (symbolFile_ >= 0) ::close(symbolFile_);
  if (!handle_) return; // linked into the program: nothing was loaded
  if (auto file = loadedFiles.find(handle_); file != loadedFiles.end() && --file->second.users == 0)
    loadedFiles.erase(file);
  dlclose(handle_);
  // Closed only after dlclose: while the object is loaded, its descriptor
  // number must not name another in-memory artifact.
  if (memoryFile_ >= 0) ::close(memoryFile_);
}

} // namespace waot::detail
