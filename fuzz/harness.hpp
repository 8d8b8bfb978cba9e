// What the compile-and-run fuzz targets share: instantiate a module with
// stand-in imports and run its exports, writing everything observable (host
// calls with their arguments, results, traps) as lines in the format of
// wabt's `wasm-interp --run-all-exports --dummy-import-func`, so that two
// runs — two optimization levels, or waot and the reference interpreter —
// are compared line by line.
#pragma once

#include "waot/waot.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace waot::fuzz {

struct RunOptions {
  // Only exports without parameters, as wasm-interp runs them; otherwise
  // every exported function, called with zeros.
  bool onlyWithoutParameters = false;
  // Each call's time bound (the module must be compiled interruptible).
  std::chrono::milliseconds callTimeout{200};
  // The most pages a memory may grow to (keeps runs small).
  std::uint64_t maxMemoryPages = 256;
};

struct RunLog {
  std::vector<std::string> lines;
  // Set when the run stopped being comparable: an interruption (timing) or
  // call stack exhaustion (a limit each engine sets differently); lines up to
  // and including the one that stopped still compare.
  bool cutShort = false;
};

// Instantiates `module` (every import satisfied by a stand-in: functions that
// log their call and return zeros, fresh memories, tables and globals) and
// calls its exported functions in export order on that one instance.
// Exceptions other than waot's own traps and errors propagate.
RunLog runExports(const Module &module, const RunOptions &options);

// Canonical text of a value as wasm-interp prints it ("i32:4294967295",
// "f64:1.500000"; every NaN is "nan": payloads and signs may differ).
std::string formatValue(const Value &value);

} // namespace waot::fuzz
