// Where `waot run` gets its Module: a compiled .so is loaded as it is; a
// .wasm is compiled (through the compiler module, with a progress line on a
// terminal) or taken from the compile cache — at the tier the request asks
// for (see Tier).
#pragma once

#include <waot/codegen/compiler.hpp>
#include <waot/waot.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace waot::driver {

// Which compiled code a run of a .wasm uses when the cache has no optimized
// artifact for it yet.
enum class Tier {
  // Tiered for a large module, Optimized for a small one (less code than
  // kTieredMinCodeBytes: its optimized compile takes about a second).
  Auto,
  // The quick tier (-O0: fast instruction selection and register
  // allocation) now, and the optimized artifact built in the background for
  // the next run; an optimized artifact in the cache is used at once.
  Tiered,
  // The quick tier only (nothing in the background).
  Quick,
  // The optimized artifact, compiled before the program starts.
  Optimized,
};

// Below this much code (the code section's bytes), Auto compiles at the
// optimized level up front: about a second at -O2 on one core of the
// development machine (~50-60 KB of wasm code per second per core).
inline constexpr std::uint64_t kTieredMinCodeBytes = 64 * 1024;

struct ModuleRequest {
  std::string path;
  codegen::CompileOptions options; // for a .wasm; optLevel is the optimized tier's
  Tier tier = Tier::Optimized;
  bool useCache = true;
  bool verbose = false; // say on stderr which tier runs and what happens in the background
};

class BackgroundOptimization;

struct LoadedModule {
  Module module;
  // A tiered run's optimized build, to start (BackgroundOptimization::start)
  // once the program has shown which functions it runs; null otherwise.
  std::unique_ptr<BackgroundOptimization> optimization;
  LoadedModule(Module m, std::unique_ptr<BackgroundOptimization> o);
  LoadedModule(LoadedModule &&) noexcept;
  ~LoadedModule();
};

LoadedModule loadModule(const ModuleRequest &request);

// `waot cache build`: compiles the .wasm of `request` into the cache at
// request.options (unless it is there). In the background (started by a
// tiered run), it gives way to another process compiling the same module,
// reports to the cache's log instead of a terminal, and records a failure
// so that later runs do not retry it. Returns the exit status.
// `guided` (background only): optimize only the functions of the profile a
// tiered run stored for it (the others are compiled without optimization).
int buildIntoCache(const ModuleRequest &request, bool background, bool guided);

} // namespace waot::driver
