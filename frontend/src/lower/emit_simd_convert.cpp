// SIMD (0xFD) lowering: the SimdConvert category of opcodes.def (extend,
// narrow, trunc_sat, convert, demote, promote).
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

#include <numeric>
#include <vector>

namespace waot::frontend::lower {
namespace {

enum class ConvertKind : std::uint8_t {
  ExtendLow,    // the low half of the lanes, sign/zero-extended to twice the width
  ExtendHigh,   // the high half
  Narrow,       // two vectors, each lane saturated to half the width
  TruncSat,     // float -> int lanes of the same count, saturating (NaN -> 0)
  TruncSatZero, // f64x2 -> the low two i32 lanes, the high two zero
  Convert,      // int -> float lanes of the same count
  ConvertLow,   // the low two i32 lanes -> f64x2
  DemoteZero,   // f64x2 -> the low two f32 lanes, the high two zero
  PromoteLow,   // the low two f32 lanes -> f64x2
};

struct ConvertRow {
  Opcode op;
  ConvertKind kind;
  unsigned fromBits; // the operand's lane width
  bool isSigned;
};

using K = ConvertKind;
constexpr ConvertRow kConversions[] = {
    {Opcode::I16x8ExtendLowI8x16S, K::ExtendLow, 8, true},
    {Opcode::I16x8ExtendHighI8x16S, K::ExtendHigh, 8, true},
    {Opcode::I16x8ExtendLowI8x16U, K::ExtendLow, 8, false},
    {Opcode::I16x8ExtendHighI8x16U, K::ExtendHigh, 8, false},
    {Opcode::I32x4ExtendLowI16x8S, K::ExtendLow, 16, true},
    {Opcode::I32x4ExtendHighI16x8S, K::ExtendHigh, 16, true},
    {Opcode::I32x4ExtendLowI16x8U, K::ExtendLow, 16, false},
    {Opcode::I32x4ExtendHighI16x8U, K::ExtendHigh, 16, false},
    {Opcode::I64x2ExtendLowI32x4S, K::ExtendLow, 32, true},
    {Opcode::I64x2ExtendHighI32x4S, K::ExtendHigh, 32, true},
    {Opcode::I64x2ExtendLowI32x4U, K::ExtendLow, 32, false},
    {Opcode::I64x2ExtendHighI32x4U, K::ExtendHigh, 32, false},
    {Opcode::I8x16NarrowI16x8S, K::Narrow, 16, true},
    {Opcode::I8x16NarrowI16x8U, K::Narrow, 16, false},
    {Opcode::I16x8NarrowI32x4S, K::Narrow, 32, true},
    {Opcode::I16x8NarrowI32x4U, K::Narrow, 32, false},
    {Opcode::I32x4TruncSatF32x4S, K::TruncSat, 32, true},
    {Opcode::I32x4TruncSatF32x4U, K::TruncSat, 32, false},
    {Opcode::I32x4TruncSatF64x2SZero, K::TruncSatZero, 64, true},
    {Opcode::I32x4TruncSatF64x2UZero, K::TruncSatZero, 64, false},
    {Opcode::F32x4ConvertI32x4S, K::Convert, 32, true},
    {Opcode::F32x4ConvertI32x4U, K::Convert, 32, false},
    {Opcode::F64x2ConvertLowI32x4S, K::ConvertLow, 32, true},
    {Opcode::F64x2ConvertLowI32x4U, K::ConvertLow, 32, false},
    {Opcode::F32x4DemoteF64x2Zero, K::DemoteZero, 64, true},
    {Opcode::F64x2PromoteLowF32x4, K::PromoteLow, 32, true},
};

// Lane indices first, first + 1, ..., first + count - 1 (a shufflevector mask).
std::vector<int> laneRange(int first, int count) {
  std::vector<int> mask(static_cast<std::size_t>(count));
  std::iota(mask.begin(), mask.end(), first);
  return mask;
}

// The operand of a value seen through bit casts (v128 <-> lane shapes).
llvm::Value *stripBitCasts(llvm::Value *value) {
  while (auto *cast = llvm::dyn_cast<llvm::BitCastInst>(value))
    value = cast->getOperand(0);
  return value;
}

} // namespace

void FunctionLowering::emitSimdConvert(const Instr &in) {
  const ConvertRow *row = nullptr;
  for (const ConvertRow &candidate : kConversions)
    if (candidate.op == in.op) row = &candidate;
  if (row == nullptr)
    unsupported(in, std::string("SIMD instruction '").append(name(in.op)).append("'"));
  const unsigned from = row->fromBits;
  const auto castTo = [&](llvm::Value *value, llvm::Type *type) {
    return row->isSigned ? builder_.CreateSExt(value, type) : builder_.CreateZExt(value, type);
  };
  const auto toFloat = [&](llvm::Value *value, llvm::Type *type) {
    return row->isSigned ? builder_.CreateSIToFP(value, type) : builder_.CreateUIToFP(value, type);
  };
  // Saturating float -> int (NaN -> 0, out of range -> the nearest bound):
  // exactly wasm's trunc_sat.
  const auto truncSat = [&](llvm::Value *value, llvm::Type *type) {
    const llvm::Intrinsic::ID id =
        row->isSigned ? llvm::Intrinsic::fptosi_sat : llvm::Intrinsic::fptoui_sat;
    return builder_.CreateIntrinsic(id, {type, value->getType()}, {value});
  };
  // The low half of `value` then as many zero lanes.
  const auto withZeroHigh = [&](llvm::Value *low) {
    const auto count =
        static_cast<int>(llvm::cast<llvm::FixedVectorType>(low->getType())->getNumElements());
    return builder_.CreateShuffleVector(low, llvm::Constant::getNullValue(low->getType()),
                                        laneRange(0, 2 * count));
  };
  const auto half = [&](llvm::Value *vector, bool high) {
    const int count = 128 / static_cast<int>(from);
    return builder_.CreateShuffleVector(vector, laneRange(high ? count / 2 : 0, count / 2));
  };

  switch (row->kind) {
  case K::ExtendLow:
  case K::ExtendHigh:
    pushSimd(
        castTo(half(popSimd(simdShape(from)), row->kind == K::ExtendHigh), simdShape(2 * from)));
    return;
  case K::Narrow: {
    // Saturate each signed lane to the narrow type's range (signed, or
    // 0..max for the unsigned form), then truncate: packss/packus on x86.
    llvm::Value *right = popSimd(simdShape(from));
    llvm::Value *left = popSimd(simdShape(from));
    llvm::Value *both = builder_.CreateShuffleVector(left, right, laneRange(0, 256 / from));
    const unsigned to = from / 2;
    const llvm::APInt low =
        row->isSigned ? llvm::APInt::getSignedMinValue(to).sext(from) : llvm::APInt::getZero(from);
    const llvm::APInt high = row->isSigned ? llvm::APInt::getSignedMaxValue(to).sext(from)
                                           : llvm::APInt::getMaxValue(to).zext(from);
    llvm::Type *wide = both->getType();
    both = builder_.CreateBinaryIntrinsic(llvm::Intrinsic::smax, both,
                                          llvm::ConstantInt::get(wide, low));
    both = builder_.CreateBinaryIntrinsic(llvm::Intrinsic::smin, both,
                                          llvm::ConstantInt::get(wide, high));
    pushSimd(builder_.CreateTrunc(both, simdShape(to)));
    return;
  }
  case K::TruncSat: pushSimd(truncSat(popSimd(simdShape(32, true)), simdShape(32))); return;
  case K::TruncSatZero:
    pushSimd(withZeroHigh(
        truncSat(popSimd(simdShape(64, true)), llvm::FixedVectorType::get(i32Type(), 2))));
    return;
  case K::Convert: pushSimd(toFloat(popSimd(simdShape(32)), simdShape(32, true))); return;
  case K::ConvertLow:
    pushSimd(toFloat(half(popSimd(simdShape(32)), false), simdShape(64, true)));
    return;
  case K::DemoteZero: {
    llvm::Value *operand = pop();
    // LLVM folds demote(promote(x)) to x, letting a signalling NaN through
    // unquieted; wasm's demote must return a quiet NaN (as emit_convert.cpp).
    if (llvm::isa<llvm::FPExtInst>(stripBitCasts(operand))) operand = opaqueV128(operand);
    llvm::Value *demoted =
        builder_.CreateFPTrunc(builder_.CreateBitCast(operand, simdShape(64, true)),
                               llvm::FixedVectorType::get(builder_.getFloatTy(), 2));
    pushSimd(withZeroHigh(demoted));
    return;
  }
  case K::PromoteLow:
    pushSimd(builder_.CreateFPExt(half(popSimd(simdShape(32, true)), false), simdShape(64, true)));
    return;
  }
}

} // namespace waot::frontend::lower
