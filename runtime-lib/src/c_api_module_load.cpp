// The C API's loading of shared-library artifacts (waot_module_load*). In a
// file of its own, like Module::load (module_load.cpp): a program that only
// instantiates linked modules then never pulls in dlopen, which a static
// glibc link warns about.
#include "c_api_support.hpp"

using waot::capi::guarded;
using waot::capi::require;

extern "C" {

waot_status waot_module_load(const char *path, waot_module_t **out) {
  return guarded([&] {
    require(path, "waot_module_load: path");
    require(out, "waot_module_load: out");
    *out = waot::capi::newModuleHandle(waot::Module::load(path));
  });
}

waot_status waot_module_load_memory(const uint8_t *artifact, size_t size, waot_module_t **out) {
  return guarded([&] {
    if (size != 0) require(artifact, "waot_module_load_memory: artifact");
    require(out, "waot_module_load_memory: out");
    *out = waot::capi::newModuleHandle(waot::Module::loadFromMemory({artifact, size}));
  });
}

} // extern "C"
