// Globals, tables and references.
#include "lower_body_support.hpp"

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;
constexpr ValType L = ValType::I64;
constexpr ValType F = ValType::F32;

TEST(LowerBodyGlobals, ImportedGlobalsAreReachedThroughTheirCellPointer) {
  // import g0: immutable i64, g1: mutable f32;  f: () -> i64
  //   global.get 0   f32.const 0  global.set 1
  ModuleBuilder builder;
  builder.importGlobal(L, false);
  builder.importGlobal(F, true);
  builder.function(
      builder.type({}, {L}),
      Code().op(Opcode::GlobalGet).u32(0).f32Bits(0).op(Opcode::GlobalSet).u32(1).end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto cell0 = contextLoads(f, lowered.env->layout.imported_globals);
  const auto cell1 = contextLoads(f, lowered.env->layout.imported_globals + 8);
  ASSERT_EQ(cell0.size(), 1u);
  ASSERT_EQ(cell1.size(), 1u);
  EXPECT_TRUE(isInvariantLoad(cell0[0]));
  EXPECT_TRUE(isInvariantLoad(cell1[0]));

  llvm::LoadInst *value = nullptr;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f))
    if (load->getPointerOperand() == cell0[0]) value = load;
  ASSERT_NE(value, nullptr);
  EXPECT_TRUE(value->getType()->isIntegerTy(64));
  EXPECT_EQ(value->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaGlobal);
  EXPECT_TRUE(isInvariantLoad(value)) << "an immutable global never changes after instantiation";

  const auto stores = instructions<llvm::StoreInst>(f);
  llvm::StoreInst *set = nullptr;
  for (llvm::StoreInst *store : stores)
    if (store->getPointerOperand() == cell1[0]) set = store;
  ASSERT_NE(set, nullptr);
  EXPECT_TRUE(set->getValueOperand()->getType()->isFloatTy()) << "f32 in the cell's low 4 bytes";
  EXPECT_EQ(set->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaGlobal);
}

TEST(LowerBodyGlobals, DefinedGlobalsLiveInlineInTheContext) {
  // import g0 (i32); defined g1: mutable i32, g2: mutable funcref
  // f: (i32) -> i32   local.get 0 global.set 1   ref.null func global.set 2   global.get 1
  ModuleBuilder builder;
  builder.importGlobal(I, false);
  builder.global(I, true);
  builder.global(ValType::FuncRef, true);
  builder.function(builder.type({I}, {I}), Code()
                                               .get(0)
                                               .op(Opcode::GlobalSet)
                                               .u32(1)
                                               .op(Opcode::RefNull)
                                               .byte(0x70)
                                               .op(Opcode::GlobalSet)
                                               .u32(2)
                                               .op(Opcode::GlobalGet)
                                               .u32(1)
                                               .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const std::uint64_t cell1 = lowered.env->layout.defined_globals; // defined index 0
  const std::uint64_t cell2 =
      lowered.env->layout.defined_globals + sizeof(waot_global_cell); // defined index 1
  int i32Stores = 0, refStores = 0;
  for (llvm::StoreInst *store : instructions<llvm::StoreInst>(f)) {
    const auto at = contextOffset(f, store->getPointerOperand());
    if (!at) continue;
    EXPECT_EQ(store->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaGlobal);
    if (*at == cell1 && store->getValueOperand()->getType()->isIntegerTy(32)) ++i32Stores;
    if (*at == cell2 && store->getValueOperand()->getType()->isPointerTy()) ++refStores;
  }
  EXPECT_EQ(i32Stores, 1);
  EXPECT_EQ(refStores, 1);
  const auto reads = contextLoads(f, cell1);
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_FALSE(isInvariantLoad(reads[0])) << "mutable";
  EXPECT_EQ(reads[0]->getMetadata(llvm::LLVMContext::MD_tbaa), lowered.env->tbaaGlobal);
}

TEST(LowerBodyTables, TableGetIsInlineAndTableSetGoesThroughTheRuntime) {
  // f: (i32) -> funcref   local.get 0  local.get 0 table.get 1  table.set 1  local.get 0 table.get
  // 1
  ModuleBuilder builder;
  builder.table();
  builder.table();
  builder.function(builder.type({I}, {ValType::FuncRef}), Code()
                                                              .get(0)
                                                              .get(0)
                                                              .op(Opcode::TableGet)
                                                              .u32(1)
                                                              .op(Opcode::TableSet)
                                                              .u32(1)
                                                              .get(0)
                                                              .op(Opcode::TableGet)
                                                              .u32(1)
                                                              .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_EQ(trapKinds(f), std::vector<std::uint32_t>{WAOT_TRAP_TABLE_OUT_OF_BOUNDS});
  int boundsChecks = 0;
  for (llvm::ICmpInst *cmp : instructions<llvm::ICmpInst>(f))
    boundsChecks += cmp->getPredicate() == llvm::CmpInst::ICMP_UGE;
  EXPECT_EQ(boundsChecks, 2) << "the two table.get; table_set checks its own bounds";
  // table.set: table_set(ctx, table 1, index, value), which fills the whole
  // entry (its record's code, context and type id too).
  const auto calls = plainCalls(f);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0]->arg_size(), 4u);
  EXPECT_EQ(calls[0]->getArgOperand(1),
            llvm::ConstantInt::get(calls[0]->getArgOperand(1)->getType(), 1));
  EXPECT_TRUE(calls[0]->getArgOperand(3)->getType()->isPointerTy());
  int elementLoads = 0, elementStores = 0;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f))
    elementLoads += load->getMetadata(llvm::LLVMContext::MD_tbaa) == lowered.env->tbaaTable;
  for (llvm::StoreInst *store : instructions<llvm::StoreInst>(f))
    elementStores += store->getMetadata(llvm::LLVMContext::MD_tbaa) == lowered.env->tbaaTable;
  EXPECT_EQ(elementLoads, 2);
  EXPECT_EQ(elementStores, 0);
  // Each table.get reads the record's elements again (table.grow may move them).
  std::size_t recordLoads = contextLoads(f, lowered.env->layout.tables + 8).size();
  EXPECT_EQ(recordLoads, 2u);
}

TEST(LowerBodyTables, TableGrowAndFillPassReferencesToTheBuiltins) {
  // f: (i32, externref) -> i32
  //   local.get 0  local.get 1  local.get 0  table.fill 0
  //   local.get 1  local.get 0  table.grow 0
  ModuleBuilder builder;
  builder.table(ValType::ExternRef);
  builder.function(builder.type({I, ValType::ExternRef}, {I}), Code()
                                                                   .get(0)
                                                                   .get(1)
                                                                   .get(0)
                                                                   .op(Opcode::TableFill)
                                                                   .u32(0)
                                                                   .get(1)
                                                                   .get(0)
                                                                   .op(Opcode::TableGrow)
                                                                   .u32(0)
                                                                   .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto calls = plainCalls(f);
  ASSERT_EQ(calls.size(), 2u);
  // table_fill(ctx, table, dst, value, n)
  ASSERT_EQ(calls[0]->arg_size(), 5u);
  EXPECT_TRUE(calls[0]->getType()->isVoidTy());
  EXPECT_TRUE(calls[0]->getArgOperand(2)->getType()->isIntegerTy(32));
  EXPECT_TRUE(calls[0]->getArgOperand(3)->getType()->isPointerTy());
  EXPECT_TRUE(calls[0]->getArgOperand(4)->getType()->isIntegerTy(32));
  // table_grow(ctx, table, init, delta) -> old size
  ASSERT_EQ(calls[1]->arg_size(), 4u);
  EXPECT_TRUE(calls[1]->getType()->isIntegerTy(32));
  EXPECT_TRUE(calls[1]->getArgOperand(2)->getType()->isPointerTy());
  EXPECT_TRUE(calls[1]->getArgOperand(3)->getType()->isIntegerTy(32));
  const auto returns = instructions<llvm::ReturnInst>(f);
  ASSERT_EQ(returns.size(), 1u);
  EXPECT_EQ(returns[0]->getReturnValue(), calls[1]);
}

TEST(LowerBodyReferences, RefFuncOfDefinedAndImportedFunctions) {
  // import f0; defined f1, f2: () -> funcref   f2 returns ref.func 2 / f1 returns ref.func 0
  ModuleBuilder builder;
  const std::uint32_t nullary = builder.type({}, {});
  const std::uint32_t makesRef = builder.type({}, {ValType::FuncRef});
  builder.importFunction(nullary);
  builder.function(makesRef, Code().op(Opcode::RefFunc).u32(0).end());
  builder.function(makesRef, Code().op(Opcode::RefFunc).u32(2).end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");

  // Imported: the exporter's record pointer from imported_funcs[0].
  llvm::Function &importedRef = lowered.function(0);
  const auto recordLoads = contextLoads(importedRef, lowered.env->layout.imported_funcs);
  ASSERT_EQ(recordLoads.size(), 1u);
  EXPECT_TRUE(isInvariantLoad(recordLoads[0]));
  EXPECT_EQ(instructions<llvm::ReturnInst>(importedRef)[0]->getReturnValue(), recordLoads[0]);

  // Defined (function index 2): the record the runtime fills on first use,
  // from the ref_func builtin, called with the function index.
  llvm::Function &definedRef = lowered.function(1);
  llvm::Value *returned = instructions<llvm::ReturnInst>(definedRef)[0]->getReturnValue();
  auto *call = llvm::dyn_cast<llvm::CallInst>(returned);
  ASSERT_NE(call, nullptr);
  ASSERT_EQ(call->arg_size(), 2u);
  EXPECT_EQ(call->getArgOperand(0), definedRef.getArg(0));
  auto *index = llvm::dyn_cast<llvm::ConstantInt>(call->getArgOperand(1));
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->getZExtValue(), 2u);
}

TEST(LowerBodyReferences, RefNullAndIsNull) {
  // f: (funcref) -> i32   local.get 0 ref.is_null   ref.null extern ref.is_null  i32.add
  const Lowered lowered = lowerSingle({ValType::FuncRef}, {I},
                                      Code()
                                          .get(0)
                                          .op(Opcode::RefIsNull)
                                          .op(Opcode::RefNull)
                                          .byte(0x6F)
                                          .op(Opcode::RefIsNull)
                                          .op(Opcode::I32Add)
                                          .end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto compares = instructions<llvm::ICmpInst>(f);
  ASSERT_EQ(compares.size(), 1u) << "ref.is_null of ref.null folds to a constant";
  EXPECT_EQ(compares[0]->getPredicate(), llvm::CmpInst::ICMP_EQ);
  EXPECT_TRUE(llvm::isa<llvm::ConstantPointerNull>(compares[0]->getOperand(1)));
  const auto sums = instructions<llvm::BinaryOperator>(f);
  ASSERT_EQ(sums.size(), 1u);
  auto *folded = llvm::dyn_cast<llvm::ConstantInt>(sums[0]->getOperand(1));
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(folded->getZExtValue(), 1u);
}

} // namespace
} // namespace waot::test::lowerbody
