// Modules: exact bytes of small modules, every abbreviation against its
// expanded form, identifier resolution, and error messages with positions.
#include "waot/frontend/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using waot::text::TextError;
using waot::text::watToBinary;
using Bytes = std::vector<std::uint8_t>;

namespace {

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

Bytes withHeader(Bytes sections) {
  Bytes b = kHeader;
  b.insert(b.end(), sections.begin(), sections.end());
  return b;
}

// The bytes of the code section's first body, after its locals.
Bytes firstBody(const Bytes &m) {
  for (std::size_t i = 8; i < m.size();) {
    std::uint8_t id = m[i];
    std::size_t size = m[i + 1]; // small test modules: one-byte sizes
    if (id == 10) {
      std::size_t p = i + 2 + 1; // count
      std::size_t bodySize = m[p++];
      std::size_t end = p + bodySize;
      std::size_t groups = m[p++];
      p += 2 * groups;
      return Bytes(m.begin() + static_cast<long>(p), m.begin() + static_cast<long>(end));
    }
    i += 2 + size;
  }
  return {};
}

TextError textError(std::string_view src) {
  try {
    watToBinary(src);
  } catch (const TextError &e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << src;
  return TextError(0, 0, "");
}

} // namespace

TEST(TextModule, EmptyModuleForms) {
  EXPECT_EQ(watToBinary("(module)"), kHeader);
  EXPECT_EQ(watToBinary("(module $name)"), kHeader);
  EXPECT_EQ(watToBinary(""), kHeader); // a module may be just its fields
  EXPECT_EQ(watToBinary("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")"), kHeader);
  EXPECT_EQ(watToBinary("(module quote \"(func)\")"), watToBinary("(module (func))"));
}

TEST(TextModule, ExactBytesOfASmallModule) {
  Bytes expected = withHeader({
      0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,                   // type (i32) -> i32
      0x03, 0x02, 0x01, 0x00,                                           // func 0: type 0
      0x07, 0x07, 0x01, 0x03, 'i',  'n',  'c',  0x00, 0x00,             // export "inc"
      0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6A, 0x0B, // code
  });
  EXPECT_EQ(watToBinary(R"((module
    (func $inc (export "inc") (param $x i32) (result i32)
      (i32.add (local.get $x) (i32.const 1)))))"),
            expected);
}

TEST(TextModule, FoldedAndFlatInstructionsAreTheSame) {
  EXPECT_EQ(watToBinary("(func (result i32) (i32.sub (i32.const 5) (i32.mul (i32.const 2) "
                        "(i32.const 3))))"),
            watToBinary("(func (result i32) i32.const 5 i32.const 2 i32.const 3 i32.mul i32.sub)"));
  EXPECT_EQ(watToBinary("(func (param i32) (result i32) (if (result i32) (local.get 0) "
                        "(then (i32.const 1)) (else (i32.const 2))))"),
            watToBinary("(func (param i32) (result i32) local.get 0 if (result i32) i32.const 1 "
                        "else i32.const 2 end)"));
  EXPECT_EQ(watToBinary("(func (block $b (loop $l (br_if $l (i32.const 0)) (br $b))))"),
            watToBinary("(func block $b loop $l i32.const 0 br_if $l br $b end $l end $b)"));
}

TEST(TextModule, LabelsByNameAndDepth) {
  Bytes named = firstBody(watToBinary(
      "(func block $outer block $inner br $outer br $inner br_table $inner $outer 0 end end)"));
  Bytes expected = {0x02, 0x40, 0x02, 0x40, 0x0C, 0x01, 0x0C, 0x00,
                    0x0E, 0x02, 0x00, 0x01, 0x00, 0x0B, 0x0B, 0x0B};
  EXPECT_EQ(named, expected);
  // An inner label shadows an outer one of the same name.
  EXPECT_EQ(firstBody(watToBinary("(func block $l block $l br $l end end)")),
            (Bytes{0x02, 0x40, 0x02, 0x40, 0x0C, 0x00, 0x0B, 0x0B, 0x0B}));
}

TEST(TextModule, InlineExportAndImportAbbreviations) {
  EXPECT_EQ(watToBinary("(func $f (export \"a\") (export \"b\"))"),
            watToBinary("(func $f) (export \"a\" (func $f)) (export \"b\" (func $f))"));
  EXPECT_EQ(watToBinary("(func $f (import \"m\" \"f\") (param i32))"),
            watToBinary("(import \"m\" \"f\" (func $f (param i32)))"));
  EXPECT_EQ(watToBinary("(global $g (export \"g\") (import \"m\" \"g\") (mut i32))"),
            watToBinary("(import \"m\" \"g\" (global $g (mut i32))) (export \"g\" (global $g))"));
  EXPECT_EQ(watToBinary("(memory (import \"m\" \"mem\") 1 2)"),
            watToBinary("(import \"m\" \"mem\" (memory 1 2))"));
  EXPECT_EQ(watToBinary("(table (export \"t\") (import \"m\" \"t\") 1 funcref)"),
            watToBinary("(import \"m\" \"t\" (table 1 funcref)) (export \"t\" (table 0))"));
}

TEST(TextModule, InlineElemAndDataAbbreviations) {
  EXPECT_EQ(watToBinary("(func $f) (func $g) (table $t funcref (elem $f $g $f))"),
            watToBinary("(func $f) (func $g) (table $t 3 3 funcref) "
                        "(elem (table $t) (offset (i32.const 0)) func $f $g $f)"));
  EXPECT_EQ(watToBinary("(table externref (elem (ref.null extern)))"),
            watToBinary("(table 1 1 externref) (elem (table 0) (offset i32.const 0) externref "
                        "(item ref.null extern))"));
  EXPECT_EQ(watToBinary("(memory $m (data \"ab\" \"c\"))"),
            watToBinary("(memory $m 1 1) (data (memory $m) (offset (i32.const 0)) \"abc\")"));
  std::string big(65537, 'x');
  Bytes mem = watToBinary("(memory (data \"" + big + "\"))");
  EXPECT_EQ(Bytes(mem.begin() + 8, mem.begin() + 13), (Bytes{0x05, 0x04, 0x01, 0x01, 0x02}));
}

TEST(TextModule, ElemSegmentForms) {
  // Offset and item abbreviations.
  EXPECT_EQ(
      watToBinary("(table 1 funcref) (func $f) (elem (i32.const 0) $f)"),
      watToBinary("(table 1 funcref) (func $f) (elem (table 0) (offset i32.const 0) func $f)"));
  EXPECT_EQ(watToBinary("(func $f) (elem funcref (ref.func $f) (ref.null func))"),
            watToBinary("(func $f) (elem funcref (item ref.func $f) (item (ref.null func)))"));
  // Passive and declarative segments of function indices: flags 1 and 3.
  Bytes passive = watToBinary("(func $f) (elem func $f)");
  Bytes declarative = watToBinary("(func $f) (elem declare func $f)");
  auto elemSection = [](const Bytes &m) {
    for (std::size_t i = 8; i < m.size(); i += 2 + m[i + 1])
      if (m[i] == 9)
        return Bytes(m.begin() + static_cast<long>(i),
                     m.begin() + static_cast<long>(i + 2 + m[i + 1]));
    return Bytes{};
  };
  EXPECT_EQ(elemSection(passive), (Bytes{0x09, 0x05, 0x01, 0x01, 0x00, 0x01, 0x00}));
  EXPECT_EQ(elemSection(declarative), (Bytes{0x09, 0x05, 0x01, 0x03, 0x00, 0x01, 0x00}));
  // Expressions that are not all `ref.func`: flag 5 with the reference type.
  EXPECT_EQ(elemSection(watToBinary("(elem funcref (ref.null func))")),
            (Bytes{0x09, 0x07, 0x01, 0x05, 0x70, 0x01, 0xD0, 0x70, 0x0B}));
  // A nonzero table index: flag 2 (indices) with the elemkind byte.
  EXPECT_EQ(elemSection(watToBinary("(table 1 funcref) (table $u 1 funcref) (func $f) "
                                    "(elem (table $u) (i32.const 0) func $f)")),
            (Bytes{0x09, 0x09, 0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00}));
}

TEST(TextModule, DataSegmentForms) {
  Bytes m = watToBinary("(memory 1) (data \"a\") (data (i32.const 8) \"b\")");
  Bytes tail(m.end() - 12, m.end());
  EXPECT_EQ(tail, (Bytes{0x0B, 0x0A, 0x02, 0x01, 0x01, 'a', 0x00, 0x41, 0x08, 0x0B, 0x01, 'b'}));
  EXPECT_EQ(watToBinary("(memory 1) (data (offset (i32.const 8)) \"b\")"),
            watToBinary("(memory 1) (data (memory 0) (i32.const 8) \"b\")"));
}

TEST(TextModule, ImplicitTypesFollowExplicitOnesInOrder) {
  // Explicit types keep their indices even when defined after a use; the
  // implicit ones are appended in order of appearance, reusing matches.
  Bytes m = watToBinary("(func (param i64)) (func (param i32)) (type $t (func (param i32))) "
                        "(func (param i64))");
  Bytes expected = withHeader({0x01, 0x09, 0x02, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x01, 0x7E, 0x00,
                               0x03, 0x04, 0x03, 0x01, 0x00, 0x01});
  EXPECT_EQ(Bytes(m.begin(), m.begin() + static_cast<long>(expected.size())), expected);
  // A type use with both an index and a matching inline signature.
  EXPECT_EQ(watToBinary("(type $t (func (param i32))) (func (type $t) (param $x i32) local.get $x "
                        "drop)"),
            watToBinary("(type $t (func (param i32))) (func (type $t) local.get 0 drop)"));
}

TEST(TextModule, BlockTypes) {
  EXPECT_EQ(firstBody(watToBinary("(func block (result i32) i32.const 1 end drop)")),
            (Bytes{0x02, 0x7F, 0x41, 0x01, 0x0B, 0x1A, 0x0B}));
  // Multi-value block types become (implicit) type indices.
  Bytes m = watToBinary("(func (block (param) (result i32 i32) (i32.const 1) (i32.const 2)) drop "
                        "drop)");
  EXPECT_EQ(firstBody(m), (Bytes{0x02, 0x01, 0x41, 0x01, 0x41, 0x02, 0x0B, 0x1A, 0x1A, 0x0B}));
}

TEST(TextModule, MemArgsLanesAndVectorConstants) {
  EXPECT_EQ(firstBody(watToBinary("(memory 1) (func i32.const 0 i32.load offset=16 align=1 drop "
                                  "i32.const 0 i64.load drop)")),
            (Bytes{0x41, 0x00, 0x28, 0x00, 0x10, 0x1A, 0x41, 0x00, 0x29, 0x03, 0x00, 0x1A, 0x0B}));
  EXPECT_EQ(watToBinary("(func (result v128) v128.const i8x16 1 0 0 0 2 0 0 0 -1 -1 -1 -1 255 255 "
                        "255 255)"),
            watToBinary("(func (result v128) v128.const i32x4 1 2 -1 0xffff_ffff)"));
  EXPECT_EQ(watToBinary("(func (result v128) v128.const f32x4 1.0 -0 nan inf)"),
            watToBinary("(func (result v128) v128.const i32x4 0x3f800000 0x80000000 0x7fc00000 "
                        "0x7f800000)"));
  EXPECT_EQ(watToBinary("(func (result v128) v128.const i16x8 -1 0 0 0 0 0 0 0x8000)"),
            watToBinary("(func (result v128) v128.const i64x2 0xffff 0x8000_0000_0000_0000)"));
  Bytes lane =
      firstBody(watToBinary("(memory 1) (func (param v128) (result v128) i32.const 0 local.get 0 "
                            "v128.load16_lane offset=2 7 i8x16.extract_lane_u 15 i8x16.splat)"));
  EXPECT_EQ(lane, (Bytes{0x41, 0x00, 0x20, 0x00, 0xFD, 0x55, 0x01, 0x02, 0x07, 0xFD, 0x16, 0x0F,
                         0xFD, 0x0F, 0x0B}));
  // Multi-memory: before the lane, a number followed by another number,
  // `offset=` or `align=` is the memory index (alignment bit 6 set).
  const std::string twoMemories = "(memory 1) (memory $m 1) (func (param v128) (result v128) "
                                  "i32.const 0 local.get 0 v128.load16_lane ";
  for (const char *memarg : {"1 2", "1 offset=0 2", "1 align=2 2", "$m offset=0 2"})
    EXPECT_EQ(firstBody(watToBinary(twoMemories + memarg + ")")),
              (Bytes{0x41, 0x00, 0x20, 0x00, 0xFD, 0x55, 0x41, 0x01, 0x00, 0x02, 0x0B}))
        << memarg;
  EXPECT_EQ(firstBody(watToBinary(twoMemories + "1)")),
            (Bytes{0x41, 0x00, 0x20, 0x00, 0xFD, 0x55, 0x01, 0x00, 0x01, 0x0B}));
}

TEST(TextModule, IndexSpacesResolveNamesAndNumbers) {
  std::string src = R"((module
    (type $v (func))
    (import "m" "f" (func $imp))
    (table $t 2 funcref)
    (memory $m 1)
    (global $g (mut i32) (i32.const 0))
    (elem $e func $imp)
    (data $d "x")
    (func $main (local $l i32)
      (call $imp) (call_indirect $t (type $v) (i32.const 0))
      (global.set $g (local.get $l)) (ref.func $imp) (drop)
      (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop $d)
      (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop $e))
    (start $imp)))";
  std::string numeric = R"((module
    (type (func))
    (import "m" "f" (func))
    (table 2 funcref)
    (memory 1)
    (global (mut i32) (i32.const 0))
    (elem func 0)
    (data "x")
    (func (local i32)
      (call 0) (call_indirect 0 (type 0) (i32.const 0))
      (global.set 0 (local.get 0)) (ref.func 0) (drop)
      (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (data.drop 0)
      (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop 0))
    (start 0)))";
  Bytes m = watToBinary(src);
  EXPECT_EQ(m, watToBinary(numeric));
  // memory.init and data.drop need the data count section (id 12) before the code.
  bool dataCount = false;
  for (std::size_t i = 8; i < m.size(); i += 2 + m[i + 1])
    dataCount |= m[i] == 12;
  EXPECT_TRUE(dataCount);
  EXPECT_FALSE(watToBinary("(memory 1) (data \"x\") (func)").size() > 0 &&
               watToBinary("(memory 1) (data \"x\") (func)")[8 + 2 + 4 + 4 + 4 + 4] == 12);
}

TEST(TextModule, LocalsParamsAndQuotedIdentifiers) {
  // Several types in one (local)/(param), runs of equal local types grouped.
  Bytes m = watToBinary("(func (param i32 i64) (param $p f32) (local i32 i32) (local $x i64) "
                        "(local f64) local.get $p local.get $x local.get 5 drop drop drop)");
  EXPECT_EQ(firstBody(m), (Bytes{0x20, 0x02, 0x20, 0x05, 0x20, 0x05, 0x1A, 0x1A, 0x1A, 0x0B}));
  // The locals vector: (2 x i32) (1 x i64) (1 x f64).
  Bytes code(m.end() - 17, m.end() - 10);
  EXPECT_EQ(code, (Bytes{0x03, 0x02, 0x7F, 0x01, 0x7E, 0x01, 0x7C}));
  // `$"name"` and `$name` are the same identifier.
  EXPECT_EQ(watToBinary("(func $\"f\" (call $f)) (export \"e\" (func $\"f\"))"),
            watToBinary("(func $f (call 0)) (export \"e\" (func 0))"));
  EXPECT_EQ(watToBinary("(func $\"a b\") (start $\"a b\")"), watToBinary("(func) (start 0)"));
  // Annotations are ignored wherever they appear.
  EXPECT_EQ(watToBinary("(module (@custom \"x\" (a b)) (func (@name \"f\") nop))"),
            watToBinary("(module (func nop))"));
}

TEST(TextModule, SelectForms) {
  EXPECT_EQ(firstBody(watToBinary("(func (result i32) (select (i32.const 1) (i32.const 2) "
                                  "(i32.const 0)))")),
            (Bytes{0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x0B}));
  EXPECT_EQ(firstBody(watToBinary("(func (result i64) (select (result i64) (i64.const 1) "
                                  "(i64.const 2) (i32.const 0)))")),
            (Bytes{0x42, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1C, 0x01, 0x7E, 0x0B}));
}

TEST(TextModule, ConstantsAreEncodedExactly) {
  EXPECT_EQ(firstBody(watToBinary("(func i32.const 0xffff_ffff i64.const -0x8000_0000_0000_0000 "
                                  "f32.const -0x1p-149 f64.const nan:0x1 unreachable)")),
            (Bytes{0x41, 0x7F, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                   0x80, 0x80, 0x7F, 0x43, 0x01, 0x00, 0x00, 0x80, 0x44, 0x01,
                   0,    0,    0,    0,    0,    0xF0, 0x7F, 0x00, 0x0B}));
}

// ---- errors: LINE:COLUMN: what was expected, what was found ----

TEST(TextModuleErrors, OutOfRangeIntegerHasItsPosition) {
  TextError e = textError("(module\n  (func (drop (i32.const 4294967296))))");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 26u);
  EXPECT_STREQ(e.what(), "2:26: i32 constant out of range: `4294967296`");
  e = textError("(func (drop (i64.const -9223372036854775809)))");
  EXPECT_NE(e.message.find("i64 constant out of range"), std::string::npos) << e.what();
  e = textError("(func (drop (f32.const 1e39)))");
  EXPECT_NE(e.message.find("f32 constant out of range"), std::string::npos) << e.what();
  e = textError("(func (drop (f32.const nan:0x800000)))");
  EXPECT_NE(e.message.find("f32 constant out of range"), std::string::npos) << e.what();
  e = textError("(func (drop (f64.const 0x1.0p_+1)))");
  EXPECT_STREQ(e.what(), "1:24: expected an f64 literal, found number `0x1.0p_+1`");
  e = textError("(func (drop (i32.const 0xff__ff)))");
  EXPECT_STREQ(e.what(), "1:24: expected an i32 literal, found number `0xff__ff`");
}

TEST(TextModuleErrors, WrongTokensSayWhatWasExpected) {
  TextError e = textError("(module (func (result i32) (i32.const)))");
  EXPECT_STREQ(e.what(), "1:38: expected an i32 literal, found `)`");
  e = textError("(module (func (param i33)))");
  EXPECT_EQ(e.column, 22u);
  EXPECT_NE(e.message.find("expected a value type"), std::string::npos) << e.what();
  EXPECT_NE(e.message.find("found keyword `i33`"), std::string::npos) << e.what();
  e = textError("(module (func i32.foo))");
  EXPECT_STREQ(e.what(), "1:15: expected an instruction, found keyword `i32.foo`");
  e = textError("(module (funk))");
  EXPECT_NE(e.message.find("expected a module field"), std::string::npos) << e.what();
  e = textError("(module (func block nop))");
  EXPECT_STREQ(e.what(), "1:24: expected an instruction or `end`, found `)`");
  e = textError("(module (export \"x\" (func)))");
  EXPECT_NE(e.message.find("expected a function index or identifier, found `)`"), std::string::npos)
      << e.what();
  e = textError("(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))");
  EXPECT_NE(e.message.find("power of two"), std::string::npos) << e.what();
  e = textError("(module) (module)");
  EXPECT_NE(e.message.find("expected end of input after the module"), std::string::npos);
}

TEST(TextModuleErrors, UnknownAndDuplicateIdentifiers) {
  TextError e = textError("(module\n (func (call $nope)))");
  EXPECT_STREQ(e.what(), "2:14: unknown function `$nope`");
  e = textError("(func $f) (func $f)");
  EXPECT_STREQ(e.what(), "1:17: duplicate function identifier `$f`");
  e = textError("(func (param $x i32) (local $x i32))");
  EXPECT_NE(e.message.find("duplicate local identifier `$x`"), std::string::npos) << e.what();
  e = textError("(func (local.get $y))");
  EXPECT_STREQ(e.what(), "1:18: unknown local `$y`");
  e = textError("(func (br $out))");
  EXPECT_STREQ(e.what(), "1:11: unknown label `$out`");
  e = textError("(func (global.get $g))");
  EXPECT_NE(e.message.find("unknown global `$g`"), std::string::npos);
  e = textError("(type $t (func)) (type $t (func))");
  EXPECT_NE(e.message.find("duplicate type identifier"), std::string::npos);
  e = textError("(func (table.get $t (i32.const 0)) drop)");
  EXPECT_NE(e.message.find("unknown table `$t`"), std::string::npos);
}

TEST(TextModuleErrors, StructuralRules) {
  TextError e = textError("(func block $a end $b)");
  EXPECT_NE(e.message.find("mismatching label: expected `$a`, found `$b`"), std::string::npos)
      << e.what();
  e = textError("(func) (import \"m\" \"f\" (func))");
  EXPECT_NE(e.message.find("imports must occur before"), std::string::npos) << e.what();
  e = textError("(type (func (param i32))) (func (type 0) (param i64))");
  EXPECT_NE(e.message.find("does not match"), std::string::npos) << e.what();
  e = textError("(func (block (param $x i32) drop))");
  EXPECT_NE(e.message.find("cannot be named"), std::string::npos) << e.what();
  e = textError("(func (drop (i32.const 0) (i32.const 1) i32.add))");
  EXPECT_NE(e.message.find("expected a folded operand"), std::string::npos) << e.what();
  e = textError("(import \"m\" \"\\ff\" (func))");
  EXPECT_NE(e.message.find("UTF-8"), std::string::npos) << e.what();
  e = textError("(func try_table)");
  EXPECT_NE(e.message.find("unsupported instruction `try_table`"), std::string::npos) << e.what();
}

TEST(TextModuleErrors, TypedReferencesAreNamedAsAnUnsupportedFeature) {
  // `(ref ...)` types and table initializers (typed function references) are
  // reported by feature, not as syntax errors.
  for (const char *text : {"(table 1 funcref (ref.null func))",
                           "(func) (table 1 funcref) (elem (i32.const 0) (ref func) (ref.func 0))",
                           "(global (ref null func) (ref.null func))", "(func (param (ref 0)))"}) {
    SCOPED_TRACE(text);
    const TextError e = textError(text);
    EXPECT_NE(e.message.find("feature typed function references"), std::string::npos) << e.what();
  }
}

TEST(TextModuleErrors, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "(func ";
  for (int i = 0; i < 100000; ++i)
    deep += "(block ";
  deep += std::string(100000, ')') + ")";
  TextError e = textError(deep);
  EXPECT_NE(e.message.find("nested too deeply"), std::string::npos) << e.what();
  std::string flat = "(func ";
  for (int i = 0; i < 100000; ++i)
    flat += "block ";
  for (int i = 0; i < 100000; ++i)
    flat += "end ";
  EXPECT_NE(textError(flat + ")").message.find("nested too deeply"), std::string::npos);
  std::string ok = "(func ";
  for (int i = 0; i < 1000; ++i)
    ok += "(block ";
  ok += std::string(1000, ')') + ")";
  EXPECT_NO_THROW(watToBinary(ok));
}
