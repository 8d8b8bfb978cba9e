// ByteReader: LEB128 limits, fixed-width reads and names; and LEB128 rules
// as seen through whole modules.
#include "decode_test_builder.hpp"

#include "waot/frontend/byte_reader.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace waot::test {
namespace {

using frontend::ByteReader;
using Kind = CompileError::Kind;

// The reader only views `bytes`, which must outlive it.
ByteReader readerOver(const Bytes &bytes) { return ByteReader(bytes, 0, bytes.size()); }

// The error a read throws, with its kind, message and offset checked by callers.
template <typename Read> CompileError errorReading(const Bytes &bytes, Read read) {
  ByteReader r = readerOver(bytes);
  try {
    read(r);
  } catch (const CompileError &e) {
    return e;
  }
  ADD_FAILURE() << "read succeeded";
  return CompileError(Kind::Artifact, "no error");
}

TEST(DecodeLeb128, UnsignedValuesAndNonMinimalEncodings) {
  struct Case {
    Bytes bytes;
    std::uint32_t value;
  };
  const Case cases[] = {
      {{0x00}, 0},
      {{0x7F}, 127},
      {{0x80, 0x01}, 128},
      {{0xE5, 0x8E, 0x26}, 624485},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFFu},
      {{0x80, 0x80, 0x80, 0x80, 0x00}, 0}, // padded zero: allowed, 5 bytes
      {{0x81, 0x80, 0x00}, 1},
  };
  for (const Case &c : cases) {
    ByteReader r = readerOver(c.bytes);
    EXPECT_EQ(r.u32(), c.value);
    EXPECT_TRUE(r.atEnd()) << "reader must consume the whole encoding";
  }
}

TEST(DecodeLeb128, UnsignedTooLongIsMalformedAtItsStart) {
  const Bytes bytes = {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  ByteReader r = readerOver(bytes);
  EXPECT_EQ(r.u8(), 0);
  try {
    r.u32();
    FAIL() << "6-byte u32 accepted";
  } catch (const CompileError &e) {
    EXPECT_EQ(e.kind(), Kind::Malformed);
    EXPECT_EQ(e.message().rfind("integer representation too long", 0), 0u) << e.message();
    EXPECT_EQ(e.offset(), std::optional<std::size_t>(1));
  }
}

TEST(DecodeLeb128, UnsignedUnusedBitsMustBeZero) {
  const CompileError e =
      errorReading({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, [](ByteReader &r) { r.u32(); });
  EXPECT_EQ(e.kind(), Kind::Malformed);
  EXPECT_EQ(e.message().rfind("integer too large", 0), 0u) << e.message();
  EXPECT_EQ(e.offset(), std::optional<std::size_t>(0));
  // 64 bits: the 10th byte may only carry bit 63.
  const Bytes max = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  ByteReader ok = readerOver(max);
  EXPECT_EQ(ok.u64(), std::numeric_limits<std::uint64_t>::max());
  const CompileError big = errorReading(
      {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, [](ByteReader &r) { r.u64(); });
  EXPECT_EQ(big.message().rfind("integer too large", 0), 0u) << big.message();
}

TEST(DecodeLeb128, TruncatedIsUnexpectedEnd) {
  const CompileError e = errorReading({0x80, 0x80}, [](ByteReader &r) { r.u32(); });
  EXPECT_EQ(e.kind(), Kind::Malformed);
  EXPECT_EQ(e.message().rfind("unexpected end", 0), 0u) << e.message();
}

TEST(DecodeLeb128, SignedValues) {
  struct Case {
    Bytes bytes;
    std::int32_t value;
  };
  const Case cases[] = {
      {{0x00}, 0},
      {{0x7F}, -1},
      {{0x3F}, 63},
      {{0x40}, -64},
      {{0xBF, 0x7F}, -65},
      {{0xC0, 0x00}, 64},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x07}, std::numeric_limits<std::int32_t>::max()},
      {{0x80, 0x80, 0x80, 0x80, 0x78}, std::numeric_limits<std::int32_t>::min()},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1}, // padded -1
  };
  for (const Case &c : cases) {
    ByteReader r = readerOver(c.bytes);
    EXPECT_EQ(r.s32(), c.value);
    EXPECT_TRUE(r.atEnd());
  }
  const Bytes min = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
  ByteReader min64 = readerOver(min);
  EXPECT_EQ(min64.s64(), std::numeric_limits<std::int64_t>::min());
  const Bytes max = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  ByteReader max64 = readerOver(max);
  EXPECT_EQ(max64.s64(), std::numeric_limits<std::int64_t>::max());
}

TEST(DecodeLeb128, SignedUnusedBitsMustCopyTheSignBit) {
  // Positive (sign bit 3 clear) with a high bit set; negative with a high bit clear.
  for (const Bytes &bytes :
       {Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, Bytes{0x80, 0x80, 0x80, 0x80, 0x0F},
        Bytes{0x80, 0x80, 0x80, 0x80, 0x70}}) {
    const CompileError e = errorReading(bytes, [](ByteReader &r) { r.s32(); });
    EXPECT_EQ(e.kind(), Kind::Malformed);
    EXPECT_EQ(e.message().rfind("integer too large", 0), 0u) << e.message();
  }
  const CompileError e64 = errorReading(
      {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, [](ByteReader &r) { r.s64(); });
  EXPECT_EQ(e64.message().rfind("integer too large", 0), 0u) << e64.message();
  const CompileError tooLong =
      errorReading({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, [](ByteReader &r) { r.s32(); });
  EXPECT_EQ(tooLong.message().rfind("integer representation too long", 0), 0u) << tooLong.message();
}

TEST(DecodeLeb128, FixedWidthAndNames) {
  const Bytes bytes = {0x00, 0x00, 0x80, 0x3F, 0x02, 'h', 'i'};
  ByteReader r = readerOver(bytes);
  EXPECT_EQ(r.fixed32(), 0x3F800000u); // 1.0f, little endian
  EXPECT_EQ(r.name(), "hi");
  EXPECT_TRUE(r.atEnd());

  // Overlong, surrogate, beyond U+10FFFF, truncated sequence.
  for (const Bytes &bad : {Bytes{0x02, 0xC0, 0x80}, Bytes{0x03, 0xED, 0xA0, 0x80},
                           Bytes{0x04, 0xF4, 0x90, 0x80, 0x80}, Bytes{0x02, 0xE2, 0x82}}) {
    const CompileError e = errorReading(bad, [](ByteReader &reader) { reader.name(); });
    EXPECT_EQ(e.kind(), Kind::Malformed);
    EXPECT_EQ(e.message(), "malformed UTF-8 encoding");
  }
  const Bytes euroBytes = {0x03, 0xE2, 0x82, 0xAC};
  ByteReader euro = readerOver(euroBytes);
  EXPECT_EQ(euro.name(), "\xE2\x82\xAC");
}

TEST(DecodeLeb128, PaddedCountsInsideAModuleAreAccepted) {
  // Type section whose count and sizes use non-minimal LEB128.
  const Bytes module = cat(
      {header(), {0x01, 0x87, 0x80, 0x80, 0x80, 0x00, 0x81, 0x80, 0x00, 0x60, 0x00, 0x80, 0x00}});
  const frontend::Module m = frontend::decodeAndValidate(module);
  ASSERT_EQ(m.types.size(), 1u);
  EXPECT_TRUE(m.types[0].params.empty());
  EXPECT_TRUE(m.types[0].results.empty());
}

TEST(DecodeLeb128, OverlongSectionSizeInsideAModuleIsMalformed) {
  const Bytes module = cat({header(), {0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}});
  EXPECT_TRUE(failsWith(module, Kind::Malformed, "integer representation too long"));
  const auto error = errorOf(module);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(9));
}

} // namespace
} // namespace waot::test
