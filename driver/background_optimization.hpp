// The optimized build a tiered `waot run` leaves behind, guided by what the
// run executed: started once the program has shown which functions it runs
// (after kProfileSeconds, and again when it ends), it optimizes those and
// compiles the rest without optimization — in a fraction of a full build's
// time.
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

  // Stores the profile with the functions entered so far (merged with the
  // stored one) and starts the build unless one is running (it builds again
  // with the grown profile when done). Called after kProfileSeconds and when
  // the program ends; does nothing when the profile has not grown, or for a
  // run of a guided artifact that entered none of its unoptimized functions.
  // Safe from any thread; returns what a verbose run reports ("" for nothing).
  std::string update();

private:
  std::mutex mutex_;
  unsigned updates_ = 0;
  std::string modulePath_;
  CompileCache cache_;
  std::string optimizedKey_;
  codegen::CompileOptions optimized_;
  Module profiled_;
  std::vector<bool> alreadyOptimized_;
};

} // namespace waot::driver
