// Decoding and validation entry points (no LLVM).
#pragma once

#include "waot/errors.hpp" // CompileError, thrown by every entry point
#include "waot/frontend/features.hpp"
#include "waot/frontend/module.hpp"

#include <cstdint>
#include <span>

namespace waot::frontend {

// Decodes every section of a binary module. Throws CompileError with kind
// Malformed (bad encoding, with the byte offset), Unsupported (a later
// feature, naming it) or Limit; or Invalid for a constant expression that is
// not a single constant instruction (which ConstExpr cannot represent),
// raised only once the rest of the module decoded cleanly. Function bodies
// are only delimited here; their instructions are decoded by the validator.
// SIMD is decoded, never rejected, here: the first use outside instructions
// is recorded in Module::firstSimdUse.
Module decodeModule(std::span<const std::uint8_t> bytes);

// Validates a decoded module against the Wasm 2.0 rules (SIMD included) and
// those of the later features `features` turns on: types of every
// instruction, indices, limits, constant expressions, exports, start.
// Throws CompileError (Invalid; Malformed where the spec says so, e.g. a
// missing data count section) carrying the byte offset and function index.
// Returns what it learned about the code on the way (see CodeFacts).
CodeFacts validateModule(const Module &module, const Features &features = {});

struct DecodeOptions {
  // Accept modules that use SIMD (the v128 type, 0xFD instructions), as Wasm
  // 2.0 does. False (a feature switch, like wasmtime's wasm_simd(false)):
  // decodeAndValidate() rejects such a module with an Unsupported error at
  // its first use, once it validated (an invalid module gets its
  // validation error).
  bool allowSimd = true;
  // The post-2.0 features accepted (all implemented ones by default).
  Features features;
};

// decodeModule + validateModule, with the module's codeFacts and
// firstSimdUse set; then the SIMD switch of `options`.
Module decodeAndValidate(std::span<const std::uint8_t> bytes, const DecodeOptions &options = {});

} // namespace waot::frontend
