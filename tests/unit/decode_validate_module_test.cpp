// validateModule's module-level rules: limits, memories, exports, start,
// constant expressions, segments; and validating hand-made Module values.
#include "decode_test_builder.hpp"

#include <gtest/gtest.h>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

TEST(DecodeValidateModule, MemoryAndTableLimits) {
  auto withMemory = [](Bytes limits) { return cat({header(), section(5, cat({{0x01}, limits}))}); };
  EXPECT_NO_THROW(decodeAndValidate(withMemory(cat({{0x01}, uleb(0), uleb(65536)}))));
  const Bytes tooBig = withMemory(cat({{0x00}, uleb(65537)}));
  EXPECT_TRUE(failsWith(tooBig, Kind::Invalid, "memory size must be at most 65536 pages (4GiB)"));
  EXPECT_EQ(errorOf(tooBig)->offset(), std::optional<std::size_t>(11)) << "the memory entry";
  EXPECT_TRUE(failsWith(withMemory(cat({{0x01}, uleb(0), uleb(65537)})), Kind::Invalid,
                        "memory size must be at most 65536 pages (4GiB)"));
  EXPECT_TRUE(failsWith(withMemory({0x01, 0x02, 0x01}), Kind::Invalid,
                        "size minimum must not be greater than maximum"));
  const Bytes table =
      cat({header(), section(4, {0x02, kFuncRef, 0x00, 0x01, kFuncRef, 0x01, 0x05, 0x04})});
  EXPECT_TRUE(failsWith(table, Kind::Invalid, "size minimum must not be greater than maximum"));
  EXPECT_EQ(errorOf(table)->offset(), std::optional<std::size_t>(14)) << "the second table entry";
  // Tables may hold up to 2^32-1 elements.
  EXPECT_NO_THROW(decodeAndValidate(
      cat({header(), section(4, cat({{0x01, kFuncRef, 0x00}, uleb(0xFFFFFFFF)}))})));
}

TEST(DecodeValidateModule, MultipleMemories) {
  const Features wasm2 = Features::wasm2();
  ModuleBuilder b;
  b.imports.push_back(cat({name("env"), name("m"), {0x02, 0x00, 0x01}}));
  b.memories.push_back({0x00, 0x01});
  const Bytes bytes = b.build();
  EXPECT_TRUE(failsWith(bytes, Kind::Invalid, "multiple memories", wasm2));
  EXPECT_EQ(bytes.at(*errorOf(bytes, wasm2)->offset()), 0x00)
      << "points at the defined memory's flags";
  ModuleBuilder two;
  two.memories = {{0x00, 0x01}, {0x00, 0x01}};
  EXPECT_TRUE(failsWith(two.build(), Kind::Invalid, "multiple memories", wasm2));
  // Multi-memory (3.0, the default): any number, data into any of them.
  EXPECT_NO_THROW(decodeAndValidate(bytes));
  two.datas = {cat({{0x02, 0x01, 0x41, 0x00, kEnd}, name("x")})};
  EXPECT_NO_THROW(decodeAndValidate(two.build()));
  two.datas = {cat({{0x02, 0x02, 0x41, 0x00, kEnd}, name("x")})};
  EXPECT_TRUE(failsWith(two.build(), Kind::Invalid, "unknown memory 2"));
}

TEST(DecodeValidateModule, ExportsAndStart) {
  ModuleBuilder b;
  b.addType({}, {});
  const std::uint32_t withParam = b.addType({kI32}, {});
  b.addFunction(0, {kEnd});
  b.addFunction(withParam, {kEnd});
  b.exports = {cat({name("a"), {0x00, 0x00}}), cat({name("b"), {0x00, 0x01}})};
  EXPECT_NO_THROW(decodeAndValidate(b.build()));

  ModuleBuilder duplicate = b;
  duplicate.exports.push_back(cat({name("a"), {0x00, 0x01}}));
  const Bytes dup = duplicate.build();
  EXPECT_TRUE(failsWith(dup, Kind::Invalid, "duplicate export name"));
  EXPECT_EQ(decodeModule(dup).exports[2].offset, *errorOf(dup)->offset());

  const std::pair<std::uint8_t, const char *> unknown[] = {{0x00, "unknown function 9"},
                                                           {0x01, "unknown table 9"},
                                                           {0x02, "unknown memory 9"},
                                                           {0x03, "unknown global 9"}};
  for (const auto &[kind, message] : unknown) {
    ModuleBuilder bad = b;
    bad.exports = {cat({name("x"), {kind, 0x09}})};
    EXPECT_TRUE(failsWith(bad.build(), Kind::Invalid, message)) << message;
  }

  ModuleBuilder start = b;
  start.start = 0;
  EXPECT_NO_THROW(decodeAndValidate(start.build()));
  start.start = 1;
  EXPECT_TRUE(failsWith(start.build(), Kind::Invalid, "start function"));
  start.start = 2;
  EXPECT_TRUE(failsWith(start.build(), Kind::Invalid, "unknown function 2"));
}

TEST(DecodeValidateModule, TypeIndicesOfFunctions) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunction(0, {kEnd});
  b.addFunction(3, {kEnd});
  const Bytes bytes = b.build();
  EXPECT_TRUE(failsWith(bytes, Kind::Invalid, "unknown type 3"));
  EXPECT_EQ(bytes.at(*errorOf(bytes)->offset()), 0x03) << "points at the function section entry";
  ModuleBuilder import;
  import.imports.push_back(cat({name("env"), name("f"), { 0x00, 0x00 }}));
  EXPECT_TRUE(failsWith(import.build(), Kind::Invalid, "unknown type 0"));
}

TEST(DecodeValidateModule, GlobalInitializers) {
  ModuleBuilder b;
  b.imports.push_back(cat({name("env"), name("c"), {0x03, kI32, 0x00}})); // global 0: const i32
  b.imports.push_back(cat({name("env"), name("v"), {0x03, kI32, 0x01}})); // global 1: mut i32
  b.globals.push_back({kI32, 0x00, 0x23, 0x00, kEnd});                    // global 2 = global 0
  EXPECT_NO_THROW(decodeAndValidate(b.build()));

  ModuleBuilder mutableImport = b;
  mutableImport.globals.push_back({kI32, 0x00, 0x23, 0x01, kEnd});
  EXPECT_TRUE(failsWith(mutableImport.build(), Kind::Invalid, "constant expression required"));
  ModuleBuilder definedGlobal = b;
  definedGlobal.globals.push_back({kI32, 0x00, 0x23, 0x02, kEnd}); // reads a defined global
  EXPECT_TRUE(failsWith(definedGlobal.build(), Kind::Invalid, "unknown global 2",
                        frontend::Features::wasm2()));
  EXPECT_NO_THROW(decodeAndValidate(definedGlobal.build())) << "3.0: an earlier immutable global";
  ModuleBuilder itself = b;
  itself.globals.push_back({kI32, 0x00, 0x23, 0x03, kEnd}); // global 3 reads global 3
  EXPECT_TRUE(failsWith(itself.build(), Kind::Invalid, "unknown global 3"));
  ModuleBuilder wrongType = b;
  wrongType.globals.push_back({kI64, 0x00, 0x23, 0x00, kEnd});
  EXPECT_TRUE(failsWith(wrongType.build(), Kind::Invalid, "type mismatch"));
  ModuleBuilder nullType = b;
  nullType.globals.push_back({kFuncRef, 0x00, 0xD0, kExternRef, kEnd});
  EXPECT_TRUE(failsWith(nullType.build(), Kind::Invalid, "type mismatch"));
  ModuleBuilder refFunc = b;
  refFunc.globals.push_back({kFuncRef, 0x00, 0xD2, 0x04, kEnd});
  EXPECT_TRUE(failsWith(refFunc.build(), Kind::Invalid, "unknown function 4"));
}

TEST(DecodeValidateModule, ElementSegments) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunction(0, {kEnd});
  b.tables.push_back({kExternRef, 0x00, 0x01});
  b.elems.push_back({0x06, 0x00, 0x41, 0x00, kEnd, kExternRef, 0x01, 0xD0, kExternRef, kEnd});
  EXPECT_NO_THROW(decodeAndValidate(b.build()));

  ModuleBuilder funcIntoExtern = b;
  funcIntoExtern.elems = {{0x00, 0x41, 0x00, kEnd, 0x01, 0x00}};
  EXPECT_TRUE(failsWith(funcIntoExtern.build(), Kind::Invalid, "type mismatch"));
  ModuleBuilder noTable = b;
  noTable.elems = {{0x02, 0x03, 0x41, 0x00, kEnd, 0x00, 0x00}};
  EXPECT_TRUE(failsWith(noTable.build(), Kind::Invalid, "unknown table 3"));
  ModuleBuilder offsetType = b;
  offsetType.elems = {{0x06, 0x00, 0x42, 0x00, kEnd, kExternRef, 0x00}};
  EXPECT_TRUE(failsWith(offsetType.build(), Kind::Invalid, "type mismatch"));
  ModuleBuilder itemType = b;
  itemType.elems = {{0x05, kExternRef, 0x01, 0xD2, 0x00, kEnd}};
  EXPECT_TRUE(failsWith(itemType.build(), Kind::Invalid, "type mismatch"));
  ModuleBuilder unknownFunction = b;
  unknownFunction.elems = {{0x01, 0x00, 0x01, 0x07}};
  EXPECT_TRUE(failsWith(unknownFunction.build(), Kind::Invalid, "unknown function 7"));
}

TEST(DecodeValidateModule, DataSegments) {
  ModuleBuilder b;
  b.datas.push_back(cat({{0x00, 0x41, 0x00, kEnd}, name("x")}));
  EXPECT_TRUE(failsWith(b.build(), Kind::Invalid, "unknown memory 0"));
  b.memories.push_back({0x00, 0x01});
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
  b.datas = {cat({{0x00, 0x43, 0, 0, 0, 0, kEnd}, name("x")})};
  EXPECT_TRUE(failsWith(b.build(), Kind::Invalid, "type mismatch"));
  b.datas = {cat({{0x02, 0x01, 0x41, 0x00, kEnd}, name("x")})};
  EXPECT_TRUE(failsWith(b.build(), Kind::Invalid, "unknown memory 1"));
  // Passive segments need no memory.
  ModuleBuilder passive;
  passive.datas.push_back(cat({{0x01}, name("x")}));
  EXPECT_NO_THROW(decodeAndValidate(passive.build()));
}

TEST(DecodeValidateModule, HandMadeModules) {
  Module m;
  m.memories.resize(2);
  try {
    validateModule(m, Features::wasm2());
    FAIL() << "two memories accepted";
  } catch (const CompileError &e) {
    EXPECT_EQ(e.kind(), Kind::Invalid);
    EXPECT_EQ(e.message().rfind("multiple memories", 0), 0u);
    EXPECT_FALSE(e.offset()) << "no bytes to point into";
  }
  // Bodies pointing outside the bytes are refused, not read.
  Module outside;
  outside.bytes = std::make_shared<const std::vector<std::uint8_t>>(header());
  outside.types.push_back({});
  outside.functionTypes.push_back(0);
  outside.bodies.push_back(FunctionBody{{}, 0, 8, 9, 400});
  EXPECT_THROW(validateModule(outside), CompileError);
  Module noBytes;
  noBytes.types.push_back({});
  noBytes.functionTypes.push_back(0);
  noBytes.bodies.push_back(FunctionBody{});
  EXPECT_THROW(validateModule(noBytes), CompileError);
}

} // namespace
} // namespace waot::test
