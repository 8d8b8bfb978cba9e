#include "task_pool.hpp"

#include "waot/errors.hpp"

#include <llvm/Support/Threading.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace waot::codegen {
namespace {

constexpr std::size_t kNoFailure = std::numeric_limits<std::size_t>::max();

// What the workers share: the next task to start and the first failure.
class TaskQueue {
public:
  TaskQueue(std::span<const std::size_t> order, const std::function<void(std::size_t)> &task)
      : order_(order), task_(task) {}

  // A worker's loop: start tasks until none is left.
  void work() {
    std::size_t task = 0;
    while (take(task)) {
      try {
        task_(task);
      } catch (...) {
        fail(task, std::current_exception());
      }
    }
  }

  void rethrowFirstFailure() const {
    if (firstError_) std::rethrow_exception(firstError_);
  }

private:
  bool take(std::size_t &task) {
    std::lock_guard lock(mutex_);
    while (next_ < order_.size()) {
      task = order_[next_++];
      // Tasks above a failed one cannot change the outcome; tasks below it
      // must run: one of them may fail too and is then the error to report.
      if (task < firstFailed_) return true;
    }
    return false;
  }

  void fail(std::size_t task, std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    if (task < firstFailed_) {
      firstFailed_ = task;
      firstError_ = std::move(error);
    }
  }

  std::span<const std::size_t> order_;
  const std::function<void(std::size_t)> &task_;
  std::mutex mutex_;
  std::size_t next_ = 0;                 // guarded by mutex_
  std::size_t firstFailed_ = kNoFailure; // guarded by mutex_
  std::exception_ptr firstError_;        // guarded by mutex_
};

} // namespace

unsigned resolveThreadCount(unsigned requested) {
  if (requested != 0) return requested;
  // LLVM's count honours the affinity mask (taskset, cgroup cpusets), which
  // std::thread::hardware_concurrency() does not.
  return std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

void runTasks(std::span<const std::size_t> order, unsigned threads,
              const std::function<void(std::size_t)> &task) {
  if (order.empty()) return;
  const std::size_t workerCount = std::min<std::size_t>(std::max(1u, threads), order.size());
  TaskQueue queue(order, task);
  {
    // Every task runs on a worker, also with one thread, so that a task sees
    // the same (default) thread stack whatever the thread count.
    std::vector<std::jthread> workers;
    workers.reserve(workerCount);
    try {
      for (std::size_t i = 0; i < workerCount; ++i)
        workers.emplace_back([&queue] { queue.work(); });
    } catch (const std::system_error &error) {
      // Fewer threads still get every task done; none at all cannot.
      if (workers.empty())
        throw Error(std::string("cannot start a code generation thread: ") + error.what());
    }
  } // the jthreads join here
  queue.rethrowFirstFailure();
}

} // namespace waot::codegen
