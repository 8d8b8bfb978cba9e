#include "signal_state.hpp"

#include <llvm/Support/Signals.h>

#include <dlfcn.h>

#include <cstddef>

namespace waot::codegen {
namespace {

// The function a disposition runs (or SIG_DFL/SIG_IGN).
void *handlerOf(const struct sigaction &action) noexcept {
  if (action.sa_flags & SA_SIGINFO) return reinterpret_cast<void *>(action.sa_sigaction);
  return reinterpret_cast<void *>(action.sa_handler);
}

// Whether `handler` is LLVM's code (in the object that holds LLVM's Support
// library: libLLVM.so, or this program or module if linked statically).
bool isLlvmCode(void *handler) noexcept {
  Dl_info llvm{}, candidate{};
  if (handler == nullptr ||
      ::dladdr(reinterpret_cast<void *>(&llvm::sys::RunSignalHandlers), &llvm) == 0 ||
      ::dladdr(handler, &candidate) == 0)
    return false;
  return candidate.dli_fbase == llvm.dli_fbase;
}

} // namespace

PreservedSignalState::PreservedSignalState() noexcept {
  for (std::size_t i = 0; i < kSignals.size(); ++i)
    saved_[i] = ::sigaction(kSignals[i], nullptr, &actions_[i]) == 0;
  signalStackSaved_ = ::sigaltstack(nullptr, &signalStack_) == 0;
}

PreservedSignalState::~PreservedSignalState() {
  // Only handlers LLVM installed are replaced: one another thread installed
  // meanwhile (the runtime's fault handler, when an instance is created while
  // a module compiles) stays.
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    struct sigaction current {};
    if (!saved_[i] || ::sigaction(kSignals[i], nullptr, &current) != 0) continue;
    if (handlerOf(current) != handlerOf(actions_[i]) && isLlvmCode(handlerOf(current)))
      ::sigaction(kSignals[i], &actions_[i], nullptr);
  }
  stack_t current{};
  if (!signalStackSaved_ || ::sigaltstack(nullptr, &current) != 0) return;
  if (current.ss_sp == signalStack_.ss_sp && current.ss_flags == signalStack_.ss_flags) return;
  if (current.ss_flags & SS_ONSTACK) return; // cannot change it while running on it
  if (signalStack_.ss_flags & SS_DISABLE) {
    stack_t disable{};
    disable.ss_flags = SS_DISABLE;
    ::sigaltstack(&disable, nullptr);
  } else {
    stack_t previous = signalStack_;
    previous.ss_flags = 0;
    ::sigaltstack(&previous, nullptr);
  }
}

} // namespace waot::codegen
