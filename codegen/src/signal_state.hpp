// LLVM and lld change process-wide signal state as a side effect: enabling
// crash recovery installs handlers for SIGSEGV and friends, and the first
// output file lld creates (FileOutputBuffer -> RemoveFileOnSignal) installs
// LLVM's handlers for SIGINT, SIGTERM, SIGSEGV, ... and swaps in a malloc'ed
// alternate signal stack on the calling thread. An embedder compiling in
// process keeps its own handlers, the runtime keeps its fault handler in
// front, and a sanitizer keeps the signal stack it will unmap at thread exit:
// PreservedSignalState puts back what LLVM changed.
#pragma once

#include <signal.h>

#include <array>

namespace waot::codegen {

class PreservedSignalState {
public:
  PreservedSignalState() noexcept;
  // Restores every handler LLVM replaced and this thread's signal stack.
  ~PreservedSignalState();
  PreservedSignalState(const PreservedSignalState &) = delete;
  PreservedSignalState &operator=(const PreservedSignalState &) = delete;

  // The signals LLVM installs handlers for (llvm/lib/Support/Unix/Signals.inc
  // and CrashRecoveryContext.cpp).
  static constexpr std::array<int, 16> kSignals = {
      SIGHUP, SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGILL,  SIGTRAP, SIGABRT,
      SIGFPE, SIGBUS, SIGSEGV, SIGQUIT, SIGSYS,  SIGXCPU, SIGXFSZ, SIGPIPE};

private:
  std::array<struct sigaction, kSignals.size()> actions_{};
  std::array<bool, kSignals.size()> saved_{};
  stack_t signalStack_{};
  bool signalStackSaved_ = false;
};

} // namespace waot::codegen
