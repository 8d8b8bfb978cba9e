// decodeModule: every section's content and the binary format's section rules.
#include "decode_test_builder.hpp"

#include <gtest/gtest.h>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

TEST(DecodeSections, EmptyModuleKeepsACopyOfItsBytes) {
  const Bytes bytes = header();
  const Module m = decodeModule(bytes);
  ASSERT_TRUE(m.bytes);
  EXPECT_EQ(*m.bytes, bytes);
  EXPECT_NE(m.bytes->data(), bytes.data());
  EXPECT_TRUE(m.types.empty());
  EXPECT_EQ(m.numFunctions(), 0u);
  EXPECT_FALSE(m.start);
  EXPECT_FALSE(m.dataCount);
}

TEST(DecodeSections, PreambleErrors) {
  EXPECT_TRUE(failsWith({}, Kind::Malformed, "unexpected end"));
  EXPECT_TRUE(failsWith({0x00, 0x61, 0x73}, Kind::Malformed, "unexpected end"));
  EXPECT_TRUE(
      failsWith({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00}, Kind::Malformed, "unexpected end"));
  EXPECT_TRUE(failsWith({'a', 's', 'm', 0x00, 0x01, 0x00, 0x00, 0x00}, Kind::Malformed,
                        "magic header not detected"));
  const Bytes version2 = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
  EXPECT_TRUE(failsWith(version2, Kind::Malformed, "unknown binary version"));
  EXPECT_EQ(errorOf(version2)->offset(), std::optional<std::size_t>(4));
}

TEST(DecodeSections, TypesImportsAndIndexSpaces) {
  ModuleBuilder b;
  b.addType({kI32, kI64}, {kF32});
  b.addType({}, {kI32, kI64}); // multi-value result
  b.imports.push_back(cat({name("env"), name("f"), {0x00, 0x00}}));
  b.imports.push_back(cat({name("env"), name("t"), {0x01, kFuncRef, 0x01, 0x01, 0x0A}}));
  b.imports.push_back(cat({name("env"), name("m"), {0x02, 0x00, 0x01}}));
  b.imports.push_back(cat({name("env"), name("g"), {0x03, kI32, 0x01}}));
  b.functions.push_back({0x01});
  b.codes.push_back(body({0x41, 0x01, 0x42, 0x02, kEnd}));
  b.tables.push_back({kExternRef, 0x00, 0x00});
  b.globals.push_back({kF64, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, kEnd}); // f64.const 1.5
  b.exports.push_back(cat({name("run"), {0x00, 0x01}}));
  const Module m = decodeAndValidate(b.build());

  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0], (FuncType{{ValType::I32, ValType::I64}, {ValType::F32}}));
  EXPECT_EQ(m.types[1].results, (std::vector<ValType>{ValType::I32, ValType::I64}));
  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[1].name, "t");
  EXPECT_EQ(m.imports[3].kind, ExternKind::Global);
  EXPECT_EQ(m.functionTypes, (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(m.numImportedFunctions, 1u);
  EXPECT_TRUE(m.isImportedFunction(0));
  EXPECT_FALSE(m.isImportedFunction(1));
  ASSERT_EQ(m.tables.size(), 2u);
  EXPECT_EQ(m.numImportedTables, 1u);
  EXPECT_EQ(m.tables[0].elemType, ValType::FuncRef);
  EXPECT_EQ(m.tables[0].limits.min, 1u);
  EXPECT_EQ(m.tables[0].limits.max, std::optional<std::uint64_t>(10));
  EXPECT_EQ(m.tables[1].elemType, ValType::ExternRef);
  ASSERT_EQ(m.memories.size(), 1u);
  EXPECT_EQ(m.numImportedMemories, 1u);
  EXPECT_EQ(m.memories[0].limits.min, 1u);
  EXPECT_FALSE(m.memories[0].limits.max);
  ASSERT_EQ(m.globalTypes.size(), 2u);
  EXPECT_EQ(m.numImportedGlobals, 1u);
  EXPECT_TRUE(m.globalTypes[0].isMutable);
  EXPECT_EQ(m.globalTypes[1].type, ValType::F64);
  ASSERT_EQ(m.globals.size(), 1u);
  EXPECT_EQ(m.globals[0].init.kind, ConstExpr::Kind::F64);
  EXPECT_EQ(m.globals[0].init.bits, 0x3FF8000000000000u);
  ASSERT_EQ(m.exports.size(), 1u);
  EXPECT_EQ(m.exports[0].name, "run");
  EXPECT_EQ(m.exports[0].index, 1u);
  EXPECT_EQ(m.numDefinedFunctions(), 1u);
}

TEST(DecodeSections, StartAndConstantValues) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunction(0, {kEnd});
  b.globals.push_back({kI32, 0x00, 0x41, 0x7F, kEnd});                   // i32.const -1
  b.globals.push_back({kI64, 0x00, 0x42, 0x80, 0x7F, kEnd});             // i64.const -128
  b.globals.push_back({kF32, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, kEnd}); // f32.const 1.0
  b.globals.push_back({kExternRef, 0x00, 0xD0, kExternRef, kEnd});       // ref.null extern
  b.globals.push_back({kFuncRef, 0x00, 0xD2, 0x00, kEnd});               // ref.func 0
  b.start = 0;
  const Module m = decodeAndValidate(b.build());
  EXPECT_EQ(m.start, std::optional<std::uint32_t>(0));
  ASSERT_EQ(m.globals.size(), 5u);
  EXPECT_EQ(m.globals[0].init.bits, 0xFFFFFFFFu); // zero-extended bit pattern
  EXPECT_EQ(m.globals[1].init.bits, static_cast<std::uint64_t>(-128));
  EXPECT_EQ(m.globals[2].init.bits, 0x3F800000u);
  EXPECT_EQ(m.globals[3].init.kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m.globals[3].init.refType, ValType::ExternRef);
  EXPECT_EQ(m.globals[4].init.kind, ConstExpr::Kind::RefFunc);
  EXPECT_EQ(m.globals[4].init.index, 0u);
}

TEST(DecodeSections, AllEightElementSegmentEncodings) {
  ModuleBuilder b;
  b.addType({}, {});
  b.imports.push_back(cat({name("env"), name("gf"), {0x03, kFuncRef, 0x00}}));
  b.addFunction(0, {kEnd});
  b.tables.push_back({kFuncRef, 0x00, 0x04});
  b.tables.push_back({kFuncRef, 0x00, 0x04});
  b.elems = {
      {0x00, 0x41, 0x00, kEnd, 0x01, 0x00},                                   // active, table 0
      {0x01, 0x00, 0x01, 0x00},                                               // passive
      {0x02, 0x01, 0x41, 0x02, kEnd, 0x00, 0x01, 0x00},                       // active, table 1
      {0x03, 0x00, 0x01, 0x00},                                               // declarative
      {0x04, 0x41, 0x01, kEnd, 0x02, 0xD2, 0x00, kEnd, 0xD0, kFuncRef, kEnd}, // exprs
      {0x05, kExternRef, 0x01, 0xD0, kExternRef, kEnd},                       // passive exprs
      {0x06, 0x01, 0x41, 0x03, kEnd, kFuncRef, 0x01, 0x23, 0x00, kEnd},       // active exprs
      {0x07, kFuncRef, 0x01, 0xD2, 0x00, kEnd},                               // declarative exprs
  };
  const Module m = decodeAndValidate(b.build());
  ASSERT_EQ(m.elems.size(), 8u);
  const SegmentMode modes[] = {
      SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active, SegmentMode::Declarative,
      SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active, SegmentMode::Declarative};
  const std::uint32_t tables[] = {0, 0, 1, 0, 0, 0, 1, 0};
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(m.elems[i].mode, modes[i]) << "segment " << i;
    if (modes[i] == SegmentMode::Active) {
      EXPECT_EQ(m.elems[i].table, tables[i]) << "segment " << i;
    }
  }
  EXPECT_EQ(m.elems[0].offset.kind, ConstExpr::Kind::I32);
  EXPECT_EQ(m.elems[2].offset.bits, 2u);
  EXPECT_EQ(m.elems[0].items[0].kind, ConstExpr::Kind::RefFunc);
  ASSERT_EQ(m.elems[4].items.size(), 2u);
  EXPECT_EQ(m.elems[4].items[1].kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m.elems[5].elemType, ValType::ExternRef);
  EXPECT_EQ(m.elems[6].items[0].kind, ConstExpr::Kind::GlobalGet);
  EXPECT_EQ(m.elems[7].elemType, ValType::FuncRef);

  ModuleBuilder badFlags = b;
  badFlags.elems = {{0x08, 0x00, 0x00}};
  EXPECT_TRUE(failsWith(badFlags.build(), Kind::Malformed, "malformed elements segment kind"));
  ModuleBuilder badKind = b;
  badKind.elems = {{0x01, 0x01, 0x00}};
  EXPECT_TRUE(failsWith(badKind.build(), Kind::Malformed, "malformed element kind"));
}

TEST(DecodeSections, DataSegmentsAndDataCount) {
  ModuleBuilder b;
  b.memories.push_back({0x00, 0x01});
  b.dataCount = 3;
  b.datas = {cat({{0x00, 0x41, 0x10, kEnd}, name("abc")}), cat({{0x01}, name("xy")}),
             cat({{0x02, 0x00, 0x41, 0x20, kEnd}, name("")})};
  const Bytes bytes = b.build();
  const Module m = decodeAndValidate(bytes);
  EXPECT_EQ(m.dataCount, std::optional<std::uint32_t>(3));
  ASSERT_EQ(m.datas.size(), 3u);
  EXPECT_EQ(m.datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.datas[0].offset.bits, 16u);
  EXPECT_EQ(m.datas[0].bytes, (std::vector<std::uint8_t>{'a', 'b', 'c'}));
  EXPECT_EQ(bytes[m.datas[0].sectionOffset], 0x00); // points at the segment's flags
  EXPECT_EQ(m.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.datas[1].bytes, (std::vector<std::uint8_t>{'x', 'y'}));
  EXPECT_EQ(m.datas[2].offset.bits, 32u);
  EXPECT_TRUE(m.datas[2].bytes.empty());

  ModuleBuilder badFlags = b;
  badFlags.datas = {{0x03, 0x00}};
  badFlags.dataCount = 1;
  EXPECT_TRUE(failsWith(badFlags.build(), Kind::Malformed, "malformed data segment kind"));
}

TEST(DecodeSections, DataCountMustMatchTheDataSection) {
  ModuleBuilder b;
  b.memories.push_back({0x00, 0x01});
  b.dataCount = 2;
  b.datas = {cat({{0x01}, name("x")})};
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed,
                        "data count and data section have inconsistent lengths"));
  b.datas.clear();
  b.dataCount = 1; // no data section at all
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed,
                        "data count and data section have inconsistent lengths"));
  b.dataCount = 0;
  EXPECT_NO_THROW(decodeAndValidate(b.build()));
}

TEST(DecodeSections, CodeBodyOffsetsAndLocals) {
  const Bytes bytes = cat({header(),
                           {0x01, 0x04, 0x01, 0x60, 0x00, 0x00}, // type: () -> ()
                           {0x03, 0x02, 0x01, 0x00},             // function: type 0
                           {0x0A, 0x0B, 0x01,                    // code: 1 body
                            0x09,                                // body size (offset 21)
                            0x02, 0x02, kI32, 0x01, kI64,        // 2 i32, 1 i64
                            0x41, 0x00, 0x1A, kEnd}});           // code at 27
  const Module m = decodeAndValidate(bytes);
  ASSERT_EQ(m.bodies.size(), 1u);
  const FunctionBody &fb = m.bodies[0];
  EXPECT_EQ(fb.bodyOffset, 21u);
  EXPECT_EQ(fb.codeOffset, 27u);
  EXPECT_EQ(fb.endOffset, 31u);
  EXPECT_EQ(fb.endOffset, bytes.size());
  ASSERT_EQ(fb.locals.size(), 2u);
  EXPECT_EQ(fb.locals[0].count, 2u);
  EXPECT_EQ(fb.locals[0].type, ValType::I32);
  EXPECT_EQ(fb.locals[1].type, ValType::I64);
  EXPECT_EQ(fb.numLocals, 3u);
}

TEST(DecodeSections, BodyWithoutFinalEndIsMalformedAtItsLastByte) {
  const Bytes bytes = cat({header(),
                           {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                           {0x03, 0x02, 0x01, 0x00},
                           {0x0A, 0x05, 0x01, 0x03, 0x00, 0x41, 0x00}});
  EXPECT_TRUE(failsWith(bytes, Kind::Malformed, "END opcode expected"));
  const auto error = errorOf(bytes);
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(bytes.size() - 1));
  EXPECT_EQ(error->function(), std::optional<std::uint32_t>(0));
}

TEST(DecodeSections, CustomSectionsAnywhereAndTheNameSection) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunction(0, {kEnd});
  b.addFunction(0, {kEnd});
  const Bytes nameSection = cat({{0x00},
                                 uleb(4),
                                 name("mod"), // module name
                                 {0x01},
                                 uleb(9),
                                 vec({cat({{0x00}, name("f0")}), cat({{0x01}, name("f1")})})});
  b.customs.emplace_back("name", nameSection);
  // A custom section before the type section is allowed too.
  const Bytes meta = section(0, cat({name("meta"), {1, 2, 3}}));
  const Bytes built = b.build();
  const Bytes bytes = cat({header(), meta, Bytes(built.begin() + 8, built.end())});

  const Module m = decodeAndValidate(bytes);
  ASSERT_EQ(m.customSections.size(), 2u);
  EXPECT_EQ(m.customSections[0].name, "meta");
  EXPECT_EQ(m.customSections[0].offset, 15u); // 8 header + id + size + 5 name bytes
  EXPECT_EQ(m.customSections[0].size, 3u);
  EXPECT_EQ(bytes[m.customSections[0].offset], 1);
  EXPECT_EQ(m.customSections[1].name, "name");
  EXPECT_EQ(m.customSections[1].size, nameSection.size());
  EXPECT_EQ(m.moduleName, std::optional<std::string>("mod"));
  ASSERT_EQ(m.functionNames.size(), 2u);
  EXPECT_EQ(m.functionNames.at(1), "f1");
}

TEST(DecodeSections, MalformedNameSectionIsIgnored) {
  ModuleBuilder b;
  // Subsection 1 claims 9 bytes but its vector is truncated.
  b.customs.emplace_back("name", cat({{0x00}, uleb(4), name("mod"), {0x01, 0x09, 0x02, 0x00}}));
  const Module m = decodeAndValidate(b.build());
  EXPECT_FALSE(m.moduleName) << "a partially read name section must not be used";
  EXPECT_TRUE(m.functionNames.empty());
  ASSERT_EQ(m.customSections.size(), 1u);

  ModuleBuilder outOfOrder;
  outOfOrder.customs.emplace_back("name",
                                  cat({{0x01}, uleb(1), {0x00}, {0x00}, uleb(4), name("mod")}));
  EXPECT_FALSE(decodeAndValidate(outOfOrder.build()).moduleName);
}

TEST(DecodeSections, SectionOrderSizesAndIds) {
  const Bytes type = section(1, {0x00});
  const Bytes code = section(10, {0x00});
  const Bytes dataCount = section(12, {0x00});
  EXPECT_TRUE(failsWith(cat({header(), type, type}), Kind::Malformed,
                        "unexpected content after last section"));
  EXPECT_TRUE(failsWith(cat({header(), code, dataCount}), Kind::Malformed,
                        "unexpected content after last section"));
  EXPECT_NO_THROW(decodeAndValidate(cat({header(), dataCount, code})));
  const Bytes badId = cat({header(), {0x0D, 0x00}});
  EXPECT_TRUE(failsWith(badId, Kind::Malformed, "malformed section id"));
  EXPECT_EQ(errorOf(badId)->offset(), std::optional<std::size_t>(8));
  EXPECT_TRUE(
      failsWith(cat({header(), {0x01, 0x05, 0x00}}), Kind::Malformed, "length out of bounds"));
  // One type declared, one more byte in the section than it needs.
  const Bytes mismatch = cat({header(), {0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}});
  EXPECT_TRUE(failsWith(mismatch, Kind::Malformed, "section size mismatch"));
  EXPECT_EQ(errorOf(mismatch)->offset(), std::optional<std::size_t>(14));
}

TEST(DecodeSections, HugeCountsAreRejectedWithoutAllocating) {
  // 2^32-1 types in a 6-byte section: must fail fast, not try to reserve.
  const Bytes bytes = cat({header(), {0x01, 0x06, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x60}});
  EXPECT_TRUE(failsWith(bytes, Kind::Malformed, "length out of bounds"));
  const Bytes locals = cat({header(),
                            {0x01, 0x04, 0x01, 0x60, 0x00, 0x00},
                            {0x03, 0x02, 0x01, 0x00},
                            {0x0A, 0x09, 0x01, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, kI32, kEnd}});
  EXPECT_TRUE(failsWith(locals, Kind::Malformed, "length out of bounds"));
}

TEST(DecodeSections, FunctionAndCodeCountsMustMatch) {
  ModuleBuilder b;
  b.addType({}, {});
  b.addFunction(0, {kEnd});
  b.functions.push_back({0x00}); // a second function without a body
  EXPECT_TRUE(
      failsWith(b.build(), Kind::Malformed, "function and code section have inconsistent lengths"));
  const Bytes codeOnly = cat({header(), section(10, vec({body({kEnd})}))});
  EXPECT_TRUE(
      failsWith(codeOnly, Kind::Malformed, "function and code section have inconsistent lengths"));
}

TEST(DecodeSections, LocalLimits) {
  ModuleBuilder b;
  b.addType({kI32, kI32}, {});
  b.addFunction(0, {kEnd}, cat({{0x01}, uleb(49'998), {kI32}}));
  EXPECT_NO_THROW(decodeAndValidate(b.build())) << "50,000 locals with the parameters";
  b.codes[0] = body({kEnd}, cat({{0x01}, uleb(49'999), {kI32}}));
  EXPECT_TRUE(failsWith(b.build(), Kind::Limit, "too many locals"));
  // Beyond 2^32-1 the encoding itself is malformed.
  b.codes[0] = body({kEnd}, cat({{0x02}, uleb(0xFFFFFFFF), {kI32}, uleb(2), {kI64}}));
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "too many locals"));
}

TEST(DecodeSections, LimitsFlags) {
  auto memoryWithFlags = [](Bytes limits) {
    return cat({header(), section(5, cat({{0x01}, limits}))});
  };
  EXPECT_NO_THROW(decodeAndValidate(memoryWithFlags({0x01, 0x01, 0x02})));
  const auto shared = errorOf(memoryWithFlags({0x03, 0x01, 0x02}));
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->kind(), Kind::Unsupported);
  EXPECT_NE(shared->message().find("threads"), std::string::npos) << shared->message();
  // memory64: bit 2, u64 limits; Wasm 2.0 does not have it.
  const auto memory64 = errorOf(memoryWithFlags({0x04, 0x01}), Features::wasm2());
  ASSERT_TRUE(memory64);
  EXPECT_EQ(memory64->kind(), Kind::Unsupported);
  EXPECT_NE(memory64->message().find("memory64"), std::string::npos) << memory64->message();
  const Module m64 = decodeAndValidate(memoryWithFlags({0x05, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10}));
  ASSERT_EQ(m64.memories.size(), 1u);
  EXPECT_TRUE(m64.memories[0].is64);
  EXPECT_EQ(m64.memories[0].limits.max, std::optional<std::uint64_t>(std::uint64_t{1} << 32));
  EXPECT_TRUE(failsWith(memoryWithFlags({0x04, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}),
                        Kind::Invalid, "memory size must be at most 2^48 pages"));
  const Bytes table64 = cat({header(), section(4, {0x01, kFuncRef, 0x04, 0x03})});
  EXPECT_TRUE(decodeAndValidate(table64).tables.at(0).is64);
  EXPECT_TRUE(failsWith(memoryWithFlags({0x08, 0x01}), Kind::Malformed, "integer too large"));
  EXPECT_TRUE(failsWith(memoryWithFlags({0x81, 0x00, 0x01}), Kind::Malformed,
                        "integer representation too long"));
  const Bytes table = cat({header(), section(4, {0x01, kFuncRef, 0x02, 0x00})});
  EXPECT_TRUE(failsWith(table, Kind::Malformed, "integer too large"));
}

TEST(DecodeSections, MalformedEntries) {
  const Bytes mutability = cat({header(), section(6, {0x01, kI32, 0x02, 0x41, 0x00, kEnd})});
  EXPECT_TRUE(failsWith(mutability, Kind::Malformed, "malformed mutability"));
  EXPECT_EQ(errorOf(mutability)->offset(), std::optional<std::size_t>(12));
  const Bytes badUtf8 =
      cat({header(), section(2, cat({{0x01}, {0x01, 0xFF}, name("x"), {0x02, 0x00, 0x00}}))});
  EXPECT_TRUE(failsWith(badUtf8, Kind::Malformed, "malformed UTF-8 encoding"));
  const Bytes importKind =
      cat({header(), section(2, cat({{0x01}, name("a"), name("b"), {0x04, 0x00}}))});
  EXPECT_TRUE(failsWith(importKind, Kind::Malformed, "malformed import kind"));
  const Bytes exportKind = cat({header(), section(7, cat({{0x01}, name("a"), {0x04, 0x00}}))});
  EXPECT_TRUE(failsWith(exportKind, Kind::Malformed, "malformed export kind"));
  const Bytes valueType = cat({header(), section(1, {0x01, 0x60, 0x01, 0x40, 0x00})});
  EXPECT_TRUE(failsWith(valueType, Kind::Malformed, "malformed value type"));
  const Bytes gcType = cat({header(), section(1, {0x01, 0x5F, 0x01, 0x7F, 0x00})});
  EXPECT_TRUE(failsWith(gcType, Kind::Unsupported, "garbage collection type 'struct'"));
  // Valid Wasm 3.0 value types: unsupported (by feature), not malformed.
  const Bytes typedRef = cat({header(), section(1, {0x01, 0x60, 0x01, 0x63, 0x00, 0x00})});
  EXPECT_TRUE(failsWith(typedRef, Kind::Unsupported, "typed function references value type 0x63"));
  EXPECT_EQ(errorOf(typedRef)->offset(), std::optional<std::size_t>(13));
  const Bytes anyRef = cat({header(), section(1, {0x01, 0x60, 0x00, 0x01, 0x6E})});
  EXPECT_TRUE(failsWith(anyRef, Kind::Unsupported, "garbage collection value type 0x6e"));
  const Bytes exnRef = cat({header(), section(1, {0x01, 0x60, 0x01, 0x69, 0x00})});
  EXPECT_TRUE(failsWith(exnRef, Kind::Unsupported, "exception handling value type 0x69"));
  const Bytes v128 = cat({header(), section(1, {0x01, 0x60, 0x01, 0x7B, 0x00})});
  EXPECT_FALSE(errorOf(v128)) << "v128 is a value type of Wasm 2.0";
}

TEST(DecodeSections, ConstantExpressionShapes) {
  auto global = [](Bytes init) {
    return cat({header(), section(6, cat({{0x01, kI32, 0x00}, init}))});
  };
  EXPECT_TRUE(
      failsWith(global({0x41, 0x00, 0x01, kEnd}), Kind::Invalid, "constant expression required"));
  EXPECT_TRUE(failsWith(global({0x20, 0x00, kEnd}), Kind::Invalid, "constant expression required"));
  // i32.add: an extended constant expression (3.0), not one of Wasm 2.0.
  EXPECT_TRUE(failsWith(global({0x41, 0x00, 0x41, 0x01, 0x6A, kEnd}), Kind::Invalid,
                        "constant expression required", frontend::Features::wasm2()));
  EXPECT_FALSE(errorOf(global({0x41, 0x00, 0x41, 0x01, 0x6A, kEnd})));
  EXPECT_TRUE(failsWith(global({0x41, 0x00, 0x6A, kEnd}), Kind::Invalid, "type mismatch"));
  EXPECT_TRUE(failsWith(global({0x41, 0x00, 0x42, 0x01, 0x6A, kEnd}), Kind::Invalid,
                        "type mismatch: i32.add needs two i32 operands"));
  EXPECT_TRUE(failsWith(global({0x42, 0x00, 0x42, 0x01, 0x7C, kEnd}), Kind::Invalid,
                        "type mismatch")); // an i64 sum for an i32 global
  EXPECT_TRUE(failsWith(global({0x41, 0x00, 0x41, 0x01, 0x6B, 0x41, 0x02, kEnd}), Kind::Invalid,
                        "type mismatch: a constant expression must produce exactly one value"));
  EXPECT_TRUE(failsWith(global({0x41, 0x00, 0x41, 0x01, 0x6D, kEnd}), Kind::Invalid,
                        "constant expression required")); // i32.div_s is not one
  EXPECT_TRUE(failsWith(global({kEnd}), Kind::Invalid, "type mismatch"));
  EXPECT_TRUE(failsWith(global({0x41, 0x00, 0x41, 0x00, kEnd}), Kind::Invalid, "type mismatch"));
  EXPECT_TRUE(failsWith(global({0x42, 0x00, kEnd}), Kind::Invalid, "type mismatch"));
  // Missing `end`: the expression runs into the end of the section.
  EXPECT_TRUE(failsWith(global({0x41, 0x00}), Kind::Malformed, "unexpected end"));
  EXPECT_TRUE(failsWith(global({0xF3, 0x00, kEnd}), Kind::Malformed, "illegal opcode"));
  // A block inside is read through its own `end`, so the section still lines up.
  EXPECT_TRUE(failsWith(global({0x02, 0x40, kEnd, 0x41, 0x00, kEnd}), Kind::Invalid,
                        "constant expression required"));
  const auto error = errorOf(global({0x41, 0x00, 0x01, kEnd}));
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(15)) << "points at the nop";
  EXPECT_FALSE(error->function());
}

TEST(DecodeSections, MalformedOutranksAnEarlierInvalidConstantExpression) {
  // The global is invalid (nop), a later section is malformed: the spec
  // decodes everything before validating, so the module is malformed.
  const Bytes later = cat({header(), section(6, {0x01, kI32, 0x00, 0x01, kEnd}), {0x0D, 0x00}});
  EXPECT_TRUE(failsWith(later, Kind::Malformed, "malformed section id"));
  ModuleBuilder b;
  b.addType({}, {});
  b.globals.push_back({kI32, 0x00, 0x01, kEnd});
  b.addFunction(0, {0xFF, kEnd}); // illegal opcode in code
  EXPECT_TRUE(failsWith(b.build(), Kind::Malformed, "illegal opcode"));
}

TEST(DecodeSections, ValueTypesCompareWhole) {
  // Typed references carry their type index: same code, other index, other type.
  EXPECT_NE(ValType::typedReference(1, true), ValType::typedReference(2, true));
  EXPECT_NE(ValType::typedReference(1, true), ValType::typedReference(1, false));
  EXPECT_EQ(ValType::typedReference(1, true), ValType::typedReference(1, true));
  EXPECT_EQ(ValType::typedReference(1, true), ValType::RefNull);
  EXPECT_EQ(ValType::typedReference(1, true).typeIndex(), 1u);
  EXPECT_EQ(ValType(ValType::I32).typeIndex(), ValType::kNoTypeIndex);
  EXPECT_TRUE(isReference(ValType::typedReference(1, false)));
  EXPECT_FALSE(isReference(ValType::V128));
}

TEST(DecodeSections, TypeNames) {
  EXPECT_EQ(toString(ValType::I32), "i32");
  EXPECT_EQ(toString(ValType::F64), "f64");
  EXPECT_EQ(toString(ValType::ExternRef), "externref");
  EXPECT_EQ(toString(ValType::typedReference(3, /*nullable=*/true)), "(ref null 3)");
  EXPECT_EQ(toString(ValType::typedReference(0, /*nullable=*/false)), "(ref 0)");
  EXPECT_EQ(toString(FuncType{{ValType::I32, ValType::I64}, {ValType::F32}}),
            "(i32, i64) -> (f32)");
  EXPECT_EQ(toString(FuncType{}), "() -> ()");
  EXPECT_STREQ(toString(ExternKind::Memory), "memory");
  EXPECT_STREQ(toString(ExternKind::Func), "func");
}

} // namespace
} // namespace waot::test
