// Call overhead across the host/wasm boundary, in nanoseconds per call.
//
//   native indirect   an empty C++ function called through a function pointer
//                     the compiler cannot see through: the reference
//   typed empty       TypedFunction<void()> of the empty export (the trap
//                     boundary included: this is what an embedder calls)
//   typed add         TypedFunction<int32_t(int32_t, int32_t)>
//   raw code pointer  the export's native code called directly, without the
//                     trap boundary (what the boundary costs = typed - raw)
//   generic empty     Function::call with boxed Values
//   wasm -> host      per iteration of a wasm loop calling an imported host
//                     function (Function::wrap of an empty lambda)
//   wasm -> wasm      the same loop calling an empty wasm function through
//                     call_indirect: the baseline of the line above
//
// usage: waot-bench-calls CALLS.so [--calls N] [--repeats N]
// (CALLS.so: bench/calls.wat compiled by `waot compile`). Each figure is the
// best of the repeats (the least disturbed on a shared machine). The last
// lines, `call_ns NAME VALUE`, are for scripts (bench/run_all.sh).
#include <waot/waot.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

[[gnu::noinline]] void emptyNative() { asm volatile(""); }

// Nanoseconds per call of `body(calls)`, the best of `repeats`.
template <class Body>
double bestNanosecondsPerCall(unsigned repeats, std::uint32_t calls, Body &&body) {
  double best = std::numeric_limits<double>::infinity();
  for (unsigned r = 0; r < repeats; ++r) {
    const Clock::time_point start = Clock::now();
    body(calls);
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    best = std::min(best, ns / calls);
  }
  return best;
}

std::uint32_t parseCount(const char *text, const char *option) {
  char *end = nullptr;
  const unsigned long value = std::strtoul(text, &end, 10);
  if (end == text || *end != '\0' || value == 0 || value > 2'000'000'000ul)
    throw std::runtime_error(std::string(option) + " needs a count between 1 and 2000000000");
  return static_cast<std::uint32_t>(value);
}

} // namespace

int main(int argc, char **argv) {
  try {
    std::uint32_t calls = 20'000'000, repeats = 5;
    std::string path;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if ((arg == "--calls" || arg == "--repeats") && i + 1 < argc)
        (arg == "--calls" ? calls : repeats) = parseCount(argv[++i], arg.c_str());
      else if (path.empty() && !arg.empty() && arg[0] != '-')
        path = arg;
      else
        throw std::runtime_error("unexpected argument " + arg);
    }
    if (path.empty()) {
      std::fprintf(stderr, "usage: %s CALLS.so [--calls N] [--repeats N]\n", argv[0]);
      return 2;
    }

    std::uint64_t hostCalls = 0;
    waot::Imports imports;
    imports.define("host", "nop", waot::Function::wrap([&hostCalls]() { ++hostCalls; }));
    const waot::Module module = waot::Module::load(path);
    const waot::Instance instance(module, imports);
    const waot::Exports &exports = instance.exports();
    const auto empty = exports.function<void()>("empty");
    const auto add = exports.function<std::int32_t(std::int32_t, std::int32_t)>("add");
    const auto callHost = exports.function<void(std::int32_t)>("call_host");
    const auto callWasm = exports.function<void(std::int32_t)>("call_wasm");
    const auto tailWasm = exports.function<void(std::int32_t)>("tail_wasm");
    const waot::Function generic = exports.function("empty");
    const waot::detail::NativeTarget raw = waot::detail::nativeTarget(generic);
    auto *rawCode = reinterpret_cast<void (*)(void *)>(raw.code);

    void (*volatile nativePointer)() = &emptyNative;
    void (*volatile rawPointer)(void *) = rawCode;
    std::vector<std::pair<std::string, double>> results;
    results.emplace_back("native_indirect",
                         bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           for (std::uint32_t i = 0; i < n; ++i)
                             nativePointer();
                         }));
    results.emplace_back("typed_empty",
                         bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           for (std::uint32_t i = 0; i < n; ++i)
                             empty();
                         }));
    std::int32_t sink = 0;
    results.emplace_back("typed_add", bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           for (std::uint32_t i = 0; i < n; ++i)
                             sink += add(static_cast<std::int32_t>(i), sink);
                         }));
    results.emplace_back("raw_code_pointer",
                         bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           for (std::uint32_t i = 0; i < n; ++i)
                             rawPointer(raw.ctx);
                         }));
    results.emplace_back("generic_empty",
                         bestNanosecondsPerCall(repeats, calls / 10, [&](std::uint32_t n) {
                           for (std::uint32_t i = 0; i < n; ++i)
                             generic.call({});
                         }));
    results.emplace_back("wasm_to_host",
                         bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           callHost(static_cast<std::int32_t>(n));
                         }));
    results.emplace_back("wasm_to_wasm_indirect",
                         bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           callWasm(static_cast<std::int32_t>(n));
                         }));
    results.emplace_back("wasm_tail_call_indirect",
                         bestNanosecondsPerCall(repeats, calls, [&](std::uint32_t n) {
                           tailWasm(static_cast<std::int32_t>(n));
                         }));
    if (hostCalls != std::uint64_t{repeats} * calls)
      throw std::runtime_error("the host function ran " + std::to_string(hostCalls) +
                               " times, not " + std::to_string(std::uint64_t{repeats} * calls));

    std::printf("call overhead, best of %u x %u calls (ns per call; add's checksum %d)\n", repeats,
                calls, sink);
    for (const auto &[name, ns] : results)
      std::printf("  %-24s %8.2f\n", name.c_str(), ns);
    for (const auto &[name, ns] : results)
      std::printf("call_ns %s %.3f\n", name.c_str(), ns);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "waot-bench-calls: %s\n", e.what());
    return 1;
  }
  return 0;
}
