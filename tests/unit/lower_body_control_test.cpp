// Structured control flow: multi-value blocks, loops with parameters,
// br_table, dead code after unconditional transfers, traps, returns.
#include "lower_body_support.hpp"

#include <llvm/IR/CFG.h>

#include <algorithm>

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;
constexpr ValType L = ValType::I64;

llvm::BasicBlock *blockNamed(llvm::Function &f, const std::string &prefix) {
  for (llvm::BasicBlock &block : f)
    if (block.getName().starts_with(prefix)) return &block;
  return nullptr;
}

std::vector<llvm::PHINode *> phisOf(llvm::BasicBlock &block) {
  std::vector<llvm::PHINode *> out;
  for (llvm::PHINode &phi : block.phis()) out.push_back(&phi);
  return out;
}

TEST(LowerBodyControl, FunctionAttributesForStackProbesAndNoUnwind) {
  const Lowered lowered = lowerSingle({}, {}, Code().end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(f.doesNotThrow());
  ASSERT_TRUE(f.hasFnAttribute("probe-stack"));
  EXPECT_EQ(f.getFnAttribute("probe-stack").getValueAsString(), "inline-asm");
  EXPECT_EQ(countOpcode(f, llvm::Instruction::Ret), 1u);
}

TEST(LowerBodyControl, MultiValueBlockMergesResultsWithPhis) {
  // (func (param i32) (result i32 i64)
  //   local.get 0
  //   block (param i32) (result i32 i64)
  //     i64.const 7  local.get 0  br_if 0    ;; carries (i32, i64)
  //     drop  i64.const 9
  //   end)
  ModuleBuilder builder;
  const std::uint32_t fnType = builder.type({I}, {I, L});
  const std::uint32_t blockType = builder.type({I}, {I, L});
  builder.function(fnType, Code()
                               .get(0)
                               .openTyped(Opcode::Block, blockType)
                               .i64(7)
                               .get(0)
                               .brIf(0)
                               .op(Opcode::Drop)
                               .i64(9)
                               .end()
                               .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);

  llvm::BasicBlock *merge = blockNamed(f, "block.end");
  ASSERT_NE(merge, nullptr) << lowered.text(0);
  const std::vector<llvm::PHINode *> phis = phisOf(*merge);
  ASSERT_EQ(phis.size(), 2u);
  EXPECT_TRUE(phis[0]->getType()->isIntegerTy(32));
  EXPECT_TRUE(phis[1]->getType()->isIntegerTy(64));
  ASSERT_EQ(phis[1]->getNumIncomingValues(), 2u); // br_if edge + fallthrough
  std::vector<std::int64_t> carried;
  for (llvm::Value *incoming : phis[1]->incoming_values())
    carried.push_back(llvm::cast<llvm::ConstantInt>(incoming)->getSExtValue());
  std::sort(carried.begin(), carried.end());
  EXPECT_EQ(carried, (std::vector<std::int64_t>{7, 9}));

  // Multiple results are returned as a literal struct built from the phis.
  const auto returns = instructions<llvm::ReturnInst>(f);
  ASSERT_EQ(returns.size(), 1u);
  auto *aggregate = llvm::dyn_cast<llvm::InsertValueInst>(returns[0]->getReturnValue());
  ASSERT_NE(aggregate, nullptr);
  EXPECT_EQ(aggregate->getInsertedValueOperand(), phis[1]);
  EXPECT_TRUE(f.getReturnType()->isStructTy());
}

TEST(LowerBodyControl, LoopParametersArePhisInTheHeader) {
  // (func (param i32) (result i32)
  //   local.get 0
  //   loop (param i32) (result i32)
  //     i32.const 1  i32.sub  local.tee 0  local.get 0  br_if 0
  //   end)
  ModuleBuilder builder;
  const std::uint32_t fnType = builder.type({I}, {I});
  builder.function(fnType, Code()
                               .get(0)
                               .openTyped(Opcode::Loop, fnType)
                               .i32(1)
                               .op(Opcode::I32Sub)
                               .tee(0)
                               .get(0)
                               .brIf(0)
                               .end()
                               .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);

  llvm::BasicBlock *header = blockNamed(f, "loop");
  ASSERT_NE(header, nullptr);
  const std::vector<llvm::PHINode *> phis = phisOf(*header);
  ASSERT_EQ(phis.size(), 1u);
  ASSERT_EQ(phis[0]->getNumIncomingValues(), 2u); // entry + back edge
  // The back edge carries the decremented value, computed from the phi itself.
  bool sawDecrement = false;
  for (llvm::Value *incoming : phis[0]->incoming_values())
    if (auto *sub = llvm::dyn_cast<llvm::BinaryOperator>(incoming))
      sawDecrement |= sub->getOpcode() == llvm::Instruction::Sub && sub->getOperand(0) == phis[0];
  EXPECT_TRUE(sawDecrement) << lowered.text(0);
  // The back edge is the br_if's taken side.
  int backEdges = 0;
  for (llvm::BasicBlock *pred : llvm::predecessors(header)) {
    auto *branch = llvm::dyn_cast<llvm::BranchInst>(pred->getTerminator());
    backEdges += branch != nullptr && branch->isConditional() && branch->getSuccessor(0) == header;
  }
  EXPECT_EQ(backEdges, 1);
}

TEST(LowerBodyControl, BrTableBecomesASwitchWithOnePhiEntryPerEdge) {
  // (func (param i32) (result i32)
  //   block (result i32)                    ;; $outer
  //     block (result i32)                  ;; $inner
  //       i32.const 10  local.get 0
  //       br_table 0 1 0                     ;; cases 0 -> $inner, 1 -> $outer, default $inner
  //     end
  //     i32.const 1  i32.add
  //   end)
  const Lowered lowered = lowerSingle({I}, {I},
                                      Code()
                                          .open(Opcode::Block, I)
                                          .open(Opcode::Block, I)
                                          .i32(10)
                                          .get(0)
                                          .op(Opcode::BrTable)
                                          .u32(2)
                                          .u32(0)
                                          .u32(1)
                                          .u32(0)
                                          .end()
                                          .i32(1)
                                          .op(Opcode::I32Add)
                                          .end()
                                          .end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto switches = instructions<llvm::SwitchInst>(f);
  ASSERT_EQ(switches.size(), 1u);
  EXPECT_EQ(switches[0]->getNumCases(), 2u);
  llvm::SwitchInst *dispatch = switches[0];
  llvm::IntegerType *indexType = llvm::cast<llvm::IntegerType>(dispatch->getCondition()->getType());
  const auto caseTarget = [&](std::uint64_t value) {
    return dispatch->findCaseValue(llvm::ConstantInt::get(indexType, value))->getCaseSuccessor();
  };
  llvm::BasicBlock *inner = dispatch->getDefaultDest();
  EXPECT_EQ(caseTarget(0), inner);
  llvm::BasicBlock *outer = caseTarget(1);
  EXPECT_NE(outer, inner);
  // Two edges into the inner end (case 0 and default), one into the outer end
  // from the switch plus the fallthrough after `i32.add`.
  ASSERT_EQ(phisOf(*inner).size(), 1u);
  EXPECT_EQ(phisOf(*inner)[0]->getNumIncomingValues(), 2u);
  ASSERT_EQ(phisOf(*outer).size(), 1u);
  EXPECT_EQ(phisOf(*outer)[0]->getNumIncomingValues(), 2u);
}

TEST(LowerBodyControl, CodeAfterBranchIsNotEmitted) {
  // (func (result i32)
  //   block
  //     br 0
  //     i32.const 1  call 0  drop           ;; dead
  //     i32.const 0  if  unreachable  else  call 0 drop  end   ;; dead, nested
  //     block  loop  br 0  end  end         ;; dead, nested
  //   end
  //   i32.const 5)
  ModuleBuilder builder;
  const std::uint32_t fnType = builder.type({}, {I});
  const std::uint32_t unaryType = builder.type({I}, {I});
  builder.importFunction(unaryType);
  builder.function(fnType, Code()
                               .open(Opcode::Block)
                               .br(0)
                               .i32(1)
                               .call(0)
                               .op(Opcode::Drop)
                               .i32(0)
                               .open(Opcode::If)
                               .op(Opcode::Unreachable)
                               .op(Opcode::Else)
                               .i32(2)
                               .call(0)
                               .op(Opcode::Drop)
                               .end()
                               .open(Opcode::Block)
                               .open(Opcode::Loop)
                               .br(0)
                               .end()
                               .end()
                               .end()
                               .i32(5)
                               .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(plainCalls(f).empty()) << lowered.text(0);
  EXPECT_TRUE(trapKinds(f).empty());
  EXPECT_TRUE(instructions<llvm::LoadInst>(f).empty());
  const auto returns = instructions<llvm::ReturnInst>(f);
  ASSERT_EQ(returns.size(), 1u);
  auto *value = llvm::dyn_cast<llvm::ConstantInt>(returns[0]->getReturnValue());
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->getZExtValue(), 5u);
}

TEST(LowerBodyControl, EndOfBlockNobodyReachesMakesTheRestDead) {
  // (func (result i32)
  //   block  i32.const 3  return  end      ;; nothing reaches the block's end
  //   i32.const 4  call 0  drop)            ;; dead
  ModuleBuilder builder;
  const std::uint32_t fnType = builder.type({}, {I});
  builder.function(fnType, Code()
                               .open(Opcode::Block)
                               .i32(3)
                               .op(Opcode::Return)
                               .end()
                               .i32(4)
                               .call(0)
                               .op(Opcode::Drop)
                               .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(plainCalls(f).empty()) << lowered.text(0);
  EXPECT_EQ(blockNamed(f, "block.end"), nullptr);
  const auto returns = instructions<llvm::ReturnInst>(f);
  ASSERT_EQ(returns.size(), 1u);
  // `return` branches to the function's return block carrying 3.
  auto *phi = llvm::dyn_cast<llvm::PHINode>(returns[0]->getReturnValue());
  ASSERT_NE(phi, nullptr);
  ASSERT_EQ(phi->getNumIncomingValues(), 1u);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(phi->getIncomingValue(0))->getZExtValue(), 3u);
}

TEST(LowerBodyControl, IfWithoutElsePassesParametersThrough) {
  // (func (param i32 i32) (result i32)
  //   local.get 0  local.get 1
  //   if (param i32) (result i32)  i32.const 2  i32.mul  end)
  ModuleBuilder builder;
  const std::uint32_t fnType = builder.type({I, I}, {I});
  const std::uint32_t ifType = builder.type({I}, {I});
  builder.function(
      fnType,
      Code().get(0).get(1).openTyped(Opcode::If, ifType).i32(2).op(Opcode::I32Mul).end().end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  llvm::BasicBlock *merge = blockNamed(f, "if.end");
  ASSERT_NE(merge, nullptr);
  const auto phis = phisOf(*merge);
  ASSERT_EQ(phis.size(), 1u);
  ASSERT_EQ(phis[0]->getNumIncomingValues(), 2u);
  // One incoming is the product, the other the untouched parameter (a load of local 0).
  int products = 0, params = 0;
  for (llvm::Value *incoming : phis[0]->incoming_values()) {
    if (auto *mul = llvm::dyn_cast<llvm::BinaryOperator>(incoming))
      products += mul->getOpcode() == llvm::Instruction::Mul;
    if (llvm::isa<llvm::LoadInst>(incoming)) ++params;
  }
  EXPECT_EQ(products, 1);
  EXPECT_EQ(params, 1);
}

TEST(LowerBodyControl, IfElseWithDeadThenArm) {
  // (func (param i32) (result i32)
  //   local.get 0  if (result i32)  unreachable  else  i32.const 7  end)
  const Lowered lowered = lowerSingle({I}, {I},
                                      Code()
                                          .get(0)
                                          .open(Opcode::If, I)
                                          .op(Opcode::Unreachable)
                                          .op(Opcode::Else)
                                          .i32(7)
                                          .end()
                                          .end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_EQ(trapKinds(f), std::vector<std::uint32_t>{WAOT_TRAP_UNREACHABLE});
  // Only the else arm reaches the end, so the value needs no phi.
  const auto returns = instructions<llvm::ReturnInst>(f);
  ASSERT_EQ(returns.size(), 1u);
  auto *value = llvm::dyn_cast<llvm::ConstantInt>(returns[0]->getReturnValue());
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->getZExtValue(), 7u);
}

TEST(LowerBodyControl, UnreachableCallsTheNoreturnTrapBuiltin) {
  const Lowered lowered = lowerSingle({}, {I}, Code().op(Opcode::Unreachable).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(instructions<llvm::ReturnInst>(f).empty());
  std::vector<llvm::CallInst *> traps;
  for (llvm::CallInst *call : instructions<llvm::CallInst>(f))
    if (call->doesNotReturn()) traps.push_back(call);
  ASSERT_EQ(traps.size(), 1u);
  llvm::CallInst *trap = traps[0];
  EXPECT_TRUE(trap->hasFnAttr(llvm::Attribute::Cold));
  EXPECT_EQ(trap->getArgOperand(0), f.getArg(0));
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(trap->getArgOperand(1))->getZExtValue(),
            std::uint64_t{WAOT_TRAP_UNREACHABLE});
  EXPECT_TRUE(llvm::isa<llvm::UnreachableInst>(trap->getNextNode()));
  // builtins->trap: ctx->builtins (invariant) then the trap field (invariant).
  auto *fieldLoad = llvm::dyn_cast<llvm::LoadInst>(trap->getCalledOperand());
  ASSERT_NE(fieldLoad, nullptr);
  EXPECT_TRUE(isInvariantLoad(fieldLoad));
  auto *builtinsLoad = llvm::dyn_cast<llvm::LoadInst>(fieldLoad->getPointerOperand());
  ASSERT_NE(builtinsLoad, nullptr) << "trap is field 0 of waot_builtins";
  EXPECT_TRUE(isInvariantLoad(builtinsLoad));
  EXPECT_EQ(contextOffset(f, builtinsLoad->getPointerOperand()),
            std::optional<std::uint64_t>(offsetof(waot_ctx_header, builtins)));
}

TEST(LowerBodyControl, TrapBlocksAreSharedPerKindAndBranchedToAsUnlikely) {
  // Three divisions share one divide-by-zero block; each check is weighted.
  const Lowered lowered = lowerSingle({I, I}, {I},
                                      Code()
                                          .get(0)
                                          .get(1)
                                          .op(Opcode::I32DivU)
                                          .get(1)
                                          .op(Opcode::I32RemU)
                                          .get(1)
                                          .op(Opcode::I32DivU)
                                          .end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_EQ(trapKinds(f), std::vector<std::uint32_t>{WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO});
  int checks = 0;
  for (llvm::BranchInst *branch : instructions<llvm::BranchInst>(f)) {
    if (!branch->isConditional()) continue;
    ++checks;
    EXPECT_EQ(branch->getSuccessor(0)->getName(), "trap.divide_by_zero");
    llvm::MDNode *weights = branch->getMetadata(llvm::LLVMContext::MD_prof);
    ASSERT_NE(weights, nullptr);
    // !{!"branch_weights", [!"expected",] i32 taken, i32 not-taken}: the trap side is rare.
    const unsigned n = weights->getNumOperands();
    ASSERT_GE(n, 3u);
    const auto weight = [&](unsigned i) {
      return llvm::mdconst::extract<llvm::ConstantInt>(weights->getOperand(i))->getZExtValue();
    };
    EXPECT_LT(weight(n - 2) * 1000, weight(n - 1));
  }
  EXPECT_EQ(checks, 3);
  // The cold block is laid out last.
  EXPECT_EQ(f.back().getName(), "trap.divide_by_zero");
}

TEST(LowerBodyControl, LocalsAreZeroInitializedAllocasInTheEntryBlock) {
  // (func (param f64) (result i64) (local i64 funcref) local.get 1)
  const Lowered lowered = lowerSingle({ValType::F64}, {L}, Code().get(1).end(),
                                      {LocalDecl{1, L}, LocalDecl{1, ValType::FuncRef}});
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto allocas = instructions<llvm::AllocaInst>(f);
  ASSERT_EQ(allocas.size(), 3u);
  for (llvm::AllocaInst *slot : allocas) EXPECT_EQ(slot->getParent(), &f.getEntryBlock());
  EXPECT_TRUE(allocas[0]->getAllocatedType()->isDoubleTy());
  EXPECT_TRUE(allocas[1]->getAllocatedType()->isIntegerTy(64));
  EXPECT_TRUE(allocas[2]->getAllocatedType()->isPointerTy());
  // Parameter stored from the argument, declared locals from zero / null.
  std::vector<llvm::Value *> initial(3, nullptr);
  for (llvm::StoreInst *store : instructions<llvm::StoreInst>(f))
    for (std::size_t i = 0; i < 3; ++i)
      if (store->getPointerOperand() == allocas[i]) initial[i] = store->getValueOperand();
  EXPECT_EQ(initial[0], f.getArg(1));
  ASSERT_NE(initial[1], nullptr);
  EXPECT_TRUE(llvm::cast<llvm::Constant>(initial[1])->isNullValue());
  ASSERT_NE(initial[2], nullptr);
  EXPECT_TRUE(llvm::isa<llvm::ConstantPointerNull>(initial[2]));
}

TEST(LowerBodyControl, BodyErrorsSurfaceAsCompileErrors) {
  // Missing final end.
  EXPECT_THROW(lowerSingle({}, {}, Code().op(Opcode::Nop)), CompileError);
  // Unvalidated bodies fail cleanly instead of reading out of bounds.
  EXPECT_THROW(lowerSingle({}, {I}, Code().op(Opcode::I32Add).end()), CompileError);
  EXPECT_THROW(lowerSingle({}, {}, Code().get(3).op(Opcode::Drop).end()), CompileError);
  EXPECT_THROW(lowerSingle({}, {}, Code().br(5).end()), CompileError);
  // An exception-handling opcode is reported as unsupported, naming it.
  try {
    lowerSingle({}, {}, Code().byte(0x08).u32(0).end());
    FAIL() << "expected an unsupported-feature error";
  } catch (const CompileError &error) {
    EXPECT_EQ(error.kind(), CompileError::Kind::Unsupported);
    EXPECT_NE(error.message().find("throw"), std::string::npos) << error.what();
    EXPECT_EQ(error.function(), std::optional<std::uint32_t>(0));
  }
}

} // namespace
} // namespace waot::test::lowerbody
