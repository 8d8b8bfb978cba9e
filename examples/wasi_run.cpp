// Runs a WASI command compiled ahead of time (`waot compile hello.wasm -o
// hello.so`) with the runtime and the WASI library: its arguments, its
// environment and one host directory it may use, then its exit status.
//
// Usage: wasi_run hello.so DIR   (prints "hi, embedder" and "exit status 0";
//                                 DIR/greeting.txt holds the greeting)
#include <waot/waot.hpp>
#include <waot/wasi.hpp>

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PROGRAM.so DIR\n", argv[0]);
    return 2;
  }
  try {
    waot::wasi::Config config;
    config.args = {"hello", "embedder"};   // argv, argv[0] included
    config.env = {"GREETING=hi"};          // exactly what the guest sees
    config.preopens = {{argv[2], "/out"}}; // the only directory it can reach
    waot::wasi::Context wasi(config);      // stdio is inherited

    waot::Imports imports;
    wasi.define(imports); // wasi_snapshot_preview1.*
    waot::Instance instance(waot::Module::load(argv[1]), imports);
    const int status = waot::wasi::runStart(instance); // _start; proc_exit's code
    std::fflush(stdout);
    std::printf("exit status %d\n", status);
    return 0;
  } catch (const waot::RuntimeError &e) { // a trap
    std::fprintf(stderr, "trap: %s %s\n", e.what(), e.siteText().c_str());
    return 134;
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
