// v128 as an ordinary value type (function types, locals, globals, blocks,
// select, constant expressions, imports, exports) and the SIMD switch of
// decodeAndValidate(): with SIMD disabled, rejected as Unsupported at the first use,
// once the module validated; accepted by default (DecodeOptions::allowSimd).
#include "decode_simd_support.hpp"

#include <gtest/gtest.h>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

Bytes localGet(std::uint8_t i) { return {0x20, i}; }

// A module that uses v128 everywhere a value type can appear.
ModuleBuilder everywhere() {
  ModuleBuilder b;
  const auto binary = static_cast<std::uint8_t>(b.addType({kV128, kV128}, {kV128})); // 0
  const auto unary = static_cast<std::uint8_t>(b.addType({kV128}, {kV128}));         // 1
  b.imports.push_back(cat({name("env"), name("f"), {0x00, binary}}));
  b.imports.push_back(cat({name("env"), name("g"), {0x03, kV128, 0x00}}));
  b.memories.push_back({0x00, 0x01});
  std::array<std::uint8_t, 16> lanes{};
  for (std::size_t i = 0; i < lanes.size(); ++i)
    lanes[i] = static_cast<std::uint8_t>(i + 1);
  b.globals.push_back(cat({{kV128, 0x01}, v128Const(lanes), {kEnd}})); // global 1, mutable
  b.globals.push_back({kV128, 0x00, 0x23, 0x00, kEnd});                // global 2 = global.get 0
  // clang-format off
  b.addFunction(binary, cat({
      localGet(0), localGet(1), simdOp(Opcode::I8x16Add), {0x21, 0x02}, // local 2 = a + b
      {0x23, 0x01}, {0x20, 0x02}, {0x10, 0x00}, {0x24, 0x01},           // global 1 = f(g1, l2)
      localGet(0), {0x02, unary}, simdOp(Opcode::V128Not), {kEnd},      // block (v128) -> (v128)
      {0x02, kV128}, localGet(1), {kEnd},                               // block (result v128)
      {0x03, unary}, {kEnd},                                            // loop (v128) -> (v128)
      {0x41, 0x01, 0x04, kV128}, localGet(0), {0x05}, localGet(1), {kEnd}, // if (result v128)
      {0x41, 0x00, 0x1B},                                               // select (untyped)
      localGet(2), {0x41, 0x00, 0x1C, 0x01, kV128},                     // select (result v128)
      {0x1A, 0x21, 0x02},                                               // drop; local.set 2
      {0x41, 0x00}, localGet(2), simdOp(Opcode::V128Store), {0x04, 0x00},
      {0x41, 0x00}, simdOp(Opcode::V128Load), {0x04, 0x10},
      {kEnd}}), {0x01, 0x01, kV128});                                   // one v128 local
  // clang-format on
  b.exports = {cat({name("f"), {0x00, 0x01}}), cat({name("g"), {0x03, 0x01}}),
               cat({name("h"), {0x00, 0x00}}), cat({name("i"), {0x03, 0x00}})};
  return b;
}

TEST(DecodeSimdModule, V128IsAValueTypeEverywhere) {
  const Bytes bytes = everywhere().build();
  const Module m = decodeAndValidate(bytes);
  EXPECT_EQ(m.types[0], (FuncType{{ValType::V128, ValType::V128}, {ValType::V128}}));
  EXPECT_EQ(m.globalTypes[0].type, ValType::V128);
  ASSERT_EQ(m.globals.size(), 2u);
  EXPECT_EQ(m.globals[0].init.kind, ConstExpr::Kind::V128);
  EXPECT_EQ(m.globals[0].init.v128[0], 1);
  EXPECT_EQ(m.globals[0].init.v128[15], 16);
  EXPECT_EQ(m.globals[1].init.kind, ConstExpr::Kind::GlobalGet);
  EXPECT_EQ(m.bodies[0].locals.at(0).type, ValType::V128);
  ASSERT_TRUE(m.firstSimdUse);
  EXPECT_EQ(m.firstSimdUse->offset, 13u) << "the first param of type 0";
  EXPECT_EQ(bytes.at(m.firstSimdUse->offset), kV128);
  EXPECT_EQ(m.firstSimdUse->what, "v128 in function type 0");
}

TEST(DecodeSimdModule, V128OperandsMustMatch) {
  auto invalid = [](const Bytes &code, std::string_view prefix) {
    ModuleBuilder b;
    b.addType({kV128, kI32}, {});
    b.addFunction(0, cat({code, {kEnd}}));
    return failsWith(b.build(), Kind::Invalid, prefix);
  };
  EXPECT_TRUE(invalid({0x20, 0x00, 0x20, 0x01, 0x20, 0x01, 0x1B, 0x1A}, "type mismatch"));
  EXPECT_TRUE(
      invalid({0x20, 0x00, 0x20, 0x01, 0x20, 0x01, 0x1C, 0x01, kV128, 0x1A}, "type mismatch"));
  EXPECT_TRUE(invalid({0x20, 0x01, 0x21, 0x00}, "type mismatch"));              // local.set
  EXPECT_TRUE(invalid({0x02, kV128, 0x20, 0x01, kEnd, 0x1A}, "type mismatch")); // block result
  EXPECT_TRUE(invalid({0x20, 0x00, 0x20, 0x00, 0x6A, 0x1A}, "type mismatch"));  // i32.add
  EXPECT_TRUE(invalid({0x20, 0x00, 0x1A, 0x20, 0x00}, "type mismatch"));        // value left over
}

TEST(DecodeSimdModule, V128ConstantExpressions) {
  auto global = [](std::uint8_t type, const Bytes &init) {
    ModuleBuilder b;
    b.imports.push_back(cat({name("env"), name("g"), {0x03, kV128, 0x00}}));
    b.imports.push_back(cat({name("env"), name("m"), {0x03, kV128, 0x01}}));
    b.globals.push_back(cat({{type, 0x00}, init, {kEnd}}));
    return b.build();
  };
  EXPECT_NO_THROW(decodeAndValidate(global(kV128, v128Const())));
  EXPECT_NO_THROW(decodeAndValidate(global(kV128, {0x23, 0x00})));
  EXPECT_TRUE(failsWith(global(kI32, v128Const()), Kind::Invalid, "type mismatch"));
  EXPECT_TRUE(failsWith(global(kV128, {0x41, 0x00}), Kind::Invalid, "type mismatch"));
  EXPECT_TRUE(failsWith(global(kV128, {0x23, 0x01}), Kind::Invalid,
                        "constant expression required")); // a mutable global
  EXPECT_TRUE(failsWith(global(kV128, cat({v128Const(), v128Const(), simdOp(Opcode::I32x4Add)})),
                        Kind::Invalid, "constant expression required"));
  EXPECT_TRUE(
      failsWith(global(kV128, cat({v128Const(), v128Const()})), Kind::Invalid, "type mismatch"));
  // A data segment offset must be an i32.
  ModuleBuilder data = simdModule();
  data.datas.push_back(cat({{0x00}, v128Const(), {kEnd, 0x00}}));
  EXPECT_TRUE(failsWith(data.build(), Kind::Invalid, "type mismatch"));
}

// ---- the gate ---------------------------------------------------------------

// The switch's error on `bytes` with SIMD disabled; the module must
// validate with SIMD allowed (the default).
CompileError gateError(const Bytes &bytes) {
  EXPECT_NO_THROW(decodeAndValidate(bytes));
  try {
    decodeAndValidate(bytes, DecodeOptions{.allowSimd = false, .features = {}});
  } catch (const CompileError &error) {
    EXPECT_EQ(error.kind(), Kind::Unsupported) << error.what();
    EXPECT_EQ(error.message().rfind("SIMD (v128) is disabled: ", 0), 0u) << error.message();
    return error;
  }
  ADD_FAILURE() << "SIMD disabled, yet a SIMD module was accepted";
  return CompileError(Kind::Invalid, "none");
}

TEST(DecodeSimdGate, InstructionIsReportedAtItsOffset) {
  ModuleBuilder b = simdModule();
  b.addFunction(0, {0x01, kEnd});
  b.addFunction(0, cat({{0x41, 0x07}, simdOp(Opcode::I32x4Splat), {0x1A, kEnd}}));
  const Bytes bytes = b.build();
  const CompileError error = gateError(bytes);
  EXPECT_EQ(error.message(), "SIMD (v128) is disabled: `i32x4.splat` (0xfd 17)");
  EXPECT_EQ(error.offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 1, 2)));
  EXPECT_EQ(error.function(), std::optional<std::uint32_t>(1));
  EXPECT_NE(std::string(error.what()).find("at byte offset"), std::string::npos);
}

TEST(DecodeSimdGate, DeclarationsAreReportedAtTheirTypeByte) {
  ModuleBuilder types;
  types.addType({kI32, kV128}, {});
  Bytes bytes = types.build();
  CompileError error = gateError(bytes);
  EXPECT_EQ(error.offset(), std::optional<std::size_t>(14));
  EXPECT_EQ(error.message(), "SIMD (v128) is disabled: v128 in function type 0");
  EXPECT_FALSE(error.function());

  ModuleBuilder import;
  import.imports.push_back(cat({name("env"), name("g"), { 0x03, kV128, 0x00 }}));
  bytes = import.build();
  error = gateError(bytes);
  ASSERT_TRUE(error.offset());
  EXPECT_EQ(bytes.at(*error.offset()), kV128);
  EXPECT_EQ(*error.offset(), bytes.size() - 2);
  EXPECT_EQ(error.message(), "SIMD (v128) is disabled: v128 global import \"env\" \"g\"");

  ModuleBuilder global;
  global.globals.push_back({kI32, 0x00, 0x41, 0x00, kEnd});
  global.globals.push_back(cat({{kV128, 0x01}, v128Const(), {kEnd}}));
  bytes = global.build();
  error = gateError(bytes);
  EXPECT_EQ(error.offset(), std::optional<std::size_t>(16));
  EXPECT_EQ(bytes.at(16), kV128);
  EXPECT_EQ(error.message(), "SIMD (v128) is disabled: v128 global 1");
}

TEST(DecodeSimdGate, TheEarliestOfLocalsAndInstructionsWins) {
  const Bytes splat = cat({{0x41, 0x07}, simdOp(Opcode::I32x4Splat), {0x1A, kEnd}});
  const Bytes v128Local = {0x01, 0x01, kV128};
  {
    ModuleBuilder b = simdModule();
    b.addFunction(0, splat);             // function 0: the instruction
    b.addFunction(0, {kEnd}, v128Local); // function 1: a v128 local
    const Bytes bytes = b.build();
    const CompileError error = gateError(bytes);
    EXPECT_EQ(error.offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, 2)));
    EXPECT_EQ(error.function(), std::optional<std::uint32_t>(0));
  }
  {
    ModuleBuilder b = simdModule();
    b.addFunction(0, {kEnd}, v128Local);
    b.addFunction(0, splat);
    const Bytes bytes = b.build();
    const CompileError error = gateError(bytes);
    EXPECT_EQ(error.offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, 0) - 1));
    EXPECT_EQ(error.message(), "SIMD (v128) is disabled: v128 local in function 0");
  }
}

TEST(DecodeSimdGate, BlockAndSelectTypesAreUses) {
  ModuleBuilder block = simdModule();
  block.addFunction(0, {0x01, 0x02, kV128, 0x00, kEnd, 0x1A, kEnd}); // nop; block (result v128)
  Bytes bytes = block.build();
  CompileError error = gateError(bytes);
  EXPECT_EQ(error.offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, 1)));
  EXPECT_EQ(error.message(), "SIMD (v128) is disabled: `block` with a v128 result");

  ModuleBuilder select = simdModule();
  select.addFunction(0, {0x00, 0x1C, 0x01, kV128, 0x1A, kEnd}); // unreachable; select (v128)
  bytes = select.build();
  error = gateError(bytes);
  EXPECT_EQ(error.offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, 1)));
  EXPECT_EQ(error.message(), "SIMD (v128) is disabled: `select` of v128");
}

TEST(DecodeSimdGate, ValidationAndDecodingErrorsComeFirst) {
  // Invalid: lane 4 of an i32x4.
  ModuleBuilder invalid = simdModule();
  invalid.addFunction(0, cat({v128Const(), simdOp(Opcode::I32x4ExtractLane), {0x04, 0x1A, kEnd}}));
  EXPECT_TRUE(failsWith(invalid.build(), Kind::Invalid, "invalid lane index"));
  // Invalid at module level, after a v128 type.
  ModuleBuilder start;
  start.addType({kV128}, {});
  start.addFunction(0, {kEnd});
  start.start = 0;
  EXPECT_TRUE(failsWith(start.build(), Kind::Invalid, "start function must have type () -> ()"));
  // Malformed.
  ModuleBuilder malformed = simdModule();
  // i8x16.shuffle with 2 of its 16 lane bytes before the body ends.
  malformed.addFunction(0, cat({v128Const(), {0x1A}, simdOp(Opcode::I8x16Shuffle), {0x00, kEnd}}));
  EXPECT_TRUE(failsWith(malformed.build(), Kind::Malformed, ""));
}

TEST(DecodeSimdGate, OnlySimdModulesAreAffected) {
  ModuleBuilder plain = simdModule();
  plain.addFunction(0, {0x41, 0x00, 0x1A, kEnd});
  const Module m = decodeAndValidate(plain.build());
  EXPECT_FALSE(m.firstSimdUse);
  // With SIMD allowed the first use is recorded for the lowering.
  ModuleBuilder simd = simdModule();
  simd.addFunction(0, cat({v128Const(), {0x1A, kEnd}}));
  const Module s = decodeAndValidate(simd.build());
  ASSERT_TRUE(s.firstSimdUse);
  EXPECT_EQ(s.firstSimdUse->what, "`v128.const` (0xfd 12)");
  EXPECT_EQ(s.firstSimdUse->function, std::optional<std::uint32_t>(0));
  EXPECT_EQ(s.firstSimdUse->offset, simdCodeOffset(simd.build(), 0, 0));
}

TEST(DecodeSimdGate, DecodeModuleAloneNeverRejects) {
  const Bytes bytes = everywhere().build();
  const Module m = decodeModule(bytes);
  ASSERT_TRUE(m.firstSimdUse);
  EXPECT_EQ(m.firstSimdUse->offset, 13u);
  EXPECT_NO_THROW(validateModule(m));
  // Instructions are only decoded by the validator: decodeAndValidate sees them.
  ModuleBuilder code = simdModule();
  code.addFunction(0, cat({v128Const(), {0x1A, kEnd}}));
  EXPECT_FALSE(decodeModule(code.build()).firstSimdUse);
  EXPECT_NO_THROW(validateModule(decodeModule(code.build())));
  EXPECT_TRUE(decodeAndValidate(code.build()).firstSimdUse);
}

} // namespace
} // namespace waot::test
