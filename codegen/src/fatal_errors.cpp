#include "fatal_errors.hpp"

#include "signal_state.hpp"

#include "waot/errors.hpp"

#include <llvm/Support/CrashRecoveryContext.h>
#include <llvm/Support/ErrorHandling.h>

#include <exception>
#include <mutex>
#include <string>

#include <unistd.h>

namespace waot::codegen {
namespace {

thread_local std::string fatalMessage;

// Called by report_fatal_error() on any thread. Inside a recovery context the
// message is kept and control returns to RunSafely(); elsewhere LLVM's default
// behaviour (print, then abort) follows when this handler returns.
void handleFatalError(void *, const char *reason, bool) {
  if (llvm::CrashRecoveryContext *context = llvm::CrashRecoveryContext::GetCurrent()) {
    fatalMessage = reason;
    context->HandleExit(1);
  }
  std::string line = std::string("LLVM ERROR: ") + reason + "\n";
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

} // namespace

void enableFatalErrorRecovery() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Enabling crash recovery also installs LLVM's handlers for SIGSEGV,
    // SIGBUS, ... process-wide; they would take faults away from the runtime's
    // trap handler. The exit paths (HandleExit) need no signal handler, so the
    // previous handlers are put back at once; doing this once per process keeps
    // the window with LLVM's handlers installed to a few instructions.
    {
      const PreservedSignalState signals;
      llvm::CrashRecoveryContext::Enable();
    }
    llvm::install_fatal_error_handler(handleFatalError);
  });
}

void runRecoveringFromFatalErrors(std::string_view stage, llvm::function_ref<void()> work) {
  enableFatalErrorRecovery();
  const PreservedSignalState signals;
  fatalMessage.clear();
  std::exception_ptr thrown;
  llvm::CrashRecoveryContext context;
  bool completed = context.RunSafely([&] {
    try {
      work();
    } catch (...) {
      thrown = std::current_exception();
    }
  });
  if (!completed)
    throw Error(
        std::string(stage) + " failed: " +
        (fatalMessage.empty() ? std::string("LLVM stopped with a fatal error") : fatalMessage));
  if (thrown) std::rethrow_exception(thrown);
}

} // namespace waot::codegen
