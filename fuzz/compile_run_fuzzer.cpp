// Fuzz target 2: arbitrary bytes -> validate -> compile at -O0 and at -O2
// (interruptible code, so that every call has a time bound) -> instantiate
// -> call every exported function with zeros. Findings: a crash or sanitizer
// report; a valid module the compiler refuses or an exception that is not
// a trap (only CompileError may reject the bytes); and -O0 and -O2 runs
// that disagree (results, traps, host calls; NaN payloads aside).
#include "harness.hpp"

#include "waot/compiler.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace {

waot::Module compileAt(std::span<const std::uint8_t> bytes, unsigned optLevel) {
  waot::CompileOptions options;
  options.optLevel = optLevel;
  options.interruptible = true;
  options.threads = 1;
  return waot::compile(bytes, options);
}

[[noreturn]] void finding(const char *what, const std::string &detail) {
  std::fprintf(stderr, "FINDING: %s: %s\n", what, detail.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (!waot::validate(bytes)) return 0; // fuzz target 1 covers rejection
  waot::fuzz::RunOptions options;
  waot::fuzz::RunLog runs[2];
  const unsigned levels[2] = {0, 2};
  for (int i = 0; i < 2; ++i) {
    try {
      runs[i] = waot::fuzz::runExports(compileAt(bytes, levels[i]), options);
    } catch (const waot::LinkError &error) {
      finding("the stand-in imports did not link", error.what());
    } catch (const waot::Error &error) {
      finding("a valid module failed to compile or run", error.what());
    }
  }
  // Compare up to where either run stopped being comparable: the call that
  // stopped a run (interrupted: a deadline; call stack exhausted: -O0 and -O2
  // frames differ in size) and everything the other run did from there on
  // (host calls it made before its own outcome) are timing, not semantics —
  // -O0 may meet the deadline in a loop -O2 finishes, or before a host call
  // -O2 reaches.
  std::size_t common = std::min(runs[0].lines.size(), runs[1].lines.size());
  for (const waot::fuzz::RunLog &run : runs)
    if (run.cutShort && !run.lines.empty()) common = std::min(common, run.lines.size() - 1);
  for (std::size_t i = 0; i < common; ++i)
    if (runs[0].lines[i] != runs[1].lines[i])
      finding("-O0 and -O2 disagree", runs[0].lines[i] + " | " + runs[1].lines[i]);
  if (!runs[0].cutShort && !runs[1].cutShort && runs[0].lines.size() != runs[1].lines.size())
    finding("-O0 and -O2 ran a different number of steps",
            std::to_string(runs[0].lines.size()) + " vs " + std::to_string(runs[1].lines.size()));
  return 0;
}
