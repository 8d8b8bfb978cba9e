// runTasks(): every task runs once on the requested number of threads, and
// the reported failure never depends on scheduling.
#include "task_pool.hpp"

#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace waot::codegen {
namespace {

std::vector<std::size_t> inOrder(std::size_t count) {
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  return order;
}

TEST(TaskPool, ZeroThreadsMeansEveryAvailableCore) {
  EXPECT_GE(resolveThreadCount(0), 1u);
  EXPECT_EQ(resolveThreadCount(1), 1u);
  EXPECT_EQ(resolveThreadCount(7), 7u);
}

TEST(TaskPool, RunsEveryTaskOnceInTheGivenOrderOfStarts) {
  const std::vector<std::size_t> order = {3, 0, 4, 1, 2};
  std::vector<std::size_t> started;
  std::vector<std::atomic<int>> runs(order.size());
  runTasks(order, 1, [&](std::size_t task) {
    started.push_back(task); // one thread: no race
    ++runs[task];
  });
  EXPECT_EQ(started, order);
  for (const auto &count : runs)
    EXPECT_EQ(count.load(), 1);
}

TEST(TaskPool, UsesTheRequestedNumberOfThreadsButNoMoreThanTasks) {
  for (unsigned threads : {1u, 2u, 4u, 64u}) {
    std::mutex mutex;
    std::set<std::thread::id> workers;
    std::atomic<int> done = 0;
    constexpr std::size_t kTasks = 8;
    runTasks(inOrder(kTasks), threads, [&](std::size_t) {
      {
        std::lock_guard lock(mutex);
        workers.insert(std::this_thread::get_id());
      }
      // Keep every worker busy until all have started a task, so that each
      // one takes part (bounded by the task count).
      ++done;
      while (done.load() < static_cast<int>(std::min<std::size_t>(threads, kTasks)))
        std::this_thread::yield();
    });
    EXPECT_EQ(workers.size(), std::min<std::size_t>(threads, kTasks)) << threads << " threads";
    EXPECT_EQ(workers.count(std::this_thread::get_id()), 0u) << "tasks run on workers";
  }
}

TEST(TaskPool, ReportsTheLowestNumberedFailureWhateverTheSchedule) {
  constexpr std::size_t kTasks = 40;
  const std::vector<std::size_t> reversed = [] {
    std::vector<std::size_t> order = inOrder(kTasks);
    std::reverse(order.begin(), order.end());
    return order;
  }();
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    for (const auto &order : {inOrder(kTasks), reversed}) {
      std::vector<std::atomic<int>> runs(kTasks);
      std::string message;
      try {
        runTasks(order, threads, [&](std::size_t task) {
          ++runs[task];
          if (task == 11 || task == 17 || task == 30)
            throw std::runtime_error("task " + std::to_string(task) + " failed");
        });
      } catch (const std::runtime_error &error) {
        message = error.what();
      }
      EXPECT_EQ(message, "task 11 failed") << threads << " threads";
      // Everything below the failure ran exactly once; nothing ran twice.
      for (std::size_t task = 0; task < kTasks; ++task) {
        EXPECT_LE(runs[task].load(), 1) << "task " << task;
        if (task <= 11) {
          EXPECT_EQ(runs[task].load(), 1) << "task " << task;
        }
      }
    }
  }
}

TEST(TaskPool, TasksAfterAFailureInStartOrderAreSkipped) {
  std::vector<std::size_t> started;
  EXPECT_THROW(runTasks(inOrder(10), 1,
                        [&](std::size_t task) {
                          started.push_back(task);
                          if (task == 2) throw Error("stop");
                        }),
               Error);
  EXPECT_EQ(started, (std::vector<std::size_t>{0, 1, 2}));
}

TEST(TaskPool, NoTasksIsNothingToDo) {
  bool ran = false;
  runTasks({}, 4, [&](std::size_t) { ran = true; });
  EXPECT_FALSE(ran);
}

} // namespace
} // namespace waot::codegen
