#include "compiler_module.hpp"

#include <waot/errors.hpp>

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace waot::driver {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> candidatePaths() {
  std::vector<fs::path> paths;
  if (const char *env = std::getenv("WAOT_CODEGEN_PLUGIN"); env && *env) {
    paths.emplace_back(env);
    return paths; // an explicit choice is not second-guessed
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path bin = self.parent_path();
    // Beside the executable in the build tree (driver/ and codegen/ are siblings).
    paths.push_back(bin.parent_path() / "codegen" / "waot-codegen.so");
    paths.push_back(bin.parent_path() / "lib" / "waot" / "waot-codegen.so");
  }
  paths.emplace_back(WAOT_CODEGEN_PLUGIN_INSTALLED);
  return paths;
}

const codegen::PluginEntryPoints &load() {
  std::string tried;
  for (const fs::path &path : candidatePaths()) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      tried += "\n  " + path.string() + ": not found";
      continue;
    }
    // RTLD_LOCAL: LLVM's symbols stay out of the global namespace; the
    // module is never unloaded (LLVM's static state lives to process exit).
    void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) {
      tried += "\n  " + path.string() + ": " + ::dlerror();
      continue;
    }
    using Entry = const codegen::PluginEntryPoints *(*)();
    auto entry = reinterpret_cast<Entry>(::dlsym(handle, WAOT_CODEGEN_PLUGIN_SYMBOL));
    const codegen::PluginEntryPoints *points = entry ? entry() : nullptr;
    if (!points) {
      tried += "\n  " + path.string() + ": not a waot compiler module";
      continue;
    }
    if (std::strcmp(points->version, WAOT_VERSION) != 0 ||
        points->compileOptionsSize != sizeof(codegen::CompileOptions)) {
      tried += "\n  " + path.string() + ": from waot " + points->version + ", not " + WAOT_VERSION;
      continue;
    }
    return *points;
  }
  throw Error("cannot load the compiler module waot-codegen.so; tried:" + tried);
}

} // namespace

std::string compilerIdentity() {
  for (const fs::path &path : candidatePaths()) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) continue;
    return path.string() + " " + std::to_string(info.st_size) + " " +
           std::to_string(info.st_mtim.tv_sec) + "." + std::to_string(info.st_mtim.tv_nsec);
  }
  return {};
}

const codegen::PluginEntryPoints &compiler() {
  static const codegen::PluginEntryPoints &points = load();
  return points;
}

} // namespace waot::driver
