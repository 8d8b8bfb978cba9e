// Runs the real `waot` executable and captures its exit status and output.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace waot::test {

struct CommandResult {
  int exitCode = -1; // -1 when the process did not exit normally
  int signal = 0;    // terminating signal, if any
  std::string out;
  std::string err;
};

// Runs WAOT_BINARY with `args` (no shell involved).
CommandResult runWaot(const std::vector<std::string> &args);

// A fresh scratch directory for one test, removed afterwards.
class ScratchDir {
public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir &) = delete;
  ScratchDir &operator=(const ScratchDir &) = delete;
  std::filesystem::path operator/(const std::string &name) const { return path_ / name; }
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

std::vector<unsigned char> readBytes(const std::filesystem::path &path);
void writeBytes(const std::filesystem::path &path, const std::vector<unsigned char> &bytes);

} // namespace waot::test
