#include "module_source.hpp"

#include "commands.hpp"
#include "compile_cache.hpp"
#include "compiler_module.hpp"

#include <waot/errors.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

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

Module loadWasm(const ModuleRequest &request) {
  double seconds = 0;
  if (!request.useCache)
    return Module::loadFromMemory(
        compileWithProgress(request.path, readModuleBytes(request.path), request.options, seconds),
        request.path);
  const CompileCache cache(CompileCache::defaultDirectory());
  // A module this cache has seen unchanged is neither read nor hashed again.
  std::vector<std::uint8_t> wasm;
  std::optional<std::string> digest = cache.rememberedDigest(request.path);
  if (!digest) {
    wasm = readModuleBytes(request.path);
    digest = CompileCache::digestOf(wasm);
    cache.rememberDigest(request.path, *digest);
  }
  const std::string key = CompileCache::key(*digest, request.options);
  if (std::optional<Module> cached = loadCached(cache, key)) return std::move(*cached);
  // One compiler per module: a concurrent run waits here, then finds the entry.
  const CompileCache::KeyLock lock = cache.lock(key);
  if (std::optional<Module> cached = loadCached(cache, key)) return std::move(*cached);
  if (wasm.empty()) wasm = readModuleBytes(request.path);
  const std::vector<std::uint8_t> artifact =
      compileWithProgress(request.path, wasm, request.options, seconds);
  CompileCache::Description description;
  std::error_code absoluteError;
  description.source = fs::weakly_canonical(request.path, absoluteError).string();
  description.optLevel = request.options.optLevel;
  description.tier = request.options.optLevel == 0 ? "quick" : "optimized";
  description.compileSeconds = seconds;
  try {
    cache.store(key, artifact, description);
  } catch (const Error &e) {
    // A read-only or full cache must not stop the program.
    std::fprintf(stderr, "waot: warning: not cached: %s\n", e.what());
    return Module::loadFromMemory(artifact, request.path);
  }
  return Module::load(cache.artifactPath(key));
}

} // namespace

Module loadModule(const ModuleRequest &request) {
  // The loader reads a .so itself: only its first bytes are read here.
  switch (detectFileKind(readFilePrefix(request.path, 4096))) {
  case FileKind::SharedObject: return Module::load(request.path);
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

} // namespace waot::driver
