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
};

// Attributes every function waot generates carries: no unwinding through
// generated frames (traps longjmp, host exceptions are caught by the runtime),
// and inline stack probes so that a large frame cannot jump over the guard page.
void applyGeneratedCodeAttributes(llvm::Function &function);

// Emits the entry trampoline and the host adapter of every module type.
TypeTrampolines emitTrampolines(ModuleEnv &env);

} // namespace waot::frontend::lower
