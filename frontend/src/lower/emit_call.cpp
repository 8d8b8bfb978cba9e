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
  llvm::Value *entry = tableElementAddress(table, index, WAOT_TRAP_UNDEFINED_ELEMENT);

  // Signatures are interned by the runtime across modules, and a null entry
  // has type id 0, which no signature has: one compare checks both, and only
  // the cold path tells the two traps apart. The code and context are copies
  // in the entry itself, so the call needs no further dependent load.
  llvm::Value *actualType =
      loadTableEntryField(entry, offsetof(waot_table_entry, type_id), i32Type());
  llvm::Value *expectedType = loadWithTag(
      i32Type(), contextAddress(env_.layout.type_ids + 4ull * typeIndex), env_.tbaaContext, true);
  branchToTrapIf(builder_.CreateICmpNE(actualType, expectedType), indirectCallTrapBlock(entry));

  llvm::Value *code = loadTableEntryField(entry, offsetof(waot_table_entry, code), env_.ptrType());
  llvm::Value *calleeContext =
      loadTableEntryField(entry, offsetof(waot_table_entry, ctx), env_.ptrType());
  emitCallWithSignature(type, code, calleeContext, signature, wasmCallingConv());
}

llvm::BasicBlock *FunctionLowering::indirectCallTrapBlock(llvm::Value *entry) {
  if (indirectCallTrap_ == nullptr) {
    const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
    indirectCallTrap_ = newBlock("trap.call_indirect");
    builder_.SetInsertPoint(indirectCallTrap_);
    indirectCallTrapEntry_ = builder_.CreatePHI(env_.ptrType(), 2, "entry");
    llvm::Value *ref = loadTableEntryField(indirectCallTrapEntry_, offsetof(waot_table_entry, ref),
                                           env_.ptrType());
    emitTrapCall(builder_.CreateSelect(builder_.CreateIsNull(ref),
                                       i32Const(WAOT_TRAP_UNINITIALIZED_ELEMENT),
                                       i32Const(WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH)));
  }
  indirectCallTrapEntry_->addIncoming(entry, builder_.GetInsertBlock());
  return indirectCallTrap_;
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
