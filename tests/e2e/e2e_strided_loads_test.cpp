// Strided loads through wrapping 32-bit adds (a producer's unrolled loop)
// compute the right values and trap at the end of memory, and on x86 CPUs
// with vector gathers they are not vectorized into gathers (target.cpp,
// prefersNoGathers: LLVM's cost model underprices them).
#include "e2e_support.hpp"

#include "waot/codegen/compiler.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

namespace waot::test {
namespace {

class StridedLoads : public AtOptLevel {
protected:
  void SetUp() override { instance_.emplace(module("strided_loads")); }
  Function sum4() { return instance_->exports().function("sum4"); }
  std::uint8_t *memory() { return instance_->exports().memory("memory").data(); }
  std::optional<Instance> instance_;
};

TEST_P(StridedLoads, SumsEveryElementAndTrapsAtTheEndOfMemory) {
  constexpr std::uint32_t kElements = 1024;
  constexpr std::uint32_t kStart = 65536 - 4 * kElements;
  std::uint32_t expected = 0;
  for (std::uint32_t k = 0; k < kElements; ++k) {
    const std::uint32_t element = k * 2654435761u;
    std::memcpy(memory() + kStart + 4 * k, &element, 4);
    expected += element ^ k;
  }
  EXPECT_EQ(
      static_cast<std::uint32_t>(
          sum4().call({Value(std::int32_t{kStart}), Value(std::int32_t{kElements / 4})})[0].i32()),
      expected);
  // One group of four more: its first load is the first byte past memory.
  expectTrap(
      [&] {
        sum4().call({Value(std::int32_t{kStart}), Value(std::int32_t{kElements / 4 + 1})});
      },
      "out of bounds memory access");
}

INSTANTIATE_TEST_SUITE_P(E2E, StridedLoads, ::testing::Values(0u, 1u, 2u, 3u), optLevelName);

// The assembly of tests/wat/strided_loads.wat for `cpu` with `features`.
std::string assemblyFor(const std::string &cpu, const std::string &features) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("waot-strided-" + std::to_string(::getpid()) + "-" + cpu + ".s");
  codegen::CompileOptions options;
  options.cpu = cpu;
  options.features = features;
  codegen::compileToFile(wasmBytes("strided_loads"), options, codegen::EmitKind::Asm, path);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove(path);
  return text.str();
}

TEST(StridedLoadCodegen, GatherCapableCpusScalarizeInsteadOfGathering) {
#if !defined(__x86_64__)
  GTEST_SKIP() << "x86-64 CPUs and feature names";
#endif
  for (const char *cpu : {"znver4", "skylake-avx512"}) {
    SCOPED_TRACE(cpu);
    EXPECT_EQ(assemblyFor(cpu, "").find("vpgather"), std::string::npos);
    // The loop is one LLVM vectorizes with gathers when allowed to: the
    // check above can fail.
    EXPECT_NE(assemblyFor(cpu, "-prefer-no-gather").find("vpgather"), std::string::npos);
  }
}

} // namespace
} // namespace waot::test
