// Lowering of one function body to LLVM IR.
//
// FunctionLowering walks the (already validated) instructions once with
// InstrReader and keeps the state of that walk: the wasm value stack as LLVM
// SSA values, the stack of open control constructs with their basic blocks
// and phi nodes, the locals' allocas, and values cached per function (memory
// base, trap blocks). Each opcode category is emitted by its own file:
//   emit_control.cpp   block/loop/if/else/end/br*/return/unreachable/nop
//   emit_call.cpp      call, call_indirect, return_call, return_call_indirect
//   emit_variable.cpp  local.*, global.*, drop, select
//   emit_numeric.cpp   constants, comparisons, arithmetic
//   emit_convert.cpp   conversions
//   emit_memory.cpp    loads, stores, memory.* and data.drop
//   emit_table.cpp     table.*, elem.drop, ref.*
// and function_lowering.cpp holds the walk, the dispatch and the helpers
// they share (context loads, traps, builtin calls).
#pragma once

#include "builtins.hpp"
#include "module_env.hpp"

#include "waot/frontend/instr_reader.hpp"

#include <llvm/IR/IRBuilder.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace waot::frontend::lower {

// One open structured-control construct (or the function body itself).
struct ControlFrame {
  enum class Kind : std::uint8_t { Function, Block, Loop, If };
  Kind kind = Kind::Block;
  std::vector<ValType> params;
  std::vector<ValType> results;
  // Value-stack height below the construct's parameters.
  std::size_t stackHeight = 0;
  // Where `br` to this label goes: the loop header for loops, else the
  // continuation after `end` (created with the frame, erased at `end` when
  // only the fallthrough or nothing at all reaches it).
  llvm::BasicBlock *branchTarget = nullptr;
  // Incoming values of the branch target: loop parameters or block results.
  std::vector<llvm::PHINode *> phis;
  // `if` only: the false edge's block and the parameters to re-push at `else`.
  llvm::BasicBlock *elseBlock = nullptr;
  std::vector<llvm::Value *> ifParams;
  bool seenElse = false;
  // Loops only: whether any branch, return or the fallthrough at `end`
  // leaves the loop, and whether it sums its loads (emit_load_keepalive.cpp).
  bool leftByBranch = false;
  bool sumsLoads = false;
  bool sumFree = false; // neither it nor a loop inside it sums loads

  bool isLoop() const { return kind == Kind::Loop; }
  // The values a branch to this label carries.
  const std::vector<ValType> &labelTypes() const { return isLoop() ? params : results; }
};

class FunctionLowering {
public:
  FunctionLowering(ModuleEnv &env, std::uint32_t definedIndex);
  FunctionLowering(const FunctionLowering &) = delete;
  FunctionLowering &operator=(const FunctionLowering &) = delete;

  // Emits the whole body into the (empty) function declared in env.functions.
  void run();

private:
  // ---- the walk (function_lowering.cpp)
  void emitPrologue();
  // In dead code: tracks nesting and says whether `in` is skipped (everything
  // but the `else`/`end` of the frame that became dead).
  bool isSkippedDeadInstruction(const Instr &in);
  void dispatch(const Instr &in);
  void moveColdBlocksToEnd();

  // ---- per-category emitters
  void emitControl(const Instr &in); // emit_control.cpp
  void emitCall(const Instr &in);    // emit_call.cpp
  void emitCallIndirect(const Instr &in);
  void emitReturnCall(const Instr &in);
  void emitReturnCallIndirect(const Instr &in);
  void emitParametric(const Instr &in); // emit_variable.cpp
  void emitVariable(const Instr &in);
  void emitConst(const Instr &in); // emit_numeric.cpp
  void emitCompare(const Instr &in);
  void emitArith(const Instr &in);
  void emitConvert(const Instr &in); // emit_convert.cpp
  void emitMemory(const Instr &in);  // emit_memory.cpp
  void emitTable(const Instr &in);   // emit_table.cpp
  void emitReference(const Instr &in);
  // SIMD (0xFD): v128 is <2 x i64> (ModuleEnv::type); see emit_simd.cpp for
  // the shared helpers.
  void emitSimdConst(const Instr &in);   // emit_simd.cpp
  void emitSimdMemory(const Instr &in);  // emit_simd_memory.cpp
  void emitSimdLane(const Instr &in);    // emit_simd_lane.cpp
  void emitSimdCompare(const Instr &in); // emit_simd_compare.cpp
  void emitSimdArith(const Instr &in);   // emit_simd_arith.cpp
  void emitSimdConvert(const Instr &in); // emit_simd_convert.cpp

  // ---- structured control (emit_control.cpp)
  ControlFrame makeFrame(ControlFrame::Kind kind, const BlockType &type);
  std::vector<llvm::PHINode *> createPhis(llvm::BasicBlock *block,
                                          const std::vector<ValType> &types);
  void addIncoming(ControlFrame &target, std::span<llvm::Value *const> values);
  ControlFrame &frameAt(std::uint32_t depth);
  void markUnreachable();
  void openBlock(const Instr &in);
  void openLoop(const Instr &in);
  void openIf(const Instr &in);
  void finishFallthroughToTarget(ControlFrame &frame);
  void emitElse();
  void emitEnd();
  void closeFrameContinuation(ControlFrame &frame);
  // Returns `results` (through the result pointer of a tailcc function that
  // has one) and marks the rest dead; createReturn only ends the block.
  void emitReturn(const std::vector<llvm::Value *> &results);
  void createReturn(const std::vector<llvm::Value *> &results);
  void emitBranch(std::uint32_t depth);
  void emitBranchIf(std::uint32_t depth);
  void emitBranchTable(const Instr &in);
  // A branch to the frame at `depth` leaves every loop nested inside it.
  void noteLoopsLeftByBranchTo(std::uint32_t depth);

  // ---- calls (emit_call.cpp)
  // `function` after checking that it and its type exist.
  std::uint32_t checkedFunction(std::uint32_t function) const;
  // Calls function `callee` of the module: a defined one directly, an
  // imported one through its record.
  // The results as an ordinary call gives them (nothing, T, or a struct).
  llvm::Value *callFunction(std::uint32_t callee, std::span<llvm::Value *const> args);
  // The declared LLVM function of defined function `callee` in this part.
  llvm::Function *definedCallee(std::uint32_t callee) const;
  // The checked callee of a call_indirect: its table entry, code and context.
  struct IndirectCallee {
    llvm::Value *entry;
    llvm::Value *code;
    llvm::Value *context;
  };
  IndirectCallee checkedIndirectCallee(std::uint32_t typeIndex, std::uint32_t table,
                                       llvm::Value *index);
  // A tail call of a function reached through its waot_func record: musttail
  // to its tail_code when it has one, else an ordinary call and return.
  void emitTailCallThroughRecord(std::uint32_t typeIndex, llvm::Value *record, llvm::Value *code,
                                 llvm::Value *calleeContext, std::span<llvm::Value *const> args);
  // `musttail call tailcc` + `ret`: passes our result pointer on, if any.
  void emitMustTailCall(std::uint32_t typeIndex, llvm::Value *callee, llvm::Value *calleeContext,
                        std::span<llvm::Value *const> args);
  // The entry-block buffer ordinary calls of tailcc functions of this type
  // receive their results in (null when the type returns in registers).
  llvm::Value *resultBuffer(std::uint32_t typeIndex);
  // call_indirect through a table with constant contents: a switch over the
  // few elements of the call's signature, calling each directly. False (and
  // nothing emitted) when the table is not constant or has too many.
  bool emitKnownTargetsCall(std::uint32_t typeIndex, std::uint32_t table, llvm::Value *index,
                            std::span<llvm::Value *const> args);
  llvm::CallInst *createWasmCall(llvm::FunctionType *type, llvm::Value *callee,
                                 llvm::Value *calleeContext, std::span<llvm::Value *const> args,
                                 llvm::CallingConv::ID callingConv);
  // Pushes a call's results (a struct of several is split into its fields).
  void pushCallResults(llvm::Value *result, const FuncType &signature);
  std::vector<llvm::Value *> callResults(llvm::Value *result, const FuncType &signature);
  llvm::Value *loadFuncRecordField(llvm::Value *record, std::size_t fieldOffset, llvm::Type *type,
                                   bool invariant);

  // ---- numeric helpers (emit_numeric.cpp, emit_convert.cpp)
  llvm::Value *emitIntegerDivision(const Instr &in, llvm::Value *lhs, llvm::Value *rhs);
  llvm::Value *emitTrappingTruncation(const Instr &in, llvm::Value *operand);

  // ---- memory helpers (emit_memory.cpp)
  void emitLoad(const Instr &in);
  void emitStore(const Instr &in);
  // The base of memory `memory` (invariant: loaded once, in the entry block).
  llvm::Value *memoryBase(std::uint32_t memory);
  // The memory's waot_memory record: ctx->memory0 or ctx->memories[memory].
  llvm::Value *memoryRecord(std::uint32_t memory);
  // The record's size (changes with memory.grow).
  llvm::Value *memorySizeInBytes(std::uint32_t memory);
  // Traps with "out of bounds memory access" unless [start, start + length)
  // (u32 operands) lies within the first `sizeInBytes` bytes.
  void trapUnlessRangeInMemory(llvm::Value *start, llvm::Value *length, llvm::Value *sizeInBytes);
  void emitMemoryFill(std::uint32_t memory, llvm::Value *dst, llvm::Value *value,
                      llvm::Value *length);
  void emitMemoryCopy(std::uint32_t dstMemory, std::uint32_t srcMemory, llvm::Value *dst,
                      llvm::Value *src, llvm::Value *length);
  // The address of a memarg access at `index` (an i32, or for a 64-bit
  // memory an i64 that this checks: see emit_memory.cpp).
  llvm::Value *effectiveAddress(const MemArg &mem, llvm::Value *index);
  // The address `index` + `offset` of memory `memory`, unchecked.
  llvm::Value *memoryAddress(std::uint32_t memory, llvm::Value *index, std::uint64_t offset);
  bool isMemory64(std::uint32_t memory) const { return wasm_.memories[memory].is64; }
  // A grow builtin's u32 result (UINT32_MAX: failure) as an i64 (-1).
  llvm::Value *widenGrowResult(llvm::Value *result);
  // An i64 index, size or length saturated to u32 (UINT32_MAX is beyond any
  // size the runtime allows, so bounds checks on the result stay exact); an
  // i32 one unchanged.
  llvm::Value *saturateToU32(llvm::Value *value);
  // A table operand: saturated for a 64-bit table (table64).
  llvm::Value *tableIndex32(std::uint32_t table, llvm::Value *index) {
    return wasm_.tables[table].is64 ? saturateToU32(index) : index;
  }

  // ---- keeping out-of-bounds loads trapping (emit_load_keepalive.cpp)
  // Before the walk: which loops sum their loads (loopKinds_).
  void findSummingLoops();
  // Right after every linear-memory load (`value`: the load, extended): a
  // load sum or an asm use.
  void keepLoadTrapping(llvm::LoadInst *load, llvm::Value *value);
  void keepLoadAliveWithAsm(llvm::Value *loaded);
  void addToLoadSum(llvm::LoadInst *load);
  // The sum of the current summing loop or of the function, of 32 or 64 bits.
  llvm::AllocaInst *loadSum(bool inLoop, unsigned width);
  // At `loop`: decides whether the loop sums its loads and restarts its sums;
  // at its `end`: leaves it.
  void enterLoopForLoadSums(ControlFrame &frame);
  void leaveLoopForLoadSums(const ControlFrame &frame);
  // Before every call: makes the sums observable and restarts them.
  void consumeLoadSumsBeforeCall();
  // After the walk: makes the sums observable wherever the function ends.
  void consumeLoadSums();
  llvm::CallInst *consumeLoadSumsBefore(llvm::Instruction *position);
  // The register constraint that keeps a float in its own register class on
  // this target, or nullptr (then its bits go through an integer register).
  const char *floatRegisterConstraint(llvm::Type *type) const;
  // `value`, hidden from the optimizer (see emitConst).
  llvm::Value *opaqueFloat(llvm::Value *value);

  // ---- table helpers (emit_table.cpp)
  void requireTable(std::uint32_t table) const;
  // The size of a table that can never change size (declared max == min).
  std::optional<std::uint32_t> fixedTableSize(std::uint32_t table) const;
  llvm::Value *tableRecord(std::uint32_t table);
  // The element array of a table that can never grow (entry block, cached).
  llvm::Value *fixedTableElements(std::uint32_t table);
  // Bounds-checks `index` (trapping with `outOfBounds`) and returns the
  // address of its waot_table_entry.
  llvm::Value *tableElementAddress(std::uint32_t table, llvm::Value *index,
                                   waot_trap_kind outOfBounds);
  llvm::LoadInst *loadTableEntryField(llvm::Value *entry, std::size_t fieldOffset,
                                      llvm::Type *type);
  // The function's cold block for a failed call_indirect type check at
  // `entry`: it traps "uninitialized element" when the entry is null,
  // "indirect call type mismatch" otherwise.
  llvm::BasicBlock *indirectCallTrapBlock(llvm::Value *entry);

  // ---- SIMD helpers (emit_simd.cpp)
  // The vector type of a lane shape: i8x16, i16x8, i32x4, i64x2 (integer
  // lanes of `laneBits`) or f32x4, f64x2 (`isFloat`).
  llvm::FixedVectorType *simdShape(unsigned laneBits, bool isFloat = false) const;
  llvm::FixedVectorType *v128Type() const; // <2 x i64>
  // Pops a v128 and bitcasts it to `shape`.
  llvm::Value *popSimd(llvm::FixedVectorType *shape);
  // Bitcasts any 128-bit vector to v128 and pushes it.
  void pushSimd(llvm::Value *vector);
  llvm::Value *asV128(llvm::Value *vector);

  // ---- SIMD memory/lane helpers (emit_simd_memory.cpp, emit_simd_lane.cpp,
  // emit_simd_convert.cpp, emit_load_keepalive.cpp)
  // The loads of SimdMemory (all but v128.store and the lane stores).
  void emitSimdLoad(const Instr &in);
  // The register class constraint of a 128-bit vector on this target, or
  // nullptr (then its bits go through two integer registers).
  const char *vectorRegisterConstraint() const;
  // `vector` (any 128-bit vector type, returned in that type), hidden from
  // the optimizer like opaqueFloat (emit_simd.cpp).
  llvm::Value *opaqueV128(llvm::Value *vector);
  llvm::Value *emitSwizzle(llvm::Value *table, llvm::Value *indices);
  // ---- end of SIMD memory/lane helpers

  // ---- variables (emit_variable.cpp)
  llvm::Value *globalCellAddress(std::uint32_t global);

  // ---- value stack (function_lowering.cpp)
  void push(llvm::Value *value) { stack_.push_back(value); }
  void requireStack(std::size_t count) const;
  llvm::Value *pop();
  // Pops the top `count` values, deepest first.
  std::vector<llvm::Value *> popValues(std::size_t count);
  // The top `count` values without popping them, deepest first.
  std::span<llvm::Value *const> topValues(std::size_t count) const;
  // Drops the values above `height` (a frame's base) when leaving or
  // switching arms of a construct; never grows the stack.
  void truncateStack(std::size_t height);

  // ---- shared emission helpers (function_lowering.cpp)
  llvm::Align naturalAlign(llvm::Type *type) const;
  llvm::Value *byteOffset(llvm::Value *base, std::uint64_t offset);
  llvm::Value *contextAddress(std::uint64_t offset);
  llvm::LoadInst *loadWithTag(llvm::Type *type, llvm::Value *address, llvm::MDNode *tbaa,
                              bool invariant);
  llvm::StoreInst *storeWithTag(llvm::Value *value, llvm::Value *address, llvm::MDNode *tbaa);
  // An invariant load of a pointer-sized context field (ctx + offset).
  llvm::LoadInst *loadContextPointer(std::uint64_t offset);
  // The same for a field pointing at a runtime record (waot_table,
  // waot_memory, waot_builtins, waot_func, a global cell): never null and
  // dereferenceable for `recordSize` bytes.
  llvm::LoadInst *loadRecordPointer(std::uint64_t offset, std::uint64_t recordSize,
                                    std::uint64_t recordAlign);
  // The builtin's entry point, reached through ctx->builtins.
  llvm::Value *loadBuiltin(Builtin builtin);
  // Calls a builtin with the context prepended to `args`.
  llvm::CallInst *callBuiltin(Builtin builtin, llvm::ArrayRef<llvm::Value *> args);
  // Interruptible code (ModuleEnv::interruptible): calls the
  // check_interrupt builtin when the context's interrupt_requested word is
  // set. Nothing otherwise.
  void emitInterruptCheck();
  // The function's cold block for `kind`, created on first use.
  llvm::BasicBlock *trapBlock(waot_trap_kind kind);
  // Traps when `condition` holds (marked unlikely); continues on the false edge.
  void trapIf(llvm::Value *condition, waot_trap_kind kind);
  // The same towards a given cold block.
  void branchToTrapIf(llvm::Value *condition, llvm::BasicBlock *trap);
  // Ends the current (cold) block with the noreturn trap builtin for `kind`.
  void emitTrapCall(llvm::Value *kind);
  // Unconditional trap: the rest of the current block is dead.
  void trapAlways(waot_trap_kind kind);
  llvm::Value *toCondition(llvm::Value *i32Value);
  llvm::Value *boolToI32(llvm::Value *flag);
  llvm::Type *i32Type() const { return llvm::Type::getInt32Ty(env_.context); }
  llvm::Type *i64Type() const { return llvm::Type::getInt64Ty(env_.context); }
  llvm::Value *i32Const(std::uint32_t value) { return builder_.getInt32(value); }
  // The LLVM type of a uniform instruction's result (void when it has none).
  llvm::Type *sigResultType(Sig sig) const;
  llvm::BasicBlock *newBlock(const char *name);
  // The convention of every code pointer (imports, table entries, waot_func
  // code): the ordinary one; tailcc entries are reached as tail_code only.
  llvm::CallingConv::ID wasmCallingConv() const { return llvm::CallingConv::C; }
  [[noreturn]] void unsupported(const Instr &in, const std::string &what) const;
  // items[index], or an "invalid module" error naming `what` when out of
  // range: validation rules this out, but an unvalidated module must fail
  // with an error rather than read out of bounds.
  template <class Items>
  void requireIndex(const Items &items, std::uint64_t index, const char *what) const {
    if (index >= items.size()) failIndexOutOfRange(what, index);
  }
  template <class Items>
  auto &checkedAt(Items &items, std::uint64_t index, const char *what) const {
    requireIndex(items, index, what);
    return items[index];
  }
  [[noreturn]] void failIndexOutOfRange(const char *what, std::uint64_t index) const;

  ModuleEnv &env_;
  const Module &wasm_;
  const FunctionBody &body_;
  std::uint32_t functionIndex_;
  const FuncType &signature_;
  llvm::Function *function_;
  llvm::Value *ctx_;
  llvm::IRBuilder<> builder_;

  std::vector<llvm::Value *> stack_;
  std::vector<ControlFrame> frames_;
  // Locals (params first), one alloca each.
  std::vector<llvm::AllocaInst *> localSlots_;

  // False after an unconditional transfer until the enclosing frame's
  // `else`/`end`; constructs nested in dead code are only counted.
  bool reachable_ = true;
  std::uint32_t deadNesting_ = 0;

  llvm::BasicBlock *entryBlock_ = nullptr;
  // Memory bases and (for memories other than 0) record pointers, by memory
  // index, loaded in the entry block on first use.
  std::vector<llvm::Value *> memoryBases_;
  std::vector<llvm::Value *> memoryRecords_;
  // Element arrays of tables that can never grow (they never move), loaded
  // in the entry block on first use, by table index.
  std::vector<llvm::Value *> fixedTableElements_;
  std::array<llvm::BasicBlock *, WAOT_TRAP_KIND_COUNT> trapBlocks_{};
  // Every block that ends in the trap builtin (the ones above and
  // call_indirect's), for the load sums and to move them to the end.
  std::vector<llvm::BasicBlock *> coldTrapBlocks_;
  // call_indirect's shared cold block and the failing entry's address in it.
  llvm::BasicBlock *indirectCallTrap_ = nullptr;
  llvm::PHINode *indirectCallTrapEntry_ = nullptr;
  // resultBuffer()'s allocas, by type index.
  std::map<std::uint32_t, llvm::AllocaInst *> resultBuffers_;
  // Keeping loads trapping (emit_load_keepalive.cpp): per loop, in the order
  // of their `loop` instructions, how it keeps its loads; the running
  // sums of the loaded bits (i32 for accesses of up to 4 bytes, i64 for 8);
  // the asm uses made before calls (removed when nothing was summed).
  struct LoopKind {
    bool sums = true;              // innermost, no call: sums its loads
    bool holdsSummingLoop = false; // a loop inside it sums its loads
  };
  std::vector<LoopKind> loopKinds_;
  // Whether interruptible code checks on entry: the body holds a call,
  // call_indirect or loop (found with loopKinds_).
  bool checksOnEntry_ = false;
  std::uint32_t loopOrdinal_ = 0;
  std::uint32_t openSumFreeLoops_ = 0;
  struct LoadSums {
    llvm::AllocaInst *narrow = nullptr;
    llvm::AllocaInst *wide = nullptr;
  };
  LoadSums functionSums_;
  LoadSums loopSums_;
  bool anyLoadSummed_ = false;
  std::vector<llvm::CallInst *> callSiteSumUses_;
  // Headers of loops that no branch, return or fallthrough leaves.
  std::vector<llvm::BasicBlock *> loopsWithoutExit_;
};

} // namespace waot::frontend::lower
