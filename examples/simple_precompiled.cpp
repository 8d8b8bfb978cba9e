// MDN's simple.wasm example with a module compiled ahead of time
// (`waot compile simple.wasm -o simple.so`): only the runtime library is
// linked, no compiler. Module::load stands where JS would fetch and compile.
//
// Usage: simple_precompiled simple.so   (prints 42)
#include <waot/waot.hpp>

#include <cstdint>
#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s simple.so\n", argv[0]);
    return 2;
  }
  try {
    waot::Module module = waot::Module::load(argv[1]);
    for (const waot::ImportDescriptor &import : module.imports())
      std::fprintf(stderr, "import %s.%s: %s\n", import.module.c_str(), import.name.c_str(),
                   waot::describeType(import).c_str());

    waot::Imports importObject;
    importObject.define("imports", "imported_func",
                        waot::Function::wrap([](std::int32_t arg) { std::printf("%d\n", arg); }));
    waot::Instance instance(module, importObject);
    instance.exports().function<void()>("exported_func")();
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
