// A linked module against the same module loaded as a .so, side by side in
// one process: instantiation time and call overhead.
//
//   instantiate        median of N Instance constructions (with the host import)
//   typed empty/add    TypedFunction calls of the empty and add exports
//   wasm -> host       per iteration of a wasm loop calling the imported host function
//   wasm -> wasm       per iteration of a wasm loop calling through call_indirect
//
// usage: waot-bench-linked CALLS.so [--runs N] [--calls N] [--repeats N]
// (CALLS.so: bench/calls.wat compiled by `waot compile`; the same calls.wasm
// is linked into this program as `calls` by waot_add_module). The two kinds
// alternate within every measurement round, so machine noise hits both alike.
#include "calls.h"

#include <waot/waot.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::uint32_t parseCount(const char *text, const char *option) {
  char *end = nullptr;
  const unsigned long value = std::strtoul(text, &end, 10);
  if (end == text || *end != '\0' || value == 0 || value > 2'000'000'000ul)
    throw std::runtime_error(std::string(option) + " needs a count between 1 and 2000000000");
  return static_cast<std::uint32_t>(value);
}

double median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

struct Subject {
  const char *name;
  waot::Module module;
};

struct Figures {
  double instantiateUs = 0;
  double typedEmpty = std::numeric_limits<double>::infinity();
  double typedAdd = std::numeric_limits<double>::infinity();
  double wasmToHost = std::numeric_limits<double>::infinity();
  double wasmToWasm = std::numeric_limits<double>::infinity();
};

template <class Body> double nanosecondsPerCall(std::uint32_t calls, Body &&body) {
  const Clock::time_point start = Clock::now();
  body(calls);
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / calls;
}

} // namespace

int main(int argc, char **argv) {
  try {
    std::uint32_t runs = 2000, calls = 20'000'000, repeats = 5;
    std::string path;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if ((arg == "--runs" || arg == "--calls" || arg == "--repeats") && i + 1 < argc)
        (arg == "--runs"    ? runs
         : arg == "--calls" ? calls
                            : repeats) = parseCount(argv[++i], arg.c_str());
      else if (path.empty() && !arg.empty() && arg[0] != '-')
        path = arg;
      else
        throw std::runtime_error("unexpected argument " + arg);
    }
    if (path.empty()) {
      std::fprintf(stderr, "usage: %s CALLS.so [--runs N] [--calls N] [--repeats N]\n", argv[0]);
      return 2;
    }

    waot::Imports imports;
    imports.define("host", "nop", waot::Function::wrap([]() { asm volatile(""); }));
    // The linked module first: the host function's adapter (a trampoline of
    // the first loaded module with its type) is the linked module's for both.
    const waot::Module linked = waot::linked::calls::module();
    Subject subjects[] = {{"shared library (.so)", waot::Module::load(path)},
                          {"linked (object)", linked}};
    Figures figures[2];

    // Instantiation: alternate the two, warm both first.
    std::vector<double> samples[2];
    for (Subject &subject : subjects)
      for (int i = 0; i < 100; ++i)
        waot::Instance warm(subject.module, imports);
    for (std::uint32_t run = 0; run < runs; ++run)
      for (int s = 0; s < 2; ++s) {
        std::optional<waot::Instance> instance;
        const Clock::time_point start = Clock::now();
        instance.emplace(subjects[s].module, imports);
        samples[s].push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      }
    for (int s = 0; s < 2; ++s)
      figures[s].instantiateUs = median(samples[s]);

    // Calls: best of the repeats, the two alternating in every round.
    std::optional<waot::Instance> instances[2];
    for (int s = 0; s < 2; ++s)
      instances[s].emplace(subjects[s].module, imports);
    std::int32_t sink = 0;
    for (std::uint32_t round = 0; round < repeats; ++round)
      for (int s = 0; s < 2; ++s) {
        const waot::Exports &exports = instances[s]->exports();
        const auto empty = exports.function<void()>("empty");
        const auto add = exports.function<std::int32_t(std::int32_t, std::int32_t)>("add");
        const auto callHost = exports.function<void(std::int32_t)>("call_host");
        const auto callWasm = exports.function<void(std::int32_t)>("call_wasm");
        Figures &f = figures[s];
        f.typedEmpty = std::min(f.typedEmpty, nanosecondsPerCall(calls, [&](std::uint32_t n) {
                                  for (std::uint32_t i = 0; i < n; ++i)
                                    empty();
                                }));
        f.typedAdd = std::min(f.typedAdd, nanosecondsPerCall(calls, [&](std::uint32_t n) {
                                for (std::uint32_t i = 0; i < n; ++i)
                                  sink += add(static_cast<std::int32_t>(i), sink);
                              }));
        f.wasmToHost = std::min(f.wasmToHost, nanosecondsPerCall(calls, [&](std::uint32_t n) {
                                  callHost(static_cast<std::int32_t>(n));
                                }));
        f.wasmToWasm = std::min(f.wasmToWasm, nanosecondsPerCall(calls, [&](std::uint32_t n) {
                                  callWasm(static_cast<std::int32_t>(n));
                                }));
      }

    std::printf("linked vs .so: instantiate = median of %u (us); calls = best of %u x %u (ns per "
                "call; checksum %d)\n",
                runs, repeats, calls, sink);
    std::printf("  %-22s %12s %11s %9s %13s %13s\n", "", "instantiate", "typed empty", "typed add",
                "wasm -> host", "wasm -> wasm");
    for (int s = 0; s < 2; ++s)
      std::printf("  %-22s %12.2f %11.2f %9.2f %13.2f %13.2f\n", subjects[s].name,
                  figures[s].instantiateUs, figures[s].typedEmpty, figures[s].typedAdd,
                  figures[s].wasmToHost, figures[s].wasmToWasm);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "waot-bench-linked: %s\n", e.what());
    return 1;
  }
  return 0;
}
