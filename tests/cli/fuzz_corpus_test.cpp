// Truncated and bit-flipped modules never crash `waot compile`: it either
// compiles (a mutation can stay valid) or exits 1 naming the byte offset.
#include "cli_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace waot::test {
namespace {

std::vector<std::string> seedModules() {
  const std::string dir = WAOT_TEST_WASM_DIR;
  return {std::string(WAOT_EXAMPLES_DIR) + "/fac.wasm",
          dir + "/control.wasm",
          dir + "/memory.wasm",
          dir + "/tables.wasm",
          dir + "/linking.wasm",
          dir + "/traps.wasm"};
}

// The corpus: for each seed, truncations at evenly spread lengths and
// single/multi-bit flips at deterministic pseudo-random positions.
std::vector<std::pair<std::string, std::vector<unsigned char>>> buildCorpus() {
  std::vector<std::pair<std::string, std::vector<unsigned char>>> corpus;
  std::mt19937 rng(20261121);
  for (const auto &path : seedModules()) {
    const auto seed = readBytes(path);
    const auto stem = std::filesystem::path(path).stem().string();
    for (std::size_t cut = 0; cut < seed.size(); cut += 1 + seed.size() / 24)
      corpus.emplace_back(stem + "-cut" + std::to_string(cut),
                          std::vector<unsigned char>(seed.begin(), seed.begin() + cut));
    for (int flip = 0; flip < 24; ++flip) {
      auto mutated = seed;
      const int bits = 1 + flip % 3;
      for (int b = 0; b < bits; ++b) {
        const std::size_t at = 8 + rng() % (seed.size() - 8); // keep the header intact
        mutated[at] ^= static_cast<unsigned char>(1u << (rng() % 8));
      }
      corpus.emplace_back(stem + "-flip" + std::to_string(flip), std::move(mutated));
    }
  }
  return corpus;
}

TEST(FuzzCorpus, CompileNeverCrashes) {
  ScratchDir dir;
  int rejected = 0, accepted = 0;
  for (const auto &[name, bytes] : buildCorpus()) {
    const auto input = dir / (name + ".wasm");
    writeBytes(input, bytes);
    auto r = runWaot({"compile", input.string(), "-o", (dir / (name + ".so")).string(), "-O0"});
    ASSERT_EQ(r.signal, 0) << name << " crashed the compiler: " << r.err;
    ASSERT_TRUE(r.exitCode == 0 || r.exitCode == 1) << name << ": exit " << r.exitCode;
    if (r.exitCode == 1) {
      ++rejected;
      EXPECT_THAT(r.err, ::testing::HasSubstr("offset")) << name;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << name << ": " << r.err;
    } else {
      ++accepted;
    }
  }
  EXPECT_GT(rejected, 100);
  RecordProperty("rejected", rejected);
  RecordProperty("accepted", accepted);
  std::printf("corpus: %d rejected with an offset, %d still valid and compiled\n", rejected,
              accepted);
}

} // namespace
} // namespace waot::test
