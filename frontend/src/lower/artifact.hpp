// The artifact descriptor (abi.h: waot_artifact) and the plain-data arrays it
// points to, emitted as LLVM constants so that the compiled shared library
// describes itself to the runtime.
#pragma once

#include "module_env.hpp"
#include "trampolines.hpp"

#include "waot/frontend/lower.hpp"

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/GlobalVariable.h>

namespace waot::frontend::lower {

// LLVM mirrors of the descriptor structs of abi.h, field for field (reserved
// padding arrays included), so that the target DataLayout reproduces the C
// layout. The unit tests pin every size and offset against the C header.
struct AbiTypes {
  llvm::StructType *functypeDesc; // waot_functype_desc
  llvm::StructType *limitsDesc;   // waot_limits_desc
  llvm::StructType *constExpr;    // waot_const_expr
  llvm::StructType *importDesc;   // waot_import_desc
  llvm::StructType *exportDesc;   // waot_export_desc
  llvm::StructType *functionDesc; // waot_function_desc
  llvm::StructType *tableDesc;    // waot_table_desc
  llvm::StructType *memoryDesc;   // waot_memory_desc
  llvm::StructType *globalDesc;   // waot_global_desc
  llvm::StructType *dataDesc;     // waot_data_desc
  llvm::StructType *elemDesc;     // waot_elem_desc
  llvm::StructType *artifact;     // waot_artifact

  // The mirrors are named struct types, created once per LLVMContext.
  static AbiTypes get(llvm::LLVMContext &context);
};

// Emits `waot_artifact_v1` into env.llvm. env.functions must hold every
// defined function; the module's DataLayout must be the target's.
llvm::GlobalVariable *emitArtifact(ModuleEnv &env, const TypeTrampolines &trampolines,
                                   const LowerOptions &options);

} // namespace waot::frontend::lower
