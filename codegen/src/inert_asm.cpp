#include "inert_asm.hpp"

#include <llvm/ADT/STLExtras.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>

namespace waot::codegen {

bool isKeepAliveAsm(const llvm::Instruction &instruction) {
  const auto *call = llvm::dyn_cast<llvm::CallInst>(&instruction);
  if (call == nullptr || !call->getType()->isVoidTy()) return false;
  const auto *inlineAsm = llvm::dyn_cast<llvm::InlineAsm>(call->getCalledOperand());
  if (inlineAsm == nullptr || !inlineAsm->getAsmString().empty()) return false;
  if (!inlineAsm->hasSideEffects()) return false;
  // Inputs only: no outputs ('='), no clobbers ('~'), no indirect operands ('*').
  return inlineAsm->getConstraintString().find_first_of("=~*") == std::string::npos;
}

namespace {

bool isInertAsmCall(const llvm::Instruction &instruction) {
  if (!isKeepAliveAsm(instruction)) return false;
  const auto &call = llvm::cast<llvm::CallInst>(instruction);
  return llvm::all_of(call.args(), [](const llvm::Use &arg) {
    return llvm::isa<llvm::ConstantInt, llvm::ConstantFP>(arg.get());
  });
}

} // namespace

llvm::PreservedAnalyses DropInertAsmPass::run(llvm::Function &function,
                                              llvm::FunctionAnalysisManager &) {
  bool changed = false;
  for (llvm::BasicBlock &block : function)
    for (llvm::Instruction &instruction : llvm::make_early_inc_range(block))
      if (isInertAsmCall(instruction)) {
        instruction.eraseFromParent();
        changed = true;
      }
  if (!changed) return llvm::PreservedAnalyses::all();
  llvm::PreservedAnalyses preserved;
  preserved.preserveSet<llvm::CFGAnalyses>();
  return preserved;
}

} // namespace waot::codegen
