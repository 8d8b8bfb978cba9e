#include "background_optimization.hpp"

#include "background_build.hpp"

#include <waot/errors.hpp>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace waot::driver {

std::chrono::milliseconds profileDelay() {
  if (const char *text = std::getenv("WAOT_TIER_PROFILE_SECONDS"); text && *text) {
    char *end = nullptr;
    const double seconds = std::strtod(text, &end);
    if (end && *end == '\0' && seconds >= 0 && seconds < 1e6)
      return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  return kProfileSeconds;
}

BackgroundOptimization::BackgroundOptimization(std::string modulePath,
                                               std::filesystem::path cacheDirectory,
                                               std::string optimizedKey,
                                               codegen::CompileOptions optimized, Module profiled,
                                               std::vector<bool> alreadyOptimized)
    : modulePath_(std::move(modulePath)), cache_(std::move(cacheDirectory)),
      optimizedKey_(std::move(optimizedKey)), optimized_(std::move(optimized)),
      profiled_(std::move(profiled)), alreadyOptimized_(std::move(alreadyOptimized)) {}

std::string BackgroundOptimization::update() {
  const std::lock_guard lock(mutex_);
  std::optional<std::vector<bool>> entered = profiled_.enteredFunctions();
  if (!entered) return "no profile (the module records none)";
  std::vector<bool> hot = *entered;
  if (!alreadyOptimized_.empty()) {
    if (alreadyOptimized_.size() != hot.size()) return "the profile does not match the module";
    const bool newlyEntered = std::find(hot.begin(), hot.end(), true) != hot.end();
    if (!newlyEntered) return "every function it ran is optimized";
    for (std::size_t i = 0; i < hot.size(); ++i)
      hot[i] = hot[i] || alreadyOptimized_[i];
  }
  // Profiles only grow: what another run stored (a concurrent first run, an
  // earlier one, this run's earlier update) is kept, so the optimized set
  // converges.
  const std::optional<std::vector<bool>> stored = cache_.readProfile(optimizedKey_);
  if (stored && stored->size() == hot.size())
    for (std::size_t i = 0; i < hot.size(); ++i)
      hot[i] = hot[i] || (*stored)[i];
  if (updates_++ > 0 && stored && *stored == hot) return {}; // nothing new since the last one
  if (const std::optional<std::string> failure = cache_.failure(optimizedKey_))
    return "the optimized build failed before (" + *failure + "); not retried";
  try {
    cache_.writeProfile(optimizedKey_, hot);
  } catch (const Error &e) {
    return std::string("no background build: ") + e.what();
  }
  const auto optimizedCount = std::count(hot.begin(), hot.end(), true);
  const std::string what = "the " + std::to_string(optimizedCount) + " of " +
                           std::to_string(hot.size()) + " functions it ran";
  // A running build reads the profile again when it is done, and builds
  // once more if it has grown.
  for (const CompileCache::Build &build : cache_.buildsInProgress())
    if (build.key == optimizedKey_)
      return "the optimized build running (pid " + std::to_string(build.pid) + ") follows with " +
             what;
  const std::string why = startBackgroundBuild(modulePath_, optimized_, /*guided=*/true);
  if (!why.empty()) return "no background build: " + why;
  return "optimizing " + what + " at -O" + std::to_string(optimized_.optLevel) +
         " in the background";
}

} // namespace waot::driver
