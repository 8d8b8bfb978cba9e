// `waot cache info|clear|dir`: the compile cache of `waot run`.
#include "commands.hpp"
#include "compile_cache.hpp"

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
                               "  info   where the cache is, and every entry: size, tier, "
                               "compile time, source\n"
                               "  clear  remove every entry\n"
                               "  dir    print the cache directory\n"
                               "The directory is $WAOT_CACHE_DIR, else $XDG_CACHE_HOME/waot, "
                               "else ~/.cache/waot.\n";

} // namespace

int cacheCommand(const std::vector<std::string> &args) {
  if (args.size() == 1 && (args[0] == "-h" || args[0] == "--help")) {
    std::cout << kUsage;
    return 0;
  }
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
  const auto entries = cache.entries();
  std::uintmax_t total = 0;
  for (const auto &entry : entries)
    total += entry.bytes;
  std::cout << "cache: " << cache.directory().string() << "\n"
            << entries.size() << " module(s), " << humanBytes(total) << "\n";
  for (const auto &entry : entries) {
    std::printf("%.16s  %10s", entry.key.c_str(), humanBytes(entry.bytes).c_str());
    if (entry.description)
      std::printf("  %-9s -O%u  compiled in %.1f s  %s", entry.description->tier.c_str(),
                  entry.description->optLevel, entry.description->compileSeconds,
                  entry.description->source.c_str());
    std::printf("\n");
  }
  return 0;
}

} // namespace waot::driver
