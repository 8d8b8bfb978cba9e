#include "api_support.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <stdexcept>

namespace waot::apitest {

std::vector<std::uint8_t> wasmBytes(const std::string &name) {
  const std::string path = std::string(WAOT_API_TEST_WASM_DIR) + "/" + name + ".wasm";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test module " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Module module(const std::string &name) {
  static std::mutex mutex;
  static std::map<std::string, Module> cache;
  std::lock_guard lock(mutex);
  if (auto found = cache.find(name); found != cache.end()) return found->second;
  CompileOptions options;
  options.optLevel = 1;
  Module compiled = compile(wasmBytes(name), options);
  cache.emplace(name, compiled);
  return compiled;
}

} // namespace waot::apitest
