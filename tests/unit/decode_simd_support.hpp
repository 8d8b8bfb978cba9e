// Helpers of the SIMD decoder/validator tests (decode_simd_*_test.cpp): the
// 0xFD encodings, and decodeAndValidate with SIMD allowed (the default
// rejects every module that uses SIMD, see decoder.hpp).
#pragma once

#include "decode_test_builder.hpp"

#include "waot/frontend/opcode.hpp"

#include <array>

namespace waot::test {

inline constexpr std::uint8_t kV128 = 0x7B;

inline const frontend::DecodeOptions kAllowSimd{.allowSimd = true};

// The encoding of a 0xFD instruction without its immediates.
inline Bytes simdOp(std::uint32_t code) { return cat({{0xFD}, uleb(code)}); }
inline Bytes simdOp(frontend::Opcode op) { return simdOp(frontend::info(op).code); }

// v128.const with the given bytes (lane 0 first).
inline Bytes v128Const(const std::array<std::uint8_t, 16> &bytes = {}) {
  return cat({simdOp(frontend::Opcode::V128Const), Bytes(bytes.begin(), bytes.end())});
}

// The error decodeAndValidate throws with SIMD allowed, if any.
inline std::optional<CompileError> simdErrorOf(const Bytes &bytes) {
  try {
    frontend::decodeAndValidate(bytes, kAllowSimd);
  } catch (const CompileError &e) {
    return e;
  }
  return std::nullopt;
}

// Whether decodeAndValidate with SIMD allowed fails with `kind` and a
// message starting with `prefix`.
inline ::testing::AssertionResult simdFailsWith(const Bytes &bytes, CompileError::Kind kind,
                                                std::string_view prefix) {
  const auto error = simdErrorOf(bytes);
  if (!error) return ::testing::AssertionFailure() << "module was accepted";
  if (error->kind() != kind)
    return ::testing::AssertionFailure() << "wrong kind: " << error->what() << " (expected "
                                         << CompileError::kindName(kind) << ")";
  if (error->message().rfind(prefix, 0) != 0)
    return ::testing::AssertionFailure()
           << "message \"" << error->message() << "\" does not start with \"" << prefix << "\"";
  return ::testing::AssertionSuccess();
}

// A module with one memory and type 0 = () -> ().
inline ModuleBuilder simdModule() {
  ModuleBuilder b;
  b.addType({}, {});
  b.memories.push_back({0x00, 0x01});
  return b;
}

// Offset of byte `k` of the instructions of defined function `defined`.
inline std::size_t simdCodeOffset(const Bytes &bytes, std::uint32_t defined, std::size_t k) {
  return frontend::decodeModule(bytes).bodies.at(defined).codeOffset + k;
}

} // namespace waot::test
