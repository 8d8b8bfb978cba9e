// One module instantiated and called from many host threads at once, each
// with its own instances: traps, stack exhaustion and interruption on every
// thread, several at once. (The TSan and ASan builds run this too.)
#include "e2e_support.hpp"

#include <waot/compiler.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace waot::test {
namespace {

constexpr int kThreads = 8;

// Runs `body(thread)` on kThreads threads at once and joins them.
template <class Body> void onThreads(Body &&body) {
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread)
    threads.emplace_back([&body, thread] { body(thread); });
  for (std::thread &thread : threads)
    thread.join();
}

TEST(Threads, InstantiateCallTrapCyclesOnEightThreads) {
  const Module module = compiledModule("traps", 2);
  constexpr int kCycles = 10'000;
  std::atomic<int> results{0}, traps{0};
  onThreads([&](int) {
    for (int cycle = 0; cycle < kCycles; ++cycle) {
      const Instance instance(module);
      if (instance.exports().function<int32_t()>("ok")() == 42) ++results;
      try {
        instance.exports().function<int32_t(int32_t, int32_t)>("div_s")(cycle, 0);
      } catch (const RuntimeError &e) {
        if (e.trapKind() == TrapKind::IntegerDivideByZero) ++traps;
      }
    }
  });
  EXPECT_EQ(results.load(), kThreads * kCycles);
  EXPECT_EQ(traps.load(), kThreads * kCycles);
}

TEST(Threads, StackExhaustionOnEveryThreadAtOnce) {
  const Module module = compiledModule("traps", 2);
  std::atomic<int> exhausted{0};
  onThreads([&](int) {
    const Instance instance(module);
    for (int round = 0; round < 5; ++round) {
      try {
        instance.exports().function("recurse").call({Value(0)});
      } catch (const RuntimeError &e) {
        if (e.trapKind() == TrapKind::CallStackExhausted) ++exhausted;
      }
      EXPECT_EQ(instance.exports().function<int32_t()>("ok")(), 42);
    }
  });
  EXPECT_EQ(exhausted.load(), kThreads * 5);
}

TEST(Threads, InterruptionOnEveryThreadAtOnce) {
  CompileOptions options;
  options.interruptible = true;
  const Module module = compile(wasmBytes("interrupt"), options);
  std::atomic<int> interrupted{0};
  onThreads([&](int thread) {
    for (int round = 0; round < 20; ++round) {
      const Instance instance(module);
      // Half by deadline, half by another thread.
      const bool byDeadline = (thread + round) % 2 == 0;
      Deadline deadline;
      std::thread interrupter;
      if (byDeadline) {
        deadline = instance.interruptAfter(std::chrono::milliseconds(1));
      } else {
        interrupter = std::thread([&instance] {
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
          instance.interrupt();
        });
      }
      try {
        instance.exports().function("spin").call({});
      } catch (const RuntimeError &e) {
        if (e.trapKind() == TrapKind::Interrupted) ++interrupted;
      }
      if (interrupter.joinable()) interrupter.join();
    }
  });
  EXPECT_EQ(interrupted.load(), kThreads * 20);
}

} // namespace
} // namespace waot::test
