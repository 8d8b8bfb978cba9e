// Runs the real `waot` executable as a child process for the WASI tests:
// a controlled host environment, stdin fed from a string (through a pipe,
// concurrently with reading the output, so large data cannot deadlock) or a
// file, stdout and stderr captured, a time limit.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace waot::wasi_test {

struct RunOptions {
  // stdin: from `stdinData` through a pipe when set, else from `stdinFile`
  // when set, else /dev/null.
  std::optional<std::string> stdinData;
  std::optional<std::filesystem::path> stdinFile;
  // stdout: into this file when set (RunResult::out stays empty), else a pipe.
  std::optional<std::filesystem::path> stdoutFile;
  // Makes the stdout pipe non-blocking for waot: a large write then writes
  // only what fits (a short write) or fails with EAGAIN.
  bool nonBlockingStdout = false;
  // "NAME=VALUE" entries for the host environment of `waot`, which is
  // otherwise PATH, HOME and WAOT_CACHE_DIR (the tests' cache) only; an entry
  // replaces a default of the same name.
  std::vector<std::string> hostEnv;
  // Runs `waot` with the openat2 system call failing with ENOSYS (through
  // WASI_WITHOUT_OPENAT2), as on Linux before 5.6: the WASI library then
  // resolves paths with its user-space walk.
  bool withoutOpenat2 = false;
  // Runs `waot` on this CPU only (an index into the test process's affinity
  // mask) when set.
  std::optional<int> cpu;
  int timeoutSeconds = 120;
};

// The CPUs this process may run on.
std::vector<int> allowedCpus();

struct RunResult {
  int exitCode = -1; // -1 when the process did not exit normally
  int signal = 0;    // the terminating signal, if any
  bool timedOut = false;
  std::string out;
  std::string err;
  // For failure messages: the exit status and the start of stderr.
  std::string describe() const;
};

// Runs WAOT_BINARY with `args`. RunResult::err starts with "without_openat2:"
// when the seccomp filter could not be installed (see isUnsupportedHere).
RunResult runWaot(const std::vector<std::string> &args, const RunOptions &options = {});

// `waot run [OPTIONS...] MODULE GUEST_ARGS...` for the test program NAME
// (WASI_PROGRAM_DIR/NAME.wasm).
RunResult runProgram(const std::string &name, const std::vector<std::string> &guestArgs,
                     const std::vector<std::string> &waotOptions = {},
                     const RunOptions &options = {});

std::filesystem::path programPath(const std::string &name);

// True when `withoutOpenat2` could not take effect on this system.
bool isUnsupportedHere(const RunResult &result);

// A fresh directory under the test binary's scratch area, removed afterwards.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  std::filesystem::path operator/(const std::string &name) const { return path_ / name; }
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

std::string readFile(const std::filesystem::path &path);
void writeFile(const std::filesystem::path &path, const std::string &content);

// 64-bit FNV-1a, as the test programs compute it, in the same hex form.
std::string fnv1aHex(const std::string &data);

} // namespace waot::wasi_test
