// Numeric instructions: constants, comparisons and arithmetic.
//
// Integer arithmetic wraps (no nsw/nuw); division and remainder carry the
// explicit checks wasm requires because LLVM leaves those cases undefined.
// Floating point uses plain IEEE instructions and intrinsics: no fast-math
// flags, no constrained intrinsics, nothing that would allow contraction.
#include "function_lowering.hpp"

#include <llvm/ADT/APFloat.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Intrinsics.h>

#include <optional>

namespace waot::frontend::lower {
namespace {

std::optional<llvm::CmpInst::Predicate> comparePredicate(Opcode op) {
  using P = llvm::CmpInst::Predicate;
  switch (op) {
  case Opcode::I32Eq:
  case Opcode::I64Eq: return P::ICMP_EQ;
  case Opcode::I32Ne:
  case Opcode::I64Ne: return P::ICMP_NE;
  case Opcode::I32LtS:
  case Opcode::I64LtS: return P::ICMP_SLT;
  case Opcode::I32LtU:
  case Opcode::I64LtU: return P::ICMP_ULT;
  case Opcode::I32GtS:
  case Opcode::I64GtS: return P::ICMP_SGT;
  case Opcode::I32GtU:
  case Opcode::I64GtU: return P::ICMP_UGT;
  case Opcode::I32LeS:
  case Opcode::I64LeS: return P::ICMP_SLE;
  case Opcode::I32LeU:
  case Opcode::I64LeU: return P::ICMP_ULE;
  case Opcode::I32GeS:
  case Opcode::I64GeS: return P::ICMP_SGE;
  case Opcode::I32GeU:
  case Opcode::I64GeU: return P::ICMP_UGE;
  // Ordered comparisons are false on NaN; `ne` is the one that is true.
  case Opcode::F32Eq:
  case Opcode::F64Eq: return P::FCMP_OEQ;
  case Opcode::F32Ne:
  case Opcode::F64Ne: return P::FCMP_UNE;
  case Opcode::F32Lt:
  case Opcode::F64Lt: return P::FCMP_OLT;
  case Opcode::F32Gt:
  case Opcode::F64Gt: return P::FCMP_OGT;
  case Opcode::F32Le:
  case Opcode::F64Le: return P::FCMP_OLE;
  case Opcode::F32Ge:
  case Opcode::F64Ge: return P::FCMP_OGE;
  default: return std::nullopt;
  }
}

bool isUnary(Sig sig) {
  return sig == Sig::i_i || sig == Sig::l_l || sig == Sig::f_f || sig == Sig::d_d;
}

// Unary arithmetic; nullptr when `op` is not one.
llvm::Value *emitUnaryArith(llvm::IRBuilder<> &b, Opcode op, llvm::Value *x) {
  llvm::Type *type = x->getType();
  const auto intrinsic = [&](llvm::Intrinsic::ID id) { return b.CreateUnaryIntrinsic(id, x); };
  switch (op) {
  // is_zero_poison = false: wasm defines clz(0) = ctz(0) = bit width.
  case Opcode::I32Clz:
  case Opcode::I64Clz: return b.CreateIntrinsic(llvm::Intrinsic::ctlz, {type}, {x, b.getFalse()});
  case Opcode::I32Ctz:
  case Opcode::I64Ctz: return b.CreateIntrinsic(llvm::Intrinsic::cttz, {type}, {x, b.getFalse()});
  case Opcode::I32Popcnt:
  case Opcode::I64Popcnt: return intrinsic(llvm::Intrinsic::ctpop);
  case Opcode::F32Abs:
  case Opcode::F64Abs: return intrinsic(llvm::Intrinsic::fabs);
  case Opcode::F32Neg:
  case Opcode::F64Neg: return b.CreateFNeg(x);
  case Opcode::F32Ceil:
  case Opcode::F64Ceil: return intrinsic(llvm::Intrinsic::ceil);
  case Opcode::F32Floor:
  case Opcode::F64Floor: return intrinsic(llvm::Intrinsic::floor);
  case Opcode::F32Trunc:
  case Opcode::F64Trunc: return intrinsic(llvm::Intrinsic::trunc);
  // Round half to even, without raising the inexact exception (which wasm
  // cannot observe anyway).
  case Opcode::F32Nearest:
  case Opcode::F64Nearest: return intrinsic(llvm::Intrinsic::roundeven);
  case Opcode::F32Sqrt:
  case Opcode::F64Sqrt: return intrinsic(llvm::Intrinsic::sqrt);
  default: return nullptr;
  }
}

// Binary arithmetic other than division/remainder; nullptr when `op` is not one.
llvm::Value *emitBinaryArith(llvm::IRBuilder<> &b, Opcode op, llvm::Value *lhs, llvm::Value *rhs) {
  llvm::Type *type = lhs->getType();
  // Shift counts are taken modulo the bit width; LLVM shifts by >= width are poison.
  const auto shiftCount = [&] {
    return b.CreateAnd(rhs, llvm::ConstantInt::get(type, type->getIntegerBitWidth() - 1));
  };
  const auto intrinsic = [&](llvm::Intrinsic::ID id) {
    return b.CreateBinaryIntrinsic(id, lhs, rhs);
  };
  // llvm.minimum/maximum order -0 below +0 and propagate NaN, but may return
  // a signalling NaN operand as it is; wasm requires a quiet (arithmetic)
  // NaN. When either operand is NaN, answer lhs + rhs instead: IEEE addition
  // of a NaN yields a quiet NaN.
  const auto minMax = [&](llvm::Intrinsic::ID id) {
    llvm::Value *ordered = intrinsic(id);
    llvm::Value *anyNaN = b.CreateFCmpUNO(lhs, rhs, "any.nan");
    return b.CreateSelect(anyNaN, b.CreateFAdd(lhs, rhs, "quiet.nan"), ordered);
  };
  switch (op) {
  case Opcode::I32Add:
  case Opcode::I64Add: return b.CreateAdd(lhs, rhs);
  case Opcode::I32Sub:
  case Opcode::I64Sub: return b.CreateSub(lhs, rhs);
  case Opcode::I32Mul:
  case Opcode::I64Mul: return b.CreateMul(lhs, rhs);
  case Opcode::I32And:
  case Opcode::I64And: return b.CreateAnd(lhs, rhs);
  case Opcode::I32Or:
  case Opcode::I64Or: return b.CreateOr(lhs, rhs);
  case Opcode::I32Xor:
  case Opcode::I64Xor: return b.CreateXor(lhs, rhs);
  case Opcode::I32Shl:
  case Opcode::I64Shl: return b.CreateShl(lhs, shiftCount());
  case Opcode::I32ShrS:
  case Opcode::I64ShrS: return b.CreateAShr(lhs, shiftCount());
  case Opcode::I32ShrU:
  case Opcode::I64ShrU: return b.CreateLShr(lhs, shiftCount());
  // Funnel shifts of a value with itself are rotations; they take the count
  // modulo the width themselves.
  case Opcode::I32Rotl:
  case Opcode::I64Rotl: return b.CreateIntrinsic(llvm::Intrinsic::fshl, {type}, {lhs, lhs, rhs});
  case Opcode::I32Rotr:
  case Opcode::I64Rotr: return b.CreateIntrinsic(llvm::Intrinsic::fshr, {type}, {lhs, lhs, rhs});
  case Opcode::F32Add:
  case Opcode::F64Add: return b.CreateFAdd(lhs, rhs);
  case Opcode::F32Sub:
  case Opcode::F64Sub: return b.CreateFSub(lhs, rhs);
  case Opcode::F32Mul:
  case Opcode::F64Mul: return b.CreateFMul(lhs, rhs);
  case Opcode::F32Div:
  case Opcode::F64Div: return b.CreateFDiv(lhs, rhs);
  case Opcode::F32Min:
  case Opcode::F64Min: return minMax(llvm::Intrinsic::minimum);
  case Opcode::F32Max:
  case Opcode::F64Max: return minMax(llvm::Intrinsic::maximum);
  case Opcode::F32Copysign:
  case Opcode::F64Copysign: return intrinsic(llvm::Intrinsic::copysign);
  default: return nullptr;
  }
}

bool isIntegerDivision(Opcode op) {
  switch (op) {
  case Opcode::I32DivS:
  case Opcode::I32DivU:
  case Opcode::I32RemS:
  case Opcode::I32RemU:
  case Opcode::I64DivS:
  case Opcode::I64DivU:
  case Opcode::I64RemS:
  case Opcode::I64RemU: return true;
  default: return false;
  }
}

} // namespace

namespace {

// ±0.0 and ±1.0: with them LLVM folds x*1, x/1, x+(-0), x-0, -0-x and x*-1
// to x or -x, which passes a signalling NaN through unquieted, while wasm
// requires an arithmetic (quiet) NaN from those operations.
bool isFoldableIdentity(const llvm::APFloat &value) {
  return value.isZero() || (value.isExactlyValue(1.0) || value.isExactlyValue(-1.0));
}

} // namespace

void FunctionLowering::emitConst(const Instr &in) {
  const auto pushFloat = [&](const llvm::fltSemantics &semantics, unsigned bits) {
    // From the bit pattern, so NaN payloads survive exactly.
    const llvm::APFloat value(semantics, llvm::APInt(bits, in.bits));
    llvm::Value *constant = llvm::ConstantFP::get(env_.context, value);
    // Identity constants are hidden from the optimizer where they are made,
    // so that they stay opaque through locals too (costs one register move).
    push(isFoldableIdentity(value) ? opaqueFloat(constant) : constant);
  };
  switch (in.op) {
  case Opcode::I32Const: push(builder_.getInt32(static_cast<std::uint32_t>(in.bits))); return;
  case Opcode::I64Const: push(builder_.getInt64(in.bits)); return;
  case Opcode::F32Const: pushFloat(llvm::APFloat::IEEEsingle(), 32); return;
  case Opcode::F64Const: pushFloat(llvm::APFloat::IEEEdouble(), 64); return;
  default: break;
  }
  unsupported(in, "constant instruction '" + std::string(name(in.op)) + "'");
}

void FunctionLowering::emitCompare(const Instr &in) {
  if (in.op == Opcode::I32Eqz || in.op == Opcode::I64Eqz) {
    llvm::Value *x = pop();
    push(boolToI32(builder_.CreateICmpEQ(x, llvm::ConstantInt::get(x->getType(), 0))));
    return;
  }
  const std::optional<llvm::CmpInst::Predicate> predicate = comparePredicate(in.op);
  if (!predicate) unsupported(in, "comparison '" + std::string(name(in.op)) + "'");
  llvm::Value *rhs = pop();
  llvm::Value *lhs = pop();
  push(boolToI32(builder_.CreateCmp(*predicate, lhs, rhs)));
}

void FunctionLowering::emitArith(const Instr &in) {
  if (isUnary(info(in.op).sig)) {
    llvm::Value *x = pop();
    llvm::Value *result = emitUnaryArith(builder_, in.op, x);
    if (result == nullptr) unsupported(in, "arithmetic '" + std::string(name(in.op)) + "'");
    push(result);
    return;
  }
  llvm::Value *rhs = pop();
  llvm::Value *lhs = pop();
  llvm::Value *result = isIntegerDivision(in.op) ? emitIntegerDivision(in, lhs, rhs)
                                                 : emitBinaryArith(builder_, in.op, lhs, rhs);
  if (result == nullptr) unsupported(in, "arithmetic '" + std::string(name(in.op)) + "'");
  push(result);
}

llvm::Value *FunctionLowering::emitIntegerDivision(const Instr &in, llvm::Value *lhs,
                                                   llvm::Value *rhs) {
  llvm::Type *type = lhs->getType();
  const unsigned bits = type->getIntegerBitWidth();
  llvm::Value *minusOne = llvm::ConstantInt::getSigned(type, -1);
  trapIf(builder_.CreateICmpEQ(rhs, llvm::ConstantInt::get(type, 0)),
         WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO);
  switch (in.op) {
  case Opcode::I32DivU:
  case Opcode::I64DivU: return builder_.CreateUDiv(lhs, rhs);
  case Opcode::I32RemU:
  case Opcode::I64RemU: return builder_.CreateURem(lhs, rhs);
  case Opcode::I32DivS:
  case Opcode::I64DivS: {
    // INT_MIN / -1 does not fit: wasm traps, LLVM's sdiv would be undefined.
    llvm::Value *intMin = llvm::ConstantInt::get(type, llvm::APInt::getSignedMinValue(bits));
    llvm::Value *overflow = builder_.CreateAnd(builder_.CreateICmpEQ(lhs, intMin),
                                               builder_.CreateICmpEQ(rhs, minusOne));
    trapIf(overflow, WAOT_TRAP_INTEGER_OVERFLOW);
    return builder_.CreateSDiv(lhs, rhs);
  }
  case Opcode::I32RemS:
  case Opcode::I64RemS: {
    // wasm defines INT_MIN % -1 = 0, but srem on it is undefined (and faults
    // on x86). x % -1 == x % 1 == 0 for every x, so divide by 1 instead:
    // branch-free and never the overflowing case.
    llvm::Value *safeRhs = builder_.CreateSelect(builder_.CreateICmpEQ(rhs, minusOne),
                                                 llvm::ConstantInt::get(type, 1), rhs);
    return builder_.CreateSRem(lhs, safeRhs);
  }
  default: break;
  }
  unsupported(in, "division '" + std::string(name(in.op)) + "'");
}

} // namespace waot::frontend::lower
