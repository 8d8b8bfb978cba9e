// The whole compilation pipeline: bytes -> frontend (decode, validate, lower)
// -> LLVM optimizer -> TargetMachine -> object -> shared library (in-process lld).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace waot::codegen {

enum class EmitKind {
  Shared, // a self-describing .so loadable by the runtime
  Object, // the relocatable object (for linking into an application)
  LLVM,   // textual LLVM IR after optimization
  Asm,    // target assembly
};

struct CompileOptions {
  unsigned optLevel = 2;     // 0..3, like -O0..-O3
  std::string targetTriple;  // empty: the host triple
  std::string cpu;           // empty: the host CPU; "generic" for portable code
  std::string features;      // extra LLVM target features, e.g. "+sse4.1"
  unsigned threads = 0;      // 0: all cores (used by parallel code generation)
};

// Compiles `wasm` and writes the requested output to `output`.
// Throws waot::CompileError for bad input and waot::Error for tool failures
// (e.g. the linker), always with a one-line message.
void compileToFile(std::span<const std::uint8_t> wasm, const CompileOptions &options, EmitKind kind,
                   const std::filesystem::path &output);

// Compiles `wasm` to a shared library in memory (the bytes of the .so).
std::vector<std::uint8_t> compileToSharedLibrary(std::span<const std::uint8_t> wasm,
                                                 const CompileOptions &options);

// The triple and CPU feature string code is generated for with `options`.
std::string resolvedTargetTriple(const CompileOptions &options);

} // namespace waot::codegen
