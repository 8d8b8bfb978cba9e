// The loop checks of interruptible code, inserted after the optimizer.
#pragma once

#include <llvm/IR/PassManager.h>

namespace llvm {
class Function;
} // namespace llvm

namespace waot::codegen {

// Interruptible code (functions the frontend marks with
// frontend::kInterruptibleAttribute) must notice Instance::interrupt in every
// loop. The frontend checks at the entry of functions that call; this pass
// puts the same check (an atomic load of the context's interrupt_requested
// word, and a cold call of the check_interrupt builtin when it is set) at the
// head of every cycle of the final control flow: at the target of each
// retreating edge of a depth-first walk, which every cycle, reducible or not,
// contains. Run last (after the vectorizers and unrolling): a check inside a
// loop would keep it from vectorizing, and once per vector or unrolled
// iteration is all a runaway loop needs.
struct InsertInterruptChecksPass : llvm::PassInfoMixin<InsertInterruptChecksPass> {
  llvm::PreservedAnalyses run(llvm::Function &function, llvm::FunctionAnalysisManager &analyses);
  // Also on functions compiled without optimization (optnone).
  static bool isRequired() { return true; }
};

} // namespace waot::codegen
