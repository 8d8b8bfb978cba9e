// Interruption latency: how long after its deadline (or after interrupt()
// from another thread) a tight infinite loop of an interruptible module stops
// and the call throws. Median, 99th percentile and maximum over many runs.
//
//   waot-bench-interrupt SPIN.so [RUNS]
//   (SPIN.so: `waot compile tests/wat/interrupt.wasm --interruptible -o SPIN.so`,
//   which exports `spin`, a loop without calls or memory accesses)
#include <waot/waot.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

void report(const char *what, std::vector<double> microseconds) {
  std::sort(microseconds.begin(), microseconds.end());
  const auto at = [&](double fraction) {
    return microseconds[static_cast<std::size_t>(fraction * (microseconds.size() - 1))];
  };
  std::printf("%-28s median %8.1f us   p99 %8.1f us   max %8.1f us   (%zu runs)\n", what, at(0.5),
              at(0.99), microseconds.back(), microseconds.size());
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SPIN.so [RUNS]\n", argv[0]);
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 200;
  try {
    const waot::Instance instance(waot::Module::load(argv[1]));
    const auto spin = instance.exports().function<void()>("spin");
    const auto stopsAfter = [&](auto &&request) {
      Clock::time_point requested;
      try {
        request(requested);
        spin();
      } catch (const waot::RuntimeError &) {
        return std::chrono::duration<double, std::micro>(Clock::now() - requested).count();
      }
      std::fprintf(stderr, "spin returned\n");
      std::exit(1);
    };
    std::vector<double> deadline, interrupt;
    for (int run = 0; run < runs; ++run) {
      deadline.push_back(stopsAfter([&](Clock::time_point &requested) {
        constexpr auto timeout = std::chrono::milliseconds(5);
        requested = Clock::now() + timeout;
        static waot::Deadline pending;
        pending = instance.interruptAfter(timeout);
      }));
      std::thread interrupter;
      interrupt.push_back(stopsAfter([&](Clock::time_point &requested) {
        requested = Clock::now() + std::chrono::milliseconds(5);
        interrupter = std::thread([&instance, when = requested] {
          std::this_thread::sleep_until(when);
          instance.interrupt();
        });
      }));
      interrupter.join();
    }
    report("deadline -> RuntimeError", deadline);
    report("interrupt() -> RuntimeError", interrupt);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
