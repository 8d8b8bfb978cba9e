// The per-instance wasm stack limit (InstanceLimits::maxStackBytes) end to
// end: how deep wasm recursion gets follows the limit, the same depth every
// time, host functions near the end trap instead of crashing, nested calls
// stay on the outermost stack, many threads, the C API.
#include "e2e_support.hpp"
#include "sanitizers.hpp"

#include <waot/compiler.h>
#include <waot/waot.h>

#include <atomic>
#include <functional>
#include <thread>

namespace waot::test {
namespace {

constexpr std::uint64_t kKiB = 1024;

class StackLimit : public AtOptLevel {
protected:
  Instance instanceWith(std::optional<std::uint64_t> stackBytes) {
    InstanceLimits limits;
    limits.maxStackBytes = stackBytes;
    Imports imports;
    imports.define("env", "host", Function::wrap([this](int32_t x) { return onHost(x); }));
    return Instance(module("stack_limit"), imports, limits);
  }

  // How deep `entry` got before the stack ran out.
  static int32_t depthOf(const Instance &instance, const char *entry = "recurse") {
    expectTrap([&] { instance.exports().function<int32_t(int32_t)>(entry)(0); },
               "call stack exhausted");
    return instance.exports().function<int32_t()>("deepest")();
  }

  std::function<int32_t(int32_t)> onHost = [](int32_t x) { return x; };
};

TEST_P(StackLimit, TheDepthFollowsTheLimitAndIsTheSameEveryTime) {
  const Instance small = instanceWith(256 * kKiB);
  const Instance large = instanceWith(1024 * kKiB);
  const int32_t smallDepth = depthOf(small);
  const int32_t largeDepth = depthOf(large);
  EXPECT_GT(smallDepth, 1000);
  // Four times the stack, about four times the frames.
  EXPECT_GT(largeDepth, 3 * smallDepth);
  EXPECT_LT(largeDepth, 5 * smallDepth);
  // Every entry starts at the top of the same stack: the same depth again,
  // and the instance is fine after the trap.
  EXPECT_EQ(depthOf(small), smallDepth);
  EXPECT_EQ(small.exports().function<int32_t()>("ok")(), 42);
  // The generic call path and the start of another limited instance too.
  expectTrap([&] { small.exports().function("recurse").call({Value(0)}); }, "call stack exhausted");
  // (through the entry trampoline: other host frames at the top of the stack)
  EXPECT_NEAR(small.exports().function<int32_t()>("deepest")(), smallDepth, smallDepth / 50);
  // Without a limit wasm runs on this thread's own, larger stack.
  EXPECT_GT(depthOf(instanceWith(std::nullopt)), largeDepth);
}

// A host function that takes 32 KiB of stack, called at every level: near
// the end of the stack the call traps instead of overflowing in host code
// (which would be a crash, not a trap) — on a wasm stack and on the
// thread's own.
TEST_P(StackLimit, HostFunctionsNearTheEndTrapInsteadOfCrashing) {
  onHost = [](int32_t x) {
    volatile char scratch[32 * 1024];
    for (std::size_t i = 0; i < sizeof scratch; i += 512)
      scratch[i] = static_cast<char>(x);
    return static_cast<int32_t>(scratch[0]);
  };
  const Instance limited = instanceWith(256 * kKiB);
  const int32_t depth = depthOf(limited, "recurse_via_host");
  EXPECT_GT(depth, 100);
  EXPECT_LT(depth, depthOf(limited));
  EXPECT_GT(depthOf(instanceWith(std::nullopt), "recurse_via_host"), depth);
}

// wasm -> host -> wasm: the nested call stays on the stack of the outermost
// entry, so the outer instance's limit applies.
TEST_P(StackLimit, NestedCallsStayOnTheOutermostStack) {
  const Instance inner = instanceWith(64 * kKiB);
  const int32_t innerAlone = depthOf(inner);
  onHost = [&inner](int32_t) { return inner.exports().function<int32_t(int32_t)>("recurse")(0); };
  const Instance outer = instanceWith(512 * kKiB);
  expectTrap([&] { outer.exports().function<int32_t(int32_t)>("call_host")(0); },
             "call stack exhausted");
  EXPECT_GT(inner.exports().function<int32_t()>("deepest")(), 4 * innerAlone);
}

TEST_P(StackLimit, ManyThreadsEachOnTheirOwnStack) {
  const int32_t expectedSmall = depthOf(instanceWith(128 * kKiB));
  const int32_t expectedLarge = depthOf(instanceWith(192 * kKiB));
  ASSERT_GT(expectedLarge, expectedSmall);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        const Instance own = instanceWith(round % 2 ? 128 * kKiB : 192 * kKiB);
        try {
          own.exports().function<int32_t(int32_t)>("recurse")(0);
          ++wrong;
        } catch (const RuntimeError &e) {
          if (e.trapKind() != TrapKind::CallStackExhausted) ++wrong;
        }
        const int32_t depth = own.exports().function<int32_t()>("deepest")();
        if (depth != (round % 2 ? expectedSmall : expectedLarge)) ++wrong;
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST_P(StackLimit, ALimitTooSmallToRunOnIsATypeError) {
  EXPECT_THROW((void)instanceWith(kMinStackBytes - 1), TypeError);
  const Instance least = instanceWith(kMinStackBytes);
  EXPECT_EQ(least.exports().function<int32_t()>("ok")(), 42);
  EXPECT_GT(depthOf(least), 10);
}

TEST_P(StackLimit, TheCApi) {
  const std::vector<std::uint8_t> wasm = wasmBytes("traps");
  waot_compile_options_t options;
  waot_compile_options_init(&options);
  options.opt_level = GetParam();
  waot_module_t *module = nullptr;
  ASSERT_EQ(waot_compile(wasm.data(), wasm.size(), &options, &module), WAOT_OK);
  auto depthWith = [&](std::uint64_t stackBytes) {
    const waot_instance_limits_t limits{WAOT_NO_LIMIT, WAOT_NO_LIMIT, stackBytes};
    waot_instance_t *instance = nullptr;
    EXPECT_EQ(waot_instance_new_with_limits(module, nullptr, &limits, &instance), WAOT_OK)
        << waot_last_error_message();
    waot_func_t *recurse = nullptr;
    EXPECT_EQ(waot_instance_export_func(instance, "recurse", &recurse), WAOT_OK);
    waot_value_t argument = waot_value_i32(0), result{};
    EXPECT_EQ(waot_func_call(recurse, &argument, 1, &result, 1), WAOT_ERROR_RUNTIME);
    const std::string message = waot_last_error_message();
    waot_func_delete(recurse);
    waot_instance_delete(instance);
    return message;
  };
  EXPECT_EQ(depthWith(64 * kKiB), "call stack exhausted");
  EXPECT_EQ(depthWith(0), "call stack exhausted"); // 0: no limit
  const waot_instance_limits_t tooSmall{WAOT_NO_LIMIT, WAOT_NO_LIMIT, WAOT_MIN_STACK_BYTES - 1};
  waot_instance_t *instance = nullptr;
  EXPECT_EQ(waot_instance_new_with_limits(module, nullptr, &tooSmall, &instance), WAOT_ERROR_TYPE);
  waot_module_delete(module);
}

INSTANTIATE_TEST_SUITE_P(Levels, StackLimit, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
