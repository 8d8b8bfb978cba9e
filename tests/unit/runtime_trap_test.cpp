// The trap boundary: every trap kind, stack exhaustion (and recovery), host
// exceptions crossing wasm frames, traps inside nested host <-> wasm calls,
// concurrent instances on several threads, and faults that are not traps
// and must still crash the process.
#include "sanitizers.hpp"
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using waot::Function;
using waot::RuntimeError;
using waot::TrapKind;

std::filesystem::path artifact(const std::string &name) {
  return std::filesystem::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

template <class F> RuntimeError trapOf(F &&call) {
  try {
    call();
  } catch (const RuntimeError &e) {
    return e;
  }
  ADD_FAILURE() << "no trap";
  return RuntimeError("no trap");
}

struct CustomError {
  int code;
};

// A write the compiler cannot see through: a real SIGSEGV in host code.
[[gnu::noinline]] void crashInHostCode() {
  volatile std::uintptr_t address = 16;
  *reinterpret_cast<volatile int *>(address) = 1;
}

// How a real crash ends. Without a sanitizer: killed by SIGSEGV. In a
// sanitized build the sanitizer's own SIGSEGV handler is the one the runtime
// found installed, so the runtime forwards the fault to it and it reports
// the SEGV and exits with its error code: still a crash, never a trap.
bool diedOfSegfault(int status) {
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGSEGV;
  return waot::test::kSanitized && WIFEXITED(status) && WEXITSTATUS(status) != 0;
}
const char *const kSegfaultReport = waot::test::kSanitized ? "SEGV on unknown address" : "";

// traps.so with its "thrower" import running whatever `onThrower` does.
class TrapInstance : public ::testing::Test {
protected:
  waot::Instance makeInstance() {
    waot::Imports imports;
    imports.define("env", "thrower", Function::wrap([this] { onThrower(); }));
    return waot::Instance(module, imports);
  }

  std::function<void()> onThrower = [] {};
  waot::Module module = waot::Module::load(artifact("traps"));
  waot::Instance instance = makeInstance();
  const waot::Exports &exports = instance.exports();
};

TEST_F(TrapInstance, EveryTrapKindHasTheSpecMessage) {
  auto trap = exports.function<void(int32_t)>("trap");
  for (uint32_t kind = 1; kind <= static_cast<uint32_t>(TrapKind::Interrupted); ++kind) {
    const RuntimeError error = trapOf([&] { trap(static_cast<int32_t>(kind)); });
    ASSERT_TRUE(error.trapKind().has_value());
    EXPECT_EQ(static_cast<uint32_t>(*error.trapKind()), kind);
    EXPECT_STREQ(error.what(), waot::trapMessage(static_cast<TrapKind>(kind)));
  }
  EXPECT_STREQ(trapOf([&] { trap(0); }).what(), "trap of unknown kind");
  EXPECT_FALSE(trapOf([&] { trap(1000); }).trapKind().has_value());
  // The host-exception kind without a stored exception.
  EXPECT_STREQ(trapOf([&] { trap(WAOT_TRAP_HOST_EXCEPTION); }).what(),
               "a host function failed without an exception");
  EXPECT_EQ(exports.function<int32_t()>("ok")(), 42);
}

TEST_F(TrapInstance, DeepRecursionExhaustsTheStackAndTheInstanceRecovers) {
  auto recurse = exports.function<int32_t(int32_t)>("recurse");
  for (int round = 0; round < 3; ++round) {
    const RuntimeError error = trapOf([&] { recurse(0); });
    EXPECT_STREQ(error.what(), "call stack exhausted");
    EXPECT_EQ(error.trapKind(), TrapKind::CallStackExhausted);
    EXPECT_EQ(exports.function<int32_t()>("ok")(), 42);
  }
  // Generic calls too.
  EXPECT_STREQ(trapOf([&] { exports.function("recurse").call({1}); }).what(),
               "call stack exhausted");
}

TEST_F(TrapInstance, StackExhaustionOnAnotherThread) {
  std::string message;
  std::thread worker([&] {
    waot::Instance own = makeInstance();
    message = trapOf([&] { own.exports().function<int32_t(int32_t)>("recurse")(0); }).what();
    EXPECT_EQ(own.exports().function<int32_t()>("ok")(), 42);
  });
  worker.join();
  EXPECT_EQ(message, "call stack exhausted");
}

TEST_F(TrapInstance, HostExceptionsReachTheCallerUnchanged) {
  onThrower = [] { throw std::logic_error("boom"); };
  try {
    exports.function<void()>("call_thrower")();
    FAIL() << "no exception";
  } catch (const std::logic_error &e) {
    EXPECT_STREQ(e.what(), "boom");
  }
  onThrower = [] { throw CustomError{7}; };
  try {
    exports.function("call_thrower").call({});
    FAIL() << "no exception";
  } catch (const CustomError &e) {
    EXPECT_EQ(e.code, 7);
  }
  onThrower = [] {};
  exports.function<void()>("call_thrower")();
  EXPECT_EQ(exports.function<int32_t()>("ok")(), 42);
}

TEST_F(TrapInstance, TrapsInNestedCallsPropagateThroughTheHost) {
  // host -> wasm (call_thrower) -> host (thrower) -> wasm (trap 1).
  onThrower = [this] { exports.function<void(int32_t)>("trap")(1); };
  EXPECT_STREQ(trapOf([&] { exports.function<void()>("call_thrower")(); }).what(), "unreachable");
  // host -> wasm -> host -> wasm recursion without end.
  onThrower = [this] { exports.function<int32_t(int32_t)>("recurse")(0); };
  EXPECT_STREQ(trapOf([&] { exports.function<void()>("call_thrower")(); }).what(),
               "call stack exhausted");
  // A host function the trap passes through may catch and handle it.
  onThrower = [this] {
    try {
      exports.function<void(int32_t)>("trap")(7);
    } catch (const RuntimeError &e) {
      EXPECT_EQ(e.trapKind(), TrapKind::IntegerDivideByZero);
    }
  };
  exports.function<void()>("call_thrower")();
}

TEST_F(TrapInstance, MutualHostWasmRecursionEndsInStackExhaustion) {
  onThrower = [this] { exports.function<void()>("call_thrower")(); };
  EXPECT_STREQ(trapOf([&] { exports.function<void()>("call_thrower")(); }).what(),
               "call stack exhausted");
  onThrower = [] {};
  exports.function<void()>("call_thrower")();
}

TEST(RuntimeThreads, ManyInstancesOnFourThreadsAtOnce) {
  const waot::Module memoryModule = waot::Module::load(artifact("memory"));
  const waot::Module basicModule = waot::Module::load(artifact("basic"));
  const waot::Module trapModule = waot::Module::load(artifact("traps"));
  std::atomic<int> failures{0};
  std::atomic<int> traps{0};
  std::atomic<int> sharedCalls{0};
  // One host function imported by instances on every thread.
  const Function shared = Function::wrap([&sharedCalls] { ++sharedCalls; });
  auto work = [&](int seed) {
    // Loading concurrently hands out the same loaded library.
    const waot::Module ownBasic = waot::Module::load(artifact("basic"));
    if (waot::Instance(ownBasic).exports().function<int32_t(int32_t, int32_t)>("add")(seed, 1) !=
        seed + 1)
      ++failures;
    waot::Imports sharing;
    sharing.define("env", "thrower", shared);
    waot::Instance sharer(trapModule, sharing);
    for (int round = 0; round < 25; ++round) {
      sharer.exports().function<void()>("call_thrower")();
      waot::Instance memory(memoryModule);
      auto store = memory.exports().function<void(int32_t, int32_t)>("store_i32");
      auto load = memory.exports().function<int32_t(int32_t)>("load_i32");
      store(64, seed * 1000 + round);
      if (load(64) != seed * 1000 + round) ++failures;
      try {
        load(70000);
        ++failures;
      } catch (const RuntimeError &e) {
        if (e.trapKind() == TrapKind::MemoryOutOfBounds) ++traps;
      }
      waot::Instance basic(basicModule);
      auto add = basic.exports().function<int32_t(int32_t, int32_t)>("add");
      for (int i = 0; i < 1000; ++i)
        if (add(i, seed) != i + seed) ++failures;
      if (basic.exports().function("counter").call({}).at(0).i32() != 40) ++failures;

      waot::Imports imports;
      imports.define("env", "thrower", Function::wrap([seed] { throw seed; }));
      waot::Instance trapping(trapModule, imports);
      try {
        trapping.exports().function<void()>("call_thrower")();
        ++failures;
      } catch (int thrown) {
        if (thrown != seed) ++failures;
      }
      if (round % 8 == 0) {
        try {
          trapping.exports().function<int32_t(int32_t)>("recurse")(0);
          ++failures;
        } catch (const RuntimeError &e) {
          if (e.trapKind() == TrapKind::CallStackExhausted) ++traps;
        }
      }
    }
  };
  std::vector<std::thread> threads;
  for (int seed = 1; seed <= 4; ++seed)
    threads.emplace_back(work, seed);
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(traps.load(), 4 * (25 + 4));
  EXPECT_EQ(sharedCalls.load(), 4 * 25);
}

// Instances with a stack limit on eight threads at once: each outermost call
// switches to its thread's wasm stack, traps there (also from a nested
// host -> wasm call) and comes back; the other threads are undisturbed.
TEST(RuntimeThreads, StackLimitedInstancesOnEightThreads) {
  const waot::Module trapModule = waot::Module::load(artifact("traps"));
  std::atomic<int> failures{0};
  auto work = [&](int seed) {
    for (int round = 0; round < 40; ++round) {
      waot::InstanceLimits limits;
      limits.maxStackBytes = (64u + 64u * static_cast<unsigned>((seed + round) % 3)) << 10;
      waot::Instance *self = nullptr;
      waot::Imports imports;
      imports.define("env", "thrower", Function::wrap([&self] {
                       self->exports().function<int32_t(int32_t)>("recurse")(0);
                     }));
      waot::Instance instance(trapModule, imports, limits);
      self = &instance;
      const auto &exports = instance.exports();
      try {
        if (round % 2)
          exports.function<int32_t(int32_t)>("recurse")(0);
        else
          exports.function<void()>("call_thrower")();
        ++failures;
      } catch (const RuntimeError &e) {
        if (e.trapKind() != TrapKind::CallStackExhausted) ++failures;
      }
      if (exports.function<int32_t()>("ok")() != 42) ++failures;
    }
  };
  std::vector<std::thread> threads;
  for (int seed = 0; seed < 8; ++seed)
    threads.emplace_back(work, seed);
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
}

// Faults that are not traps must crash. The death tests re-run the test
// binary (threadsafe style) so that each starts without any handler.
TEST(RuntimeCrash, SegfaultInHostCodeOutsideWasmCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        waot::Instance instance(waot::Module::load(artifact("basic")));
        instance.exports().function<int32_t(int32_t, int32_t)>("add")(
            1, 2); // handlers are installed now
        crashInHostCode();
      },
      diedOfSegfault, kSegfaultReport);
}

TEST(RuntimeCrash, SegfaultInAHostFunctionCalledFromWasmCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        waot::Imports imports;
        imports.define("env", "thrower", Function::wrap([] { crashInHostCode(); }));
        waot::Instance instance(waot::Module::load(artifact("traps")), imports);
        instance.exports().function<void()>(
            "call_thrower")(); // inside an activation, but not in wasm code
      },
      diedOfSegfault, kSegfaultReport);
}

TEST(RuntimeCrash, WildAccessInArtifactCodeOutsideAnyMemoryCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        waot::Imports imports;
        imports.define("env", "thrower", Function::wrap([] {}));
        waot::Instance instance(waot::Module::load(artifact("traps")), imports);
        instance.exports().function<int32_t()>("wild")();
      },
      diedOfSegfault, kSegfaultReport);
}

void exitFromApplicationHandler(int) { _exit(42); }

TEST(RuntimeCrash, FaultsWeDoNotOwnGoToThePreviousHandler) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        struct sigaction application {};
        application.sa_handler = exitFromApplicationHandler;
        sigemptyset(&application.sa_mask);
        sigaction(SIGSEGV, &application, nullptr);
        waot::Instance instance(
            waot::Module::load(artifact("basic"))); // installs the runtime's handler
        instance.exports().function<int32_t(int32_t, int32_t)>("add")(1, 2);
        crashInHostCode();
      },
      ::testing::ExitedWithCode(42), "");
}

} // namespace
