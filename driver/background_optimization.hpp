// The optimized build a tiered `waot run` leaves behind, guided by what the
// run executed: started once the program has shown which functions it runs
// (when it ends, or after kProfileSeconds), it optimizes those and compiles
// the rest without optimization — in a fraction of a full build's time.
#pragma once

#include "compile_cache.hpp"

#include <waot/codegen/compiler.hpp>
#include <waot/waot.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace waot::driver {

// How long a tiered run's program runs before the background build starts
// with the profile so far (a short program's build starts when it ends):
// kProfileSeconds, or $WAOT_TIER_PROFILE_SECONDS.
inline constexpr std::chrono::seconds kProfileSeconds{10};
std::chrono::milliseconds profileDelay();

class BackgroundOptimization {
public:
  // `profiled`: the module that runs, compiled with an entry profile (the
  // quick tier, or an earlier guided build whose unoptimized functions set
  // their flags). `optimizedKey`, `optimized`: the artifact to build.
  // `alreadyOptimized`: per defined function, what the guided build in the
  // cache optimized (empty when the quick tier runs).
  BackgroundOptimization(std::string modulePath, std::filesystem::path cacheDirectory,
                         std::string optimizedKey, codegen::CompileOptions optimized,
                         Module profiled, std::vector<bool> alreadyOptimized);

  // Starts the build with the functions entered so far, the first time it
  // is called and only when it can help (a run of a guided artifact that
  // entered none of its unoptimized functions needs nothing new). Safe from
  // any thread; returns what a verbose run reports.
  std::string start();

private:
  std::mutex mutex_;
  bool started_ = false;
  std::string modulePath_;
  CompileCache cache_;
  std::string optimizedKey_;
  codegen::CompileOptions optimized_;
  Module profiled_;
  std::vector<bool> alreadyOptimized_;
};

} // namespace waot::driver
