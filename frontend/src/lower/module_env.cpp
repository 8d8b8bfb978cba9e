// ModuleEnv: the per-module facts shared by module-level and function-body
// lowering (calling-convention types, context layout, alias metadata).
#include "module_env.hpp"

#include "waot/errors.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <llvm/ADT/StringExtras.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/MDBuilder.h>

namespace waot::frontend::lower {
namespace {

waot_ctx_layout computeContextLayout(const Module &wasm) {
  const auto count = [](std::size_t n) { return static_cast<std::uint32_t>(n); };
  waot_ctx_counts counts{};
  counts.num_types = count(wasm.types.size());
  counts.num_memories = count(wasm.memories.size());
  counts.num_tables = count(wasm.tables.size());
  counts.num_imported_globals = wasm.numImportedGlobals;
  counts.num_defined_globals = count(wasm.globals.size());
  counts.num_imported_funcs = wasm.numImportedFunctions;
  counts.num_defined_funcs = wasm.numDefinedFunctions();
  return waot_compute_ctx_layout(&counts);
}

} // namespace

std::vector<bool> addressRecordedFunctions(const Module &wasm) {
  const std::vector<bool> referenceable = referenceableFunctions(wasm);
  std::vector<bool> recorded(wasm.numDefinedFunctions());
  for (std::uint32_t defined = 0; defined < wasm.numDefinedFunctions(); ++defined) {
    const std::uint32_t function = wasm.functionIndex(defined);
    recorded[defined] = referenceable[function] || wasm.start == function;
  }
  return recorded;
}

std::vector<bool> tailCallingFunctions(const Module &wasm) {
  if (wasm.codeFacts && wasm.codeFacts->tailCallers.size() == wasm.numDefinedFunctions())
    return wasm.codeFacts->tailCallers;
  std::vector<bool> tailCallers(wasm.numDefinedFunctions(), false);
  for (std::uint32_t defined = 0; defined < wasm.numDefinedFunctions(); ++defined) {
    const FunctionBody &body = wasm.bodies[defined];
    InstrReader reader(wasm.view(), body.codeOffset, body.endOffset, wasm.functionIndex(defined));
    while (!reader.atEnd() && !tailCallers[defined]) {
      const Opcode op = reader.next().op;
      tailCallers[defined] = op == Opcode::ReturnCall || op == Opcode::ReturnCallIndirect;
    }
  }
  return tailCallers;
}

ModuleEnv::ModuleEnv(const Module &wasmModule, llvm::Module &llvmModule)
    : wasm(wasmModule), llvm(llvmModule), context(llvmModule.getContext()),
      layout(computeContextLayout(wasmModule)), constantTables(findConstantTables(wasmModule)) {
  addressRecorded = addressRecordedFunctions(wasm);
  tailCallers = tailCallingFunctions(wasm);
  functionTypes.reserve(wasm.types.size());
  tailFunctionTypes.reserve(wasm.types.size());
  for (const FuncType &signature : wasm.types) {
    std::vector<llvm::Type *> params;
    params.reserve(signature.params.size() + 2);
    params.push_back(ptrType()); // the callee's context always comes first
    for (ValType param : signature.params)
      params.push_back(type(param));
    functionTypes.push_back(llvm::FunctionType::get(resultType(signature), params, false));
    if (resultsThroughPointer(signature)) {
      params.insert(params.begin() + 1, ptrType());
      tailFunctionTypes.push_back(
          llvm::FunctionType::get(llvm::Type::getVoidTy(context), params, false));
    } else {
      tailFunctionTypes.push_back(functionTypes.back());
    }
  }

  // One TBAA type per disjoint storage class. They are all direct children of
  // the root, so LLVM treats any two of them as never aliasing: a store to
  // linear memory does not invalidate a loaded global or memory base.
  // None of the tags is marked constant: the runtime writes every one of these
  // locations at some point, and "constant" would license LLVM to assume
  // otherwise across calls into the runtime.
  llvm::MDBuilder md(context);
  llvm::MDNode *root = md.createTBAARoot("waot TBAA root");
  const auto makeTag = [&](const char *name) {
    llvm::MDNode *scalar = md.createTBAAScalarTypeNode(name, root);
    return md.createTBAAStructTagNode(scalar, scalar, 0);
  };
  tbaaLinearMemory = makeTag("wasm linear memory");
  tbaaContext = makeTag("waot context");
  tbaaGlobal = makeTag("wasm global");
  tbaaTable = makeTag("wasm table");
  tbaaRuntime = makeTag("waot runtime record");
}

llvm::FunctionType *ModuleEnv::definedFunctionType(std::uint32_t defined) const {
  const std::uint32_t typeIndex = wasm.functionTypes[wasm.functionIndex(defined)];
  return tailCallers[defined] ? tailFunctionTypes[typeIndex] : functionTypes[typeIndex];
}

llvm::Type *ModuleEnv::type(ValType t) const {
  switch (t) {
  case ValType::I32: return llvm::Type::getInt32Ty(context);
  case ValType::I64: return llvm::Type::getInt64Ty(context);
  case ValType::F32: return llvm::Type::getFloatTy(context);
  case ValType::F64: return llvm::Type::getDoubleTy(context);
  case ValType::FuncRef:
  case ValType::ExternRef:
  case ValType::Ref:
  case ValType::RefNull:
    return ptrType(); // every reference is a pointer
  // A v128 is <2 x i64> on the value stack, in locals, parameters and results
  // (passed in one vector register); each SIMD instruction bitcasts it to
  // the shape it works on (emit_simd_*.cpp).
  case ValType::V128: return llvm::FixedVectorType::get(llvm::Type::getInt64Ty(context), 2);
  }
  // Validation rejects any unknown encoding before lowering; reaching this
  // point means the caller skipped validation.
  throw CompileError(CompileError::Kind::Invalid, "value type 0x" +
                                                      llvm::utohexstr(static_cast<unsigned>(t)) +
                                                      " cannot be lowered");
}

llvm::Type *ModuleEnv::resultType(const FuncType &t) const {
  if (t.results.empty()) return llvm::Type::getVoidTy(context);
  if (t.results.size() == 1) return type(t.results.front());
  std::vector<llvm::Type *> fields;
  fields.reserve(t.results.size());
  for (ValType result : t.results)
    fields.push_back(type(result));
  return llvm::StructType::get(context, fields);
}

} // namespace waot::frontend::lower
