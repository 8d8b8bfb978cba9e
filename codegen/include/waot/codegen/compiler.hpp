// The whole compilation pipeline: bytes -> frontend (decode, validate, lower)
// -> LLVM optimizer -> TargetMachine -> object -> shared library (in-process lld).
#pragma once

#include "waot/frontend/features.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace waot::codegen {

enum class EmitKind {
  Shared, // a self-describing .so loadable by the runtime
  Object, // a relocatable object (for linking into an application: see linkName)
  LLVM,   // textual LLVM IR after optimization
  Asm,    // target assembly
};

struct CompileOptions {
  unsigned optLevel = 2;    // 0..3, like -O0..-O3
  std::string targetTriple; // empty: the host triple
  std::string cpu;          // empty: the host CPU (generic when cross-compiling); "generic"
                            // for portable code
  std::string features;     // extra LLVM target features, e.g. "+sse4.1" ("sse4.1" means "+")
  // Threads that optimize and generate code for the parts of a large module
  // (shared library output); 0: every core this process may use. The output
  // is byte-identical whatever the thread count.
  unsigned threads = 0;
  // Target size of a module part in bytes of wasm code (0: the default,
  // frontend::kDefaultPartCodeBytes). Modules with less code than two parts
  // are compiled as one part, keeping every call inlinable. Changes the
  // output (unlike `threads`); meant for tuning and tests.
  std::uint64_t partCodeBytes = 0;
  // Called (on any compiling thread, one call at a time) after each part of
  // a shared library build is compiled: `done` of `total` parts. For
  // progress displays; it does not change the output.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Object output only: compile the module for linking into an application
  // under this name (a C identifier). Its descriptor is then the symbol
  // WAOT_LINKED_SYMBOL_PREFIX + linkName (waot::Module::linked), its code one
  // section bounded for the runtime's fault handler, and every symbol it
  // defines carries the name, so modules (and one module under two names)
  // link into one program without clashing. Its parts are compiled in
  // parallel like a shared library's and joined into one object (ld -r).
  // Empty: a plain object with the shared library's descriptor symbol.
  std::string linkName;
  // Code that an embedder can stop (Instance::interrupt, deadlines): a check
  // of one context word on entry to functions that call and in every loop.
  bool interruptible = false;
  // Code that records which functions run (`waot run`'s quick tier; see
  // waot::Module::enteredFunctions): one byte store on every function entry.
  bool entryProfile = false;
  // Per defined function (empty: none): compile it without optimization,
  // e.g. the functions an entry profile saw no run enter. The optimizer then
  // spends its time where the program spends it. Changes the output.
  std::vector<bool> unoptimizedFunctions;
  // The WebAssembly features past 2.0 accepted (all waot implements by
  // default; frontend::Features::wasm2() for exactly Wasm 2.0).
  frontend::Features wasmFeatures;
};

// Compiles `wasm` and writes the requested output to `output`. A shared
// library is built from the parts of the module compiled in parallel
// (options.threads) and linked once; an object, IR or assembly output is one
// module compiled on one thread. The file is
// replaced atomically: a failed compilation leaves an existing `output` as it
// was. Throws waot::CompileError for bad input and waot::Error for bad options
// (unknown triple, CPU or feature, -O above 3, a shared library for a non-ELF
// target) and tool failures (e.g. the linker), always with a one-line message.
// Safe to call from several threads at once.
void compileToFile(std::span<const std::uint8_t> wasm, const CompileOptions &options, EmitKind kind,
                   const std::filesystem::path &output);

// Compiles `wasm` to a shared library in memory (the bytes of the .so). Its
// only exported symbol is WAOT_ARTIFACT_SYMBOL (see waot/abi.h).
std::vector<std::uint8_t> compileToSharedLibrary(std::span<const std::uint8_t> wasm,
                                                 const CompileOptions &options);

// The normalized LLVM triple code is generated for with `options` (empty
// targetTriple: the default triple). Throws waot::Error for an unknown triple.
std::string resolvedTargetTriple(const CompileOptions &options);

} // namespace waot::codegen
