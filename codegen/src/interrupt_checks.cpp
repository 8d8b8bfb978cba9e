#include "interrupt_checks.hpp"

#include "waot/abi.h"
#include "waot/frontend/lower.hpp"

#include <llvm/ADT/SmallPtrSet.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/CFG.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>

#include <cstddef>
#include <utility>

namespace waot::codegen {
namespace {

void insertCheck(llvm::BasicBlock &header, llvm::Value *ctx) {
  llvm::LLVMContext &context = header.getContext();
  llvm::IRBuilder<> builder(&*header.getFirstInsertionPt());
  llvm::Type *i8 = builder.getInt8Ty();
  // Atomic (monotonic): performed on every pass through the header.
  llvm::LoadInst *requested = builder.CreateAlignedLoad(
      builder.getInt32Ty(),
      builder.CreateConstInBoundsGEP1_64(i8, ctx, offsetof(waot_ctx_header, interrupt_requested)),
      llvm::Align(4), "interrupt.requested");
  requested->setAtomic(llvm::AtomicOrdering::Monotonic);
  llvm::Instruction *check = llvm::SplitBlockAndInsertIfThen(
      builder.CreateICmpNE(requested, builder.getInt32(0)), builder.GetInsertPoint(),
      /*Unreachable=*/true, llvm::MDBuilder(context).createUnlikelyBranchWeights());
  builder.SetInsertPoint(check);
  llvm::PointerType *ptr = builder.getPtrTy();
  llvm::Value *builtins = builder.CreateAlignedLoad(
      ptr, builder.CreateConstInBoundsGEP1_64(i8, ctx, offsetof(waot_ctx_header, builtins)),
      llvm::Align(alignof(void *)));
  llvm::Value *entry = builder.CreateAlignedLoad(
      ptr,
      builder.CreateConstInBoundsGEP1_64(
          i8, builtins, std::size_t{WAOT_BUILTIN_INDEX_check_interrupt} * sizeof(void *)),
      llvm::Align(alignof(void *)));
  llvm::FunctionType *type = llvm::FunctionType::get(builder.getVoidTy(), {ptr}, false);
  // Never returns (it traps): nothing stays live across the call, so the
  // hot path keeps every register.
  llvm::CallInst *call = builder.CreateCall(type, entry, {ctx});
  call->setDoesNotThrow();
  call->setDoesNotReturn();
  call->addFnAttr(llvm::Attribute::Cold);
}

} // namespace

llvm::PreservedAnalyses InsertInterruptChecksPass::run(llvm::Function &function,
                                                       llvm::FunctionAnalysisManager &) {
  if (!function.hasFnAttribute(frontend::kInterruptibleAttribute) || function.arg_empty())
    return llvm::PreservedAnalyses::all();
  llvm::SmallVector<std::pair<const llvm::BasicBlock *, const llvm::BasicBlock *>, 8> backEdges;
  llvm::FindFunctionBackedges(function, backEdges);
  llvm::SmallPtrSet<llvm::BasicBlock *, 8> headers;
  for (const auto &[from, to] : backEdges)
    headers.insert(const_cast<llvm::BasicBlock *>(to));
  if (headers.empty()) return llvm::PreservedAnalyses::all();
  // Every wasm function's first parameter; the frontend's entry check in
  // every function with a loop keeps it from being optimized away.
  llvm::Value *ctx = function.getArg(0);
  if (!ctx->getType()->isPointerTy())
    llvm::report_fatal_error(llvm::Twine("interruption checks: ") + function.getName() +
                             " has lost its context parameter");
  for (llvm::BasicBlock *header : headers)
    insertCheck(*header, ctx);
  return llvm::PreservedAnalyses::none();
}

} // namespace waot::codegen
