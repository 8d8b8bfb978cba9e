// Compiling the parts of a partitioned wasm module (frontend::ModulePartition)
// to object files, each part on its own LLVMContext and TargetMachine, on a
// pool of threads.
#pragma once

#include "target.hpp"

#include "waot/frontend/lower.hpp"
#include "waot/frontend/module.hpp"

#include <cstddef>
#include <vector>

namespace waot::codegen {

struct PartsBuild {
  const frontend::Module &wasm; // decoded and validated
  const frontend::ModulePartition &partition;
  const TargetSelection &target;
  const frontend::LowerOptions &lowerOptions;
  unsigned optLevel = 2;
};

// Lowers, optimizes and emits part `partIndex` as a relocatable object. Uses
// only objects of its own (context, module, machine), which it frees before
// returning, so it may run on any thread concurrently with other parts.
std::vector<char> compilePartToObject(const PartsBuild &build, std::size_t partIndex);

// Every part's object, in part (link) order, compiled on up to `threads`
// threads (at least one). Each object depends only on its part, never on the
// thread that compiled it. The first error (by part number) is rethrown.
std::vector<std::vector<char>> compilePartsToObjects(const PartsBuild &build, unsigned threads);

} // namespace waot::codegen
