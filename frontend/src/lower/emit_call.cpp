// Calls: direct calls of defined functions, calls of imports through their
// waot_func records, and call_indirect through a table (abi.h); tail calls
// (return_call, return_call_indirect) with `musttail` between functions of
// the tail-call convention (ModuleEnv::tailCallers).
#include "function_lowering.hpp"
#include "trampolines.hpp"

#include <llvm/IR/MDBuilder.h>

#include <map>

namespace waot::frontend::lower {

void FunctionLowering::emitCall(const Instr &in) {
  const FuncType &signature = wasm_.functionType(checkedFunction(in.index));
  consumeLoadSumsBeforeCall();
  const std::vector<llvm::Value *> args = popValues(signature.params.size());
  pushCallResults(callFunction(in.index, args), signature);
}

std::uint32_t FunctionLowering::checkedFunction(std::uint32_t function) const {
  const std::uint32_t typeIndex = checkedAt(wasm_.functionTypes, function, "function");
  checkedAt(wasm_.types, typeIndex, "type");
  return function;
}

llvm::Function *FunctionLowering::definedCallee(std::uint32_t callee) const {
  llvm::Function *target =
      checkedAt(env_.functions, wasm_.definedIndex(callee), "defined function");
  if (target == nullptr)
    throw Error("internal compiler error: function " + std::to_string(callee) +
                " is called but not declared in this module part");
  return target;
}

llvm::Value *FunctionLowering::callFunction(std::uint32_t callee,
                                            std::span<llvm::Value *const> args) {
  const std::uint32_t typeIndex = wasm_.functionTypes[callee];
  llvm::FunctionType *type = env_.functionTypes[typeIndex];
  if (!wasm_.isImportedFunction(callee)) {
    // Same instance: a direct call sharing our context.
    llvm::Function *target = definedCallee(callee);
    if (target->getCallingConv() == llvm::CallingConv::Tail) {
      std::vector<llvm::Value *> callArgs{ctx_};
      callArgs.insert(callArgs.end(), args.begin(), args.end());
      return callTailConvention(env_, builder_, typeIndex, target, callArgs,
                                resultBuffer(typeIndex));
    }
    return createWasmCall(type, target, ctx_, args, target->getCallingConv());
  }
  // An import is bound at instantiation: its record pointer never changes.
  llvm::Value *record = loadRecordPointer(env_.layout.imported_funcs + sizeof(waot_func *) * callee,
                                          sizeof(waot_func), alignof(waot_func));
  llvm::Value *code = loadFuncRecordField(record, offsetof(waot_func, code), env_.ptrType(), true);
  llvm::Value *calleeContext =
      loadFuncRecordField(record, offsetof(waot_func, ctx), env_.ptrType(), true);
  return createWasmCall(type, code, calleeContext, args, wasmCallingConv());
}

void FunctionLowering::emitCallIndirect(const Instr &in) {
  const std::uint32_t typeIndex = in.index;
  const std::uint32_t table = in.index2;
  const FuncType &signature = checkedAt(wasm_.types, typeIndex, "type");
  llvm::FunctionType *type = env_.functionTypes[typeIndex];

  consumeLoadSumsBeforeCall();
  llvm::Value *index = tableIndex32(table, pop());
  const std::vector<llvm::Value *> args = popValues(signature.params.size());
  if (emitKnownTargetsCall(typeIndex, table, index, args)) return;
  const IndirectCallee callee = checkedIndirectCallee(typeIndex, table, index);
  pushCallResults(createWasmCall(type, callee.code, callee.context, args, wasmCallingConv()),
                  signature);
}

FunctionLowering::IndirectCallee FunctionLowering::checkedIndirectCallee(std::uint32_t typeIndex,
                                                                         std::uint32_t table,
                                                                         llvm::Value *index) {
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

  return IndirectCallee{
      entry, loadTableEntryField(entry, offsetof(waot_table_entry, code), env_.ptrType()),
      loadTableEntryField(entry, offsetof(waot_table_entry, ctx), env_.ptrType())};
}

// ---- tail calls ------------------------------------------------------------------------

void FunctionLowering::emitReturnCall(const Instr &in) {
  const std::uint32_t callee = checkedFunction(in.index);
  const std::uint32_t typeIndex = wasm_.functionTypes[callee];
  consumeLoadSumsBeforeCall();
  const std::vector<llvm::Value *> args = popValues(wasm_.types[typeIndex].params.size());
  if (!wasm_.isImportedFunction(callee)) {
    llvm::Function *target = definedCallee(callee);
    if (target->getCallingConv() == llvm::CallingConv::Tail)
      emitMustTailCall(typeIndex, target, ctx_, args);
    else // it makes no tail calls: the chain ends with it
      createReturn(callResults(callFunction(callee, args), wasm_.types[typeIndex]));
    markUnreachable();
    return;
  }
  llvm::Value *record = loadRecordPointer(env_.layout.imported_funcs + sizeof(waot_func *) * callee,
                                          sizeof(waot_func), alignof(waot_func));
  emitTailCallThroughRecord(
      typeIndex, record,
      loadFuncRecordField(record, offsetof(waot_func, code), env_.ptrType(), true),
      loadFuncRecordField(record, offsetof(waot_func, ctx), env_.ptrType(), true), args);
}

void FunctionLowering::emitReturnCallIndirect(const Instr &in) {
  const std::uint32_t typeIndex = in.index;
  const FuncType &signature = checkedAt(wasm_.types, typeIndex, "type");
  consumeLoadSumsBeforeCall();
  llvm::Value *index = tableIndex32(in.index2, pop());
  const std::vector<llvm::Value *> args = popValues(signature.params.size());
  const IndirectCallee callee = checkedIndirectCallee(typeIndex, in.index2, index);
  // The entry passed the type check, so it holds a waot_func record.
  llvm::Value *record =
      loadTableEntryField(callee.entry, offsetof(waot_table_entry, ref), env_.ptrType());
  emitTailCallThroughRecord(typeIndex, record, callee.code, callee.context, args);
}

void FunctionLowering::emitTailCallThroughRecord(std::uint32_t typeIndex, llvm::Value *record,
                                                 llvm::Value *code, llvm::Value *calleeContext,
                                                 std::span<llvm::Value *const> args) {
  // A callee compiled with the tail-call convention has tail_code: jump to
  // it. Any other (a host function, a function that makes no tail calls)
  // ends the chain: call it as usual and return its results.
  llvm::Value *tailCode =
      loadFuncRecordField(record, offsetof(waot_func, tail_code), env_.ptrType(), true);
  llvm::BasicBlock *tail = newBlock("return_call.tail");
  llvm::BasicBlock *ordinary = newBlock("return_call.ordinary");
  builder_.CreateCondBr(builder_.CreateIsNotNull(tailCode), tail, ordinary);
  builder_.SetInsertPoint(tail);
  emitMustTailCall(typeIndex, tailCode, calleeContext, args);
  builder_.SetInsertPoint(ordinary);
  llvm::CallInst *call =
      createWasmCall(env_.functionTypes[typeIndex], code, calleeContext, args, wasmCallingConv());
  createReturn(callResults(call, wasm_.types[typeIndex]));
  markUnreachable();
}

void FunctionLowering::emitMustTailCall(std::uint32_t typeIndex, llvm::Value *callee,
                                        llvm::Value *calleeContext,
                                        std::span<llvm::Value *const> args) {
  // Validation made the callee's results ours, so its tail type returns what
  // ours does, through the same result pointer when there is one.
  std::vector<llvm::Value *> callArgs{calleeContext};
  if (ModuleEnv::resultsThroughPointer(wasm_.types[typeIndex]))
    callArgs.push_back(function_->getArg(1));
  callArgs.insert(callArgs.end(), args.begin(), args.end());
  llvm::CallInst *call = builder_.CreateCall(env_.tailFunctionTypes[typeIndex], callee, callArgs);
  call->setCallingConv(llvm::CallingConv::Tail);
  call->setTailCallKind(llvm::CallInst::TCK_MustTail);
  if (call->getType()->isVoidTy())
    builder_.CreateRetVoid();
  else
    builder_.CreateRet(call);
}

llvm::Value *FunctionLowering::resultBuffer(std::uint32_t typeIndex) {
  const FuncType &signature = wasm_.types[typeIndex];
  if (!ModuleEnv::resultsThroughPointer(signature)) return nullptr;
  llvm::AllocaInst *&buffer = resultBuffers_[typeIndex];
  if (buffer == nullptr) {
    const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
    builder_.SetInsertPoint(entryBlock_->getTerminator());
    buffer = builder_.CreateAlloca(env_.resultType(signature), nullptr, "call.results");
  }
  return buffer;
}

bool FunctionLowering::emitKnownTargetsCall(std::uint32_t typeIndex, std::uint32_t table,
                                            llvm::Value *index,
                                            std::span<llvm::Value *const> args) {
  // A table nothing can change after instantiation holds the same functions
  // at run time as at compile time: a call through it can only reach the
  // elements whose function has the call's signature. With few of them, a
  // switch on the index calls them directly (and LLVM may inline them);
  // every other index traps, as the generic check would.
  // (module_lowering.cpp declares the targets in every part that calls them.)
  const std::vector<std::uint32_t> *elements =
      env_.constantTables.knownCallTargets(table, typeIndex);
  if (elements == nullptr) return false;
  const ConstantTable &contents = *env_.constantTables.tables[table];

  llvm::BasicBlock *otherIndex = newBlock("call_indirect.other");
  llvm::BasicBlock *done = newBlock("call_indirect.done");
  // Weights: the default edge only traps.
  std::vector<std::uint32_t> weights(elements->size() + 1, 1u << 20);
  weights[0] = 1;
  llvm::SwitchInst *dispatch =
      builder_.CreateSwitch(index, otherIndex, static_cast<unsigned>(elements->size()),
                            llvm::MDBuilder(env_.context).createBranchWeights(weights));

  llvm::Type *resultType = env_.functionTypes[typeIndex]->getReturnType();
  llvm::PHINode *result = nullptr;
  if (!resultType->isVoidTy()) {
    const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
    builder_.SetInsertPoint(done);
    result = builder_.CreatePHI(resultType, static_cast<unsigned>(elements->size()));
  }
  std::map<std::uint32_t, llvm::BasicBlock *> callBlocks; // per target function
  for (std::uint32_t element : *elements) {
    const std::uint32_t function = *contents.elements[element];
    auto [position, added] = callBlocks.try_emplace(function, nullptr);
    if (added) {
      position->second = newBlock("call_indirect.target");
      builder_.SetInsertPoint(position->second);
      llvm::Value *call = callFunction(function, args);
      if (result != nullptr) result->addIncoming(call, builder_.GetInsertBlock());
      builder_.CreateBr(done);
    }
    dispatch->addCase(builder_.getInt32(element), position->second);
  }

  // Any other index is out of bounds, null or of another signature: the
  // generic checks on the (identical) run-time table pick the trap.
  builder_.SetInsertPoint(otherIndex);
  llvm::Value *entry = tableElementAddress(table, index, WAOT_TRAP_UNDEFINED_ELEMENT);
  builder_.CreateBr(indirectCallTrapBlock(entry));

  builder_.SetInsertPoint(done);
  if (result != nullptr) pushCallResults(result, wasm_.types[typeIndex]);
  return true;
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

llvm::CallInst *FunctionLowering::createWasmCall(llvm::FunctionType *type, llvm::Value *callee,
                                                 llvm::Value *calleeContext,
                                                 std::span<llvm::Value *const> args,
                                                 llvm::CallingConv::ID callingConv) {
  std::vector<llvm::Value *> callArgs;
  callArgs.reserve(args.size() + 1);
  callArgs.push_back(calleeContext);
  callArgs.insert(callArgs.end(), args.begin(), args.end());
  llvm::CallInst *call = builder_.CreateCall(type, callee, callArgs);
  call->setCallingConv(callingConv);
  return call;
}

void FunctionLowering::pushCallResults(llvm::Value *result, const FuncType &signature) {
  for (llvm::Value *value : callResults(result, signature))
    push(value);
}

std::vector<llvm::Value *> FunctionLowering::callResults(llvm::Value *result,
                                                         const FuncType &signature) {
  if (signature.results.size() == 1) return {result};
  std::vector<llvm::Value *> values;
  values.reserve(signature.results.size());
  for (std::size_t i = 0; i < signature.results.size(); ++i)
    values.push_back(builder_.CreateExtractValue(result, {static_cast<unsigned>(i)}));
  return values;
}

} // namespace waot::frontend::lower
