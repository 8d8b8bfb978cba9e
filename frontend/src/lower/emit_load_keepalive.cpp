// Keeping out-of-bounds loads trapping when the optimizer would delete them.
//
// A wasm load must trap when out of bounds even if its value is never used,
// but LLVM deletes a load whose value is unused, or becomes unused (x & 0,
// a dropped call result after inlining, a value only stored to a dead local,
// ...). Two mechanisms keep such loads, chosen per load:
//
// 1. Load sums, for loads in the innermost loops that contain no call (the
//    loops LLVM may vectorize). The loaded bits (zero-extended) are added to
//    running sums held in locals (one i32 for accesses of up to 4 bytes, one
//    i64 for 8-byte accesses and for both halves of a 16-byte SIMD load;
//    one pair for the current loop, one for the function). An empty
//    side-effecting inline asm reads the sums wherever the function can end
//    or stall: before every `ret`, before every trap builtin call, before
//    every call (a callee may trap or never return; inside a loop that
//    neither sums nor holds a summing loop the sums are zero, so they are
//    used once on its entry instead), and in the header of every loop that
//    no branch, return or fallthrough leaves. After each use before a call
//    the sums restart at zero, so none stays live across a call. Sound
//    because `s + v` is a bijection of v for any s: no folding can make a
//    sum independent of a load, and the sums are live on every path on
//    which the function ends. LLVM can then only drop a load by
//    reusing an identical access that executed before it (store-to-load
//    forwarding, GVN), which proves the address in bounds (memory never
//    shrinks). An add reduction vectorizes with the loop: the matmul
//    benchmark runs ~3.5x faster than with an asm per load. Each loop restarts its sums at zero
//    on entry (the previous ones are first added to the function's), so a
//    vectorized loop's reduction does not depend on the enclosing loop's
//    previous iterations.
// 2. An empty side-effecting inline asm taking the loaded value (wasm2c's
//    FORCE_READ), for every other load (a v128 in a vector register where
//    the target has a constraint for one): it costs no instruction, but it is
//    a call, which would stop the loop vectorizer (irrelevant outside the
//    loops of 1) and a sum would cost an add per load and a register.
//
// The residual gap, stated plainly: a loop whose every exit the optimizer
// proves never taken (a genuinely infinite loop, e.g. `br_if` on a value that
// only becomes constant after inlining) may lose a summed load whose value is
// otherwise unused, so such a program could spin instead of trapping. Exits
// on a constant false condition are already not counted as exits.
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/TargetParser/Triple.h>

#include <vector>

namespace waot::frontend::lower {
namespace {

// Instructions lowered to a call (of a function, a builtin or a library
// routine): a loop holding one is not vectorized.
bool becomesCall(Opcode op) {
  switch (op) {
  case Opcode::Call:
  case Opcode::CallIndirect:
  case Opcode::ReturnCall:
  case Opcode::ReturnCallIndirect:
  case Opcode::MemoryGrow:
  case Opcode::MemoryFill:
  case Opcode::MemoryCopy:
  case Opcode::MemoryInit:
  case Opcode::DataDrop:
  case Opcode::TableGrow:
  case Opcode::TableFill:
  case Opcode::TableCopy:
  case Opcode::TableInit:
  case Opcode::ElemDrop: return true;
  default: return false;
  }
}

} // namespace

void FunctionLowering::findSummingLoops() {
  // One pass over the (validated) body: a loop sums its loads unless it
  // contains another loop or a call. Loops are numbered in order of their
  // `loop` instruction, dead code included, as the walk counts them.
  constexpr std::int64_t kNotALoop = -1;
  std::vector<std::int64_t> open;   // per open construct: its loop number or kNotALoop
  std::vector<std::int64_t> parent; // per loop: the innermost enclosing loop or kNotALoop
  InstrReader reader(wasm_.view(), body_.codeOffset, body_.endOffset, functionIndex_);
  while (!reader.atEnd()) {
    const Instr in = reader.next();
    if (in.op == Opcode::Call || in.op == Opcode::CallIndirect || in.op == Opcode::ReturnCall ||
        in.op == Opcode::ReturnCallIndirect || in.op == Opcode::Loop)
      checksOnEntry_ = true;
    if (in.op == Opcode::Loop || becomesCall(in.op))
      for (std::int64_t loop : open)
        if (loop != kNotALoop) loopKinds_[static_cast<std::size_t>(loop)].sums = false;
    switch (in.op) {
    case Opcode::Loop: {
      std::int64_t enclosing = kNotALoop;
      for (std::int64_t construct : open)
        if (construct != kNotALoop) enclosing = construct;
      parent.push_back(enclosing);
      open.push_back(static_cast<std::int64_t>(loopKinds_.size()));
      loopKinds_.push_back({true, false});
      break;
    }
    case Opcode::Block:
    case Opcode::If: open.push_back(kNotALoop); break;
    case Opcode::End:
      if (!open.empty()) open.pop_back(); // else: the function's final end
      break;
    default: break;
    }
  }
  for (std::size_t loop = 0; loop < loopKinds_.size(); ++loop)
    if (loopKinds_[loop].sums)
      for (std::int64_t up = parent[loop]; up != kNotALoop;
           up = parent[static_cast<std::size_t>(up)])
        loopKinds_[static_cast<std::size_t>(up)].holdsSummingLoop = true;
}

void FunctionLowering::keepLoadTrapping(llvm::LoadInst *load, llvm::Value *value) {
  for (auto frame = frames_.rbegin(); frame != frames_.rend(); ++frame) {
    if (!frame->isLoop()) continue;
    if (frame->sumsLoads) return addToLoadSum(load);
    break;
  }
  keepLoadAliveWithAsm(value);
}

void FunctionLowering::keepLoadAliveWithAsm(llvm::Value *loaded) {
  // The asm touches only "inaccessible" memory, so it is no barrier for
  // optimizations of linear memory, globals or the context. (Not
  // memory(none): LLVM 19's -O0 instruction selection then drops the load
  // feeding the asm.) Floats stay in their register class where the target
  // has a constraint for it; elsewhere their bits go through an integer
  // register.
  // A v128 (SIMD loads) stays in a vector register where the target has a
  // constraint for one; elsewhere its two 64-bit halves go to two registers.
  if (loaded->getType()->isVectorTy() && vectorRegisterConstraint() == nullptr) {
    llvm::Value *halves = builder_.CreateBitCast(loaded, v128Type());
    for (std::uint64_t half : {0u, 1u})
      keepLoadAliveWithAsm(builder_.CreateExtractElement(halves, half));
    return;
  }
  llvm::Value *operand = loaded;
  const char *constraint = loaded->getType()->isVectorTy()
                               ? vectorRegisterConstraint()
                               : floatRegisterConstraint(loaded->getType());
  if (!constraint) {
    constraint = "r";
    if (loaded->getType()->isFloatingPointTy()) {
      const unsigned bits = loaded->getType()->getPrimitiveSizeInBits().getFixedValue();
      operand = builder_.CreateBitCast(loaded, builder_.getIntNTy(bits));
    }
  }
  llvm::FunctionType *asmType =
      llvm::FunctionType::get(builder_.getVoidTy(), {operand->getType()}, false);
  llvm::InlineAsm *emptyAsm =
      llvm::InlineAsm::get(asmType, "", constraint, /*hasSideEffects=*/true);
  llvm::CallInst *use = builder_.CreateCall(asmType, emptyAsm, {operand});
  use->setDoesNotThrow();
  use->setMemoryEffects(llvm::MemoryEffects::inaccessibleMemOnly());
  // It returns: without this LLVM must assume the loop may stop here, which
  // keeps it from promoting memory to registers across it (LICM).
  use->addFnAttr(llvm::Attribute::WillReturn);
}

const char *FunctionLowering::vectorRegisterConstraint() const {
  const llvm::Triple triple(env_.llvm.getTargetTriple());
  if (triple.getArch() == llvm::Triple::x86_64) return "x";
  if (triple.isAArch64()) return "w";
  return nullptr;
}

llvm::AllocaInst *FunctionLowering::loadSum(bool inLoop, unsigned width) {
  LoadSums &sums = inLoop ? loopSums_ : functionSums_;
  llvm::AllocaInst *&sum = width == 64 ? sums.wide : sums.narrow;
  if (sum != nullptr) return sum;
  // A local of the entry block: mem2reg turns it into SSA values and phis.
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  builder_.SetInsertPoint(entryBlock_->getTerminator());
  llvm::IntegerType *type = builder_.getIntNTy(width);
  sum = builder_.CreateAlloca(type, nullptr, inLoop ? "loop.load.sum" : "load.sum");
  builder_.CreateStore(llvm::ConstantInt::get(type, 0), sum);
  return sum;
}

void FunctionLowering::addToLoadSum(llvm::LoadInst *load) {
  // The raw loaded bits, before any extension: accesses of up to 4 bytes go
  // to the i32 sum so that a vectorized loop adds them in 32-bit lanes.
  llvm::Value *bits = load;
  llvm::Type *type = load->getType();
  if (type->getPrimitiveSizeInBits() == 128) {
    // A v128 load (SIMD) adds both 64-bit halves to the wide sum: s + a + b
    // is still a bijection of each half.
    llvm::Value *halves = builder_.CreateBitCast(load, v128Type());
    llvm::AllocaInst *sum = loadSum(/*inLoop=*/true, 64);
    llvm::Value *total = builder_.CreateLoad(i64Type(), sum);
    for (std::uint64_t half : {0u, 1u})
      total = builder_.CreateAdd(total, builder_.CreateExtractElement(halves, half));
    builder_.CreateStore(total, sum);
    anyLoadSummed_ = true;
    return;
  }
  // (A 64-bit vector, from an extending SIMD load, is summed as an i64.)
  if (type->isVectorTy()) type = builder_.getIntNTy(type->getPrimitiveSizeInBits().getFixedValue());
  if (type != load->getType()) bits = builder_.CreateBitCast(load, type);
  const auto loadWidth = static_cast<unsigned>(type->getPrimitiveSizeInBits().getFixedValue());
  if (type->isFloatingPointTy()) bits = builder_.CreateBitCast(load, builder_.getIntNTy(loadWidth));
  const unsigned sumWidth = loadWidth > 32 ? 64 : 32;
  if (loadWidth < sumWidth) bits = builder_.CreateZExt(bits, builder_.getIntNTy(sumWidth));
  llvm::AllocaInst *sum = loadSum(/*inLoop=*/true, sumWidth);
  builder_.CreateStore(builder_.CreateAdd(builder_.CreateLoad(bits->getType(), sum), bits), sum);
  anyLoadSummed_ = true;
}

void FunctionLowering::enterLoopForLoadSums(ControlFrame &frame) {
  const LoopKind kind = loopKinds_.at(loopOrdinal_++);
  frame.sumsLoads = kind.sums;
  if (!kind.sums && !kind.holdsSummingLoop) {
    // Nothing inside adds to the sums: use and restart them once here, and
    // the calls inside need no use of their own (they would only see zeros).
    consumeLoadSumsBeforeCall();
    frame.sumFree = true;
    ++openSumFreeLoops_;
    return;
  }
  if (!frame.sumsLoads) return;
  // The sums of an earlier summing loop move to the function's sums.
  for (unsigned width : {32u, 64u}) {
    llvm::AllocaInst *inLoop = loadSum(true, width);
    llvm::AllocaInst *inFunction = loadSum(false, width);
    llvm::Type *type = inLoop->getAllocatedType();
    builder_.CreateStore(builder_.CreateAdd(builder_.CreateLoad(type, inFunction),
                                            builder_.CreateLoad(type, inLoop)),
                         inFunction);
    builder_.CreateStore(llvm::ConstantInt::get(type, 0), inLoop);
  }
}

void FunctionLowering::leaveLoopForLoadSums(const ControlFrame &frame) {
  if (frame.sumFree) --openSumFreeLoops_;
}

void FunctionLowering::consumeLoadSumsBeforeCall() {
  // No summing loop in the function, or inside a loop where the sums are zero.
  if (loopSums_.narrow == nullptr || openSumFreeLoops_ != 0) return;
  callSiteSumUses_.push_back(consumeLoadSumsBefore(nullptr));
  // Restarting at zero keeps the sums from being live across the call.
  for (const LoadSums *sums : {&functionSums_, &loopSums_})
    for (llvm::AllocaInst *sum : {sums->narrow, sums->wide})
      builder_.CreateStore(llvm::ConstantInt::get(sum->getAllocatedType(), 0), sum);
}

void FunctionLowering::consumeLoadSums() {
  if (!anyLoadSummed_) {
    // The sums only ever hold zeros: no use is needed (mem2reg removes them).
    for (llvm::CallInst *use : callSiteSumUses_)
      use->eraseFromParent();
    return;
  }
  for (llvm::BasicBlock &block : *function_)
    if (auto *ret = llvm::dyn_cast<llvm::ReturnInst>(block.getTerminator())) {
      // Nothing may come between a musttail call and its return.
      auto *call = llvm::dyn_cast_or_null<llvm::CallInst>(ret->getPrevNode());
      consumeLoadSumsBefore(
          call != nullptr && call->isMustTailCall() ? static_cast<llvm::Instruction *>(call) : ret);
    }
  // Trap blocks end in `call trap(...)` + `unreachable`.
  for (llvm::BasicBlock *block : coldTrapBlocks_)
    consumeLoadSumsBefore(block->getTerminator()->getPrevNode());
  for (llvm::BasicBlock *header : loopsWithoutExit_)
    consumeLoadSumsBefore(&*header->getFirstInsertionPt());
}

llvm::CallInst *FunctionLowering::consumeLoadSumsBefore(llvm::Instruction *position) {
  // nullptr: at the current insertion point.
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  if (position != nullptr) builder_.SetInsertPoint(position);
  // One total per width (a sum of sums is still a bijection of every load),
  // so the asm needs two registers at most.
  std::vector<llvm::Value *> totals;
  std::vector<llvm::Type *> types;
  for (unsigned width : {32u, 64u}) {
    llvm::Value *total = nullptr;
    for (const LoadSums *sums : {&functionSums_, &loopSums_}) {
      llvm::AllocaInst *sum = width == 64 ? sums->wide : sums->narrow;
      if (sum == nullptr) continue;
      llvm::Value *value = builder_.CreateLoad(sum->getAllocatedType(), sum);
      total = total == nullptr ? value : builder_.CreateAdd(total, value);
    }
    if (total == nullptr) continue;
    totals.push_back(total);
    types.push_back(total->getType());
  }
  // Reads the totals in registers and does nothing: it must run, so the sums
  // (and every load feeding them) must be computed. Inaccessible memory only,
  // for the same reasons as keepLoadAliveWithAsm().
  auto *asmType = llvm::FunctionType::get(builder_.getVoidTy(), types, false);
  llvm::InlineAsm *emptyAsm = llvm::InlineAsm::get(asmType, "", totals.size() == 2 ? "r,r" : "r",
                                                   /*hasSideEffects=*/true);
  llvm::CallInst *use = builder_.CreateCall(asmType, emptyAsm, totals);
  use->setDoesNotThrow();
  use->setMemoryEffects(llvm::MemoryEffects::inaccessibleMemOnly());
  return use;
}

} // namespace waot::frontend::lower
