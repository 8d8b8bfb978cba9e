// Interruptible execution end to end: modules compiled interruptible, stopped
// by Instance::interrupt from another thread and by deadlines, at -O0 and
// -O2; the instance stays usable; code compiled without it has no checks.
#include "e2e_support.hpp"

#include <waot/compiler.h>
#include <waot/compiler.hpp>
#include <waot/waot.h>

#include "waot/codegen/compiler.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace waot::test {
namespace {

using namespace std::chrono_literals;

Module interruptibleModule(unsigned optLevel) {
  CompileOptions options;
  options.optLevel = optLevel;
  options.interruptible = true;
  return compile(wasmBytes("interrupt"), options);
}

// Expects `call` to stop with the interruption trap.
template <class Call> void expectInterrupted(Call &&call) {
  try {
    call();
    ADD_FAILURE() << "expected an interruption, but the call returned";
  } catch (const RuntimeError &e) {
    EXPECT_STREQ(e.what(), "interrupted");
    EXPECT_EQ(e.trapKind(), TrapKind::Interrupted);
  }
}

class Interrupt : public AtOptLevel {
protected:
  Module module_ = interruptibleModule(GetParam());
  Instance instance_{module_};
  Function fn(const char *name) { return instance_.exports().function(name); }
  void expectStillWorks() {
    EXPECT_EQ(instance_.exports().function<int32_t(int32_t)>("count")(1000), 1000);
    EXPECT_EQ(instance_.exports().function<int32_t(int32_t)>("fib")(20), 6765);
  }
};

TEST_P(Interrupt, ADeadlineStopsATightLoop) {
  ASSERT_TRUE(instance_.interruptible());
  const auto start = std::chrono::steady_clock::now();
  {
    const Deadline deadline = instance_.interruptAfter(30ms);
    expectInterrupted([&] { fn("spin").call({}); });
    EXPECT_TRUE(deadline.fired());
  }
  // Not a timing test (latency is measured by waot-bench-interrupt): only
  // that the loop stopped after the deadline and did not wait for anything else.
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 30ms);
  EXPECT_LT(elapsed, 30s);
  expectStillWorks();
}

TEST_P(Interrupt, AnEndlessChainOfTailCallsStops) {
  const Deadline deadline = instance_.interruptAfter(20ms);
  expectInterrupted([&] { fn("tail_spin").call({}); });
  expectStillWorks();
}

// A leaf loop whose context parameter is otherwise unused still stops (its
// entry check keeps the context: without it, LLVM dropped the parameter and
// the module failed to compile interruptible).
TEST_P(Interrupt, ALeafLoopThatNeverUsesTheContextStops) {
  const int32_t finite = instance_.exports().function<int32_t(int32_t)>("mix_twice")(1000);
  EXPECT_EQ(finite, instance_.exports().function<int32_t(int32_t)>("mix_twice")(1000));
  const Deadline deadline = instance_.interruptAfter(20ms);
  expectInterrupted([&] { instance_.exports().function<int32_t(int32_t)>("mix")(-1); });
  expectStillWorks();
}

TEST_P(Interrupt, InterruptFromAnotherThread) {
  for (const char *name : {"spin", "spin_loads"}) {
    SCOPED_TRACE(name);
    std::thread interrupter([&] {
      std::this_thread::sleep_for(20ms);
      instance_.interrupt();
    });
    const std::vector<Value> args =
        std::string(name) == "spin" ? std::vector<Value>{} : std::vector<Value>{Value(64)};
    expectInterrupted([&] { fn(name).call(args); });
    interrupter.join();
    expectStillWorks();
  }
}

TEST_P(Interrupt, RecursionWithoutLoopsIsCheckedAtFunctionEntry) {
  const Deadline deadline = instance_.interruptAfter(20ms);
  expectInterrupted([&] { instance_.exports().function<int32_t(int32_t)>("fib")(60); });
}

TEST_P(Interrupt, ARequestIsTakenByTheNextCheck) {
  // No code running: the next call stops at its first check, and only that
  // one. (A call that passes no check, such as `count`, whose loop the
  // optimizer may turn into arithmetic, runs to its end.)
  instance_.interrupt();
  expectInterrupted([&] { fn("spin").call({}); });
  expectStillWorks();
}

TEST_P(Interrupt, AFiredDeadlineNoCodeTookIsWithdrawn) {
  {
    const Deadline deadline = instance_.interruptAfter(1ms);
    while (!deadline.fired())
      std::this_thread::sleep_for(1ms);
  } // destroyed: the request no check took is withdrawn
  expectStillWorks();
  Deadline cancelled = instance_.interruptAfter(10ms);
  cancelled.cancel();
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(cancelled.fired());
  expectStillWorks();
}

TEST_P(Interrupt, TheCApi) {
  const std::vector<std::uint8_t> wasm = wasmBytes("interrupt");
  waot_compile_options_t options;
  waot_compile_options_init(&options);
  options.opt_level = GetParam();
  options.interruptible = 1;
  waot_module_t *module = nullptr;
  ASSERT_EQ(waot_compile(wasm.data(), wasm.size(), &options, &module), WAOT_OK)
      << waot_last_error_message();
  waot_instance_t *instance = nullptr;
  ASSERT_EQ(waot_instance_new(module, nullptr, &instance), WAOT_OK);
  EXPECT_EQ(waot_instance_interruptible(instance), 1);
  waot_func_t *spin = nullptr;
  ASSERT_EQ(waot_instance_export_func(instance, "spin", &spin), WAOT_OK);
  waot_deadline_t *deadline = nullptr;
  ASSERT_EQ(waot_instance_interrupt_after(instance, 20'000'000, &deadline), WAOT_OK);
  EXPECT_EQ(waot_func_call(spin, nullptr, 0, nullptr, 0), WAOT_ERROR_RUNTIME);
  EXPECT_STREQ(waot_last_error_message(), "interrupted");
  waot_deadline_delete(deadline);
  waot_func_delete(spin);
  waot_instance_delete(instance);
  waot_module_delete(module);
}

INSTANTIATE_TEST_SUITE_P(Levels, Interrupt, ::testing::Values(0u, 2u), optLevelName);

TEST(InterruptOff, CodeCompiledWithoutChecksCannotBeInterrupted) {
  const Instance instance(compiledModule("interrupt", 2));
  EXPECT_FALSE(instance.interruptible());
  EXPECT_THROW(instance.interrupt(), Error);
  EXPECT_THROW((void)instance.interruptAfter(1s), Error);
  waot_module_t *module = nullptr;
  const std::vector<std::uint8_t> wasm = wasmBytes("interrupt");
  ASSERT_EQ(waot_compile(wasm.data(), wasm.size(), nullptr, &module), WAOT_OK);
  waot_instance_t *handle = nullptr;
  ASSERT_EQ(waot_instance_new(module, nullptr, &handle), WAOT_OK);
  EXPECT_EQ(waot_instance_interruptible(handle), 0);
  EXPECT_EQ(waot_instance_interrupt(handle), WAOT_ERROR_OTHER);
  waot_instance_delete(handle);
  waot_module_delete(module);
}

TEST(InterruptOff, OnlyInterruptibleCodeReadsTheRequestWord) {
  // The check is an atomic load of the context word (at entry and in every
  // loop); without the option the optimized IR has none.
  const auto optimizedIr = [](bool interruptible) {
    codegen::CompileOptions options;
    options.interruptible = interruptible;
    const std::filesystem::path path =
        testing::TempDir() + "waot-interrupt-" + std::to_string(interruptible) + ".ll";
    codegen::compileToFile(wasmBytes("interrupt"), options, codegen::EmitKind::LLVM, path);
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string with = optimizedIr(true), without = optimizedIr(false);
  EXPECT_THAT(with, ::testing::HasSubstr("load atomic i32"));
  EXPECT_THAT(with, ::testing::HasSubstr("interrupt.check"));
  EXPECT_THAT(without, ::testing::Not(::testing::HasSubstr("load atomic")));
  EXPECT_THAT(without, ::testing::Not(::testing::HasSubstr("interrupt")));
}

} // namespace
} // namespace waot::test
