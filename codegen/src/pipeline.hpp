// IR verification and the new-pass-manager optimization pipeline.
#pragma once

#include <string_view>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace waot::codegen {

// Runs the IR verifier. Broken IR is a compiler bug, never the user's fault:
// throws waot::Error("internal compiler error: invalid LLVM IR <stage>: ...").
void verifyModuleOrThrow(const llvm::Module &module, std::string_view stage);

// Runs LLVM's default per-module pipeline for -O<optLevel> (O0: the O0
// pipeline, which keeps code as lowered) with the machine's target analyses.
// The module must be bound to `machine` (bindModuleToTarget). Each call uses
// its own analysis managers, so different modules may be optimized on
// different threads (each with its own LLVMContext and TargetMachine).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel);

} // namespace waot::codegen
