// Interruptible execution: Instance::interrupt and deadlines.
//
// Interruptible code (WAOT_ARTIFACT_INTERRUPTIBLE) checks the context word
// interrupt_requested on entry to functions that call and in every loop, and calls the
// check_interrupt builtin when it is set, which takes the request and traps.
// Deadlines are fired by one process-wide watchdog thread: a queue ordered
// by time, a condition variable, and the instance's word set at the time.
#include "instance_impl.hpp"

#include "waot/errors.hpp"
#include "waot/instance.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace waot {
namespace detail {

struct DeadlineState {
  std::shared_ptr<InstanceImpl> instance;
  // Guarded by the watchdog's mutex.
  bool queued = false;
  bool fired = false;
  std::multimap<std::chrono::steady_clock::time_point, std::shared_ptr<DeadlineState>>::iterator
      position;
};

namespace {

class Watchdog {
public:
  // Immortal: its thread may still wait when static objects are destroyed.
  static Watchdog &get() {
    static Watchdog *const watchdog = new Watchdog;
    return *watchdog;
  }

  void schedule(const std::shared_ptr<DeadlineState> &deadline,
                std::chrono::steady_clock::time_point when) {
    const std::lock_guard lock(mutex_);
    deadline->position = queue_.emplace(when, deadline);
    deadline->queued = true;
    if (deadline->position == queue_.begin()) wake_.notify_one();
  }

  void cancel(DeadlineState &deadline) noexcept {
    const std::lock_guard lock(mutex_);
    if (deadline.queued) {
      queue_.erase(deadline.position);
      deadline.queued = false;
    } else if (deadline.fired) {
      deadline.instance->clearInterrupt(); // not taken by any check: withdraw it
    }
  }

  bool fired(const DeadlineState &deadline) {
    const std::lock_guard lock(mutex_);
    return deadline.fired;
  }

private:
  Watchdog() {
    std::thread([this] { run(); }).detach();
  }

  [[noreturn]] void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (queue_.empty()) {
        wake_.wait(lock);
        continue;
      }
      const auto first = queue_.begin();
      if (std::chrono::steady_clock::now() < first->first) {
        wake_.wait_until(lock, first->first);
        continue;
      }
      DeadlineState &deadline = *first->second;
      deadline.queued = false;
      deadline.fired = true;
      deadline.instance->requestInterrupt();
      queue_.erase(first);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::multimap<std::chrono::steady_clock::time_point, std::shared_ptr<DeadlineState>> queue_;
};

} // namespace
} // namespace detail

Deadline &Deadline::operator=(Deadline &&other) noexcept {
  if (this != &other) {
    cancel();
    state_ = std::move(other.state_);
  }
  return *this;
}

Deadline::~Deadline() { cancel(); }

void Deadline::cancel() noexcept {
  if (!state_) return;
  detail::Watchdog::get().cancel(*state_);
  state_.reset();
}

bool Deadline::fired() const noexcept { return state_ && detail::Watchdog::get().fired(*state_); }

bool Instance::interruptible() const noexcept { return impl_->interruptible(); }

void Instance::interrupt() const {
  if (!impl_->interruptible())
    throw Error("cannot interrupt an instance of a module compiled without interruption checks "
                "(compile it with --interruptible / CompileOptions::interruptible)");
  impl_->requestInterrupt();
}

Deadline Instance::interruptAfter(std::chrono::nanoseconds timeout) const {
  if (!impl_->interruptible())
    throw Error("cannot set a deadline for an instance of a module compiled without interruption "
                "checks (compile it with --interruptible / CompileOptions::interruptible)");
  Deadline deadline;
  deadline.state_ = std::make_shared<detail::DeadlineState>();
  deadline.state_->instance = impl_;
  detail::Watchdog::get().schedule(deadline.state_, std::chrono::steady_clock::now() + timeout);
  return deadline;
}

} // namespace waot
