// Golden properties of the code generated for SIMD memory and lane
// instructions (tests/wat/simd_codegen.wat): a memory32 v128.load is one
// unaligned vector load without bounds check, a dropped one is still loaded,
// and a constant shuffle is one pshufb when the CPU has SSSE3.
#include "codegen_test_support.hpp"

#include "waot/codegen/compiler.hpp"

#include <gtest/gtest.h>

#include <llvm/TargetParser/Triple.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The assembly of tests/wat/simd_codegen.wat for `cpu` at `optLevel`.
std::string simdAssembly(const std::string &cpu, unsigned optLevel = 2) {
  const std::string bytes = readFile(fs::path(WAOT_TEST_WASM_DIR) / "simd_codegen.wasm");
  if (bytes.empty()) throw std::runtime_error("missing test module simd_codegen");
  const std::vector<std::uint8_t> wasm(bytes.begin(), bytes.end());
  CompileOptions options;
  options.optLevel = optLevel;
  options.cpu = cpu;
  TemporaryDirectory directory;
  const fs::path output = directory.path() / "simd.s";
  compileToFile(wasm, options, EmitKind::Asm, output);
  return readFile(output);
}

// The instructions of defined function `index`.
std::string functionBody(const std::string &assembly, unsigned index) {
  const std::string symbol = "waot_f" + std::to_string(index);
  std::smatch label;
  if (!std::regex_search(assembly, label, std::regex("\n" + symbol + "[_A-Za-z0-9.]*:"))) return {};
  const auto begin = static_cast<std::size_t>(label.position(0));
  const std::size_t end = assembly.find(".Lfunc_end" + std::to_string(index), begin);
  return assembly.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

std::size_t count(const std::string &text, const std::regex &pattern) {
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), pattern), {}));
}

bool isX86() { return llvm::Triple(resolvedTargetTriple({})).getArch() == llvm::Triple::x86_64; }

const std::regex kBranchOrCompare(R"(\n\s*(j[a-z]+|cmp[a-z]*|test[a-z]*)\s)");
// An unaligned 16-byte load or store with a memory operand (SSE or AVX).
const std::regex kVectorMemoryAccess(R"(\n\s*v?mov(dqu|ups|upd)\s+[^\n]*\()");

TEST(CodegenSimdGolden, Memory32VectorLoadIsOneUnalignedLoadWithoutBranches) {
  if (!isX86()) GTEST_SKIP() << "x86-64 instruction names";
  for (const char *cpu : {"generic", "x86-64-v3"}) {
    const std::string body = functionBody(simdAssembly(cpu), 0);
    ASSERT_FALSE(body.empty()) << cpu;
    EXPECT_FALSE(std::regex_search(body, kBranchOrCompare)) << cpu << "\n" << body;
    EXPECT_EQ(count(body, kVectorMemoryAccess), 1u) << cpu << "\n" << body;
    // Only the one load touches memory (no stack round trip, no split access).
    EXPECT_EQ(count(body, std::regex(R"(\n\s*[a-z]+\s+[^\n]*\()")), 1u) << cpu << "\n" << body;
  }
}

TEST(CodegenSimdGolden, Memory32VectorStoreIsOneUnalignedStore) {
  if (!isX86()) GTEST_SKIP() << "x86-64 instruction names";
  const std::string body = functionBody(simdAssembly("generic"), 4);
  EXPECT_FALSE(std::regex_search(body, kBranchOrCompare)) << body;
  EXPECT_EQ(count(body, std::regex(R"(\n\s*mov(dqu|ups|upd)\s+%xmm\d+, [^\n]*\()")), 1u) << body;
}

TEST(CodegenSimdGolden, DroppedVectorLoadIsKeptAtEveryOptimizationLevel) {
  if (!isX86()) GTEST_SKIP() << "x86-64 instruction names";
  for (unsigned level = 0; level <= 3; ++level) {
    const std::string body = functionBody(simdAssembly("generic", level), 2);
    EXPECT_TRUE(
        std::regex_search(body, std::regex(R"(\n\s*v?mov(dqu|ups|upd|dqa|aps)\s+[^\n]*\(%r)")))
        << "-O" << level << ": no vector load in\n"
        << body;
  }
}

TEST(CodegenSimdGolden, ConstantShuffleIsOnePshufbWithSsse3) {
  if (!isX86()) GTEST_SKIP() << "x86-64 instruction names";
  const std::string body = functionBody(simdAssembly("x86-64-v2"), 1);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(count(body, std::regex(R"(\n\s*v?pshufb\s)")), 1u) << body;
  EXPECT_FALSE(std::regex_search(body, std::regex(R"(pextr|pinsr|punpck|%rsp)"))) << body;
}

TEST(CodegenSimdGolden, SwizzleIsAPshufbWithSsse3) {
  if (!isX86()) GTEST_SKIP() << "x86-64 instruction names";
  const std::string body = functionBody(simdAssembly("x86-64-v2"), 3);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(count(body, std::regex(R"(\n\s*v?pshufb\s)")), 1u) << body;
  EXPECT_FALSE(std::regex_search(body, std::regex(R"(pextr|pinsr|%rsp)"))) << body;
}

} // namespace
} // namespace waot::codegen
