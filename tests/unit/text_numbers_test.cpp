// Numeric literals: integer forms and ranges, exactly rounded floats.
#include "numbers.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace waot::text::detail;

namespace {
std::optional<std::uint32_t> f32(const char *s) { return parseF32(s); }
std::optional<std::uint64_t> f64(const char *s) { return parseF64(s); }
} // namespace

TEST(TextNumbers, IntegerForms) {
  EXPECT_EQ(parseIntBits("0", 32), 0u);
  EXPECT_EQ(parseIntBits("+42", 32), 42u);
  EXPECT_EQ(parseIntBits("-1", 32), 0xFFFFFFFFu);
  EXPECT_EQ(parseIntBits("0x7fff_FFFF", 32), 0x7FFFFFFFu);
  EXPECT_EQ(parseIntBits("1_000_000", 32), 1000000u);
  EXPECT_EQ(parseIntBits("-0x8000_0000", 32), 0x80000000u);
  EXPECT_FALSE(parseIntBits("1__0", 32));
  EXPECT_FALSE(parseIntBits("_1", 32));
  EXPECT_FALSE(parseIntBits("1_", 32));
  EXPECT_FALSE(parseIntBits("0x", 32));
  EXPECT_FALSE(parseIntBits("0x_1", 32));
  EXPECT_FALSE(parseIntBits("1.0", 32));
  EXPECT_FALSE(parseIntBits("--1", 32));
  EXPECT_FALSE(parseIntBits("0X1", 32)); // only a lower-case `0x`
}

TEST(TextNumbers, IntegerRangesAcceptSignedAndUnsigned) {
  EXPECT_EQ(parseIntBits("4294967295", 32), 0xFFFFFFFFu);
  EXPECT_EQ(parseIntBits("-2147483648", 32), 0x80000000u);
  EXPECT_FALSE(parseIntBits("4294967296", 32));
  EXPECT_FALSE(parseIntBits("-2147483649", 32));
  EXPECT_FALSE(parseIntBits("0x1_0000_0000", 32));
  EXPECT_EQ(parseIntBits("18446744073709551615", 64), ~std::uint64_t{0});
  EXPECT_EQ(parseIntBits("-9223372036854775808", 64), std::uint64_t{1} << 63);
  EXPECT_FALSE(parseIntBits("18446744073709551616", 64));
  EXPECT_FALSE(parseIntBits("-9223372036854775809", 64));
  EXPECT_EQ(parseIntBits("255", 8), 255u);
  EXPECT_EQ(parseIntBits("-128", 8), 0x80u);
  EXPECT_FALSE(parseIntBits("256", 8));
  EXPECT_FALSE(parseIntBits("-129", 8));
  EXPECT_EQ(parseIntBits("-32768", 16), 0x8000u);
  EXPECT_FALSE(parseIntBits("65536", 16));
  EXPECT_EQ(parseUnsigned("0xFFFF_FFFF", 0xFFFFFFFF), 0xFFFFFFFFu);
  EXPECT_FALSE(parseUnsigned("4294967296", 0xFFFFFFFF));
  EXPECT_FALSE(parseUnsigned("+1", 0xFFFFFFFF)); // indices take no sign
  EXPECT_FALSE(parseUnsigned("-0", 0xFFFFFFFF));
}

TEST(TextNumbers, HexFloatsRoundToNearestEven) {
  EXPECT_EQ(f32("0x1p0"), 0x3F800000u);
  EXPECT_EQ(f32("0x1.8p1"), 0x40400000u);
  EXPECT_EQ(f32("-0x1.fffffep127"), 0xFF7FFFFFu);
  EXPECT_EQ(f32("0x1.000001p0"), 0x3F800000u); // exactly half an ulp: to even (down)
  EXPECT_EQ(f32("0x1.000003p0"), 0x3F800002u); // one and a half ulp: to even (up)
  EXPECT_EQ(f32("0x1.0000010000000000000000001p0"), 0x3F800001u); // just above half
  EXPECT_EQ(f32("0x1.00000100000000000000000000000000000000000001p0"), 0x3F800001u);
  EXPECT_EQ(f32("0x1.fffffe7ffp127"), 0x7F7FFFFFu); // below half an ulp: stays finite
  EXPECT_FALSE(f32("0x1.ffffffp127"));              // rounds to 2^128: out of range
  EXPECT_EQ(f32("0x.8p1"), std::nullopt);           // a hex float needs an integer digit
  EXPECT_EQ(f32("0x1_0.8p-4"), 0x3F840000u);
  EXPECT_EQ(f32("0x8000000000000000000000000000p-111"), 0x3F800000u);
  EXPECT_EQ(f32("0x1P+2"), 0x40800000u);
  EXPECT_EQ(f32("0x1p-1000000"), 0u); // far below the smallest subnormal
  EXPECT_FALSE(f32("0x1p1000000"));
}

TEST(TextNumbers, HexFloatSubnormals) {
  EXPECT_EQ(f32("0x1p-149"), 1u);
  EXPECT_EQ(f32("0x1p-150"), 0u);        // half the smallest subnormal: ties to even (0)
  EXPECT_EQ(f32("0x1.000001p-150"), 1u); // just above half
  EXPECT_EQ(f32("0x1.8p-149"), 2u);      // 1.5 ulp: to even (2)
  EXPECT_EQ(f32("0x1.fffffcp-127"), 0x7FFFFFu);
  EXPECT_EQ(f32("0x1.fffffep-127"), 0x800000u); // rounds up into the smallest normal
  EXPECT_EQ(f64("0x1p-1074"), 1u);
  EXPECT_EQ(f64("0x1p-1075"), 0u);
  EXPECT_EQ(f64("0x1.8p-1074"), 2u);
  EXPECT_EQ(f64("-0x0p0"), std::uint64_t{1} << 63);
}

TEST(TextNumbers, DoubleBoundaries) {
  EXPECT_EQ(f64("0x1.fffffffffffffp1023"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_FALSE(f64("0x1.fffffffffffff8p1023")); // half an ulp above the maximum: rounds to inf
  EXPECT_EQ(f64("0x1.fffffffffffff7ffffp1023"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_EQ(f64("0x1.00000000000008p0"), 0x3FF0000000000000u);
  EXPECT_EQ(f64("0x1.00000000000018p0"), 0x3FF0000000000002u);
  EXPECT_EQ(f64("1.7976931348623157e308"), 0x7FEFFFFFFFFFFFFFu);
  EXPECT_FALSE(f64("1.7976931348623159e308"));
  EXPECT_EQ(f64("4.9406564584124654e-324"), 1u);
  EXPECT_EQ(f64("2.4703282292062328e-324"), 1u); // just above half the smallest subnormal
  EXPECT_EQ(f64("2.4703282292062327e-324"), 0u); // just below
}

TEST(TextNumbers, DecimalFloats) {
  EXPECT_EQ(f32("0.1"), 0x3DCCCCCDu);
  EXPECT_EQ(f32("1_000.5"), 0x447A2000u);
  EXPECT_EQ(f32("1e1_0"), 0x501502F9u);
  EXPECT_EQ(f32("3.4028235e38"), 0x7F7FFFFFu);
  EXPECT_FALSE(f32("3.4028236e38")); // rounds to infinity
  EXPECT_FALSE(f32("1e39"));
  EXPECT_EQ(f32("1.e1"), 0x41200000u);
  EXPECT_EQ(f32("-0.0"), 0x80000000u);
  EXPECT_EQ(f32("+1E-2"), 0x3C23D70Au);
  // A double rounding (via double) would give 0x3F800001 here; strtof does not.
  EXPECT_EQ(f32("1.000000059604644775390625000000000000001"), 0x3F800001u);
  EXPECT_EQ(f32("1.000000059604644775390625"), 0x3F800000u); // exact tie: to even
  EXPECT_EQ(f64("0.1"), 0x3FB999999999999Au);
  EXPECT_FALSE(f32(".5"));
  EXPECT_FALSE(f32("1e"));
  EXPECT_FALSE(f32("1._5"));
  EXPECT_FALSE(f32("1.5_"));
  EXPECT_FALSE(f32("0x1pz"));
  EXPECT_FALSE(f32("infinity"));
}

TEST(TextNumbers, InfAndNan) {
  EXPECT_EQ(f32("inf"), 0x7F800000u);
  EXPECT_EQ(f32("-inf"), 0xFF800000u);
  EXPECT_EQ(f32("+inf"), 0x7F800000u);
  EXPECT_EQ(f32("nan"), 0x7FC00000u);
  EXPECT_EQ(f32("-nan"), 0xFFC00000u);
  EXPECT_EQ(f32("nan:0x1"), 0x7F800001u);
  EXPECT_EQ(f32("-nan:0x7f_ffff"), 0xFFFFFFFFu);
  EXPECT_EQ(f32("nan:0x200000"), 0x7FA00000u);
  EXPECT_FALSE(f32("nan:0x800000")); // payload wider than the significand
  EXPECT_FALSE(f32("nan:0x0"));      // that would be infinity
  EXPECT_FALSE(f32("nan:1"));
  EXPECT_EQ(f64("nan"), 0x7FF8000000000000u);
  EXPECT_EQ(f64("nan:0xf_ffff_ffff_ffff"), 0x7FFFFFFFFFFFFFFFu);
  EXPECT_EQ(f64("-nan:0x4"), 0xFFF0000000000004u);
  EXPECT_FALSE(f64("nan:0x10000000000000"));
  EXPECT_EQ(nanPattern("nan:canonical"), NanPattern::Canonical);
  EXPECT_EQ(nanPattern("nan:arithmetic"), NanPattern::Arithmetic);
  EXPECT_EQ(nanPattern("nan"), NanPattern::None);
  EXPECT_FALSE(f32("nan:canonical")); // only a result pattern, not a constant
}

TEST(TextNumbers, SyntaxIsToldFromRange) {
  EXPECT_TRUE(isIntSyntax("-0x1_0000_0000_0000_0000_0000"));
  EXPECT_FALSE(isIntSyntax("0xff__ff"));
  EXPECT_FALSE(isIntSyntax("1.0"));
  EXPECT_TRUE(isFloatSyntax("1e400"));
  EXPECT_TRUE(isFloatSyntax("-0x1p99999"));
  EXPECT_TRUE(isFloatSyntax("nan:0x0"));
  EXPECT_TRUE(isFloatSyntax("+inf"));
  EXPECT_FALSE(isFloatSyntax("0x1.0p_+1"));
  EXPECT_FALSE(isFloatSyntax("0x1._0"));
  EXPECT_FALSE(isFloatSyntax("nan:1"));
  EXPECT_FALSE(isFloatSyntax("1e_1"));
}
