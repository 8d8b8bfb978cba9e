// The IR of the SimdArith and SimdCompare instructions: every one lowers to
// verifying IR, and the simple ones to the single vector operation the back
// end maps to one instruction (golden shapes).
#include "lower_body_support.hpp"

#include <llvm/IR/Intrinsics.h>

namespace waot::test::lowerbody {
namespace {

constexpr ValType X = ValType::V128;
constexpr ValType I = ValType::I32;

// A function applying `op` to its parameters, typed by the opcode's signature.
Lowered lowerOne(Opcode op) {
  Code code;
  switch (frontend::info(op).sig) {
  case frontend::Sig::x_x: return lowerSingle({X}, {X}, code.get(0).op(op).end());
  case frontend::Sig::i_x: return lowerSingle({X}, {I}, code.get(0).op(op).end());
  case frontend::Sig::x_xi: return lowerSingle({X, I}, {X}, code.get(0).get(1).op(op).end());
  case frontend::Sig::x_xxx:
    return lowerSingle({X, X, X}, {X}, code.get(0).get(1).get(2).op(op).end());
  default: return lowerSingle({X, X}, {X}, code.get(0).get(1).op(op).end());
  }
}

std::string opName(Opcode op) { return std::string(frontend::name(op)); }

// The instructions of `f` that compute: not the locals' allocas, loads and
// stores, the branch into the body, bitcasts or the return. As text.
std::vector<std::string> work(llvm::Function &f) {
  std::vector<std::string> out;
  for (llvm::Instruction &inst : llvm::instructions(f)) {
    if (llvm::isa<llvm::BitCastInst, llvm::ReturnInst, llvm::AllocaInst, llvm::LoadInst,
                  llvm::StoreInst, llvm::BranchInst>(inst))
      continue;
    std::string text;
    llvm::raw_string_ostream os(text);
    inst.print(os);
    out.push_back(text);
  }
  return out;
}

TEST(LowerBodySimdArith, EveryArithAndCompareInstructionLowers) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Opcode::Count); ++i) {
    const auto op = static_cast<Opcode>(i);
    const frontend::Category category = frontend::info(op).category;
    if (category != frontend::Category::SimdArith && category != frontend::Category::SimdCompare)
      continue;
    ++count;
    const Lowered lowered = lowerOne(op);
    EXPECT_EQ(lowered.verifierErrors, "") << opName(op);
  }
  EXPECT_EQ(count, 165u);
}

TEST(LowerBodySimdArith, LaneArithmeticIsOneVectorOperation) {
  const struct {
    Opcode op;
    const char *instruction;
  } cases[] = {
      {Opcode::I32x4Add, "add <4 x i32>"},
      {Opcode::I8x16Sub, "sub <16 x i8>"},
      {Opcode::I16x8Mul, "mul <8 x i16>"},
      {Opcode::I64x2Mul, "mul <2 x i64>"},
      {Opcode::V128And, "and <2 x i64>"},
      {Opcode::V128Xor, "xor <2 x i64>"},
      {Opcode::I8x16AddSatU, "call <16 x i8> @llvm.uadd.sat.v16i8"},
      {Opcode::I16x8MinS, "call <8 x i16> @llvm.smin.v8i16"},
      {Opcode::I8x16Popcnt, "call <16 x i8> @llvm.ctpop.v16i8"},
      {Opcode::F32x4Add, "fadd <4 x float>"},
      {Opcode::F64x2Div, "fdiv <2 x double>"},
      {Opcode::F32x4Sqrt, "call <4 x float> @llvm.sqrt.v4f32"},
      {Opcode::F64x2Nearest, "call <2 x double> @llvm.roundeven.v2f64"},
      // Bit operations, which keep NaN payloads.
      {Opcode::F32x4Abs, "call <4 x float> @llvm.fabs.v4f32"},
      {Opcode::F64x2Neg, "fneg <2 x double>"},
  };
  for (const auto &c : cases) {
    const Lowered lowered = lowerOne(c.op);
    ASSERT_EQ(lowered.verifierErrors, "") << opName(c.op);
    const std::vector<std::string> insts = work(lowered.function(0));
    ASSERT_EQ(insts.size(), 1u) << opName(c.op) << "\n" << lowered.text(0);
    EXPECT_NE(insts[0].find(c.instruction), std::string::npos) << insts[0];
  }
}

TEST(LowerBodySimdArith, ComparisonsSignExtendTheirLaneMask) {
  const struct {
    Opcode op;
    const char *compare;
    const char *extend;
  } cases[] = {
      {Opcode::I8x16LtU, "icmp ult <16 x i8>", "sext <16 x i1> %"},
      {Opcode::I64x2GeS, "icmp sge <2 x i64>", "sext <2 x i1> %"},
      {Opcode::F32x4Ne, "fcmp une <4 x float>", "sext <4 x i1> %"},
      {Opcode::F64x2Le, "fcmp ole <2 x double>", "sext <2 x i1> %"},
  };
  for (const auto &c : cases) {
    const Lowered lowered = lowerOne(c.op);
    const std::vector<std::string> insts = work(lowered.function(0));
    ASSERT_EQ(insts.size(), 2u) << opName(c.op) << "\n" << lowered.text(0);
    EXPECT_NE(insts[0].find(c.compare), std::string::npos) << insts[0];
    EXPECT_NE(insts[1].find(c.extend), std::string::npos) << insts[1];
  }
}

TEST(LowerBodySimdArith, ShiftCountsAreTakenModuloTheLaneWidth) {
  const Lowered lowered = lowerOne(Opcode::I16x8ShrS);
  ASSERT_EQ(lowered.verifierErrors, "");
  const std::string text = lowered.text(0);
  EXPECT_NE(text.find("and i32 %"), std::string::npos) << text;
  EXPECT_NE(text.find(", 15"), std::string::npos) << text;
  EXPECT_NE(text.find("ashr <8 x i16>"), std::string::npos) << text;
}

TEST(LowerBodySimdArith, FloatMinMaxQuietNaNsButPminPmaxAreSelects) {
  const Lowered min = lowerOne(Opcode::F32x4Min);
  const std::string minText = min.text(0);
  EXPECT_NE(minText.find("@llvm.minimum.v4f32"), std::string::npos) << minText;
  EXPECT_NE(minText.find("fcmp uno <4 x float>"), std::string::npos) << minText;
  const Lowered pmin = lowerOne(Opcode::F64x2Pmin);
  const std::vector<std::string> insts = work(pmin.function(0));
  ASSERT_EQ(insts.size(), 2u) << pmin.text(0);
  EXPECT_NE(insts[0].find("fcmp olt <2 x double>"), std::string::npos) << insts[0];
  EXPECT_NE(insts[1].find("select <2 x i1>"), std::string::npos) << insts[1];
}

TEST(LowerBodySimdArith, IdentityConstantOperandsAreHidden) {
  // f32x4.mul(x, v128.const f32x4 1 1 1 1): LLVM must not fold x*1 to x.
  Code code;
  code.get(0).op(Opcode::V128Const);
  for (int lane = 0; lane < 4; ++lane)
    code.fixed(0x3f800000u, 4);
  const Lowered lowered = lowerSingle({X}, {X}, code.op(Opcode::F32x4Mul).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  const std::string text = lowered.text(0);
  // Hidden where the constant is made (emit_simd.cpp), so also through a local.
  EXPECT_NE(text.find("asm \"\", \"=x,0\""), std::string::npos) << text;
  EXPECT_NE(text.find("fmul <4 x float>"), std::string::npos) << text;
}

} // namespace
} // namespace waot::test::lowerbody
