// Compiling the parts of a partitioned wasm module (frontend::ModulePartition)
// to object files, each part on its own LLVMContext and TargetMachine, on a
// pool of threads.
#pragma once

#include "target.hpp"

#include "waot/frontend/lower.hpp"
#include "waot/frontend/module.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace waot::codegen {

struct PartsBuild {
  const frontend::Module &wasm; // decoded and validated
  const frontend::ModulePartition &partition;
  const TargetSelection &target;
  const frontend::LowerOptions &lowerOptions;
  unsigned optLevel = 2;
  // Reports parts done (may be empty); see CompileOptions::progress.
  const std::function<void(std::size_t, std::size_t)> *progress = nullptr;
};

// Lowers part `partIndex` into `context`, verifies it and runs the optimizer
// for `machine`: the one path from wasm to optimized IR, for a part of a split
// module and for a whole module (a one-part partition) alike.
std::unique_ptr<llvm::Module> lowerAndOptimizePart(const PartsBuild &build, std::size_t partIndex,
                                                   llvm::LLVMContext &context,
                                                   llvm::TargetMachine &machine);

// Lowers, optimizes and emits part `partIndex` as a relocatable object. Uses
// only objects of its own (context, module, machine), which it frees before
// returning, so it may run on any thread concurrently with other parts.
std::vector<char> compilePartToObject(const PartsBuild &build, std::size_t partIndex);

// Every part's object, in part (link) order, compiled on up to `threads`
// threads (at least one). Each object depends only on its part, never on the
// thread that compiled it. The first error (by part number) is rethrown.
std::vector<std::vector<char>> compilePartsToObjects(const PartsBuild &build, unsigned threads);

} // namespace waot::codegen
