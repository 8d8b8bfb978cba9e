#include "wasi_process.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace waot::wasi_test {

namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  void closeRead() {
    if (fds[0] >= 0) close(fds[0]);
    fds[0] = -1;
  }
  void closeWrite() {
    if (fds[1] >= 0) close(fds[1]);
    fds[1] = -1;
  }
};

std::string hostEnvValue(const char *name, const char *fallback) {
  const char *value = std::getenv(name);
  return value ? value : fallback;
}

} // namespace

std::string RunResult::describe() const {
  std::string text;
  if (timedOut) text += "timed out; ";
  if (signal != 0) text += "killed by signal " + std::to_string(signal) + "; ";
  text += "exit code " + std::to_string(exitCode);
  text += "\n--- stderr (first 2000 bytes) ---\n" + err.substr(0, 2000);
  text += "\n--- stdout (first 500 bytes) ---\n" + out.substr(0, 500);
  return text;
}

RunResult runWaot(const std::vector<std::string> &args, const RunOptions &options) {
  static const bool sigpipeIgnored = [] {
    std::signal(SIGPIPE, SIG_IGN); // a child that stops reading stdin must not kill us
    return true;
  }();
  (void)sigpipeIgnored;

  std::vector<std::string> argvStrings{WAOT_BINARY};
  if (options.withoutOpenat2) argvStrings.insert(argvStrings.begin(), WASI_WITHOUT_OPENAT2);
  argvStrings.insert(argvStrings.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &s : argvStrings)
    argv.push_back(s.data());
  argv.push_back(nullptr);

  std::vector<std::string> envStrings{"PATH=" + hostEnvValue("PATH", "/usr/bin:/bin"),
                                      "HOME=" + hostEnvValue("HOME", "/"),
                                      std::string("WAOT_CACHE_DIR=") + WASI_CACHE_DIR};
  for (const auto &entry : options.hostEnv) { // replaces a default of the same name
    const auto key = entry.substr(0, entry.find('=') + 1);
    std::erase_if(envStrings, [&](const std::string &s) { return s.starts_with(key); });
    envStrings.push_back(entry);
  }
  std::vector<char *> envp;
  for (auto &s : envStrings)
    envp.push_back(s.data());
  envp.push_back(nullptr);

  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (options.stdinData) {
    posix_spawn_file_actions_adddup2(&actions, in.fds[0], 0);
  } else {
    const std::string path = options.stdinFile ? options.stdinFile->string() : "/dev/null";
    posix_spawn_file_actions_addopen(&actions, 0, path.c_str(), O_RDONLY, 0);
  }
  const std::string stdoutPath = options.stdoutFile ? options.stdoutFile->string() : "";
  if (options.stdoutFile)
    posix_spawn_file_actions_addopen(&actions, 1, stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  else
    posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  if (options.nonBlockingStdout) fcntl(out.fds[1], F_SETFL, O_NONBLOCK);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);

  RunResult result;
  pid_t pid = 0;
  // The child inherits the CPU affinity: narrow ours around the spawn.
  cpu_set_t savedAffinity;
  CPU_ZERO(&savedAffinity);
  if (options.cpu) {
    sched_getaffinity(0, sizeof savedAffinity, &savedAffinity);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(*options.cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0)
      ADD_FAILURE() << "cannot run on CPU " << *options.cpu << ": " << std::strerror(errno);
  }
  int spawnError = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  if (options.cpu) sched_setaffinity(0, sizeof savedAffinity, &savedAffinity);
  posix_spawn_file_actions_destroy(&actions);
  if (spawnError != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(spawnError);
    return result;
  }
  in.closeRead();
  out.closeWrite();
  if (options.stdoutFile) out.closeRead();
  err.closeWrite();
  if (!options.stdinData)
    in.closeWrite();
  else
    fcntl(in.fds[1], F_SETFL, O_NONBLOCK);

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.timeoutSeconds);
  size_t written = 0;
  if (options.stdinData && options.stdinData->empty()) in.closeWrite();
  std::vector<char> chunk(1 << 16);
  while (out.fds[0] >= 0 || err.fds[0] >= 0) {
    pollfd fds[3];
    int count = 0;
    int outIndex = -1, errIndex = -1, inIndex = -1;
    if (out.fds[0] >= 0) fds[outIndex = count++] = {out.fds[0], POLLIN, 0};
    if (err.fds[0] >= 0) fds[errIndex = count++] = {err.fds[0], POLLIN, 0};
    if (in.fds[1] >= 0) fds[inIndex = count++] = {in.fds[1], POLLOUT, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      result.timedOut = true;
      kill(pid, SIGKILL);
      break;
    }
    int ready = poll(fds, static_cast<nfds_t>(count), static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) break;
    auto drain = [&](int index, Pipe &pipe, std::string &sink) {
      if (index < 0 || !(fds[index].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t n = read(pipe.fds[0], chunk.data(), chunk.size());
      if (n > 0)
        sink.append(chunk.data(), static_cast<size_t>(n));
      else if (n == 0 || errno != EINTR)
        pipe.closeRead();
    };
    drain(outIndex, out, result.out);
    drain(errIndex, err, result.err);
    if (inIndex >= 0 && (fds[inIndex].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const std::string &data = *options.stdinData;
      ssize_t n = write(in.fds[1], data.data() + written, data.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == data.size())
        in.closeWrite(); // done, or the child closed its end
    }
  }
  in.closeWrite();
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

std::vector<int> allowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

bool isUnsupportedHere(const RunResult &result) {
  return result.exitCode == 125 && result.err.starts_with("without_openat2:");
}

std::filesystem::path programPath(const std::string &name) {
  return std::filesystem::path(WASI_PROGRAM_DIR) / (name + ".wasm");
}

RunResult runProgram(const std::string &name, const std::vector<std::string> &guestArgs,
                     const std::vector<std::string> &waotOptions, const RunOptions &options) {
  std::vector<std::string> args{"run"};
  args.insert(args.end(), waotOptions.begin(), waotOptions.end());
  args.push_back(programPath(name).string());
  args.insert(args.end(), guestArgs.begin(), guestArgs.end());
  return runWaot(args, options);
}

TempDir::TempDir() {
  std::filesystem::create_directories(WASI_SCRATCH_DIR);
  std::string pattern = std::string(WASI_SCRATCH_DIR) + "/t-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed in " WASI_SCRATCH_DIR);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  // remove_all does not follow symbolic links, so links to elsewhere are safe.
  std::filesystem::remove_all(path_, ec);
}

std::string readFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeFile(const std::filesystem::path &path, const std::string &content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

std::string fnv1aHex(const std::string &data) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : data)
    hash = (hash ^ c) * 0x100000001b3ull;
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

} // namespace waot::wasi_test
