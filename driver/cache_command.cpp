// `waot cache info|clear|dir`: the compile cache of `waot run`.
#include "commands.hpp"
#include "compile_cache.hpp"
#include "module_source.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace waot::driver {
namespace {

std::string humanBytes(std::uintmax_t bytes) {
  char text[32];
  if (bytes >= (1u << 20))
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  else
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / (1 << 10));
  return text;
}

constexpr const char *kUsage = "usage: waot cache info|clear|dir\n"
                               "       waot cache build [-O N] [--interruptible] MODULE\n"
                               "  info   where the cache is, and every entry: size, tier, "
                               "compile time, source; compiles running now; failed "
                               "background builds\n"
                               "  build  compile MODULE into the cache for `waot run` (at -O2 "
                               "unless -O says otherwise)\n"
                               "  clear  remove every entry\n"
                               "  dir    print the cache directory\n"
                               "The directory is $WAOT_CACHE_DIR, else $XDG_CACHE_HOME/waot, "
                               "else ~/.cache/waot.\n";

namespace po = boost::program_options;

// `waot cache build [-O N] [--interruptible] [--background] [-v] MODULE`.
int buildCommand(const std::vector<std::string> &args) {
  ModuleRequest request;
  bool background = false, interruptible = false, guided = false;
  po::options_description options("waot cache build options");
  options.add_options()("opt,O", po::value(&request.options.optLevel)->default_value(2),
                        "optimization level")(
      "interruptible", po::bool_switch(&interruptible),
      "with interruption checks (what `waot run --timeout` runs)")(
      "background", po::bool_switch(&background),
      "as a tiered run's background build: give way to another compile of the module, "
      "report to the cache's background.log")(
      "profile", po::bool_switch(&guided),
      "with --background: optimize only the functions of the profile a tiered run stored "
      "in the cache (the others unoptimized)")("verbose,v", po::bool_switch(&request.verbose),
                                               "say what was done")(
      "module", po::value(&request.path)->required(), "the .wasm or .wat");
  po::positional_options_description positional;
  positional.add("module", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (request.options.optLevel > 3) throw UsageError("optimization level must be 0..3");
  request.options.interruptible = interruptible;
  if (guided && !background) throw UsageError("--profile is for --background builds");
  return buildIntoCache(request, background, guided);
}

void printInfo(const CompileCache &cache) {
  const auto entries = cache.entries();
  std::uintmax_t total = 0;
  for (const auto &entry : entries)
    total += entry.bytes;
  std::cout << "cache: " << cache.directory().string() << "\n"
            << entries.size() << " module(s), " << humanBytes(total) << "\n";
  for (const auto &entry : entries) {
    std::printf("%.16s  %10s", entry.key.c_str(), humanBytes(entry.bytes).c_str());
    if (entry.description) {
      std::printf("  %-9s -O%u  compiled in %.1f s  %s", entry.description->tier.c_str(),
                  entry.description->optLevel, entry.description->compileSeconds,
                  entry.description->source.c_str());
      if (entry.description->guided())
        std::printf("  (guided by a run: %u of %u functions optimized)",
                    entry.description->optimizedFunctions, entry.description->functions);
    }
    std::printf("\n");
  }
  for (const CompileCache::Build &build : cache.buildsInProgress())
    std::printf("%.16s  compiling -O%u%s (pid %ld, %.0f s so far)  %s\n", build.key.c_str(),
                build.optLevel, build.background ? " in the background" : "", build.pid,
                build.runningSeconds, build.source.c_str());
  for (const auto &[key, message] : cache.failures())
    std::printf("%.16s  background build failed: %s\n", key.c_str(), message.c_str());
  std::error_code ec;
  if (std::filesystem::exists(cache.logPath(), ec))
    std::cout << "background builds log: " << cache.logPath().string() << "\n";
  std::cout.flush();
}

} // namespace

int cacheCommand(const std::vector<std::string> &args) {
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << kUsage;
    return 0;
  }
  if (!args.empty() && args[0] == "build")
    return buildCommand(std::vector<std::string>(args.begin() + 1, args.end()));
  if (args.size() != 1) throw UsageError("cache takes one of: info, clear, dir");
  const CompileCache cache(CompileCache::defaultDirectory());
  const std::string &action = args[0];
  if (action == "dir") {
    std::cout << cache.directory().string() << "\n";
    return 0;
  }
  if (action == "clear") {
    std::cout << "removed " << humanBytes(cache.clear()) << " from " << cache.directory().string()
              << "\n";
    return 0;
  }
  if (action != "info") throw UsageError("unknown cache action '" + action + "'");
  printInfo(cache);
  return 0;
}

} // namespace waot::driver
