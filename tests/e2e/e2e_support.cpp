#include "e2e_support.hpp"

#include <waot/codegen/compiler.hpp>
#include <waot/frontend/decoder.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <unistd.h>

namespace waot::test {

std::vector<std::uint8_t> wasmBytes(const std::string &name) {
  const std::string path = std::string(WAOT_TEST_WASM_DIR) + "/" + name + ".wasm";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test module " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Module compiledModule(const std::string &name, unsigned optLevel) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, unsigned>, Module> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find({name, optLevel}); it != cache.end()) return it->second;

  codegen::CompileOptions options;
  options.optLevel = optLevel;
  const auto so = codegen::compileToSharedLibrary(wasmBytes(name), options);
  std::string path = testing::TempDir() + "waot-e2e-" + name + "-XXXXXX.so";
  const int fd = ::mkstemps(path.data(), 3);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  if (::write(fd, so.data(), so.size()) != static_cast<ssize_t>(so.size()))
    throw std::runtime_error("cannot write " + path);
  ::close(fd);
  Module module = Module::load(path);
  ::unlink(path.c_str()); // the loader keeps it mapped
  cache.emplace(std::pair{name, optLevel}, module);
  return module;
}

void expectRejectedWithout(const std::string &name, const frontend::Features &features,
                           CompileError::Kind kind, const std::string &message) {
  const std::vector<std::uint8_t> wasm = wasmBytes(name);
  frontend::DecodeOptions options;
  options.features = features;
  try {
    (void)frontend::decodeAndValidate(wasm, options);
    ADD_FAILURE() << name << " is valid without the feature";
  } catch (const CompileError &e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_THAT(e.what(), ::testing::HasSubstr(message));
  }
  EXPECT_NO_THROW((void)frontend::decodeAndValidate(wasm));
}

} // namespace waot::test
