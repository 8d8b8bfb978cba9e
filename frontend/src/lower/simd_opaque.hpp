// A SIMD value the optimizer cannot see through, for the float identity
// constants (±0.0, ±1.0 lanes) LLVM would otherwise fold away together with
// the quieting of a signalling NaN (x*1, x/1, x-0, x+(-0), x*-1).
#pragma once

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/TargetParser/Triple.h>

namespace waot::frontend::lower {

// `vector` through an empty asm in a vector register (one register move at
// most). Left visible on targets without a known vector register constraint.
inline llvm::Value *opaqueVector(llvm::IRBuilder<> &b, llvm::Value *vector,
                                 const llvm::Triple &triple) {
  const char *constraints = triple.getArch() == llvm::Triple::x86_64 ? "=x,0"
                            : triple.isAArch64()                     ? "=w,0"
                                                                     : nullptr;
  if (!constraints) return vector;
  auto *type = llvm::FunctionType::get(vector->getType(), {vector->getType()}, false);
  llvm::CallInst *call =
      b.CreateCall(type, llvm::InlineAsm::get(type, "", constraints, false), {vector}, "opaque");
  call->setDoesNotThrow();
  call->setMemoryEffects(llvm::MemoryEffects::none());
  return call;
}

} // namespace waot::frontend::lower
