// Calls: direct calls of defined functions, imports through their waot_func
// records, and call_indirect with its three checks.
#include "lower_body_support.hpp"

#include <algorithm>

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;
constexpr ValType D = ValType::F64;

// The constant byte offset of a GEP from `base` (nullopt if not such a GEP).
std::optional<std::uint64_t> offsetFrom(llvm::Value *base, llvm::Value *address) {
  if (address == base) return 0;
  auto *gep = llvm::dyn_cast<llvm::GetElementPtrInst>(address);
  if (gep == nullptr || gep->getPointerOperand() != base) return std::nullopt;
  auto *offset = llvm::dyn_cast<llvm::ConstantInt>(gep->getOperand(1));
  if (offset == nullptr) return std::nullopt;
  return offset->getZExtValue();
}

TEST(LowerBodyCall, DirectCallOfADefinedFunctionWithMultipleResults) {
  // f0: () -> (i32, f64)   i32.const 1  f64.const 0
  // f1: () -> i32          call 0  drop
  ModuleBuilder builder;
  const std::uint32_t pairType = builder.type({}, {I, D});
  const std::uint32_t oneType = builder.type({}, {I});
  builder.function(pairType, Code().i32(1).f64Bits(0).end());
  builder.function(oneType, Code().call(0).op(Opcode::Drop).end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &caller = lowered.function(1);
  const auto calls = plainCalls(caller);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]->getCalledFunction(), &lowered.function(0));
  EXPECT_EQ(calls[0]->getArgOperand(0), caller.getArg(0)) << "same instance: same context";
  EXPECT_EQ(calls[0]->getCallingConv(), lowered.function(0).getCallingConv());
  // The first result is extracted from the returned struct and returned.
  const auto returns = instructions<llvm::ReturnInst>(caller);
  ASSERT_EQ(returns.size(), 1u);
  auto *first = llvm::dyn_cast<llvm::ExtractValueInst>(returns[0]->getReturnValue());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->getAggregateOperand(), calls[0]);
  EXPECT_EQ(first->getIndices()[0], 0u);
}

TEST(LowerBodyCall, ImportedCallGoesThroughTheInvariantRecord) {
  // import 0, import 1: (i32) -> i32;  f2: (i32) -> i32  local.get 0  call 1
  ModuleBuilder builder;
  const std::uint32_t unary = builder.type({I}, {I});
  builder.importFunction(unary);
  builder.importFunction(unary);
  builder.function(unary, Code().get(0).call(1).end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const std::uint64_t recordSlot = lowered.env->layout.imported_funcs + 8 * 1;
  const auto recordLoads = contextLoads(f, recordSlot);
  ASSERT_EQ(recordLoads.size(), 1u) << lowered.text(0);
  llvm::LoadInst *record = recordLoads[0];
  EXPECT_TRUE(isInvariantLoad(record));

  const auto calls = plainCalls(f);
  ASSERT_EQ(calls.size(), 1u);
  llvm::CallInst *call = calls[0];
  EXPECT_EQ(call->getFunctionType(), lowered.env->functionTypes[unary]);
  auto *code = llvm::dyn_cast<llvm::LoadInst>(call->getCalledOperand());
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(offsetFrom(record, code->getPointerOperand()),
            std::optional<std::uint64_t>(offsetof(waot_func, code)));
  auto *calleeContext = llvm::dyn_cast<llvm::LoadInst>(call->getArgOperand(0));
  ASSERT_NE(calleeContext, nullptr) << "the import's own context is passed, not ours";
  EXPECT_EQ(offsetFrom(record, calleeContext->getPointerOperand()),
            std::optional<std::uint64_t>(offsetof(waot_func, ctx)));
  EXPECT_EQ(call->getArgOperand(1)->getType(), llvm::Type::getInt32Ty(f.getContext()));
}

TEST(LowerBodyCall, OnlyFunctionsMakingTailCallsUseTheTailConvention) {
  // f0: (i32) -> i32  return_call 1;  f1: (i32) -> i32  local.get 0
  // f2: (i32) -> i32  call 0;  f3: (i32) -> (i32 i32 i32)  return_call 3
  ModuleBuilder builder;
  const std::uint32_t unary = builder.type({I}, {I});
  const std::uint32_t triple = builder.type({I}, {I, I, I});
  builder.function(unary, Code().get(0).op(Opcode::ReturnCall).u32(1).end());
  builder.function(unary, Code().get(0).end());
  builder.function(unary, Code().get(0).call(0).end());
  builder.function(triple, Code().get(0).op(Opcode::ReturnCall).u32(3).end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  EXPECT_EQ(lowered.function(0).getCallingConv(), llvm::CallingConv::Tail);
  EXPECT_EQ(lowered.function(1).getCallingConv(), llvm::CallingConv::C);
  EXPECT_EQ(lowered.function(2).getCallingConv(), llvm::CallingConv::C);
  // f0's tail call of f1 (which makes none) is an ordinary call and return.
  for (const llvm::CallInst *call : plainCalls(lowered.function(0)))
    EXPECT_FALSE(call->isMustTailCall());
  // f2 calls tailcc f0 with its convention.
  const auto calls = plainCalls(lowered.function(2));
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]->getCallingConv(), llvm::CallingConv::Tail);
  // f3 (three results) returns through the pointer after the context and
  // passes it on in its musttail self call.
  llvm::Function &f3 = lowered.function(3);
  ASSERT_EQ(f3.arg_size(), 3u);
  EXPECT_TRUE(f3.getReturnType()->isVoidTy());
  const auto tailCalls = plainCalls(f3);
  ASSERT_EQ(tailCalls.size(), 1u);
  EXPECT_TRUE(tailCalls[0]->isMustTailCall());
  EXPECT_EQ(tailCalls[0]->getArgOperand(1), f3.getArg(1));
}

TEST(LowerBodyCall, CallIndirectChecksBoundsNullAndSignature) {
  // (type 0 (func (param i32) (result i32)))  table 0, table 1
  // f0: local.get 0  local.get 0  call_indirect (type 0) (table 1)
  ModuleBuilder builder;
  builder.table();
  builder.table();
  builder.type({}, {});
  const std::uint32_t unary = builder.type({I}, {I});
  builder.function(unary, Code().get(0).get(0).op(Opcode::CallIndirect).u32(unary).u32(1).end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);

  std::vector<std::uint32_t> kinds = trapKinds(f);
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::uint32_t>{WAOT_TRAP_UNDEFINED_ELEMENT,
                                               WAOT_TRAP_UNINITIALIZED_ELEMENT,
                                               WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH}));

  // Table record of table 1, invariant; its size is not.
  const auto tableLoads = contextLoads(f, lowered.env->layout.tables + 8 * 1);
  ASSERT_EQ(tableLoads.size(), 1u);
  EXPECT_TRUE(isInvariantLoad(tableLoads[0]));
  llvm::LoadInst *size = nullptr, *elements = nullptr;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f)) {
    const auto at = offsetFrom(tableLoads[0], load->getPointerOperand());
    if (at == offsetof(waot_table, size) && load->getType()->isIntegerTy(32)) size = load;
    if (at == offsetof(waot_table, elements) && load != tableLoads[0]) elements = load;
  }
  ASSERT_NE(size, nullptr);
  ASSERT_NE(elements, nullptr);
  EXPECT_FALSE(isInvariantLoad(size));
  EXPECT_FALSE(isInvariantLoad(elements));
  EXPECT_EQ(size->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaRuntime);

  // The expected signature id: type_ids[unary], an invariant u32.
  const auto expectedId = contextLoads(f, lowered.env->layout.type_ids + 4 * unary);
  ASSERT_EQ(expectedId.size(), 1u);
  EXPECT_TRUE(isInvariantLoad(expectedId[0]));
  EXPECT_TRUE(expectedId[0]->getType()->isIntegerTy(32));
  bool comparedWithEntryTypeId = false;
  for (llvm::ICmpInst *cmp : instructions<llvm::ICmpInst>(f)) {
    if (cmp->getPredicate() != llvm::CmpInst::ICMP_NE || cmp->getOperand(1) != expectedId[0])
      continue;
    auto *actual = llvm::dyn_cast<llvm::LoadInst>(cmp->getOperand(0));
    ASSERT_NE(actual, nullptr);
    auto *field = llvm::dyn_cast<llvm::GetElementPtrInst>(actual->getPointerOperand());
    ASSERT_NE(field, nullptr);
    comparedWithEntryTypeId = llvm::cast<llvm::ConstantInt>(field->getOperand(1))->getZExtValue() ==
                              offsetof(waot_table_entry, type_id);
  }
  EXPECT_TRUE(comparedWithEntryTypeId) << lowered.text(0);
  // That one compare also rejects null entries (type id 0): the null test
  // is only made on the cold path, to pick the trap's kind.
  for (llvm::ICmpInst *cmp : instructions<llvm::ICmpInst>(f)) {
    if (llvm::isa<llvm::ConstantPointerNull>(cmp->getOperand(1))) {
      EXPECT_EQ(cmp->getParent()->getName(), "trap.call_indirect") << lowered.text(0);
    }
  }

  // Finally entry->code(entry->ctx, arg).
  const auto calls = plainCalls(f);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0]->getFunctionType(), lowered.env->functionTypes[unary]);
  // Code and callee context are read from the entry itself (one dependent
  // load after the elements pointer), not through a record pointer.
  const auto entryField = [&](llvm::Value *value) -> std::optional<std::uint64_t> {
    auto *load = llvm::dyn_cast<llvm::LoadInst>(value);
    if (load == nullptr) return std::nullopt;
    auto *field = llvm::dyn_cast<llvm::GetElementPtrInst>(load->getPointerOperand());
    if (field == nullptr) return std::nullopt;
    auto *entry = llvm::dyn_cast<llvm::GetElementPtrInst>(field->getPointerOperand());
    if (entry == nullptr || entry->getPointerOperand() != elements) return std::nullopt;
    return llvm::cast<llvm::ConstantInt>(field->getOperand(1))->getZExtValue();
  };
  EXPECT_EQ(entryField(calls[0]->getCalledOperand()),
            std::optional<std::uint64_t>(offsetof(waot_table_entry, code)))
      << lowered.text(0);
  EXPECT_EQ(entryField(calls[0]->getArgOperand(0)),
            std::optional<std::uint64_t>(offsetof(waot_table_entry, ctx)));
  // Bounds check uses an unsigned comparison of the index with the size.
  bool unsignedBoundsCheck = false;
  for (llvm::ICmpInst *cmp : instructions<llvm::ICmpInst>(f))
    unsignedBoundsCheck |=
        cmp->getPredicate() == llvm::CmpInst::ICMP_UGE && cmp->getOperand(1) == size;
  EXPECT_TRUE(unsignedBoundsCheck);
}

} // namespace
} // namespace waot::test::lowerbody
