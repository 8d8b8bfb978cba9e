// v128 values through the runtime (the ABI 7 value model), against a
// hand-written artifact (tests/unit/artifacts/simd.c): Value and V128, the
// generic and the typed calls, a host function made by Function::wrap, a
// mutable v128 global, and the C API's waot_value_t.
#include "waot/waot.h"
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>

namespace {

using waot::V128;
using waot::ValType;
using waot::Value;

std::filesystem::path artifact(const std::string &name) {
  return std::filesystem::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

V128 i32x4(std::int32_t a, std::int32_t b, std::int32_t c, std::int32_t d) {
  return V128::fromLanes<std::int32_t>({a, b, c, d});
}

// The imported host function: doubles each i32 lane.
waot::Imports hostImports(int &calls) {
  waot::Imports imports;
  imports.define("host", "twice", waot::Function::wrap([&calls](V128 x) {
                   ++calls;
                   auto lanes = x.lanes<std::int32_t>();
                   for (auto &lane : lanes)
                     lane *= 2;
                   return V128::fromLanes<std::int32_t>(lanes);
                 }));
  return imports;
}

TEST(V128, BytesLanesAndHalves) {
  const V128 value = i32x4(1, -2, 3, 0x7fffffff);
  EXPECT_EQ(value.low(), 0xfffffffe00000001ull);
  EXPECT_EQ(value.high(), 0x7fffffff00000003ull);
  const std::array<std::uint8_t, 16> bytes = value.bytes();
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes[4], 0xfe);
  EXPECT_EQ(V128::fromBytes(bytes), value);
  EXPECT_EQ(value.lanes<std::int16_t>()[2], -2);
  EXPECT_EQ(V128::fromHalves(value.low(), value.high()), value);
  const V128 floats = V128::fromLanes<float>({1.5f, -0.0f, 2.0f, 3.0f});
  EXPECT_EQ(floats.lanes<float>()[0], 1.5f);
  EXPECT_EQ(floats.lanes<std::uint32_t>()[1], 0x80000000u);
}

TEST(V128, ValuesHoldAllSixteenBytes) {
  const Value value(i32x4(1, 2, 3, 4));
  EXPECT_EQ(value.type(), ValType::V128);
  EXPECT_EQ(value.v128(), i32x4(1, 2, 3, 4));
  EXPECT_FALSE(value == Value(i32x4(1, 2, 3, 5))) << "the high half takes part in ==";
  EXPECT_THROW(value.i64(), waot::TypeError);
  EXPECT_THROW(Value(std::int64_t{1}).v128(), waot::TypeError);
  EXPECT_THROW(Value::fromBits(ValType::V128, 0), waot::TypeError);
  EXPECT_EQ(toString(value), "v128:0x00000004000000030000000200000001");
}

TEST(V128, GenericAndTypedCalls) {
  int calls = 0;
  waot::Instance instance(waot::Module::load(artifact("simd")), hostImports(calls));
  const waot::Exports &exports = instance.exports();
  const std::vector<Value> sum =
      exports.function("add_i32x4").call({Value(i32x4(1, 2, 3, 4)), Value(i32x4(10, 20, 30, -4))});
  ASSERT_EQ(sum.size(), 1u);
  EXPECT_EQ(sum[0].v128(), i32x4(11, 22, 33, 0));

  auto add = exports.function<V128(V128, V128)>("add_i32x4");
  EXPECT_EQ(add(i32x4(-1, 0, 1, 2), i32x4(1, 1, 1, 1)), i32x4(0, 1, 2, 3));
  EXPECT_THROW((exports.function<std::int64_t(V128, V128)>("add_i32x4")), waot::TypeError);
}

TEST(V128, HostFunctionsAndGlobals) {
  int calls = 0;
  waot::Instance instance(waot::Module::load(artifact("simd")), hostImports(calls));
  const waot::Exports &exports = instance.exports();
  waot::Global global = exports.global("g");
  EXPECT_EQ(global.type(), ValType::V128);
  EXPECT_EQ(global.get().v128(), i32x4(1, 2, 3, 4)) << "the v128.const initializer";

  auto callHost = exports.function<V128(V128)>("call_host");
  EXPECT_EQ(callHost(i32x4(5, 6, 7, -8)), i32x4(10, 12, 14, -16));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(global.get().v128(), i32x4(11, 14, 17, -12));
  // Through the generic path, and the host function called from the host.
  EXPECT_EQ(exports.function("call_host").call({Value(i32x4(1, 1, 1, 1))})[0].v128(),
            i32x4(2, 2, 2, 2));
  global.set(Value(i32x4(0, 0, 0, 9)));
  EXPECT_EQ(global.get().v128(), i32x4(0, 0, 0, 9));
  EXPECT_THROW(global.set(Value(std::int32_t{1})), waot::TypeError);

  // A v128 global made by the host.
  waot::Global own(Value(i32x4(7, 7, 7, 7)), true);
  EXPECT_EQ(own.get().v128(), i32x4(7, 7, 7, 7));
}

TEST(V128, TheCApiCarriesSixteenBytes) {
  waot_module_t *module = nullptr;
  ASSERT_EQ(waot_module_load(artifact("simd").c_str(), &module), WAOT_OK);
  waot_imports_t *imports = waot_imports_new();
  waot_func_t *host = nullptr;
  const std::uint8_t v128[] = {WAOT_V128};
  auto twice = [](void *, const waot_value_t *args, size_t, waot_value_t *results,
                  size_t) -> const char * {
    results[0] = args[0];
    for (std::uint8_t &byte : results[0].of.v128)
      byte = static_cast<std::uint8_t>(byte * 2);
    return nullptr;
  };
  ASSERT_EQ(waot_func_new(v128, 1, v128, 1, twice, nullptr, nullptr, &host), WAOT_OK);
  ASSERT_EQ(waot_imports_define_func(imports, "host", "twice", host), WAOT_OK);
  waot_instance_t *instance = nullptr;
  ASSERT_EQ(waot_instance_new(module, imports, &instance), WAOT_OK) << waot_last_error_message();
  waot_func_t *add = nullptr;
  ASSERT_EQ(waot_instance_export_func(instance, "add_i32x4", &add), WAOT_OK);
  std::uint8_t a[16], b[16];
  for (int i = 0; i < 16; ++i) {
    a[i] = static_cast<std::uint8_t>(i);
    b[i] = static_cast<std::uint8_t>(i == 0 ? 0xff : 0);
  }
  const waot_value_t args[] = {waot_value_v128(a), waot_value_v128(b)};
  waot_value_t result;
  ASSERT_EQ(waot_func_call(add, args, 2, &result, 1), WAOT_OK) << waot_last_error_message();
  EXPECT_EQ(result.type, WAOT_V128);
  EXPECT_EQ(result.of.v128[0], 0xff); // lane 0: 0x03020100 + 0xff
  EXPECT_EQ(result.of.v128[1], 0x01);
  EXPECT_EQ(result.of.v128[15], 15);
  waot_func_t *callHost = nullptr;
  ASSERT_EQ(waot_instance_export_func(instance, "call_host", &callHost), WAOT_OK);
  ASSERT_EQ(waot_func_call(callHost, args, 1, &result, 1), WAOT_OK) << waot_last_error_message();
  EXPECT_EQ(result.of.v128[7], 14);
  waot_func_delete(callHost);
  waot_func_delete(add);
  waot_instance_delete(instance);
  waot_func_delete(host);
  waot_imports_delete(imports);
  waot_module_delete(module);
}

} // namespace
