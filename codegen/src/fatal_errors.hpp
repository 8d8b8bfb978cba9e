// Recovery from LLVM's fatal errors. LLVM reports some problems caused by
// user-chosen options (e.g. the target feature "-64bit" on x86_64) with
// report_fatal_error(), which aborts the process, and lld's fatal() calls
// _exit(). Both can instead return to an llvm::CrashRecoveryContext.
#pragma once

#include <string_view>

#include <llvm/ADT/STLFunctionalExtras.h>

namespace waot::codegen {

// Turns on LLVM's crash recovery without its signal handlers (the signal
// handlers in place before are kept) and installs a fatal error handler that
// returns to the innermost recovery context of the calling thread. Idempotent.
void enableFatalErrorRecovery();

// Runs `work` so that an LLVM fatal error inside it becomes
// waot::Error("<stage> failed: <LLVM's message>") instead of ending the
// process. Exceptions thrown by `work` are carried across LLVM's frames (which
// have no landing pads) and rethrown unchanged. A fatal error returns by
// longjmp, skipping destructors inside `work`: keep RAII objects whose
// destructors matter (e.g. a DiagnosticCapture) outside of it; what LLVM
// allocated on the abandoned path is leaked.
void runRecoveringFromFatalErrors(std::string_view stage, llvm::function_ref<void()> work);

} // namespace waot::codegen
