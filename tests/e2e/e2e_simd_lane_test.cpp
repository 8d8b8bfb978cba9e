// SIMD shuffle, swizzle, splat, extract_lane and replace_lane
// (tests/wat/simd_lane.wat).
#include "e2e_support.hpp"

#include <waot/codegen/compiler.hpp>

#include <cmath>
#include <cstring>
#include <limits>

namespace waot::test {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes iota(std::uint8_t first) {
  Bytes bytes;
  for (std::size_t i = 0; i < 16; ++i)
    bytes[i] = static_cast<std::uint8_t>(first + i);
  return bytes;
}

class SimdLane : public AtOptLevel {
protected:
  void SetUp() override { instance_ = std::make_unique<Instance>(module("simd_lane"), Imports()); }
  template <class Sig> auto function(const std::string &name) const {
    return instance_->exports().function<Sig>(name);
  }
  std::unique_ptr<Instance> instance_;
};

TEST_P(SimdLane, ShuffleWithConstantMasks) {
  const Bytes left = iota(0x10);
  const Bytes right = iota(0xa0);
  const std::pair<const char *, std::array<int, 16>> shuffles[] = {
      {"shuffle.interleave", {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23}},
      {"shuffle.reverse", {31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16}},
      {"shuffle.mixed", {5, 5, 31, 0, 15, 16, 9, 9, 2, 30, 17, 8, 1, 1, 12, 24}}};
  for (const auto &[name, mask] : shuffles) {
    Bytes expected;
    for (std::size_t i = 0; i < 16; ++i)
      expected[i] = mask[i] < 16 ? left[mask[i]] : right[mask[i] - 16];
    EXPECT_EQ(function<V128(V128, V128)>(name)(V128::fromBytes(left), V128::fromBytes(right)),
              V128::fromBytes(expected))
        << name;
  }
}

TEST_P(SimdLane, SwizzleZeroesLanesWithIndicesFrom16) {
  const Bytes table = iota(0x40);
  const Bytes indices = {0, 15, 16, 17, 0x7f, 0x80, 0xff, 1, 14, 31, 32, 0x70, 0x8f, 3, 3, 9};
  Bytes expected;
  for (std::size_t i = 0; i < 16; ++i)
    expected[i] = indices[i] < 16 ? table[indices[i]] : 0;
  auto swizzle = function<V128(V128, V128)>("i8x16.swizzle");
  EXPECT_EQ(swizzle(V128::fromBytes(table), V128::fromBytes(indices)), V128::fromBytes(expected));
  EXPECT_EQ(swizzle(V128::fromBytes(table), V128::fromBytes(iota(0))), V128::fromBytes(table));
  EXPECT_EQ(swizzle(V128::fromBytes(table), V128::fromBytes(iota(16))), V128{});
}

TEST_P(SimdLane, Splat) {
  EXPECT_EQ(function<V128(std::int32_t)>("i8x16.splat")(0x1ff),
            V128::fromLanes<std::uint8_t>({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(function<V128(std::int32_t)>("i16x8.splat")(0x12348001),
            V128::fromLanes<std::uint16_t>(
                {0x8001, 0x8001, 0x8001, 0x8001, 0x8001, 0x8001, 0x8001, 0x8001}));
  EXPECT_EQ(function<V128(std::int32_t)>("i32x4.splat")(-7),
            V128::fromLanes<std::int32_t>({-7, -7, -7, -7}));
  EXPECT_EQ(function<V128(std::int64_t)>("i64x2.splat")(-0x123456789ll),
            V128::fromLanes<std::int64_t>({-0x123456789ll, -0x123456789ll}));
  EXPECT_EQ(function<V128(float)>("f32x4.splat")(-1.5f),
            V128::fromLanes<float>({-1.5f, -1.5f, -1.5f, -1.5f}));
  EXPECT_EQ(function<V128(double)>("f64x2.splat")(1e300), V128::fromLanes<double>({1e300, 1e300}));
  // NaN bits pass through unchanged.
  const std::uint32_t nanBits = 0x7fa00001u;
  float nan;
  std::memcpy(&nan, &nanBits, sizeof nan);
  const auto lanes = function<V128(float)>("f32x4.splat")(nan).lanes<std::uint32_t>();
  for (std::uint32_t lane : lanes)
    EXPECT_EQ(lane, nanBits);
}

TEST_P(SimdLane, ExtractLane) {
  const V128 value =
      V128::fromLanes<std::uint8_t>({0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0x34, 0xfe});
  EXPECT_EQ(function<std::int32_t(V128)>("i8x16.extract_lane_s.0")(value), -128);
  EXPECT_EQ(function<std::int32_t(V128)>("i8x16.extract_lane_u.0")(value), 0x80);
  EXPECT_EQ(function<std::int32_t(V128)>("i8x16.extract_lane_s.15")(value), -2);
  EXPECT_EQ(function<std::int32_t(V128)>("i8x16.extract_lane_u.15")(value), 0xfe);
  EXPECT_EQ(function<std::int32_t(V128)>("i16x8.extract_lane_s.0")(value), 0x0180);
  EXPECT_EQ(function<std::int32_t(V128)>("i16x8.extract_lane_s.7")(value), -0x1cc);
  EXPECT_EQ(function<std::int32_t(V128)>("i16x8.extract_lane_u.7")(value), 0xfe34);
  EXPECT_EQ(function<std::int32_t(V128)>("i16x8.extract_lane_u.0")(value), 0x0180);
  const auto words = value.lanes<std::int32_t>();
  EXPECT_EQ(function<std::int32_t(V128)>("i32x4.extract_lane.0")(value), words[0]);
  EXPECT_EQ(function<std::int32_t(V128)>("i32x4.extract_lane.3")(value), words[3]);
  EXPECT_EQ(function<std::int64_t(V128)>("i64x2.extract_lane.0")(value),
            value.lanes<std::int64_t>()[0]);
  EXPECT_EQ(function<std::int64_t(V128)>("i64x2.extract_lane.1")(value),
            value.lanes<std::int64_t>()[1]);
  const V128 floats = V128::fromLanes<float>({1.0f, -2.0f, 3.5f, -0.0f});
  EXPECT_EQ(function<float(V128)>("f32x4.extract_lane.0")(floats), 1.0f);
  const float negativeZero = function<float(V128)>("f32x4.extract_lane.3")(floats);
  EXPECT_TRUE(negativeZero == 0.0f && std::signbit(negativeZero));
  const V128 doubles = V128::fromLanes<double>({-1e-300, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(function<double(V128)>("f64x2.extract_lane.0")(doubles), -1e-300);
  EXPECT_EQ(function<double(V128)>("f64x2.extract_lane.1")(doubles),
            std::numeric_limits<double>::infinity());
}

TEST_P(SimdLane, ReplaceLane) {
  const V128 value = V128::fromBytes(iota(0x20));
  const auto replaced = [&](std::size_t at, const void *lane, std::size_t size) {
    Bytes bytes = iota(0x20);
    std::memcpy(bytes.data() + at, lane, size);
    return V128::fromBytes(bytes);
  };
  const std::uint8_t byte = 0xab;
  EXPECT_EQ(function<V128(V128, std::int32_t)>("i8x16.replace_lane.0")(value, 0x7ab),
            replaced(0, &byte, 1));
  EXPECT_EQ(function<V128(V128, std::int32_t)>("i8x16.replace_lane.15")(value, -0x55),
            replaced(15, &byte, 1));
  const std::uint16_t half = 0xcdef;
  EXPECT_EQ(function<V128(V128, std::int32_t)>("i16x8.replace_lane.7")(value, 0x1cdef),
            replaced(14, &half, 2));
  EXPECT_EQ(function<V128(V128, std::int32_t)>("i16x8.replace_lane.0")(value, 0xcdef),
            replaced(0, &half, 2));
  const std::int32_t word = -123456;
  EXPECT_EQ(function<V128(V128, std::int32_t)>("i32x4.replace_lane.3")(value, word),
            replaced(12, &word, 4));
  EXPECT_EQ(function<V128(V128, std::int32_t)>("i32x4.replace_lane.0")(value, word),
            replaced(0, &word, 4));
  const std::int64_t wide = -0x123456789abcll;
  EXPECT_EQ(function<V128(V128, std::int64_t)>("i64x2.replace_lane.1")(value, wide),
            replaced(8, &wide, 8));
  EXPECT_EQ(function<V128(V128, std::int64_t)>("i64x2.replace_lane.0")(value, wide),
            replaced(0, &wide, 8));
  const float single = -3.25f;
  EXPECT_EQ(function<V128(V128, float)>("f32x4.replace_lane.3")(value, single),
            replaced(12, &single, 4));
  EXPECT_EQ(function<V128(V128, float)>("f32x4.replace_lane.0")(value, single),
            replaced(0, &single, 4));
  const double dbl = 6.02e23;
  EXPECT_EQ(function<V128(V128, double)>("f64x2.replace_lane.1")(value, dbl), replaced(8, &dbl, 8));
  EXPECT_EQ(function<V128(V128, double)>("f64x2.replace_lane.0")(value, dbl), replaced(0, &dbl, 8));
}

// The lowering is generic IR; on a CPU without SSSE3 (x86-64 baseline: SSE2)
// the back end must expand swizzle, shuffles, saturating narrows and the
// unsigned conversions without pshufb/packusdw/vcvt*: run them there too.
Module compiledForGenericCpu(const std::string &name) {
  codegen::CompileOptions options;
  options.optLevel = 2;
  options.cpu = "generic";
  return Module::loadFromMemory(codegen::compileToSharedLibrary(wasmBytes(name), options), name);
}

TEST(SimdGenericCpu, LaneAndConvertInstructions) {
  Instance lanes(compiledForGenericCpu("simd_lane"), Imports());
  const Bytes table = iota(0x40);
  const Bytes indices = {0, 15, 16, 17, 0x7f, 0x80, 0xff, 1, 14, 31, 32, 0x70, 0x8f, 3, 3, 9};
  Bytes expected;
  for (std::size_t i = 0; i < 16; ++i)
    expected[i] = indices[i] < 16 ? table[indices[i]] : 0;
  EXPECT_EQ(lanes.exports().function<V128(V128, V128)>("i8x16.swizzle")(V128::fromBytes(table),
                                                                        V128::fromBytes(indices)),
            V128::fromBytes(expected));
  EXPECT_EQ(lanes.exports().function<V128(V128, V128)>("shuffle.mixed")(V128::fromBytes(iota(0)),
                                                                        V128::fromBytes(iota(16))),
            V128::fromLanes<std::uint8_t>({5, 5, 31, 0, 15, 16, 9, 9, 2, 30, 17, 8, 1, 1, 12, 24}));

  Instance convert(compiledForGenericCpu("simd_convert"), Imports());
  const auto binary = [&](const char *name, V128 left, V128 right) {
    return convert.exports().function<V128(V128, V128)>(name)(left, right);
  };
  const auto unary = [&](const char *name, V128 operand) {
    return convert.exports().function<V128(V128)>(name)(operand);
  };
  const V128 wide = V128::fromLanes<std::int32_t>({32767, 32768, -32768, -32769});
  const V128 wider = V128::fromLanes<std::int32_t>({65535, 65536, -1, INT32_MIN});
  EXPECT_EQ(binary("i16x8.narrow_i32x4_u", wide, wider),
            V128::fromLanes<std::uint16_t>({32767, 32768, 0, 0, 65535, 65535, 0, 0}));
  EXPECT_EQ(
      binary("i16x8.narrow_i32x4_s", wide, wider),
      V128::fromLanes<std::int16_t>({32767, 32767, -32768, -32768, 32767, 32767, -1, -32768}));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_u", V128::fromLanes<float>({nan, inf, -inf, 3e9f})),
            V128::fromLanes<std::uint32_t>({0, UINT32_MAX, 0, 3000000000u}));
  EXPECT_EQ(unary("i32x4.trunc_sat_f32x4_s", V128::fromLanes<float>({nan, inf, -inf, -2.5f})),
            V128::fromLanes<std::int32_t>({0, INT32_MAX, INT32_MIN, -2}));
  EXPECT_EQ(unary("f32x4.convert_i32x4_u",
                  V128::fromLanes<std::uint32_t>({16777219u, 0x80000081u, UINT32_MAX, 1})),
            V128::fromLanes<float>({16777220.0f, 2147483904.0f, 4294967296.0f, 1.0f}));
  EXPECT_EQ(
      unary("f64x2.convert_low_i32x4_u", V128::fromLanes<std::uint32_t>({UINT32_MAX, 7, 0, 0})),
      V128::fromLanes<double>({4294967295.0, 7.0}));
  EXPECT_EQ(unary("i32x4.trunc_sat_f64x2_u_zero", V128::fromLanes<double>({4294967295.5, -1.0})),
            V128::fromLanes<std::uint32_t>({UINT32_MAX, 0, 0, 0}));
  EXPECT_EQ(unary("i64x2.extend_high_i32x4_u", V128::fromLanes<std::int32_t>({0, 0, -1, -2})),
            V128::fromLanes<std::uint64_t>({0xffffffffull, 0xfffffffeull}));
}

INSTANTIATE_TEST_SUITE_P(OptLevels, SimdLane, ::testing::Values(0u, 1u, 2u), optLevelName);

} // namespace
} // namespace waot::test
