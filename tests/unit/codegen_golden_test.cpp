// Golden properties of the generated code: what the optimized IR (and the
// assembly) of small wasm functions must and must not contain. These are the
// code-quality promises of docs/architecture.md ("Generated code"): memory32
// accesses without bounds checks, the memory base loaded once per function,
// no volatile accesses, loads that stay vectorizable although they must trap,
// alias information that keeps globals out of loops that store to memory, no
// library routine a wasm loop could fault in, and no vector gathers for a
// producer's unrolled strided loads.
#include "codegen_test_support.hpp"

#include "waot/abi.h"
#include "waot/codegen/compiler.hpp"

#include <gtest/gtest.h>

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/TargetParser/Triple.h>

#include <fstream>
#include <regex>
#include <span>
#include <sstream>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

// (module
//   (memory 1)
//   (global $g (mut i32) (i32.const 3))
//   (func $grow (result i32) (memory.grow (i32.const 0)))                      ;; f0
//   (func (export "load") (param i32) (result i32)                             ;; f1
//     (i32.load offset=4 (local.get 0)))
//   (func (export "base_once") (param i32) (result i32)                        ;; f2
//     (i32.store (local.get 0) (i32.const 1))
//     (drop (call $grow))
//     (i32.add (i32.load (local.get 0)) (i32.load offset=8 (local.get 0))))
//   (func (export "sum") (param $p i32) (param $n i32) (result i32)            ;; f3
//     (local $s i32) (local $i i32)
//     (loop $l
//       (local.set $s (i32.add (local.get $s)
//         (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
//       (local.set $i (i32.add (local.get $i) (i32.const 1)))
//       (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
//     (local.get $s))
//   (func (export "zero") (param $n i32) (local $i i32)                        ;; f4
//     (block $done (loop $l
//       (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
//       (i32.store8 (local.get $i) (i32.const 0))
//       (local.set $i (i32.add (local.get $i) (i32.const 1)))
//       (br $l))))
//   (func (export "fill_global") (param $p i32) (param $n i32) (local $i i32)  ;; f5
//     (loop $l
//       (i32.store (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2)))
//                  (global.get $g))
//       (local.set $i (i32.add (local.get $i) (i32.const 1)))
//       (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
//   (func (export "dropped") (param i32) (drop (i32.load (local.get 0)))))     ;; f6
const std::vector<std::uint8_t> kGoldenModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x19, 0x05, 0x60, 0x00, 0x01, 0x7f, 0x60,
    0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x02,
    0x7f, 0x7f, 0x00, 0x03, 0x08, 0x07, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x03, 0x05, 0x03, 0x01,
    0x00, 0x01, 0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x03, 0x0b, 0x07, 0x39, 0x06, 0x04, 0x6c, 0x6f,
    0x61, 0x64, 0x00, 0x01, 0x09, 0x62, 0x61, 0x73, 0x65, 0x5f, 0x6f, 0x6e, 0x63, 0x65, 0x00, 0x02,
    0x03, 0x73, 0x75, 0x6d, 0x00, 0x03, 0x04, 0x7a, 0x65, 0x72, 0x6f, 0x00, 0x04, 0x0b, 0x66, 0x69,
    0x6c, 0x6c, 0x5f, 0x67, 0x6c, 0x6f, 0x62, 0x61, 0x6c, 0x00, 0x05, 0x07, 0x64, 0x72, 0x6f, 0x70,
    0x70, 0x65, 0x64, 0x00, 0x06, 0x0a, 0x9e, 0x01, 0x07, 0x06, 0x00, 0x41, 0x00, 0x40, 0x00, 0x0b,
    0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x04, 0x0b, 0x17, 0x00, 0x20, 0x00, 0x41, 0x01, 0x36, 0x02,
    0x00, 0x10, 0x00, 0x1a, 0x20, 0x00, 0x28, 0x02, 0x00, 0x20, 0x00, 0x28, 0x02, 0x08, 0x6a, 0x0b,
    0x27, 0x01, 0x02, 0x7f, 0x03, 0x40, 0x20, 0x02, 0x20, 0x00, 0x20, 0x03, 0x41, 0x02, 0x74, 0x6a,
    0x28, 0x02, 0x00, 0x6a, 0x21, 0x02, 0x20, 0x03, 0x41, 0x01, 0x6a, 0x21, 0x03, 0x20, 0x03, 0x20,
    0x01, 0x49, 0x0d, 0x00, 0x0b, 0x20, 0x02, 0x0b, 0x21, 0x01, 0x01, 0x7f, 0x02, 0x40, 0x03, 0x40,
    0x20, 0x01, 0x20, 0x00, 0x4f, 0x0d, 0x01, 0x20, 0x01, 0x41, 0x00, 0x3a, 0x00, 0x00, 0x20, 0x01,
    0x41, 0x01, 0x6a, 0x21, 0x01, 0x0c, 0x00, 0x0b, 0x0b, 0x0b, 0x22, 0x01, 0x01, 0x7f, 0x03, 0x40,
    0x20, 0x00, 0x20, 0x02, 0x41, 0x02, 0x74, 0x6a, 0x23, 0x00, 0x36, 0x02, 0x00, 0x20, 0x02, 0x41,
    0x01, 0x6a, 0x21, 0x02, 0x20, 0x02, 0x20, 0x01, 0x49, 0x0d, 0x00, 0x0b, 0x0b, 0x08, 0x00, 0x20,
    0x00, 0x28, 0x02, 0x00, 0x1a, 0x0b};

std::string readText(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Portable code (SSE2 on x86-64) so that vector widths do not depend on the
// machine running the test.
CompileOptions portable(unsigned optLevel) {
  CompileOptions options;
  options.optLevel = optLevel;
  options.cpu = "generic";
  return options;
}

std::string compiledText(std::span<const std::uint8_t> wasm, const CompileOptions &options,
                         EmitKind kind) {
  TemporaryDirectory directory;
  const fs::path output = directory.path() / (kind == EmitKind::Asm ? "golden.s" : "golden.ll");
  compileToFile(wasm, options, kind, output);
  return readText(output);
}

std::string compileTo(EmitKind kind, unsigned optLevel = 2) {
  return compiledText(kGoldenModule, portable(optLevel), kind);
}

// tests/wat/NAME.wat as converted by wat2wasm at build time.
std::vector<std::uint8_t> testModule(const std::string &name) {
  const std::string text = readText(fs::path(WAOT_TEST_WASM_DIR) / (name + ".wasm"));
  if (text.empty()) throw std::runtime_error("missing test module " + name);
  return {text.begin(), text.end()};
}

// The optimized IR, parsed back once for the whole suite.
class OptimizedGolden : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    context_ = std::make_unique<llvm::LLVMContext>();
    llvm::SMDiagnostic error;
    module_ = llvm::parseAssemblyString(compileTo(EmitKind::LLVM), error, *context_);
    if (module_ == nullptr) FAIL() << "unparsable IR: " << error.getMessage().str();
  }
  static void TearDownTestSuite() {
    module_.reset(); // before its context
    context_.reset();
  }
  // Defined function `index` (named waot_f<index> without a name section).
  static llvm::Function &function(unsigned index) {
    llvm::Function *f = module_->getFunction("waot_f" + std::to_string(index));
    if (f == nullptr) throw std::runtime_error("no waot_f" + std::to_string(index));
    return *f;
  }

  static std::unique_ptr<llvm::LLVMContext> context_;
  static std::unique_ptr<llvm::Module> module_;
};
std::unique_ptr<llvm::LLVMContext> OptimizedGolden::context_;
std::unique_ptr<llvm::Module> OptimizedGolden::module_;

// Loads of the memory base: pointer-typed loads straight from the context
// (waot_ctx_header::memory0_base is its first field).
std::size_t memoryBaseLoads(llvm::Function &f) {
  std::size_t n = 0;
  for (llvm::Instruction &inst : llvm::instructions(f))
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst))
      n += load->getPointerOperand() == f.getArg(0) && load->getType()->isPointerTy();
  return n;
}

// Whether `pointer` is the context or a constant offset from it.
bool isContextField(llvm::Function &f, llvm::Value *pointer) {
  while (auto *gep = llvm::dyn_cast<llvm::GEPOperator>(pointer)) {
    if (!gep->hasAllConstantIndices()) return false;
    pointer = gep->getPointerOperand();
  }
  return pointer == f.getArg(0);
}

TEST_F(OptimizedGolden, Memory32LoadHasNoBoundsCheck) {
  llvm::Function &load = function(1);
  std::size_t loads = 0;
  for (llvm::Instruction &inst : llvm::instructions(load)) {
    EXPECT_FALSE(llvm::isa<llvm::ICmpInst>(inst)) << "a compare in a plain load";
    if (auto *branch = llvm::dyn_cast<llvm::BranchInst>(&inst)) {
      EXPECT_FALSE(branch->isConditional()) << "a conditional branch in a plain load";
    }
    EXPECT_FALSE(llvm::isa<llvm::SwitchInst>(inst));
    if (auto *value = llvm::dyn_cast<llvm::LoadInst>(&inst))
      loads += value->getType()->isIntegerTy(32);
  }
  EXPECT_EQ(loads, 1u);
  EXPECT_EQ(load.size(), 1u) << "one basic block";
}

TEST_F(OptimizedGolden, DefinedMemoryIsAddressedFromTheContextWithoutLoadingItsBase) {
  // base_once stores, calls a function that grows memory (inlined here) and
  // loads twice; sum and fill_global access memory in a loop. The module
  // defines its memory, which starts at a fixed offset after the context
  // (abi.h, waot_ctx_memory0_offset): no function loads a base.
  for (unsigned index : {1u, 2u, 3u, 5u, 6u})
    EXPECT_EQ(memoryBaseLoads(function(index)), 0u) << "waot_f" << index;
}

TEST_F(OptimizedGolden, NoAccessIsVolatile) {
  for (llvm::Function &f : *module_)
    for (llvm::Instruction &inst : llvm::instructions(f)) {
      if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst)) {
        EXPECT_FALSE(load->isVolatile()) << f.getName().str();
      }
      if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst)) {
        EXPECT_FALSE(store->isVolatile()) << f.getName().str();
      }
    }
}

TEST_F(OptimizedGolden, ALoopOfLoadsIsVectorized) {
  // The loads must trap when out of bounds, yet what keeps them alive (a
  // running sum, see emit_load_keepalive.cpp) lets the loop vectorizer work.
  bool vectorLoad = false;
  for (llvm::Instruction &inst : llvm::instructions(function(3)))
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst))
      vectorLoad |= load->getType()->isVectorTy();
  EXPECT_TRUE(vectorLoad) << "no vector load in the summing loop";
}

TEST_F(OptimizedGolden, AByteStoreLoopCallsNoLibraryRoutine) {
  // A memset call would fault outside generated code: a crash, not a trap.
  for (llvm::Instruction &inst : llvm::instructions(function(4)))
    if (auto *call = llvm::dyn_cast<llvm::CallBase>(&inst)) {
      EXPECT_FALSE(llvm::isa<llvm::MemIntrinsic>(call)) << "a mem intrinsic in the byte loop";
      if (llvm::Function *callee = call->getCalledFunction()) {
        EXPECT_FALSE(callee->getName().contains("memset")) << callee->getName().str();
      }
    }
}

TEST_F(OptimizedGolden, StoresToMemoryDoNotForceReloadsOfGlobalsOrContext) {
  // fill_global reads a mutable global in a loop that stores to linear
  // memory: the alias tags let LLVM keep the global (and the memory base)
  // out of the loop.
  llvm::Function &fill = function(5);
  llvm::DominatorTree dominators(fill);
  llvm::LoopInfo loops(dominators);
  ASSERT_FALSE(loops.empty());
  for (llvm::BasicBlock &block : fill) {
    if (loops.getLoopFor(&block) == nullptr) continue;
    for (llvm::Instruction &inst : block)
      if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst)) {
        EXPECT_FALSE(isContextField(fill, load->getPointerOperand()))
            << "a context or global load inside the loop";
      }
  }
}

TEST_F(OptimizedGolden, ADroppedLoadSurvivesOptimization) {
  std::size_t loads = 0;
  for (llvm::Instruction &inst : llvm::instructions(function(6)))
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst))
      loads += load->getType()->isIntegerTy(32) &&
               !isContextField(function(6), load->getPointerOperand());
  EXPECT_EQ(loads, 1u);
}

TEST(CodegenGolden, Memory32LoadCompilesToOneInstructionWithoutBranches) {
  // x86-64: the load is one mov from base + index + offset; the function
  // holds no compare and no jump.
  const std::string assembly = compileTo(EmitKind::Asm);
  const std::size_t begin = assembly.find("waot_f1:");
  ASSERT_NE(begin, std::string::npos);
  const std::size_t end = assembly.find(".Lfunc_end1", begin);
  ASSERT_NE(end, std::string::npos);
  const std::string body = assembly.substr(begin, end - begin);
  EXPECT_FALSE(std::regex_search(body, std::regex(R"(\n\s*(j[a-z]+|cmp[a-z]*|test[a-z]*)\s)")))
      << body;
  // One mov from ctx + (offset of the memory past the context + 4) + index.
  std::smatch load;
  ASSERT_TRUE(
      std::regex_search(body, load, std::regex(R"(movl\s+(\d+)\(%r[a-z0-9]+,%r[a-z0-9]+\), %e)")))
      << body;
  EXPECT_EQ(std::stoull(load[1].str()) % WAOT_PAGE_SIZE, 4u) << body;
}

TEST(CodegenGolden, DroppedLoadIsKeptAtEveryOptimizationLevel) {
  for (unsigned level = 0; level <= 3; ++level) {
    const std::string assembly = compileTo(EmitKind::Asm, level);
    const std::size_t begin = assembly.find("waot_f6:");
    ASSERT_NE(begin, std::string::npos) << "-O" << level;
    const std::string body = assembly.substr(begin, assembly.find(".Lfunc_end6", begin) - begin);
    EXPECT_TRUE(
        std::regex_search(body, std::regex(R"(mov[lq]?\s+\d*\(%r[a-z0-9]+,%r[a-z0-9]+\))")) ||
        std::regex_search(body, std::regex(R"(mov[lq]?\s+\d*\(%r[a-z0-9]+\),)")))
        << "-O" << level << ": no load in\n"
        << body;
  }
}

TEST(CodegenGolden, StridedLoadsAreNotGatheredOnGatherCapableCpus) {
  // A producer's unrolled loop (loads at p, p+4, p+8, p+12 through wrapping
  // i32 adds): with AVX-512 LLVM would gather each stream, which is slower
  // than scalar loads; target.cpp's default tuning prevents it.
  if (llvm::Triple(resolvedTargetTriple({})).getArch() != llvm::Triple::x86_64)
    GTEST_SKIP() << "x86-64 CPUs and feature names";
  const std::vector<std::uint8_t> wasm = testModule("strided_loads");
  for (const char *cpu : {"znver4", "skylake-avx512"}) {
    SCOPED_TRACE(cpu);
    CompileOptions options;
    options.cpu = cpu;
    EXPECT_EQ(compiledText(wasm, options, EmitKind::Asm).find("vpgather"), std::string::npos);
    // The loop is one LLVM gathers when allowed to: the check above can fail.
    options.features = "-prefer-no-gather";
    EXPECT_NE(compiledText(wasm, options, EmitKind::Asm).find("vpgather"), std::string::npos);
  }
}

} // namespace
} // namespace waot::codegen
