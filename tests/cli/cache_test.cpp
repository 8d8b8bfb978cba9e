// The compile cache of `waot run`, as a user meets it: an entry per module,
// reused; a truncated, corrupted, foreign or misplaced entry is replaced and
// never run; `waot cache info|clear|dir`.
#include "cli_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace waot::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kFac = std::string(WAOT_EXAMPLES_DIR) + "/fac.wasm";
const std::string kTraps = std::string(WAOT_TEST_WASM_DIR) + "/traps.wasm";

// Each test gets a cache of its own (the variable reaches the waot processes).
class Cache : public ::testing::Test {
protected:
  Cache() { ::setenv("WAOT_CACHE_DIR", dir_.path().c_str(), 1); }

  std::vector<fs::path> artifacts() const {
    std::vector<fs::path> found;
    for (const auto &entry : fs::directory_iterator(dir_.path()))
      if (entry.path().extension() == ".so") found.push_back(entry.path());
    return found;
  }
  // Runs fac(10) from the .wasm and checks the answer.
  CommandResult runFac() const {
    CommandResult r = runWaot({"run", kFac, "--invoke", "fac", "10"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "i64:3628800\n");
    return r;
  }

  ScratchDir dir_;
};

TEST_F(Cache, OneEntryPerModuleReusedAfterwards) {
  runFac();
  ASSERT_EQ(artifacts().size(), 1u);
  const auto stored = fs::last_write_time(artifacts()[0]);
  const CommandResult again = runFac();
  EXPECT_EQ(again.err, "");
  EXPECT_EQ(fs::last_write_time(artifacts()[0]), stored); // not compiled again
  // Another optimization level is another entry.
  EXPECT_EQ(runWaot({"run", "-O0", kFac, "--invoke", "fac", "3"}).out, "i64:6\n");
  EXPECT_EQ(artifacts().size(), 2u);
  // --no-cache neither reads nor writes.
  EXPECT_EQ(runWaot({"run", "--no-cache", "-O1", kFac, "--invoke", "fac", "3"}).out, "i64:6\n");
  EXPECT_EQ(artifacts().size(), 2u);
}

TEST_F(Cache, TruncatedEntryIsReplacedNotRun) {
  runFac();
  const fs::path entry = artifacts().at(0);
  const auto size = fs::file_size(entry);
  fs::resize_file(entry, size / 2);
  const CommandResult r = runFac();
  EXPECT_THAT(r.err, HasSubstr("replacing the bad cache entry"));
  EXPECT_EQ(fs::file_size(entry), size);
  EXPECT_EQ(runFac().err, ""); // whole again
}

TEST_F(Cache, CorruptedEntryIsReplacedNotRun) {
  runFac();
  const fs::path entry = artifacts().at(0);
  std::vector<unsigned char> bytes = readBytes(entry);
  bytes[bytes.size() / 2] ^= 0x40; // inside the code or data: only the checksum notices
  writeBytes(entry, bytes);
  const CommandResult r = runFac();
  EXPECT_THAT(r.err, HasSubstr("replacing the bad cache entry"));
  EXPECT_EQ(runFac().err, "");
}

TEST_F(Cache, ForeignArtifactUnderTheKeyIsReplacedNotRun) {
  runFac();
  const fs::path entry = artifacts().at(0);
  // A perfectly valid artifact, of another module.
  ASSERT_EQ(runWaot({"compile", kTraps, "-o", entry.string()}).exitCode, 0);
  const CommandResult r = runFac(); // fac's answer, not the traps module's
  EXPECT_THAT(r.err, HasSubstr("replacing the bad cache entry"));
  EXPECT_EQ(runFac().err, "");
}

TEST_F(Cache, EntryCopiedFromAnotherKeyIsReplacedNotRun) {
  runFac();
  const fs::path facEntry = artifacts().at(0);
  ASSERT_EQ(runWaot({"run", kTraps, "--invoke", "ok"}).exitCode, 0);
  ASSERT_EQ(artifacts().size(), 2u);
  const fs::path trapsEntry = artifacts()[0] == facEntry ? artifacts()[1] : artifacts()[0];
  // Both files of the traps entry, renamed to fac's key.
  fs::copy_file(trapsEntry, facEntry, fs::copy_options::overwrite_existing);
  fs::copy_file(fs::path(trapsEntry).replace_extension(".info"),
                fs::path(facEntry).replace_extension(".info"),
                fs::copy_options::overwrite_existing);
  const CommandResult r = runFac();
  EXPECT_THAT(r.err, HasSubstr("another entry's"));
}

TEST_F(Cache, InfoListsAndClearEmpties) {
  runFac();
  const CommandResult info = runWaot({"cache", "info"});
  EXPECT_EQ(info.exitCode, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr(dir_.path().string()));
  EXPECT_THAT(info.out, HasSubstr("1 module(s)"));
  EXPECT_THAT(info.out, HasSubstr("optimized -O2"));
  EXPECT_THAT(info.out, HasSubstr("fac.wasm"));
  EXPECT_EQ(runWaot({"cache", "dir"}).out, dir_.path().string() + "\n");
  EXPECT_EQ(runWaot({"cache", "clear"}).exitCode, 0);
  EXPECT_TRUE(artifacts().empty());
  EXPECT_THAT(runWaot({"cache", "info"}).out, HasSubstr("0 module(s)"));
  EXPECT_EQ(runWaot({"cache", "bogus"}).exitCode, 2);
}

TEST_F(Cache, UnwritableCacheStillRuns) {
  ::setenv("WAOT_CACHE_DIR", "/proc/waot-cannot-be-here", 1);
  const CommandResult r = runWaot({"run", kFac, "--invoke", "fac", "4"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.out, "i64:24\n");
  EXPECT_THAT(r.err, HasSubstr("not cached"));
}

// Runs waot with `args` in the background; its stdout and stderr go to files.
pid_t spawnWaot(const std::vector<std::string> &args, const fs::path &out, const fs::path &err) {
  std::vector<std::string> strings{WAOT_BINARY};
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char *> argv;
  for (auto &text : strings)
    argv.push_back(text.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  if (::posix_spawn(&pid, WAOT_BINARY, &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Runs waot with its stderr on a pseudo-terminal; returns what it wrote
// there (nullopt when this machine gives no pseudo-terminal).
std::optional<std::string> stderrOnATerminal(const std::vector<std::string> &args) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0) return std::nullopt;
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    ::close(master);
    return std::nullopt;
  }
  // Not a session leader, the child does not make the terminal its own.
  const pid_t pid = spawnWaot(args, "/dev/null", ::ptsname(master));
  std::string output;
  if (pid > 0) {
    char buffer[4096];
    ssize_t n;
    // Ends with EIO once the child (the last holder of the slave) exits.
    while ((n = ::read(master, buffer, sizeof buffer)) > 0)
      output.append(buffer, static_cast<std::size_t>(n));
    ::waitpid(pid, nullptr, 0);
  }
  ::close(master);
  return output;
}

std::string contents(const fs::path &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs started together on a module the cache does not have: each gets the
// right answer, there is one entry, and nobody saw a partial or bad one
// (one compiles, the others wait for its entry).
TEST_F(Cache, ConcurrentFirstRunsShareOneEntry) {
  ScratchDir io;
  constexpr int kRuns = 4;
  std::vector<pid_t> pids;
  for (int i = 0; i < kRuns; ++i)
    pids.push_back(spawnWaot({"run", kFac, "--invoke", "fac", "12"},
                             io / ("out" + std::to_string(i)), io / ("err" + std::to_string(i))));
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_GT(pids[i], 0);
    int status = 0;
    ::waitpid(pids[i], &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(contents(io / ("out" + std::to_string(i))), "i64:479001600\n");
    const std::string err = contents(io / ("err" + std::to_string(i)));
    EXPECT_THAT(err, ::testing::Not(HasSubstr("bad cache entry"))) << err;
    // stderr is not a terminal: it is the program's alone, even for a waiter.
    EXPECT_EQ(err, "");
  }
  EXPECT_EQ(artifacts().size(), 1u);
}

// A compile shows its progress on a terminal, and nothing when stderr is not one.
TEST_F(Cache, ProgressOnlyOnATerminal) {
  const auto terminal = stderrOnATerminal({"run", kFac, "--invoke", "fac", "3"});
  if (!terminal) GTEST_SKIP() << "no pseudo-terminal on this machine";
  EXPECT_THAT(*terminal, HasSubstr("waot: compiling fac.wasm"));
  EXPECT_THAT(*terminal, HasSubstr("1/1 parts"));
  EXPECT_EQ(runWaot({"run", "-O1", kFac, "--invoke", "fac", "3"}).err, "");
}

} // namespace
} // namespace waot::test
