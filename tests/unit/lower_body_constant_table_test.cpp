// call_indirect through a table with constant contents: a switch over the
// elements of the call's signature with direct calls, and the generic checks
// whenever the table may change or the host can see it.
#include "lower_body_support.hpp"

#include <algorithm>
#include <set>

namespace waot::test::lowerbody {
namespace {

constexpr ValType I = ValType::I32;

// f0..f2 of type (i32) -> i32, f3 of type () -> (); table 0 (4 elements)
// holds [null, f1, f3, f2]; f0 calls through it with type (i32) -> i32.
ModuleBuilder tableModule() {
  ModuleBuilder builder;
  const std::uint32_t unary = builder.type({I}, {I});
  const std::uint32_t empty = builder.type({}, {});
  builder.table();
  builder.function(unary, Code().get(0).get(0).op(Opcode::CallIndirect).u32(unary).u32(0).end());
  builder.function(unary, Code().get(0).end());
  builder.function(unary, Code().get(0).get(0).op(Opcode::I32Add).end());
  builder.function(empty, Code().end());
  builder.activeElems(0, 1, {1, 3, 2});
  return builder;
}

// The functions called directly, and how many calls are indirect (traps aside).
std::set<llvm::Function *> directCallees(llvm::Function &f, std::size_t &indirectCalls) {
  std::set<llvm::Function *> callees;
  indirectCalls = 0;
  for (llvm::CallInst *call : plainCalls(f)) {
    if (llvm::Function *callee = call->getCalledFunction())
      callees.insert(callee);
    else
      ++indirectCalls;
  }
  return callees;
}

bool comparesTypeIds(const Lowered &lowered, std::uint32_t typeIndex) {
  return !contextLoads(lowered.function(0), lowered.env->layout.type_ids + 4 * typeIndex).empty();
}

TEST(LowerBodyConstantTable, CallIndirectSwitchesToDirectCallsOfTheMatchingElements) {
  ModuleBuilder builder = tableModule();
  builder.codeFacts({false});
  const Lowered lowered = builder.lower();
  ASSERT_EQ(lowered.verifierErrors, "");
  llvm::Function &f = lowered.function(0);

  const auto switches = instructions<llvm::SwitchInst>(f);
  ASSERT_EQ(switches.size(), 1u) << lowered.text(0);
  std::set<std::uint64_t> cases;
  for (const auto &c : switches[0]->cases())
    cases.insert(c.getCaseValue()->getZExtValue());
  EXPECT_EQ(cases, (std::set<std::uint64_t>{1, 3})) << lowered.text(0); // not f3's element 2
  std::size_t indirectCalls = 0;
  EXPECT_EQ(directCallees(f, indirectCalls),
            (std::set<llvm::Function *>{&lowered.function(1), &lowered.function(2)}));
  // No entry type check and no indirect call on the way to the targets.
  EXPECT_FALSE(comparesTypeIds(lowered, 0)) << lowered.text(0);
  EXPECT_EQ(indirectCalls, 0u) << lowered.text(0);
  // Any other index reaches the three traps through the run-time table.
  std::vector<std::uint32_t> kinds = trapKinds(f);
  std::sort(kinds.begin(), kinds.end());
  EXPECT_EQ(kinds, (std::vector<std::uint32_t>{WAOT_TRAP_UNDEFINED_ELEMENT,
                                               WAOT_TRAP_UNINITIALIZED_ELEMENT,
                                               WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH}));
}

TEST(LowerBodyConstantTable, TablesThatMayChangeKeepTheGenericChecks) {
  const auto expectGeneric = [](ModuleBuilder builder, const char *why) {
    const Lowered lowered = builder.lower();
    ASSERT_EQ(lowered.verifierErrors, "");
    EXPECT_TRUE(instructions<llvm::SwitchInst>(lowered.function(0)).empty()) << why;
    EXPECT_TRUE(comparesTypeIds(lowered, 0)) << why;
    EXPECT_EQ(plainCalls(lowered.function(0)).size(), 1u) << why;
  };
  expectGeneric(tableModule(), "no code facts (not validated)");
  ModuleBuilder written = tableModule();
  written.codeFacts({true});
  expectGeneric(written, "written by an instruction");
  ModuleBuilder exported = tableModule();
  exported.codeFacts({false});
  exported.exportTable(0);
  expectGeneric(exported, "exported");
  ModuleBuilder tooLarge = tableModule();
  tooLarge.codeFacts({false});
  tooLarge.activeElems(0, 5, {1}); // past the 4 elements: instantiation fails
  expectGeneric(tooLarge, "segment out of bounds");
}

TEST(LowerBodyConstantTable, OnlyAFewMatchingElementsBecomeDirectCalls) {
  // f1 fills elements 0..count-1 of a table of `count` elements.
  const auto lowerWith = [](std::uint32_t count) {
    ModuleBuilder builder;
    const std::uint32_t unary = builder.type({I}, {I});
    builder.table(ValType::FuncRef, count);
    builder.function(unary, Code().get(0).get(0).op(Opcode::CallIndirect).u32(unary).u32(0).end());
    builder.function(unary, Code().get(0).end());
    builder.activeElems(0, 0, std::vector<std::uint32_t>(count, 1));
    builder.codeFacts({false});
    return builder.lower();
  };
  constexpr auto limit = static_cast<std::uint32_t>(frontend::lower::kMaxKnownCallTargets);
  const Lowered atLimit = lowerWith(limit);
  ASSERT_EQ(atLimit.verifierErrors, "");
  ASSERT_EQ(instructions<llvm::SwitchInst>(atLimit.function(0)).size(), 1u);
  EXPECT_EQ(instructions<llvm::SwitchInst>(atLimit.function(0))[0]->getNumCases(), limit);
  const Lowered overLimit = lowerWith(limit + 1);
  ASSERT_EQ(overLimit.verifierErrors, "");
  EXPECT_TRUE(instructions<llvm::SwitchInst>(overLimit.function(0)).empty());
  EXPECT_TRUE(comparesTypeIds(overLimit, 0));
  const Lowered none = lowerWith(0);
  ASSERT_EQ(none.verifierErrors, "");
  EXPECT_TRUE(instructions<llvm::SwitchInst>(none.function(0)).empty()) << "nothing to call";
}

} // namespace
} // namespace waot::test::lowerbody
