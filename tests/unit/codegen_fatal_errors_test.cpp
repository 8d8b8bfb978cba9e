// LLVM fatal errors (report_fatal_error) become exceptions inside codegen
// stages instead of ending the process.
#include "codegen_test_support.hpp"

#include "fatal_errors.hpp"

#include "sanitizers.hpp"
#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <llvm/Support/ErrorHandling.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <csignal>
#include <cstdlib>
#include <thread>

namespace waot::codegen {
namespace {

std::string errorMessage(const auto &action) {
  try {
    action();
  } catch (const waot::Error &error) {
    return error.what();
  }
  return "<no error>";
}

TEST(CodegenFatalErrors, FatalErrorBecomesAnErrorNamingTheStage) {
  EXPECT_EQ(errorMessage([] {
              runRecoveringFromFatalErrors("testing", [] { llvm::report_fatal_error("boom"); });
            }),
            "testing failed: boom");
  // The thread can recover again afterwards.
  EXPECT_EQ(errorMessage([] {
              runRecoveringFromFatalErrors("again", [] { llvm::report_fatal_error("bang"); });
            }),
            "again failed: bang");
}

TEST(CodegenFatalErrors, ExceptionsCrossTheRecoveryScopeUnchanged) {
  EXPECT_THROW(
      runRecoveringFromFatalErrors(
          "stage", [] { throw CompileError(CompileError::Kind::Invalid, "type mismatch"); }),
      CompileError);
  bool ran = false;
  runRecoveringFromFatalErrors("stage", [&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(CodegenFatalErrors, EachThreadRecoversOnItsOwn) {
  std::vector<std::string> messages(3);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < messages.size(); ++i)
    threads.emplace_back([&, i] {
      std::string reason = "thread " + std::to_string(i);
      messages[i] = errorMessage([&] {
        runRecoveringFromFatalErrors("work", [&] { llvm::report_fatal_error(reason.c_str()); });
      });
    });
  for (std::thread &thread : threads)
    thread.join();
  for (std::size_t i = 0; i < messages.size(); ++i)
    EXPECT_EQ(messages[i], "work failed: thread " + std::to_string(i));
}

TEST(CodegenFatalErrorsDeathTest, OutsideARecoveryScopeLlvmStillAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        enableFatalErrorRecovery();
        llvm::report_fatal_error("not inside codegen");
      },
      "LLVM ERROR: not inside codegen");
}

void runtimeLikeHandler(int) {}

// LLVM's crash recovery installs its own SIGSEGV/SIGBUS/... handlers; the
// runtime's trap handler must stay in place. Checked in a fresh child process
// so that recovery is enabled for the first time there.
TEST(CodegenFatalErrorsDeathTest, EnablingRecoveryKeepsTheProcessSignalHandlers) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto handlersSurvive = [] {
    const int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
    struct sigaction action {};
    action.sa_handler = runtimeLikeHandler;
    sigemptyset(&action.sa_mask);
    for (int signal : signals)
      ::sigaction(signal, &action, nullptr);
    enableFatalErrorRecovery();
    for (int signal : signals) {
      struct sigaction current {};
      ::sigaction(signal, nullptr, &current);
      if (current.sa_handler != runtimeLikeHandler) return false;
    }
    return true;
  };
  EXPECT_EXIT(std::_Exit(handlersSurvive() ? 42 : 1), ::testing::ExitedWithCode(42), "");
}

TEST(CodegenFatalErrors, ImpossibleFeatureCombinationIsACleanError) {
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() != llvm::Triple::x86_64)
    GTEST_SKIP() << "uses x86 feature names";
  // LLVM's X86 subtarget calls report_fatal_error for 64-bit code without "64bit".
  CompileOptions options;
  options.cpu = "generic";
  options.features = "-64bit";
  TargetSelection target = selectTarget(options);
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  auto machine = test::machineFor(target, 2);
  bindModuleToTarget(*module, *machine);
  // Leaving LLVM at a fatal error skips the destructors of everything the
  // interrupted pass pipeline had built (CrashRecoveryContext's contract).
  [[maybe_unused]] const waot::test::LeaksIgnored abandonedByTheFatalError;
  std::string message = errorMessage([&] {
    optimizeModule(*module, *machine, 2);
    emitObject(*module, *machine);
  });
  EXPECT_NE(message.find("failed: 64-bit code requested on a subtarget that doesn't support it"),
            std::string::npos)
      << message;

  // The process goes on compiling.
  llvm::LLVMContext fresh;
  auto healthy = test::makeArithmeticModule(fresh);
  std::vector<char> object = test::hostObject(*healthy);
  EXPECT_EQ(std::string(object.data(), 4), "\x7f"
                                           "ELF");
}

} // namespace
} // namespace waot::codegen
