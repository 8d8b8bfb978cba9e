// v128 values through compiled code (the lowering's representation, the
// calling convention shared with waot::V128, slots, globals, host functions)
// before any SIMD arithmetic: tests/wat/simd_plumbing.wat.
#include "e2e_support.hpp"

#include <cmath>
#include <cstring>

namespace waot::test {
namespace {

V128 i32x4(std::int32_t a, std::int32_t b, std::int32_t c, std::int32_t d) {
  return V128::fromLanes<std::int32_t>({a, b, c, d});
}

class SimdPlumbing : public AtOptLevel {
protected:
  Instance instantiate() {
    Imports imports;
    imports.define("host", "swap_halves",
                   Function::wrap([](V128 x) { return V128::fromHalves(x.high(), x.low()); }));
    imports.define("host", "base", Global(Value(i32x4(-1, -2, -3, -4)), false));
    return Instance(compiledModule("simd_plumbing", GetParam()), imports);
  }
};

TEST_P(SimdPlumbing, ParametersResultsAndLocals) {
  Instance instance = instantiate();
  const Exports &exports = instance.exports();
  const V128 value = i32x4(1, -2, 0x7fffffff, 4);
  EXPECT_EQ(exports.function<V128(V128)>("identity")(value), value);
  EXPECT_EQ(exports.function("identity").call({Value(value)})[0].v128(), value);
  EXPECT_EQ(exports.function<V128()>("zero_local")(), V128{});
  auto pick = exports.function<V128(V128, V128, std::int32_t)>("pick");
  EXPECT_EQ(pick(value, V128{}, 1), value);
  EXPECT_EQ(pick(value, V128{}, 0), V128{});
  auto pickTyped = exports.function<V128(V128, V128, std::int32_t)>("pick_typed");
  EXPECT_EQ(pickTyped(V128{}, value, 0), value);
}

TEST_P(SimdPlumbing, BlocksBranchesAndConstants) {
  Instance instance = instantiate();
  auto early = instance.exports().function<V128(std::int32_t)>("early");
  EXPECT_EQ(early(1), V128::fromHalves(0x1111111111111111ull, 0x2222222222222222ull));
  std::array<std::uint8_t, 16> bytes{};
  for (int i = 0; i < 16; ++i)
    bytes[i] = static_cast<std::uint8_t>(i + 1);
  EXPECT_EQ(early(0), V128::fromBytes(bytes));
}

TEST_P(SimdPlumbing, HostFunctionsAndIndirectCalls) {
  Instance instance = instantiate();
  const Exports &exports = instance.exports();
  const V128 value = V128::fromHalves(1, 2);
  EXPECT_EQ(exports.function<V128(V128)>("through_host")(value), V128::fromHalves(2, 1));
  auto indirect = exports.function<V128(V128, std::int32_t)>("call_indirect");
  EXPECT_EQ(indirect(value, 0), value);
  EXPECT_EQ(indirect(value, 1), V128::fromHalves(2, 1));
  expectTrap([&] { indirect(value, 2); }, "undefined element");
}

TEST_P(SimdPlumbing, Globals) {
  Instance instance = instantiate();
  const Exports &exports = instance.exports();
  Global counter = exports.global("counter");
  EXPECT_EQ(counter.get().v128(), i32x4(1, 2, 3, 4));
  exports.function<void(V128)>("store_counter")(i32x4(9, 8, 7, 6));
  EXPECT_EQ(counter.get().v128(), i32x4(9, 8, 7, 6));
  counter.set(Value(i32x4(5, 5, 5, 5)));
  EXPECT_EQ(exports.function<V128()>("load_counter")(), i32x4(5, 5, 5, 5));
  EXPECT_EQ(exports.global("copy").get().v128(), i32x4(-1, -2, -3, -4)) << "global.get init";
}

TEST_P(SimdPlumbing, MultipleResults) {
  Instance instance = instantiate();
  const std::vector<Value> results = instance.exports().function("two").call({});
  ASSERT_EQ(results.size(), 2u);
  const auto floats = results[0].v128().lanes<float>();
  EXPECT_EQ(floats[0], 1.5f);
  EXPECT_TRUE(std::signbit(floats[1]) && floats[1] == 0.0f);
  EXPECT_TRUE(std::isnan(floats[2]));
  EXPECT_TRUE(std::isinf(floats[3]));
  EXPECT_EQ(results[1].v128(), i32x4(-1, -2, -3, -4));
}

INSTANTIATE_TEST_SUITE_P(OptLevels, SimdPlumbing, ::testing::Values(0u, 1u, 2u), optLevelName);

} // namespace
} // namespace waot::test
