// waot's compiler API: wasm bytes -> a loaded Module, in-process, with no
// files for the caller to manage. It mirrors WebAssembly.compile /
// WebAssembly.instantiate(bytes) / WebAssembly.validate. Link
// `waot::compiler` (CMake), which brings in LLVM and lld; an application that
// only loads precompiled .so files needs `waot::runtime` alone.
//
//   std::vector<std::uint8_t> bytes = ...;          // a .wasm file's content
//   waot::Imports imports;
//   imports.define("env", "log", waot::Function::wrap([](int32_t x) { ... }));
//   auto [module, instance] = waot::instantiate(bytes, imports);
//   instance.exports().function<int32_t()>("run")();
#pragma once

#include "waot/waot.hpp"

#include <cstdint>
#include <future>
#include <span>
#include <string>

namespace waot {

struct CompileOptions {
  unsigned optLevel = 2; // 0..3, like -O0..-O3
  std::string cpu;       // empty: this machine's CPU
  std::string features;  // extra LLVM target features, e.g. "+avx2"
  unsigned threads = 0;  // code generation threads (0: all cores)
  // Code an embedder can stop (Instance::interrupt, Instance::interruptAfter):
  // one check of a context word per function entry and loop iteration.
  bool interruptible = false;
};

// new WebAssembly.Module(bytes): validates, compiles to native code and
// loads it (from memory: no file is written). CompileError for malformed,
// invalid or unsupported modules (with the byte offset); waot::Error for bad
// options. Safe to call from several threads at once.
Module compile(std::span<const std::uint8_t> wasm, const CompileOptions &options = {});

// WebAssembly.compile(bytes): compile() on another thread. The bytes are
// copied first, so they need not outlive the call.
std::future<Module> compileAsync(std::span<const std::uint8_t> wasm,
                                 const CompileOptions &options = {});

// WebAssembly.validate(bytes): whether compile() would accept the module
// (decodes and validates only). False also for modules using features waot
// does not support.
bool validate(std::span<const std::uint8_t> wasm);

// What WebAssembly.instantiate(bytes, imports) resolves to.
struct InstantiatedSource {
  Module module;
  Instance instance;
};

// WebAssembly.instantiate(bytes, imports): compile + Instance(module, imports),
// with their errors.
InstantiatedSource instantiate(std::span<const std::uint8_t> wasm, const Imports &imports = {},
                               const CompileOptions &options = {});

// The asynchronous form: compiles and instantiates on another thread. The
// bytes and `imports` are copied first. Errors arrive through get().
std::future<InstantiatedSource> instantiateAsync(std::span<const std::uint8_t> wasm,
                                                 const Imports &imports = {},
                                                 const CompileOptions &options = {});

} // namespace waot
