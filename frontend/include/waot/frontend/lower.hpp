// Lowering of a validated module to LLVM IR (the frontend's LLVM half).
#pragma once

#include "waot/frontend/module.hpp"

#include <memory>
#include <string>

namespace llvm {
class LLVMContext;
class Module;
class DataLayout;
} // namespace llvm

namespace waot::frontend {

struct LowerOptions {
  std::string targetTriple;  // recorded in the module and the artifact
  std::string cpuFeatures;   // recorded in the artifact (LLVM feature string)
  std::string producer = "waot";
};

// Produces one LLVM module holding every defined function (wasm calling
// convention), the per-type entry trampolines and host adapters, and the
// artifact descriptor `waot_artifact_v1` (see runtime-lib/include/waot/abi.h).
// `module` must have passed validateModule().
std::unique_ptr<llvm::Module> lowerModule(const Module &module, llvm::LLVMContext &context,
                                          const llvm::DataLayout &dataLayout,
                                          const LowerOptions &options);

} // namespace waot::frontend
