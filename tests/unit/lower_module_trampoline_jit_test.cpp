// Executes the generated descriptor, entry trampolines and host adapters
// in-process (LLVM ORC JIT on the host target) and checks them from the C
// side of abi.h: the calling conventions documented there must hold for real.
#include "waot/abi.h"
#include "waot/frontend/lower.hpp"

#include <gtest/gtest.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/TargetSelect.h>

#include <bit>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace waot::frontend {
namespace {

// t0: [i32 i64 f32 f64] -> [f64]
// t1: [funcref externref] -> [externref i32 i64]
// t2: [] -> []
// t3: [i32 i32] -> [i32], with one defined, exported function of that type:
//     local.get 0, local.get 1, i32.sub, end
Module makeSignatureModule() {
  Module m;
  m.bytes = std::make_shared<std::vector<std::uint8_t>>(
      std::vector<std::uint8_t>{0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6B, 0x0B});
  m.types = {FuncType{{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {ValType::F64}},
             FuncType{{ValType::FuncRef, ValType::ExternRef},
                      {ValType::ExternRef, ValType::I32, ValType::I64}},
             FuncType{}, FuncType{{ValType::I32, ValType::I32}, {ValType::I32}}};
  m.functionTypes = {3};
  FunctionBody body;
  body.bodyOffset = 0; // size 7, no local declarations
  body.codeOffset = 2;
  body.endOffset = 8;
  m.bodies = {body};
  m.functionNames = {{0, "sub"}};
  // Exported, so that the descriptor records its code address.
  m.exports = {{.name = "sub", .kind = ExternKind::Func, .index = 0}};
  return m;
}

// Host function context used by the host-adapter tests: remembers what the
// adapter passed and answers with fixed results.
struct RecordingBinding {
  waot_host_binding base; // first member: the adapter passes &base
  void *seenBinding = nullptr;
  waot_slot seen[4] = {};
};

void invokeSum(waot_host_binding *self, waot_slot *slots) {
  auto *binding = reinterpret_cast<RecordingBinding *>(self);
  binding->seenBinding = self;
  std::memcpy(binding->seen, slots, sizeof(binding->seen));
  std::int32_t a;
  std::int64_t b;
  float c;
  double d;
  std::memcpy(&a, &slots[0], sizeof a);
  std::memcpy(&b, &slots[1], sizeof b);
  std::memcpy(&c, &slots[2], sizeof c);
  std::memcpy(&d, &slots[3], sizeof d);
  const double sum = a + static_cast<double>(b) + c + d;
  std::memcpy(&slots[0], &sum, sizeof sum);
}

void invokeSwap(waot_host_binding *self, waot_slot *slots) {
  auto *binding = reinterpret_cast<RecordingBinding *>(self);
  binding->seenBinding = self;
  std::memcpy(binding->seen, slots, 2 * sizeof(waot_slot));
  const waot_slot externref = slots[1];
  slots[0] = externref; // externref result: the externref parameter
  const std::int32_t i32 = -7;
  std::memcpy(&slots[1], &i32, sizeof i32);
  slots[2].lo = 0x0123456789ABCDEFull; // i64 result
}

// Wasm calling convention of t0, implemented in C++ (scalars map 1:1 to C).
void *g_seenContext = nullptr;
double wasmSum(void *ctx, std::int32_t a, std::int64_t b, float c, double d) {
  g_seenContext = ctx;
  return a * 1000.0 + static_cast<double>(b) + c + d;
}

class TrampolineJitTest : public ::testing::Test {
protected:
  void SetUp() override {
#if !defined(__x86_64__) && !defined(__aarch64__)
    GTEST_SKIP() << "calls JIT code through the host C ABI";
#endif
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto jitOrError = llvm::orc::LLJITBuilder().create();
    ASSERT_TRUE(static_cast<bool>(jitOrError)) << llvm::toString(jitOrError.takeError());
    jit = std::move(*jitOrError);

    auto context = std::make_unique<llvm::LLVMContext>();
    LowerOptions options;
    options.targetTriple = jit->getTargetTriple().str();
    options.producer = "waot-jit-test";
    std::unique_ptr<llvm::Module> module =
        lowerModule(makeSignatureModule(), *context, jit->getDataLayout(), options);
    llvm::Error added =
        jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)));
    ASSERT_FALSE(static_cast<bool>(added)) << llvm::toString(std::move(added));
    auto address = jit->lookup(WAOT_ARTIFACT_SYMBOL);
    ASSERT_TRUE(static_cast<bool>(address)) << llvm::toString(address.takeError());
    artifact = address->toPtr<const waot_artifact *>();
  }

  std::unique_ptr<llvm::orc::LLJIT> jit;
  const waot_artifact *artifact = nullptr;
};

TEST_F(TrampolineJitTest, DescriptorReadsBackThroughTheCHeader) {
  EXPECT_EQ(artifact->magic, WAOT_ARTIFACT_MAGIC);
  EXPECT_EQ(artifact->abi_version, WAOT_ABI_VERSION);
  EXPECT_EQ(artifact->descriptor_size, sizeof(waot_artifact));
  EXPECT_EQ(artifact->start_function, UINT32_MAX);
  EXPECT_STREQ(artifact->producer, "waot-jit-test");
  EXPECT_STREQ(artifact->target_triple, jit->getTargetTriple().str().c_str());
  EXPECT_STREQ(artifact->cpu_features, "");
  ASSERT_EQ(artifact->num_types, 4u);
  EXPECT_EQ(artifact->types[1].num_params, 2u);
  EXPECT_EQ(artifact->types[1].num_results, 3u);
  EXPECT_EQ(std::memcmp(artifact->types[1].types, "\x70\x6F\x6F\x7F\x7E", 5), 0);
  ASSERT_EQ(artifact->num_functions, 1u);
  EXPECT_EQ(artifact->functions[0].type_index, 3u);
  EXPECT_EQ(std::string(artifact->functions[0].name, artifact->functions[0].name_len), "sub");
  EXPECT_EQ(artifact->num_imports, 0u);
  EXPECT_EQ(artifact->imports, nullptr);
}

TEST_F(TrampolineJitTest, DefinedFunctionCalledThroughDescriptorAndTrampoline) {
  // The runtime's generic call path: entry_trampolines[type](ctx, code, slots).
  // The function does not touch its context, but the context parameter is
  // declared dereferenceable, so pass a real (zeroed) block of the right size.
  waot_ctx_counts counts{4, 0, 0, 0, 0, 0, 1};
  std::vector<std::uint64_t> context(waot_compute_ctx_layout(&counts).total_size / 8);
  const waot_function_desc &sub = artifact->functions[0];
  waot_slot slots[2] = {{static_cast<std::uint32_t>(-5), 0}, {7, 0}};
  artifact->entry_trampolines[sub.type_index](context.data(), sub.code, slots);
  EXPECT_EQ(static_cast<std::int32_t>(static_cast<std::uint32_t>(slots[0].lo)), -12);
}

TEST_F(TrampolineJitTest, EntryTrampolinePassesSlotsToWasmCode) {
  waot_slot slots[4] = {};
  const std::int32_t a = -3;
  const std::int64_t b = 1ll << 40;
  const float c = 0.5f;
  const double d = 0.25;
  std::memcpy(&slots[0], &a, sizeof a);
  slots[0].lo |= 0xFFFFFFFF00000000ull; // garbage above the i32 must be ignored
  slots[1].hi = 0xDEADBEEFDEADBEEFull;  // and in the upper 8 bytes of a slot
  std::memcpy(&slots[1], &b, sizeof b);
  std::memcpy(&slots[2], &c, sizeof c);
  std::memcpy(&slots[3], &d, sizeof d);
  int calleeContext = 0;
  artifact->entry_trampolines[0](&calleeContext, reinterpret_cast<void *>(&wasmSum), slots);
  EXPECT_EQ(g_seenContext, &calleeContext);
  EXPECT_EQ(std::bit_cast<double>(slots[0].lo), -3000.0 + static_cast<double>(1ll << 40) + 0.75);
}

TEST_F(TrampolineJitTest, HostAdapterCalledDirectly) {
  RecordingBinding binding{.base = {&invokeSum}};
  using Adapter = double (*)(waot_host_binding *, std::int32_t, std::int64_t, float, double);
  auto adapter = reinterpret_cast<Adapter>(artifact->host_adapters[0]);
  EXPECT_EQ(adapter(&binding.base, 7, -2, 1.5f, 0.25), 6.75);
  EXPECT_EQ(binding.seenBinding, &binding.base);
  EXPECT_EQ(static_cast<std::uint32_t>(binding.seen[0].lo), 7u);
  EXPECT_EQ(static_cast<std::int64_t>(binding.seen[1].lo), -2);
  EXPECT_EQ(static_cast<std::uint32_t>(binding.seen[2].lo), std::bit_cast<std::uint32_t>(1.5f));
  EXPECT_EQ(binding.seen[3].lo, std::bit_cast<std::uint64_t>(0.25));
}

TEST_F(TrampolineJitTest, MultiValueRoundTripThroughTrampolineAndAdapter) {
  // entry trampoline -> host adapter (wasm convention, multi-value return) ->
  // invoke: every hop is generated code except the host function.
  RecordingBinding binding{.base = {&invokeSwap}};
  int funcrefTarget = 0;
  int externrefTarget = 0;
  waot_slot slots[3] = {{reinterpret_cast<std::uint64_t>(&funcrefTarget), 0},
                        {reinterpret_cast<std::uint64_t>(&externrefTarget), 0},
                        {0, 0}};
  artifact->entry_trampolines[1](&binding.base, artifact->host_adapters[1], slots);
  EXPECT_EQ(binding.seenBinding, &binding.base);
  EXPECT_EQ(binding.seen[0].lo, reinterpret_cast<std::uint64_t>(&funcrefTarget));
  EXPECT_EQ(binding.seen[1].lo, reinterpret_cast<std::uint64_t>(&externrefTarget));
  EXPECT_EQ(slots[0].lo, reinterpret_cast<std::uint64_t>(&externrefTarget));
  EXPECT_EQ(static_cast<std::int32_t>(static_cast<std::uint32_t>(slots[1].lo)), -7);
  EXPECT_EQ(slots[2].lo, 0x0123456789ABCDEFull);
}

TEST_F(TrampolineJitTest, NullaryTypeRoundTrip) {
  static int calls = 0;
  RecordingBinding binding{.base = {[](waot_host_binding *, waot_slot *) { ++calls; }}};
  waot_slot unused{};
  artifact->entry_trampolines[2](&binding.base, artifact->host_adapters[2], &unused);
  EXPECT_EQ(calls, 1);
}

} // namespace
} // namespace waot::frontend
