// The `waot` command line, as a user runs it.
#include "cli_support.hpp"

#include <waot/abi.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

namespace waot::test {
namespace {

using ::testing::HasSubstr;

const std::string kFac = std::string(WAOT_EXAMPLES_DIR) + "/fac.wasm";
const std::string kTraps = std::string(WAOT_TEST_WASM_DIR) + "/traps.wasm";

TEST(Cli, VersionAndHelp) {
  auto version = runWaot({"--version"});
  EXPECT_EQ(version.exitCode, 0);
  EXPECT_THAT(version.out, HasSubstr("waot "));
  auto help = runWaot({"--help"});
  EXPECT_EQ(help.exitCode, 0);
  EXPECT_THAT(help.out, HasSubstr("compile"));
  EXPECT_EQ(runWaot({"compile", "--help"}).exitCode, 0);
  EXPECT_EQ(runWaot({"run", "--help"}).exitCode, 0);
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(runWaot({}).exitCode, 2);
  EXPECT_EQ(runWaot({"frobnicate"}).exitCode, 2);
  EXPECT_EQ(runWaot({"compile", kFac}).exitCode, 2); // no -o
  EXPECT_EQ(runWaot({"compile", kFac, "-o", "x", "--bogus"}).exitCode, 2);
  EXPECT_EQ(runWaot({"compile", kFac, "-o", "x", "--emit=elf"}).exitCode, 2);
  EXPECT_EQ(runWaot({"compile", kFac, "-o", "x", "-O7"}).exitCode, 2);
  EXPECT_EQ(runWaot({"compile", kFac, "-o", "x", "-j", "-1"}).exitCode, 2);
  EXPECT_EQ(runWaot({"compile", kFac, "-o", "x", "-j", "many"}).exitCode, 2);
  EXPECT_EQ(runWaot({"run", kFac}).exitCode, 2); // no --invoke
  auto r = runWaot({"run"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_THAT(r.err, HasSubstr("usage"));
}

TEST(Cli, CompileThenRunFactorialWithoutTheWasm) {
  ScratchDir dir;
  const auto so = (dir / "fac.so").string();
  auto compile = runWaot({"compile", kFac, "-o", so});
  ASSERT_EQ(compile.exitCode, 0) << compile.err;
  // Move the artifact somewhere the .wasm is not.
  ScratchDir elsewhere;
  const auto moved = (elsewhere / "factorial.so").string();
  std::filesystem::rename(so, moved);
  auto run = runWaot({"run", moved, "--invoke", "fac", "20"});
  EXPECT_EQ(run.exitCode, 0) << run.err;
  EXPECT_EQ(run.out, "i64:2432902008176640000\n");
  auto iter = runWaot({"run", moved, "--invoke", "fac_iter", "20"});
  EXPECT_EQ(iter.out, "i64:2432902008176640000\n");
}

TEST(Cli, ThreadCountsGiveTheSameLibrary) {
  // The soname is the output's file name: same name, different folders.
  ScratchDir one, two, all;
  ASSERT_EQ(runWaot({"compile", kFac, "-o", (one / "fac.so").string(), "-j", "1"}).exitCode, 0);
  ASSERT_EQ(runWaot({"compile", kFac, "-o", (two / "fac.so").string(), "--jobs=2"}).exitCode, 0);
  ASSERT_EQ(runWaot({"compile", kFac, "-o", (all / "fac.so").string(), "-j", "0"}).exitCode, 0);
  const auto reference = readBytes(one / "fac.so");
  EXPECT_FALSE(reference.empty());
  EXPECT_EQ(readBytes(two / "fac.so"), reference);
  EXPECT_EQ(readBytes(all / "fac.so"), reference);
  auto run = runWaot({"run", (two / "fac.so").string(), "--invoke", "fac", "20"});
  EXPECT_EQ(run.out, "i64:2432902008176640000\n");
}

TEST(Cli, RunCompilesWasmOnTheFly) {
  auto run = runWaot({"run", kFac, "--invoke", "fac", "10"});
  EXPECT_EQ(run.exitCode, 0) << run.err;
  EXPECT_EQ(run.out, "i64:3628800\n");
  auto neg = runWaot({"run", kTraps, "--invoke", "div_s", "-7", "2"});
  EXPECT_EQ(neg.out, "i32:-3\n") << neg.err;
}

TEST(Cli, EmitKindsAndOptimizationLevels) {
  ScratchDir dir;
  for (const char *level : {"-O0", "-O1", "-O2", "-O3"}) {
    auto r = runWaot({"compile", kFac, "-o", (dir / "fac.so").string(), level});
    EXPECT_EQ(r.exitCode, 0) << level << ": " << r.err;
  }
  ASSERT_EQ(runWaot({"compile", kFac, "-o", (dir / "fac.ll").string(), "--emit=llvm"}).exitCode, 0);
  const auto ir = readBytes(dir / "fac.ll");
  EXPECT_THAT(std::string(ir.begin(), ir.end()), HasSubstr("waot_artifact_v1"));
  ASSERT_EQ(runWaot({"compile", kFac, "-o", (dir / "fac.s").string(), "--emit=asm"}).exitCode, 0);
  const auto asmText = readBytes(dir / "fac.s");
  EXPECT_THAT(std::string(asmText.begin(), asmText.end()), HasSubstr("waot_artifact_v1"));
  ASSERT_EQ(runWaot({"compile", kFac, "-o", (dir / "fac.o").string(), "--emit=object"}).exitCode,
            0);
  const auto object = readBytes(dir / "fac.o");
  ASSERT_GE(object.size(), 18u);
  EXPECT_EQ(std::memcmp(object.data(),
                        "\x7f"
                        "ELF",
                        4),
            0);
  EXPECT_EQ(object[16], 1); // ET_REL: a relocatable object
}

// A trap ends the process like an abort (exit 134), as in wasmtime.
TEST(Cli, TrapsAreRuntimeErrors) {
  auto r = runWaot({"run", kTraps, "--invoke", "div_s", "1", "0"});
  EXPECT_EQ(r.exitCode, 134);
  EXPECT_THAT(r.err, HasSubstr("integer divide by zero"));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  auto stack = runWaot({"run", kTraps, "--invoke", "recurse", "0"});
  EXPECT_EQ(stack.exitCode, 134);
  EXPECT_THAT(stack.err, HasSubstr("call stack exhausted"));
  auto limited = runWaot({"run", "--max-wasm-stack", "65536", kTraps, "--invoke", "recurse", "0"});
  EXPECT_EQ(limited.exitCode, 134);
  EXPECT_THAT(limited.err, HasSubstr("call stack exhausted"));
  auto tooSmall = runWaot({"run", "--max-wasm-stack", "100", kTraps, "--invoke", "ok"});
  EXPECT_EQ(tooSmall.exitCode, 1);
  EXPECT_THAT(tooSmall.err, HasSubstr("maxStackBytes is 100"));
}

// --timeout stops a runaway guest: the .wasm is compiled interruptible (its
// own cache entry), the process exits 124 as timeout(1) does.
TEST(Cli, TimeoutStopsARunawayGuest) {
  const std::string interrupt = WAOT_TEST_WASM_DIR "/interrupt.wasm";
  auto spin = runWaot({"run", "--timeout", "0.2", interrupt, "--invoke", "spin"});
  EXPECT_EQ(spin.exitCode, 124) << spin.err;
  EXPECT_THAT(spin.err, HasSubstr("timed out after 0.2 s"));
  auto done = runWaot({"run", "--timeout", "30", interrupt, "--invoke", "count", "7"});
  EXPECT_EQ(done.exitCode, 0) << done.err;
  EXPECT_EQ(done.out, "i32:7\n");
  auto bad = runWaot({"run", "--timeout", "soon", interrupt, "--invoke", "spin"});
  EXPECT_EQ(bad.exitCode, 2);
  ScratchDir dir;
  ASSERT_EQ(runWaot({"compile", interrupt, "-o", (dir / "plain.so").string()}).exitCode, 0);
  auto plain = runWaot({"run", "--timeout", "1", (dir / "plain.so").string(), "--invoke", "spin"});
  EXPECT_EQ(plain.exitCode, 2);
  EXPECT_THAT(plain.err, HasSubstr("--interruptible"));
  ASSERT_EQ(
      runWaot({"compile", interrupt, "--interruptible", "-o", (dir / "stoppable.so").string()})
          .exitCode,
      0);
  auto stoppable =
      runWaot({"run", "--timeout", "0.1", (dir / "stoppable.so").string(), "--invoke", "spin"});
  EXPECT_EQ(stoppable.exitCode, 124) << stoppable.err;
}

TEST(Cli, ResourceLimits) {
  const std::string limits = WAOT_TEST_WASM_DIR "/limits.wasm";
  auto capped = runWaot({"run", "--max-memory-pages", "2", limits, "--invoke", "grow_memory", "5"});
  EXPECT_EQ(capped.exitCode, 0) << capped.err;
  EXPECT_EQ(capped.out, "i32:-1\n");
  auto fits = runWaot({"run", "--max-memory-pages", "6", limits, "--invoke", "grow_memory", "5"});
  EXPECT_EQ(fits.out, "i32:1\n") << fits.err;
  auto table = runWaot({"run", "--max-table-elements", "1", limits, "--invoke", "grow_table", "1"});
  EXPECT_EQ(table.out, "i32:-1\n") << table.err;
  auto refused = runWaot({"run", "--max-memory-pages", "0", limits, "--invoke", "pages"});
  EXPECT_NE(refused.exitCode, 0);
  EXPECT_THAT(refused.err, HasSubstr("more than the instance's limit of 0"));
}

TEST(Cli, BadInputsGiveOneLineErrors) {
  ScratchDir dir;
  auto missing = runWaot({"compile", (dir / "nope.wasm").string(), "-o", (dir / "x.so").string()});
  EXPECT_EQ(missing.exitCode, 1);
  EXPECT_THAT(missing.err, HasSubstr("nope.wasm"));

  writeBytes(dir / "bad.wasm", {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05});
  auto bad = runWaot({"compile", (dir / "bad.wasm").string(), "-o", (dir / "x.so").string()});
  EXPECT_EQ(bad.exitCode, 1);
  EXPECT_THAT(bad.err, HasSubstr("offset"));
  EXPECT_FALSE(std::filesystem::exists(dir / "x.so")); // nothing half-written

  auto noExport = runWaot({"run", kFac, "--invoke", "nope"});
  EXPECT_EQ(noExport.exitCode, 1);
  EXPECT_THAT(noExport.err, HasSubstr("nope"));
  auto badArg = runWaot({"run", kFac, "--invoke", "fac", "twenty"});
  EXPECT_EQ(badArg.exitCode, 1);
  EXPECT_THAT(badArg.err, HasSubstr("twenty"));
  auto arity = runWaot({"run", kFac, "--invoke", "fac"});
  EXPECT_EQ(arity.exitCode, 1);

  auto invalid = runWaot({"validate", (dir / "bad.wasm").string()});
  EXPECT_EQ(invalid.exitCode, 1);
  EXPECT_EQ(runWaot({"validate", kFac}).exitCode, 0);
}

// .wat files are read by waot's own text reader wherever a .wasm is taken
// (decided by content, not by the name).
TEST(Cli, TextModulesAreTakenLikeBinaryOnes) {
  ScratchDir dir;
  const std::string source = ";; factorial\n"
                             "(module\n"
                             "  (func $fac (export \"fac\") (param i64) (result i64)\n"
                             "    (if (result i64) (i64.eqz (local.get 0))\n"
                             "      (then (i64.const 1))\n"
                             "      (else (i64.mul (local.get 0)\n"
                             "        (call $fac (i64.sub (local.get 0) (i64.const 1))))))))\n";
  const auto text = dir / "fac.module"; // no telling extension
  writeBytes(text, std::vector<std::uint8_t>(source.begin(), source.end()));
  auto run = runWaot({"run", text.string(), "--invoke", "fac", "20"});
  EXPECT_EQ(run.out, "i64:2432902008176640000\n") << run.err;
  EXPECT_EQ(runWaot({"validate", text.string()}).exitCode, 0);
  ASSERT_EQ(runWaot({"compile", text.string(), "-o", (dir / "fac.so").string()}).exitCode, 0);
  EXPECT_EQ(runWaot({"run", (dir / "fac.so").string(), "--invoke", "fac", "5"}).out, "i64:120\n");

  const std::string broken = "(module\n  (func (result i32)\n    (i32.const 99999999999)))\n";
  writeBytes(dir / "broken.wat", std::vector<std::uint8_t>(broken.begin(), broken.end()));
  for (const char *command : {"validate", "run", "compile"}) {
    std::vector<std::string> args{command, (dir / "broken.wat").string()};
    if (std::string(command) == "compile") args.insert(args.end(), {"-o", (dir / "x.so").string()});
    auto bad = runWaot(args);
    EXPECT_EQ(bad.exitCode, 1) << command;
    EXPECT_THAT(bad.err, HasSubstr("broken.wat:3:16: i32 constant out of range")) << command;
  }
}

TEST(Cli, CorruptedAndWrongVersionArtifactsAreRejected) {
  ScratchDir dir;
  const auto so = dir / "fac.so";
  ASSERT_EQ(runWaot({"compile", kFac, "-o", so.string()}).exitCode, 0);
  auto bytes = readBytes(so);

  auto truncated = bytes;
  truncated.resize(bytes.size() / 3);
  writeBytes(dir / "truncated.so", truncated);
  auto r1 = runWaot({"run", (dir / "truncated.so").string(), "--invoke", "fac", "3"});
  EXPECT_EQ(r1.exitCode, 1);
  EXPECT_EQ(r1.signal, 0);
  EXPECT_THAT(r1.err, HasSubstr("truncated.so"));

  // One flipped bit anywhere is caught by the integrity trailer.
  auto flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x10;
  writeBytes(dir / "flipped.so", flipped);
  auto flip = runWaot({"run", (dir / "flipped.so").string(), "--invoke", "fac", "3"});
  EXPECT_EQ(flip.exitCode, 1);
  EXPECT_THAT(flip.err, HasSubstr("checksum mismatch"));

  // An artifact of another ABI version (descriptor magic "WAOT" followed by
  // the current version, patched to 99, trailer re-sealed so only the version
  // differs).
  const unsigned char pattern[] = {'W', 'A', 'O', 'T', WAOT_ABI_VERSION, 0, 0, 0};
  const std::size_t image = bytes.size() - sizeof(waot_artifact_trailer);
  auto at =
      std::search(bytes.begin(), bytes.begin() + image, std::begin(pattern), std::end(pattern));
  ASSERT_NE(at, bytes.begin() + image);
  at[4] = 99;
  waot_artifact_trailer trailer;
  std::memcpy(&trailer, bytes.data() + image, sizeof trailer);
  trailer.checksum = waot_checksum(bytes.data(), image);
  std::memcpy(bytes.data() + image, &trailer, sizeof trailer);
  writeBytes(dir / "future.so", bytes);
  auto r2 = runWaot({"run", (dir / "future.so").string(), "--invoke", "fac", "3"});
  EXPECT_EQ(r2.exitCode, 1);
  EXPECT_THAT(r2.err, HasSubstr("ABI version 99"));

  writeBytes(dir / "text.so", {'h', 'e', 'l', 'l', 'o'});
  auto r3 = runWaot({"run", (dir / "text.so").string(), "--invoke", "fac", "3"});
  EXPECT_EQ(r3.exitCode, 1);
}

TEST(Cli, TimingOutput) {
  auto r = runWaot({"run", kFac, "--invoke", "fac", "20", "--warmup", "2", "--time"});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("i64:2432902008176640000\ntime_s="));
  EXPECT_THAT(r.out, HasSubstr("instantiate_s="));
}

} // namespace
} // namespace waot::test
