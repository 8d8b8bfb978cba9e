// The compiler's C API (waot/compiler.h) over the C++ one (waot/compiler.hpp),
// with the runtime C API's handles and error conventions.
#include "waot/compiler.h"

#include "c_api_support.hpp"

#include "waot/compiler.hpp"

#include <span>

extern "C" {

void waot_compile_options_init(waot_compile_options_t *options) {
  if (options) *options = waot_compile_options_t{2, nullptr, nullptr, 0, 0};
}

waot_status waot_compile(const uint8_t *wasm, size_t size, const waot_compile_options_t *options,
                         waot_module_t **out) {
  return waot::capi::guarded([&] {
    if (size != 0) waot::capi::require(wasm, "waot_compile: wasm");
    waot::capi::require(out, "waot_compile: out");
    waot::CompileOptions cppOptions;
    if (options) {
      cppOptions.optLevel = options->opt_level;
      cppOptions.cpu = options->cpu ? options->cpu : "";
      cppOptions.features = options->features ? options->features : "";
      cppOptions.threads = options->threads;
      cppOptions.interruptible = options->interruptible != 0;
    }
    *out = waot::capi::newModuleHandle(waot::compile(std::span(wasm, size), cppOptions));
  });
}

int waot_validate(const uint8_t *wasm, size_t size) {
  if (size != 0 && !wasm) return 0;
  try {
    return waot::validate(std::span(wasm, size)) ? 1 : 0;
  } catch (...) {
    return 0;
  }
}

} // extern "C"
