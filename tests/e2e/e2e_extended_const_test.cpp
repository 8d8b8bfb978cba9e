// Extended constant expressions (Wasm 3.0) end to end: integer arithmetic and
// reads of earlier immutable globals in global initializers, element and
// data segment offsets — evaluated at instantiation from the artifact's
// sequence of instructions; and the Wasm 2.0 rules when the feature is off.
#include "e2e_support.hpp"

namespace waot::test {
namespace {

class ExtendedConst : public AtOptLevel {
protected:
  Instance instantiate(int32_t base, int64_t big) {
    Imports imports;
    imports.define("env", "base", Global(Value(base), false));
    imports.define("env", "big", Global(Value(big), false));
    return Instance(module("extended_const"), imports);
  }
};

TEST_P(ExtendedConst, GlobalsAreComputedAtInstantiation) {
  for (const int32_t base : {0, 5}) { // (the element segment at base + 2 must fit)
    const Instance instance = instantiate(base, int64_t{1} << 40);
    const Exports &exports = instance.exports();
    EXPECT_EQ(exports.function<int32_t()>("z3")(), 42);
    EXPECT_EQ(exports.function<int32_t()>("from_import")(), base + 100);
    EXPECT_EQ(exports.function<int32_t()>("from_defined")(), 42 * 42);
    EXPECT_EQ(exports.function<int32_t()>("wraps")(), 0) << "i32 arithmetic wraps";
    EXPECT_EQ(exports.function<int64_t()>("wide")(), (int64_t{3} << 40) - 1);
    EXPECT_EQ(exports.function<int32_t()>("plain")(), 42);
  }
}

TEST_P(ExtendedConst, SegmentOffsetsAreComputed) {
  const Instance instance = instantiate(3, 0);
  // The element segment went to base + 2 = 5, the data to 42 * 2 = 84.
  EXPECT_EQ(instance.exports().function<int32_t(int32_t)>("call_slot")(5), 7);
  expectTrap([&] { instance.exports().function<int32_t(int32_t)>("call_slot")(4); },
             "uninitialized element");
  auto load8 = instance.exports().function<int32_t(int32_t)>("load8");
  EXPECT_EQ(load8(84), 'w');
  EXPECT_EQ(load8(87), 't');
  EXPECT_EQ(load8(83), 0);
  // Out of range once computed: a trap at instantiation, as for a plain offset.
  Imports far;
  far.define("env", "base", Global(Value(int32_t{7}), false));
  far.define("env", "big", Global(Value(int64_t{0}), false));
  try {
    (void)Instance(module("extended_const"), far);
    ADD_FAILURE() << "an element segment at 9 fits a table of 8";
  } catch (const RuntimeError &e) {
    EXPECT_EQ(e.trapKind(), TrapKind::TableOutOfBounds);
  }
}

TEST_P(ExtendedConst, Wasm2RulesRejectThem) {
  expectRejectedWithout("extended_const", frontend::Features::wasm2(), CompileError::Kind::Invalid,
                        "constant expression required: 'i32.mul'");
}

INSTANTIATE_TEST_SUITE_P(Levels, ExtendedConst, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
