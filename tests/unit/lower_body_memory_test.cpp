// Linear memory: base loaded once, no bounds checks, no volatile, alias tags,
// loads kept alive, memory.size and the builtins.
#include "lower_body_support.hpp"

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;
constexpr ValType L = ValType::I64;
constexpr ValType F = ValType::F32;

// The memory base: ctx + a page-aligned offset past the context for a defined
// memory (abi.h, waot_ctx_memory0_offset), a load of ctx->memory0_base for an
// imported one.
bool isMemoryBase(llvm::Function &f, llvm::Value *base) {
  if (auto *load = llvm::dyn_cast<llvm::LoadInst>(base))
    return contextOffset(f, load->getPointerOperand()) ==
           std::optional<std::uint64_t>(offsetof(waot_ctx_header, memory0_base));
  const std::optional<std::uint64_t> offset = contextOffset(f, base);
  return offset && *offset != 0 && *offset % WAOT_PAGE_SIZE == 0;
}

// Linear-memory accesses: loads/stores whose address is a GEP from the memory base.
bool isLinearMemoryAccess(llvm::Function &f, llvm::Value *address) {
  auto *gep = llvm::dyn_cast<llvm::GetElementPtrInst>(address);
  return gep != nullptr && isMemoryBase(f, gep->getPointerOperand());
}

// (func (param i32 i64) (result i32)
//   local.get 0  local.get 1  i64.store offset=8
//   local.get 0  i32.load
//   i32.const 1  memory.grow  drop          ;; a call between accesses
//   local.get 0  i32.load8_u offset=3  drop ;; dead result: must still load
//   local.get 0  f32.load  i32.trunc_sat_f32_s
//   i32.add)
Code mixedAccesses() {
  return Code()
      .get(0)
      .get(1)
      .op(Opcode::I64Store)
      .memArg(8)
      .get(0)
      .op(Opcode::I32Load)
      .memArg(0)
      .i32(1)
      .op(Opcode::MemoryGrow)
      .byte(0)
      .op(Opcode::Drop)
      .get(0)
      .op(Opcode::I32Load8U)
      .memArg(3)
      .op(Opcode::Drop)
      .get(0)
      .op(Opcode::F32Load)
      .memArg(0)
      .op(Opcode::I32TruncSatF32S)
      .op(Opcode::I32Add)
      .end();
}

// Every access of mixedAccesses() (4) addresses memory from `base`.
void expectAllAccessesFrom(llvm::Function &f, llvm::Value *base) {
  std::size_t accesses = 0;
  for (llvm::Instruction &inst : llvm::instructions(f)) {
    llvm::Value *address = nullptr;
    if (auto *load = llvm::dyn_cast<llvm::LoadInst>(&inst)) address = load->getPointerOperand();
    if (auto *store = llvm::dyn_cast<llvm::StoreInst>(&inst)) address = store->getPointerOperand();
    if (address != nullptr && isLinearMemoryAccess(f, address)) {
      ++accesses;
      EXPECT_EQ(llvm::cast<llvm::GetElementPtrInst>(address)->getPointerOperand(), base);
    }
  }
  EXPECT_EQ(accesses, 4u);
}

TEST(LowerBodyMemory, DefinedMemoryIsAddressedFromTheContextWithoutALoad) {
  const Lowered lowered = lowerSingle({I, L}, {I}, mixedAccesses());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(contextLoads(f, offsetof(waot_ctx_header, memory0_base)).empty());
  // The base is ctx + waot_ctx_memory0_offset (the runtime puts the context
  // just below the memory), computed once in the entry block.
  llvm::Value *base = nullptr;
  for (llvm::GetElementPtrInst *gep : instructions<llvm::GetElementPtrInst>(f))
    if (contextOffset(f, gep) == waot_ctx_memory0_offset(&lowered.env->layout)) base = gep;
  ASSERT_NE(base, nullptr) << lowered.text(0);
  EXPECT_EQ(llvm::cast<llvm::Instruction>(base)->getParent(), &f.getEntryBlock());
  EXPECT_GE(waot_ctx_memory0_offset(&lowered.env->layout), lowered.env->layout.total_size);
  expectAllAccessesFrom(f, base);
}

TEST(LowerBodyMemory, ImportedMemoryBaseIsLoadedOnceInTheEntryBlockAsInvariant) {
  ModuleBuilder builder;
  builder.importMemory();
  builder.function(builder.type({I, L}, {I}), mixedAccesses());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto baseLoads = contextLoads(f, offsetof(waot_ctx_header, memory0_base));
  ASSERT_EQ(baseLoads.size(), 1u) << lowered.text(0);
  llvm::LoadInst *base = baseLoads[0];
  EXPECT_EQ(base->getParent(), &f.getEntryBlock());
  EXPECT_TRUE(isInvariantLoad(base));
  EXPECT_EQ(base->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaContext);
  expectAllAccessesFrom(f, base);
}

TEST(LowerBodyMemory, AccessesArePlainUnalignedTaggedAndUnchecked) {
  const Lowered lowered = lowerSingle({I, L}, {I}, mixedAccesses());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f)) {
    EXPECT_FALSE(load->isVolatile());
    if (!isLinearMemoryAccess(f, load->getPointerOperand())) continue;
    EXPECT_EQ(load->getAlign().value(), 1u);
    EXPECT_EQ(load->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaLinearMemory);
    EXPECT_FALSE(isInvariantLoad(load));
  }
  for (llvm::StoreInst *store : instructions<llvm::StoreInst>(f)) {
    EXPECT_FALSE(store->isVolatile());
    if (!isLinearMemoryAccess(f, store->getPointerOperand())) continue;
    EXPECT_EQ(store->getAlign().value(), 1u);
    EXPECT_EQ(store->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaLinearMemory);
  }
  // Memory32 relies on the guard reservation: no conditional branch, no trap.
  for (llvm::BranchInst *branch : instructions<llvm::BranchInst>(f))
    EXPECT_FALSE(branch->isConditional());
  EXPECT_TRUE(trapKinds(f).empty());
}

TEST(LowerBodyMemory, EffectiveAddressIsBasePlusZeroExtendedIndexPlusOffset) {
  // (func (param i32) (result i64) local.get 0 i64.load offset=0xfffffff0)
  const Lowered lowered =
      lowerSingle({I}, {L}, Code().get(0).op(Opcode::I64Load).memArg(0xfffffff0u).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  std::vector<llvm::GetElementPtrInst *> geps;
  for (llvm::GetElementPtrInst *gep : instructions<llvm::GetElementPtrInst>(f))
    if (isLinearMemoryAccess(f, gep)) geps.push_back(gep);
  ASSERT_EQ(geps.size(), 1u);
  auto *sum = llvm::dyn_cast<llvm::BinaryOperator>(geps[0]->getOperand(1));
  ASSERT_NE(sum, nullptr);
  EXPECT_EQ(sum->getOpcode(), llvm::Instruction::Add);
  EXPECT_TRUE(sum->hasNoUnsignedWrap());
  auto *index = llvm::dyn_cast<llvm::ZExtInst>(sum->getOperand(0));
  ASSERT_NE(index, nullptr) << "the u32 index is zero-extended, never sign-extended";
  EXPECT_TRUE(index->getSrcTy()->isIntegerTy(32));
  auto *offset = llvm::dyn_cast<llvm::ConstantInt>(sum->getOperand(1));
  ASSERT_NE(offset, nullptr);
  EXPECT_EQ(offset->getZExtValue(), 0xfffffff0u) << "the offset is a u32, not sign-extended";
}

TEST(LowerBodyMemory, EveryLoadIsKeptAliveByAnEmptyAsmThatIsNoMemoryBarrier) {
  const Lowered lowered = lowerSingle({I, L}, {I}, mixedAccesses());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto uses = inlineAsmCalls(f);
  ASSERT_EQ(uses.size(), 3u); // three loads, including the dropped one
  for (llvm::CallInst *use : uses) {
    auto *asmCode = llvm::cast<llvm::InlineAsm>(use->getCalledOperand());
    EXPECT_EQ(asmCode->getAsmString(), "");
    EXPECT_TRUE(asmCode->hasSideEffects());
    // Touches only inaccessible memory: no barrier for linear memory, yet
    // not readnone (LLVM 19's -O0 isel would drop the load feeding it).
    EXPECT_TRUE(use->onlyAccessesInaccessibleMemory());
    EXPECT_FALSE(use->doesNotAccessMemory());
    EXPECT_TRUE(use->doesNotThrow());
    ASSERT_EQ(use->arg_size(), 1u);
    // The kept value comes from a linear-memory load (possibly extended).
    llvm::Value *kept = use->getArgOperand(0);
    if (auto *ext = llvm::dyn_cast<llvm::CastInst>(kept)) kept = ext->getOperand(0);
    auto *load = llvm::dyn_cast<llvm::LoadInst>(kept);
    ASSERT_NE(load, nullptr);
    EXPECT_TRUE(isLinearMemoryAccess(f, load->getPointerOperand()));
    // Floats stay in vector registers on x86-64.
    EXPECT_EQ(asmCode->getConstraintString(), load->getType()->isFloatTy() ? "x" : "r");
  }
}

TEST(LowerBodyMemory, FloatLoadsUseAnIntegerRegisterOnOtherTargets) {
  // A target without a float register constraint in keepLoadAlive: the bits
  // go through an integer register instead.
  ModuleBuilder builder;
  builder.memory();
  builder.function(builder.type({I}, {F}), Code().get(0).op(Opcode::F32Load).memArg(0).end());
  const Lowered lowered = builder.lower("riscv64-unknown-linux-gnu");
  ASSERT_EQ(lowered.verifierErrors, "");
  const auto uses = inlineAsmCalls(lowered.function(0));
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_EQ(llvm::cast<llvm::InlineAsm>(uses[0]->getCalledOperand())->getConstraintString(), "r");
  EXPECT_TRUE(uses[0]->getArgOperand(0)->getType()->isIntegerTy(32));
  EXPECT_TRUE(llvm::isa<llvm::BitCastInst>(uses[0]->getArgOperand(0)));
}

TEST(LowerBodyMemory, MemorySizeReadsTheRecordSizeInPages) {
  const Lowered lowered = lowerSingle({}, {I}, Code().op(Opcode::MemorySize).byte(0).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto recordLoads = contextLoads(f, offsetof(waot_ctx_header, memory0));
  ASSERT_EQ(recordLoads.size(), 1u);
  EXPECT_TRUE(isInvariantLoad(recordLoads[0]));
  // The size field: not invariant (memory.grow changes it), runtime alias class.
  llvm::LoadInst *size = nullptr;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f))
    if (load->getType()->isIntegerTy(64)) size = load;
  ASSERT_NE(size, nullptr);
  EXPECT_FALSE(isInvariantLoad(size));
  EXPECT_EQ(size->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaRuntime);
  auto *field = llvm::dyn_cast<llvm::GetElementPtrInst>(size->getPointerOperand());
  ASSERT_NE(field, nullptr);
  EXPECT_EQ(field->getPointerOperand(), recordLoads[0]);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(field->getOperand(1))->getZExtValue(),
            offsetof(waot_memory, size));
  const auto shifts = instructions<llvm::BinaryOperator>(f);
  ASSERT_EQ(shifts.size(), 1u);
  EXPECT_EQ(shifts[0]->getOpcode(), llvm::Instruction::LShr);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(shifts[0]->getOperand(1))->getZExtValue(), 16u);
}

TEST(LowerBodyMemory, MemoryGrowCallsTheBuiltinThroughTheContext) {
  const Lowered lowered = lowerSingle({I}, {I}, Code().get(0).op(Opcode::MemoryGrow).byte(0).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto calls = plainCalls(f);
  ASSERT_EQ(calls.size(), 1u);
  llvm::CallInst *grow = calls[0];
  ASSERT_EQ(grow->arg_size(), 3u);
  EXPECT_EQ(grow->getArgOperand(0), f.getArg(0));
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(grow->getArgOperand(1))->getZExtValue(), 0u);
  EXPECT_TRUE(grow->getType()->isIntegerTy(32));
  auto *field = llvm::dyn_cast<llvm::LoadInst>(grow->getCalledOperand());
  ASSERT_NE(field, nullptr);
  EXPECT_TRUE(isInvariantLoad(field));
  auto *fieldAddress = llvm::dyn_cast<llvm::GetElementPtrInst>(field->getPointerOperand());
  ASSERT_NE(fieldAddress, nullptr);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(fieldAddress->getOperand(1))->getZExtValue(),
            offsetof(waot_builtins, memory_grow));
  auto *builtins = llvm::dyn_cast<llvm::LoadInst>(fieldAddress->getPointerOperand());
  ASSERT_NE(builtins, nullptr);
  EXPECT_EQ(contextOffset(f, builtins->getPointerOperand()),
            std::optional<std::uint64_t>(offsetof(waot_ctx_header, builtins)));
}

} // namespace
} // namespace waot::test::lowerbody
