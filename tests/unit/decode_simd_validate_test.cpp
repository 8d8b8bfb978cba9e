// Validation of the SIMD instructions (with SIMD allowed): every opcode with
// its signature, lane indices per shape, shuffle lanes, alignment, memory.
// v128 as an ordinary value type (locals, globals, blocks, select, constant
// expressions, imports and exports) is in decode_simd_module_test.cpp.
#include "decode_simd_support.hpp"

#include <gtest/gtest.h>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

std::vector<Opcode> simdOpcodes() {
  std::vector<Opcode> out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Opcode::Count); ++i)
    if (isSimd(static_cast<Opcode>(i))) out.push_back(static_cast<Opcode>(i));
  return out;
}

struct Shape {
  Bytes params; // value type bytes, in push order
  std::optional<std::uint8_t> result;
};

// The SIMD signatures as the opcodes.def notation states them (x = v128).
Shape shapeOf(Sig sig) {
  const std::uint8_t i = kI32, l = kI64, f = kF32, d = kF64, x = kV128;
  switch (sig) {
  case Sig::x_v: return {{}, x};
  case Sig::x_x: return {{x}, x};
  case Sig::x_xx: return {{x, x}, x};
  case Sig::x_xxx: return {{x, x, x}, x};
  case Sig::x_i: return {{i}, x};
  case Sig::x_l: return {{l}, x};
  case Sig::x_f: return {{f}, x};
  case Sig::x_d: return {{d}, x};
  case Sig::x_xi: return {{x, i}, x};
  case Sig::x_xl: return {{x, l}, x};
  case Sig::x_xf: return {{x, f}, x};
  case Sig::x_xd: return {{x, d}, x};
  case Sig::x_ix: return {{i, x}, x};
  case Sig::i_x: return {{x}, i};
  case Sig::l_x: return {{x}, l};
  case Sig::f_x: return {{x}, f};
  case Sig::d_x: return {{x}, d};
  case Sig::v_ix: return {{i, x}, std::nullopt};
  default: ADD_FAILURE() << "not a SIMD signature"; return {};
  }
}

// A constant of the given value type.
Bytes constantOf(std::uint8_t type) {
  switch (type) {
  case kI32: return {0x41, 0x00};
  case kI64: return {0x42, 0x00};
  case kF32: return cat({{0x43}, Bytes(4, 0)});
  case kF64: return cat({{0x44}, Bytes(8, 0)});
  default: return v128Const();
  }
}

// Valid immediates for `op`, with the given lane and alignment exponent.
Bytes immediatesOf(Opcode op, std::uint8_t lane = 0, std::uint32_t alignLog2 = 0) {
  switch (info(op).imm) {
  case ImmKind::MemArg: return cat({uleb(alignLog2), {0x00}});
  case ImmKind::MemArgLane: return cat({uleb(alignLog2), {0x00, lane}});
  case ImmKind::LaneIdx: return {lane};
  case ImmKind::V128:
  case ImmKind::Shuffle: return Bytes(16, 0);
  default: return {};
  }
}

// A () -> () body: constants for the operands, `op` with `immediates`, drop
// of its result. `operandBytes` receives the length of the operand code.
Bytes bodyFor(Opcode op, const Bytes &immediates, const Bytes &operandTypes,
              std::size_t *operandBytes = nullptr) {
  Bytes code;
  for (std::uint8_t type : operandTypes)
    code = cat({code, constantOf(type)});
  if (operandBytes) *operandBytes = code.size();
  code = cat({code, simdOp(op), immediates});
  if (shapeOf(info(op).sig).result) code.push_back(0x1A);
  code.push_back(kEnd);
  return code;
}

// Expects `code` as a () -> () function of simdModule() to be invalid with
// `prefix` at instruction byte `at`.
void expectInvalid(const Bytes &code, std::string_view prefix, std::size_t at) {
  ModuleBuilder b = simdModule();
  b.addFunction(0, code);
  const Bytes bytes = b.build();
  EXPECT_TRUE(failsWith(bytes, Kind::Invalid, prefix));
  const auto error = errorOf(bytes);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, at)))
      << error->what();
  EXPECT_EQ(error->function(), std::optional<std::uint32_t>(0));
  // Invalid outranks the SIMD gate: the default options give the same error.
  const auto gated = errorOf(bytes);
  ASSERT_TRUE(gated);
  EXPECT_EQ(gated->kind(), Kind::Invalid);
}

TEST(DecodeSimdValidate, EveryOpcodeValidatesWithItsSignature) {
  for (Opcode op : simdOpcodes()) {
    SCOPED_TRACE(std::string(name(op)));
    ModuleBuilder b = simdModule();
    b.addFunction(0, bodyFor(op, immediatesOf(op), shapeOf(info(op).sig).params));
    EXPECT_NO_THROW(decodeAndValidate(b.build()));
  }
}

TEST(DecodeSimdValidate, EveryOpcodeChecksItsOperandTypes) {
  for (Opcode op : simdOpcodes()) {
    SCOPED_TRACE(std::string(name(op)));
    Bytes params = shapeOf(info(op).sig).params;
    if (params.empty()) continue; // v128.const
    // The last operand (the top of the stack) of the wrong type.
    params.back() = params.back() == kV128 ? kI32 : kV128;
    std::size_t at = 0;
    const Bytes code = bodyFor(op, immediatesOf(op), params, &at);
    expectInvalid(code, "type mismatch", at);
    // And with nothing on the stack at all.
    std::size_t none = 0;
    expectInvalid(bodyFor(op, immediatesOf(op), {}, &none), "type mismatch", none);
  }
}

TEST(DecodeSimdValidate, ResultTypeIsChecked) {
  // i32x4.add yields a v128, not the i32 the function returns.
  ModuleBuilder b = simdModule();
  const auto resultI32 = b.addType({}, {kI32});
  b.addFunction(resultI32, cat({v128Const(), v128Const(), simdOp(Opcode::I32x4Add), {kEnd}}));
  EXPECT_TRUE(failsWith(b.build(), Kind::Invalid, "type mismatch"));
  // i32x4.extract_lane yields an i32.
  b.codes[0] = body(cat({v128Const(), simdOp(Opcode::I32x4ExtractLane), {0x03, kEnd}}));
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeSimdValidate, LaneIndexMustBeBelowTheLaneCount) {
  int checked = 0;
  for (Opcode op : simdOpcodes()) {
    const ImmKind imm = info(op).imm;
    if (imm != ImmKind::LaneIdx && imm != ImmKind::MemArgLane) continue;
    SCOPED_TRACE(std::string(name(op)));
    const unsigned lanes = laneCount(op);
    const Bytes params = shapeOf(info(op).sig).params;
    ModuleBuilder b = simdModule();
    b.addFunction(0, bodyFor(op, immediatesOf(op, static_cast<std::uint8_t>(lanes - 1)), params));
    EXPECT_NO_THROW(decodeAndValidate(b.build()));
    for (unsigned lane : {lanes, 2 * lanes - 1, 255u}) {
      std::size_t at = 0;
      const Bytes code =
          bodyFor(op, immediatesOf(op, static_cast<std::uint8_t>(lane)), params, &at);
      expectInvalid(code, "invalid lane index", at);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 22) << "14 extract/replace_lane, 8 load/store_lane";
}

TEST(DecodeSimdValidate, ShuffleLanesMustBeBelow32) {
  auto shuffle = [](std::size_t which, std::uint8_t lane) {
    Bytes lanes(16, 0);
    lanes[which] = lane;
    return cat({v128Const(), v128Const(), simdOp(Opcode::I8x16Shuffle), lanes, {0x1A, kEnd}});
  };
  ModuleBuilder b = simdModule();
  b.addFunction(0, shuffle(15, 31));
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
  const std::size_t at = 2 * v128Const().size();
  expectInvalid(shuffle(0, 32), "invalid lane index", at);
  expectInvalid(shuffle(15, 255), "invalid lane index", at);
  const auto error = [&] {
    ModuleBuilder m = simdModule();
    m.addFunction(0, shuffle(7, 40));
    return errorOf(m.build());
  }();
  ASSERT_TRUE(error);
  EXPECT_NE(error->message().find("lane 7 is 40"), std::string::npos) << error->message();
}

TEST(DecodeSimdValidate, AlignmentMustNotExceedTheNaturalOne) {
  int checked = 0;
  for (Opcode op : simdOpcodes()) {
    if (info(op).category != Category::SimdMemory) continue;
    SCOPED_TRACE(std::string(name(op)));
    std::uint32_t natural = 0;
    while ((1u << natural) < info(op).accessBytes)
      ++natural;
    const Bytes params = shapeOf(info(op).sig).params;
    for (std::uint32_t align = 0; align <= natural; ++align) {
      ModuleBuilder b = simdModule();
      b.addFunction(0, bodyFor(op, immediatesOf(op, 0, align), params));
      EXPECT_NO_THROW(decodeAndValidate(b.build())) << "align 2^" << align;
    }
    for (std::uint32_t align : {natural + 1, 31u}) {
      std::size_t at = 0;
      const Bytes code = bodyFor(op, immediatesOf(op, 0, align), params, &at);
      expectInvalid(code, "alignment must not be larger than natural", at);
    }
    ++checked;
  }
  EXPECT_EQ(checked, 22) << "v128.load/store, 6 extending, 4 splat, 2 zero, 8 lane";
}

TEST(DecodeSimdValidate, MemoryInstructionsNeedAMemory) {
  for (Opcode op : simdOpcodes()) {
    if (info(op).category != Category::SimdMemory) continue;
    SCOPED_TRACE(std::string(name(op)));
    ModuleBuilder b;
    b.addType({}, {});
    std::size_t at = 0;
    b.addFunction(0, bodyFor(op, immediatesOf(op), shapeOf(info(op).sig).params, &at));
    const Bytes bytes = b.build();
    EXPECT_TRUE(failsWith(bytes, Kind::Invalid, "unknown memory 0"));
    EXPECT_EQ(errorOf(bytes)->offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, at)));
  }
}

TEST(DecodeSimdValidate, UnreachableCodeTypesV128LikeAnyValue) {
  ModuleBuilder b = simdModule();
  const auto resultV128 = b.addType({}, {kV128});
  // unreachable; i32x4.add on the polymorphic stack; its v128 is the result.
  b.addFunction(resultV128, cat({{0x00}, simdOp(Opcode::I32x4Add), {kEnd}}));
  // unreachable; an i32 where i8x16.all_true expects its v128 operand.
  b.addFunction(resultV128, cat({{0x00, 0x41, 0x00}, simdOp(Opcode::I8x16AllTrue), {kEnd}}));
  const Bytes bytes = b.build();
  const auto error = errorOf(bytes);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), Kind::Invalid);
  EXPECT_EQ(error->function(), std::optional<std::uint32_t>(1));
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 1, 3)));
}

} // namespace
} // namespace waot::test
