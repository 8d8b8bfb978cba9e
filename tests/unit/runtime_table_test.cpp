// Tables: element segments, call_indirect checks by interned type id, the
// table builtins' exact bounds, host tables, and host functions in tables.
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace {

using waot::Function;
using waot::RuntimeError;
using waot::TrapKind;
using waot::ValType;
using waot::Value;

std::filesystem::path artifact(const std::string &name) {
  return std::filesystem::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

// The kind of the trap `call` raises.
template <class F> std::optional<TrapKind> trapKindOf(F &&call) {
  try {
    call();
  } catch (const RuntimeError &e) {
    return e.trapKind();
  }
  ADD_FAILURE() << "no trap";
  return std::nullopt;
}

class TableInstance : public ::testing::Test {
protected:
  waot::Module module = waot::Module::load(artifact("tables"));
  waot::Instance instance{module};
  const waot::Exports &exports = instance.exports();
  waot::Table table = exports.table("tab");
  waot::TypedFunction<int32_t(int32_t)> callIndirect =
      exports.function<int32_t(int32_t)>("call_indirect");
  waot::TypedFunction<void(int32_t, int32_t, int32_t, int32_t)> tableInit =
      exports.function<void(int32_t, int32_t, int32_t, int32_t)>("table_init");
  waot::TypedFunction<void(int32_t)> elemDrop = exports.function<void(int32_t)>("elem_drop");
  waot::TypedFunction<void(int32_t, int32_t, int32_t)> tableCopy =
      exports.function<void(int32_t, int32_t, int32_t)>("table_copy");
  waot::TypedFunction<int32_t()> tableSize = exports.function<int32_t()>("table_size");

  int32_t grow(const Value &init, int32_t delta) const {
    return exports.function("table_grow").call({init, delta}).at(0).i32();
  }
  void fill(int32_t dst, const Value &value, int32_t n) const {
    exports.function("table_fill").call({dst, value, n});
  }
  Value get(int32_t index) const { return exports.function("table_get").call({index}).at(0); }
};

TEST_F(TableInstance, ActiveSegmentFillsTheTable) {
  EXPECT_EQ(table.size(), 4u);
  EXPECT_EQ(table.elementType(), ValType::FuncRef);
  EXPECT_EQ(table.limits(), (waot::Limits{4, 10}));
  ASSERT_TRUE(table.get(0).funcref().has_value());
  EXPECT_TRUE(*table.get(0).funcref() == exports.function("one"));
  EXPECT_TRUE(*table.get(1).funcref() == exports.function("two"));
  EXPECT_TRUE(table.get(2).isNull());
  EXPECT_EQ(table.get(1).funcref()->call({}).at(0).i32(), 2);
  EXPECT_THROW(table.get(4), RuntimeError);
}

TEST_F(TableInstance, CallIndirectChecks) {
  EXPECT_EQ(callIndirect(0), 1);
  EXPECT_EQ(callIndirect(1), 2);
  EXPECT_EQ(trapKindOf([&] { callIndirect(2); }), TrapKind::UninitializedElement);
  EXPECT_EQ(trapKindOf([&] { callIndirect(4); }), TrapKind::UndefinedElement);
  table.set(3, Value::funcref(exports.function("wrong_type")));
  EXPECT_EQ(trapKindOf([&] { callIndirect(3); }), TrapKind::IndirectCallTypeMismatch);
}

TEST_F(TableInstance, InitFromAPassiveSegment) {
  // Segment 1 is [three, null, wrong_type].
  EXPECT_EQ(trapKindOf([&] { tableInit(1, 2, 0, 3); }), TrapKind::TableOutOfBounds); // 2 + 3 > 4
  EXPECT_TRUE(table.get(2).isNull()); // nothing written
  tableInit(1, 2, 0, 2);
  EXPECT_EQ(callIndirect(2), 3);
  EXPECT_TRUE(table.get(3).isNull());
  tableInit(1, 3, 2, 1);
  EXPECT_EQ(trapKindOf([&] { callIndirect(3); }), TrapKind::IndirectCallTypeMismatch);
  tableInit(1, 0, 3, 0); // zero length at the end of the segment
  tableInit(1, 4, 0, 0); // zero length at the end of the table
  EXPECT_EQ(trapKindOf([&] { tableInit(1, 5, 0, 0); }), TrapKind::TableOutOfBounds);
  EXPECT_EQ(trapKindOf([&] { tableInit(1, 0, 4, 0); }), TrapKind::TableOutOfBounds);
}

TEST_F(TableInstance, DroppedSegmentsHaveLengthZero) {
  elemDrop(1);
  EXPECT_EQ(trapKindOf([&] { tableInit(1, 0, 0, 1); }), TrapKind::TableOutOfBounds);
  tableInit(1, 0, 0, 0);
  // Active and declarative segments are dropped by instantiation.
  EXPECT_EQ(trapKindOf([&] { tableInit(0, 0, 0, 1); }), TrapKind::TableOutOfBounds);
  EXPECT_EQ(trapKindOf([&] { tableInit(2, 0, 0, 1); }), TrapKind::TableOutOfBounds);
}

TEST_F(TableInstance, CopyHandlesOverlapAndChecksBothRanges) {
  tableCopy(1, 0, 2); // [one, two, null, null] -> [one, one, two, null]
  EXPECT_EQ(callIndirect(1), 1);
  EXPECT_EQ(callIndirect(2), 2);
  tableCopy(0, 1, 3); // -> [one, two, null, null]
  EXPECT_EQ(callIndirect(1), 2);
  EXPECT_TRUE(table.get(2).isNull());
  tableCopy(4, 0, 0);
  EXPECT_EQ(trapKindOf([&] { tableCopy(3, 0, 2); }), TrapKind::TableOutOfBounds);
  EXPECT_EQ(trapKindOf([&] { tableCopy(0, 3, 2); }), TrapKind::TableOutOfBounds);
  EXPECT_EQ(callIndirect(0), 1); // nothing written
}

TEST_F(TableInstance, GrowAndFill) {
  const Value three = Value::funcref(exports.function("three"));
  EXPECT_EQ(grow(Value::nullRef(ValType::FuncRef), 3), 4);
  EXPECT_EQ(tableSize(), 7);
  EXPECT_EQ(grow(three, 3), 7);
  EXPECT_EQ(table.size(), 10u);
  EXPECT_EQ(callIndirect(9), 3);
  EXPECT_EQ(grow(three, 1), -1); // the maximum is 10
  EXPECT_EQ(grow(three, 0), 10);
  fill(0, Value::nullRef(ValType::FuncRef), 2);
  EXPECT_TRUE(get(0).isNull());
  EXPECT_TRUE(get(1).isNull());
  fill(4, three, 3);
  EXPECT_EQ(callIndirect(5), 3);
  fill(10, three, 0); // zero length at the end
  EXPECT_EQ(trapKindOf([&] { fill(8, three, 3); }), TrapKind::TableOutOfBounds);
  EXPECT_TRUE(get(8).funcref().has_value() && *get(8).funcref() == exports.function("three"));
  EXPECT_EQ(trapKindOf([&] { get(10); }), TrapKind::TableOutOfBounds);
}

TEST_F(TableInstance, HostFunctionsInATable) {
  int calls = 0;
  table.set(2, Value::funcref(Function::wrap([&calls]() -> int32_t { return 70 + ++calls; })));
  EXPECT_EQ(callIndirect(2), 71); // through the artifact's host adapter for () -> (i32)
  EXPECT_EQ(callIndirect(2), 72);
  table.set(3, Value::funcref(Function::wrap([](int32_t x) { return x; })));
  EXPECT_EQ(trapKindOf([&] { callIndirect(3); }), TrapKind::IndirectCallTypeMismatch);
  EXPECT_EQ(calls, 2);
}

TEST_F(TableInstance, HostWritesAreTypeAndBoundsChecked) {
  int payload = 0;
  EXPECT_THROW(table.set(0, Value::externref(&payload)), waot::TypeError);
  EXPECT_THROW(table.set(0, Value(1)), waot::TypeError);
  EXPECT_THROW(table.set(4, Value::nullRef(ValType::FuncRef)), RuntimeError);
  table.set(0, Value::nullRef(ValType::FuncRef));
  EXPECT_EQ(trapKindOf([&] { callIndirect(0); }), TrapKind::UninitializedElement);
}

TEST_F(TableInstance, ExportedTableKeepsItsInstanceAlive) {
  waot::Table kept = [this] { return waot::Instance(module).exports().table("tab"); }();
  EXPECT_EQ(kept.get(1).funcref()->call({}).at(0).i32(), 2);
}

TEST(RuntimeHostTable, CreateGrowAndStore) {
  int a = 1, b = 2;
  waot::Table externs(ValType::ExternRef, {2, 4}, Value::externref(&a));
  EXPECT_EQ(externs.get(1).externref(), &a);
  EXPECT_EQ(externs.grow(2, Value::externref(&b)), 2u);
  EXPECT_EQ(externs.get(3).externref(), &b);
  EXPECT_THROW(externs.grow(1, Value::externref(nullptr)), RuntimeError);
  EXPECT_EQ(externs.limits(), (waot::Limits{4, 4}));

  waot::Table functions(ValType::FuncRef, {1}, Value::nullRef(ValType::FuncRef));
  // The table keeps the host function alive.
  functions.set(0, Value::funcref(Function::wrap([](int32_t x) { return x * 3; })));
  EXPECT_EQ(functions.get(0).funcref()->call({5}).at(0).i32(), 15);
}

TEST(RuntimeHostTable, InvalidTablesAreTypeErrors) {
  EXPECT_THROW(waot::Table(ValType::I32, {1}, Value(0)), waot::TypeError);
  EXPECT_THROW(waot::Table(ValType::FuncRef, {1}, Value::nullRef(ValType::ExternRef)),
               waot::TypeError);
  EXPECT_THROW(waot::Table(ValType::FuncRef, {3, 2}, Value::nullRef(ValType::FuncRef)),
               waot::TypeError);
  EXPECT_THROW(waot::Table(ValType::FuncRef, {20'000'000}, Value::nullRef(ValType::FuncRef)),
               RuntimeError);
}

// A host function of a signature no loaded artifact has yet gets its native
// adapter from the first artifact loaded later that has it.
TEST(RuntimeHostTable, HostFunctionWaitsForAnAdapterOfItsSignature) {
  const Function host =
      Function::wrap([](int64_t x, double y) { return static_cast<double>(x) + y; });
  waot::Table table(ValType::FuncRef, {1}, Value::nullRef(ValType::FuncRef));
  table.set(0, Value::funcref(host));
  // Not callable natively yet: no artifact has (i64, f64) -> (f64).
  EXPECT_THROW((waot::TypedFunction<double(int64_t, double)>(host)), waot::Error);

  waot::Imports imports;
  imports.define("env", "tab", table);
  waot::Instance instance(waot::Module::load(artifact("late_type")), imports);
  EXPECT_DOUBLE_EQ(instance.exports().function("call0").call({int64_t{40}, 2.5}).at(0).f64(), 42.5);
  // Now the host function has a native entry point too.
  EXPECT_DOUBLE_EQ((waot::TypedFunction<double(int64_t, double)>(host))(1, 0.5), 1.5);
}

} // namespace
