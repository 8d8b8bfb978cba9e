// validateModule on function bodies: accepted code (blocks, multi-value,
// br_table, select, reference types, bulk memory, unreachable code) and
// rejected code, with the error's message, offset and function index.
#include "decode_test_builder.hpp"

#include <gtest/gtest.h>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

// A module with one imported function (so defined function d has function
// index d + 1), one memory and a funcref table of 2 elements. Type 0 is () -> ().
ModuleBuilder codeModule() {
  ModuleBuilder b;
  b.addType({}, {});
  b.imports.push_back(cat({name("env"), name("f"), {0x00, 0x00}}));
  b.memories.push_back({0x00, 0x01});
  b.tables.push_back({kFuncRef, 0x00, 0x02});
  return b;
}

// Offset of instruction byte `k` of defined function `defined`.
std::size_t codeOffset(const Bytes &bytes, std::uint32_t defined, std::size_t k) {
  return decodeModule(bytes).bodies.at(defined).codeOffset + k;
}

// Expects `code` (as the body of a () -> () function of codeModule()) to be
// invalid with `prefix`, reported at instruction byte `at` of function 1.
void expectInvalidCode(const Bytes &code, std::string_view prefix, std::size_t at) {
  ModuleBuilder b = codeModule();
  b.addFunction(0, code);
  const Bytes bytes = b.build();
  EXPECT_TRUE(failsWith(bytes, Kind::Invalid, prefix));
  const auto error = errorOf(bytes);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->function(), std::optional<std::uint32_t>(1)) << error->what();
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(codeOffset(bytes, 0, at))) << error->what();
}

// memory64 and table64: a 64-bit memory (memory 1) or table (table 1) takes
// i64 addresses, sizes and lengths; copies between the two kinds take the
// smaller type for their length; a 32-bit memory's offsets stay below 2^32.
TEST(DecodeValidateCode, Memory64AndTable64Types) {
  ModuleBuilder b = codeModule();
  b.memories.push_back({0x04, 0x01});         // memory 1: i64, 1 page
  b.tables.push_back({kFuncRef, 0x04, 0x02}); // table 1: i64, 2 elements
  auto valid = [&](const Bytes &code) {
    ModuleBuilder m = b;
    m.addFunction(0, code);
    return errorOf(m.build());
  };
  // i64.const 0; i32.load8_u (memory 1); drop
  EXPECT_FALSE(valid({0x42, 0x00, 0x2D, 0x40, 0x01, 0x00, 0x1A, kEnd}));
  // an i32 address for memory 1, an i64 one for memory 0
  EXPECT_TRUE(valid({0x41, 0x00, 0x2D, 0x40, 0x01, 0x00, 0x1A, kEnd}));
  EXPECT_TRUE(valid({0x42, 0x00, 0x2D, 0x00, 0x00, 0x1A, kEnd}));
  // offset 2^32: fine for memory 1, out of range for memory 0
  EXPECT_FALSE(valid({0x42, 0x00, 0x2D, 0x40, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, kEnd}));
  const auto range = valid({0x41, 0x00, 0x2D, 0x00, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1A, kEnd});
  ASSERT_TRUE(range);
  EXPECT_EQ(range->message().rfind("offset out of range", 0), 0u) << range->message();
  // memory.size 1 is an i64; memory.grow 1 takes and gives one
  EXPECT_FALSE(valid({0x3F, 0x01, 0x50, 0x1A, kEnd}));             // i64.eqz
  EXPECT_FALSE(valid({0x42, 0x01, 0x40, 0x01, 0x50, 0x1A, kEnd})); // grow by i64
  EXPECT_TRUE(valid({0x3F, 0x01, 0x45, 0x1A, kEnd}));              // i32.eqz of an i64
  // memory.copy 0 <- 1: dst i32, src i64, length i32 (the smaller)
  EXPECT_FALSE(valid({0x41, 0x00, 0x42, 0x00, 0x41, 0x01, 0xFC, 0x0A, 0x00, 0x01, kEnd}));
  EXPECT_TRUE(valid({0x41, 0x00, 0x42, 0x00, 0x42, 0x01, 0xFC, 0x0A, 0x00, 0x01, kEnd}));
  // memory.copy 1 <- 1: all i64
  EXPECT_FALSE(valid({0x42, 0x00, 0x42, 0x00, 0x42, 0x01, 0xFC, 0x0A, 0x01, 0x01, kEnd}));
  // table.size 1 is an i64, table.get 1 takes one
  EXPECT_FALSE(valid({0xFC, 0x10, 0x01, 0x50, 0x1A, kEnd}));
  EXPECT_FALSE(valid({0x42, 0x00, 0x25, 0x01, 0x1A, kEnd}));
  EXPECT_TRUE(valid({0x41, 0x00, 0x25, 0x01, 0x1A, kEnd}));
  // Wasm 2.0 has neither.
  ModuleBuilder m = b;
  m.addFunction(0, {kEnd});
  EXPECT_TRUE(failsWith(m.build(), Kind::Unsupported, "64-bit", Features::wasm2()));
}

TEST(DecodeValidateCode, MultiValueBlocks) {
  ModuleBuilder b = codeModule();
  const auto resultI32 = b.addType({}, {kI32});
  const auto binary = static_cast<std::uint8_t>(b.addType({kI32, kI32}, {kI32}));
  const auto pair = static_cast<std::uint8_t>(b.addType({}, {kI32, kI64}));
  // clang-format off
  b.addFunction(resultI32, {
      0x41, 0x01, 0x41, 0x02,                         // 1 2
      0x02, binary, 0x6A, kEnd,                       // block (i32 i32) -> (i32): add
      0x02, pair, 0x41, 0x03, 0x42, 0x04, kEnd,       // block () -> (i32 i64)
      0x1A, 0x6A,                                     // drop the i64, add
      kEnd});
  // clang-format on
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, LoopWithParametersAndBranchesToIt) {
  ModuleBuilder b = codeModule();
  const auto unary = static_cast<std::uint8_t>(b.addType({kI32}, {kI32}));
  // clang-format off
  b.addFunction(unary, {
      0x20, 0x00,                                     // local.get 0
      0x03, unary,                                    // loop (i32) -> (i32)
      0x41, 0x01, 0x6B,                               //   i32.const 1, i32.sub
      0x22, 0x00, 0x20, 0x00,                         //   local.tee 0, local.get 0
      0x0D, 0x00,                                     //   br_if 0: back to the loop with an i32
      kEnd,
      kEnd});
  // clang-format on
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, IfElseAndIfWithoutElse) {
  ModuleBuilder b = codeModule();
  const auto unary = static_cast<std::uint8_t>(b.addType({kI32}, {kI32}));
  // clang-format off
  b.addFunction(0, {
      0x41, 0x05, 0x41, 0x01,                         // 5, condition
      0x04, unary, 0x41, 0x01, 0x6A, kEnd,            // if (i32) -> (i32) without else
      0x1A,                                           // drop
      0x41, 0x00,                                     // condition
      0x04, kI64, 0x42, 0x01, 0x05, 0x42, 0x02, kEnd, // if (result i64) else
      0x1A,
      kEnd});
  // clang-format on
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, BrTableAndPolymorphicStack) {
  ModuleBuilder b = codeModule();
  const std::uint32_t unary = b.addType({kI32}, {kI32});
  // clang-format off
  b.addFunction(unary, {
      0x02, kI32, 0x02, kI32,                         // block (result i32) block (result i32)
      0x41, 0x07, 0x20, 0x00,                         // 7, local.get 0
      0x0E, 0x02, 0x00, 0x01, 0x01,                   // br_table 0 1, default 1
      kEnd, kEnd,
      kEnd});
  // After unreachable the stack is polymorphic: operands of any type, and
  // br_table may even target labels of different types.
  b.addFunction(0, {
      0x00, 0x6A, 0x1A,                               // unreachable, i32.add, drop
      0x02, kF32, 0x02, kI32,                         // block (result f32) block (result i32)
      0x00, 0x41, 0x00,                               // unreachable, i32.const 0
      0x0E, 0x01, 0x00, 0x01,                         // br_table 0 (i32), default 1 (f32)
      kEnd, 0x1A,                                     // end, drop
      0x43, 0x00, 0x00, 0x00, 0x00,                   // f32.const 0
      kEnd, 0x1A,                                     // end, drop
      0x00, 0x1B, 0x1A,                               // unreachable, select, drop
      0x00, 0xD1, 0x1A,                               // unreachable, ref.is_null, drop
      kEnd});
  // clang-format on
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, SelectAndReferenceTypes) {
  ModuleBuilder b = codeModule();
  b.elems.push_back({0x03, 0x00, 0x01, 0x01}); // declares function 1 for ref.func
  const Bytes f64Zero = {0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  // clang-format off
  b.addFunction(0, cat({f64Zero, f64Zero, {
      0x41, 0x01, 0x1B, 0x1A,                         // select on f64, drop
      0xD0, kFuncRef, 0xD0, kFuncRef, 0x41, 0x01,     // two null funcrefs, condition
      0x1C, 0x01, kFuncRef, 0x1A,                     // select (result funcref), drop
      0xD2, 0x01, 0xD1, 0x1A,                         // ref.func 1, ref.is_null, drop
      0x41, 0x00, 0x25, 0x00, 0x1A,                   // table.get 0, drop
      0x41, 0x00, 0xD0, kFuncRef, 0x26, 0x00,         // table.set 0
      0xD0, kFuncRef, 0x41, 0x01, 0xFC, 0x0F, 0x00,   // table.grow 0
      0x1A,
      0xFC, 0x10, 0x00, 0x1A,                         // table.size 0, drop
      0x41, 0x00, 0xD0, kFuncRef, 0x41, 0x00,         // table.fill 0
      0xFC, 0x11, 0x00,
      kEnd}}));
  // clang-format on
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, BulkMemoryMemoryAccessAndNumerics) {
  ModuleBuilder b = codeModule();
  b.dataCount = 1;
  b.datas.push_back(cat({{0x01}, name("ab")}));
  b.elems.push_back({0x01, 0x00, 0x01, 0x00});
  // clang-format off
  b.addFunction(0, {0x41, 0x00, 0x41, 0x00, 0x41, 0x02, 0xFC, 0x08, 0x00, 0x00, // memory.init
                    0xFC, 0x09, 0x00,                                           // data.drop
                    0x41, 0x00, 0x41, 0x01, 0x41, 0x01, 0xFC, 0x0A, 0x00, 0x00, // memory.copy
                    0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0B, 0x00,       // memory.fill
                    0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x0C, 0x00, 0x00, // table.init
                    0xFC, 0x0D, 0x00,                                           // elem.drop
                    0x41, 0x00, 0x41, 0x01, 0x41, 0x01, 0xFC, 0x0E, 0x00, 0x00, // table.copy
                    0x41, 0x00, 0x29, 0x03, 0x08, 0x1A,                         // i64.load align=8
                    0x41, 0x00, 0x43, 0x00, 0x00, 0x00, 0x00, 0x38, 0x02, 0x00, // f32.store
                    0x3F, 0x00, 0x1A, 0x41, 0x01, 0x40, 0x00, 0x1A,             // memory.size/grow
                    0x43, 0x00, 0x00, 0x00, 0x00, 0xFC, 0x00, 0x1A,             // trunc_sat
                    0x41, 0x00, 0xC0, 0x1A,                                     // i32.extend8_s
                    0x42, 0x00, 0xB4, 0x1A,                                     // f32.convert_i64_s
                    kEnd});
  // clang-format on
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, CallsAndLocals) {
  ModuleBuilder b = codeModule();
  const std::uint32_t unary = b.addType({kI32}, {kI32});
  b.imports.push_back(cat({name("env"), name("g"), {0x00, static_cast<std::uint8_t>(unary)}}));
  // Function 2 (defined 0): locals i64 and f64 after the i32 parameter.
  b.addFunction(unary,
                {0x20, 0x00, 0x10, 0x01,                                   // call import g
                 0x41, 0x00, 0x11, static_cast<std::uint8_t>(unary), 0x00, // call_indirect
                 0x42, 0x01, 0x21, 0x01, 0x20, 0x02, 0x1A, kEnd},
                {0x02, 0x01, kI64, 0x01, kF64});
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeValidateCode, TypeMismatchesCarryOffsetAndFunction) {
  // clang-format off
  expectInvalidCode({0x41, 0x00, 0x42, 0x00, 0x6A, kEnd}, "type mismatch", 4);  // i32 + i64
  expectInvalidCode({0x6A, kEnd}, "type mismatch", 0);                          // empty stack
  expectInvalidCode({0x02, 0x40, 0x41, 0x01, kEnd, kEnd}, "type mismatch", 4);  // block leaves 1
  expectInvalidCode({0x41, 0x01, kEnd}, "type mismatch", 2);                    // function leaves 1
  expectInvalidCode({0x41, 0x00, 0xD1, 0x1A, kEnd}, "type mismatch", 2);        // ref.is_null i32
  expectInvalidCode({0x41, 0x00, 0x42, 0x00, 0x41, 0x00, 0x1B, 0x1A, kEnd},     // select i32/i64
                    "type mismatch", 6);
  expectInvalidCode({0xD0, kFuncRef, 0xD0, kFuncRef, 0x41, 0x00, 0x1B, 0x1A, kEnd},
                    "type mismatch", 6); // untyped select of references
  // clang-format on
  const auto error = errorOf([] {
    ModuleBuilder b = codeModule();
    b.addFunction(0, {0x41, 0x00, 0x42, 0x00, 0x6A, kEnd});
    return b.build();
  }());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message(), "type mismatch: i32.add expects i32 but found i64");
}

TEST(DecodeValidateCode, ControlErrors) {
  // if without else whose parameters differ from its results.
  expectInvalidCode({0x41, 0x01, 0x04, kI32, 0x41, 0x01, kEnd, 0x1A, kEnd}, "type mismatch", 6);
  // br_table targets of different arities: default block (i32), target 0 block ().
  expectInvalidCode({0x02, kI32, 0x02, 0x40, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, kEnd,
                     0x41, 0x00, kEnd, 0x1A, kEnd},
                    "type mismatch", 8);
  expectInvalidCode({0x0C, 0x01, kEnd}, "unknown label", 0);
  expectInvalidCode({0x02, 0x09, kEnd, kEnd}, "unknown type", 0); // block type index 9
  expectInvalidCode({0x10, 0x05, kEnd}, "unknown function", 0);
  expectInvalidCode({0x41, 0x00, 0x11, 0x00, 0x01, kEnd}, "unknown table", 2);
  expectInvalidCode({0x41, 0x00, 0x11, 0x07, 0x00, kEnd}, "unknown type", 2);
  expectInvalidCode({0x1C, 0x00, kEnd}, "invalid result arity", 0);
}

TEST(DecodeValidateCode, VariableMemoryTableAndReferenceErrors) {
  expectInvalidCode({0x20, 0x00, 0x1A, kEnd}, "unknown local", 0);
  expectInvalidCode({0x23, 0x00, 0x1A, kEnd}, "unknown global", 0);
  expectInvalidCode({0x41, 0x00, 0x28, 0x03, 0x00, 0x1A, kEnd},
                    "alignment must not be larger than natural", 2);
  expectInvalidCode({0xFC, 0x0D, 0x03, kEnd}, "unknown elem segment 3", 0);
  expectInvalidCode({0x25, 0x04, 0x1A, kEnd}, "unknown table", 0);
  expectInvalidCode({0xD2, 0x01, 0x1A, kEnd}, "undeclared function reference", 0);

  ModuleBuilder immutable = codeModule();
  immutable.imports.push_back(cat({name("env"), name("g"), {0x03, kI32, 0x00}}));
  immutable.addFunction(0, {0x41, 0x00, 0x24, 0x00, kEnd});
  EXPECT_TRUE(failsWith(immutable.build(), Kind::Invalid, "global is immutable"));

  ModuleBuilder noMemory;
  noMemory.addType({}, {});
  noMemory.addFunction(0, {0x41, 0x00, 0x28, 0x02, 0x00, 0x1A, kEnd});
  EXPECT_TRUE(failsWith(noMemory.build(), Kind::Invalid, "unknown memory 0"));

  ModuleBuilder externTable = codeModule();
  externTable.tables[0] = {kExternRef, 0x00, 0x01};
  externTable.addFunction(0, {0x41, 0x00, 0x11, 0x00, 0x00, kEnd});
  EXPECT_TRUE(failsWith(externTable.build(), Kind::Invalid, "type mismatch"));

  ModuleBuilder copy = codeModule();
  copy.tables.push_back({kExternRef, 0x00, 0x01});
  copy.addFunction(0, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0E, 0x00, 0x01, kEnd});
  EXPECT_TRUE(failsWith(copy.build(), Kind::Invalid, "type mismatch: table.copy"));
}

TEST(DecodeValidateCode, DataSegmentUsesNeedTheDataCountSection) {
  ModuleBuilder b = codeModule();
  b.datas.push_back(cat({{0x01}, name("ab")}));
  b.addFunction(0, {0xFC, 0x09, 0x00, kEnd});
  const Bytes bytes = b.build();
  EXPECT_TRUE(failsWith(bytes, Kind::Malformed, "data count section required"));
  EXPECT_EQ(errorOf(bytes)->offset(), std::optional<std::size_t>(codeOffset(bytes, 0, 0)));
  b.dataCount = 1;
  b.codes[0] = body({0xFC, 0x09, 0x01, kEnd});
  EXPECT_TRUE(failsWith(b.build(), Kind::Invalid, "unknown data segment 1"));
}

TEST(DecodeValidateCode, StructureErrorsAreMalformed) {
  ModuleBuilder b = codeModule();
  b.addFunction(0, {0x05, kEnd}); // else outside an if
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "END opcode expected"));
  b.codes[0] = body({0x02, 0x40, kEnd}); // the function's own block is never closed
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "unexpected end"));
  b.codes[0] = body({kEnd, kEnd}); // bytes after the function's end
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "section size mismatch"));
  b.codes[0] = body({0x41, 0x00, 0x28, 0x20, 0x00, 0x1A, kEnd}); // alignment 2^32
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "malformed memop flags", Features::wasm2()));
  b.codes[0] = body({0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A, kEnd}); // flags 128
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "malformed memop flags"));
  b.codes[0] = body({0x3F, 0x01, 0x1A, kEnd}); // memory.size with a non-zero memory byte
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "zero byte expected", Features::wasm2()));
  // Multi-memory: that byte is a memory index (of a memory the module lacks).
  EXPECT_TRUE(failsWith(b.build(), Kind::Invalid, "unknown memory 1"));
}

TEST(DecodeValidateCode, CodeFactsRecordWhichTablesInstructionsWrite) {
  // Six funcref tables of 2 elements: table t is written by function t's
  // instruction below, table 5 only read (table.get, table.size, call_indirect).
  ModuleBuilder b = codeModule();
  for (int t = 1; t < 6; ++t)
    b.tables.push_back({kFuncRef, 0x00, 0x02});
  b.elems.push_back({0x05, kFuncRef, 0x01, 0xD2, 0x00, 0x0B}); // passive: ref.func 0
  const Bytes i0 = {0x41, 0x00};
  b.addFunction(0, cat({i0, {0xD0, kFuncRef, 0x26, 0x00, 0x0B}}));               // table.set 0
  b.addFunction(0, cat({{0xD0, kFuncRef}, i0, {0xFC, 0x0F, 0x01, 0x1A, 0x0B}})); // table.grow 1
  b.addFunction(0, cat({i0, {0xD0, kFuncRef}, i0, {0xFC, 0x11, 0x02, 0x0B}}));   // table.fill 2
  b.addFunction(0, cat({i0, i0, i0, {0xFC, 0x0E, 0x03, 0x05, 0x0B}})); // table.copy 3 <- 5
  b.addFunction(0, cat({i0, i0, i0, {0xFC, 0x0C, 0x00, 0x04, 0x0B}})); // table.init 4
  b.addFunction(
      0, cat({i0, {0x25, 0x05, 0x1A, 0xFC, 0x10, 0x05, 0x1A}, i0, {0x11, 0x00, 0x05, 0x0B}}));
  const Module module = decodeAndValidate(b.build());
  ASSERT_TRUE(module.codeFacts);
  EXPECT_EQ(module.codeFacts->tablesWrittenByCode,
            (std::vector<bool>{true, true, true, true, true, false}));
  // decodeModule alone knows nothing about the code.
  EXPECT_FALSE(decodeModule(b.build()).codeFacts);
}

TEST(DecodeValidateCode, LaterFeaturesAreUnsupportedAndNamed) {
  ModuleBuilder b = codeModule();
  b.addFunction(0, {0xFD, 0x80, 0x02, kEnd}); // i8x16.relaxed_swizzle (Wasm 3.0)
  const Bytes simd = b.build();
  const auto error = errorOf(simd);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), Kind::Unsupported);
  EXPECT_NE(error->message().find("relaxed SIMD"), std::string::npos) << error->message();
  EXPECT_NE(error->message().find("i8x16.relaxed_swizzle"), std::string::npos) << error->message();
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(codeOffset(simd, 0, 0)));
  EXPECT_EQ(error->function(), std::optional<std::uint32_t>(1));

  b.codes[0] = body({0x06, 0x40, kEnd, kEnd}); // try
  EXPECT_TRUE(failsWith(b.build(), Kind::Unsupported, "exception handling instruction 'try'"));
}

TEST(DecodeValidateCode, MalformedCodeOutranksAnEarlierTypeError) {
  ModuleBuilder b = codeModule();
  b.addFunction(0, {0x6A, kEnd});             // function 1: type error
  b.addFunction(0, {0x41, 0x00, 0xFF, kEnd}); // function 2: illegal opcode
  const auto error = errorOf(b.build());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), Kind::Malformed) << error->what();
  EXPECT_EQ(error->function(), std::optional<std::uint32_t>(2));
}

TEST(DecodeValidateCode, DeepNestingDoesNotRecurse) {
  constexpr std::size_t depth = 100'000;
  Bytes code;
  code.reserve(3 * depth + 1);
  for (std::size_t i = 0; i < depth; ++i)
    code.insert(code.end(), {0x02, 0x40});
  code.insert(code.end(), depth + 1, kEnd);
  ModuleBuilder b = codeModule();
  b.addFunction(0, code);
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

} // namespace
} // namespace waot::test
