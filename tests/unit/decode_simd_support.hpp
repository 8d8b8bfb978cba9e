// Helpers of the SIMD decoder/validator tests (decode_simd_*_test.cpp): the
// 0xFD encodings. (errorOf/failsWith of decode_test_builder.hpp decode with
// the default options, which allow SIMD.)
#pragma once

#include "decode_test_builder.hpp"

#include "waot/frontend/opcode.hpp"

#include <array>

namespace waot::test {

inline constexpr std::uint8_t kV128 = 0x7B;

// The encoding of a 0xFD instruction without its immediates.
inline Bytes simdOp(std::uint32_t code) { return cat({{0xFD}, uleb(code)}); }
inline Bytes simdOp(frontend::Opcode op) { return simdOp(frontend::info(op).code); }

// v128.const with the given bytes (lane 0 first).
inline Bytes v128Const(const std::array<std::uint8_t, 16> &bytes = {}) {
  return cat({simdOp(frontend::Opcode::V128Const), Bytes(bytes.begin(), bytes.end())});
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
