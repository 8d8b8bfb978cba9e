// WebAssembly.instantiate(module, imports) and its asynchronous form.
#include "waot/instance.hpp"

#include <utility>

namespace waot {

Instance instantiate(const Module &module, const Imports &imports) {
  return Instance(module, imports);
}

std::future<Instance> instantiateAsync(const Module &module, const Imports &imports) {
  // By value: the caller's objects may be gone before the thread runs.
  return std::async(std::launch::async, [module, imports]() { return Instance(module, imports); });
}

} // namespace waot
