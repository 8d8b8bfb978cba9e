// The parts of Library common to both ways artifacts come in, and modules
// linked into the program (Library::linked). Loading with dlopen is in
// shared_library.cpp.
#include "library.hpp"

#include "library_registry.hpp"
#include "trap.hpp"
#include "unique_fd.hpp"

#include "waot/errors.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <unistd.h>

#include <utility>

namespace waot::detail {

void failArtifact(const std::string &name, const std::string &message) {
  throw CompileError(CompileError::Kind::Artifact, name + ": " + message);
}

LibraryRegistry &libraryRegistry() {
  // Never destroyed: a Library may outlive any static object (a module held
  // by another static is released during exit, in any order), and its
  // destructor needs the registry.
  static LibraryRegistry &registry = *new LibraryRegistry;
  return registry;
}

namespace {

[[noreturn]] void fail(const std::string &name, const std::string &message) {
  failArtifact(name, message);
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

} // namespace

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
  std::lock_guard lock(libraryRegistry().mutex);
  libraryRegistry().live.insert(library.get());
  return library;
}

bool Library::withFileOf(std::uintptr_t address,
                         const std::function<void(int fd, std::uintptr_t bias)> &visit) {
  std::lock_guard lock(libraryRegistry().mutex); // no library is unloaded meanwhile
  for (const Library *library : libraryRegistry().live)
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
  std::lock_guard lock(libraryRegistry().mutex);
  libraryRegistry().live.erase(this);
  if (symbolFile_ >= 0) ::close(symbolFile_);
  if (!handle_) return; // linked into the program: nothing was loaded
  auto &files = libraryRegistry().loadedFiles;
  if (auto file = files.find(handle_); file != files.end() && --file->second.users == 0)
    files.erase(file);
  dlclose(handle_);
  // Closed only after dlclose: while the object is loaded, its descriptor
  // number must not name another in-memory artifact.
  if (memoryFile_ >= 0) ::close(memoryFile_);
}

} // namespace waot::detail
