// The walk over one function body and the helpers every emitter shares.
#include "function_lowering.hpp"

#include "trampolines.hpp"

#include "waot/frontend/lower.hpp"

#include <llvm/IR/Constants.h>
#include <llvm/IR/MDBuilder.h>

#include <algorithm>
#include <cstddef>
#include <string>

namespace waot::frontend::lower {

void lowerFunctionBody(ModuleEnv &env, std::uint32_t definedIndex) {
  FunctionLowering(env, definedIndex).run();
}

namespace {

const FunctionBody &checkedBody(const ModuleEnv &env, std::uint32_t definedIndex) {
  if (definedIndex >= env.wasm.bodies.size() || definedIndex >= env.functions.size() ||
      env.functions[definedIndex] == nullptr)
    throw Error("internal error: lowering defined function " + std::to_string(definedIndex) +
                " which has no body or no declared LLVM function");
  if (!env.functions[definedIndex]->empty())
    throw Error("internal error: defined function " + std::to_string(definedIndex) +
                " was already lowered");
  return env.wasm.bodies[definedIndex];
}

const char *trapBlockName(waot_trap_kind kind) {
  switch (kind) {
  case WAOT_TRAP_UNREACHABLE: return "trap.unreachable";
  case WAOT_TRAP_MEMORY_OUT_OF_BOUNDS: return "trap.memory_oob";
  case WAOT_TRAP_TABLE_OUT_OF_BOUNDS: return "trap.table_oob";
  case WAOT_TRAP_UNDEFINED_ELEMENT: return "trap.undefined_element";
  case WAOT_TRAP_UNINITIALIZED_ELEMENT: return "trap.uninitialized_element";
  case WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH: return "trap.indirect_call_type";
  case WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO: return "trap.divide_by_zero";
  case WAOT_TRAP_INTEGER_OVERFLOW: return "trap.integer_overflow";
  case WAOT_TRAP_INVALID_CONVERSION: return "trap.invalid_conversion";
  default: return "trap";
  }
}

} // namespace

FunctionLowering::FunctionLowering(ModuleEnv &env, std::uint32_t definedIndex)
    : env_(env), wasm_(env.wasm), body_(checkedBody(env, definedIndex)),
      functionIndex_(env.wasm.functionIndex(definedIndex)),
      signature_(env.wasm.functionType(functionIndex_)), function_(env.functions[definedIndex]),
      ctx_(function_->getArg(0)), builder_(env.context) {}

void FunctionLowering::run() {
  applyGeneratedCodeAttributes(*function_);
  // No library routines recognized or synthesized: LoopIdiomRecognize would
  // turn a byte-store loop into a call of libc's memset, whose out-of-bounds
  // fault is outside generated code and so a crash instead of a trap.
  // (memory.fill/copy use memset/memmove only after their bounds check.)
  function_->addFnAttr("no-builtins");
  findSummingLoops();
  emitPrologue();
  InstrReader reader(wasm_.view(), body_.codeOffset, body_.endOffset, functionIndex_);
  while (!frames_.empty()) {
    if (reader.atEnd())
      reader.bytes().fail(CompileError::Kind::Malformed, "function body ends before its final end");
    const Instr in = reader.next();
    if (!reachable_ && isSkippedDeadInstruction(in)) continue;
    dispatch(in);
  }
  if (!reader.atEnd())
    reader.bytes().fail(CompileError::Kind::Malformed,
                        "instructions after the function's final end");
  consumeLoadSums();
  moveColdBlocksToEnd();
}

void FunctionLowering::emitPrologue() {
  entryBlock_ = llvm::BasicBlock::Create(env_.context, "entry", function_);
  builder_.SetInsertPoint(entryBlock_);

  // Every local lives in an alloca of the entry block; mem2reg/SROA turn them
  // into SSA values, so the walk never has to build phis for locals itself.
  const auto addLocal = [&](ValType type, llvm::Value *initial) {
    llvm::Type *llvmType = env_.type(type);
    llvm::AllocaInst *slot = builder_.CreateAlloca(llvmType);
    builder_.CreateStore(initial, slot);
    localSlots_.push_back(slot);
  };
  const std::size_t numLocals = signature_.params.size() + body_.numLocals;
  localSlots_.reserve(numLocals);
  // The parameters follow the context and, in a tailcc function returning
  // through a pointer, that pointer.
  const unsigned firstParam = function_->arg_size() - signature_.params.size();
  for (std::size_t i = 0; i < signature_.params.size(); ++i)
    addLocal(signature_.params[i], function_->getArg(static_cast<unsigned>(firstParam + i)));
  for (const LocalDecl &decl : body_.locals)
    for (std::uint32_t i = 0; i < decl.count; ++i)
      addLocal(decl.type, llvm::Constant::getNullValue(env_.type(decl.type)));

  // The entry block only holds allocas and values hoisted there on demand
  // (memory base); the body starts in its own block so that hoisted values can
  // be inserted before the entry block's terminator at any time.
  llvm::BasicBlock *bodyBlock = newBlock("body");
  builder_.CreateBr(bodyBlock);
  // With a summing loop anywhere, every call site needs its use of the sums
  // (emit_load_keepalive.cpp), including calls emitted before that loop.
  if (std::any_of(loopKinds_.begin(), loopKinds_.end(), [](LoopKind kind) { return kind.sums; }))
    for (bool inLoop : {false, true})
      for (unsigned width : {32u, 64u})
        loadSum(inLoop, width);
  builder_.SetInsertPoint(bodyBlock);
  // The entry profile: a monotonic byte store (threads may run the function
  // at once; all store the same value), in the body so that nothing keeps it
  // from the entry block's allocas.
  const std::uint32_t defined = functionIndex_ - wasm_.numImportedFunctions;
  if (env_.entered && (env_.profiledFunctions.empty() || env_.profiledFunctions[defined])) {
    llvm::Value *flag =
        builder_.CreateConstInBoundsGEP2_32(env_.entered->getValueType(), env_.entered, 0, defined);
    builder_.CreateStore(builder_.getInt8(1), flag)->setAtomic(llvm::AtomicOrdering::Monotonic);
  }
  // Interruptible code checks on entry to every function that calls one:
  // every cycle of calls (recursion, also through tables or the host) passes
  // such an entry, while leaf functions, the most frequently called, need
  // none. Loops get theirs from codegen's InsertInterruptChecksPass, after
  // the optimizer (so that the checks do not keep loops from vectorizing);
  // a function with a loop checks on entry too, because that check uses the
  // context: the pass needs it, and the optimizer drops the context parameter
  // of an internal function that does not use it.
  if (env_.interruptible) {
    function_->addFnAttr(kInterruptibleAttribute);
    if (checksOnEntry_) emitInterruptCheck();
  }

  ControlFrame frame;
  frame.kind = ControlFrame::Kind::Function;
  frame.results = signature_.results;
  frame.stackHeight = 0;
  frame.branchTarget = newBlock("return");
  frame.phis = createPhis(frame.branchTarget, frame.results);
  frames_.push_back(std::move(frame));
}

bool FunctionLowering::isSkippedDeadInstruction(const Instr &in) {
  switch (in.op) {
  case Opcode::Loop:
    ++loopOrdinal_; // dead loops are numbered too (see findSummingLoops)
    ++deadNesting_;
    return true;
  case Opcode::Block:
  case Opcode::If: ++deadNesting_; return true;
  case Opcode::End:
    if (deadNesting_ == 0) return false; // closes the frame that became dead
    --deadNesting_;
    return true;
  case Opcode::Else: return deadNesting_ != 0;
  default: return true;
  }
}

void FunctionLowering::dispatch(const Instr &in) {
  switch (info(in.op).category) {
  case Category::Control: emitControl(in); return;
  case Category::Parametric: emitParametric(in); return;
  case Category::Variable: emitVariable(in); return;
  case Category::Table: emitTable(in); return;
  case Category::Memory: emitMemory(in); return;
  case Category::Const: emitConst(in); return;
  case Category::Compare: emitCompare(in); return;
  case Category::Arith: emitArith(in); return;
  case Category::Convert: emitConvert(in); return;
  case Category::Reference: emitReference(in); return;
  case Category::SimdMemory: emitSimdMemory(in); return;
  case Category::SimdConst: emitSimdConst(in); return;
  case Category::SimdLane: emitSimdLane(in); return;
  case Category::SimdCompare: emitSimdCompare(in); return;
  case Category::SimdArith: emitSimdArith(in); return;
  case Category::SimdConvert: emitSimdConvert(in); return;
  }
  unsupported(in, "instruction category of '" + std::string(name(in.op)) + "'");
}

void FunctionLowering::moveColdBlocksToEnd() {
  for (llvm::BasicBlock *block : coldTrapBlocks_)
    block->moveAfter(&function_->back());
}

// ---- value stack ----------------------------------------------------------

void FunctionLowering::requireStack(std::size_t count) const {
  // Validation guarantees the operands; this only keeps an unvalidated module
  // from reading out of bounds.
  if (stack_.size() < count)
    throw CompileError(CompileError::Kind::Invalid,
                       "value stack underflow while lowering (was the module validated?)",
                       std::nullopt, functionIndex_);
}

llvm::Value *FunctionLowering::pop() {
  requireStack(1);
  llvm::Value *value = stack_.back();
  stack_.pop_back();
  return value;
}

std::vector<llvm::Value *> FunctionLowering::popValues(std::size_t count) {
  requireStack(count);
  std::vector<llvm::Value *> values(stack_.end() - static_cast<std::ptrdiff_t>(count),
                                    stack_.end());
  stack_.resize(stack_.size() - count);
  return values;
}

std::span<llvm::Value *const> FunctionLowering::topValues(std::size_t count) const {
  requireStack(count);
  return std::span<llvm::Value *const>(stack_).last(count);
}

void FunctionLowering::truncateStack(std::size_t height) {
  if (stack_.size() < height)
    throw CompileError(CompileError::Kind::Invalid,
                       "value stack below its block's base while lowering (was the module "
                       "validated?)",
                       std::nullopt, functionIndex_);
  stack_.resize(height);
}

// ---- context access --------------------------------------------------------

llvm::Align FunctionLowering::naturalAlign(llvm::Type *type) const {
  // The runtime's records and cells (abi.h) are 8-byte aligned at most: a
  // v128 global cell is a 16-byte waot_slot with 8-byte alignment.
  const std::uint64_t size = env_.llvm.getDataLayout().getTypeStoreSize(type).getFixedValue();
  return llvm::Align(std::min<std::uint64_t>(size, alignof(waot_slot)));
}

llvm::Value *FunctionLowering::byteOffset(llvm::Value *base, std::uint64_t offset) {
  if (offset == 0) return base;
  return builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), base, offset);
}

llvm::Value *FunctionLowering::contextAddress(std::uint64_t offset) {
  return byteOffset(ctx_, offset);
}

llvm::LoadInst *FunctionLowering::loadWithTag(llvm::Type *type, llvm::Value *address,
                                              llvm::MDNode *tbaa, bool invariant) {
  llvm::LoadInst *load = builder_.CreateAlignedLoad(type, address, naturalAlign(type));
  if (tbaa != nullptr) load->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa);
  if (invariant)
    load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(env_.context, {}));
  return load;
}

llvm::StoreInst *FunctionLowering::storeWithTag(llvm::Value *value, llvm::Value *address,
                                                llvm::MDNode *tbaa) {
  llvm::StoreInst *store =
      builder_.CreateAlignedStore(value, address, naturalAlign(value->getType()));
  if (tbaa != nullptr) store->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa);
  return store;
}

llvm::LoadInst *FunctionLowering::loadContextPointer(std::uint64_t offset) {
  return loadWithTag(env_.ptrType(), contextAddress(offset), env_.tbaaContext, true);
}

llvm::LoadInst *FunctionLowering::loadRecordPointer(std::uint64_t offset, std::uint64_t recordSize,
                                                    std::uint64_t recordAlign) {
  // The runtime fills these fields at instantiation with records that live
  // as long as the instance: telling LLVM they are dereferenceable lets it
  // hoist loads of their fields out of loops and branches. (Never for the
  // memory base: a speculated linear-memory load could fault spuriously.)
  llvm::LoadInst *load = loadContextPointer(offset);
  llvm::Type *i64 = i64Type();
  load->setMetadata(llvm::LLVMContext::MD_nonnull, llvm::MDNode::get(env_.context, {}));
  load->setMetadata(llvm::LLVMContext::MD_dereferenceable,
                    llvm::MDNode::get(env_.context, {llvm::ConstantAsMetadata::get(
                                                        llvm::ConstantInt::get(i64, recordSize))}));
  load->setMetadata(
      llvm::LLVMContext::MD_align,
      llvm::MDNode::get(env_.context,
                        {llvm::ConstantAsMetadata::get(llvm::ConstantInt::get(i64, recordAlign))}));
  return load;
}

llvm::Value *FunctionLowering::loadBuiltin(Builtin builtin) {
  llvm::Value *builtins = loadRecordPointer(offsetof(waot_ctx_header, builtins),
                                            sizeof(waot_builtins), alignof(waot_builtins));
  return loadWithTag(env_.ptrType(), byteOffset(builtins, builtinOffset(builtin)), env_.tbaaContext,
                     true);
}

llvm::CallInst *FunctionLowering::callBuiltin(Builtin builtin, llvm::ArrayRef<llvm::Value *> args) {
  // The trap block has its own use of the load sums (consumeLoadSums).
  if (builtin != Builtin::trap) consumeLoadSumsBeforeCall();
  llvm::Value *callee = loadBuiltin(builtin);
  std::vector<llvm::Value *> callArgs;
  callArgs.reserve(args.size() + 1);
  callArgs.push_back(ctx_);
  callArgs.insert(callArgs.end(), args.begin(), args.end());
  llvm::CallInst *call = builder_.CreateCall(builtinType(builtin, env_.context), callee, callArgs);
  // Builtins report failure by trapping (a longjmp), never by unwinding.
  call->setDoesNotThrow();
  return call;
}

// ---- traps -----------------------------------------------------------------

llvm::BasicBlock *FunctionLowering::trapBlock(waot_trap_kind kind) {
  llvm::BasicBlock *&block = trapBlocks_.at(static_cast<std::size_t>(kind));
  if (block != nullptr) return block;
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  block = newBlock(trapBlockName(kind));
  builder_.SetInsertPoint(block);
  emitTrapCall(i32Const(static_cast<std::uint32_t>(kind)));
  return block;
}

void FunctionLowering::emitTrapCall(llvm::Value *kind) {
  llvm::CallInst *call = callBuiltin(Builtin::trap, kind);
  call->setDoesNotReturn();
  call->addFnAttr(llvm::Attribute::Cold);
  builder_.CreateUnreachable();
  coldTrapBlocks_.push_back(builder_.GetInsertBlock());
}

void FunctionLowering::trapIf(llvm::Value *condition, waot_trap_kind kind) {
  // Checks that fold away (e.g. a division by a non-zero constant) cost no block.
  if (auto *constant = llvm::dyn_cast<llvm::ConstantInt>(condition); constant && constant->isZero())
    return;
  branchToTrapIf(condition, trapBlock(kind));
}

void FunctionLowering::branchToTrapIf(llvm::Value *condition, llvm::BasicBlock *trap) {
  llvm::BasicBlock *continuation = newBlock("ok");
  llvm::MDBuilder md(env_.context);
  builder_.CreateCondBr(condition, trap, continuation, md.createUnlikelyBranchWeights());
  builder_.SetInsertPoint(continuation);
}

void FunctionLowering::emitInterruptCheck() {
  if (!env_.interruptible) return;
  // An atomic (monotonic) load: performed at every check, never merged with
  // an earlier one; on x86-64 a `cmp` of the context word and a branch that
  // is never taken until a request. The builtin traps (never returns).
  llvm::LoadInst *requested = builder_.CreateAlignedLoad(
      i32Type(), byteOffset(ctx_, offsetof(waot_ctx_header, interrupt_requested)), llvm::Align(4),
      "interrupt.requested");
  requested->setAtomic(llvm::AtomicOrdering::Monotonic);
  llvm::BasicBlock *check = newBlock("interrupt.check");
  llvm::BasicBlock *continuation = newBlock("interrupt.none");
  llvm::MDBuilder md(env_.context);
  builder_.CreateCondBr(toCondition(requested), check, continuation,
                        md.createUnlikelyBranchWeights());
  builder_.SetInsertPoint(check);
  llvm::CallInst *call = callBuiltin(Builtin::check_interrupt, {});
  call->setDoesNotReturn();
  call->addFnAttr(llvm::Attribute::Cold);
  builder_.CreateUnreachable();
  builder_.SetInsertPoint(continuation);
}

void FunctionLowering::trapAlways(waot_trap_kind kind) {
  builder_.CreateBr(trapBlock(kind));
  markUnreachable();
}

// ---- small helpers -----------------------------------------------------------

llvm::Value *FunctionLowering::toCondition(llvm::Value *i32Value) {
  return builder_.CreateICmpNE(i32Value, i32Const(0));
}

llvm::Value *FunctionLowering::boolToI32(llvm::Value *flag) {
  return builder_.CreateZExt(flag, i32Type());
}

llvm::BasicBlock *FunctionLowering::newBlock(const char *name) {
  return llvm::BasicBlock::Create(env_.context, name, function_);
}

void FunctionLowering::unsupported(const Instr &in, const std::string &what) const {
  throw CompileError(CompileError::Kind::Unsupported, what + " is not supported", in.offset,
                     functionIndex_);
}

void FunctionLowering::failIndexOutOfRange(const char *what, std::uint64_t index) const {
  throw CompileError(CompileError::Kind::Invalid,
                     std::string(what) + " index " + std::to_string(index) +
                         " out of range while lowering (was the module validated?)",
                     std::nullopt, functionIndex_);
}

llvm::Type *FunctionLowering::sigResultType(Sig sig) const {
  switch (sig) {
  case Sig::i_v:
  case Sig::i_i:
  case Sig::i_l:
  case Sig::i_f:
  case Sig::i_d:
  case Sig::i_ii:
  case Sig::i_ll:
  case Sig::i_ff:
  case Sig::i_dd: return llvm::Type::getInt32Ty(env_.context);
  case Sig::l_v:
  case Sig::l_l:
  case Sig::l_i:
  case Sig::l_f:
  case Sig::l_d:
  case Sig::l_ll: return llvm::Type::getInt64Ty(env_.context);
  case Sig::f_v:
  case Sig::f_f:
  case Sig::f_i:
  case Sig::f_l:
  case Sig::f_d:
  case Sig::f_ff: return llvm::Type::getFloatTy(env_.context);
  case Sig::d_v:
  case Sig::d_d:
  case Sig::d_i:
  case Sig::d_l:
  case Sig::d_f:
  case Sig::d_dd: return llvm::Type::getDoubleTy(env_.context);
  case Sig::Special:
  case Sig::v_v:
  case Sig::v_ii:
  case Sig::v_il:
  case Sig::v_if:
  case Sig::v_id:
  case Sig::v_iii: break;
  // SIMD signatures: no SIMD lowering yet (dispatch() rejects it first).
  case Sig::x_v:
  case Sig::x_x:
  case Sig::x_xx:
  case Sig::x_xxx:
  case Sig::x_i:
  case Sig::x_l:
  case Sig::x_f:
  case Sig::x_d:
  case Sig::x_xi:
  case Sig::x_xl:
  case Sig::x_xf:
  case Sig::x_xd:
  case Sig::x_ix:
  case Sig::i_x:
  case Sig::l_x:
  case Sig::f_x:
  case Sig::d_x:
  case Sig::v_ix: break;
  }
  return llvm::Type::getVoidTy(env_.context);
}

} // namespace waot::frontend::lower
