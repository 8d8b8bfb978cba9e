// Several memories and 64-bit memories in the IR: memory 0 keeps its fast
// path, memory m > 0 is reached through ctx->memories[m] (record and base
// loaded once, in the entry block, invariant); a 64-bit memory's access costs
// one compare of the address with a constant, no load, and a static offset
// beyond 32 bits traps whatever the address.
#include "lower_body_support.hpp"

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;
constexpr ValType L = ValType::I64;

// (func (param i32) (result i32)
//   (i32.load8_u (memory 1) (local.get 0)) memory.grow 0 by 1, drop,
//   (i32.load8_u (memory 1) offset=4 (local.get 0)), i32.add
//   (i32.load8_u (memory 0) (local.get 0)), i32.add)
Code twoMemories() {
  return Code()
      .get(0)
      .op(Opcode::I32Load8U)
      .u32(0x40)
      .u32(1)
      .u32(0)
      .i32(1)
      .op(Opcode::MemoryGrow)
      .u32(0)
      .op(Opcode::Drop)
      .get(0)
      .op(Opcode::I32Load8U)
      .u32(0x40)
      .u32(1)
      .u32(4)
      .op(Opcode::I32Add)
      .get(0)
      .op(Opcode::I32Load8U)
      .memArg(0)
      .op(Opcode::I32Add)
      .end();
}

TEST(LowerBodyMemories, OtherMemoriesAreReachedThroughTheirRecordOnce) {
  ModuleBuilder builder;
  builder.memory();
  builder.memory();
  builder.function(builder.type({I}, {I}), twoMemories());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  // ctx->memories[1], loaded once in the entry block: the record...
  const auto records = contextLoads(f, lowered.env->layout.memories + sizeof(waot_memory *));
  ASSERT_EQ(records.size(), 1u) << lowered.text(0);
  EXPECT_EQ(records[0]->getParent(), &f.getEntryBlock());
  EXPECT_TRUE(isInvariantLoad(records[0]));
  // ...and its base, also once, in the entry block, invariant.
  std::vector<llvm::LoadInst *> bases;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f))
    if (load->getPointerOperand() == records[0]) bases.push_back(load);
  ASSERT_EQ(bases.size(), 1u) << lowered.text(0);
  EXPECT_EQ(bases[0]->getParent(), &f.getEntryBlock());
  EXPECT_TRUE(isInvariantLoad(bases[0]));
  // Memory 0 keeps its fast path: ctx + a constant, no load.
  EXPECT_TRUE(contextLoads(f, offsetof(waot_ctx_header, memory0_base)).empty());
  std::size_t fromBase1 = 0, fromContext = 0;
  for (llvm::GetElementPtrInst *gep : instructions<llvm::GetElementPtrInst>(f)) {
    if (gep->getPointerOperand() == bases[0]) ++fromBase1;
    if (contextOffset(f, gep) == waot_ctx_memory0_offset(&lowered.env->layout)) ++fromContext;
  }
  EXPECT_EQ(fromBase1, 2u) << lowered.text(0);
  EXPECT_EQ(fromContext, 1u) << lowered.text(0);
  EXPECT_TRUE(trapKinds(f).empty()) << "32-bit memories need no checks";
}

// (func (param i64) (result i32) (i32.load8_u offset=N (local.get 0))) on a
// 64-bit memory.
Lowered lowerMemory64Load(std::uint64_t offset) {
  ModuleBuilder builder;
  builder.memory();
  builder.wasm().memories[0].is64 = true;
  builder.function(builder.type({L}, {I}),
                   Code().get(0).op(Opcode::I32Load8U).u32(0).u32(offset).end());
  return builder.lower();
}

TEST(LowerBodyMemories, Memory64AccessIsOneCompareWithAConstant) {
  const Lowered lowered = lowerMemory64Load(8);
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto compares = instructions<llvm::ICmpInst>(f);
  ASSERT_EQ(compares.size(), 1u) << lowered.text(0);
  EXPECT_EQ(compares[0]->getPredicate(), llvm::ICmpInst::ICMP_UGT);
  EXPECT_TRUE(compares[0]->getOperand(0)->getType()->isIntegerTy(64)) << "the i64 address";
  auto *bound = llvm::dyn_cast<llvm::ConstantInt>(compares[0]->getOperand(1));
  ASSERT_NE(bound, nullptr);
  EXPECT_EQ(bound->getZExtValue(), UINT32_MAX);
  EXPECT_EQ(trapKinds(f), std::vector<std::uint32_t>{WAOT_TRAP_MEMORY_OUT_OF_BOUNDS});
  // No load of the memory's size: only the access itself reads memory.
  EXPECT_TRUE(contextLoads(f, offsetof(waot_ctx_header, memory0)).empty()) << lowered.text(0);
}

TEST(LowerBodyMemories, Memory64OffsetBeyond32BitsAlwaysTraps) {
  const Lowered lowered = lowerMemory64Load(std::uint64_t{1} << 32);
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(instructions<llvm::ICmpInst>(f).empty()) << lowered.text(0);
  EXPECT_TRUE(contains(lowered.text(0), "br i1 true")) << lowered.text(0);
  EXPECT_EQ(trapKinds(f), std::vector<std::uint32_t>{WAOT_TRAP_MEMORY_OUT_OF_BOUNDS});
}

} // namespace
} // namespace waot::test::lowerbody
