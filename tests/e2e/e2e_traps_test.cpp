// Every trap kind, end to end, and the instance keeps working afterwards.
#include "e2e_support.hpp"

#include <cmath>
#include <limits>

namespace waot::test {
namespace {

class Traps : public AtOptLevel {
protected:
  void SetUp() override { instance_.emplace(module("traps")); }
  Function fn(const char *name) { return instance_->exports().function(name); }
  void expectStillWorks() { EXPECT_EQ(fn("ok").call({})[0].i32(), 42); }
  std::optional<Instance> instance_;
};

TEST_P(Traps, Unreachable) {
  expectTrap([&] { fn("unreachable").call({}); }, "unreachable");
  expectStillWorks();
}

TEST_P(Traps, OutOfBoundsLoadStore) {
  EXPECT_EQ(fn("load").call({Value(65532)})[0].i32(), 0);
  expectTrap([&] { fn("load").call({Value(65533)}); }, "out of bounds memory access");
  expectTrap([&] { fn("load").call({Value(-1)}); }, "out of bounds memory access");
  expectTrap([&] { fn("load_offset").call({Value(1)}); }, "out of bounds memory access");
  expectTrap([&] { fn("store").call({Value(65536)}); }, "out of bounds memory access");
  fn("store").call({Value(65535)});
  expectStillWorks();
}

TEST_P(Traps, DroppedLoadsStillTrap) {
  fn("dropped_load").call({Value(0)});
  expectTrap([&] { fn("dropped_load").call({Value(65535)}); }, "out of bounds memory access");
  expectTrap([&] { fn("dropped_load_in_dead_local").call({Value(65535)}); },
             "out of bounds memory access");
  expectStillWorks();
}

TEST_P(Traps, IntegerDivision) {
  EXPECT_EQ(fn("div_s").call({Value(-7), Value(2)})[0].i32(), -3);
  expectTrap([&] { fn("div_s").call({Value(1), Value(0)}); }, "integer divide by zero");
  expectTrap([&] { fn("div_u").call({Value(1), Value(0)}); }, "integer divide by zero");
  expectTrap([&] { fn("rem_s").call({Value(1), Value(0)}); }, "integer divide by zero");
  expectTrap(
      [&] {
        fn("rem_u64").call({Value(int64_t{1}), Value(int64_t{0})});
      },
      "integer divide by zero");
  expectTrap(
      [&] {
        fn("div_s").call({Value(std::numeric_limits<int32_t>::min()), Value(-1)});
      },
      "integer overflow");
  expectTrap(
      [&] {
        fn("div_s64").call({Value(std::numeric_limits<int64_t>::min()), Value(int64_t{-1})});
      },
      "integer overflow");
  // INT_MIN % -1 is 0, not a trap.
  EXPECT_EQ(fn("rem_s").call({Value(std::numeric_limits<int32_t>::min()), Value(-1)})[0].i32(), 0);
  expectStillWorks();
}

TEST_P(Traps, FloatToIntConversions) {
  EXPECT_EQ(fn("trunc_f32_s").call({Value(-2147483648.0f)})[0].i32(),
            std::numeric_limits<int32_t>::min());
  expectTrap([&] { fn("trunc_f32_s").call({Value(std::nanf(""))}); },
             "invalid conversion to integer");
  expectTrap([&] { fn("trunc_f32_s").call({Value(2147483648.0f)}); }, "integer overflow");
  EXPECT_EQ(fn("trunc_f64_u").call({Value(-0.9)})[0].i32(), 0);
  expectTrap([&] { fn("trunc_f64_u").call({Value(-1.0)}); }, "integer overflow");
  expectTrap([&] { fn("trunc_f64_u").call({Value(4294967296.0)}); }, "integer overflow");
  expectTrap([&] { fn("trunc_f64_s64").call({Value(9.3e18)}); }, "integer overflow");
  expectTrap([&] { fn("trunc_f64_s64").call({Value(std::nan(""))}); },
             "invalid conversion to integer");
  expectStillWorks();
}

TEST_P(Traps, IndirectCalls) {
  EXPECT_EQ(fn("call_indirect").call({Value(5), Value(0)})[0].i32(), 5);
  expectTrap(
      [&] {
        fn("call_indirect").call({Value(5), Value(1)});
      },
      "indirect call type mismatch");
  expectTrap([&] { fn("call_indirect").call({Value(5), Value(2)}); }, "uninitialized element");
  expectTrap([&] { fn("call_indirect").call({Value(5), Value(3)}); }, "undefined element");
  expectTrap([&] { fn("call_indirect").call({Value(5), Value(-1)}); }, "undefined element");
  expectStillWorks();
}

TEST_P(Traps, TableAndBulkMemoryBounds) {
  expectTrap([&] { fn("table_get").call({Value(3)}); }, "out of bounds table access");
  fn("memory_fill").call({Value(65530), Value(6)});
  expectTrap(
      [&] {
        fn("memory_fill").call({Value(65530), Value(7)});
      },
      "out of bounds memory access");
  expectStillWorks();
}

TEST_P(Traps, CallStackExhaustedThenWorks) {
  for (int round = 0; round < 3; ++round) {
    expectTrap([&] { fn("recurse").call({Value(0)}); }, "call stack exhausted");
    expectStillWorks();
  }
  expectTrap([&] { fn("recurse_big").call({Value(int64_t{0})}); }, "call stack exhausted");
  expectStillWorks();
}

// A trap names the function it happened in (traps.wat: "unreachable" is
// function 2, "load" function 3), whether a builtin raised it or the fault
// handler claimed a memory fault. The module has no name section.
TEST_P(Traps, ReportTheFunctionTheyHappenedIn) {
  const auto siteOf = [&](const char *name, std::initializer_list<Value> args) {
    try {
      fn(name).call(args);
    } catch (const RuntimeError &e) {
      return e.site();
    }
    return std::optional<TrapSite>();
  };
  const std::optional<TrapSite> unreachable = siteOf("unreachable", {});
  ASSERT_TRUE(unreachable.has_value());
  EXPECT_EQ(unreachable->functionIndex, 2u);
  EXPECT_EQ(unreachable->functionName, "");
  const std::optional<TrapSite> load = siteOf("load", {Value(-1)});
  ASSERT_TRUE(load.has_value());
  EXPECT_EQ(load->functionIndex, 3u);
}

INSTANTIATE_TEST_SUITE_P(E2E, Traps, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
