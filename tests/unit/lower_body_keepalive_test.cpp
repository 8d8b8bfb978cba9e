// How loads are kept trapping when their value is unused
// (emit_load_keepalive.cpp): an empty asm per load outside vectorizable
// loops, running sums inside them, and a use of the sums wherever the
// function can end or stall. Plus the other per-function code-quality
// choices: no library routines, inline memory.fill/copy, fixed-size tables
// and dereferenceable runtime records.
#include "lower_body_support.hpp"

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;

// The allocas holding load sums, by name ("load.sum" / "loop.load.sum").
std::vector<llvm::AllocaInst *> loadSums(llvm::Function &f) {
  std::vector<llvm::AllocaInst *> out;
  for (llvm::AllocaInst *alloca : instructions<llvm::AllocaInst>(f))
    if (contains(alloca->getName().str(), "load.sum")) out.push_back(alloca);
  return out;
}

// Whether `value` is added into a load sum (add whose result is stored to one).
bool isAddedToALoadSum(llvm::Value *value) {
  for (llvm::User *user : value->users()) {
    auto *add = llvm::dyn_cast<llvm::BinaryOperator>(user);
    if (add == nullptr || add->getOpcode() != llvm::Instruction::Add) continue;
    for (llvm::User *addUser : add->users())
      if (auto *store = llvm::dyn_cast<llvm::StoreInst>(addUser))
        if (contains(store->getPointerOperand()->getName().str(), "load.sum")) return true;
  }
  return false;
}

// Inline asm calls whose operands are read from the load sums.
std::vector<llvm::CallInst *> sumUses(llvm::Function &f) {
  std::vector<llvm::CallInst *> out;
  for (llvm::CallInst *call : inlineAsmCalls(f)) {
    bool readsSums = call->arg_size() > 0;
    for (llvm::Value *arg : call->args()) {
      // A total is a load of a sum or an add of such loads.
      llvm::Value *leaf = arg;
      while (auto *add = llvm::dyn_cast<llvm::BinaryOperator>(leaf))
        leaf = add->getOperand(1);
      auto *load = llvm::dyn_cast<llvm::LoadInst>(leaf);
      readsSums &=
          load != nullptr && contains(load->getPointerOperand()->getName().str(), "load.sum");
    }
    if (readsSums) out.push_back(call);
  }
  return out;
}

// Linear-memory loads (i32/i64/f64 and narrower) of `f`: not from allocas.
std::vector<llvm::LoadInst *> memoryLoads(llvm::Function &f) {
  std::vector<llvm::LoadInst *> out;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f))
    if (load->getMetadata(llvm::LLVMContext::MD_tbaa) != nullptr &&
        llvm::isa<llvm::GetElementPtrInst>(load->getPointerOperand()) &&
        !load->getType()->isPointerTy())
      out.push_back(load);
  return out;
}

// (loop (drop (T.load (local.get 0))) (local.set 1 (i32.add (local.get 1) (i32.const 1)))
//       (br_if 0 (i32.lt_u (local.get 1) (i32.const 10))))
Code countedLoopLoading(Opcode load) {
  return Code()
      .open(Opcode::Loop)
      .get(0)
      .op(load)
      .memArg(0)
      .op(Opcode::Drop)
      .get(1)
      .i32(1)
      .op(Opcode::I32Add)
      .set(1)
      .get(1)
      .i32(10)
      .op(Opcode::I32LtU)
      .brIf(0)
      .end()
      .end();
}

TEST(LowerBodyKeepAlive, LoadsOutsideLoopsUseAnAsmThatReturnsAndNoSums) {
  // (func (param i32) (result i32) local.get 0 i32.load)
  const Lowered lowered = lowerSingle({I}, {I}, Code().get(0).op(Opcode::I32Load).memArg(0).end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(loadSums(f).empty());
  const auto uses = inlineAsmCalls(f);
  ASSERT_EQ(uses.size(), 1u);
  EXPECT_TRUE(uses[0]->hasFnAttr(llvm::Attribute::WillReturn))
      << "without willreturn LLVM cannot promote memory across it in loops";
  EXPECT_TRUE(uses[0]->onlyAccessesInaccessibleMemory());
}

TEST(LowerBodyKeepAlive, LoadsInAnInnermostLoopWithoutCallsAreSummed) {
  for (const auto &[load, width] : {std::pair{Opcode::I32Load, 32u},
                                    {Opcode::I32Load8U, 32u},
                                    {Opcode::F64Load, 64u},
                                    {Opcode::I64Load16S, 32u},
                                    {Opcode::I64Load, 64u}}) {
    const Lowered lowered =
        lowerSingle({I}, {}, countedLoopLoading(load), {LocalDecl{1, ValType::I32}});
    ASSERT_EQ(lowered.verifierErrors, "") << name(load);
    llvm::Function &f = lowered.function(0);
    const auto loads = memoryLoads(f);
    ASSERT_EQ(loads.size(), 1u) << name(load);
    // The raw loaded bits (floats bit-cast, narrow values zero-extended) go
    // into the sum of their width; no asm takes the loaded value.
    bool summed = isAddedToALoadSum(loads[0]);
    for (llvm::User *user : loads[0]->users()) {
      auto *cast = llvm::dyn_cast<llvm::CastInst>(user);
      if (cast == nullptr || !isAddedToALoadSum(cast)) continue;
      summed = true;
      EXPECT_TRUE(llvm::isa<llvm::BitCastInst>(cast) || llvm::isa<llvm::ZExtInst>(cast));
      EXPECT_TRUE(cast->getType()->isIntegerTy(width)) << name(load);
    }
    EXPECT_TRUE(summed) << name(load) << "\n" << lowered.text(0);
    for (llvm::CallInst *use : inlineAsmCalls(f)) {
      for (llvm::Value *arg : use->args())
        EXPECT_NE(arg, loads[0]) << name(load);
    }
    bool sumOfWidth = false;
    for (llvm::AllocaInst *sum : loadSums(f))
      sumOfWidth |= sum->getAllocatedType()->isIntegerTy(width);
    EXPECT_TRUE(sumOfWidth) << name(load);
  }
}

TEST(LowerBodyKeepAlive, SumsAreUsedBeforeEveryReturnTrapAndCall) {
  // (func (param i32 i32) (result i32)
  //   <counted loop loading i64>          ;; sums
  //   call 1                              ;; a call: use + restart
  //   local.get 0 local.get 1 i32.div_u)  ;; a trap block, then ret
  ModuleBuilder builder;
  builder.memory();
  const std::uint32_t type = builder.type({I, I}, {I});
  Code code = countedLoopLoading(Opcode::I64Load);
  std::vector<std::uint8_t> body(code.bytes().begin(), code.bytes().end() - 1); // drop final end
  Code full;
  for (std::uint8_t b : body)
    full.byte(b);
  full.call(1).get(0).get(1).op(Opcode::I32DivU).end();
  builder.function(type, full, {LocalDecl{1, ValType::I32}});
  builder.function(builder.type({}, {}), Code().end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto uses = sumUses(f);
  // Before the call, in the divide-by-zero trap block, before the ret.
  ASSERT_EQ(uses.size(), 3u) << lowered.text(0);
  bool beforeCall = false, beforeTrap = false, beforeRet = false;
  for (llvm::CallInst *use : uses) {
    for (llvm::Instruction *next = use->getNextNode(); next != nullptr;
         next = next->getNextNode()) {
      if (auto *call = llvm::dyn_cast<llvm::CallInst>(next); call && !call->isInlineAsm()) {
        (call->doesNotReturn() ? beforeTrap : beforeCall) = true;
        break;
      }
      if (llvm::isa<llvm::ReturnInst>(next)) beforeRet = true;
    }
    EXPECT_TRUE(use->getCalledOperand() != nullptr);
    EXPECT_LE(use->arg_size(), 2u) << "one total per width";
  }
  EXPECT_TRUE(beforeCall);
  EXPECT_TRUE(beforeTrap);
  EXPECT_TRUE(beforeRet);
}

TEST(LowerBodyKeepAlive, LoadsInLoopsWithCallsOrNestedLoopsUseTheAsm) {
  // (loop (drop (i32.load (local.get 0))) (call 1) (br_if 0 (local.get 0)))
  ModuleBuilder builder;
  builder.memory();
  builder.function(builder.type({I}, {}), Code()
                                              .open(Opcode::Loop)
                                              .get(0)
                                              .op(Opcode::I32Load)
                                              .memArg(0)
                                              .op(Opcode::Drop)
                                              .call(1)
                                              .get(0)
                                              .brIf(0)
                                              .end()
                                              .end());
  builder.function(builder.type({}, {}), Code().end());
  // (loop (drop (i32.load (local.get 0))) (loop (br_if 0 (local.get 0))) (br_if 0 (local.get 0)))
  builder.function(builder.type({I}, {}), Code()
                                              .open(Opcode::Loop)
                                              .get(0)
                                              .op(Opcode::I32Load)
                                              .memArg(0)
                                              .op(Opcode::Drop)
                                              .open(Opcode::Loop)
                                              .get(0)
                                              .brIf(0)
                                              .end()
                                              .get(0)
                                              .brIf(0)
                                              .end()
                                              .end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  for (std::uint32_t defined : {0u, 2u}) {
    llvm::Function &f = lowered.function(defined);
    const auto loads = memoryLoads(f);
    ASSERT_EQ(loads.size(), 1u);
    EXPECT_FALSE(isAddedToALoadSum(loads[0])) << lowered.text(defined);
    bool asmUse = false;
    for (llvm::CallInst *use : inlineAsmCalls(f))
      for (llvm::Value *arg : use->args())
        asmUse |= arg == loads[0];
    EXPECT_TRUE(asmUse) << lowered.text(defined);
  }
}

TEST(LowerBodyKeepAlive, ALoopNothingLeavesUsesTheSumsInItsHeader) {
  // (loop (drop (i32.load (local.get 0))) (br 0)): no exit, so the sums
  // would be dead without a use inside. A br_if on constant 0 is no exit.
  for (bool falseExit : {false, true}) {
    Code code;
    code.open(Opcode::Block)
        .open(Opcode::Loop)
        .get(0)
        .op(Opcode::I32Load)
        .memArg(0)
        .op(Opcode::Drop);
    if (falseExit) code.i32(0).brIf(1);
    code.br(0).end().end().end();
    const Lowered lowered = lowerSingle({I}, {}, code);
    ASSERT_EQ(lowered.verifierErrors, "");
    llvm::Function &f = lowered.function(0);
    bool useInLoopHeader = false;
    for (llvm::CallInst *use : sumUses(f))
      useInLoopHeader |= use->getParent()->getName() == "loop";
    EXPECT_TRUE(useInLoopHeader) << (falseExit ? "br_if 0 on false" : "br 0") << "\n"
                                 << lowered.text(0);
  }
  // With a real exit the header has no use (it would stop the vectorizer).
  const Lowered exiting =
      lowerSingle({I}, {}, countedLoopLoading(Opcode::I32Load), {LocalDecl{1, ValType::I32}});
  for (llvm::CallInst *use : sumUses(exiting.function(0))) {
    EXPECT_NE(use->getParent()->getName(), "loop");
  }
}

TEST(LowerBodyKeepAlive, CountingLoopsWithoutLoadsLeaveNoAsm) {
  // (loop (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))) + a call
  ModuleBuilder builder;
  builder.memory();
  builder.function(builder.type({I}, {}), Code()
                                              .open(Opcode::Loop)
                                              .get(0)
                                              .i32(1)
                                              .op(Opcode::I32Sub)
                                              .tee(0)
                                              .brIf(0)
                                              .end()
                                              .call(1)
                                              .end());
  builder.function(builder.type({}, {}), Code().end());
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  EXPECT_TRUE(inlineAsmCalls(lowered.function(0)).empty()) << lowered.text(0);
}

TEST(LowerBodyKeepAlive, GeneratedFunctionsMayNotBecomeLibraryCalls) {
  const Lowered lowered = lowerSingle({}, {}, Code().end());
  ASSERT_EQ(lowered.verifierErrors, "");
  EXPECT_TRUE(lowered.function(0).hasFnAttribute("no-builtins"));
}

TEST(LowerBodyKeepAlive, MemoryFillAndCopyCheckTheWholeRangeThenUseIntrinsics) {
  // (func (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill
  //                           local.get 0 local.get 1 local.get 2 memory.copy)
  const Lowered lowered = lowerSingle({I, I, I}, {},
                                      Code()
                                          .get(0)
                                          .get(1)
                                          .get(2)
                                          .op(Opcode::MemoryFill)
                                          .byte(0)
                                          .get(0)
                                          .get(1)
                                          .get(2)
                                          .op(Opcode::MemoryCopy)
                                          .byte(0)
                                          .byte(0)
                                          .end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  EXPECT_TRUE(plainCalls(f).empty()) << "no builtin call";
  std::size_t memsets = 0, memmoves = 0;
  for (llvm::CallInst *call : instructions<llvm::CallInst>(f)) {
    memsets += llvm::isa<llvm::MemSetInst>(call);
    memmoves += llvm::isa<llvm::MemMoveInst>(call);
  }
  EXPECT_EQ(memsets, 1u);
  EXPECT_EQ(memmoves, 1u);
  // One range check for fill, two for copy, all "out of bounds memory access".
  const auto kinds = trapKinds(f);
  ASSERT_EQ(kinds.size(), 1u) << "one shared trap block";
  EXPECT_EQ(kinds[0], static_cast<std::uint32_t>(WAOT_TRAP_MEMORY_OUT_OF_BOUNDS));
  std::size_t rangeChecks = 0;
  for (llvm::ICmpInst *compare : instructions<llvm::ICmpInst>(f))
    rangeChecks += compare->getPredicate() == llvm::ICmpInst::ICMP_UGT &&
                   compare->getOperand(0)->getType()->isIntegerTy(64);
  EXPECT_EQ(rangeChecks, 3u);
}

TEST(LowerBodyKeepAlive, AFixedSizeTableHasAConstantSizeAndElementsThatNeverMove) {
  // (func (param i32) (result i32) local.get 0 table.size 0 ... table.get 0)
  for (bool fixed : {true, false}) {
    ModuleBuilder builder;
    builder.table();
    if (fixed) builder.wasm().tables.back().limits.max = 4;
    builder.function(builder.type({I}, {ValType::FuncRef}),
                     Code().get(0).op(Opcode::TableGet).u32(0).end());
    const Lowered lowered = builder.lower();
    ASSERT_EQ(lowered.verifierErrors, "");
    llvm::Function &f = lowered.function(0);
    bool constantBound = false;
    for (llvm::ICmpInst *compare : instructions<llvm::ICmpInst>(f))
      if (auto *bound = llvm::dyn_cast<llvm::ConstantInt>(compare->getOperand(1)))
        constantBound |= bound->getZExtValue() == 4;
    EXPECT_EQ(constantBound, fixed);
    std::size_t invariantRecordFields = 0, sizeLoads = 0;
    for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f)) {
      if (load->getMetadata(llvm::LLVMContext::MD_tbaa) != lowered.env->tbaaRuntime) continue;
      invariantRecordFields += isInvariantLoad(load);
      sizeLoads += load->getType()->isIntegerTy(32);
    }
    EXPECT_EQ(invariantRecordFields, fixed ? 1u : 0u) << "the elements pointer";
    EXPECT_EQ(sizeLoads, fixed ? 0u : 1u);
  }
}

TEST(LowerBodyKeepAlive, RuntimeRecordPointersAreDereferenceable) {
  // (func (param i32) (result i32) local.get 0 table.get 0 drop memory.size)
  const Lowered lowered = lowerSingle({I}, {I},
                                      Code()
                                          .get(0)
                                          .op(Opcode::TableGet)
                                          .u32(0)
                                          .op(Opcode::Drop)
                                          .op(Opcode::MemorySize)
                                          .byte(0)
                                          .end());
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);
  const auto table = contextLoads(f, lowered.env->layout.tables);
  const auto memory = contextLoads(f, offsetof(waot_ctx_header, memory0));
  const auto base = contextLoads(f, offsetof(waot_ctx_header, memory0_base));
  ASSERT_EQ(table.size(), 1u);
  ASSERT_EQ(memory.size(), 1u);
  for (llvm::LoadInst *record : {table[0], memory[0]}) {
    EXPECT_NE(record->getMetadata(llvm::LLVMContext::MD_nonnull), nullptr);
    EXPECT_NE(record->getMetadata(llvm::LLVMContext::MD_dereferenceable), nullptr);
  }
  // Never the memory base: speculated linear-memory loads could fault.
  for (llvm::LoadInst *load : base) {
    EXPECT_EQ(load->getMetadata(llvm::LLVMContext::MD_dereferenceable), nullptr);
  }
}

} // namespace
} // namespace waot::test::lowerbody
