#include "module_source.hpp"

#include "background_build.hpp"
#include "background_optimization.hpp"
#include "commands.hpp"
#include "compile_cache.hpp"
#include "compiler_module.hpp"

#include <waot/errors.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>

namespace waot::driver {
namespace {

namespace fs = std::filesystem;

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// "waot: compiling NAME: 3/12 parts, 4.2 s" on stderr, rewritten in place,
// when stderr is a terminal; nothing otherwise.
class ProgressLine {
public:
  explicit ProgressLine(std::string name)
      : name_(std::move(name)), start_(std::chrono::steady_clock::now()),
        enabled_(::isatty(STDERR_FILENO) == 1) {
    if (enabled_) std::fprintf(stderr, "\rwaot: compiling %s...\x1b[K", name_.c_str());
  }
  ~ProgressLine() {
    if (enabled_) std::fprintf(stderr, "\r\x1b[K");
  }
  ProgressLine(const ProgressLine &) = delete;
  ProgressLine &operator=(const ProgressLine &) = delete;

  void update(std::size_t done, std::size_t total) const {
    if (enabled_)
      std::fprintf(stderr, "\rwaot: compiling %s: %zu/%zu parts, %.1f s\x1b[K", name_.c_str(), done,
                   total, secondsSince(start_));
  }
  double elapsed() const { return secondsSince(start_); }

private:
  std::string name_;
  std::chrono::steady_clock::time_point start_;
  bool enabled_;
};

std::vector<std::uint8_t> compileWithProgress(const std::string &path,
                                              std::span<const std::uint8_t> wasm,
                                              codegen::CompileOptions options, double &seconds) {
  const auto &compiler = driver::compiler();
  const ProgressLine progress(fs::path(path).filename().string());
  options.progress = [&progress](std::size_t done, std::size_t total) {
    progress.update(done, total);
  };
  std::vector<std::uint8_t> artifact = compiler.compileToSharedLibrary(wasm, options);
  seconds = progress.elapsed();
  return artifact;
}

// The cached module of `key`; nullopt when there is none. An entry that is
// corrupt, truncated or not ours is reported and removed, never run.
std::optional<Module> loadCached(const CompileCache &cache, const std::string &key) {
  const fs::path entry = cache.artifactPath(key);
  std::error_code ec;
  if (!fs::exists(entry, ec)) return std::nullopt;
  std::string why = cache.mismatch(key);
  if (why.empty()) {
    try {
      return Module::load(entry);
    } catch (const CompileError &e) {
      why = e.what();
    }
  }
  std::fprintf(stderr, "waot: replacing the bad cache entry %s: %s\n", entry.c_str(), why.c_str());
  cache.remove(key);
  return std::nullopt;
}

std::string tierName(unsigned optLevel) { return optLevel == 0 ? "quick" : "optimized"; }

std::string levelName(unsigned optLevel) { return "-O" + std::to_string(optLevel); }

// Bytes of the code section (0 if there is none); the whole size when the
// section headers cannot be walked (the compiler reports what is wrong).
std::uint64_t codeSectionBytes(std::span<const std::uint8_t> wasm) {
  std::size_t at = 8;
  const auto leb = [&](std::uint64_t &value) {
    value = 0;
    for (unsigned shift = 0; shift < 35 && at < wasm.size(); shift += 7) {
      const std::uint8_t byte = wasm[at++];
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) return true;
    }
    return false;
  };
  while (at < wasm.size()) {
    const std::uint8_t id = wasm[at++];
    std::uint64_t size = 0;
    if (!leb(size) || size > wasm.size() - at) return wasm.size();
    if (id == 10) return size;
    at += size;
  }
  return 0;
}

// What a run knows about its module in the cache.
struct CacheLookup {
  const CompileCache &cache;
  std::string path, digest;
  std::vector<std::uint8_t> wasm; // read only when needed

  std::span<const std::uint8_t> bytes() {
    if (wasm.empty()) wasm = readModuleBytes(path);
    return wasm;
  }
};

CacheLookup lookUp(const CompileCache &cache, const std::string &path) {
  CacheLookup lookup{cache, path, {}, {}};
  // A module this cache has seen unchanged is neither read nor hashed again.
  if (std::optional<std::string> digest = cache.rememberedDigest(path)) {
    lookup.digest = std::move(*digest);
  } else {
    lookup.digest = CompileCache::digestOf(lookup.bytes());
    cache.rememberDigest(path, lookup.digest);
  }
  return lookup;
}

// Compiles the module into the cache under `key` (the caller holds its
// lock); the artifact's bytes, which are also in the cache unless it cannot
// be written (then a warning says so). `background`: no progress line.
// `profileDigest`: that of the profile a guided build (unoptimizedFunctions)
// follows.
std::vector<std::uint8_t> compileIntoCache(CacheLookup &lookup, const std::string &key,
                                           const codegen::CompileOptions &options, bool background,
                                           double &seconds, const std::string &profileDigest = {}) {
  lookup.cache.removeLeftovers(key); // a killed compile's
  std::error_code absoluteError;
  const std::string source = fs::weakly_canonical(lookup.path, absoluteError).string();
  const CompileCache::BuildMarker marker =
      lookup.cache.markBuilding(key, source, options.optLevel, background);
  std::vector<std::uint8_t> artifact;
  if (background) {
    const auto start = std::chrono::steady_clock::now();
    artifact = driver::compiler().compileToSharedLibrary(lookup.bytes(), options);
    seconds = secondsSince(start);
  } else {
    artifact = compileWithProgress(lookup.path, lookup.bytes(), options, seconds);
  }
  CompileCache::Description description;
  description.source = source;
  description.optLevel = options.optLevel;
  description.tier = tierName(options.optLevel);
  description.compileSeconds = seconds;
  if (!options.unoptimizedFunctions.empty()) {
    const auto &unoptimized = options.unoptimizedFunctions;
    description.functions = static_cast<std::uint32_t>(unoptimized.size());
    description.optimizedFunctions =
        static_cast<std::uint32_t>(std::count(unoptimized.begin(), unoptimized.end(), false));
    description.profileDigest = profileDigest;
  }
  try {
    lookup.cache.store(key, artifact, description);
  } catch (const Error &e) {
    // A read-only or full cache must not stop the program.
    std::fprintf(stderr, "waot: warning: not cached: %s\n", e.what());
  }
  return artifact;
}

// The module compiled with `options`: from the cache, or compiled into it
// (one compiler per module: a concurrent run waits, then finds the entry).
Module cachedOrCompiled(CacheLookup &lookup, const codegen::CompileOptions &options,
                        std::string &how) {
  const std::string key = CompileCache::key(lookup.digest, options);
  if (std::optional<Module> cached = loadCached(lookup.cache, key)) {
    how = "from the cache";
    return std::move(*cached);
  }
  const CompileCache::KeyLock lock = lookup.cache.lock(key);
  if (std::optional<Module> cached = loadCached(lookup.cache, key)) {
    how = "from the cache (compiled by another waot meanwhile)";
    return std::move(*cached);
  }
  double seconds = 0;
  const std::vector<std::uint8_t> artifact =
      compileIntoCache(lookup, key, options, /*background=*/false, seconds);
  char text[64];
  std::snprintf(text, sizeof text, "compiled in %.2f s", seconds);
  how = text;
  std::error_code ec;
  if (fs::exists(lookup.cache.artifactPath(key), ec))
    return Module::load(lookup.cache.artifactPath(key));
  return Module::loadFromMemory(artifact, lookup.path);
}

std::string guidedText(const CompileCache::Description &description) {
  if (!description.guided()) return {};
  return ", " + std::to_string(description.optimizedFunctions) + " of " +
         std::to_string(description.functions) + " functions optimized";
}

LoadedModule loadWasm(const ModuleRequest &request) {
  const std::string name = fs::path(request.path).filename().string();
  const auto say = [&](const std::string &what) {
    if (request.verbose) std::fprintf(stderr, "waot: %s: %s\n", name.c_str(), what.c_str());
  };
  // The quick tier records which functions run, for the optimized build.
  codegen::CompileOptions quick = request.options;
  quick.optLevel = 0;
  quick.entryProfile = true;
  if (!request.useCache) {
    const codegen::CompileOptions &options = request.tier == Tier::Quick ? quick : request.options;
    double seconds = 0;
    Module module = Module::loadFromMemory(
        compileWithProgress(request.path, readModuleBytes(request.path), options, seconds),
        request.path);
    char text[64];
    std::snprintf(text, sizeof text, "compiled in %.2f s, not cached", seconds);
    say(tierName(options.optLevel) + " tier (" + levelName(options.optLevel) + "), " + text);
    return {std::move(module), nullptr};
  }
  const CompileCache cache(CompileCache::defaultDirectory());
  CacheLookup lookup = lookUp(cache, request.path);
  std::string how;
  const auto optimizedModule = [&]() -> LoadedModule {
    Module module = cachedOrCompiled(lookup, request.options, how);
    say(tierName(request.options.optLevel) + " tier (" + levelName(request.options.optLevel) +
        ") " + how);
    return {std::move(module), nullptr};
  };
  const bool tiered = request.tier == Tier::Tiered || request.tier == Tier::Auto;
  if (request.tier == Tier::Optimized || request.options.optLevel == 0) return optimizedModule();
  const std::string optimizedKey = CompileCache::key(lookup.digest, request.options);
  if (tiered) {
    if (std::optional<Module> cached = loadCached(cache, optimizedKey)) {
      LoadedModule loaded{std::move(*cached), nullptr};
      const std::optional<CompileCache::Description> description = cache.description(optimizedKey);
      say("optimized tier (" + levelName(request.options.optLevel) +
          (description ? guidedText(*description) : std::string()) + ") from the cache");
      // A guided build learns from every run which of its unoptimized
      // functions the program runs after all.
      if (description && description->guided())
        if (std::optional<std::vector<bool>> optimized = cache.readProfile(optimizedKey))
          loaded.optimization = std::make_unique<BackgroundOptimization>(
              request.path, cache.directory(), optimizedKey, request.options, loaded.module,
              std::move(*optimized));
      return loaded;
    }
    if (request.tier == Tier::Auto && codeSectionBytes(lookup.bytes()) < kTieredMinCodeBytes)
      return optimizedModule();
  }
  LoadedModule loaded{cachedOrCompiled(lookup, quick, how), nullptr};
  std::string line = "quick tier (-O0) " + how;
  if (tiered) {
    char text[96];
    std::snprintf(text, sizeof text,
                  "; the optimized build starts when the program ends or after %.1f s",
                  static_cast<double>(profileDelay().count()) / 1000);
    line += text;
    loaded.optimization = std::make_unique<BackgroundOptimization>(
        request.path, cache.directory(), optimizedKey, request.options, loaded.module,
        std::vector<bool>());
  }
  say(line);
  return loaded;
}

// Whether a background build of `key` has anything to do: not when the
// cache holds an artifact at least as good (a full build, or one guided by
// this very profile).
bool backgroundBuildNeeded(const CompileCache &cache, const std::string &key,
                           const std::string &profileDigest) {
  std::error_code ec;
  if (!fs::exists(cache.artifactPath(key), ec) || !cache.mismatch(key).empty()) return true;
  const std::optional<CompileCache::Description> stored = cache.description(key);
  if (!stored || !stored->guided()) return false;
  return profileDigest.empty() || stored->profileDigest != profileDigest;
}

} // namespace

int buildIntoCache(const ModuleRequest &request, bool background, bool guided) {
  const std::string name = fs::path(request.path).filename().string();
  const CompileCache cache(CompileCache::defaultDirectory());
  CacheLookup lookup = lookUp(cache, request.path);
  const std::string key = CompileCache::key(lookup.digest, request.options);
  const std::string what = key.substr(0, 16) + " " + levelName(request.options.optLevel) + " " +
                           fs::absolute(request.path).string();
  if (!background) {
    // A full build, also in place of a guided one.
    const std::optional<CompileCache::Description> stored = cache.description(key);
    if (stored && stored->guided()) cache.remove(key);
    std::string how;
    cachedOrCompiled(lookup, request.options, how);
    if (request.verbose) std::fprintf(stderr, "waot: %s: %s\n", name.c_str(), how.c_str());
    return 0;
  }
  // Behind whoever is compiling it now: then build only what is still
  // missing (the other one may have built it, or with a smaller profile).
  const CompileCache::KeyLock lock = cache.lock(key);
  std::string builtDigest;
  for (;;) {
    codegen::CompileOptions options = request.options;
    std::string profileDigest;
    if (guided) {
      if (std::optional<std::vector<bool>> profile = cache.readProfile(key)) {
        profileDigest = CompileCache::profileDigest(*profile);
        options.entryProfile = true; // its unoptimized functions report being run
        options.unoptimizedFunctions.reserve(profile->size());
        for (const bool entered : *profile)
          options.unoptimizedFunctions.push_back(!entered);
      }
    }
    // Runs may have grown the profile while this build ran: build again
    // until the artifact follows the profile as it stands.
    if (!backgroundBuildNeeded(cache, key, profileDigest) ||
        (!builtDigest.empty() && builtDigest == profileDigest))
      return 0;
    cache.log(what + ": background build started (pid " + std::to_string(::getpid()) + ")" +
              (profileDigest.empty() ? "" : ", guided by a profile"));
    try {
      double seconds = 0;
      compileIntoCache(lookup, key, options, /*background=*/true, seconds, profileDigest);
      char text[64];
      std::snprintf(text, sizeof text, ": built in %.1f s", seconds);
      std::string guidance;
      if (const std::optional<CompileCache::Description> stored = cache.description(key))
        if (stored->guided()) guidance = " (" + guidedText(*stored).substr(2) + ")";
      cache.log(what + text + guidance);
    } catch (const std::exception &e) {
      cache.log(what + ": failed: " + e.what());
      cache.recordFailure(key, e.what());
      return 1;
    }
    if (!guided) return 0;
    builtDigest = profileDigest;
  }
}

LoadedModule loadModule(const ModuleRequest &request) {
  // The loader reads a .so itself: only its first bytes are read here.
  switch (detectFileKind(readFilePrefix(request.path, 4096))) {
  case FileKind::SharedObject: return {Module::load(request.path), nullptr};
  case FileKind::Wasm:
  case FileKind::Text: return loadWasm(request);
  case FileKind::Unknown: break;
  }
  throw CompileError(
      CompileError::Kind::Malformed,
      "'" + request.path +
          "' is neither a WebAssembly module (binary or text) nor a compiled waot artifact",
      0);
}

LoadedModule::LoadedModule(Module m, std::unique_ptr<BackgroundOptimization> o)
    : module(std::move(m)), optimization(std::move(o)) {}
LoadedModule::LoadedModule(LoadedModule &&) noexcept = default;
LoadedModule::~LoadedModule() = default;

} // namespace waot::driver
