// SIMD (0xFD) lowering: the v128 representation and v128.const. A v128 is
// <2 x i64> wherever it is stored or passed (ModuleEnv::type); an
// instruction bitcasts it to the shape it works on and back, which costs
// nothing (the bits stay in one vector register).
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>

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

void FunctionLowering::emitSimdConst(const Instr &in) {
  if (in.op != Opcode::V128Const)
    unsupported(in, "SIMD constant '" + std::string(name(in.op)) + "'");
  std::uint64_t halves[2];
  std::memcpy(halves, in.v128.data(), sizeof halves);
  push(llvm::ConstantDataVector::get(env_.context, llvm::ArrayRef<std::uint64_t>(halves, 2)));
}

} // namespace waot::frontend::lower
