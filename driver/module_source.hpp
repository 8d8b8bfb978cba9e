// Where `waot run` gets its Module: a compiled .so is loaded as it is; a
// .wasm is compiled (through the compiler module, with a progress line on a
// terminal) or taken from the compile cache.
#pragma once

#include <waot/codegen/compiler.hpp>
#include <waot/waot.hpp>

#include <string>

namespace waot::driver {

struct ModuleRequest {
  std::string path;
  codegen::CompileOptions options; // for a .wasm
  bool useCache = true;
};

Module loadModule(const ModuleRequest &request);

} // namespace waot::driver
