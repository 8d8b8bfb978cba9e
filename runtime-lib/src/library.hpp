// A dlopen()ed artifact: keeps the shared object loaded and its executable
// segments registered with the fault handler for as long as it is shared.
#pragma once

#include "guard_ranges.hpp"

#include "waot/abi.h"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace waot::detail {

class Library {
public:
  // Loads `path` and finds its descriptor (not yet checked). CompileError
  // (Kind::Artifact) when it cannot be loaded or has no descriptor.
  static std::shared_ptr<const Library> open(const std::filesystem::path &path);

  ~Library();
  Library(const Library &) = delete;
  Library &operator=(const Library &) = delete;

  const waot_artifact &artifact() const noexcept { return *artifact_; }
  const std::string &path() const noexcept { return path_; }

private:
  struct Token {};

public:
  Library(Token, std::string path, void *handle) noexcept : path_(std::move(path)), handle_(handle) {}

private:
  std::string path_;
  void *handle_;
  const waot_artifact *artifact_ = nullptr;
  std::vector<RangeRegistration> codeRanges_;
};

} // namespace waot::detail
