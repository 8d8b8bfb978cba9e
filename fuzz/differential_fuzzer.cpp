// Fuzz target 3 (differential): the input bytes drive binaryen's module
// generator (`wasm-opt -ttf`: valid modules with loops bounded by a hang
// limit, logging imports); wabt's `wasm-interp --run-all-exports
// --dummy-import-func` runs the module as the reference; waot compiles it
// (-O2, or -O0 for every fourth input) and runs the same exports with the
// same stand-in imports. A finding: any line that differs — a result, a trap
// kind, a host call or its arguments (NaN payloads and signs aside) — or any
// failure to compile or run a module both tools accept.
//
// Needs wasm-opt (Debian: binaryen) and wasm-interp (wabt) on PATH.
#include "harness.hpp"

#include "waot/compiler.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const fs::path &scratch() {
  static const fs::path directory = [] {
    std::string pattern = (fs::temp_directory_path() / "waot-diff-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    return fs::path(pattern);
  }();
  return directory;
}

bool run(const std::string &command) { return std::system(command.c_str()) == 0; }

std::vector<std::uint8_t> readBytes(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> readLines(const fs::path &path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// wasm-interp's lines in the harness's canonical form: details after a trap
// message ("out of bounds memory access: access at ...") and NaN signs and
// payloads dropped.
std::string canonical(std::string line) {
  if (const auto error = line.find("=> error: "); error != std::string::npos) {
    if (const auto detail = line.find(':', error + 10); detail != std::string::npos)
      line.resize(detail);
    return line;
  }
  for (const char *nan : {"f32:-nan", "f64:-nan"})
    for (auto at = line.find(nan); at != std::string::npos; at = line.find(nan))
      line.erase(at + 4, 1);
  return line;
}

bool stopsComparison(const std::string &line) {
  return line.find("call stack exhausted") != std::string::npos ||
         line.find("value stack exhausted") != std::string::npos;
}

[[noreturn]] void finding(const std::string &what, const fs::path &module) {
  const fs::path kept =
      fs::current_path() / ("diff-finding-" + std::to_string(::getpid()) + ".wasm");
  fs::copy_file(module, kept, fs::copy_options::overwrite_existing);
  std::fprintf(stderr, "FINDING: %s (module kept as %s)\n", what.c_str(), kept.c_str());
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < 16) return 0;
  static unsigned inputs = 0;
  const unsigned optLevel = ++inputs % 4 == 0 ? 0 : 2;
  const fs::path seed = scratch() / "seed.dat", module = scratch() / "module.wasm",
                 reference = scratch() / "reference.txt";
  std::ofstream(seed, std::ios::binary)
      .write(reinterpret_cast<const char *>(data), static_cast<std::streamsize>(size));
  if (!run("wasm-opt -ttf '" + seed.string() + "' -o '" + module.string() + "' 2>/dev/null"))
    return 0;
  // The generator's loops are bounded; the time limit only guards the run.
  if (!run("timeout 20 wasm-interp '" + module.string() +
           "' --run-all-exports --dummy-import-func > '" + reference.string() + "' 2>&1"))
    return 0; // the reference could not run it (a limit of its own, or its time)
  const std::vector<std::uint8_t> bytes = readBytes(module);
  waot::fuzz::RunLog ours;
  try {
    waot::CompileOptions options;
    options.optLevel = optLevel;
    options.interruptible = true;
    options.threads = 1;
    waot::fuzz::RunOptions runOptions;
    runOptions.onlyWithoutParameters = true;
    runOptions.maxMemoryPages = 65536;
    runOptions.callTimeout = std::chrono::milliseconds(5000);
    ours = waot::fuzz::runExports(waot::compile(bytes, options), runOptions);
  } catch (const waot::Error &error) {
    finding(std::string("waot failed where wasm-interp ran: ") + error.what(), module);
  }
  const std::vector<std::string> theirs = readLines(reference);
  if (std::getenv("WAOT_FUZZ_VERBOSE")) {
    for (const std::string &line : theirs)
      std::fprintf(stderr, "wasm-interp: %s\n", canonical(line).c_str());
    for (const std::string &line : ours.lines)
      std::fprintf(stderr, "waot -O%u:    %s\n", optLevel, line.c_str());
  }
  for (std::size_t i = 0; i < std::max(theirs.size(), ours.lines.size()); ++i) {
    const std::string expected = i < theirs.size() ? canonical(theirs[i]) : "<nothing>";
    const std::string actual = i < ours.lines.size() ? ours.lines[i] : "<nothing>";
    if (stopsComparison(expected) || stopsComparison(actual)) break;
    if (ours.cutShort && i + 1 == ours.lines.size()) break; // interrupted: a time limit
    if (expected != actual)
      finding("line " + std::to_string(i + 1) + " at -O" + std::to_string(optLevel) +
                  ": wasm-interp \"" + expected + "\", waot \"" + actual + "\"",
              module);
  }
  return 0;
}
