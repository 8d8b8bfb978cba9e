// MDN's WebAssembly.Instance() example in C++: compile simple.wasm to a
// Module, instantiate it with an import object, call the export.
//
//   const importObject = { imports: { imported_func(arg) { console.log(arg); } } };
//   const mod = new WebAssembly.Module(bytes);
//   const instance = new WebAssembly.Instance(mod, importObject);
//   instance.exports.exported_func();
//
// Usage: simple_instance simple.wasm   (prints 42)
#include <waot/compiler.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s simple.wasm\n", argv[0]);
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(file),
                                        std::istreambuf_iterator<char>()};
  try {
    waot::Imports importObject;
    importObject.define("imports", "imported_func",
                        waot::Function::wrap([](std::int32_t arg) { std::printf("%d\n", arg); }));

    waot::Module mod = waot::compile(bytes);
    waot::Instance instance(mod, importObject);
    instance.exports().function("exported_func").call({});
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
