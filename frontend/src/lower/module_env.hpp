// Shared state between module-level lowering (module_lowering.cpp,
// artifact.cpp, trampolines.cpp) and function-body lowering (emit_*.cpp).
// Internal to the frontend's lowering library.
#pragma once

#include "constant_tables.hpp"

#include "waot/abi.h"
#include "waot/frontend/module.hpp"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include <cstddef>
#include <vector>

namespace waot::frontend::lower {

// Everything a function-body lowering needs to know about its module.
struct ModuleEnv {
  const Module &wasm;
  llvm::Module &llvm;
  llvm::LLVMContext &context;
  waot_ctx_layout layout{};      // instance-context layout (abi.h)
  ConstantTables constantTables; // tables whose contents never change

  // Wasm calling convention type of each module type: (ptr ctx, params...) ->
  // void | T | {T...}. Indexed by type index.
  std::vector<llvm::FunctionType *> functionTypes;
  // The same for functions with the tail-call convention (tailcc): the
  // results of a type with more than two go through a pointer passed after
  // the context instead (abi.h: waot_func.tail_code).
  std::vector<llvm::FunctionType *> tailFunctionTypes;
  // The LLVM function of each *defined* function, indexed by defined index.
  std::vector<llvm::Function *> functions;
  // Per defined function: whether it makes tail calls (CodeFacts::tailCallers;
  // found by a scan when the module was not validated by decodeAndValidate).
  // Only those use tailcc: a tail call to any other function is an ordinary
  // call and return, which ends the chain of tail calls (the callee makes
  // none), so every unbounded chain runs in constant stack.
  std::vector<bool> tailCallers;
  // Per defined function: whether the artifact records its code address (it
  // can become a reference, or it is the start function). No other function's
  // address is ever taken, so LLVM may change its signature or delete it.
  std::vector<bool> addressRecorded;

  // TBAA access tags: linear memory never aliases the context, globals or tables.
  llvm::MDNode *tbaaLinearMemory = nullptr;
  llvm::MDNode *tbaaContext = nullptr; // invariant context fields (bases, records, type ids)
  llvm::MDNode *tbaaGlobal = nullptr;  // global cells
  llvm::MDNode *tbaaTable = nullptr;   // table records and elements
  llvm::MDNode *tbaaRuntime = nullptr; // memory/table record fields the runtime updates (size)

  // Emit the interruption checks (LowerOptions::interruptible).
  bool interruptible = false;
  // LowerOptions::entryProfile: the artifact's array of entry flags (one i8
  // per defined function), or null.
  llvm::GlobalVariable *entered = nullptr;
  // Which defined functions set their flag: all (empty), or in a build guided
  // by a profile only the unoptimized ones (LowerOptions::unoptimizedFunctions):
  // a later run entering one of those asks for a new build.
  std::vector<bool> profiledFunctions;

  ModuleEnv(const Module &wasm, llvm::Module &llvm);

  llvm::Type *type(ValType t) const;               // i32/i64/float/double/ptr
  llvm::Type *resultType(const FuncType &t) const; // void / T / literal struct
  // The LLVM type and calling convention of defined function `defined`
  // (tailcc with its tail type when it makes tail calls).
  llvm::FunctionType *definedFunctionType(std::uint32_t defined) const;
  llvm::CallingConv::ID definedCallingConv(std::uint32_t defined) const {
    return tailCallers[defined] ? llvm::CallingConv::Tail : llvm::CallingConv::C;
  }
  // Whether tailcc functions of this type return through a result pointer.
  static bool resultsThroughPointer(const FuncType &t) { return t.results.size() > 2; }
  llvm::PointerType *ptrType() const { return llvm::PointerType::get(context, 0); }
};

// Per defined function: whether the artifact records its code address (see
// ModuleEnv::addressRecorded).
std::vector<bool> addressRecordedFunctions(const Module &wasm);

// Per defined function: whether its body holds return_call or
// return_call_indirect (from the validation's facts when present).
std::vector<bool> tailCallingFunctions(const Module &wasm);

// Lowers the body of defined function `definedIndex` into
// env.functions[definedIndex] (declared, empty). Implemented by emit_*.cpp.
void lowerFunctionBody(ModuleEnv &env, std::uint32_t definedIndex);

} // namespace waot::frontend::lower
