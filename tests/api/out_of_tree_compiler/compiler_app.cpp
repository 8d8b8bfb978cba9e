// Compiles and instantiates a .wasm file in-process (host_calls.wat: run(x)
// returns host.callback(x) + 1) and calls its export.
//
// Usage: compiler_app host_calls.wasm   (prints "callback 20" and "run 61")
#include <waot/compiler.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s host_calls.wasm\n", argv[0]);
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(file),
                                        std::istreambuf_iterator<char>()};
  try {
    waot::Imports imports;
    imports.define("host", "callback", waot::Function::wrap([](std::int32_t x) {
                     std::printf("callback %d\n", x);
                     return x * 3;
                   }));
    auto [module, instance] = waot::instantiate(bytes, imports);
    std::printf("run %d\n", instance.exports().function<std::int32_t(std::int32_t)>("run")(20));
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
