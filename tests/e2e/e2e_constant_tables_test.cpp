// call_indirect through a table whose contents are fixed at compile time
// (direct calls of the possible targets) against the generic path through an
// exported table with the same elements: same results, same traps.
#include "e2e_support.hpp"

namespace waot::test {
namespace {

class ConstantTables : public AtOptLevel {
protected:
  void SetUp() override {
    Imports imports;
    imports.define("host", "triple", Function::wrap([](int32_t v) { return 3 * v; }));
    instance_.emplace(module("constant_tables"), imports);
  }
  // Calls "private_KIND" and "public_KIND" with `args`: both must return the
  // same value, which is returned.
  int32_t both(const std::string &kind, std::vector<Value> args) {
    Function privateCall = instance_->exports().function("private_" + kind);
    Function publicCall = instance_->exports().function("public_" + kind);
    const int32_t viaPrivate = privateCall.call(args)[0].i32();
    EXPECT_EQ(viaPrivate, publicCall.call(args)[0].i32()) << kind;
    return viaPrivate;
  }
  // Both calls must trap with `message`.
  void bothTrap(const std::string &kind, std::vector<Value> args, const std::string &message) {
    for (const char *table : {"private_", "public_"})
      expectTrap([&] { instance_->exports().function(table + kind).call(args); }, message);
  }
  std::optional<Instance> instance_;
};

TEST_P(ConstantTables, CallsReachEveryTargetOfTheSignature) {
  EXPECT_EQ(both("unary", {Value(1), Value(21)}), 42);  // $double
  EXPECT_EQ(both("unary", {Value(2), Value(9)}), 81);   // $square
  EXPECT_EQ(both("unary", {Value(4), Value(7)}), 21);   // the imported $triple
  EXPECT_EQ(both("unary", {Value(5), Value(-4)}), -8);  // $double at a second index
  EXPECT_EQ(both("binary", {Value(3), Value(5)}), 105); // $add
  EXPECT_EQ(both("pair", {Value(6), Value(7)}), 7008);  // $pair: two results
  EXPECT_EQ(both("void", {Value(7)}), 1);               // $nop
  // A structurally equal type is the same signature.
  EXPECT_EQ(
      instance_->exports().function("private_unary_again").call({Value(2), Value(3)})[0].i32(), 9);
}

TEST_P(ConstantTables, OtherIndicesTrapAsTheGenericChecksDo) {
  bothTrap("unary", {Value(0), Value(1)}, "uninitialized element");
  bothTrap("unary", {Value(8), Value(1)}, "uninitialized element"); // in bounds, never set
  bothTrap("unary", {Value(3), Value(1)}, "indirect call type mismatch");
  bothTrap("unary", {Value(7), Value(1)}, "indirect call type mismatch");
  bothTrap("unary", {Value(9), Value(1)}, "undefined element");
  bothTrap("unary", {Value(-1), Value(1)}, "undefined element");
  bothTrap("binary", {Value(1), Value(1)}, "indirect call type mismatch");
  bothTrap("pair", {Value(0), Value(1)}, "uninitialized element");
  bothTrap("void", {Value(6)}, "indirect call type mismatch");
  bothTrap("void", {Value(100)}, "undefined element");
  // The instance works on after the traps.
  EXPECT_EQ(both("unary", {Value(1), Value(2)}), 4);
}

INSTANTIATE_TEST_SUITE_P(E2E, ConstantTables, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
