// Tail calls (Wasm 3.0) end to end: return_call and return_call_indirect run
// in constant stack at every level — chains of 10^8 calls under a 64 KiB
// wasm stack — directly, through tables the code changes, into other instances
// and with results beyond the registers; tail calls to functions that make
// none (leaves, host functions) are ordinary calls; ordinary recursion in
// such functions still exhausts the stack.
#include "e2e_support.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace waot::test {
namespace {

constexpr std::int64_t kChain = 100'000'000;

class TailCalls : public AtOptLevel {
protected:
  Instance instantiate(const Function &peer, std::uint64_t stackBytes = 64 * 1024) {
    Imports imports;
    imports.define("env", "host_inc", Function::wrap([](std::int64_t x) { return x + 1; }));
    imports.define("env", "peer", peer);
    InstanceLimits limits;
    limits.maxStackBytes = stackBytes;
    return Instance(module("tail_calls"), imports, limits);
  }
  static Function hostPeer() {
    return Function::wrap([](std::int64_t x) { return x - 1; });
  }
};

TEST_P(TailCalls, DirectMutualChainRunsInConstantStack) {
  const Instance instance = instantiate(hostPeer());
  auto even = instance.exports().function<int32_t(int64_t)>("even");
  EXPECT_EQ(even(kChain), 1);
  EXPECT_EQ(even(kChain + 1), 0);
  EXPECT_EQ(instance.exports().function<int32_t(int64_t)>("odd")(7), 1);
}

TEST_P(TailCalls, IndirectChainThroughAChangedTableRunsInConstantStack) {
  const Instance instance = instantiate(hostPeer());
  auto bounce = instance.exports().function<int64_t(int64_t)>("bounce");
  // $t = [bounce, bounce_counted]: every odd n passes bounce_counted.
  EXPECT_EQ(bounce(kChain), kChain / 2);
  // The table changed by the code itself: slot 1 now bounces without counting.
  instance.exports().function("reset").call({});
  instance.exports()
      .function("set_slot")
      .call({Value(int32_t{1}), Value(instance.exports().function("bounce"))});
  EXPECT_EQ(bounce(kChain), 0);
}

TEST_P(TailCalls, ThroughA64BitTable) {
  const Instance instance = instantiate(hostPeer());
  EXPECT_EQ(instance.exports().function<int64_t(int64_t)>("bounce64")(kChain), 64);
  expectTrap([&] { instance.exports().function<int64_t()>("bounce64_out_of_bounds")(); },
             "undefined element");
}

TEST_P(TailCalls, ChainIntoAnotherInstanceRunsInConstantStack) {
  // a's table points at b's bounce_counted: a's chain jumps into b (through
  // waot_func.tail_code) and goes on there, counting every odd step in b.
  // (Not back again: a cycle of references between two instances would keep
  // both alive for ever — instances are reference-counted, docs/roadmap.md.)
  const Instance a = instantiate(hostPeer());
  const Instance b = instantiate(hostPeer());
  a.exports().table("t").set(1, Value(b.exports().function("bounce_counted")));
  auto counted = [](const Instance &instance) {
    return instance.exports().function<int64_t()>("counted")();
  };
  EXPECT_EQ(a.exports().function<int64_t(int64_t)>("bounce")(kChain), kChain / 2);
  EXPECT_EQ(counted(a), 0);
  EXPECT_EQ(counted(b), kChain / 2);
  // A tail call of an imported wasm function that makes tail calls itself.
  const Instance peer = instantiate(hostPeer());
  const Instance c = instantiate(peer.exports().function("bounce"));
  EXPECT_EQ(c.exports().function<int64_t(int64_t)>("to_peer")(kChain), kChain / 2);
}

TEST_P(TailCalls, ResultsBeyondRegistersTravelThroughThePointer) {
  const Instance instance = instantiate(hostPeer());
  const std::vector<Value> results = instance.exports().function("sum3").call(
      {Value(int64_t{1'000'000}), Value(int64_t{5}), Value(1.0)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].i64(), 5 + 1'000'000LL * 1'000'001 / 2);
  EXPECT_EQ(results[1].f64(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(results[2].i32(), 7);
  const std::vector<Value> small =
      instance.exports().function("sum3").call({Value(int64_t{3}), Value(int64_t{0}), Value(1.5)});
  EXPECT_EQ(small[0].i64(), 6);
  EXPECT_EQ(small[1].f64(), 12.0);
  EXPECT_EQ(instance.exports().function<int64_t(int64_t)>("sum3_plus")(kChain),
            kChain * (kChain + 1) / 2);
}

TEST_P(TailCalls, TailCallsToFunctionsWithoutThemAreOrdinaryCalls) {
  const Instance instance = instantiate(hostPeer());
  EXPECT_EQ(instance.exports().function<int64_t(int64_t)>("to_leaf")(14), 42);
  EXPECT_EQ(instance.exports().function<int64_t(int64_t)>("to_host")(41), 42);
  EXPECT_EQ(instance.exports().function<int64_t(int64_t)>("to_peer")(43), 42);
  // A host function's record has no tail_code: the chain ends there.
}

TEST_P(TailCalls, OrdinaryRecursionStillExhaustsTheStack) {
  const Instance instance = instantiate(hostPeer());
  expectTrap([&] { instance.exports().function<int64_t(int64_t)>("deep")(1); },
             "call stack exhausted");
  // The instance stays usable after the trap.
  EXPECT_EQ(instance.exports().function<int32_t(int64_t)>("even")(10), 1);
}

TEST_P(TailCalls, WithoutTheFeatureTheyAreUnsupported) {
  frontend::Features withoutTailCalls; // (Features::wasm2() turns it off too)
  withoutTailCalls.tailCall = false;
  expectRejectedWithout("tail_calls", withoutTailCalls, CompileError::Kind::Unsupported,
                        "return_call");
}

INSTANTIATE_TEST_SUITE_P(Levels, TailCalls, ::testing::Values(0u, 1u, 2u), optLevelName);

} // namespace
} // namespace waot::test
