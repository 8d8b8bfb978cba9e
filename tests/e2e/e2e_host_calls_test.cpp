// Calls from wasm into host functions of every scalar type, once through
// Function::wrap (whose calls from wasm read and write the adapter's slots
// directly) and once through generic host functions (Value vectors): both
// must pass the same bits both ways, NaN payloads included.
#include "e2e_support.hpp"

#include <bit>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>

namespace waot::test {
namespace {

enum class HostForm { Wrapped, Generic };

Imports hostImports(HostForm form) {
  Imports imports;
  if (form == HostForm::Wrapped) {
    imports.define("host", "i32", Function::wrap([](int32_t x) { return ~x; }));
    imports.define("host", "i64", Function::wrap([](int64_t x) { return ~x; }));
    imports.define("host", "f32", Function::wrap([](float x) { return -x; }));
    imports.define("host", "f64", Function::wrap([](double x) { return -x; }));
    imports.define("host", "mixed", Function::wrap([](int32_t a, int64_t b, float c, double d) {
                     return static_cast<double>(a) + static_cast<double>(b) + c + d;
                   }));
    // One counter behind both ways of calling it.
    imports.define("host", "counter", Function::wrap([n = 0]() mutable { return ++n; }));
    return imports;
  }
  using Args = std::span<const Value>;
  using Results = std::span<Value>;
  const auto unary = [](ValType type) { return FuncType{{type}, {type}}; };
  imports.define("host", "i32", Function(unary(ValType::I32), [](Args a, Results r) {
                   r[0] = Value(~a[0].i32());
                 }));
  imports.define("host", "i64", Function(unary(ValType::I64), [](Args a, Results r) {
                   r[0] = Value(~a[0].i64());
                 }));
  imports.define("host", "f32", Function(unary(ValType::F32), [](Args a, Results r) {
                   r[0] = Value(-a[0].f32());
                 }));
  imports.define("host", "f64", Function(unary(ValType::F64), [](Args a, Results r) {
                   r[0] = Value(-a[0].f64());
                 }));
  imports.define(
      "host", "mixed",
      Function(FuncType{{ValType::I32, ValType::I64, ValType::F32, ValType::F64}, {ValType::F64}},
               [](Args a, Results r) {
                 r[0] = Value(static_cast<double>(a[0].i32()) + static_cast<double>(a[1].i64()) +
                              a[2].f32() + a[3].f64());
               }));
  imports.define("host", "counter",
                 Function(FuncType{{}, {ValType::I32}},
                          [n = 0](Args, Results r) mutable { r[0] = Value(++n); }));
  return imports;
}

class HostCalls : public ::testing::TestWithParam<HostForm> {
protected:
  HostCalls()
      : imports_(hostImports(GetParam())), instance_(compiledModule("host_calls", 2), imports_) {}

  template <class Sig> TypedFunction<Sig> exported(const std::string &name) {
    return instance_.exports().function<Sig>(name);
  }

  Imports imports_;
  Instance instance_;
};

TEST_P(HostCalls, IntegersKeepEveryBit) {
  auto callI32 = exported<int32_t(int32_t)>("call_i32");
  EXPECT_EQ(callI32(-5), 4);
  EXPECT_EQ(callI32(std::numeric_limits<int32_t>::min()), std::numeric_limits<int32_t>::max());
  EXPECT_EQ(callI32(0), -1);
  auto callI64 = exported<int64_t(int64_t)>("call_i64");
  EXPECT_EQ(callI64(std::numeric_limits<int64_t>::min()), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(callI64(int64_t{1} << 40), ~(int64_t{1} << 40));
}

TEST_P(HostCalls, FloatsKeepTheirBitsAndNaNPayloads) {
  auto f32Bits = exported<int32_t(int32_t)>("call_f32_bits");
  EXPECT_EQ(static_cast<uint32_t>(f32Bits(std::bit_cast<int32_t>(1.5f))),
            std::bit_cast<uint32_t>(-1.5f));
  // A NaN with a payload: negation only flips the sign.
  EXPECT_EQ(static_cast<uint32_t>(f32Bits(0x7fc00123)), 0xffc00123u);
  auto f64Bits = exported<int64_t(int64_t)>("call_f64_bits");
  EXPECT_EQ(static_cast<uint64_t>(f64Bits(std::bit_cast<int64_t>(0.25))),
            std::bit_cast<uint64_t>(-0.25));
  EXPECT_EQ(static_cast<uint64_t>(f64Bits(0x7ff8000000000abcLL)), 0xfff8000000000abcULL);
}

TEST_P(HostCalls, SeveralParametersArriveInOrder) {
  auto mixed = exported<double(int32_t, int64_t, float, double)>("call_mixed");
  EXPECT_EQ(mixed(-1, int64_t{1} << 40, 0.5f, 0.25), 1099511627775.75);
}

TEST_P(HostCalls, TheHostAndWasmShareTheCallablesState) {
  EXPECT_EQ(exported<int32_t(int32_t)>("count")(3), 3);
  const Function counter = std::get<Function>(*imports_.find("host", "counter"));
  EXPECT_EQ(counter.call({}).at(0).i32(), 4); // the same counter, called from the host
  EXPECT_EQ(exported<int32_t(int32_t)>("count")(2), 6);
}

INSTANTIATE_TEST_SUITE_P(E2E, HostCalls, ::testing::Values(HostForm::Wrapped, HostForm::Generic),
                         [](const auto &info) {
                           return info.param == HostForm::Wrapped ? "Wrapped" : "Generic";
                         });

} // namespace
} // namespace waot::test
