// Target selection and TargetMachine creation.
#pragma once

#include "waot/codegen/compiler.hpp"

#include <memory>
#include <string>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace waot::codegen {

// What code is generated for, after defaults are resolved and names checked.
struct TargetSelection {
  std::string triple;   // normalized LLVM triple
  std::string cpu;      // LLVM CPU name
  std::string features; // LLVM feature string ("+a,-b,..."), recorded in the artifact
};

// Resolves the triple (empty: the default triple), the CPU (empty: the host
// CPU with its detected features when the triple targets the host's
// architecture, "generic" otherwise) and appends `options.features`.
// Throws waot::Error for an unknown triple, CPU or feature.
TargetSelection selectTarget(const CompileOptions &options);

// Throws waot::Error unless 0 <= optLevel <= 3.
void checkOptLevel(unsigned optLevel);

// A position-independent TargetMachine with IEEE-exact floating point (no FMA
// contraction, no unsafe math, no flush-to-zero) as wasm requires.
// A TargetMachine is not shared between threads: create one per thread.
std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSelection &target,
                                                         unsigned optLevel);

// Gives `module` the machine's triple and data layout. A module whose data
// layout was set for another target is an internal error (waot::Error).
void bindModuleToTarget(llvm::Module &module, const llvm::TargetMachine &machine);

} // namespace waot::codegen
