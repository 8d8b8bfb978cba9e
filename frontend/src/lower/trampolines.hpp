// Per-signature glue between the generic slot-based calling convention the
// runtime uses (abi.h: waot_entry_fn, waot_host_binding) and the wasm calling
// convention of compiled code.
#pragma once

#include "module_env.hpp"

#include <llvm/IR/Function.h>

#include <vector>

namespace waot::frontend::lower {

struct TypeTrampolines {
  // Indexed by module type index. Type indices with identical signatures share
  // one function (named after the first such index).
  std::vector<llvm::Function *> entries;      // void (ptr ctx, ptr code, ptr slots)
  std::vector<llvm::Function *> hostAdapters; // env.functionTypes[t], ctx = waot_host_binding *
  // Per defined function: the ordinary-convention wrapper of a tailcc
  // function whose address the artifact records (abi.h: waot_func.code when
  // tail_code is set), else null.
  std::vector<llvm::Function *> ordinaryEntries;
};

// Attributes every function waot generates carries: no unwinding through
// generated frames (traps longjmp, host exceptions are caught by the runtime),
// and inline stack probes so that a large frame cannot jump over the guard page.
void applyGeneratedCodeAttributes(llvm::Function &function);

// Emits the entry trampoline and the host adapter of every module type, and
// the ordinary entries of recorded tailcc functions.
TypeTrampolines emitTrampolines(ModuleEnv &env);

// An ordinary (non-tail) call of `callee`, a tailcc function of type
// `typeIndex`, with `args` (the context first): passes `resultBuffer` (an
// alloca of env.resultType) when the type returns through a pointer, and
// gives the results as an ordinary call would (nothing, T, or a struct).
llvm::Value *callTailConvention(ModuleEnv &env, llvm::IRBuilderBase &builder,
                                std::uint32_t typeIndex, llvm::Value *callee,
                                llvm::ArrayRef<llvm::Value *> args, llvm::Value *resultBuffer);

} // namespace waot::frontend::lower
