// A WASI program linked into this executable (waot_add_module: the object
// and hello.h from wasi/hello.wasm), run with the WASI library: no .so, no
// dlopen — with -static, one native file that needs nothing at run time.
//
// Usage: wasi_linked DIR   (prints "hi, embedder" and "exit status 0";
//                           DIR/greeting.txt holds the greeting)
#include "hello.h"

#include <waot/wasi.hpp>

#include <cstdio>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  try {
    waot::wasi::Config config;
    config.args = {"hello", "embedder"};
    config.env = {"GREETING=hi"};
    config.preopens = {{argv[1], "/out"}};
    waot::wasi::Context wasi(config);

    waot::Imports imports;
    wasi.define(imports);
    waot::linked::hello::Instance program(imports); // the module linked into this file
    const int status = waot::wasi::runStart(program.instance);
    std::fflush(stdout);
    std::printf("exit status %d\n", status);
    return 0;
  } catch (const waot::RuntimeError &e) {
    std::fprintf(stderr, "trap: %s %s\n", e.what(), e.siteText().c_str());
    return 134;
  } catch (const waot::Error &e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
