// SIMD (0xFD) lowering: the SimdArith category of opcodes.def (bitwise
// operations, shifts, integer and float lane arithmetic, any/all_true,
// bitmask, extadd/extmul/dot). Everything is target-independent vector IR
// (operators, shufflevector, llvm.* intrinsics) in the shapes LLVM's back
// ends pattern-match, so the target picks its own instructions (pavgb,
// pmaddwd, pmovmskb, …) and `--cpu generic` still gets correct code.
#include "function_lowering.hpp"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/Constants.h>

#include <cstring>
#include <optional>

namespace waot::frontend::lower {

namespace {

using Builder = llvm::IRBuilder<>;

// clang-format off
enum class Kind {
  // v128 as a whole
  Not, And, Andnot, Or, Xor, Bitselect, AnyTrue,
  // integer lanes
  AllTrue, Bitmask, Abs, Neg, Popcnt, Shl, ShrS, ShrU, Add, Sub, Mul,
  AddSatS, AddSatU, SubSatS, SubSatU, MinS, MinU, MaxS, MaxU, AvgrU, Q15mulrSatS,
  // widening: the operands' lanes are half as wide as the result's
  Dot, ExtaddS, ExtaddU, ExtmulLowS, ExtmulHighS, ExtmulLowU, ExtmulHighU,
  // float lanes
  FAbs, FNeg, FSqrt, FCeil, FFloor, FTrunc, FNearest,
  FAdd, FSub, FMul, FDiv, FMin, FMax, FPmin, FPmax,
};
// clang-format on

struct ArithOp {
  Kind kind;
  unsigned laneBits; // of the operands
  bool isFloat;
};

// clang-format off
std::optional<ArithOp> arithOp(Opcode op) {
  switch (op) {
  case Opcode::V128Not: return ArithOp{Kind::Not, 64, false};
  case Opcode::V128And: return ArithOp{Kind::And, 64, false};
  case Opcode::V128Andnot: return ArithOp{Kind::Andnot, 64, false};
  case Opcode::V128Or: return ArithOp{Kind::Or, 64, false};
  case Opcode::V128Xor: return ArithOp{Kind::Xor, 64, false};
  case Opcode::V128Bitselect: return ArithOp{Kind::Bitselect, 64, false};
  case Opcode::V128AnyTrue: return ArithOp{Kind::AnyTrue, 64, false};
#define WAOT_OP(Name, K, Bits) case Opcode::Name: return ArithOp{Kind::K, Bits, false};
#define WAOT_FOP(Name, K, Bits) case Opcode::Name: return ArithOp{Kind::K, Bits, true};
  // Instructions every integer shape has.
#define WAOT_INT_SHAPE(S, Bits)                                                                    \
  WAOT_OP(S##AllTrue, AllTrue, Bits) WAOT_OP(S##Bitmask, Bitmask, Bits)                            \
  WAOT_OP(S##Abs, Abs, Bits) WAOT_OP(S##Neg, Neg, Bits)                                            \
  WAOT_OP(S##Shl, Shl, Bits) WAOT_OP(S##ShrS, ShrS, Bits) WAOT_OP(S##ShrU, ShrU, Bits)             \
  WAOT_OP(S##Add, Add, Bits) WAOT_OP(S##Sub, Sub, Bits)
  // The saturating, min/max instructions of i8x16, i16x8 (and min/max of i32x4).
#define WAOT_MINMAX(S, Bits)                                                                       \
  WAOT_OP(S##MinS, MinS, Bits) WAOT_OP(S##MinU, MinU, Bits)                                        \
  WAOT_OP(S##MaxS, MaxS, Bits) WAOT_OP(S##MaxU, MaxU, Bits)
#define WAOT_SAT(S, Bits)                                                                          \
  WAOT_OP(S##AddSatS, AddSatS, Bits) WAOT_OP(S##AddSatU, AddSatU, Bits)                            \
  WAOT_OP(S##SubSatS, SubSatS, Bits) WAOT_OP(S##SubSatU, SubSatU, Bits)                            \
  WAOT_OP(S##AvgrU, AvgrU, Bits)
  // Widening instructions producing shape S from lanes of NarrowBits.
#define WAOT_EXTMUL(Wide, Narrow, NarrowBits)                                                      \
  WAOT_OP(Wide##ExtmulLow##Narrow##S, ExtmulLowS, NarrowBits)                                      \
  WAOT_OP(Wide##ExtmulHigh##Narrow##S, ExtmulHighS, NarrowBits)                                    \
  WAOT_OP(Wide##ExtmulLow##Narrow##U, ExtmulLowU, NarrowBits)                                      \
  WAOT_OP(Wide##ExtmulHigh##Narrow##U, ExtmulHighU, NarrowBits)
#define WAOT_FLOAT_SHAPE(S, Bits)                                                                  \
  WAOT_FOP(S##Abs, FAbs, Bits) WAOT_FOP(S##Neg, FNeg, Bits) WAOT_FOP(S##Sqrt, FSqrt, Bits)         \
  WAOT_FOP(S##Ceil, FCeil, Bits) WAOT_FOP(S##Floor, FFloor, Bits)                                  \
  WAOT_FOP(S##Trunc, FTrunc, Bits) WAOT_FOP(S##Nearest, FNearest, Bits)                            \
  WAOT_FOP(S##Add, FAdd, Bits) WAOT_FOP(S##Sub, FSub, Bits) WAOT_FOP(S##Mul, FMul, Bits)           \
  WAOT_FOP(S##Div, FDiv, Bits) WAOT_FOP(S##Min, FMin, Bits) WAOT_FOP(S##Max, FMax, Bits)           \
  WAOT_FOP(S##Pmin, FPmin, Bits) WAOT_FOP(S##Pmax, FPmax, Bits)
  WAOT_INT_SHAPE(I8x16, 8)
  WAOT_INT_SHAPE(I16x8, 16)
  WAOT_INT_SHAPE(I32x4, 32)
  WAOT_INT_SHAPE(I64x2, 64)
  WAOT_MINMAX(I8x16, 8)
  WAOT_MINMAX(I16x8, 16)
  WAOT_MINMAX(I32x4, 32)
  WAOT_SAT(I8x16, 8)
  WAOT_SAT(I16x8, 16)
  WAOT_OP(I8x16Popcnt, Popcnt, 8)
  WAOT_OP(I16x8Mul, Mul, 16)
  WAOT_OP(I32x4Mul, Mul, 32)
  WAOT_OP(I64x2Mul, Mul, 64)
  WAOT_OP(I16x8Q15mulrSatS, Q15mulrSatS, 16)
  WAOT_OP(I32x4DotI16x8S, Dot, 16)
  WAOT_OP(I16x8ExtaddPairwiseI8x16S, ExtaddS, 8)
  WAOT_OP(I16x8ExtaddPairwiseI8x16U, ExtaddU, 8)
  WAOT_OP(I32x4ExtaddPairwiseI16x8S, ExtaddS, 16)
  WAOT_OP(I32x4ExtaddPairwiseI16x8U, ExtaddU, 16)
  WAOT_EXTMUL(I16x8, I8x16, 8)
  WAOT_EXTMUL(I32x4, I16x8, 16)
  WAOT_EXTMUL(I64x2, I32x4, 32)
  WAOT_FLOAT_SHAPE(F32x4, 32)
  WAOT_FLOAT_SHAPE(F64x2, 64)
#undef WAOT_OP
#undef WAOT_FOP
#undef WAOT_INT_SHAPE
#undef WAOT_MINMAX
#undef WAOT_SAT
#undef WAOT_EXTMUL
#undef WAOT_FLOAT_SHAPE
  default: return std::nullopt;
  }
}
// clang-format on

// <lanes x iBits>, or the float vector of `bits`-wide lanes.
llvm::FixedVectorType *vectorOf(Builder &b, unsigned lanes, unsigned bits, bool isFloat = false) {
  llvm::Type *lane = !isFloat ? b.getIntNTy(bits) : bits == 32 ? b.getFloatTy() : b.getDoubleTy();
  return llvm::FixedVectorType::get(lane, lanes);
}

unsigned laneCount(llvm::Value *vector) {
  return llvm::cast<llvm::FixedVectorType>(vector->getType())->getNumElements();
}

// Half of the lanes of `vector`: lanes first, first + step, first + 2 step, …
// (the low or high half with step 1, the even or odd lanes with step 2).
llvm::Value *halfLanes(Builder &b, llvm::Value *vector, unsigned first, unsigned step) {
  llvm::SmallVector<int, 16> mask;
  for (unsigned i = 0; i < laneCount(vector) / 2; ++i)
    mask.push_back(static_cast<int>(first + i * step));
  return b.CreateShuffleVector(vector, mask);
}

// `vector`'s lanes extended to twice their width (signed or not).
llvm::Value *widen(Builder &b, llvm::Value *vector, bool isSigned) {
  const unsigned bits = vector->getType()->getScalarSizeInBits();
  llvm::Type *wide = vectorOf(b, laneCount(vector), 2 * bits);
  return isSigned ? b.CreateSExt(vector, wide) : b.CreateZExt(vector, wide);
}

// Whole-v128 operations: bitwise ones and any_true; nullptr for others.
llvm::Value *bitwise(Builder &b, Kind kind, std::span<llvm::Value *const> x) {
  switch (kind) {
  case Kind::Not: return b.CreateNot(x[0]);
  case Kind::And: return b.CreateAnd(x[0], x[1]);
  case Kind::Andnot: return b.CreateAnd(x[0], b.CreateNot(x[1]));
  case Kind::Or: return b.CreateOr(x[0], x[1]);
  case Kind::Xor: return b.CreateXor(x[0], x[1]);
  // bitselect(a, b, c) = (a & c) | (b & ~c)
  case Kind::Bitselect:
    return b.CreateOr(b.CreateAnd(x[0], x[2]), b.CreateAnd(x[1], b.CreateNot(x[2])));
  case Kind::AnyTrue: {
    llvm::Value *whole = b.CreateBitCast(x[0], b.getInt128Ty());
    return b.CreateZExt(b.CreateICmpNE(whole, b.getIntN(128, 0)), b.getInt32Ty());
  }
  default: return nullptr;
  }
}

// Shifts by a scalar i32 count, which wasm takes modulo the lane width (LLVM
// shifts by the width or more are poison).
llvm::Value *shift(Builder &b, Kind kind, llvm::Value *vector, llvm::Value *count) {
  llvm::Type *laneType = vector->getType()->getScalarType();
  const unsigned bits = laneType->getIntegerBitWidth();
  count = b.CreateAnd(count, b.getInt32(bits - 1));
  count = b.CreateVectorSplat(laneCount(vector), b.CreateZExtOrTrunc(count, laneType));
  switch (kind) {
  case Kind::Shl: return b.CreateShl(vector, count);
  case Kind::ShrS: return b.CreateAShr(vector, count);
  default: return b.CreateLShr(vector, count);
  }
}

// Lane arithmetic on integer lanes (the operands already in their shape);
// nullptr for other kinds.
llvm::Value *integerLanes(Builder &b, Kind kind, std::span<llvm::Value *const> x) {
  using llvm::Intrinsic::ID;
  const auto binary = [&](ID id) { return b.CreateBinaryIntrinsic(id, x[0], x[1]); };
  llvm::Type *shape = x[0]->getType();
  switch (kind) {
  case Kind::AllTrue:
    return b.CreateZExt(
        b.CreateAndReduce(b.CreateICmpNE(x[0], llvm::Constant::getNullValue(shape))),
        b.getInt32Ty());
  // The lanes' sign bits, lane 0 in bit 0: <N x i1> is an iN bit for bit.
  case Kind::Bitmask: {
    llvm::Value *signs = b.CreateICmpSLT(x[0], llvm::Constant::getNullValue(shape));
    return b.CreateZExt(b.CreateBitCast(signs, b.getIntNTy(laneCount(x[0]))), b.getInt32Ty());
  }
  // abs of the minimum value is the minimum value (is_int_min_poison = false).
  case Kind::Abs: return b.CreateIntrinsic(llvm::Intrinsic::abs, {shape}, {x[0], b.getFalse()});
  case Kind::Neg: return b.CreateNeg(x[0]);
  case Kind::Popcnt: return b.CreateUnaryIntrinsic(llvm::Intrinsic::ctpop, x[0]);
  case Kind::Add: return b.CreateAdd(x[0], x[1]);
  case Kind::Sub: return b.CreateSub(x[0], x[1]);
  case Kind::Mul: return b.CreateMul(x[0], x[1]);
  case Kind::AddSatS: return binary(llvm::Intrinsic::sadd_sat);
  case Kind::AddSatU: return binary(llvm::Intrinsic::uadd_sat);
  case Kind::SubSatS: return binary(llvm::Intrinsic::ssub_sat);
  case Kind::SubSatU: return binary(llvm::Intrinsic::usub_sat);
  case Kind::MinS: return binary(llvm::Intrinsic::smin);
  case Kind::MinU: return binary(llvm::Intrinsic::umin);
  case Kind::MaxS: return binary(llvm::Intrinsic::smax);
  case Kind::MaxU: return binary(llvm::Intrinsic::umax);
  // (a + b + 1) >> 1 without overflow, in lanes twice as wide: the form
  // LLVM recognizes as pavgb/pavgw.
  case Kind::AvgrU: {
    llvm::Value *sum = b.CreateAdd(widen(b, x[0], false), widen(b, x[1], false));
    sum = b.CreateAdd(sum, llvm::ConstantInt::get(sum->getType(), 1));
    return b.CreateTrunc(b.CreateLShr(sum, llvm::ConstantInt::get(sum->getType(), 1)), shape);
  }
  // (a * b + 0x4000) >> 15 in i32 lanes, saturated: only -0x8000 * -0x8000
  // leaves the i16 range (giving 0x8000), and only upwards.
  case Kind::Q15mulrSatS: {
    llvm::Value *product = b.CreateMul(widen(b, x[0], true), widen(b, x[1], true));
    llvm::Type *wide = product->getType();
    llvm::Value *rounded = b.CreateAShr(b.CreateAdd(product, llvm::ConstantInt::get(wide, 0x4000)),
                                        llvm::ConstantInt::get(wide, 15));
    rounded = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, rounded,
                                      llvm::ConstantInt::get(wide, 0x7fff));
    return b.CreateTrunc(rounded, shape);
  }
  default: return nullptr;
  }
}

// The widening instructions: operands in their narrow shape, the result in
// lanes twice as wide; nullptr for other kinds.
llvm::Value *widening(Builder &b, Kind kind, std::span<llvm::Value *const> x) {
  const unsigned lanes = laneCount(x[0]);
  switch (kind) {
  // Products of adjacent signed lanes, summed pairwise (pmaddwd); the one
  // overflowing sum, 2 * 0x8000 * 0x8000, wraps as wasm specifies.
  case Kind::Dot: {
    llvm::Value *product = b.CreateMul(widen(b, x[0], true), widen(b, x[1], true));
    return b.CreateAdd(halfLanes(b, product, 0, 2), halfLanes(b, product, 1, 2));
  }
  case Kind::ExtaddS:
  case Kind::ExtaddU: {
    llvm::Value *wide = widen(b, x[0], kind == Kind::ExtaddS);
    return b.CreateAdd(halfLanes(b, wide, 0, 2), halfLanes(b, wide, 1, 2));
  }
  case Kind::ExtmulLowS:
  case Kind::ExtmulHighS:
  case Kind::ExtmulLowU:
  case Kind::ExtmulHighU: {
    const bool high = kind == Kind::ExtmulHighS || kind == Kind::ExtmulHighU;
    const bool isSigned = kind == Kind::ExtmulLowS || kind == Kind::ExtmulHighS;
    const unsigned first = high ? lanes / 2 : 0;
    return b.CreateMul(widen(b, halfLanes(b, x[0], first, 1), isSigned),
                       widen(b, halfLanes(b, x[1], first, 1), isSigned));
  }
  default: return nullptr;
  }
}

// Lane arithmetic on float lanes; nullptr for other kinds. abs and neg are
// sign-bit operations in LLVM as in wasm: NaN payloads pass unchanged.
llvm::Value *floatLanes(Builder &b, Kind kind, std::span<llvm::Value *const> x) {
  using llvm::Intrinsic::ID;
  const auto unary = [&](ID id) { return b.CreateUnaryIntrinsic(id, x[0]); };
  // llvm.minimum/maximum order -0 below +0 and propagate NaN but may return
  // a signalling NaN operand unquieted; wasm requires an arithmetic NaN.
  // Lanes with a NaN take a + b instead (IEEE addition quiets), as the
  // scalar min/max do (emit_numeric.cpp).
  const auto minMax = [&](ID id) {
    llvm::Value *anyNaN = b.CreateFCmpUNO(x[0], x[1], "any.nan");
    return b.CreateSelect(anyNaN, b.CreateFAdd(x[0], x[1], "quiet.nan"),
                          b.CreateBinaryIntrinsic(id, x[0], x[1]));
  };
  switch (kind) {
  case Kind::FAbs: return unary(llvm::Intrinsic::fabs);
  case Kind::FNeg: return b.CreateFNeg(x[0]);
  case Kind::FSqrt: return unary(llvm::Intrinsic::sqrt);
  case Kind::FCeil: return unary(llvm::Intrinsic::ceil);
  case Kind::FFloor: return unary(llvm::Intrinsic::floor);
  case Kind::FTrunc: return unary(llvm::Intrinsic::trunc);
  case Kind::FNearest: return unary(llvm::Intrinsic::roundeven);
  case Kind::FAdd: return b.CreateFAdd(x[0], x[1]);
  case Kind::FSub: return b.CreateFSub(x[0], x[1]);
  case Kind::FMul: return b.CreateFMul(x[0], x[1]);
  case Kind::FDiv: return b.CreateFDiv(x[0], x[1]);
  case Kind::FMin: return minMax(llvm::Intrinsic::minimum);
  case Kind::FMax: return minMax(llvm::Intrinsic::maximum);
  // Pseudo-min/max are plain selects (x86 minps/maxps exactly): a NaN in
  // the first operand passes through as it is.
  case Kind::FPmin: return b.CreateSelect(b.CreateFCmpOLT(x[1], x[0]), x[1], x[0]);
  case Kind::FPmax: return b.CreateSelect(b.CreateFCmpOLT(x[0], x[1]), x[1], x[0]);
  default: return nullptr;
  }
}

// Whether `value` is a float vector constant with a ±0.0 or ±1.0 lane: LLVM
// (the DAG combiner even at -O0) folds x*1, x/1, x-0, x+(-0), -0-x and x*-1
// to x or -x, which would pass a signalling NaN through unquieted. The
// constant is usually a bitcast of the v128.const's <2 x i64>: its lanes are
// read from the raw bytes.
bool hasFoldableIdentity(llvm::Value *value) {
  auto *constant = llvm::dyn_cast<llvm::Constant>(value);
  if (!constant) return false;
  if (auto *cast = llvm::dyn_cast<llvm::ConstantExpr>(constant))
    if (cast->getOpcode() == llvm::Instruction::BitCast) constant = cast->getOperand(0);
  if (constant->isNullValue()) return true;
  auto *data = llvm::dyn_cast<llvm::ConstantDataVector>(constant);
  if (!data) return true; // some other constant form: hide it to be safe
  const llvm::StringRef bytes = data->getRawDataValues();
  const bool isDouble = value->getType()->getScalarType()->isDoubleTy();
  const std::size_t width = isDouble ? 8 : 4;
  for (std::size_t offset = 0; offset + width <= bytes.size(); offset += width) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, bytes.data() + offset, width); // little-endian host and target
    const std::uint64_t magnitude = bits & (isDouble ? ~(1ull << 63) : 0x7fffffffull);
    if (magnitude == 0 || magnitude == (isDouble ? 0x3ff0000000000000ull : 0x3f800000ull))
      return true;
  }
  return false;
}

bool isFloatArithmetic(Kind kind) {
  return kind == Kind::FAdd || kind == Kind::FSub || kind == Kind::FMul || kind == Kind::FDiv;
}

} // namespace

void FunctionLowering::emitSimdArith(const Instr &in) {
  const std::optional<ArithOp> op = arithOp(in.op);
  if (!op) unsupported(in, "SIMD instruction '" + std::string(name(in.op)) + "'");
  llvm::FixedVectorType *shape = simdShape(op->laneBits, op->isFloat);
  // Operands in their shape; a shift's count stays the scalar i32.
  std::size_t count = 1;
  switch (info(in.op).sig) {
  case Sig::x_xx:
  case Sig::x_xi: count = 2; break;
  case Sig::x_xxx: count = 3; break;
  default: break;
  }
  std::vector<llvm::Value *> x = popValues(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!x[i]->getType()->isVectorTy()) continue;
    x[i] = builder_.CreateBitCast(x[i], shape);
    // A constant operand with an identity lane is hidden from the optimizer
    // (see hasFoldableIdentity), as emitConst does for scalars.
    if (isFloatArithmetic(op->kind) && hasFoldableIdentity(x[i])) x[i] = opaqueV128(x[i]);
  }
  llvm::Value *result = nullptr;
  if (op->kind == Kind::Shl || op->kind == Kind::ShrS || op->kind == Kind::ShrU) {
    result = shift(builder_, op->kind, x[0], x[1]);
  } else if (!(result = bitwise(builder_, op->kind, x)) &&
             !(result = integerLanes(builder_, op->kind, x)) &&
             !(result = widening(builder_, op->kind, x))) {
    result = floatLanes(builder_, op->kind, x);
  }
  if (!result) unsupported(in, "SIMD instruction '" + std::string(name(in.op)) + "'");
  if (result->getType()->isVectorTy()) {
    pushSimd(result);
  } else {
    push(result);
  }
}

} // namespace waot::frontend::lower
