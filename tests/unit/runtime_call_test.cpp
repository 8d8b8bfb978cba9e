// Calling exports generically (Values) and natively (TypedFunction), values
// of every type, globals, host functions, and traps raised by wasm code.
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>

namespace {

using waot::Function;
using waot::RuntimeError;
using waot::TrapKind;
using waot::TypeError;
using waot::ValType;
using waot::Value;

std::filesystem::path artifact(const std::string &name) {
  return std::filesystem::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

class BasicInstance : public ::testing::Test {
protected:
  waot::Module module = waot::Module::load(artifact("basic"));
  waot::Instance instance{module};
  const waot::Exports &exports = instance.exports();
};

// The RuntimeError `call` throws.
template <class F> RuntimeError trapOf(F &&call) {
  try {
    call();
  } catch (const RuntimeError &e) {
    return e;
  }
  ADD_FAILURE() << "no trap";
  return RuntimeError("no trap");
}

TEST_F(BasicInstance, GenericCallsOfEveryScalarType) {
  EXPECT_EQ(exports.function("add").call({2, 3}).at(0).i32(), 5);
  EXPECT_EQ(exports.function("add").call({INT32_MAX, 1}).at(0).i32(), INT32_MIN); // wraps
  EXPECT_EQ(exports.function("mul64").call({int64_t{1} << 40, int64_t{3}}).at(0).i64(),
            int64_t{3} << 40);
  EXPECT_FLOAT_EQ(exports.function("addf").call({1.25f, 2.5f}).at(0).f32(), 3.75f);
  EXPECT_DOUBLE_EQ(exports.function("twice").call({21.5}).at(0).f64(), 43.0);
  EXPECT_TRUE(exports.function("nop").call({}).empty());
}

TEST_F(BasicInstance, SeveralResults) {
  const auto results = exports.function("divmod").call({7});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].type(), ValType::I32);
  EXPECT_EQ(results[0].i32(), 3);
  EXPECT_EQ(results[1].type(), ValType::I64);
  EXPECT_EQ(results[1].i64(), 21);
}

TEST_F(BasicInstance, TypedCallsGoStraightToNativeCode) {
  auto add = exports.function<int32_t(int32_t, int32_t)>("add");
  EXPECT_EQ(add(40, 2), 42);
  EXPECT_EQ(exports.function<int64_t(int64_t, int64_t)>("mul64")(-3, 5), -15);
  EXPECT_FLOAT_EQ(exports.function<float(float, float)>("addf")(0.5f, 0.25f), 0.75f);
  EXPECT_DOUBLE_EQ(exports.function<double(double)>("twice")(-1.5), -3.0);
  exports.function<void()>("nop")();
  EXPECT_EQ(add.function().type(), (waot::FuncType{{ValType::I32, ValType::I32}, {ValType::I32}}));
}

TEST_F(BasicInstance, TypedCallsTrapToo) {
  auto div = exports.function<int32_t(int32_t, int32_t)>("div");
  EXPECT_EQ(div(-9, 3), -3);
  EXPECT_EQ(trapOf([&] { div(1, 0); }).trapKind(), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(div(8, 2), 4);
}

TEST_F(BasicInstance, TypedFunctionWithAnotherSignatureIsATypeError) {
  try {
    exports.function<int64_t(int32_t, int32_t)>("add");
    FAIL() << "no TypeError";
  } catch (const TypeError &e) {
    EXPECT_STREQ(e.what(), "function has type (i32, i32) -> (i32), not (i32, i32) -> (i64)");
  }
}

TEST_F(BasicInstance, WrongArgumentsAreTypeErrors) {
  const Function add = exports.function("add");
  EXPECT_THROW(add.call({1}), TypeError);
  EXPECT_THROW(add.call({1, 2, 3}), TypeError);
  try {
    add.call({1, 2.0});
    FAIL() << "no TypeError";
  } catch (const TypeError &e) {
    EXPECT_STREQ(e.what(), "argument 1 of function (i32, i32) -> (i32) is f64, expected i32");
  }
}

TEST_F(BasicInstance, MissingOrMistypedExportsNameTheExport) {
  try {
    exports.function("nope");
    FAIL();
  } catch (const waot::Error &e) {
    EXPECT_STREQ(e.what(), "no export named \"nope\"");
  }
  try {
    exports.memory("add");
    FAIL();
  } catch (const waot::Error &e) {
    EXPECT_STREQ(e.what(), "export \"add\" is a function, not a memory");
  }
  EXPECT_EQ(exports.find("nope"), nullptr);
  ASSERT_NE(exports.find("pi"), nullptr);
  EXPECT_EQ(waot::kindOf(*exports.find("pi")), waot::ExternKind::Global);
}

TEST_F(BasicInstance, AllExportsInDeclarationOrder) {
  const auto all = exports.all();
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(all[0].first, "add");
  EXPECT_EQ(all[1].first, "add2");
  EXPECT_EQ(all[19].first, "one_g");
  // Two exports of one function are the same function.
  EXPECT_TRUE(std::get<Function>(all[0].second) == std::get<Function>(all[1].second));
  EXPECT_FALSE(std::get<Function>(all[0].second) == exports.function("mul64"));
}

TEST_F(BasicInstance, FloatBitPatternsSurviveTheBoundary) {
  const Value signalingNan = Value::fromBits(ValType::F32, 0x7fa00001u);
  const auto result = exports.function("id_f32").call({signalingNan});
  EXPECT_EQ(result.at(0).bits(), 0x7fa00001u);
  EXPECT_EQ(result.at(0), signalingNan);
  const auto negativeZero = exports.function("id_f32").call({-0.0f}).at(0);
  EXPECT_EQ(negativeZero.bits(), 0x80000000u);
  EXPECT_NE(negativeZero, Value(0.0f));
}

TEST_F(BasicInstance, FuncrefsRoundTrip) {
  const Function add = exports.function("add");
  const Value result = exports.function("id_funcref").call({Value::funcref(add)}).at(0);
  ASSERT_FALSE(result.isNull());
  const std::optional<Function> back = result.funcref();
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(*back == add);
  EXPECT_EQ(back->call({20, 22}).at(0).i32(), 42);

  const Value null = exports.function("id_funcref").call({Value::nullRef(ValType::FuncRef)}).at(0);
  EXPECT_TRUE(null.isNull());
  EXPECT_FALSE(null.funcref().has_value());
}

TEST_F(BasicInstance, HostFunctionsTravelAsFuncrefs) {
  const Function host = Function::wrap([](int32_t a, int32_t b) { return a * b; });
  const Value result = exports.function("id_funcref").call({Value::funcref(host)}).at(0);
  ASSERT_TRUE(result.funcref().has_value());
  EXPECT_TRUE(*result.funcref() == host);
  EXPECT_EQ(result.funcref()->call({6, 7}).at(0).i32(), 42);
}

TEST_F(BasicInstance, ExternrefsRoundTrip) {
  int payload = 5;
  const Value result = exports.function("id_externref").call({Value::externref(&payload)}).at(0);
  EXPECT_EQ(result.externref(), &payload);
  EXPECT_TRUE(exports.function("id_externref").call({Value::externref(nullptr)}).at(0).isNull());
}

TEST_F(BasicInstance, Globals) {
  waot::Global counter = exports.global("counter_g");
  EXPECT_EQ(counter.type(), ValType::I32);
  EXPECT_TRUE(counter.isMutable());
  EXPECT_EQ(counter.get().i32(), 40);
  EXPECT_EQ(exports.function("counter").call({}).at(0).i32(), 40);
  EXPECT_EQ(counter.get().i32(), 41); // wasm wrote the cell the handle reads
  counter.set(100);
  EXPECT_EQ(exports.function("counter").call({}).at(0).i32(), 100);
  EXPECT_THROW(counter.set(1.0), TypeError);

  waot::Global pi = exports.global("pi");
  EXPECT_FALSE(pi.isMutable());
  EXPECT_DOUBLE_EQ(pi.get().f64(), 2.5);
  EXPECT_THROW(pi.set(3.0), TypeError);
  EXPECT_EQ(exports.global("neg").get().i32(), -7);
  EXPECT_EQ(exports.global("neg_copy").get().i32(), -7); // initialized by global.get
}

TEST_F(BasicInstance, ReferenceGlobals) {
  const std::optional<Function> initial = exports.global("fref").get().funcref();
  ASSERT_TRUE(initial.has_value());
  EXPECT_TRUE(*initial == exports.function("add")); // ref.func 0
  waot::Global eref = exports.global("eref");
  EXPECT_TRUE(eref.get().isNull());
  int payload = 0;
  eref.set(Value::externref(&payload));
  EXPECT_EQ(eref.get().externref(), &payload);

  // A host function stored by the host stays alive with the global.
  exports.global("fref").set(
      Value::funcref(Function::wrap([](int32_t a, int32_t b) { return a - b; })));
  EXPECT_EQ(exports.global("fref").get().funcref()->call({10, 3}).at(0).i32(), 7);
}

TEST_F(BasicInstance, InstancesAreIndependent) {
  waot::Instance other(module);
  exports.global("counter_g").set(5);
  EXPECT_EQ(other.exports().global("counter_g").get().i32(), 40);
  EXPECT_FALSE(other.exports().function("add") == exports.function("add"));
}

TEST_F(BasicInstance, TrapsFromBuiltins) {
  const RuntimeError unreachable = trapOf([&] { exports.function("unreachable").call({}); });
  EXPECT_STREQ(unreachable.what(), "unreachable");
  EXPECT_EQ(unreachable.trapKind(), TrapKind::Unreachable);

  const RuntimeError divide = trapOf([&] { exports.function("div").call({1, 0}); });
  EXPECT_STREQ(divide.what(), "integer divide by zero");
  const RuntimeError overflow = trapOf([&] { exports.function("div").call({INT32_MIN, -1}); });
  EXPECT_STREQ(overflow.what(), "integer overflow");
  EXPECT_EQ(overflow.trapKind(), TrapKind::IntegerOverflow);

  // The instance keeps working after traps.
  EXPECT_EQ(exports.function("div").call({9, 3}).at(0).i32(), 3);
}

TEST_F(BasicInstance, ExportedFunctionsKeepTheirInstanceAlive) {
  Function add = [&] {
    waot::Instance temporary(module);
    return temporary.exports().function("add");
  }();
  EXPECT_EQ(add.call({1, 1}).at(0).i32(), 2);
  waot::Global global = [&] { return waot::Instance(module).exports().global("counter_g"); }();
  global.set(3);
  EXPECT_EQ(global.get().i32(), 3);
}

TEST(RuntimeHostFunction, WrapDeducesTheSignature) {
  const Function mul =
      Function::wrap([](int64_t a, double b) { return static_cast<double>(a) * b; });
  EXPECT_EQ(waot::toString(mul.type()), "(i64, f64) -> (f64)");
  EXPECT_TRUE(mul.isHost());
  EXPECT_DOUBLE_EQ(mul.call({int64_t{4}, 2.5}).at(0).f64(), 10.0);

  int calls = 0;
  const Function sideEffect = Function::wrap([&calls](float) { ++calls; });
  EXPECT_EQ(waot::toString(sideEffect.type()), "(f32) -> ()");
  EXPECT_TRUE(sideEffect.call({1.0f}).empty());
  EXPECT_EQ(calls, 1);
}

TEST(RuntimeHostFunction, GenericHostFunctionsMustProduceTheirResultTypes) {
  const Function wrong({{}, {ValType::I32}}, [](std::span<const Value>, std::span<Value> results) {
    results[0] = Value(int64_t{1});
  });
  EXPECT_THROW(wrong.call({}), TypeError);
  const Function right({{ValType::I32}, {ValType::I32, ValType::I64}},
                       [](std::span<const Value> args, std::span<Value> results) {
                         results[0] = Value(args[0].i32() + 1);
                         results[1] = Value(int64_t{args[0].i32()} * 2);
                       });
  const auto results = right.call({20});
  EXPECT_EQ(results.at(0).i32(), 21);
  EXPECT_EQ(results.at(1).i64(), 40);
}

TEST(RuntimeValue, AccessorsCheckTheType) {
  const Value v(7);
  EXPECT_EQ(v.type(), ValType::I32);
  EXPECT_THROW(v.i64(), TypeError);
  EXPECT_THROW(v.f32(), TypeError);
  EXPECT_THROW(v.funcref(), TypeError);
  EXPECT_FALSE(v.isNull());
  EXPECT_THROW(Value::nullRef(ValType::I32), TypeError);
  EXPECT_EQ(Value(-1).bits(), 0xFFFFFFFFu); // i32 is zero-extended in its slot
  EXPECT_EQ(Value::fromBits(ValType::I32, 0xFFFFFFFF00000005ull), Value(5));
  EXPECT_TRUE(std::isnan(Value::fromBits(ValType::F64, 0x7ff8000000000001ull).f64()));
}

TEST(RuntimeValue, ToString) {
  EXPECT_EQ(waot::toString(Value(-3)), "i32:-3");
  EXPECT_EQ(waot::toString(Value(int64_t{1} << 40)), "i64:1099511627776");
  EXPECT_EQ(waot::toString(Value(1.5)), "f64:1.5");
  EXPECT_EQ(waot::toString(Value::fromBits(ValType::F32, 0x7fc00001)), "f32:nan:0x7fc00001");
  EXPECT_EQ(waot::toString(Value::nullRef(ValType::ExternRef)), "externref:null");
  EXPECT_EQ(waot::toString(waot::FuncType{{ValType::I32, ValType::FuncRef}, {}}),
            "(i32, funcref) -> ()");
  EXPECT_EQ(waot::toString(waot::Limits{1, 2}), "{min 1, max 2}");
}

} // namespace
