// Removing empty inline asm that can no longer keep anything alive.
#pragma once

#include <llvm/IR/PassManager.h>

namespace llvm {
class CallBase;
class Function;
class Instruction;
} // namespace llvm

namespace waot::codegen {

// Whether `instruction` calls an empty, side-effecting inline asm that only
// reads its operands (no outputs, clobbers or indirect operands): the
// frontend's way of keeping values computed (wasm itself has no inline asm).
bool isKeepAliveAsm(const llvm::Instruction &instruction);

// Deletes calls of empty, side-effecting inline asm whose operands are all
// constants and that has no outputs and no clobbers. The frontend emits such
// asm only to use values that must stay computed (a load that must trap, the
// load sums before a call); once the optimizer has folded those values to
// constants (a sum that is provably zero at a call, because the function's
// summing loops cannot reach it), the asm does nothing but stand in the back
// end's way as a scheduling barrier and an instruction to select. Run after
// the optimizer, so that nothing it keeps alive can still disappear.
struct DropInertAsmPass : llvm::PassInfoMixin<DropInertAsmPass> {
  llvm::PreservedAnalyses run(llvm::Function &function, llvm::FunctionAnalysisManager &analyses);
  // Also on functions compiled without optimization (optnone).
  static bool isRequired() { return true; }
};

} // namespace waot::codegen
