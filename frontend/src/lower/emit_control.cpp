// Structured control flow: block, loop, if/else, end, br, br_if, br_table,
// return, unreachable, nop.
//
// Every construct's label is one LLVM block with one phi per value a branch
// carries: the loop header (loop parameters) or the continuation after `end`
// (block results). Branches add phi incomings; `end` either continues in that
// block or, when only the fallthrough reaches it, erases it and keeps the
// values as they are.
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>

namespace waot::frontend::lower {

void FunctionLowering::emitControl(const Instr &in) {
  switch (in.op) {
  case Opcode::Unreachable: trapAlways(WAOT_TRAP_UNREACHABLE); return;
  case Opcode::Nop: return;
  case Opcode::Block: openBlock(in); return;
  case Opcode::Loop: openLoop(in); return;
  case Opcode::If: openIf(in); return;
  case Opcode::Else: emitElse(); return;
  case Opcode::End: emitEnd(); return;
  case Opcode::Br: emitBranch(in.index); return;
  case Opcode::BrIf: emitBranchIf(in.index); return;
  case Opcode::BrTable: emitBranchTable(in); return;
  case Opcode::Return: emitBranch(static_cast<std::uint32_t>(frames_.size() - 1)); return;
  case Opcode::Call: emitCall(in); return;
  case Opcode::CallIndirect: emitCallIndirect(in); return;
  case Opcode::ReturnCall: emitReturnCall(in); return;
  case Opcode::ReturnCallIndirect: emitReturnCallIndirect(in); return;
  default: break;
  }
  unsupported(in, "control instruction '" + std::string(name(in.op)) + "'");
}

ControlFrame FunctionLowering::makeFrame(ControlFrame::Kind kind, const BlockType &type) {
  ControlFrame frame;
  frame.kind = kind;
  switch (type.kind) {
  case BlockType::Kind::Empty: break;
  case BlockType::Kind::Value: frame.results.push_back(type.value); break;
  case BlockType::Kind::Index: {
    const FuncType &signature = checkedAt(wasm_.types, type.typeIndex, "block type");
    frame.params = signature.params;
    frame.results = signature.results;
    break;
  }
  }
  return frame;
}

std::vector<llvm::PHINode *> FunctionLowering::createPhis(llvm::BasicBlock *block,
                                                          const std::vector<ValType> &types) {
  std::vector<llvm::PHINode *> phis;
  phis.reserve(types.size());
  for (ValType type : types)
    phis.push_back(llvm::PHINode::Create(env_.type(type), 2, "", block));
  return phis;
}

void FunctionLowering::addIncoming(ControlFrame &target, std::span<llvm::Value *const> values) {
  llvm::BasicBlock *from = builder_.GetInsertBlock();
  for (std::size_t i = 0; i < target.phis.size(); ++i)
    target.phis[i]->addIncoming(values[i], from);
}

ControlFrame &FunctionLowering::frameAt(std::uint32_t depth) {
  if (depth >= frames_.size())
    throw CompileError(CompileError::Kind::Invalid,
                       "branch depth " + std::to_string(depth) + " exceeds the open blocks",
                       std::nullopt, functionIndex_);
  return frames_[frames_.size() - 1 - depth];
}

void FunctionLowering::markUnreachable() {
  reachable_ = false;
  deadNesting_ = 0;
}

// ---- opening constructs -------------------------------------------------------

void FunctionLowering::openBlock(const Instr &in) {
  ControlFrame frame = makeFrame(ControlFrame::Kind::Block, in.block);
  requireStack(frame.params.size());
  // The parameters stay on the stack: they are SSA values that dominate the block.
  frame.stackHeight = stack_.size() - frame.params.size();
  frame.branchTarget = newBlock("block.end");
  frame.phis = createPhis(frame.branchTarget, frame.results);
  frames_.push_back(std::move(frame));
}

void FunctionLowering::openLoop(const Instr &in) {
  ControlFrame frame = makeFrame(ControlFrame::Kind::Loop, in.block);
  const std::vector<llvm::Value *> params = popValues(frame.params.size());
  frame.stackHeight = stack_.size();
  frame.branchTarget = newBlock("loop");
  frame.phis = createPhis(frame.branchTarget, frame.params);
  enterLoopForLoadSums(frame);
  addIncoming(frame, params);
  builder_.CreateBr(frame.branchTarget);
  builder_.SetInsertPoint(frame.branchTarget);
  for (llvm::PHINode *phi : frame.phis)
    push(phi);
  frames_.push_back(std::move(frame));
}

void FunctionLowering::openIf(const Instr &in) {
  llvm::Value *condition = toCondition(pop());
  ControlFrame frame = makeFrame(ControlFrame::Kind::If, in.block);
  frame.ifParams = popValues(frame.params.size());
  frame.stackHeight = stack_.size();
  frame.branchTarget = newBlock("if.end");
  frame.phis = createPhis(frame.branchTarget, frame.results);
  llvm::BasicBlock *thenBlock = newBlock("if.then");
  frame.elseBlock = newBlock("if.else");
  builder_.CreateCondBr(condition, thenBlock, frame.elseBlock);
  builder_.SetInsertPoint(thenBlock);
  for (llvm::Value *param : frame.ifParams)
    push(param);
  frames_.push_back(std::move(frame));
}

// ---- else / end -------------------------------------------------------------------

void FunctionLowering::finishFallthroughToTarget(ControlFrame &frame) {
  const std::vector<llvm::Value *> results = popValues(frame.results.size());
  addIncoming(frame, results);
  builder_.CreateBr(frame.branchTarget);
}

void FunctionLowering::emitElse() {
  ControlFrame &frame = frames_.back();
  if (frame.kind != ControlFrame::Kind::If || frame.seenElse)
    throw CompileError(CompileError::Kind::Invalid, "else without a matching if", std::nullopt,
                       functionIndex_);
  if (reachable_) finishFallthroughToTarget(frame);
  truncateStack(frame.stackHeight);
  frame.seenElse = true;
  // The false edge of the `if` always reaches the else arm.
  frame.elseBlock->moveAfter(&function_->back());
  builder_.SetInsertPoint(frame.elseBlock);
  for (llvm::Value *param : frame.ifParams)
    push(param);
  reachable_ = true;
  deadNesting_ = 0;
}

void FunctionLowering::emitEnd() {
  ControlFrame frame = std::move(frames_.back());
  frames_.pop_back();

  if (frame.isLoop()) {
    // A loop's label is its header: the results simply fall through, and code
    // after a loop whose end is unreachable is unreachable as well.
    if (!reachable_) truncateStack(frame.stackHeight);
    // Nothing leaves this loop but a trap: the load sums need a use inside.
    if (!reachable_ && !frame.leftByBranch) loopsWithoutExit_.push_back(frame.branchTarget);
    leaveLoopForLoadSums(frame);
    return;
  }

  const bool implicitElse = frame.kind == ControlFrame::Kind::If && !frame.seenElse;
  if (reachable_ && !implicitElse && llvm::pred_empty(frame.branchTarget)) {
    // Only the fallthrough reaches the end: keep going in the current block.
    const std::vector<llvm::Value *> results = popValues(frame.results.size());
    truncateStack(frame.stackHeight);
    frame.branchTarget->eraseFromParent();
    if (frame.kind == ControlFrame::Kind::Function) {
      emitReturn(results);
      return;
    }
    for (llvm::Value *result : results)
      push(result);
    return;
  }

  if (reachable_) finishFallthroughToTarget(frame);
  if (implicitElse) {
    // `if` without `else`: the false edge passes the parameters on as the
    // results (validation requires identical types).
    frame.elseBlock->moveAfter(&function_->back());
    builder_.SetInsertPoint(frame.elseBlock);
    addIncoming(frame, frame.ifParams);
    builder_.CreateBr(frame.branchTarget);
  }
  truncateStack(frame.stackHeight);
  closeFrameContinuation(frame);
}

void FunctionLowering::closeFrameContinuation(ControlFrame &frame) {
  if (llvm::pred_empty(frame.branchTarget)) {
    // Nothing reaches the end: the code after it is dead up to the enclosing end.
    frame.branchTarget->eraseFromParent();
    markUnreachable();
    return;
  }
  frame.branchTarget->moveAfter(&function_->back());
  builder_.SetInsertPoint(frame.branchTarget);
  reachable_ = true;
  deadNesting_ = 0;
  if (frame.kind == ControlFrame::Kind::Function) {
    emitReturn(std::vector<llvm::Value *>(frame.phis.begin(), frame.phis.end()));
    return;
  }
  for (llvm::PHINode *phi : frame.phis)
    push(phi);
}

void FunctionLowering::emitReturn(const std::vector<llvm::Value *> &results) {
  createReturn(results);
  markUnreachable();
}

void FunctionLowering::createReturn(const std::vector<llvm::Value *> &results) {
  if (function_->getCallingConv() == llvm::CallingConv::Tail &&
      ModuleEnv::resultsThroughPointer(signature_)) {
    // Store the results where our caller (or the first ordinary caller of
    // the chain of tail calls that reached us) reads them.
    llvm::Type *resultsType = env_.resultType(signature_);
    for (std::size_t i = 0; i < results.size(); ++i)
      builder_.CreateStore(results[i], builder_.CreateStructGEP(resultsType, function_->getArg(1),
                                                                static_cast<unsigned>(i)));
    builder_.CreateRetVoid();
  } else if (results.empty()) {
    builder_.CreateRetVoid();
  } else if (results.size() == 1) {
    builder_.CreateRet(results.front());
  } else {
    llvm::Value *aggregate = llvm::PoisonValue::get(function_->getReturnType());
    for (std::size_t i = 0; i < results.size(); ++i)
      aggregate = builder_.CreateInsertValue(aggregate, results[i], {static_cast<unsigned>(i)});
    builder_.CreateRet(aggregate);
  }
}

// ---- branches ------------------------------------------------------------------------

void FunctionLowering::noteLoopsLeftByBranchTo(std::uint32_t depth) {
  // The frames strictly inside the target (a loop target is re-entered, not left).
  const std::size_t targetIndex = frames_.size() - 1 - depth;
  for (std::size_t i = targetIndex + 1; i < frames_.size(); ++i)
    if (frames_[i].isLoop()) frames_[i].leftByBranch = true;
}

void FunctionLowering::emitBranch(std::uint32_t depth) {
  ControlFrame &target = frameAt(depth);
  noteLoopsLeftByBranchTo(depth);
  addIncoming(target, topValues(target.labelTypes().size()));
  builder_.CreateBr(target.branchTarget);
  markUnreachable();
}

void FunctionLowering::emitBranchIf(std::uint32_t depth) {
  llvm::Value *condition = toCondition(pop());
  ControlFrame &target = frameAt(depth);
  // A branch on a constant false condition leaves no loop (the optimizer
  // removes it: counting it would leave an infinite loop without a use of
  // the load sums).
  const auto *constant = llvm::dyn_cast<llvm::ConstantInt>(condition);
  if (constant == nullptr || !constant->isZero()) noteLoopsLeftByBranchTo(depth);
  // The carried values stay on the stack for the fallthrough.
  addIncoming(target, topValues(target.labelTypes().size()));
  llvm::BasicBlock *continuation = newBlock("br_if.cont");
  builder_.CreateCondBr(condition, target.branchTarget, continuation);
  builder_.SetInsertPoint(continuation);
}

void FunctionLowering::emitBranchTable(const Instr &in) {
  llvm::Value *index = pop();
  ControlFrame &defaultTarget = frameAt(in.index);
  noteLoopsLeftByBranchTo(in.index);
  const std::span<llvm::Value *const> values = topValues(defaultTarget.labelTypes().size());
  llvm::SwitchInst *dispatch = builder_.CreateSwitch(index, defaultTarget.branchTarget,
                                                     static_cast<unsigned>(in.targets.size()));
  // A phi needs one incoming entry per CFG edge, so a label listed several
  // times gets as many (identical) entries.
  addIncoming(defaultTarget, values);
  for (std::size_t i = 0; i < in.targets.size(); ++i) {
    ControlFrame &target = frameAt(in.targets[i]);
    noteLoopsLeftByBranchTo(in.targets[i]);
    dispatch->addCase(builder_.getInt32(static_cast<std::uint32_t>(i)), target.branchTarget);
    addIncoming(target, values);
  }
  markUnreachable();
}

} // namespace waot::frontend::lower
