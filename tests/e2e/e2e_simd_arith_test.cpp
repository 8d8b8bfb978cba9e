// The SimdArith and SimdCompare instructions (tests/wat/simd_arith.wat, one
// export per instruction) against lane-wise reference models, over inputs
// that pair every edge value of a lane type with every other one in every
// lane, plus random vectors.
#include "e2e_support.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <type_traits>

namespace waot::test {
namespace {

template <class L> using Lanes = std::array<L, 16 / sizeof(L)>;
template <class L> constexpr std::size_t kLanes = 16 / sizeof(L);

std::string show(const V128 &v) {
  char text[40];
  std::snprintf(text, sizeof text, "%016llx:%016llx", static_cast<unsigned long long>(v.high()),
                static_cast<unsigned long long>(v.low()));
  return text;
}

// The edge values of lane type L: bounds, zeros, ones, NaNs of every kind.
template <class L> std::vector<L> edgeValues() {
  if constexpr (std::is_integral_v<L>) {
    using S = std::make_signed_t<L>;
    using Lim = std::numeric_limits<S>;
    const std::vector<S> pool{0,
                              1,
                              -1,
                              Lim::min(),
                              Lim::max(),
                              static_cast<S>(Lim::min() + 1),
                              static_cast<S>(Lim::max() - 1),
                              2,
                              static_cast<S>(Lim::max() / 2 + 1),
                              static_cast<S>(Lim::max() / 3),
                              -3};
    std::vector<L> values;
    for (S s : pool)
      values.push_back(static_cast<L>(s));
    return values;
  } else if constexpr (std::is_same_v<L, float>) {
    return {0.0f,
            -0.0f,
            1.0f,
            -1.0f,
            0.5f,
            -1.5f,
            2.5f,
            3.7f,
            std::numeric_limits<float>::infinity(),
            -std::numeric_limits<float>::infinity(),
            std::numeric_limits<float>::denorm_min(),
            std::numeric_limits<float>::max(),
            std::bit_cast<float>(0x7fc00000u),  // canonical NaN
            std::bit_cast<float>(0xffc00000u),  // negative canonical NaN
            std::bit_cast<float>(0x7fa00000u),  // signalling NaN
            std::bit_cast<float>(0xffc12345u)}; // quiet NaN with a payload
  } else {
    return {0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            -2.5,
            3.5,
            1e300,
            std::numeric_limits<double>::infinity(),
            -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::denorm_min(),
            std::bit_cast<double>(0x7ff8000000000000ull),
            std::bit_cast<double>(0x7ff4000000000000ull),  // signalling NaN
            std::bit_cast<double>(0xfff8000000012345ull)}; // quiet NaN with a payload
  }
}

// Vector i has edge value (i + lane) in each lane, so every pair of edge
// values meets in every lane position across two inputs; then random vectors.
template <class L> std::vector<V128> inputs() {
  const std::vector<L> pool = edgeValues<L>();
  std::vector<V128> vectors;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    Lanes<L> lanes;
    for (std::size_t j = 0; j < kLanes<L>; ++j)
      lanes[j] = pool[(i + j) % pool.size()];
    vectors.push_back(V128::fromLanes<L>(lanes));
  }
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  const auto next = [&] { return state = state * 6364136223846793005ull + 1442695040888963407ull; };
  for (int k = 0; k < 4; ++k) {
    const std::uint64_t low = next();
    vectors.push_back(V128::fromHalves(low, next()));
  }
  return vectors;
}

template <class L, class R = L, class F> V128 mapLanes(const V128 &a, F f) {
  const Lanes<L> x = a.lanes<L>();
  Lanes<R> r;
  for (std::size_t i = 0; i < kLanes<L>; ++i)
    r[i] = static_cast<R>(f(x[i]));
  return V128::fromLanes<R>(r);
}

template <class L, class R = L, class F> V128 mapLanes(const V128 &a, const V128 &b, F f) {
  const Lanes<L> x = a.lanes<L>(), y = b.lanes<L>();
  Lanes<R> r;
  for (std::size_t i = 0; i < kLanes<L>; ++i)
    r[i] = static_cast<R>(f(x[i], y[i]));
  return V128::fromLanes<R>(r);
}

template <class L> using Sat = std::numeric_limits<L>;
template <class L> L saturate(std::int64_t v) {
  return static_cast<L>(
      std::clamp<std::int64_t>(v, Sat<L>::min(), static_cast<std::int64_t>(Sat<L>::max())));
}

class SimdArith : public AtOptLevel {
protected:
  void SetUp() override { instance_.emplace(module("simd_arith")); }
  const Exports &exports() { return instance_->exports(); }

  // `name`(a, b) == reference(a, b) for every pair of inputs of lane type L.
  template <class L>
  void expectBinary(const std::string &name, std::function<V128(V128, V128)> ref) {
    auto fn = exports().function<V128(V128, V128)>(name);
    for (const V128 &a : inputs<L>())
      for (const V128 &b : inputs<L>())
        ASSERT_EQ(show(fn(a, b)), show(ref(a, b)))
            << name << "(" << show(a) << ", " << show(b) << ")";
  }
  template <class L> void expectUnary(const std::string &name, std::function<V128(V128)> ref) {
    auto fn = exports().function<V128(V128)>(name);
    for (const V128 &a : inputs<L>())
      ASSERT_EQ(show(fn(a)), show(ref(a))) << name << "(" << show(a) << ")";
  }
  template <class L>
  void expectScalar(const std::string &name, std::function<std::int32_t(V128)> ref) {
    auto fn = exports().function<std::int32_t(V128)>(name);
    for (const V128 &a : inputs<L>())
      ASSERT_EQ(fn(a), ref(a)) << name << "(" << show(a) << ")";
  }
  // Lane-wise binary operation on lanes of L.
  template <class L, class F> void expectLanes(const std::string &name, F f) {
    expectBinary<L>(name, [f](V128 a, V128 b) { return mapLanes<L>(a, b, f); });
  }
  template <class L, class F> void expectLanes1(const std::string &name, F f) {
    expectUnary<L>(name, [f](V128 a) { return mapLanes<L>(a, f); });
  }

  std::optional<Instance> instance_;
};

// ---- bitwise and boolean --------------------------------------------------

TEST_P(SimdArith, Bitwise) {
  using U = std::uint64_t;
  expectLanes1<U>("v128.not", [](U a) { return ~a; });
  expectLanes<U>("v128.and", [](U a, U b) { return a & b; });
  expectLanes<U>("v128.andnot", [](U a, U b) { return a & ~b; });
  expectLanes<U>("v128.or", [](U a, U b) { return a | b; });
  expectLanes<U>("v128.xor", [](U a, U b) { return a ^ b; });
  auto bitselect = exports().function<V128(V128, V128, V128)>("v128.bitselect");
  const V128 a = V128::fromHalves(0x0123456789abcdefull, 0xffffffff00000000ull);
  const V128 b = V128::fromHalves(0xfedcba9876543210ull, 0x00000000ffffffffull);
  const V128 c = V128::fromHalves(0xff00ff00f0f0f0f0ull, 0x123456789abcdef0ull);
  EXPECT_EQ(bitselect(a, b, c), V128::fromHalves((a.low() & c.low()) | (b.low() & ~c.low()),
                                                 (a.high() & c.high()) | (b.high() & ~c.high())));
}

TEST_P(SimdArith, AnyAllTrueAndBitmask) {
  expectScalar<std::uint64_t>("v128.any_true", [](V128 a) { return a.low() || a.high(); });
  const auto allTrue = [](auto lanes) {
    return std::all_of(lanes.begin(), lanes.end(), [](auto lane) { return lane != 0; }) ? 1 : 0;
  };
  const auto bitmask = [](auto lanes) {
    std::int32_t mask = 0;
    for (std::size_t i = 0; i < lanes.size(); ++i)
      mask |= (lanes[i] < 0 ? 1 : 0) << i;
    return mask;
  };
  expectScalar<std::int8_t>("i8x16.all_true",
                            [&](V128 a) { return allTrue(a.lanes<std::int8_t>()); });
  expectScalar<std::int16_t>("i16x8.all_true",
                             [&](V128 a) { return allTrue(a.lanes<std::int16_t>()); });
  expectScalar<std::int32_t>("i32x4.all_true",
                             [&](V128 a) { return allTrue(a.lanes<std::int32_t>()); });
  expectScalar<std::int64_t>("i64x2.all_true",
                             [&](V128 a) { return allTrue(a.lanes<std::int64_t>()); });
  expectScalar<std::int8_t>("i8x16.bitmask",
                            [&](V128 a) { return bitmask(a.lanes<std::int8_t>()); });
  expectScalar<std::int16_t>("i16x8.bitmask",
                             [&](V128 a) { return bitmask(a.lanes<std::int16_t>()); });
  expectScalar<std::int32_t>("i32x4.bitmask",
                             [&](V128 a) { return bitmask(a.lanes<std::int32_t>()); });
  expectScalar<std::int64_t>("i64x2.bitmask",
                             [&](V128 a) { return bitmask(a.lanes<std::int64_t>()); });
  auto anyTrue = exports().function<std::int32_t(V128)>("v128.any_true");
  EXPECT_EQ(anyTrue(V128{}), 0);
  EXPECT_EQ(anyTrue(V128::fromHalves(0, 1ull << 63)), 1);
}

// ---- integer lanes --------------------------------------------------------

TEST_P(SimdArith, IntegerArithmetic) {
  using I64 = std::int64_t;
  const auto wrapAll = [this]<class S>(const std::string &p, S) {
    using U = std::make_unsigned_t<S>;
    using U64 = std::uint64_t; // wrapping arithmetic, also for i64 lanes
    expectLanes<U>(p + ".add", [](U64 a, U64 b) { return a + b; });
    expectLanes<U>(p + ".sub", [](U64 a, U64 b) { return a - b; });
    expectLanes1<S>(p + ".neg", [](S a) { return U64{0} - static_cast<U64>(a); });
    // abs of the minimum is the minimum.
    expectLanes1<S>(p + ".abs", [](S a) { return a < 0 ? U64{0} - static_cast<U64>(a) : U64(a); });
    if constexpr (sizeof(S) > 1) {
      expectLanes<U>(p + ".mul", [](U a, U b) { return static_cast<std::uint64_t>(a) * b; });
    }
    if constexpr (sizeof(S) < 8) {
      expectLanes<S>(p + ".min_s", [](S a, S b) { return std::min(a, b); });
      expectLanes<S>(p + ".max_s", [](S a, S b) { return std::max(a, b); });
      expectLanes<U>(p + ".min_u", [](U a, U b) { return std::min(a, b); });
      expectLanes<U>(p + ".max_u", [](U a, U b) { return std::max(a, b); });
    }
    if constexpr (sizeof(S) < 4) {
      expectLanes<S>(p + ".add_sat_s", [](I64 a, I64 b) { return saturate<S>(a + b); });
      expectLanes<S>(p + ".sub_sat_s", [](I64 a, I64 b) { return saturate<S>(a - b); });
      expectLanes<U>(p + ".add_sat_u", [](I64 a, I64 b) { return saturate<U>(a + b); });
      expectLanes<U>(p + ".sub_sat_u", [](I64 a, I64 b) { return saturate<U>(a - b); });
      expectLanes<U>(p + ".avgr_u", [](I64 a, I64 b) { return (a + b + 1) / 2; });
    }
  };
  wrapAll("i8x16", std::int8_t{});
  wrapAll("i16x8", std::int16_t{});
  wrapAll("i32x4", std::int32_t{});
  wrapAll("i64x2", std::int64_t{});
  expectLanes1<std::uint8_t>("i8x16.popcnt", [](std::uint8_t a) { return std::popcount(a); });
}

TEST_P(SimdArith, Shifts) {
  const auto shifts = [this]<class S>(const std::string &p, S) {
    using U = std::make_unsigned_t<S>;
    constexpr std::int32_t bits = 8 * sizeof(S);
    auto shl = exports().function<V128(V128, std::int32_t)>(p + ".shl");
    auto shrS = exports().function<V128(V128, std::int32_t)>(p + ".shr_s");
    auto shrU = exports().function<V128(V128, std::int32_t)>(p + ".shr_u");
    for (std::int32_t count : {0, 1, 3, bits - 1, bits, bits + 1, 2 * bits + 3, 33, 64, 65, -1,
                               std::numeric_limits<std::int32_t>::min()}) {
      const unsigned n = static_cast<unsigned>(count) % bits;
      for (const V128 &a : inputs<S>()) {
        const std::string what = p + " by " + std::to_string(count) + " of " + show(a);
        EXPECT_EQ(show(shl(a, count)), show(mapLanes<U>(a, [n](U x) { return x << n; }))) << what;
        EXPECT_EQ(show(shrS(a, count)), show(mapLanes<S>(a, [n](S x) { return x >> n; }))) << what;
        EXPECT_EQ(show(shrU(a, count)), show(mapLanes<U>(a, [n](U x) { return x >> n; }))) << what;
      }
    }
  };
  shifts("i8x16", std::int8_t{});
  shifts("i16x8", std::int16_t{});
  shifts("i32x4", std::int32_t{});
  shifts("i64x2", std::int64_t{});
  // A constant count is reduced modulo the width too.
  auto shlConst = exports().function<V128(V128)>("i8x16.shl_const");
  EXPECT_EQ(shlConst(V128::fromHalves(0x8101ull, 0)), V128::fromHalves(0x0202ull, 0));
}

TEST_P(SimdArith, Q15mulrSat) {
  expectLanes<std::int16_t>("i16x8.q15mulr_sat_s", [](std::int64_t a, std::int64_t b) {
    return saturate<std::int16_t>((a * b + 0x4000) >> 15);
  });
}

// Widening: each result lane from two lanes of the (narrower) operand(s).
template <class N, class W> V128 pairwise(const V128 &a, const V128 &b, bool dot) {
  const Lanes<N> x = a.lanes<N>(), y = b.lanes<N>();
  Lanes<W> r;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::int64_t lo = dot ? std::int64_t{x[2 * i]} * y[2 * i] : x[2 * i];
    const std::int64_t hi = dot ? std::int64_t{x[2 * i + 1]} * y[2 * i + 1] : x[2 * i + 1];
    r[i] = static_cast<W>(lo + hi);
  }
  return V128::fromLanes<W>(r);
}

template <class N, class W> V128 extmul(const V128 &a, const V128 &b, bool high) {
  const Lanes<N> x = a.lanes<N>(), y = b.lanes<N>();
  Lanes<W> r;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::size_t j = high ? i + r.size() : i;
    r[i] = static_cast<W>(static_cast<W>(x[j]) * static_cast<W>(y[j]));
  }
  return V128::fromLanes<W>(r);
}

TEST_P(SimdArith, Widening) {
  using std::int16_t, std::int32_t, std::int64_t, std::int8_t, std::uint16_t, std::uint32_t,
      std::uint64_t, std::uint8_t;
  expectBinary<int16_t>("i32x4.dot_i16x8_s",
                        [](V128 a, V128 b) { return pairwise<int16_t, int32_t>(a, b, true); });
  expectUnary<int8_t>("i16x8.extadd_pairwise_i8x16_s",
                      [](V128 a) { return pairwise<int8_t, int16_t>(a, a, false); });
  expectUnary<int8_t>("i16x8.extadd_pairwise_i8x16_u",
                      [](V128 a) { return pairwise<uint8_t, uint16_t>(a, a, false); });
  expectUnary<int16_t>("i32x4.extadd_pairwise_i16x8_s",
                       [](V128 a) { return pairwise<int16_t, int32_t>(a, a, false); });
  expectUnary<int16_t>("i32x4.extadd_pairwise_i16x8_u",
                       [](V128 a) { return pairwise<uint16_t, uint32_t>(a, a, false); });
  for (bool high : {false, true}) {
    const std::string half = high ? "high" : "low";
    expectBinary<int8_t>("i16x8.extmul_" + half + "_i8x16_s",
                         [high](V128 a, V128 b) { return extmul<int8_t, int16_t>(a, b, high); });
    expectBinary<int8_t>("i16x8.extmul_" + half + "_i8x16_u",
                         [high](V128 a, V128 b) { return extmul<uint8_t, uint16_t>(a, b, high); });
    expectBinary<int16_t>("i32x4.extmul_" + half + "_i16x8_s",
                          [high](V128 a, V128 b) { return extmul<int16_t, int32_t>(a, b, high); });
    expectBinary<int16_t>("i32x4.extmul_" + half + "_i16x8_u", [high](V128 a, V128 b) {
      return extmul<uint16_t, uint32_t>(a, b, high);
    });
    expectBinary<int32_t>("i64x2.extmul_" + half + "_i32x4_s",
                          [high](V128 a, V128 b) { return extmul<int32_t, int64_t>(a, b, high); });
    expectBinary<int32_t>("i64x2.extmul_" + half + "_i32x4_u", [high](V128 a, V128 b) {
      return extmul<uint32_t, uint64_t>(a, b, high);
    });
  }
}

// ---- comparisons ----------------------------------------------------------

TEST_P(SimdArith, IntegerComparisons) {
  const auto compares = [this]<class S>(const std::string &p, S) {
    using U = std::make_unsigned_t<S>;
    const auto mask = [](bool holds) { return holds ? U(-1) : U(0); };
    expectLanes<S>(p + ".eq", [&](S a, S b) { return mask(a == b); });
    expectLanes<S>(p + ".ne", [&](S a, S b) { return mask(a != b); });
    expectLanes<S>(p + ".lt_s", [&](S a, S b) { return mask(a < b); });
    expectLanes<S>(p + ".gt_s", [&](S a, S b) { return mask(a > b); });
    expectLanes<S>(p + ".le_s", [&](S a, S b) { return mask(a <= b); });
    expectLanes<S>(p + ".ge_s", [&](S a, S b) { return mask(a >= b); });
    if constexpr (sizeof(S) == 8) return; // i64x2 has no unsigned comparisons
    expectLanes<U>(p + ".lt_u", [&](U a, U b) { return mask(a < b); });
    expectLanes<U>(p + ".gt_u", [&](U a, U b) { return mask(a > b); });
    expectLanes<U>(p + ".le_u", [&](U a, U b) { return mask(a <= b); });
    expectLanes<U>(p + ".ge_u", [&](U a, U b) { return mask(a >= b); });
  };
  compares("i8x16", std::int8_t{});
  compares("i16x8", std::int16_t{});
  compares("i32x4", std::int32_t{});
  compares("i64x2", std::int64_t{});
}

TEST_P(SimdArith, FloatComparisons) {
  const auto compares = [this]<class F>(const std::string &p, F) {
    using U = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;
    const auto mask = [](bool holds) { return holds ? U(-1) : U(0); };
    const auto lanes = [&](const std::string &op, auto holds) {
      expectBinary<F>(p + op, [&](V128 a, V128 b) {
        return mapLanes<F, U>(a, b, [&](F x, F y) { return mask(holds(x, y)); });
      });
    };
    // C++ comparisons are IEEE's: false with a NaN, != true with one.
    lanes(".eq", [](F a, F b) { return a == b; });
    lanes(".ne", [](F a, F b) { return a != b; });
    lanes(".lt", [](F a, F b) { return a < b; });
    lanes(".gt", [](F a, F b) { return a > b; });
    lanes(".le", [](F a, F b) { return a <= b; });
    lanes(".ge", [](F a, F b) { return a >= b; });
  };
  compares("f32x4", 0.0f);
  compares("f64x2", 0.0);
}

// ---- float lanes ----------------------------------------------------------

template <class F> using Bits = std::conditional_t<sizeof(F) == 4, std::uint32_t, std::uint64_t>;
template <class F> constexpr Bits<F> kQuiet = Bits<F>(1) << (std::numeric_limits<F>::digits - 2);
template <class F>
constexpr Bits<F> kExponent = sizeof(F) == 4 ? 0x7f800000u : 0x7ff0000000000000ull;

template <class F> bool isCanonicalOrNotNaN(F x) {
  const Bits<F> bits = std::bit_cast<Bits<F>>(x) & ~(Bits<F>(1) << (8 * sizeof(F) - 1));
  return !std::isnan(x) || bits == (kExponent<F> | kQuiet<F>);
}

// A lane of an arithmetic result: bit for bit when not NaN; a NaN must be
// quiet (arithmetic), and canonical unless an operand was a non-canonical NaN.
template <class F>::testing::AssertionResult laneOk(F got, F want, F x, F y) {
  const Bits<F> g = std::bit_cast<Bits<F>>(got), w = std::bit_cast<Bits<F>>(want);
  if (!std::isnan(want)) {
    if (g == w) return ::testing::AssertionSuccess();
  } else if (std::isnan(got) && (g & kQuiet<F>)) {
    if (!isCanonicalOrNotNaN(x) || !isCanonicalOrNotNaN(y) || isCanonicalOrNotNaN(got))
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << std::hex << "got 0x" << g << " want 0x" << w;
}

template <class F, class Op>
void expectFloatLanes(std::function<V128(V128, V128)> fn, const std::string &name, Op op) {
  for (const V128 &a : inputs<F>())
    for (const V128 &b : inputs<F>()) {
      const Lanes<F> x = a.lanes<F>(), y = b.lanes<F>(), r = fn(a, b).template lanes<F>();
      for (std::size_t i = 0; i < kLanes<F>; ++i)
        ASSERT_TRUE(laneOk(r[i], static_cast<F>(op(x[i], y[i])), x[i], y[i]))
            << name << " lane " << i << " of " << show(a) << ", " << show(b);
    }
}

template <class F> F wasmMin(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == 0 && b == 0) return std::signbit(a) ? a : b;
  return std::min(a, b);
}
template <class F> F wasmMax(F a, F b) {
  if (std::isnan(a) || std::isnan(b)) return a + b;
  if (a == 0 && b == 0) return std::signbit(a) ? b : a;
  return std::max(a, b);
}

TEST_P(SimdArith, FloatArithmetic) {
  const auto floats = [this]<class F>(const std::string &p, F) {
    const auto binary = [&](const std::string &op, auto reference) {
      expectFloatLanes<F>(exports().function<V128(V128, V128)>(p + op), p + op, reference);
    };
    const auto unary = [&](const std::string &op, auto reference) {
      auto fn = exports().function<V128(V128)>(p + op);
      expectFloatLanes<F>([fn](V128 a, V128) mutable { return fn(a); }, p + op,
                          [reference](F a, F) { return reference(a); });
    };
    binary(".add", [](F a, F b) { return a + b; });
    binary(".sub", [](F a, F b) { return a - b; });
    binary(".mul", [](F a, F b) { return a * b; });
    binary(".div", [](F a, F b) { return a / b; });
    binary(".min", [](F a, F b) { return wasmMin(a, b); });
    binary(".max", [](F a, F b) { return wasmMax(a, b); });
    unary(".sqrt", [](F a) { return std::sqrt(a); });
    unary(".ceil", [](F a) { return std::ceil(a); });
    unary(".floor", [](F a) { return std::floor(a); });
    unary(".trunc", [](F a) { return std::trunc(a); });
    unary(".nearest", [](F a) { return std::nearbyint(a); }); // ties to even by default
    // abs, neg, pmin and pmax never compute: their results are operand
    // bits (with the sign bit changed), NaN payloads included.
    using U = Bits<F>;
    constexpr U sign = U(1) << (8 * sizeof(F) - 1);
    expectLanes1<U>(p + ".abs", [](U a) { return a & ~sign; });
    expectLanes1<U>(p + ".neg", [](U a) { return a ^ sign; });
    expectBinary<F>(p + ".pmin", [](V128 a, V128 b) {
      return mapLanes<F>(a, b, [](F x, F y) { return y < x ? y : x; });
    });
    expectBinary<F>(p + ".pmax", [](V128 a, V128 b) {
      return mapLanes<F>(a, b, [](F x, F y) { return x < y ? y : x; });
    });
  };
  floats("f32x4", 0.0f);
  floats("f64x2", 0.0);
}

TEST_P(SimdArith, IdentityConstantsQuietSignallingNaNs) {
  const Exports &ex = exports();
  const V128 f32 = V128::fromLanes<std::uint32_t>({0x7fa00000u, 0xffa00001u, 0x3f800000u, 0u});
  const V128 f64 = V128::fromHalves(0x7ff4000000000000ull, 0xfff4000000000001ull);
  for (const char *name :
       {"f32x4.mul_one", "f32x4.div_one", "f32x4.sub_zero", "f32x4.add_neg_zero"}) {
    const auto r = ex.function<V128(V128)>(name)(f32).lanes<std::uint32_t>();
    EXPECT_EQ(r[0] & 0x7fc00000u, 0x7fc00000u) << name;
    EXPECT_EQ(r[1] & 0x7fc00000u, 0x7fc00000u) << name;
    EXPECT_EQ(r[2], 0x3f800000u) << name;
    EXPECT_EQ(r[3] & 0x7fffffffu, 0u) << name;
  }
  for (const char *name : {"f64x2.mul_neg_one", "f64x2.neg_zero_sub"}) {
    const V128 r = ex.function<V128(V128)>(name)(f64);
    EXPECT_EQ(r.low() & 0x7ff8000000000000ull, 0x7ff8000000000000ull) << name << show(r);
    EXPECT_EQ(r.high() & 0x7ff8000000000000ull, 0x7ff8000000000000ull) << name << show(r);
  }
  EXPECT_EQ(ex.function<V128()>("i32x4.add_consts")(),
            V128::fromLanes<std::int32_t>({11, 22, 33, std::numeric_limits<std::int32_t>::min()}));
}

// The identity constant reaches f32x4.mul through a local, so the lowering
// of the multiplication sees no constant: v128.const hides identity lanes
// where it is made (emit_simd.cpp), as emitConst does for f32.const/f64.const.
TEST_P(SimdArith, IdentityConstantThroughLocalQuietsSignallingNaNs) {
  const V128 f32 = V128::fromLanes<std::uint32_t>({0x7fa00000u, 0xffa00001u, 0x3f800000u, 0u});
  const auto r = exports().function<V128(V128)>("f32x4.mul_one_local")(f32).lanes<std::uint32_t>();
  EXPECT_EQ(r[0] & 0x7fc00000u, 0x7fc00000u);
  EXPECT_EQ(r[1] & 0x7fc00000u, 0x7fc00000u);
}

INSTANTIATE_TEST_SUITE_P(OptLevels, SimdArith, ::testing::Values(0u, 1u, 2u), optLevelName);

} // namespace
} // namespace waot::test
