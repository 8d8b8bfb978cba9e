// Out-of-bounds accesses trap however the optimizer treats them (the load
// keep-alive policy of emit_load_keepalive.cpp), at every optimization level,
// and the inline bulk-memory and call_indirect paths keep the spec's traps.
#include "e2e_support.hpp"

#include <cmath>
#include <cstring>

namespace waot::test {
namespace {

constexpr std::int32_t kOutOfBounds = 65536; // one page of memory

class LoadTraps : public AtOptLevel {
protected:
  void SetUp() override { instance_.emplace(module("load_traps")); }
  Function fn(const char *name) { return instance_->exports().function(name); }
  std::uint8_t *memory() { return instance_->exports().memory("memory").data(); }
  void expectOutOfBounds(const char *name, std::vector<Value> args) {
    SCOPED_TRACE(name);
    expectTrap([&] { fn(name).call(args); }, "out of bounds memory access");
  }
  std::optional<Instance> instance_;
};

TEST_P(LoadTraps, UnusedLoadsInLoopsStillTrap) {
  fn("loop_dropped").call({Value(65528)});
  expectOutOfBounds("loop_dropped", {Value(65529)});
  EXPECT_EQ(fn("loop_and_zero").call({Value(65535)})[0].i32(), 0);
  expectOutOfBounds("loop_and_zero", {Value(kOutOfBounds)});
  EXPECT_TRUE(std::isnan(fn("loop_nan_product").call({Value(0)})[0].f64()));
  expectOutOfBounds("loop_nan_product", {Value(65529)});
}

TEST_P(LoadTraps, TheLoadTrapsBeforeWhatFollowsTheLoop) {
  // Not "unreachable": the load in the loop before it comes first.
  expectOutOfBounds("loop_then_unreachable", {Value(65533)});
  expectTrap([&] { fn("loop_then_unreachable").call({Value(0)}); }, "unreachable");
  expectOutOfBounds("loop_then_trapping_call", {Value(65535)});
  expectOutOfBounds("loop_then_busy_call", {Value(kOutOfBounds)});
  fn("loop_then_busy_call").call({Value(0)});
  expectOutOfBounds("dropped_before_busy_call", {Value(kOutOfBounds)});
}

TEST_P(LoadTraps, LoopsWithoutAnExitTrapInsteadOfSpinning) {
  expectOutOfBounds("loop_without_exit", {Value(kOutOfBounds)});
  expectOutOfBounds("loop_with_constant_false_exit", {Value(-1)});
}

TEST_P(LoadTraps, VectorizableLoopsTrapAtTheEndOfMemory) {
  std::memset(memory() + 65536 - 400, 1, 400);
  EXPECT_EQ(fn("sum").call({Value(65536 - 400), Value(100)})[0].i32(), 100 * 0x01010101);
  expectOutOfBounds("sum", {Value(65536 - 400), Value(101)});
  expectOutOfBounds("sum_dropped", {Value(65536 - 400), Value(101)});
  expectOutOfBounds("sum_dropped", {Value(-4), Value(1)});
  expectOutOfBounds("inlined_dropped", {Value(65533)});
}

TEST_P(LoadTraps, LoadsKeptByTheirOwnUsesStillTrap) {
  std::memset(memory() + 65536 - 64, 0, 64);
  memory()[65535] = 1;
  EXPECT_EQ(fn("count_zero_bytes").call({Value(65536 - 64), Value(64)})[0].i32(), 63);
  expectOutOfBounds("count_zero_bytes", {Value(65536 - 64), Value(65)});
  expectOutOfBounds("zeros_before_marker", {Value(65536 - 64)}); // no 0xFF: runs off the end
  memory()[65534] = 0xFF;
  EXPECT_EQ(fn("zeros_before_marker").call({Value(65536 - 64)})[0].i32(), 62);
  memory()[65532] = 0xFF;
  EXPECT_EQ(fn("find_at_least").call({Value(65536 - 64), Value(1)})[0].i32(), 15);
  expectOutOfBounds("find_at_least", {Value(65536 - 64), Value(0x7FFFFFFF)});
  EXPECT_EQ(fn("branch_on_byte").call({Value(65535)})[0].i32(), 1);
  expectOutOfBounds("branch_on_byte", {Value(kOutOfBounds)});
  fn("scale_f64").call({Value(65536 - 64), Value(8)});
  expectOutOfBounds("scale_f64", {Value(65536 - 64), Value(9)});
  fn("butterflies").call({Value(65536 - 64), Value(4)});
  expectOutOfBounds("butterflies", {Value(65536 - 64), Value(5)});
  fn("copy_word").call({Value(65532), Value(0)});
  expectOutOfBounds("copy_word", {Value(65533), Value(0)});
}

TEST_P(LoadTraps, LoadsWhoseOwnUsesCouldNarrowOrSinkThemStillTrap) {
  fn("store_low_byte").call({Value(65532), Value(0)});
  expectOutOfBounds("store_low_byte", {Value(65533), Value(0)});
  EXPECT_EQ(fn("low_word_is_zero").call({Value(65528)})[0].i32(), 1);
  expectOutOfBounds("low_word_is_zero", {Value(65532)});
  EXPECT_EQ(fn("load_used_on_one_path").call({Value(65535), Value(0)})[0].i32(), 7);
  expectOutOfBounds("load_used_on_one_path", {Value(kOutOfBounds), Value(0)});
  expectOutOfBounds("load_used_on_one_path", {Value(kOutOfBounds), Value(1)});
}

TEST_P(LoadTraps, FillAndCopyCheckTheWholeRangeBeforeWriting) {
  fn("fill").call({Value(100), Value(0x1AB), Value(16)}); // only the low byte is stored
  EXPECT_EQ(memory()[100], 0xAB);
  EXPECT_EQ(memory()[115], 0xAB);
  EXPECT_EQ(memory()[116], 0);
  fn("fill").call({Value(kOutOfBounds), Value(1), Value(0)}); // empty range at the end
  expectOutOfBounds("fill", {Value(65530), Value(7), Value(7)});
  EXPECT_EQ(memory()[65530], 0) << "nothing written before the trap";
  expectOutOfBounds("fill", {Value(kOutOfBounds + 1), Value(1), Value(0)});

  // Overlapping copies in both directions (memmove semantics).
  for (int i = 0; i < 8; ++i)
    memory()[200 + i] = static_cast<std::uint8_t>(i + 1);
  fn("copy").call({Value(202), Value(200), Value(8)});
  EXPECT_EQ(memory()[202], 1);
  EXPECT_EQ(memory()[209], 8);
  fn("copy").call({Value(200), Value(202), Value(8)});
  EXPECT_EQ(memory()[200], 1);
  EXPECT_EQ(memory()[207], 8);
  expectOutOfBounds("copy", {Value(65530), Value(200), Value(7)});
  expectOutOfBounds("copy", {Value(200), Value(65530), Value(7)});
  EXPECT_EQ(fn("load8").call({Value(65530)})[0].i32(), 0) << "nothing copied before the trap";
  fn("copy").call({Value(kOutOfBounds), Value(0), Value(0)});
}

TEST_P(LoadTraps, AByteLoopRunningOffTheEndTrapsInsteadOfCrashing) {
  memory()[65535] = 9;
  fn("zero_bytes").call({Value(65500), Value(kOutOfBounds)});
  EXPECT_EQ(memory()[65535], 0);
  // A libc memset would fault outside generated code: a crash, not a trap.
  memory()[65535] = 9;
  expectOutOfBounds("zero_bytes", {Value(0), Value(70000)});
  EXPECT_EQ(memory()[65535], 0) << "the bytes before the end are written";
}

TEST_P(LoadTraps, CallIndirectThroughAFixedSizeTable) {
  EXPECT_EQ(fn("call_indirect").call({Value(1), Value(42)})[0].i32(), 42);
  expectTrap(
      [&] {
        fn("call_indirect").call({Value(0), Value(1)});
      },
      "indirect call type mismatch");
  expectTrap([&] { fn("call_indirect").call({Value(2), Value(1)}); }, "uninitialized element");
  expectTrap([&] { fn("call_indirect").call({Value(3), Value(1)}); }, "undefined element");
  expectTrap([&] { fn("call_indirect").call({Value(-1), Value(1)}); }, "undefined element");
}

INSTANTIATE_TEST_SUITE_P(E2E, LoadTraps, ::testing::Values(0u, 1u, 2u, 3u), optLevelName);

} // namespace
} // namespace waot::test
