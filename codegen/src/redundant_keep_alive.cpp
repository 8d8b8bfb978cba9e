#include "redundant_keep_alive.hpp"

#include "inert_asm.hpp"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/DenseSet.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/Analysis/ValueTracking.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/ValueHandle.h>
#include <llvm/Transforms/Utils/Local.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace waot::codegen {
namespace {

// How many instructions one search for an effect may visit; past it the
// keep-alive stays (the answer only has to be right when it is "yes").
constexpr unsigned kSearchBudget = 128;

// Instructions the back end neither deletes nor moves to another block.
bool hasEffect(const llvm::Instruction &instruction) {
  if (llvm::isa<llvm::StoreInst, llvm::ReturnInst, llvm::SwitchInst, llvm::IndirectBrInst,
                llvm::AtomicRMWInst, llvm::AtomicCmpXchgInst>(instruction))
    return true;
  if (const auto *branch = llvm::dyn_cast<llvm::BranchInst>(&instruction))
    return branch->isConditional() && branch->getSuccessor(0) != branch->getSuccessor(1);
  if (const auto *call = llvm::dyn_cast<llvm::CallBase>(&instruction))
    return !isKeepAliveAsm(instruction) && call->mayHaveSideEffects();
  return false;
}

// Whether two addresses are the same base plus the same constant offset: the
// form in which the back end recognizes a store back to a load's address
// (the optimizer has already folded other spellings of one address).
bool sameBaseAndOffset(const llvm::Value *first, const llvm::Value *second,
                       const llvm::DataLayout &layout) {
  const auto baseAndOffset = [&](const llvm::Value *pointer) {
    std::int64_t offset = 0;
    const llvm::Value *base = llvm::GetPointerBaseWithConstantOffset(pointer, offset, layout);
    return std::pair{base, offset};
  };
  return baseAndOffset(first) == baseAndOffset(second);
}

// Uses whose result depends on every bit of the operand, so that no
// narrowing of a load feeding them can skip a byte: comparisons,
// floating-point arithmetic and conversions (no fast-math flags are ever
// set, so none of them can ignore an operand), and stores of the value (a
// load's bits can only be a store's value operand, never its address) to
// somewhere else: the back end deletes a store of a value loaded from the
// same address, and then the load.
bool needsAllBits(const llvm::Instruction &user, const llvm::LoadInst &load,
                  const llvm::DataLayout &layout) {
  if (llvm::isa<llvm::CmpInst>(user)) return true;
  if (const auto *store = llvm::dyn_cast<llvm::StoreInst>(&user))
    return !sameBaseAndOffset(store->getPointerOperand(), load.getPointerOperand(), layout);
  switch (user.getOpcode()) {
  case llvm::Instruction::FNeg:
  case llvm::Instruction::FAdd:
  case llvm::Instruction::FSub:
  case llvm::Instruction::FMul:
  case llvm::Instruction::FDiv:
  case llvm::Instruction::FRem:
  case llvm::Instruction::SIToFP:
  case llvm::Instruction::UIToFP:
  case llvm::Instruction::FPExt:
  case llvm::Instruction::FPTrunc: return true;
  default: break;
  }
  if (const auto *intrinsic = llvm::dyn_cast<llvm::IntrinsicInst>(&user))
    switch (intrinsic->getIntrinsicID()) {
    case llvm::Intrinsic::sqrt:
    case llvm::Intrinsic::fma:
    case llvm::Intrinsic::fmuladd: return true;
    default: break;
    }
  return false;
}

// A conversion that passes every bit of a scalar on (a "view" of a load).
bool keepsAllBits(const llvm::Instruction &instruction) {
  return llvm::isa<llvm::ZExtInst, llvm::SExtInst, llvm::BitCastInst>(instruction) &&
         !instruction.getType()->isVectorTy();
}

// Whether a constant (vector) operand could let the back end fold a lane of
// an arithmetic result without reading the other operand's lane: an undefined
// lane (`x + undef` is undef) or a NaN lane (`x * NaN` is NaN).
bool mayFoldLanesAway(const llvm::Value *operand) {
  const auto *constant = llvm::dyn_cast<llvm::Constant>(operand);
  if (constant == nullptr) return false;
  if (constant->containsUndefOrPoisonElement()) return true;
  const auto *vectorType = llvm::dyn_cast<llvm::FixedVectorType>(constant->getType());
  if (vectorType == nullptr || !vectorType->getElementType()->isFloatingPointTy()) return false;
  for (unsigned lane = 0; lane < vectorType->getNumElements(); ++lane) {
    const auto *element =
        llvm::dyn_cast_or_null<llvm::ConstantFP>(constant->getAggregateElement(lane));
    if (element == nullptr || element->isNaN()) return true;
  }
  return false;
}

// Whether the result of `use`'s user depends on every bit of every lane of
// the vector operand, whatever the other operand: lane-wise additions,
// subtractions, exclusive ors (bijections of each lane) and floating-point
// arithmetic (no fast-math flags are ever set), and bit casts between
// vectors of one size. Not masks, multiplications of integers, shuffles or
// extractions: through those the back end may narrow a vector load to the
// lanes still needed, and then skip bytes of an out-of-bounds access.
bool passesEveryLane(const llvm::Use &use) {
  const auto *user = llvm::cast<llvm::Instruction>(use.getUser());
  if (!user->getType()->isVectorTy()) return false;
  switch (user->getOpcode()) {
  case llvm::Instruction::BitCast: return user->getOperand(0)->getType()->isVectorTy();
  case llvm::Instruction::FNeg: return true;
  case llvm::Instruction::Add:
  case llvm::Instruction::Sub:
  case llvm::Instruction::Xor:
  case llvm::Instruction::FAdd:
  case llvm::Instruction::FSub:
  case llvm::Instruction::FMul:
  case llvm::Instruction::FDiv: return !mayFoldLanesAway(user->getOperand(1 - use.getOperandNo()));
  default: return false;
  }
}

// The block in which `use` reads its value: a phi reads it at the end of the
// incoming block.
const llvm::BasicBlock *useBlock(const llvm::Use &use) {
  const auto *user = llvm::cast<llvm::Instruction>(use.getUser());
  if (const auto *phi = llvm::dyn_cast<llvm::PHINode>(user)) return phi->getIncomingBlock(use);
  return user->getParent();
}

// The operands of a keep-alive sum node that are added into it (not a
// select's condition, not an inserted element's lane index).
llvm::SmallVector<llvm::Use *, 4> summands(llvm::Instruction &node) {
  llvm::SmallVector<llvm::Use *, 4> uses;
  if (auto *select = llvm::dyn_cast<llvm::SelectInst>(&node)) {
    uses.push_back(&select->getOperandUse(1));
    uses.push_back(&select->getOperandUse(2));
  } else if (llvm::isa<llvm::IntrinsicInst, llvm::BitCastInst>(node)) {
    uses.push_back(&node.getOperandUse(0));
  } else if (llvm::isa<llvm::InsertElementInst>(node)) {
    uses.push_back(&node.getOperandUse(0)); // the vector so far
    uses.push_back(&node.getOperandUse(1)); // the element (not the lane index)
  } else {
    for (llvm::Use &operand : node.operands())
      uses.push_back(&operand);
  }
  return uses;
}

// What the optimizer makes of the frontend's load sums: adds, phis, selects
// (predicated vector loops) and vector add reductions, of integers; and the
// vectors the SLP vectorizer packs terms into for a reduction (inserted
// elements, shuffles, bit casts between vector types).
bool canBeSumNode(const llvm::Value *value) {
  const auto *instruction = llvm::dyn_cast<llvm::Instruction>(value);
  if (instruction == nullptr) return false;
  if (llvm::isa<llvm::InsertElementInst, llvm::ShuffleVectorInst>(instruction)) return true;
  if (llvm::isa<llvm::BitCastInst>(instruction))
    return instruction->getType()->isVectorTy() &&
           instruction->getOperand(0)->getType()->isVectorTy();
  const llvm::Type *type = instruction->getType()->getScalarType();
  if (!type->isIntegerTy() || type->getIntegerBitWidth() < 8) return false;
  if (const auto *intrinsic = llvm::dyn_cast<llvm::IntrinsicInst>(instruction))
    return intrinsic->getIntrinsicID() == llvm::Intrinsic::vector_reduce_add;
  return instruction->getOpcode() == llvm::Instruction::Add ||
         llvm::isa<llvm::PHINode, llvm::SelectInst>(instruction);
}

class KeepAliveUses {
public:
  explicit KeepAliveUses(llvm::Function &function)
      : layout_(function.getParent()->getDataLayout()) {
    for (llvm::BasicBlock &block : function)
      for (llvm::Instruction &instruction : block)
        if (isKeepAliveAsm(instruction)) asms_.push_back(llvm::cast<llvm::CallInst>(&instruction));
    findSumNodes();
  }

  // Replaces every redundant keep-alive term by zero and deletes the sums
  // that are then zero. Returns whether anything changed.
  bool dropRedundant() {
    bool changed = false;
    llvm::SmallVector<llvm::WeakTrackingVH, 16> unusedViews;
    const auto dropIfRedundant = [&](llvm::Use &term) {
      llvm::Value *value = term.get();
      if (llvm::isa<llvm::Constant>(value) || sumNodes_.contains(value)) return;
      llvm::LoadInst *load = loadBehind(value);
      if (load == nullptr || !keptByOwnUses(*load)) return;
      term.set(llvm::Constant::getNullValue(value->getType()));
      unusedViews.emplace_back(value); // a zero extension only the sum used
      changed = true;
    };
    for (llvm::Instruction *node : sumOrder_)
      for (llvm::Use *term : summands(*node))
        dropIfRedundant(*term);
    for (llvm::CallInst *use : asms_)
      for (llvm::Use &operand : use->args())
        dropIfRedundant(operand);
    if (!changed) return false;
    llvm::RecursivelyDeleteTriviallyDeadInstructionsPermissive(unusedViews);
    deleteZeroSums();
    return true;
  }

private:
  bool isKeepAliveUser(const llvm::User *user) const {
    return sumNodes_.contains(user) || isKeepAliveAsm(*llvm::cast<llvm::Instruction>(user));
  }

  // The sum nodes: instructions reachable backwards from the asm operands
  // through summands whose value only flows into other sum nodes and asm,
  // so that changing it changes nothing but what the asm reads.
  void findSumNodes() {
    llvm::DenseSet<const llvm::Value *> candidates;
    std::vector<llvm::Instruction *> order;
    const auto consider = [&](llvm::Value *value) {
      if (canBeSumNode(value) && candidates.insert(value).second)
        order.push_back(llvm::cast<llvm::Instruction>(value));
    };
    for (llvm::CallInst *use : asms_)
      for (llvm::Use &operand : use->args())
        consider(operand.get());
    for (std::size_t next = 0; next < order.size(); ++next)
      for (llvm::Use *summand : summands(*order[next]))
        consider(summand->get());
    // Prune nodes with any other user; a pruned node's operands are then
    // checked again (each node is pruned at most once: linear time).
    const auto hasOtherUser = [&](const llvm::Instruction *node) {
      return llvm::any_of(node->users(), [&](const llvm::User *user) {
        return !candidates.contains(user) && !isKeepAliveAsm(*llvm::cast<llvm::Instruction>(user));
      });
    };
    std::vector<llvm::Instruction *> recheck(order.rbegin(), order.rend());
    while (!recheck.empty()) {
      llvm::Instruction *node = recheck.back();
      recheck.pop_back();
      if (!candidates.contains(node) || !hasOtherUser(node)) continue;
      candidates.erase(node);
      for (llvm::Use *summand : summands(*node))
        if (candidates.contains(summand->get()))
          recheck.push_back(llvm::cast<llvm::Instruction>(summand->get()));
    }
    for (llvm::Instruction *node : order)
      if (candidates.contains(node)) {
        sumNodes_.insert(node);
        sumOrder_.push_back(node);
      }
  }

  // The load whose bits `value` is, or a lane of (a half of a v128 load).
  static llvm::LoadInst *loadBehind(llvm::Value *value) {
    if (auto *lane = llvm::dyn_cast<llvm::ExtractElementInst>(value))
      value = lane->getVectorOperand();
    while (const auto *view = llvm::dyn_cast<llvm::Instruction>(value)) {
      if (!keepsAllBits(*view)) break;
      value = view->getOperand(0);
    }
    return llvm::dyn_cast<llvm::LoadInst>(value);
  }

  bool keptByOwnUses(llvm::LoadInst &load) {
    auto [cached, isNew] = verdicts_.try_emplace(&load, false);
    if (isNew) cached->second = computeKeptByOwnUses(load);
    return cached->second;
  }

  bool computeKeptByOwnUses(llvm::LoadInst &load) const {
    if (!load.isSimple()) return false;
    if (load.getType()->isVectorTy()) return vectorKeptByOwnUses(load);
    const bool oneByte = layout_.getTypeStoreSize(load.getType()) == 1;
    llvm::SmallVector<llvm::Instruction *, 4> views{&load};
    for (std::size_t next = 0; next < views.size(); ++next)
      for (const llvm::Use &use : views[next]->uses()) {
        auto *user = llvm::cast<llvm::Instruction>(use.getUser());
        if (isKeepAliveUser(user)) continue;
        if (keepsAllBits(*user)) {
          views.push_back(user);
          continue;
        }
        if (!oneByte && !needsAllBits(*user, load, layout_)) continue;
        if (anchoredAndLive(use, load.getParent())) return true;
      }
    return false;
  }

  // A vector load is kept by its own uses when, inside its block, a path of
  // uses that each pass every lane on (passesEveryLane) ends in an effect
  // taking the whole vector (a store of it elsewhere, a call argument, a
  // return) or in a phi for an edge leaving the block from which an effect
  // is reached: the back end then needs every byte of the load in this
  // block. (A phi's operand is copied to a register whole.)
  bool vectorKeptByOwnUses(llvm::LoadInst &load) const {
    const llvm::BasicBlock *block = load.getParent();
    std::vector<llvm::Instruction *> worklist{&load};
    llvm::DenseSet<const llvm::Instruction *> visited{&load};
    for (std::size_t next = 0; next < worklist.size() && next < kSearchBudget; ++next)
      for (const llvm::Use &use : worklist[next]->uses()) {
        auto *user = llvm::cast<llvm::Instruction>(use.getUser());
        if (isKeepAliveUser(user) || useBlock(use) != block) continue;
        if (llvm::isa<llvm::PHINode>(user)) {
          if (anchoredAndLive(use, block)) return true;
          continue;
        }
        if (takesWholeVector(*user, use, load)) return true;
        if (passesEveryLane(use) && visited.insert(user).second) worklist.push_back(user);
      }
    return false;
  }

  // Effects that read every lane of a vector operand: a store of it (the
  // load itself not back to its own address), a return, a call of a
  // function (not of an intrinsic: a masked store reads some lanes only).
  bool takesWholeVector(const llvm::Instruction &user, const llvm::Use &use,
                        const llvm::LoadInst &load) const {
    if (llvm::isa<llvm::ReturnInst>(user)) return true;
    if (const auto *store = llvm::dyn_cast<llvm::StoreInst>(&user))
      return use.getOperandNo() == 0 && (use.get() != &load || needsAllBits(*store, load, layout_));
    if (const auto *call = llvm::dyn_cast<llvm::CallBase>(&user))
      return hasEffect(user) && !llvm::isa<llvm::IntrinsicInst>(call) && call->isArgOperand(&use);
    return false;
  }

  // Whether a path of uses leads from `use` to an instruction with an effect
  // such that its part inside `block` ends in an effect there or in the
  // operand of a phi for an edge leaving `block`: the back end then keeps
  // the user, and so the load, in `block`, and cannot delete either.
  bool anchoredAndLive(const llvm::Use &use, const llvm::BasicBlock *block) const {
    if (useBlock(use) != block) return false;
    auto *user = llvm::cast<llvm::Instruction>(use.getUser());
    // (instruction, whether the path is already anchored)
    std::vector<std::pair<llvm::Instruction *, bool>> worklist{
        {user, llvm::isa<llvm::PHINode>(user)}};
    llvm::DenseSet<const llvm::Instruction *> visited[2]; // by `anchored`
    visited[worklist.front().second].insert(user);
    for (std::size_t next = 0; next < worklist.size() && next < kSearchBudget; ++next) {
      const auto [instruction, anchored] = worklist[next];
      if (hasEffect(*instruction)) return true; // unanchored paths stay in `block`
      for (const llvm::Use &onward : instruction->uses()) {
        auto *successor = llvm::cast<llvm::Instruction>(onward.getUser());
        if (isKeepAliveUser(successor)) continue;
        bool nowAnchored = anchored;
        if (!anchored) {
          if (useBlock(onward) != block) continue; // could sink with its user: not this path
          nowAnchored = llvm::isa<llvm::PHINode>(successor);
        }
        if (visited[nowAnchored].insert(successor).second)
          worklist.emplace_back(successor, nowAnchored);
      }
    }
    return false;
  }

  // After terms became zero: a sum node all of whose summands are zero (or
  // zero sum nodes) is zero; those are replaced by constants and deleted.
  void deleteZeroSums() {
    llvm::DenseSet<const llvm::Value *> nonZero;
    std::vector<llvm::Instruction *> worklist;
    for (llvm::Instruction *node : sumOrder_)
      for (llvm::Use *summand : summands(*node)) {
        const llvm::Value *value = summand->get();
        // (undefined lanes of a packed vector may as well be zero)
        const auto *constant = llvm::dyn_cast<llvm::Constant>(value);
        if (sumNodes_.contains(value) ||
            (constant != nullptr &&
             (constant->isNullValue() || llvm::isa<llvm::UndefValue>(constant))))
          continue;
        if (nonZero.insert(node).second) worklist.push_back(node);
        break;
      }
    while (!worklist.empty()) {
      llvm::Instruction *node = worklist.back();
      worklist.pop_back();
      for (llvm::User *user : node->users())
        if (sumNodes_.contains(user) && nonZero.insert(user).second)
          worklist.push_back(llvm::cast<llvm::Instruction>(user));
    }
    std::vector<llvm::Instruction *> zero;
    for (llvm::Instruction *node : sumOrder_)
      if (!nonZero.contains(node)) zero.push_back(node);
    for (llvm::Instruction *node : zero)
      node->replaceAllUsesWith(llvm::Constant::getNullValue(node->getType()));
    for (llvm::Instruction *node : zero)
      node->eraseFromParent();
  }

  const llvm::DataLayout &layout_;
  std::vector<llvm::CallInst *> asms_;
  llvm::DenseSet<const llvm::Value *> sumNodes_;
  std::vector<llvm::Instruction *> sumOrder_;
  llvm::DenseMap<const llvm::LoadInst *, bool> verdicts_;
};

} // namespace

llvm::PreservedAnalyses DropRedundantKeepAlivesPass::run(llvm::Function &function,
                                                         llvm::FunctionAnalysisManager &) {
  if (!KeepAliveUses(function).dropRedundant()) return llvm::PreservedAnalyses::all();
  llvm::PreservedAnalyses preserved;
  preserved.preserveSet<llvm::CFGAnalyses>();
  return preserved;
}

} // namespace waot::codegen
