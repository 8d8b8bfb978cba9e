// Calls: direct calls of defined functions, calls of imports through their
// waot_func records, and call_indirect through a table (abi.h).
#include "function_lowering.hpp"

namespace waot::frontend::lower {

void FunctionLowering::emitCall(const Instr &in) {
  const std::uint32_t callee = in.index;
  const std::uint32_t typeIndex = checkedAt(wasm_.functionTypes, callee, "function");
  const FuncType &signature = checkedAt(wasm_.types, typeIndex, "type");
  llvm::FunctionType *type = env_.functionTypes[typeIndex];

  if (!wasm_.isImportedFunction(callee)) {
    // Same instance: a direct call sharing our context.
    llvm::Function *target =
        checkedAt(env_.functions, wasm_.definedIndex(callee), "defined function");
    consumeLoadSumsBeforeCall();
    emitCallWithSignature(type, target, ctx_, signature, target->getCallingConv());
    return;
  }
  consumeLoadSumsBeforeCall();
  // An import is bound at instantiation: its record pointer never changes.
  llvm::Value *record = loadRecordPointer(env_.layout.imported_funcs + 8ull * callee,
                                          sizeof(waot_func), alignof(waot_func));
  llvm::Value *code = loadFuncRecordField(record, offsetof(waot_func, code), env_.ptrType(), true);
  llvm::Value *calleeContext =
      loadFuncRecordField(record, offsetof(waot_func, ctx), env_.ptrType(), true);
  emitCallWithSignature(type, code, calleeContext, signature, wasmCallingConv());
}

void FunctionLowering::emitCallIndirect(const Instr &in) {
  const std::uint32_t typeIndex = in.index;
  const std::uint32_t table = in.index2;
  const FuncType &signature = checkedAt(wasm_.types, typeIndex, "type");
  llvm::FunctionType *type = env_.functionTypes[typeIndex];

  consumeLoadSumsBeforeCall();
  llvm::Value *index = pop();
  llvm::Value *slot = tableElementAddress(table, index, WAOT_TRAP_UNDEFINED_ELEMENT);
  llvm::Value *entry = loadWithTag(env_.ptrType(), slot, env_.tbaaTable, false);
  trapIf(builder_.CreateIsNull(entry), WAOT_TRAP_UNINITIALIZED_ELEMENT);

  // Signatures are interned by the runtime across modules: one integer compare.
  llvm::Value *actualType =
      loadFuncRecordField(entry, offsetof(waot_func, type_id), i32Type(), false);
  llvm::Value *expectedType = loadWithTag(
      i32Type(), contextAddress(env_.layout.type_ids + 4ull * typeIndex), env_.tbaaContext, true);
  trapIf(builder_.CreateICmpNE(actualType, expectedType), WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH);

  llvm::Value *code = loadFuncRecordField(entry, offsetof(waot_func, code), env_.ptrType(), false);
  llvm::Value *calleeContext =
      loadFuncRecordField(entry, offsetof(waot_func, ctx), env_.ptrType(), false);
  emitCallWithSignature(type, code, calleeContext, signature, wasmCallingConv());
}

llvm::Value *FunctionLowering::loadFuncRecordField(llvm::Value *record, std::size_t fieldOffset,
                                                   llvm::Type *type, bool invariant) {
  // waot_func records are immutable once published; generated code never
  // writes them, so they share the context's alias class.
  return loadWithTag(type, byteOffset(record, fieldOffset), env_.tbaaContext, invariant);
}

void FunctionLowering::emitCallWithSignature(llvm::FunctionType *type, llvm::Value *callee,
                                             llvm::Value *calleeContext, const FuncType &signature,
                                             llvm::CallingConv::ID callingConv) {
  const std::vector<llvm::Value *> args = popValues(signature.params.size());
  std::vector<llvm::Value *> callArgs;
  callArgs.reserve(args.size() + 1);
  callArgs.push_back(calleeContext);
  callArgs.insert(callArgs.end(), args.begin(), args.end());
  llvm::CallInst *call = builder_.CreateCall(type, callee, callArgs);
  call->setCallingConv(callingConv);

  if (signature.results.size() == 1) {
    push(call);
    return;
  }
  for (std::size_t i = 0; i < signature.results.size(); ++i)
    push(builder_.CreateExtractValue(call, {static_cast<unsigned>(i)}));
}

} // namespace waot::frontend::lower
