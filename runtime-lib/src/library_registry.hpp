// The process-wide state shared by the two ways artifacts come in: loaded
// with dlopen (shared_library.cpp) and linked into the program (library.cpp).
#pragma once

#include "library.hpp"

#include <sys/stat.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace waot::detail {

[[noreturn]] void failArtifact(const std::string &name, const std::string &message);

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

struct LibraryRegistry {
  std::mutex mutex;
  std::map<void *, LoadedFile> loadedFiles; // per dlopen handle
  std::set<const Library *> live;           // with code (trap sites, fault ranges)
};

LibraryRegistry &libraryRegistry();

} // namespace waot::detail
