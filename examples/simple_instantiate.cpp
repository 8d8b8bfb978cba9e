// MDN's WebAssembly.instantiate() example in C++: compile and instantiate
// simple.wasm from its bytes in one step, then call the export.
//
//   const importObject = { imports: { imported_func(arg) { console.log(arg); } } };
//   WebAssembly.instantiate(bytes, importObject)
//     .then((result) => result.instance.exports.exported_func());
//
// Usage: simple_instantiate simple.wasm   (prints 42)
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

    // waot::instantiateAsync(bytes, importObject) is the promise-like form.
    waot::InstantiatedSource result = waot::instantiate(bytes, importObject);
    auto exportedFunc = result.instance.exports().function<void()>("exported_func");
    exportedFunc();
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
