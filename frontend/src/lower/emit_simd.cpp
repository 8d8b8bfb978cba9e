// SIMD (0xFD) lowering: the v128 representation and v128.const. A v128 is
// <2 x i64> wherever it is stored or passed (ModuleEnv::type); an
// instruction bitcasts it to the shape it works on and back, which costs
// nothing (the bits stay in one vector register).
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>
#include <llvm/IR/InlineAsm.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace waot::frontend::lower {

llvm::FixedVectorType *FunctionLowering::simdShape(unsigned laneBits, bool isFloat) const {
  llvm::Type *lane = isFloat ? (laneBits == 32 ? llvm::Type::getFloatTy(env_.context)
                                               : llvm::Type::getDoubleTy(env_.context))
                             : llvm::Type::getIntNTy(env_.context, laneBits);
  return llvm::FixedVectorType::get(lane, 128 / laneBits);
}

llvm::FixedVectorType *FunctionLowering::v128Type() const { return simdShape(64); }

llvm::Value *FunctionLowering::popSimd(llvm::FixedVectorType *shape) {
  return builder_.CreateBitCast(pop(), shape);
}

llvm::Value *FunctionLowering::asV128(llvm::Value *vector) {
  return builder_.CreateBitCast(vector, v128Type());
}

void FunctionLowering::pushSimd(llvm::Value *vector) { push(asV128(vector)); }

llvm::Value *FunctionLowering::opaqueV128(llvm::Value *vector) {
  // An identity asm without side effects or memory (see opaqueFloat); where
  // the target has no vector register constraint, per 64-bit half.
  llvm::Value *halves = builder_.CreateBitCast(vector, v128Type());
  const auto identity = [&](llvm::Value *operand, const char *reg) {
    llvm::FunctionType *asmType =
        llvm::FunctionType::get(operand->getType(), {operand->getType()}, false);
    llvm::InlineAsm *code =
        llvm::InlineAsm::get(asmType, "", std::string("=").append(reg).append(",0"),
                             /*hasSideEffects=*/false);
    llvm::CallInst *call = builder_.CreateCall(asmType, code, {operand}, "opaque");
    call->setDoesNotThrow();
    call->setMemoryEffects(llvm::MemoryEffects::none());
    return call;
  };
  llvm::Value *result = halves;
  if (const char *reg = vectorRegisterConstraint()) {
    result = identity(halves, reg);
  } else {
    for (std::uint64_t half : {0u, 1u})
      result = builder_.CreateInsertElement(
          result, identity(builder_.CreateExtractElement(halves, half), "r"), half);
  }
  return builder_.CreateBitCast(result, vector->getType());
}

namespace {

// Whether a v128.const has a lane that reads as the float ±1.0 or -0.0 (as
// f32 or as f64 lanes): hidden where it is made, since it may reach float
// arithmetic through a local, where the arithmetic's own check
// (emit_simd_arith.cpp) no longer sees a constant. An all-+0.0 lane is not
// hidden here (zero lanes are everywhere in integer code); a direct +0.0
// operand is caught at the arithmetic.
bool hasIdentityLane(const std::array<std::uint8_t, 16> &bytes) {
  for (std::size_t at = 0; at < 16; at += 4) {
    std::uint32_t lane;
    std::memcpy(&lane, bytes.data() + at, 4);
    if ((lane & 0x7fffffffu) == 0x3f800000u || lane == 0x80000000u) return true;
  }
  for (std::size_t at = 0; at < 16; at += 8) {
    std::uint64_t lane;
    std::memcpy(&lane, bytes.data() + at, 8);
    if ((lane & ~(1ull << 63)) == 0x3ff0000000000000ull || lane == (1ull << 63)) return true;
  }
  return false;
}

} // namespace

void FunctionLowering::emitSimdConst(const Instr &in) {
  if (in.op != Opcode::V128Const)
    unsupported(in, "SIMD constant '" + std::string(name(in.op)) + "'");
  std::uint64_t halves[2];
  std::memcpy(halves, in.v128.data(), sizeof halves);
  llvm::Value *constant =
      llvm::ConstantDataVector::get(env_.context, llvm::ArrayRef<std::uint64_t>(halves, 2));
  push(hasIdentityLane(in.v128) ? opaqueV128(constant) : constant);
}

} // namespace waot::frontend::lower
