#include "signal_state.hpp"

#include <cstddef>

namespace waot::codegen {
namespace {

// The function a disposition runs (or SIG_DFL/SIG_IGN).
void *handlerOf(const struct sigaction &action) noexcept {
  if (action.sa_flags & SA_SIGINFO) return reinterpret_cast<void *>(action.sa_sigaction);
  return reinterpret_cast<void *>(action.sa_handler);
}

} // namespace

PreservedSignalState::PreservedSignalState() noexcept {
  for (std::size_t i = 0; i < kSignals.size(); ++i)
    saved_[i] = ::sigaction(kSignals[i], nullptr, &actions_[i]) == 0;
  signalStackSaved_ = ::sigaltstack(nullptr, &signalStack_) == 0;
}

PreservedSignalState::~PreservedSignalState() {
  // Only what changed is put back, so that a handler another thread
  // installed meanwhile for a signal LLVM did not touch survives.
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    struct sigaction current {};
    if (!saved_[i] || ::sigaction(kSignals[i], nullptr, &current) != 0) continue;
    if (handlerOf(current) != handlerOf(actions_[i]))
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
