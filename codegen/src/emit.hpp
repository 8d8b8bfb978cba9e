// Output of an optimized module: textual IR, target assembly, or an object file.
#pragma once

#include <string>
#include <vector>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace waot::codegen {

// The module as textual LLVM IR.
std::string printModuleIR(const llvm::Module &module);

// Runs the machine-code pipeline into memory. The module must be bound to
// `machine` and is consumed in the sense that codegen passes rewrite it: emit
// once per module. Back-end errors (reported through LLVM diagnostics) throw
// waot::Error. Safe to run concurrently on distinct modules/contexts/machines.
std::vector<char> emitObject(llvm::Module &module, llvm::TargetMachine &machine);
std::string emitAssembly(llvm::Module &module, llvm::TargetMachine &machine);

} // namespace waot::codegen
