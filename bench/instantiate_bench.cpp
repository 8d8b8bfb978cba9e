// Instantiation time per instance: for each compiled module (.so made by
// `waot compile`), loads it once, then creates and destroys an Instance many
// times and reports the median (and 10th/90th percentiles) of the
// constructor alone and of the destructor alone, in microseconds.
//
// usage: waot-bench-instantiate [--runs N] [--warmup N] MODULE.so...
// Each module must import nothing. Output: a table, then one line per module
//   instantiate_us NAME MEDIAN P10 P90 destroy_us MEDIAN
// for scripts (bench/run_all.sh).
#include <waot/waot.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double microsecondsBetween(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::micro>(end - start).count();
}

// The q-quantile (0..1) of `samples` (sorted in place).
double quantile(std::vector<double> &samples, double q) {
  std::sort(samples.begin(), samples.end());
  const auto index = static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[index];
}

struct Result {
  std::string name;
  double constructMedian = 0, constructP10 = 0, constructP90 = 0, destroyMedian = 0;
};

Result measure(const std::filesystem::path &so, unsigned runs, unsigned warmups) {
  const waot::Module module = waot::Module::load(so);
  for (unsigned i = 0; i < warmups; ++i)
    waot::Instance warm(module);

  std::vector<double> construct, destroy;
  construct.reserve(runs);
  destroy.reserve(runs);
  for (unsigned i = 0; i < runs; ++i) {
    std::optional<waot::Instance> instance;
    const Clock::time_point t0 = Clock::now();
    instance.emplace(module);
    const Clock::time_point t1 = Clock::now();
    instance.reset();
    const Clock::time_point t2 = Clock::now();
    construct.push_back(microsecondsBetween(t0, t1));
    destroy.push_back(microsecondsBetween(t1, t2));
  }
  Result result;
  result.name = so.stem().string();
  result.constructMedian = quantile(construct, 0.5);
  result.constructP10 = quantile(construct, 0.1);
  result.constructP90 = quantile(construct, 0.9);
  result.destroyMedian = quantile(destroy, 0.5);
  return result;
}

unsigned parseCount(const char *text, const char *option) {
  char *end = nullptr;
  const unsigned long value = std::strtoul(text, &end, 10);
  if (end == text || *end != '\0' || value == 0 || value > 10'000'000)
    throw std::runtime_error(std::string(option) + " needs a count between 1 and 10000000");
  return static_cast<unsigned>(value);
}

} // namespace

int main(int argc, char **argv) {
  try {
    unsigned runs = 2000, warmups = 20;
    std::vector<std::filesystem::path> modules;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if ((arg == "--runs" || arg == "--warmup") && i + 1 < argc) {
        (arg == "--runs" ? runs : warmups) = parseCount(argv[++i], arg.c_str());
      } else if (!arg.empty() && arg[0] == '-') {
        throw std::runtime_error("unknown option " + arg);
      } else {
        modules.emplace_back(arg);
      }
    }
    if (modules.empty()) {
      std::fprintf(stderr, "usage: %s [--runs N] [--warmup N] MODULE.so...\n", argv[0]);
      return 2;
    }
    std::printf("instantiation, %u runs per module (microseconds per instance)\n", runs);
    std::printf("%-22s %10s %10s %10s %12s\n", "module", "median", "p10", "p90", "destroy med");
    std::vector<Result> results;
    for (const auto &so : modules) {
      results.push_back(measure(so, runs, warmups));
      const Result &r = results.back();
      std::printf("%-22s %10.2f %10.2f %10.2f %12.2f\n", r.name.c_str(), r.constructMedian,
                  r.constructP10, r.constructP90, r.destroyMedian);
      std::fflush(stdout);
    }
    for (const Result &r : results)
      std::printf("instantiate_us %s %.3f %.3f %.3f destroy_us %.3f\n", r.name.c_str(),
                  r.constructMedian, r.constructP10, r.constructP90, r.destroyMedian);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "waot-bench-instantiate: %s\n", e.what());
    return 1;
  }
  return 0;
}
