// File-system helpers of the code generator: a scratch directory for the
// in-process linker and atomic output writing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace waot::codegen {

// A fresh, private (0700) directory under the system temporary directory,
// removed with everything in it when the object is destroyed.
class TemporaryDirectory {
public:
  TemporaryDirectory();
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory &) = delete;
  TemporaryDirectory &operator=(const TemporaryDirectory &) = delete;

  const std::filesystem::path &path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

// Writes `bytes` to `path` so that readers see either the old file or the
// complete new one: the data goes to a temporary file in the same directory
// (rename is only atomic within one file system), which then replaces `path`.
// On failure nothing is left behind and `path` is untouched. Throws waot::Error.
void writeFileAtomically(const std::filesystem::path &path, std::span<const char> bytes,
                         std::filesystem::perms permissions = std::filesystem::perms(0644));

// Writes `bytes` to a new file (used for linker inputs). Throws waot::Error.
void writeFile(const std::filesystem::path &path, std::span<const char> bytes);

// Reads a whole file. Throws waot::Error.
std::vector<std::uint8_t> readFileBytes(const std::filesystem::path &path);

} // namespace waot::codegen
