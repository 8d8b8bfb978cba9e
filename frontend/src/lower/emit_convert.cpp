// Conversions: wrap/extend, float<->int (trapping and saturating),
// demote/promote, reinterpret and the sign-extension operators.
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

#include <optional>

namespace waot::frontend::lower {
namespace {

// The source values a trapping float->int truncation accepts (after NaN has
// been excluded): lower < x < upper, or lower <= x when lowerInclusive. The
// bounds are the spec's, all exactly representable in the source type; the
// inclusive ones are those where the value just below the range (e.g.
// -2^31 - 1 as f32) is not representable.
struct TruncationRange {
  double lower;
  bool lowerInclusive;
  double upper;
  bool isSigned;
};

constexpr double k2To31 = 2147483648.0;
constexpr double k2To32 = 4294967296.0;
constexpr double k2To63 = 9223372036854775808.0;
constexpr double k2To64 = 18446744073709551616.0;

std::optional<TruncationRange> trappingTruncationRange(Opcode op) {
  switch (op) {
  case Opcode::I32TruncF32S: return TruncationRange{-k2To31, true, k2To31, true};
  case Opcode::I32TruncF64S: return TruncationRange{-k2To31 - 1.0, false, k2To31, true};
  case Opcode::I32TruncF32U:
  case Opcode::I32TruncF64U: return TruncationRange{-1.0, false, k2To32, false};
  case Opcode::I64TruncF32S:
  case Opcode::I64TruncF64S: return TruncationRange{-k2To63, true, k2To63, true};
  case Opcode::I64TruncF32U:
  case Opcode::I64TruncF64U: return TruncationRange{-1.0, false, k2To64, false};
  default: return std::nullopt;
  }
}

bool isSaturatingSigned(Opcode op) {
  return op == Opcode::I32TruncSatF32S || op == Opcode::I32TruncSatF64S ||
         op == Opcode::I64TruncSatF32S || op == Opcode::I64TruncSatF64S;
}

bool isSaturatingUnsigned(Opcode op) {
  return op == Opcode::I32TruncSatF32U || op == Opcode::I32TruncSatF64U ||
         op == Opcode::I64TruncSatF32U || op == Opcode::I64TruncSatF64U;
}

// Conversions that are one LLVM cast; nullopt for the others.
std::optional<llvm::Instruction::CastOps> simpleCast(Opcode op) {
  using C = llvm::Instruction::CastOps;
  switch (op) {
  case Opcode::I32WrapI64: return C::Trunc;
  case Opcode::I64ExtendI32S: return C::SExt;
  case Opcode::I64ExtendI32U: return C::ZExt;
  case Opcode::F32ConvertI32S:
  case Opcode::F32ConvertI64S:
  case Opcode::F64ConvertI32S:
  case Opcode::F64ConvertI64S: return C::SIToFP;
  case Opcode::F32ConvertI32U:
  case Opcode::F32ConvertI64U:
  case Opcode::F64ConvertI32U:
  case Opcode::F64ConvertI64U: return C::UIToFP;
  case Opcode::F32DemoteF64: return C::FPTrunc;
  case Opcode::F64PromoteF32: return C::FPExt;
  case Opcode::I32ReinterpretF32:
  case Opcode::I64ReinterpretF64:
  case Opcode::F32ReinterpretI32:
  case Opcode::F64ReinterpretI64: return C::BitCast;
  default: return std::nullopt;
  }
}

// extendN_s: the width of the sign-extended low part; 0 for other opcodes.
unsigned signExtensionBits(Opcode op) {
  switch (op) {
  case Opcode::I32Extend8S:
  case Opcode::I64Extend8S: return 8;
  case Opcode::I32Extend16S:
  case Opcode::I64Extend16S: return 16;
  case Opcode::I64Extend32S: return 32;
  default: return 0;
  }
}

} // namespace

void FunctionLowering::emitConvert(const Instr &in) {
  llvm::Type *resultType = sigResultType(info(in.op).sig);
  llvm::Value *operand = pop();

  if (const auto cast = simpleCast(in.op)) {
    // LLVM folds demote(promote(x)) to x, letting a signalling NaN through
    // unquieted; wasm's demote must return a quiet NaN.
    if (in.op == Opcode::F32DemoteF64 && llvm::isa<llvm::FPExtInst>(operand))
      operand = opaqueFloat(operand);
    push(builder_.CreateCast(*cast, operand, resultType));
    return;
  }
  if (const unsigned bits = signExtensionBits(in.op)) {
    llvm::Value *low = builder_.CreateTrunc(operand, builder_.getIntNTy(bits));
    push(builder_.CreateSExt(low, resultType));
    return;
  }
  // Saturating truncation: exactly the semantics of llvm.fpto[su]i.sat (NaN -> 0).
  if (isSaturatingSigned(in.op) || isSaturatingUnsigned(in.op)) {
    const llvm::Intrinsic::ID id =
        isSaturatingSigned(in.op) ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat;
    push(builder_.CreateIntrinsic(id, {resultType, operand->getType()}, {operand}));
    return;
  }
  if (trappingTruncationRange(in.op)) {
    push(emitTrappingTruncation(in, operand));
    return;
  }
  unsupported(in, "conversion '" + std::string(name(in.op)) + "'");
}

llvm::Value *FunctionLowering::emitTrappingTruncation(const Instr &in, llvm::Value *operand) {
  const TruncationRange range = *trappingTruncationRange(in.op);
  llvm::Type *sourceType = operand->getType();
  llvm::Type *resultType = sigResultType(info(in.op).sig);

  // NaN first: it is an invalid conversion, not an overflow.
  trapIf(builder_.CreateFCmpUNO(operand, operand), WAOT_TRAP_INVALID_CONVERSION);
  // NaN is excluded here, so ordered compares describe "outside the range".
  llvm::Value *lower = llvm::ConstantFP::get(sourceType, range.lower);
  llvm::Value *upper = llvm::ConstantFP::get(sourceType, range.upper);
  llvm::Value *belowRange = range.lowerInclusive ? builder_.CreateFCmpOLT(operand, lower)
                                                 : builder_.CreateFCmpOLE(operand, lower);
  llvm::Value *aboveRange = builder_.CreateFCmpOGE(operand, upper);
  trapIf(builder_.CreateOr(belowRange, aboveRange), WAOT_TRAP_INTEGER_OVERFLOW);
  // In range, fptosi/fptoui are exact truncations toward zero (no poison).
  return range.isSigned ? builder_.CreateFPToSI(operand, resultType)
                        : builder_.CreateFPToUI(operand, resultType);
}

} // namespace waot::frontend::lower
