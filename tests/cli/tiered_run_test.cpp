// Tiered `waot run`, as a user meets it: a large module starts at the quick
// tier while the optimized artifact is built in the background for the next
// run; concurrent first runs build each artifact once; a killed background
// build leaves no entry behind; the run's output ends with the program, not
// with the build; `waot cache build` fills the cache up front.
#include "cli_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace waot::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kFac = std::string(WAOT_EXAMPLES_DIR) + "/fac.wasm";

// A module with more code than `waot run --tier auto` compiles at -O2 up
// front (>= 64 KiB) that still optimizes in seconds: `kFunctions` small
// straight-line mixing functions, and run(x) = the wrapping sum of f_i(x).
constexpr unsigned kFunctions = 2500;
constexpr unsigned kFew = 10;
const std::string kDefined = std::to_string(kFunctions + 3); // the f_i, run, spin, few

std::string largeModuleText() {
  std::ostringstream wat;
  wat << "(module\n";
  for (unsigned i = 0; i < kFunctions; ++i)
    wat << "(func $f" << i << " (param $h i32) (result i32)\n"
        << " (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.const " << i
        << ")))\n"
        << " (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const "
        << (i % 13 + 3) << "))))\n"
        << " (i32.rotl (local.get $h) (i32.const " << (i % 29 + 1) << ")))\n";
  wat << "(func (export \"run\") (param $x i32) (result i32) (local $s i32)\n";
  for (unsigned i = 0; i < kFunctions; ++i)
    wat << " (local.set $s (i32.add (local.get $s) (call $f" << i << " (local.get $x))))\n";
  wat << " (local.get $s))\n";
  // spin(n): n rounds of a loop (seconds at the quick tier for n ~ 10^9),
  // then few(0).
  wat << "(func (export \"spin\") (param $n i32) (result i32)\n"
      << " (loop $again (local.set $n (i32.sub (local.get $n) (i32.const 1)))\n"
      << "  (br_if $again (i32.gt_s (local.get $n) (i32.const 0))))\n"
      << " (call $few (local.get $n)))\n";
  // few(x): the sum of the first kFew functions only.
  wat << "(func $few (export \"few\") (param $x i32) (result i32) (local $s i32)\n";
  for (unsigned i = 0; i < kFew; ++i)
    wat << " (local.set $s (i32.add (local.get $s) (call $f" << i << " (local.get $x))))\n";
  wat << " (local.get $s)))\n";
  return wat.str();
}

std::uint32_t rotl(std::uint32_t value, unsigned count) {
  return (value << count) | (value >> (32 - count));
}

// What run(x) (or few(x): `count` kFew) returns, computed here.
std::uint32_t expectedRun(std::int32_t x, unsigned count = kFunctions) {
  std::uint32_t sum = 0;
  for (unsigned i = 0; i < count; ++i) {
    std::uint32_t h = static_cast<std::uint32_t>(x) * 31u + i;
    h ^= h >> (i % 13 + 3);
    sum += rotl(h, i % 29 + 1);
  }
  return sum;
}

std::string slurp(const fs::path &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool processAlive(long pid) {
  if (::kill(static_cast<pid_t>(pid), 0) != 0) return false;
  // A zombie (killed, not reaped yet) is not running anything.
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos || stat.size() < close + 3 || stat[close + 2] != 'Z';
}

// Each test gets a cache of its own, which the background builds inherit.
class TieredRun : public ::testing::Test {
protected:
  TieredRun() {
    ::setenv("WAOT_CACHE_DIR", (dir_ / "cache").c_str(), 1);
    std::ofstream(module_) << largeModuleText();
  }
  ~TieredRun() override {
    // A background build still running must not outlive its cache dir.
    for (const long pid : builderPids())
      ::kill(static_cast<pid_t>(pid), SIGKILL);
  }

  fs::path cache() const { return dir_ / "cache"; }

  // The pids of the compiles running in this cache now (their markers).
  std::vector<long> builderPids() const {
    std::vector<long> pids;
    std::error_code ec;
    for (const auto &file : fs::directory_iterator(cache(), ec)) {
      if (file.path().extension() != ".building") continue;
      std::istringstream text(slurp(file.path()));
      std::string line;
      while (std::getline(text, line))
        if (line.rfind("pid=", 0) == 0 && processAlive(std::stol(line.substr(4))))
          pids.push_back(std::stol(line.substr(4)));
    }
    return pids;
  }

  std::string cacheInfo() const { return runWaot({"cache", "info"}).out; }

  // Waits (up to five minutes: the build runs at a low priority beside
  // the other tests) until the cache has an optimized entry.
  bool waitForOptimized() const { return waitFor("optimized -O2"); }
  // Waits (as long) until `waot cache info` shows `text`.
  bool waitFor(const std::string &text) const {
    for (auto deadline = std::chrono::steady_clock::now() + 300s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms))
      if (cacheInfo().find(text) != std::string::npos) return true;
    return false;
  }

  CommandResult run(const std::vector<std::string> &options, std::int32_t x = 3) const {
    std::vector<std::string> args{"run", "-v"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {module_.string(), "--invoke", "run", std::to_string(x)});
    CommandResult r = runWaot(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "i32:" + std::to_string(static_cast<std::int32_t>(expectedRun(x))) + "\n");
    return r;
  }

  unsigned logLines(const std::string &what) const {
    std::istringstream log(slurp(cache() / "background.log"));
    unsigned count = 0;
    for (std::string line; std::getline(log, line);)
      count += line.find(what) != std::string::npos;
    return count;
  }

  ScratchDir dir_;
  fs::path module_ = dir_ / "large.wat";
};

TEST_F(TieredRun, LargeModuleStartsQuickAndLeavesAnOptimizedArtifact) {
  const CommandResult first = run({}); // --tier auto
  EXPECT_THAT(first.err, HasSubstr("quick tier (-O0) compiled in"));
  EXPECT_THAT(first.err, HasSubstr("the optimized build starts when the program ends"));
  // run and every f_i ran; few did not.
  EXPECT_THAT(first.err, HasSubstr("optimizing the " + std::to_string(kFunctions + 1) + " of " +
                                   kDefined + " functions it ran at -O2 in the background"));
  ASSERT_TRUE(waitForOptimized()) << cacheInfo();
  EXPECT_EQ(logLines("built in"), 1u);
  const CommandResult second = run({}, 5);
  EXPECT_THAT(second.err, HasSubstr("optimized tier (-O2, " + std::to_string(kFunctions + 1) +
                                    " of " + kDefined + " functions optimized) from the cache"));
  EXPECT_THAT(second.err, HasSubstr("every function it ran is optimized"));
  EXPECT_THAT(cacheInfo(), HasSubstr("quick     -O0"));
}

TEST_F(TieredRun, SmallModuleIsOptimizedUpFront) {
  const CommandResult r = runWaot({"run", "-v", kFac, "--invoke", "fac", "5"});
  EXPECT_EQ(r.out, "i64:120\n");
  EXPECT_THAT(r.err, HasSubstr("optimized tier (-O2) compiled in"));
  EXPECT_FALSE(fs::exists(cache() / "background.log"));
}

TEST_F(TieredRun, QuickAndOptimizedTiersStartNothingInTheBackground) {
  EXPECT_THAT(run({"--tier", "quick"}).err, HasSubstr("quick tier (-O0) compiled in"));
  EXPECT_THAT(run({"--tier", "quick"}).err, HasSubstr("quick tier (-O0) from the cache"));
  EXPECT_TRUE(builderPids().empty());
  EXPECT_FALSE(fs::exists(cache() / "background.log"));
  // -O alone asks for that level up front.
  EXPECT_THAT(run({"-O1"}).err, HasSubstr("optimized tier (-O1) compiled in"));
  EXPECT_FALSE(fs::exists(cache() / "background.log"));
  const CommandResult bad = runWaot({"run", "--tier", "fast", kFac, "--invoke", "fac", "1"});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_THAT(bad.err, HasSubstr("--tier takes auto, tiered, quick or optimized"));
}

TEST_F(TieredRun, ConcurrentFirstRunsBuildEachArtifactOnce) {
  auto a = std::async(std::launch::async, [&] { return run({}, 2); });
  auto b = std::async(std::launch::async, [&] { return run({}, 4); });
  const std::string errors = a.get().err + b.get().err;
  // One of them compiled the quick tier, the other waited and loaded it.
  std::size_t compiled = 0;
  for (auto at = errors.find("quick tier (-O0) compiled in"); at != std::string::npos;
       at = errors.find("quick tier (-O0) compiled in", at + 1))
    ++compiled;
  EXPECT_EQ(compiled, 1u) << errors;
  ASSERT_TRUE(waitForOptimized()) << cacheInfo();
  // Whichever background build came second found the first one's work.
  while (!builderPids().empty())
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(logLines("built in"), 1u) << slurp(cache() / "background.log");
  EXPECT_EQ(logLines("background build started"), 1u);
}

TEST_F(TieredRun, KilledBackgroundBuildLeavesNoEntry) {
  run({"--tier", "tiered"});
  std::vector<long> builders;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       builders.empty() && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(5ms))
    builders = builderPids();
  ASSERT_EQ(builders.size(), 1u) << "no background build seen: " << cacheInfo();
  ASSERT_EQ(::kill(static_cast<pid_t>(builders[0]), SIGKILL), 0);
  while (processAlive(builders[0]))
    std::this_thread::sleep_for(10ms);
  // Only the quick tier is there; no optimized entry, partial or whole.
  const std::string info = cacheInfo();
  EXPECT_THAT(info, HasSubstr("1 module(s)"));
  EXPECT_THAT(info, Not(HasSubstr("optimized")));
  EXPECT_THAT(info, Not(HasSubstr("compiling")));
  // The next run uses the quick tier and builds the optimized one again.
  const std::string again = run({}).err;
  EXPECT_THAT(again, HasSubstr("quick tier (-O0) from the cache; the optimized build starts"));
  EXPECT_THAT(again, HasSubstr("in the background"));
  ASSERT_TRUE(waitForOptimized()) << cacheInfo();
  EXPECT_THAT(run({}).err, HasSubstr("functions optimized) from the cache"));
  // Whatever the killed build was writing is gone.
  for (const auto &file : fs::directory_iterator(cache()))
    EXPECT_EQ(file.path().filename().string().find(".tmp."), std::string::npos) << file.path();
}

TEST_F(TieredRun, GuidedBuildOptimizesWhatRanAndLearnsFromLaterRuns) {
  // A first run of few(x) only: the optimized build optimizes few and f0..f9.
  const CommandResult first =
      runWaot({"run", "-v", "--tier", "tiered", module_.string(), "--invoke", "few", "3"});
  EXPECT_EQ(first.out,
            "i32:" + std::to_string(static_cast<std::int32_t>(expectedRun(3, kFew))) + "\n");
  const std::string hot = std::to_string(kFew + 1) + " of " + kDefined + " functions";
  EXPECT_THAT(first.err, HasSubstr("optimizing the " + hot + " it ran"));
  ASSERT_TRUE(waitFor(hot + " optimized")) << cacheInfo();
  // run(x) runs everything, the unoptimized functions too (correctly), and
  // asks for a build that optimizes them as well.
  const std::string second = run({}).err;
  EXPECT_THAT(second, HasSubstr("optimized tier (-O2, " + hot + " optimized) from the cache"));
  const std::string allButSpin = std::to_string(kFunctions + 2) + " of " + kDefined;
  EXPECT_THAT(second, HasSubstr("optimizing the " + allButSpin));
  ASSERT_TRUE(waitFor(allButSpin + " functions optimized")) << cacheInfo();
  EXPECT_THAT(run({}, 9).err, HasSubstr("every function it ran is optimized"));
  EXPECT_EQ(logLines("built in"), 2u) << slurp(cache() / "background.log");
}

TEST_F(TieredRun, LongRunStartsTheBuildWhileTheProgramRuns) {
  ::setenv("WAOT_TIER_PROFILE_SECONDS", "0.2", 1);
  auto spinning = std::async(std::launch::async, [&] {
    return runWaot(
        {"run", "-v", "--tier", "tiered", module_.string(), "--invoke", "spin", "2000000000"});
  });
  bool seenWhileRunning = false;
  while (spinning.wait_for(20ms) != std::future_status::ready)
    seenWhileRunning = seenWhileRunning || logLines("background build started") > 0;
  ::unsetenv("WAOT_TIER_PROFILE_SECONDS");
  const CommandResult r = spinning.get();
  EXPECT_EQ(r.out, "i32:" + std::to_string(static_cast<std::int32_t>(expectedRun(0, kFew))) + "\n")
      << r.err;
  EXPECT_THAT(r.err, HasSubstr("or after 0.2 s"));
  EXPECT_TRUE(seenWhileRunning) << "the build did not start before the program ended";
  // Only spin had been entered when the profile was first taken; at the end
  // few and its ten callees too: the build follows the grown profile.
  EXPECT_THAT(r.err, HasSubstr("optimizing the 1 of " + kDefined + " functions it ran"));
  const std::string grown = std::to_string(kFew + 2) + " of " + kDefined + " functions";
  EXPECT_THAT(r.err, HasSubstr(grown + " it ran"));
  ASSERT_TRUE(waitFor(grown + " optimized")) << cacheInfo();
}

TEST_F(TieredRun, OutputEndsWithTheProgramNotTheBuild) {
  // Read through a pipe until end of file, as `$(waot run ...)` does: the
  // background build must not hold the pipe open.
  const std::string command = std::string(WAOT_BINARY) + " run --tier tiered " + module_.string() +
                              " --invoke run 1 2>/dev/null";
  FILE *pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe))
    out += buffer;
  EXPECT_EQ(::pclose(pipe), 0);
  EXPECT_EQ(out, "i32:" + std::to_string(static_cast<std::int32_t>(expectedRun(1))) + "\n");
  // The optimized build is not done yet: the pipe did not wait for it.
  EXPECT_THAT(cacheInfo(), Not(HasSubstr("optimized -O2"))) << "the build finished first";
  ASSERT_TRUE(waitForOptimized());
}

TEST_F(TieredRun, CacheBuildFillsTheCacheUpFront) {
  const CommandResult built = runWaot({"cache", "build", "-v", module_.string()});
  EXPECT_EQ(built.exitCode, 0) << built.err;
  EXPECT_THAT(built.err, HasSubstr("compiled in"));
  EXPECT_THAT(runWaot({"cache", "build", "-v", module_.string()}).err, HasSubstr("from the cache"));
  EXPECT_THAT(run({}).err, HasSubstr("optimized tier (-O2) from the cache"));
  EXPECT_EQ(runWaot({"cache", "build"}).exitCode, 2);
}

} // namespace
} // namespace waot::test
