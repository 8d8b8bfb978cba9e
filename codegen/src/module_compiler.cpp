// The public compiler API (waot/compiler.hpp): the codegen pipeline's
// in-memory shared library, loaded by the runtime straight from memory.
#include "waot/compiler.hpp"

#include "waot/codegen/compiler.hpp"
#include "waot/errors.hpp"
#include "waot/frontend/decoder.hpp"

#include <utility>
#include <vector>

namespace waot {
namespace {

codegen::CompileOptions codegenOptions(const CompileOptions &options) {
  codegen::CompileOptions result;
  result.optLevel = options.optLevel;
  // The code runs in this process: always the host triple.
  result.cpu = options.cpu;
  result.features = options.features;
  result.threads = options.threads;
  result.interruptible = options.interruptible;
  return result;
}

} // namespace

Module compile(std::span<const std::uint8_t> wasm, const CompileOptions &options) {
  const std::vector<std::uint8_t> artifact =
      codegen::compileToSharedLibrary(wasm, codegenOptions(options));
  return Module::loadFromMemory(artifact, "compiled module");
}

std::future<Module> compileAsync(std::span<const std::uint8_t> wasm,
                                 const CompileOptions &options) {
  return std::async(std::launch::async,
                    [bytes = std::vector<std::uint8_t>(wasm.begin(), wasm.end()), options] {
                      return compile(bytes, options);
                    });
}

bool validate(std::span<const std::uint8_t> wasm) {
  try {
    frontend::decodeAndValidate(wasm);
    return true;
  } catch (const CompileError &) {
    return false;
  }
}

InstantiatedSource instantiate(std::span<const std::uint8_t> wasm, const Imports &imports,
                               const CompileOptions &options) {
  Module module = compile(wasm, options);
  Instance instance(module, imports);
  return {std::move(module), std::move(instance)};
}

std::future<InstantiatedSource> instantiateAsync(std::span<const std::uint8_t> wasm,
                                                 const Imports &imports,
                                                 const CompileOptions &options) {
  return std::async(std::launch::async,
                    [bytes = std::vector<std::uint8_t>(wasm.begin(), wasm.end()), imports,
                     options] { return instantiate(bytes, imports, options); });
}

} // namespace waot
