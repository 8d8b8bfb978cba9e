// Loads a module compiled by `waot compile` (host_calls.wat: run(x) returns
// host.callback(x) + 1), calls its export, which calls back into the host.
//
// Then defines the WASI imports (waot::wasi) on an import object.
//
// Usage: app host_calls.so   (prints "callback 41", "run 83" and "wasi fd_write")
#include <waot/waot.hpp>
#include <waot/wasi.hpp>

#include <cstdint>
#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s host_calls.so\n", argv[0]);
    return 2;
  }
  try {
    waot::Module module = waot::Module::load(argv[1]);
    waot::Imports imports;
    imports.define("host", "callback", waot::Function::wrap([](std::int32_t x) {
                     std::printf("callback %d\n", x);
                     return x * 2;
                   }));
    waot::Instance instance(module, imports);
    auto run = instance.exports().function<std::int32_t(std::int32_t)>("run");
    std::printf("run %d\n", run(41));
    waot::Imports wasiImports;
    waot::wasi::Context({.args = {"app"}}).define(wasiImports);
    if (wasiImports.find("wasi_snapshot_preview1", "fd_write")) std::printf("wasi fd_write\n");
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
