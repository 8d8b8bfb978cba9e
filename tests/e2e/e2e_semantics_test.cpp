// Exact wasm semantics through the whole pipeline: numerics, control flow,
// memory, tables and reference types.
#include "e2e_support.hpp"

#include <bit>
#include <cmath>
#include <limits>

namespace waot::test {
namespace {

class Semantics : public AtOptLevel {
protected:
  Value call1(Instance &instance, const char *name, std::initializer_list<Value> args) {
    auto results = instance.exports().function(name).call(args);
    EXPECT_EQ(results.size(), 1u) << name;
    return results.at(0);
  }
};

TEST_P(Semantics, IntegerArithmetic) {
  Instance m(module("numeric"));
  EXPECT_EQ(call1(m, "i32_add", {Value(0x7fffffff), Value(1)}).i32(), INT32_MIN);
  EXPECT_EQ(call1(m, "i32_mul", {Value(0x10000), Value(0x10000)}).i32(), 0);
  EXPECT_EQ(call1(m, "i32_shl", {Value(1), Value(33)}).i32(), 2); // count masked to 1
  EXPECT_EQ(call1(m, "i32_shr_s", {Value(-8), Value(34)}).i32(), -2);
  EXPECT_EQ(call1(m, "i32_shr_u", {Value(-8), Value(31)}).i32(), 1);
  EXPECT_EQ(call1(m, "i64_shl", {Value(int64_t{1}), Value(int64_t{65})}).i64(), 2);
  EXPECT_EQ(call1(m, "i32_rotl", {Value(static_cast<int32_t>(0x80000001u)), Value(1)}).i32(), 3);
  EXPECT_EQ(call1(m, "i64_rotr", {Value(int64_t{1}), Value(int64_t{1})}).i64(), INT64_MIN);
  EXPECT_EQ(call1(m, "i32_clz", {Value(0)}).i32(), 32);
  EXPECT_EQ(call1(m, "i64_ctz", {Value(int64_t{0})}).i64(), 64);
  EXPECT_EQ(call1(m, "i32_popcnt", {Value(-1)}).i32(), 32);
  EXPECT_EQ(call1(m, "i32_rem_s", {Value(-7), Value(2)}).i32(), -1);
  EXPECT_EQ(call1(m, "i32_div_u", {Value(-1), Value(2)}).i32(), 0x7fffffff);
  EXPECT_EQ(call1(m, "i32_extend8_s", {Value(0x80)}).i32(), -128);
  EXPECT_EQ(call1(m, "i64_extend32_s", {Value(int64_t{0x80000000})}).i64(), -2147483648LL);
  EXPECT_EQ(call1(m, "i64_extend_i32_u", {Value(-1)}).i64(), 0xffffffffLL);
  EXPECT_EQ(call1(m, "i32_lt_u", {Value(1), Value(-1)}).i32(), 1);
}

TEST_P(Semantics, FloatingPoint) {
  Instance m(module("numeric"));
  // min/max propagate NaN and order -0 below +0.
  EXPECT_TRUE(std::isnan(call1(m, "f32_min", {Value(1.0f), Value(std::nanf(""))}).f32()));
  EXPECT_TRUE(std::signbit(call1(m, "f32_min", {Value(0.0f), Value(-0.0f)}).f32()));
  EXPECT_FALSE(std::signbit(call1(m, "f64_max", {Value(-0.0), Value(0.0)}).f64()));
  // nearest rounds half to even.
  EXPECT_EQ(call1(m, "f32_nearest", {Value(2.5f)}).f32(), 2.0f);
  EXPECT_EQ(call1(m, "f64_nearest", {Value(-3.5)}).f64(), -4.0);
  EXPECT_TRUE(std::signbit(call1(m, "f64_nearest", {Value(-0.4)}).f64()));
  EXPECT_EQ(call1(m, "f64_copysign", {Value(3.0), Value(-0.0)}).f64(), -3.0);
  // neg flips only the sign bit, also of NaN.
  const Value negNan = call1(m, "f32_neg", {Value::fromBits(ValType::F32, 0x7fc00001)});
  EXPECT_EQ(negNan.bits() & 0xffffffffu, 0xffc00001u);
  EXPECT_EQ(call1(m, "f64_sqrt", {Value(2.0)}).f64(), std::sqrt(2.0));
  EXPECT_EQ(call1(m, "f64_floor", {Value(-1.5)}).f64(), -2.0);
  EXPECT_EQ(call1(m, "f32_trunc", {Value(-1.7f)}).f32(), -1.0f);
  EXPECT_EQ(call1(m, "f64_ne", {Value(std::nan("")), Value(std::nan(""))}).i32(), 1);
  // a*b+c rounds twice (no fused multiply-add): 1e16 * 1.0000000000000002 - 1e16.
  const double a = 0x1.0000000000001p+0, b = 0x1.0000000000001p+0, c = -0x1.0000000000002p+0;
  EXPECT_EQ(call1(m, "f64_mul_add", {Value(a), Value(b), Value(c)}).f64(), a * b + c);
  EXPECT_EQ(call1(m, "f64_mul_add", {Value(a), Value(b), Value(c)}).f64(), 0.0);
}

TEST_P(Semantics, Conversions) {
  Instance m(module("numeric"));
  EXPECT_EQ(call1(m, "i32_trunc_sat_f32_s", {Value(1e10f)}).i32(), INT32_MAX);
  EXPECT_EQ(call1(m, "i32_trunc_sat_f32_s", {Value(std::nanf(""))}).i32(), 0);
  EXPECT_EQ(call1(m, "i64_trunc_sat_f64_u", {Value(-5.0)}).i64(), 0);
  EXPECT_EQ(call1(m, "i64_trunc_sat_f64_u", {Value(1e30)}).i64(), -1);
  EXPECT_EQ(call1(m, "i32_trunc_f64_s", {Value(-2147483648.9)}).i32(), INT32_MIN);
  EXPECT_EQ(call1(m, "f32_convert_i64_u", {Value(int64_t{-1})}).f32(), 18446744073709551616.0f);
  EXPECT_EQ(call1(m, "f64_convert_i32_s", {Value(-3)}).f64(), -3.0);
  EXPECT_EQ(call1(m, "f32_demote", {Value(1e300)}).f32(), std::numeric_limits<float>::infinity());
  EXPECT_EQ(call1(m, "i64_reinterpret", {Value(-0.0)}).i64(), INT64_MIN);
  EXPECT_EQ(std::bit_cast<uint32_t>(call1(m, "f32_reinterpret", {Value(0x3f800000)}).f32()),
            0x3f800000u);
}

TEST_P(Semantics, UnalignedLittleEndianMemory) {
  Instance m(module("numeric"));
  auto store = m.exports().function("store_i64");
  store.call({Value(1), Value(int64_t{0x0807060504030201})});
  EXPECT_EQ(call1(m, "load_i32", {Value(1)}).i32(), 0x04030201);
  EXPECT_EQ(call1(m, "load_i32", {Value(3)}).i32(), 0x06050403);
  EXPECT_EQ(call1(m, "load_i8_u", {Value(8)}).i32(), 0x08);
  store.call({Value(100), Value(int64_t{-2})});
  EXPECT_EQ(call1(m, "load_i16_s", {Value(100)}).i32(), -2);
  EXPECT_EQ(call1(m, "load_i64_32_s", {Value(100)}).i64(), -2);
  m.exports().function("store_f32").call({Value(10), Value(1.5f)});
  EXPECT_EQ(call1(m, "load_f32", {Value(10)}).f32(), 1.5f);
}

TEST_P(Semantics, ControlFlowAndMultiValue) {
  Instance m(module("control"));
  auto swapped = m.exports().function("swap").call({Value(1), Value(2)});
  ASSERT_EQ(swapped.size(), 2u);
  EXPECT_EQ(swapped[0].i32(), 2);
  EXPECT_EQ(swapped[1].i32(), 1);
  EXPECT_EQ(call1(m, "multi_block", {Value(10), Value(3)}).i32(), -7);
  auto dm = m.exports().function("divmod").call({Value(17), Value(5)});
  EXPECT_EQ(dm.at(0).i32(), 3);
  EXPECT_EQ(dm.at(1).i32(), 2);
  EXPECT_EQ(call1(m, "br_table", {Value(0)}).i32(), 100);
  EXPECT_EQ(call1(m, "br_table", {Value(2)}).i32(), 102);
  EXPECT_EQ(call1(m, "br_table", {Value(3)}).i32(), 999);
  EXPECT_EQ(call1(m, "br_table", {Value(-1)}).i32(), 999);
  EXPECT_EQ(call1(m, "br_table_value", {Value(0)}).i32(), 1007);
  EXPECT_EQ(call1(m, "br_table_value", {Value(1)}).i32(), 7);
  EXPECT_EQ(call1(m, "loop_sum", {Value(100)}).i32(), 5050);
  EXPECT_EQ(call1(m, "if_else", {Value(0)}).i32(), 2);
  EXPECT_EQ(call1(m, "select", {Value(0), Value(int64_t{1}), Value(int64_t{2})}).i64(), 2);
  EXPECT_EQ(call1(m, "dead_code_after_br", {}).i32(), 5);
  EXPECT_EQ(call1(m, "fib", {Value(20)}).i32(), 6765);
}

TEST_P(Semantics, MemoryGrowAndBulkOperations) {
  Instance m(module("memory"));
  Memory mem = m.exports().memory("mem");
  EXPECT_EQ(call1(m, "size", {}).i32(), 1);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char *>(mem.data()) + 16, 5), "hello");
  EXPECT_EQ(call1(m, "grow", {Value(2)}).i32(), 1);
  EXPECT_EQ(call1(m, "size", {}).i32(), 3);
  EXPECT_EQ(mem.size(), 3u * 65536);
  EXPECT_EQ(call1(m, "grow", {Value(2)}).i32(), -1); // beyond max 4
  m.exports().function("store8").call({Value(3 * 65536 - 1), Value(9)});
  EXPECT_EQ(call1(m, "load8", {Value(3 * 65536 - 1)}).i32(), 9);
  m.exports().function("fill").call({Value(100), Value(0xAB), Value(10)});
  EXPECT_EQ(call1(m, "load8", {Value(109)}).i32(), 0xAB);
  EXPECT_EQ(call1(m, "load8", {Value(110)}).i32(), 0);
  m.exports().function("copy").call({Value(17), Value(16), Value(5)}); // overlapping
  EXPECT_EQ(std::string_view(reinterpret_cast<const char *>(mem.data()) + 16, 6), "hhello");
  m.exports().function("init").call({Value(200), Value(0), Value(5)});
  EXPECT_EQ(std::string_view(reinterpret_cast<const char *>(mem.data()) + 200, 5), "waot!");
  expectTrap(
      [&] {
        m.exports().function("init").call({Value(200), Value(1), Value(5)});
      },
      "out of bounds memory access");
  m.exports().function("drop").call({});
  m.exports().function("init").call({Value(0), Value(0), Value(0)});
  expectTrap(
      [&] {
        m.exports().function("init").call({Value(0), Value(0), Value(1)});
      },
      "out of bounds memory access");
}

TEST_P(Semantics, TablesAndReferences) {
  Instance m(module("tables"));
  EXPECT_EQ(call1(m, "call", {Value(0), Value(21)}).i32(), 42);
  EXPECT_EQ(call1(m, "call", {Value(1), Value(9)}).i32(), 81);
  EXPECT_EQ(call1(m, "is_null", {Value(2)}).i32(), 1);
  m.exports().function("init").call({Value(2), Value(0), Value(2)});
  EXPECT_EQ(call1(m, "call", {Value(2), Value(5)}).i32(), -5);
  EXPECT_EQ(call1(m, "call", {Value(3), Value(5)}).i32(), 10);
  EXPECT_EQ(call1(m, "grow", {Value(2)}).i32(), 4);
  EXPECT_EQ(call1(m, "size", {}).i32(), 6);
  EXPECT_EQ(call1(m, "grow", {Value(3)}).i32(), -1); // max 8
  m.exports().function("copy").call({Value(4), Value(0), Value(2)});
  EXPECT_EQ(call1(m, "call", {Value(5), Value(4)}).i32(), 16);
  m.exports().function("set_square").call({Value(0)});
  EXPECT_EQ(call1(m, "call", {Value(0), Value(3)}).i32(), 9);
  m.exports().function("fill_null").call({Value(0), Value(2)});
  expectTrap(
      [&] {
        m.exports().function("call").call({Value(0), Value(1)});
      },
      "uninitialized element");
  m.exports().function("drop").call({});
  expectTrap(
      [&] {
        m.exports().function("init").call({Value(0), Value(0), Value(1)});
      },
      "out of bounds table access");
  int hostObject = 7;
  m.exports().function("ext_set").call({Value(1), Value::externref(&hostObject)});
  EXPECT_EQ(call1(m, "ext_get", {Value(1)}).externref(), &hostObject);
  EXPECT_TRUE(call1(m, "ext_get", {Value(0)}).isNull());
  EXPECT_EQ(m.exports().table("table").size(), 6u);
}

INSTANTIATE_TEST_SUITE_P(E2E, Semantics, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
