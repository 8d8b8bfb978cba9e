// Dropping the keep-alive uses of loads that the back end must keep anyway.
#pragma once

#include <llvm/IR/PassManager.h>

namespace llvm {
class Function;
} // namespace llvm

namespace waot::codegen {

// The frontend keeps every wasm load from being deleted, because it must trap
// when out of bounds even if its value is unused (see
// frontend/src/lower/emit_load_keepalive.cpp): loads in call-free innermost
// loops add their bits to running sums that an empty asm reads, every other
// load is read by an empty asm of its own. After the optimizer most of those
// loads have real uses, and the keep-alive then only costs: an add per load
// and a register in hot loops, an asm the back end must select and schedule
// around elsewhere.
//
// This pass removes the keep-alive use of a load (a vector load: when every
// lane stays needed, see the .cpp) when the back end can
// neither delete the load, move it out of its block, nor narrow it so that it
// no longer reads its last byte (the byte whose address decides the trap):
//  - the load reads one byte, or a real use needs all of its bits (a
//    comparison, a floating-point operation or conversion);
//  - that use is in the load's block and leads, inside the block, to an
//    instruction that stays there: one with an effect (store, call, branch,
//    return) or the operand of a phi for an edge leaving the block;
//  - and its value reaches an instruction with an effect at all (within a
//    bounded search; otherwise the keep-alive stays).
// A removed sum term becomes zero; sums that become zero everywhere are
// deleted, and DropInertAsmPass then deletes asm left reading only constants.
// Run after the optimizer (nothing it does may follow) and before
// DropInertAsmPass.
struct DropRedundantKeepAlivesPass : llvm::PassInfoMixin<DropRedundantKeepAlivesPass> {
  llvm::PreservedAnalyses run(llvm::Function &function, llvm::FunctionAnalysisManager &analyses);
  // Also on functions compiled without optimization (optnone).
  static bool isRequired() { return true; }
};

} // namespace waot::codegen
