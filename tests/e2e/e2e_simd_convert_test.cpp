// SIMD extend, narrow, trunc_sat, convert, demote and promote
// (tests/wat/simd_convert.wat, functions exported under their instruction names).
#include "e2e_support.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace waot::test {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr double kInfD = std::numeric_limits<double>::infinity();

template <class T, std::size_t N> V128 v(const std::array<T, N> &lanes) {
  return V128::fromLanes<T>(lanes);
}

class SimdConvert : public AtOptLevel {
protected:
  void SetUp() override {
    instance_ = std::make_unique<Instance>(module("simd_convert"), Imports());
  }
  V128 unary(const std::string &name, V128 operand) const {
    return instance_->exports().function<V128(V128)>(name)(operand);
  }
  V128 binary(const std::string &name, V128 left, V128 right) const {
    return instance_->exports().function<V128(V128, V128)>(name)(left, right);
  }
  std::unique_ptr<Instance> instance_;
};

TEST_P(SimdConvert, Extend) {
  const V128 bytes = V128::fromLanes<std::uint8_t>(
      {0x80, 0x7f, 0xff, 0, 1, 0xfe, 0x40, 0xc0, 0x81, 2, 3, 0xf0, 0x0f, 0x90, 0x55, 0xaa});
  const auto narrow8 = bytes.lanes<std::int8_t>();
  const auto narrow16 = bytes.lanes<std::int16_t>();
  const auto narrow32 = bytes.lanes<std::int32_t>();
  for (bool high : {false, true}) {
    const std::string half = high ? "high" : "low";
    std::array<std::int16_t, 8> s16;
    std::array<std::uint16_t, 8> u16;
    for (std::size_t i = 0; i < 8; ++i) {
      s16[i] = narrow8[i + (high ? 8 : 0)];
      u16[i] = static_cast<std::uint8_t>(narrow8[i + (high ? 8 : 0)]);
    }
    EXPECT_EQ(unary("i16x8.extend_" + half + "_i8x16_s", bytes), v(s16)) << half;
    EXPECT_EQ(unary("i16x8.extend_" + half + "_i8x16_u", bytes), v(u16)) << half;
    std::array<std::int32_t, 4> s32;
    std::array<std::uint32_t, 4> u32;
    for (std::size_t i = 0; i < 4; ++i) {
      s32[i] = narrow16[i + (high ? 4 : 0)];
      u32[i] = static_cast<std::uint16_t>(narrow16[i + (high ? 4 : 0)]);
    }
    EXPECT_EQ(unary("i32x4.extend_" + half + "_i16x8_s", bytes), v(s32)) << half;
    EXPECT_EQ(unary("i32x4.extend_" + half + "_i16x8_u", bytes), v(u32)) << half;
    std::array<std::int64_t, 2> s64;
    std::array<std::uint64_t, 2> u64;
    for (std::size_t i = 0; i < 2; ++i) {
      s64[i] = narrow32[i + (high ? 2 : 0)];
      u64[i] = static_cast<std::uint32_t>(narrow32[i + (high ? 2 : 0)]);
    }
    EXPECT_EQ(unary("i64x2.extend_" + half + "_i32x4_s", bytes), v(s64)) << half;
    EXPECT_EQ(unary("i64x2.extend_" + half + "_i32x4_u", bytes), v(u64)) << half;
  }
}

TEST_P(SimdConvert, NarrowSaturates) {
  const V128 left = v<std::int16_t, 8>({0, 127, 128, -128, -129, 255, 256, -32768});
  const V128 right = v<std::int16_t, 8>({32767, -1, 1, 100, -100, 200, 300, 0});
  EXPECT_EQ(binary("i8x16.narrow_i16x8_s", left, right),
            (v<std::int8_t, 16>(
                {0, 127, 127, -128, -128, 127, 127, -128, 127, -1, 1, 100, -100, 127, 127, 0})));
  EXPECT_EQ(
      binary("i8x16.narrow_i16x8_u", left, right),
      (v<std::uint8_t, 16>({0, 127, 128, 0, 0, 255, 255, 0, 255, 0, 1, 100, 0, 200, 255, 0})));
  const V128 wideLeft = v<std::int32_t, 4>({32767, 32768, -32768, -32769});
  const V128 wideRight =
      v<std::int32_t, 4>({65535, 65536, -1, std::numeric_limits<std::int32_t>::min()});
  EXPECT_EQ(binary("i16x8.narrow_i32x4_s", wideLeft, wideRight),
            (v<std::int16_t, 8>({32767, 32767, -32768, -32768, 32767, 32767, -1, -32768})));
  EXPECT_EQ(binary("i16x8.narrow_i32x4_u", wideLeft, wideRight),
            (v<std::uint16_t, 8>({32767, 32768, 0, 0, 65535, 65535, 0, 0})));
}

TEST_P(SimdConvert, TruncSat) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const V128 specials = v<float, 4>({nan, kInf, -kInf, -0.75f});
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_s", specials),
            (v<std::int32_t, 4>({0, INT32_MAX, INT32_MIN, 0})));
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_u", specials),
            (v<std::uint32_t, 4>({0, UINT32_MAX, 0, 0})));
  const V128 ranges = v<float, 4>({3e9f, -3e9f, 2147483520.0f, -2.5f});
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_s", ranges),
            (v<std::int32_t, 4>({INT32_MAX, INT32_MIN, 2147483520, -2})));
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_u", ranges),
            (v<std::uint32_t, 4>({3000000000u, 0, 2147483520u, 0})));
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_u", v<float, 4>({5e9f, 4294967040.0f, 1.9f, -nan})),
            (v<std::uint32_t, 4>({UINT32_MAX, 4294967040u, 1, 0})));
  const double nanD = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(unary("i32x4.trunc_sat_f64x2_s_zero", v<double, 2>({nanD, -kInfD})),
            (v<std::int32_t, 4>({0, INT32_MIN, 0, 0})));
  EXPECT_EQ(unary("i32x4.trunc_sat_f64x2_s_zero", v<double, 2>({2147483647.9, -2147483648.9})),
            (v<std::int32_t, 4>({INT32_MAX, INT32_MIN, 0, 0})));
  EXPECT_EQ(unary("i32x4.trunc_sat_f64x2_u_zero", v<double, 2>({kInfD, -1.0})),
            (v<std::uint32_t, 4>({UINT32_MAX, 0, 0, 0})));
  EXPECT_EQ(unary("i32x4.trunc_sat_f64x2_u_zero", v<double, 2>({4294967295.5, nanD})),
            (v<std::uint32_t, 4>({UINT32_MAX, 0, 0, 0})));
}

TEST_P(SimdConvert, IntegerToFloat) {
  const V128 ints = v<std::int32_t, 4>({-1, INT32_MIN, 16777217, 0x7fffffff});
  EXPECT_EQ(unary("f32x4.convert_i32x4_s", ints),
            (v<float, 4>({-1.0f, -2147483648.0f, 16777216.0f, 2147483648.0f})));
  EXPECT_EQ(unary("f32x4.convert_i32x4_u", ints),
            (v<float, 4>({4294967296.0f, 2147483648.0f, 16777216.0f, 2147483648.0f})));
  // Round to nearest, ties to even, for the unsigned form too.
  EXPECT_EQ(unary("f32x4.convert_i32x4_u", v<std::uint32_t, 4>({16777219u, 0x80000081u, 0, 1})),
            (v<float, 4>({16777220.0f, 2147483904.0f, 0.0f, 1.0f})));
  EXPECT_EQ(unary("f64x2.convert_low_i32x4_s", ints), (v<double, 2>({-1.0, -2147483648.0})));
  EXPECT_EQ(unary("f64x2.convert_low_i32x4_u", ints), (v<double, 2>({4294967295.0, 2147483648.0})));
}

TEST_P(SimdConvert, DemoteAndPromote) {
  EXPECT_EQ(unary("f32x4.demote_f64x2_zero", v<double, 2>({1e300, -0.1})),
            (v<float, 4>({kInf, -0.1f, 0.0f, 0.0f})));
  const V128 promoted = unary("f64x2.promote_low_f32x4", v<float, 4>({-0.1f, 3.0f, 1.0f, 2.0f}));
  EXPECT_EQ(promoted, (v<double, 2>({static_cast<double>(-0.1f), 3.0})));
  // NaNs come out quiet (wasm: an arithmetic NaN), also through demote(promote(x)).
  const std::uint32_t signalling = 0x7fa00001u;
  float sNaN;
  std::memcpy(&sNaN, &signalling, sizeof sNaN);
  const V128 nans = v<float, 4>({sNaN, 1.0f, sNaN, sNaN});
  const auto promotedNaN = unary("f64x2.promote_low_f32x4", nans).lanes<std::uint64_t>();
  EXPECT_EQ(promotedNaN[0] & 0x7ff8000000000000ull, 0x7ff8000000000000ull);
  const auto roundTrip = unary("promote_demote", nans).lanes<std::uint32_t>();
  EXPECT_EQ(roundTrip[0] & 0x7fc00000u, 0x7fc00000u) << std::hex << roundTrip[0];
  EXPECT_EQ(roundTrip[1], 0x3f800000u);
  EXPECT_EQ(roundTrip[2], 0u);
  EXPECT_EQ(roundTrip[3], 0u);
  const auto demotedNaN =
      unary("f32x4.demote_f64x2_zero", v<double, 2>({std::numeric_limits<double>::quiet_NaN(), 0}))
          .lanes<std::uint32_t>();
  EXPECT_EQ(demotedNaN[0] & 0x7fc00000u, 0x7fc00000u);
}

INSTANTIATE_TEST_SUITE_P(OptLevels, SimdConvert, ::testing::Values(0u, 1u, 2u), optLevelName);

} // namespace
} // namespace waot::test
