// Numeric details that decide exact wasm semantics: division guards,
// remainder without the overflowing srem, trapping truncation bounds, NaN
// payloads of constants.
#include "lower_body_support.hpp"

#include <llvm/IR/CFG.h>

#include <algorithm>
#include <cmath>

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;
constexpr ValType L = ValType::I64;
constexpr ValType F = ValType::F32;
constexpr ValType D = ValType::F64;

TEST(LowerBodyNumeric, SignedDivisionIsGuardedByBothTraps) {
  const Lowered lowered = lowerSingle({L, L}, {L}, Code().get(0).get(1).op(Opcode::I64DivS).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  std::vector<std::uint32_t> kinds = trapKinds(f);
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::uint32_t>{WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO,
                                               WAOT_TRAP_INTEGER_OVERFLOW}));
  // The sdiv only executes after both checks: walk its dominating branches.
  const auto divisions = instructions<llvm::BinaryOperator>(f);
  llvm::BinaryOperator *sdiv = nullptr;
  for (llvm::BinaryOperator *op : divisions)
    if (op->getOpcode() == llvm::Instruction::SDiv) sdiv = op;
  ASSERT_NE(sdiv, nullptr);
  std::vector<std::string> guards;
  for (llvm::BasicBlock *block = sdiv->getParent(); block != nullptr;
       block = block->getSinglePredecessor()) {
    llvm::BasicBlock *pred = block->getSinglePredecessor();
    if (pred == nullptr) break;
    auto *branch = llvm::dyn_cast<llvm::BranchInst>(pred->getTerminator());
    if (branch != nullptr && branch->isConditional())
      guards.push_back(branch->getSuccessor(0)->getName().str());
  }
  EXPECT_EQ(guards, (std::vector<std::string>{"trap.integer_overflow", "trap.divide_by_zero"}));
}

TEST(LowerBodyNumeric, SignedRemainderNeverDividesIntMinByMinusOne) {
  const Lowered lowered = lowerSingle({I, I}, {I}, Code().get(0).get(1).op(Opcode::I32RemS).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  // Division by zero still traps; INT_MIN % -1 does not (its result is 0).
  EXPECT_EQ(trapKinds(f), std::vector<std::uint32_t>{WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO});
  llvm::BinaryOperator *srem = nullptr;
  for (llvm::BinaryOperator *op : instructions<llvm::BinaryOperator>(f))
    if (op->getOpcode() == llvm::Instruction::SRem) srem = op;
  ASSERT_NE(srem, nullptr);
  // The divisor is select(rhs == -1, 1, rhs).
  auto *divisor = llvm::dyn_cast<llvm::SelectInst>(srem->getOperand(1));
  ASSERT_NE(divisor, nullptr);
  auto *one = llvm::dyn_cast<llvm::ConstantInt>(divisor->getTrueValue());
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(one->getSExtValue(), 1);
  auto *isMinusOne = llvm::dyn_cast<llvm::ICmpInst>(divisor->getCondition());
  ASSERT_NE(isMinusOne, nullptr);
  EXPECT_EQ(isMinusOne->getPredicate(), llvm::CmpInst::ICMP_EQ);
  EXPECT_EQ(isMinusOne->getOperand(0), divisor->getFalseValue());
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(isMinusOne->getOperand(1))->getSExtValue(), -1);
}

TEST(LowerBodyNumeric, DivisionByANonZeroConstantNeedsNoCheck) {
  const Lowered lowered = lowerSingle({I}, {I}, Code().get(0).i32(7).op(Opcode::I32DivU).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  EXPECT_TRUE(trapKinds(lowered.function(0)).empty());
  EXPECT_EQ(countOpcode(lowered.function(0), llvm::Instruction::UDiv), 1u);
}

struct TruncationCase {
  Opcode op;
  ValType from;
  ValType to;
  double lower;
  llvm::CmpInst::Predicate lowerTrapsWhen; // predicate of the below-range check
  double upper;                            // traps when x >= upper
  bool isSigned;
};

void PrintTo(const TruncationCase &c, std::ostream *os) { *os << frontend::name(c.op); }

class TrappingTruncation : public ::testing::TestWithParam<TruncationCase> {};

// The bound constants are the spec's, exactly, in the source type.
TEST_P(TrappingTruncation, ChecksNaNThenTheExactRange) {
  const TruncationCase c = GetParam();
  const Lowered lowered = lowerSingle({c.from}, {c.to}, Code().get(0).op(c.op).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto compares = instructions<llvm::FCmpInst>(f);
  ASSERT_EQ(compares.size(), 3u) << lowered.text(0);
  // NaN first: unordered self-comparison guarding an invalid-conversion trap.
  EXPECT_EQ(compares[0]->getPredicate(), llvm::CmpInst::FCMP_UNO);
  EXPECT_EQ(compares[0]->getOperand(0), compares[0]->getOperand(1));
  auto *nanBranch = llvm::cast<llvm::BranchInst>(compares[0]->getParent()->getTerminator());
  EXPECT_EQ(nanBranch->getSuccessor(0)->getName(), "trap.invalid_conversion");

  const auto constantOf = [](llvm::FCmpInst *cmp) {
    return llvm::cast<llvm::ConstantFP>(cmp->getOperand(1))->getValueAPF().convertToDouble();
  };
  const auto exactIn = [&](llvm::FCmpInst *cmp) {
    return llvm::cast<llvm::ConstantFP>(cmp->getOperand(1))->getType() ==
           compares[0]->getOperand(0)->getType();
  };
  EXPECT_EQ(compares[1]->getPredicate(), c.lowerTrapsWhen);
  EXPECT_EQ(constantOf(compares[1]), c.lower);
  EXPECT_TRUE(exactIn(compares[1]));
  EXPECT_EQ(compares[2]->getPredicate(), llvm::CmpInst::FCMP_OGE);
  EXPECT_EQ(constantOf(compares[2]), c.upper);
  auto *rangeBranch = llvm::cast<llvm::BranchInst>(compares[2]->getParent()->getTerminator());
  EXPECT_EQ(rangeBranch->getSuccessor(0)->getName(), "trap.integer_overflow");

  const unsigned conversion = c.isSigned ? llvm::Instruction::FPToSI : llvm::Instruction::FPToUI;
  EXPECT_EQ(countOpcode(f, conversion), 1u);
}

constexpr double k2p31 = 2147483648.0, k2p32 = 4294967296.0;
constexpr double k2p63 = 9223372036854775808.0, k2p64 = 18446744073709551616.0;
constexpr auto OLT = llvm::CmpInst::FCMP_OLT; // inclusive lower bound: x < lower traps
constexpr auto OLE = llvm::CmpInst::FCMP_OLE; // exclusive lower bound: x <= lower traps

INSTANTIATE_TEST_SUITE_P(
    SpecBounds, TrappingTruncation,
    ::testing::Values(TruncationCase{Opcode::I32TruncF32S, F, I, -k2p31, OLT, k2p31, true},
                      TruncationCase{Opcode::I32TruncF64S, D, I, -2147483649.0, OLE, k2p31, true},
                      TruncationCase{Opcode::I32TruncF32U, F, I, -1.0, OLE, k2p32, false},
                      TruncationCase{Opcode::I32TruncF64U, D, I, -1.0, OLE, k2p32, false},
                      TruncationCase{Opcode::I64TruncF32S, F, L, -k2p63, OLT, k2p63, true},
                      TruncationCase{Opcode::I64TruncF64S, D, L, -k2p63, OLT, k2p63, true},
                      TruncationCase{Opcode::I64TruncF32U, F, L, -1.0, OLE, k2p64, false},
                      TruncationCase{Opcode::I64TruncF64U, D, L, -1.0, OLE, k2p64, false}),
    [](const auto &param) {
      std::string text(frontend::name(param.param.op));
      std::replace(text.begin(), text.end(), '.', '_');
      return text;
    });

TEST(LowerBodyNumeric, FloatConstantsKeepTheirExactBits) {
  // A NaN with a payload and the negative zero must survive bit for bit.
  const Lowered f32 = lowerSingle({}, {F}, Code().f32Bits(0x7FA00001u).end());
  ASSERT_EQ(f32.verifierErrors, "");
  auto *nan = llvm::dyn_cast<llvm::ConstantFP>(
      instructions<llvm::ReturnInst>(f32.function(0))[0]->getReturnValue());
  ASSERT_NE(nan, nullptr);
  EXPECT_EQ(nan->getValueAPF().bitcastToAPInt().getZExtValue(), 0x7FA00001u)
      << "signaling NaN payload";

  const Lowered f64 = lowerSingle({}, {D}, Code().f64Bits(0x8000000000000000ull).end());
  ASSERT_EQ(f64.verifierErrors, "");
  // -0.0 is an identity of addition: it reaches the function through the
  // opaque asm that stops the optimizer from folding x + (-0.0) to x.
  auto *opaque = llvm::dyn_cast<llvm::CallInst>(
      instructions<llvm::ReturnInst>(f64.function(0))[0]->getReturnValue());
  ASSERT_NE(opaque, nullptr);
  EXPECT_TRUE(llvm::isa<llvm::InlineAsm>(opaque->getCalledOperand()));
  auto *negZero = llvm::dyn_cast<llvm::ConstantFP>(opaque->getArgOperand(0));
  ASSERT_NE(negZero, nullptr);
  EXPECT_EQ(negZero->getValueAPF().bitcastToAPInt().getZExtValue(), 0x8000000000000000ull);
}

TEST(LowerBodyNumeric, IdentityConstantsAreOpaqueOthersAreNot) {
  // x * 1.0 must not fold to x (a signalling NaN must come out quiet).
  const Lowered one = lowerSingle({F}, {F}, Code().get(0).f32Bits(0x3F800000u).op(Opcode::F32Mul).end());
  ASSERT_EQ(one.verifierErrors, "");
  EXPECT_EQ(instructions<llvm::CallInst>(one.function(0)).size(), 1u);
  const Lowered two = lowerSingle({F}, {F}, Code().get(0).f32Bits(0x40000000u).op(Opcode::F32Mul).end());
  ASSERT_EQ(two.verifierErrors, "");
  EXPECT_TRUE(instructions<llvm::CallInst>(two.function(0)).empty());
}

TEST(LowerBodyNumeric, ShiftCountsAreMaskedAndRotatesUseFunnelShifts) {
  const Lowered lowered = lowerSingle(
      {L, L}, {L}, Code().get(0).get(1).op(Opcode::I64ShrS).get(1).op(Opcode::I64Rotl).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  llvm::BinaryOperator *ashr = nullptr;
  for (llvm::BinaryOperator *op : instructions<llvm::BinaryOperator>(f))
    if (op->getOpcode() == llvm::Instruction::AShr) ashr = op;
  ASSERT_NE(ashr, nullptr);
  auto *mask = llvm::dyn_cast<llvm::BinaryOperator>(ashr->getOperand(1));
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(mask->getOpcode(), llvm::Instruction::And);
  EXPECT_EQ(llvm::cast<llvm::ConstantInt>(mask->getOperand(1))->getZExtValue(), 63u);
  const auto intrinsics = instructions<llvm::IntrinsicInst>(f);
  ASSERT_EQ(intrinsics.size(), 1u);
  EXPECT_EQ(intrinsics[0]->getIntrinsicID(), llvm::Intrinsic::fshl);
  EXPECT_EQ(intrinsics[0]->getArgOperand(0), ashr);
  EXPECT_EQ(intrinsics[0]->getArgOperand(1), ashr);
}

TEST(LowerBodyNumeric, SelectAndCompareProduceI32Booleans) {
  // (func (param f32 f32) (result f32) local.get 0 local.get 1 local.get 0 local.get 1 f32.ne
  // select)
  const Lowered lowered = lowerSingle(
      {F, F}, {F}, Code().get(0).get(1).get(0).get(1).op(Opcode::F32Ne).op(Opcode::Select).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto selects = instructions<llvm::SelectInst>(f);
  ASSERT_EQ(selects.size(), 1u);
  // The i32 condition is tested against zero (wasm's truthiness), not truncated.
  auto *truthy = llvm::dyn_cast<llvm::ICmpInst>(selects[0]->getCondition());
  ASSERT_NE(truthy, nullptr);
  EXPECT_EQ(truthy->getPredicate(), llvm::CmpInst::ICMP_NE);
  auto *boolean = llvm::dyn_cast<llvm::ZExtInst>(truthy->getOperand(0));
  ASSERT_NE(boolean, nullptr);
  auto *ne = llvm::dyn_cast<llvm::FCmpInst>(boolean->getOperand(0));
  ASSERT_NE(ne, nullptr);
  EXPECT_EQ(ne->getPredicate(), llvm::CmpInst::FCMP_UNE) << "f32.ne is true on NaN";
  // select picks the first operand when the condition is non-zero.
  auto *first = llvm::dyn_cast<llvm::LoadInst>(selects[0]->getTrueValue());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(first->getPointerOperand(), instructions<llvm::AllocaInst>(f)[0]);
}

} // namespace
} // namespace waot::test::lowerbody
