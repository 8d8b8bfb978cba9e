// A loaded artifact: a dlopen()ed shared object, kept loaded and its
// executable segments registered with the fault handler for as long as it is
// shared; or a module linked into the program (its descriptor and code are
// part of an executable or library the program already has), whose code
// section is registered instead.
#pragma once

#include "guard_ranges.hpp"

#include "waot/abi.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace waot::detail {

class Library {
public:
  // Loads `path` and finds its descriptor (not yet checked). CompileError
  // (Kind::Artifact) when it cannot be loaded or has no descriptor.
  static std::shared_ptr<const Library> open(const std::filesystem::path &path);

  // Loads an artifact held in memory (`name` stands for it in messages). The
  // bytes get the same pre-dlopen check as a file's, are copied into a sealed
  // anonymous in-memory file (memfd) and loaded from /proc/self/fd/N; that
  // descriptor stays open as long as the library, so its number (the name
  // the dynamic loader knows the object by) is not reused meanwhile.
  static std::shared_ptr<const Library> openImage(std::span<const std::uint8_t> image,
                                                  const std::string &name);

  // A module compiled with `waot compile --emit=object --name NAME` and
  // linked into this program: no dlopen, no file. The descriptor (not yet
  // checked beyond its header) records the bounds of the module's code.
  static std::shared_ptr<const Library> linked(const waot_artifact &descriptor);

  ~Library();
  Library(const Library &) = delete;
  Library &operator=(const Library &) = delete;

  const waot_artifact &artifact() const noexcept { return *artifact_; }
  const std::string &path() const noexcept { return path_; }

  // Calls visit(fd, loadBias) for the loaded artifact whose code contains
  // `address`, with a descriptor of its file (open since loading, so a file
  // removed or replaced since is still the one loaded), while that artifact
  // cannot be unloaded. False when no artifact's code contains `address`.
  static bool withFileOf(std::uintptr_t address,
                         const std::function<void(int fd, std::uintptr_t bias)> &visit);

private:
  struct Token {};

public:
  Library(Token, std::string path, void *handle, int memoryFile = -1, int symbolFile = -1) noexcept
      : path_(std::move(path)), handle_(handle), memoryFile_(memoryFile), symbolFile_(symbolFile) {}

private:
  // Finds the descriptor and registers the code ranges of a fresh library.
  static void locateDescriptor(Library &library);

  std::string path_;
  void *handle_;
  int memoryFile_; // the memfd an in-memory artifact was loaded from, or -1
  int symbolFile_; // the file a file artifact was loaded from (read on traps), or -1
  // A linked module: the file of the executable or library it is part of
  // (opened only to name a trap's function), or empty.
  std::string linkedObjectFile_;
  const waot_artifact *artifact_ = nullptr;
  std::vector<RangeRegistration> codeRanges_;
  std::vector<std::pair<std::uintptr_t, std::uintptr_t>> codeSpans_;
  std::uintptr_t loadBias_ = 0;
};

} // namespace waot::detail
