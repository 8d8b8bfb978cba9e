// Own WASI programs (tests/wasi/programs/*.c, built with clang for wasm32-wasi)
// run through `waot run`: what the official suite does not cover — arguments
// and environment edge cases, every exit code, stdin to end of file, many
// megabytes of output, directory walks, traps in the middle of output.
#include "wasi_process.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

namespace waot::wasi_test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// What args_env prints for these arguments and environment entries.
std::string argsEnvOutput(const std::vector<std::string> &argv,
                          const std::vector<std::string> &env) {
  std::string text = "argc=" + std::to_string(argv.size()) + "\n";
  for (const auto &a : argv)
    text += "arg " + std::to_string(a.size()) + ":" + a + "\n";
  for (const auto &e : env)
    text += "env " + std::to_string(e.size()) + ":" + e + "\n";
  return text;
}

// args_env output without argv[0]'s line (tests of the other arguments do
// not depend on its form; ArgvZeroIsTheModuleFileName checks it).
std::string dropArgv0(const std::string &out) {
  const size_t line = out.find('\n') + 1;
  if (out.compare(line, 4, "arg ") != 0) return out;
  const size_t colon = out.find(':', line);
  const size_t len = std::stoul(out.substr(line + 4, colon - line - 4));
  return out.substr(0, line) + out.substr(colon + 1 + len + 1);
}

// Where two texts first differ, for failure messages about long outputs.
std::string firstDifference(const std::string &got, const std::string &expected) {
  size_t at = 0;
  while (at < got.size() && at < expected.size() && got[at] == expected[at])
    ++at;
  const size_t from = at < 40 ? 0 : at - 40;
  return "first difference at byte " + std::to_string(at) + " (got " + std::to_string(got.size()) +
         " bytes, expected " + std::to_string(expected.size()) + ")\n  got:      ..." +
         got.substr(from, 120) + "\n  expected: ..." + expected.substr(from, 120);
}

// The "env ..." entries of args_env output, sorted (the order of the guest's
// environment is not specified).
std::vector<std::string> guestEnvironment(const std::string &out) {
  std::vector<std::string> entries;
  size_t at = 0;
  while ((at = out.find("\nenv ", at)) != std::string::npos) {
    size_t colon = out.find(':', at);
    size_t len = std::stoul(out.substr(at + 5, colon - at - 5));
    entries.push_back(out.substr(colon + 1, len));
    at = colon + 1 + len;
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

// A trap reported as waot's one error line, "waot: error: RuntimeError:
// MESSAGE", possibly followed by where it happened (", in wasm function ...").
void expectTrap(const RunResult &r, const std::string &message) {
  EXPECT_EQ(r.exitCode, 134) << r.describe();
  const std::string start = "waot: error: RuntimeError: " + message;
  bool found = false;
  for (size_t at = 0; !found && at < r.err.size(); at = r.err.find('\n', at) + 1) {
    const size_t end = r.err.find('\n', at);
    if (end == std::string::npos) break;
    const std::string line = r.err.substr(at, end - at);
    found = line == start || line.starts_with(start + ",");
  }
  EXPECT_TRUE(found) << "expected a line \"" << start << "\" on stderr\n" << r.describe();
}

// ---- arguments and environment -------------------------------------------

TEST(WasiArgs, ArgvZeroIsTheModuleFileName) {
  auto r = runProgram("args_env", {});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, argsEnvOutput({"args_env.wasm"}, {}));
  EXPECT_EQ(r.err, "");
  // The same for a compiled library.
  TempDir dir;
  const auto so = (dir / "prog.so").string();
  auto compile = runWaot({"compile", programPath("args_env").string(), "-o", so});
  ASSERT_EQ(compile.exitCode, 0) << compile.describe();
  auto library = runWaot({"run", so, "x"});
  ASSERT_EQ(library.exitCode, 0) << library.describe();
  EXPECT_EQ(library.out, argsEnvOutput({"prog.so", "x"}, {}));
}

TEST(WasiArgs, EmptyUnicodeAndControlCharacterArguments) {
  const std::vector<std::string> args{
      "",  "two words", "tab\there",    "new\nline", "ünïcødé ✓ 🙂",
      "=", "a=b",       "'\"quoted\"'", "$HOME",     "*",
      "",  "end"};
  auto r = runProgram("args_env", args);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  std::vector<std::string> argv{"args_env.wasm"};
  argv.insert(argv.end(), args.begin(), args.end());
  EXPECT_EQ(dropArgv0(r.out), dropArgv0(argsEnvOutput(argv, {})));
}

TEST(WasiArgs, OptionsAfterTheModuleBelongToTheGuest) {
  const std::vector<std::string> args{
      "-O",         "0",        "--dir", "/",      "--env", "A=B", "--inherit-env",
      "--no-cache", "--invoke", "main",  "--help", "--",    "-x"};
  auto r = runProgram("args_env", args);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  std::vector<std::string> argv{"args_env.wasm"};
  argv.insert(argv.end(), args.begin(), args.end());
  EXPECT_EQ(dropArgv0(r.out), dropArgv0(argsEnvOutput(argv, {})));
}

TEST(WasiArgs, DoubleDashAfterTheModuleSeparates) {
  // `waot run [OPTIONS] MODULE [--] [ARGS...]`: a "--" right after MODULE is
  // waot's; later ones are the guest's.
  auto r = runProgram("args_env", {"--", "-x", "--", "y"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(dropArgv0(r.out), dropArgv0(argsEnvOutput({"args_env.wasm", "-x", "--", "y"}, {})));
}

TEST(WasiArgs, ThousandsOfArguments) {
  std::vector<std::string> args;
  for (int i = 0; i < 5000; ++i)
    args.push_back("argument-" + std::to_string(i) + "-é");
  args.push_back(std::string(100000, 'L')); // one long one (the host limit is 128 KiB)
  auto r = runProgram("args_env", args);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  std::vector<std::string> argv{"args_env.wasm"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto expected = dropArgv0(argsEnvOutput(argv, {}));
  const auto got = dropArgv0(r.out);
  EXPECT_TRUE(got == expected) << firstDifference(got, expected);
}

TEST(WasiEnv, GuestSeesOnlyTheGivenVariables) {
  RunOptions options;
  options.hostEnv = {"WAOT_WASI_TEST_SECRET=host-only"};
  const std::vector<std::string> given{
      "PLAIN=value", "EQUALS=a=b=c", "EMPTY=", "UTF8=ünïcødé ✓", "NL=line1\nline2", "SPACE=  x  "};
  std::vector<std::string> opts;
  for (const auto &e : given)
    opts.insert(opts.end(), {"--env", e});
  auto r = runProgram("args_env", {}, opts, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  auto expected = given;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(guestEnvironment(r.out), expected) << r.out;
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("WAOT_WASI_TEST_SECRET")));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("PATH=")));
}

TEST(WasiEnv, NoVariablesAtAll) {
  RunOptions options;
  options.hostEnv = {"WAOT_WASI_TEST_SECRET=host-only"};
  auto r = runProgram("args_env", {"x"}, {}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(dropArgv0(r.out), dropArgv0(argsEnvOutput({"args_env.wasm", "x"}, {})));
}

TEST(WasiEnv, InheritEnvAddsTheHostEnvironment) {
  RunOptions options;
  options.hostEnv = {"WAOT_WASI_TEST_SECRET=host=value"};
  auto r = runProgram("args_env", {}, {"--inherit-env", "--env", "GIVEN=1"}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  auto env = guestEnvironment(r.out);
  EXPECT_THAT(env, ::testing::Contains("WAOT_WASI_TEST_SECRET=host=value"));
  EXPECT_THAT(env, ::testing::Contains("GIVEN=1"));
  EXPECT_THAT(env, ::testing::Contains(::testing::StartsWith("PATH=")));
}

TEST(WasiEnv, NameAloneTakesTheHostValueAndGivenEntriesWin) {
  RunOptions options;
  options.hostEnv = {"WAOT_WASI_TEST_SECRET=from host", "WAOT_WASI_TEST_OTHER=other"};
  auto named = runProgram("args_env", {}, {"--env", "WAOT_WASI_TEST_SECRET"}, options);
  ASSERT_EQ(named.exitCode, 0) << named.describe();
  EXPECT_EQ(guestEnvironment(named.out),
            std::vector<std::string>{"WAOT_WASI_TEST_SECRET=from host"});
  auto wins = runProgram("args_env", {}, {"--inherit-env", "--env", "WAOT_WASI_TEST_SECRET=given"},
                         options);
  ASSERT_EQ(wins.exitCode, 0) << wins.describe();
  auto env = guestEnvironment(wins.out);
  EXPECT_THAT(env, ::testing::Contains("WAOT_WASI_TEST_SECRET=given"));
  EXPECT_THAT(env, ::testing::Not(::testing::Contains("WAOT_WASI_TEST_SECRET=from host")));
  EXPECT_THAT(env, ::testing::Contains("WAOT_WASI_TEST_OTHER=other"));
}

// ---- waot's own errors -------------------------------------------------------

TEST(WasiCli, OwnErrorsExitWithOneAndUsageErrorsWithTwo) {
  TempDir dir;
  auto missingModule = runWaot({"run", (dir / "nothing.wasm").string()});
  EXPECT_EQ(missingModule.exitCode, 1) << missingModule.describe();
  EXPECT_THAT(missingModule.err, HasSubstr("waot: error: "));
  auto missingDir = runProgram("exit_code", {"0"}, {"--dir", (dir / "absent").string() + "::/"});
  EXPECT_EQ(missingDir.exitCode, 1) << missingDir.describe();
  EXPECT_EQ(missingDir.out, "") << "the guest ran";
  EXPECT_THAT(missingDir.err, HasSubstr("waot: error: "));
  auto badOption = runProgram("exit_code", {"0"}, {"--frobnicate"});
  EXPECT_EQ(badOption.exitCode, 2) << badOption.describe();
  EXPECT_EQ(badOption.out, "");
}

// ---- exit codes ------------------------------------------------------------

TEST(WasiExit, EveryExitCodeFromExit) {
  for (int code = 0; code <= 255; ++code) {
    auto r = runProgram("exit_code", {std::to_string(code)});
    ASSERT_EQ(r.exitCode, code) << r.describe();
    // exit() runs atexit handlers and flushes stdio before proc_exit.
    EXPECT_EQ(r.out, "atexit\n") << "code " << code;
    EXPECT_EQ(r.err, "") << "code " << code;
  }
}

TEST(WasiExit, ReturnFromMainAndRawProcExit) {
  for (int code : {0, 1, 2, 42, 126, 127, 128, 129, 133, 134, 200, 254, 255}) {
    for (const char *how : {"return", "raw"}) {
      auto r = runProgram("exit_code", {std::to_string(code), how});
      EXPECT_EQ(r.exitCode, code) << how << "\n" << r.describe();
      EXPECT_EQ(r.out, "") << how << " " << code;
    }
  }
}

TEST(WasiExit, AbortIsATrap) {
  auto r = runProgram("exit_code", {"0", "abort"});
  expectTrap(r, "unreachable");
}

// ---- stdin -----------------------------------------------------------------

std::string randomBytes(size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::string data(n, '\0');
  for (auto &c : data)
    c = static_cast<char>(rng());
  return data;
}

std::string sumLine(const std::string &data) {
  return "bytes=" + std::to_string(data.size()) + " fnv=" + fnv1aHex(data) + "\n";
}

TEST(WasiStdin, ReadsAFileToTheEnd) {
  TempDir dir;
  const auto data = randomBytes(5 * 1024 * 1024 + 17, 1);
  writeFile(dir / "input", data);
  RunOptions options;
  options.stdinFile = dir / "input";
  auto r = runProgram("stdin_io", {"sum"}, {}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, sumLine(data));
}

TEST(WasiStdin, ReadsAPipeToTheEnd) {
  RunOptions options;
  options.stdinData = randomBytes(3 * 1024 * 1024 + 5, 2);
  auto r = runProgram("stdin_io", {"sum"}, {}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, sumLine(*options.stdinData));
}

TEST(WasiStdin, EmptyStdin) {
  auto r = runProgram("stdin_io", {"sum"}); // /dev/null
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, sumLine(""));
  RunOptions options;
  options.stdinData = "";
  auto piped = runProgram("stdin_io", {"sum"}, {}, options);
  ASSERT_EQ(piped.exitCode, 0) << piped.describe();
  EXPECT_EQ(piped.out, sumLine(""));
}

TEST(WasiStdin, CatCopiesMegabytesThroughPipes) {
  RunOptions options;
  options.stdinData = randomBytes(8 * 1024 * 1024 + 3, 3);
  auto r = runProgram("stdin_io", {"cat"}, {}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  ASSERT_EQ(r.out.size(), options.stdinData->size());
  EXPECT_TRUE(r.out == *options.stdinData) << "content differs";
}

TEST(WasiStdin, LinesWithFgets) {
  std::string text;
  for (int i = 0; i < 100000; ++i)
    text += "line " + std::to_string(i) + "\n";
  text += "no newline at the end";
  RunOptions options;
  options.stdinData = text;
  auto r = runProgram("stdin_io", {"lines"}, {}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "lines=100000\n");
}

// ---- large writes ----------------------------------------------------------

unsigned char patternByte(uint64_t i) {
  return static_cast<unsigned char>((i * 0x9E3779B97F4A7C15ull) >> 56);
}

// Checks that `data` is big_write's pattern of `size` bytes.
void expectPattern(const std::string &data, uint64_t size) {
  ASSERT_EQ(data.size(), size);
  for (uint64_t i = 0; i < size; ++i)
    if (static_cast<unsigned char>(data[i]) != patternByte(i)) {
      ADD_FAILURE() << "first wrong byte at offset " << i;
      return;
    }
}

TEST(WasiWrite, ManyMegabytesToStdout) {
  const uint64_t size = 48ull << 20;
  auto r = runProgram("big_write", {"stdout", std::to_string(size)});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  expectPattern(r.out, size);
}

TEST(WasiWrite, WritevOfManyBuffersToStdout) {
  const uint64_t size = (24ull << 20) + 12345;
  auto r = runProgram("big_write", {"writev", std::to_string(size)});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  expectPattern(r.out, size);
}

// A non-blocking pipe takes at most its free space per write: the guest sees
// short writes (or EAGAIN) and continues, and every byte must arrive once.
TEST(WasiWrite, PartialWritesToANonBlockingPipe) {
  for (const char *mode : {"stdout", "writev"}) {
    const uint64_t size = (16ull << 20) + 99;
    RunOptions options;
    options.nonBlockingStdout = true;
    auto r = runProgram("big_write", {mode, std::to_string(size)}, {}, options);
    ASSERT_EQ(r.exitCode, 0) << mode << "\n" << r.describe();
    expectPattern(r.out, size);
    RecordProperty(std::string(mode) + "_guest_writes", r.err);
  }
}

TEST(WasiWrite, StdoutToAFile) {
  // waot's stdout is a regular file here, not a pipe.
  TempDir dir;
  const uint64_t size = 20ull << 20;
  RunOptions options;
  options.stdoutFile = dir / "stdout";
  auto r = runProgram("big_write", {"stdout", std::to_string(size)}, {}, options);
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  expectPattern(readFile(dir / "stdout"), size);
}

TEST(WasiWrite, ManyMegabytesToAFileAndBack) {
  TempDir dir;
  const uint64_t size = (40ull << 20) + 7;
  auto r = runProgram("big_write", {"file", "/data.bin", std::to_string(size)},
                      {"--dir", dir.path().string() + "::/"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  const auto data = readFile(dir / "data.bin");
  EXPECT_EQ(r.out, "size=" + std::to_string(size) + " read=" + std::to_string(size) +
                       " fnv=" + fnv1aHex(data) + "\n");
  expectPattern(data, size);
}

TEST(WasiWrite, SparseFileBeyondFourGiB) {
  TempDir dir;
  const uint64_t offset = (5ull << 30) + 3;
  auto r = runProgram("big_write", {"sparse", "/sparse.bin", std::to_string(offset)},
                      {"--dir", dir.path().string() + "::/"});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  const auto size = std::to_string(offset + 4);
  EXPECT_EQ(r.out, "size=" + size + " end=" + size + " tail=tail hole=16\n");
  EXPECT_EQ(fs::file_size(dir / "sparse.bin"), offset + 4);
}

// ---- directory walks -------------------------------------------------------

// The listing `dirtree walk` prints for the host directory `root`.
std::string hostListing(const fs::path &root) {
  std::vector<std::pair<std::string, std::string>> entries; // path, line
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const auto rel = it->path().lexically_relative(root).string();
    const auto status = it->symlink_status();
    std::string line;
    if (fs::is_symlink(status))
      line = "l " + fs::read_symlink(it->path()).string() + " " + rel;
    else if (fs::is_directory(status))
      line = "d " + rel;
    else
      line = "f " + std::to_string(fs::file_size(it->path())) + " " + rel;
    entries.emplace_back(rel, line);
  }
  std::sort(entries.begin(), entries.end());
  std::string text;
  for (const auto &e : entries)
    text += e.second + "\n";
  return text;
}

TEST(WasiDirs, GuestBuildsWalksAndRemovesATree) {
  TempDir dir;
  const std::string preopen = dir.path().string() + "::/";
  auto make = runProgram("dirtree", {"make", "/tree", "3", "3", "4"}, {"--dir", preopen});
  ASSERT_EQ(make.exitCode, 0) << make.describe();
  // On the host: 1 + 3 + 9 + 27 directories with 4 files each, every file
  // holding its own guest path.
  int dirs = 0, files = 0;
  for (const auto &e : fs::recursive_directory_iterator(dir / "tree")) {
    if (e.is_directory()) ++dirs;
    if (e.is_regular_file()) {
      ++files;
      EXPECT_EQ(readFile(e.path()), "/" + e.path().lexically_relative(dir.path()).string());
    }
  }
  EXPECT_EQ(dirs, 39); // below the root
  EXPECT_EQ(files, 160);

  auto walk = runProgram("dirtree", {"walk", "/tree"}, {"--dir", preopen});
  ASSERT_EQ(walk.exitCode, 0) << walk.describe();
  EXPECT_EQ(walk.out, hostListing(dir / "tree"));

  auto rm = runProgram("dirtree", {"rm", "/tree"}, {"--dir", preopen});
  ASSERT_EQ(rm.exitCode, 0) << rm.describe();
  EXPECT_EQ(rm.out, "removed=200\n");
  EXPECT_FALSE(fs::exists(dir / "tree"));
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(WasiDirs, GuestWalksAHostTree) {
  TempDir dir;
  const auto root = dir / "host";
  fs::create_directories(root / "big");
  for (int i = 0; i < 1500; ++i) { // many fd_readdir buffers' worth
    char name[32];
    std::snprintf(name, sizeof name, "file-%04d", i);
    writeFile(root / "big" / name, std::string(static_cast<size_t>(i % 7), 'x'));
  }
  writeFile(root / std::string(255, 'n'), "longest name");
  writeFile(root / "ünïcødé ✓ 🙂", "utf-8");
  writeFile(root / "with  spaces and\ttab", "");
  fs::path deep = root;
  for (int i = 0; i < 40; ++i)
    deep /= std::string("d").append(std::to_string(i));
  fs::create_directories(deep);
  writeFile(deep / "bottom", "bottom");
  fs::create_directory(root / "empty");
  fs::create_symlink("big", root / "link-to-dir");
  fs::create_symlink("nowhere", root / "dangling");

  auto walk = runProgram("dirtree", {"walk", "/host"}, {"--dir", dir.path().string() + "::/"});
  ASSERT_EQ(walk.exitCode, 0) << walk.describe();
  const auto expected = hostListing(root);
  EXPECT_TRUE(walk.out == expected)
      << "the guest's listing differs from the host's: " << firstDifference(walk.out, expected);
}

TEST(WasiDirs, PreopenUnderItsHostPathAndTwoPreopens) {
  TempDir a, b;
  writeFile(a / "in-a", "A");
  writeFile(b / "in-b", "BB");
  // --dir HOST: the guest sees the directory under its host path.
  auto r = runProgram("dirtree", {"walk", a.path().string()}, {"--dir", a.path().string()});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "f 1 in-a\n");
  auto two = runProgram(
      "dirtree", {"walk", "/second"},
      {"--dir", a.path().string() + "::/first", "--dir", b.path().string() + "::/second"});
  ASSERT_EQ(two.exitCode, 0) << two.describe();
  EXPECT_EQ(two.out, "f 2 in-b\n");
}

// ---- traps -----------------------------------------------------------------

struct TrapCase {
  const char *kind;
  const char *message;
};

class WasiTrap : public ::testing::TestWithParam<TrapCase> {};

TEST_P(WasiTrap, OutputBeforeTheTrapArrives) {
  const auto &c = GetParam();
  auto r = runProgram("trap", {c.kind});
  EXPECT_EQ(r.out, std::string("before ") + c.kind + "\n");
  EXPECT_TRUE(r.err.starts_with(std::string("stderr before ") + c.kind + "\n")) << r.err;
  expectTrap(r, c.message);
}

INSTANTIATE_TEST_SUITE_P(Kinds, WasiTrap,
                         ::testing::Values(TrapCase{"unreachable", "unreachable"},
                                           TrapCase{"divzero", "integer divide by zero"},
                                           TrapCase{"oob", "out of bounds memory access"},
                                           TrapCase{"stack", "call stack exhausted"}),
                         [](const auto &info) { return std::string(info.param.kind); });

TEST(WasiTrapOutput, AMegabyteBeforeTheTrap) {
  const long bytes = 1 << 20;
  auto r = runProgram("trap", {"unreachable", std::to_string(bytes)});
  expectTrap(r, "unreachable");
  std::string expected = "before unreachable\n";
  for (long i = 0; i < bytes; ++i)
    expected += i % 64 == 63 ? '\n' : static_cast<char>('a' + i % 26);
  EXPECT_TRUE(r.out == expected) << firstDifference(r.out, expected);
}

TEST(WasiTrapOutput, StackExhaustionAfterOutput) {
  auto r = runProgram("trap", {"stack", "5000"});
  expectTrap(r, "call stack exhausted");
  EXPECT_EQ(r.out.size(), std::string("before stack\n").size() + 5000);
}

// ---- the module forms ------------------------------------------------------

TEST(WasiModule, RunsACompiledLibrary) {
  TempDir dir;
  const auto so = (dir / "prog.so").string();
  auto compile = runWaot({"compile", programPath("args_env").string(), "-o", so});
  ASSERT_EQ(compile.exitCode, 0) << compile.describe();
  auto r = runWaot({"run", "--env", "K=V", so, "a", ""});
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(dropArgv0(r.out), dropArgv0(argsEnvOutput({"prog.so", "a", ""}, {"K=V"})));
}

TEST(WasiModule, CacheIsFilledOnceAndNoCacheBypassesIt) {
  TempDir cache;
  RunOptions options;
  options.hostEnv = {"WAOT_CACHE_DIR=" + (cache / "c").string()};
  auto count = [&] {
    size_t n = 0;
    if (fs::exists(cache / "c"))
      for (const auto &e : fs::recursive_directory_iterator(cache / "c"))
        n += e.is_regular_file();
    return n;
  };
  auto noCache = runProgram("exit_code", {"3"}, {"--no-cache"}, options);
  EXPECT_EQ(noCache.exitCode, 3) << noCache.describe();
  EXPECT_EQ(count(), 0u) << "--no-cache wrote to the cache";
  auto first = runProgram("exit_code", {"4"}, {}, options);
  EXPECT_EQ(first.exitCode, 4) << first.describe();
  const size_t filled = count();
  EXPECT_GT(filled, 0u) << "nothing cached";
  auto second = runProgram("exit_code", {"5"}, {}, options);
  EXPECT_EQ(second.exitCode, 5) << second.describe();
  EXPECT_EQ(count(), filled) << "a second run added to the cache";
  // The same machine is the same machine on each of its cores: the key must
  // not depend on the core waot happens to run on.
  const auto cpus = allowedCpus();
  for (size_t i = 0; i < cpus.size() && i < 4; ++i) {
    options.cpu = cpus[i];
    auto pinned = runProgram("exit_code", {"6"}, {}, options);
    EXPECT_EQ(pinned.exitCode, 6) << pinned.describe();
    EXPECT_EQ(count(), filled) << "a run on CPU " << cpus[i] << " compiled the module again";
  }
}

} // namespace
} // namespace waot::wasi_test
