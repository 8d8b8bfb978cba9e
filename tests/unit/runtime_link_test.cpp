// Linking: the JS API's "read the imports" rules (TypeError vs LinkError,
// limits subtyping, names and types in the messages), imports from the host
// and from other instances, the start function, host <-> wasm nesting, and
// instantiation failures that leave earlier writes in place.
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace {

using waot::Function;
using waot::Global;
using waot::LinkError;
using waot::Memory;
using waot::RuntimeError;
using waot::Table;
using waot::TypeError;
using waot::ValType;
using waot::Value;

std::filesystem::path artifact(const std::string &name) {
  return std::filesystem::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

// Imports satisfying imports.so entirely from the host.
class HostImports : public ::testing::Test {
protected:
  HostImports() {
    imports.define("env", "add_host", Function::wrap([](int32_t a, int32_t b) { return a + b; }));
    imports.define("env", "log",
                   Function::wrap([this](int32_t value) { logged.push_back(value); }));
    imports.define("env", "mem", memory);
    imports.define("env", "tab", table);
    imports.define("env", "g_const", Global(Value(0), false));
    imports.define("env", "g_mut", gMut);
    // Calls back into the instance's "nest" export: host -> wasm -> host -> wasm.
    imports.define("env", "reenter", Function::wrap([this](int32_t depth) {
                     return nest->call({depth - 1}).at(0).i32() + 10;
                   }));
  }

  // The message of the LinkError instantiating imports.so throws.
  std::string linkError() {
    try {
      waot::Instance instance(module, imports);
    } catch (const LinkError &e) {
      return e.what();
    }
    ADD_FAILURE() << "instantiated";
    return {};
  }

  waot::Module module = waot::Module::load(artifact("imports"));
  Memory memory{waot::Limits{1, 2}};
  Table table{ValType::FuncRef, {2}, Value::nullRef(ValType::FuncRef)};
  Global gMut{Value(int64_t{10}), true};
  std::vector<int32_t> logged;
  std::optional<Function> nest;
  waot::Imports imports;
};

TEST_F(HostImports, InstantiatesRunsStartAndUsesEveryImport) {
  waot::Instance instance(module, imports);
  const waot::Exports &exports = instance.exports();
  // The start function ran last and called the log import.
  EXPECT_EQ(logged, std::vector<int32_t>{1234});
  EXPECT_EQ(exports.global("started").get().i32(), 7);
  EXPECT_EQ(exports.function("started_fn").call({}).at(0).i32(), 7);

  EXPECT_EQ(exports.function<int32_t(int32_t, int32_t)>("call_add")(2, 3),
            5);                     // through the host adapter
  EXPECT_EQ(memory.data()[8], 'i'); // the data segment wrote into the imported memory
  EXPECT_EQ(exports.function<int32_t(int32_t)>("read_mem")(9), 'm');
  EXPECT_EQ(exports.function<int32_t()>("get_g_const")(), 0);
  EXPECT_EQ(exports.function<int64_t()>("bump_g_mut")(), 11);
  EXPECT_EQ(gMut.get().i64(), 11);
  gMut.set(int64_t{100});
  EXPECT_EQ(exports.function<int64_t()>("bump_g_mut")(), 101);

  // The element segment wrote at offset g_const = 0: [seven, add_host].
  EXPECT_EQ(table.get(0).funcref()->call({}).at(0).i32(), 7);
  EXPECT_EQ(table.get(1).funcref()->call({20, 22}).at(0).i32(), 42);
  EXPECT_EQ(exports.function<int32_t(int32_t)>("call_tab")(0), 7);
  try {
    exports.function<int32_t(int32_t)>("call_tab")(1);
    FAIL() << "no trap";
  } catch (const RuntimeError &e) {
    EXPECT_STREQ(e.what(), "indirect call type mismatch");
  }
}

TEST_F(HostImports, HostAndWasmNest) {
  waot::Instance instance(module, imports);
  nest = instance.exports().function("nest");
  // nest(2) = reenter(2) + 1 = (nest(1) + 10) + 1 = ... = 100 + 22.
  EXPECT_EQ(nest->call({2}).at(0).i32(), 122);
  EXPECT_EQ(instance.exports().function<int32_t(int32_t)>("nest")(5), 155);
}

TEST_F(HostImports, ReexportsAreTheImportedObjects) {
  waot::Instance instance(module, imports);
  const waot::Exports &exports = instance.exports();
  EXPECT_TRUE(exports.function("add_reexport") ==
              std::get<Function>(*imports.find("env", "add_host")));
  EXPECT_EQ(exports.function("add_reexport").call({1, 2}).at(0).i32(), 3);
  EXPECT_EQ(exports.memory("mem").data(), memory.data());
  exports.table("tab").set(0, Value::nullRef(ValType::FuncRef));
  EXPECT_TRUE(table.get(0).isNull());
  exports.global("g_mut").set(int64_t{-5});
  EXPECT_EQ(gMut.get().i64(), -5);
}

TEST_F(HostImports, MissingNamespaceIsATypeError) {
  try {
    waot::Instance instance(module, waot::Imports{});
    FAIL() << "instantiated";
  } catch (const TypeError &e) {
    EXPECT_STREQ(e.what(), "unknown import env.add_host: no import namespace \"env\"");
  }
}

TEST_F(HostImports, MissingImportIsALinkError) {
  waot::Imports partial;
  partial.define("env", "add_host", *imports.find("env", "add_host"));
  imports = partial;
  EXPECT_EQ(linkError(), "unknown import env.log: expected function (i32) -> ()");
}

TEST_F(HostImports, FunctionSignatureMismatch) {
  imports.define("env", "add_host", Function::wrap([](int64_t a, int64_t b) { return a + b; }));
  EXPECT_EQ(linkError(),
            "incompatible import type for env.add_host: expected function (i32, i32) -> (i32), "
            "found function (i64, i64) -> (i64)");
}

TEST_F(HostImports, WrongKind) {
  imports.define("env", "log", memory);
  EXPECT_EQ(linkError(), "incompatible import type for env.log: expected function (i32) -> (), "
                         "found memory {min 1, max 2}");
}

TEST_F(HostImports, MemoryLimitsFollowSubtyping) {
  imports.define("env", "mem", Memory(waot::Limits{0, 2}));
  EXPECT_EQ(linkError(), "incompatible import type for env.mem: expected memory {min 1, max 2}, "
                         "found memory {min 0, max 2}");
  imports.define("env", "mem", Memory(waot::Limits{1}));
  EXPECT_NE(linkError().find("found memory {min 1}"),
            std::string::npos); // no maximum, one is declared
  imports.define("env", "mem", Memory(waot::Limits{1, 3}));
  EXPECT_NE(linkError().find("found memory {min 1, max 3}"), std::string::npos);
  // A larger current size and a smaller maximum are fine.
  imports.define("env", "mem", Memory(waot::Limits{2, 2}));
  EXPECT_NO_THROW(waot::Instance(module, imports));
}

TEST_F(HostImports, TableTypeAndLimits) {
  imports.define("env", "tab", Table(ValType::FuncRef, {1}, Value::nullRef(ValType::FuncRef)));
  EXPECT_EQ(linkError(), "incompatible import type for env.tab: expected table funcref {min 2}, "
                         "found table funcref {min 1}");
  imports.define("env", "tab", Table(ValType::ExternRef, {2}, Value::nullRef(ValType::ExternRef)));
  EXPECT_NE(linkError().find("found table externref {min 2}"), std::string::npos);
  imports.define("env", "tab", Table(ValType::FuncRef, {5, 6}, Value::nullRef(ValType::FuncRef)));
  EXPECT_NO_THROW(waot::Instance(module, imports));
}

TEST_F(HostImports, GlobalTypeAndMutability) {
  imports.define("env", "g_const", Global(Value(int64_t{0}), false));
  EXPECT_EQ(linkError(), "incompatible import type for env.g_const: expected global const i32, "
                         "found global const i64");
  imports.define("env", "g_const", Global(Value(0), true));
  EXPECT_EQ(
      linkError(),
      "incompatible import type for env.g_const: expected global const i32, found global mut i32");
  imports.define("env", "g_const", Global(Value(0), false));
  imports.define("env", "g_mut", Global(Value(int64_t{0}), false));
  EXPECT_EQ(
      linkError(),
      "incompatible import type for env.g_mut: expected global mut i64, found global const i64");
}

TEST_F(HostImports, TheFirstBadImportIsReported) {
  imports.define("env", "reenter", memory); // import 6
  imports.define("env", "log", memory);     // import 1
  EXPECT_NE(linkError().find("env.log"), std::string::npos);
}

// Imports provided by other instances: the callee runs with its own context,
// memories/tables/globals are shared, providers stay alive.
TEST(RuntimeCrossInstance, ImportsFromOtherInstances) {
  waot::Instance basic(waot::Module::load(artifact("basic")));
  waot::Instance tables(waot::Module::load(artifact("tables")));
  Global gMut(Value(int64_t{1}), true);
  std::vector<int32_t> logged;

  waot::Imports imports;
  imports.define("env", "add_host", basic.exports().function("add"));
  imports.define("env", "log", Function::wrap([&logged](int32_t v) { logged.push_back(v); }));
  imports.define("env", "mem", Memory(waot::Limits{1, 1}));
  imports.define("env", "tab", tables.exports().table("tab"));
  imports.define("env", "g_const", basic.exports().global("one_g")); // = 1
  imports.define("env", "g_mut", gMut);
  imports.define("env", "reenter", Function::wrap([](int32_t) { return 0; }));

  auto user = std::make_optional<waot::Instance>(waot::Module::load(artifact("imports")), imports);
  // A wasm import calls straight into the provider's code and context.
  EXPECT_EQ(user->exports().function<int32_t(int32_t, int32_t)>("call_add")(30, 12), 42);
  EXPECT_EQ(user->exports().function<int32_t()>("get_g_const")(), 1);

  // The element segment wrote [seven, add] at 1 into the tables instance's
  // table; its call_indirect (type () -> (i32) of another module) accepts
  // seven: type ids are interned across modules.
  const auto callIndirect = tables.exports().function<int32_t(int32_t)>("call_indirect");
  EXPECT_EQ(callIndirect(0), 1);
  EXPECT_EQ(callIndirect(1), 7);
  EXPECT_THROW(callIndirect(2), RuntimeError); // add: (i32, i32) -> (i32)

  // The provider stays alive while the user's import holds it.
  waot::Table providerTable = tables.exports().table("tab");
  tables = waot::Instance(waot::Module::load(artifact("tables")));
  EXPECT_EQ(providerTable.get(1).funcref()->call({}).at(0).i32(), 7);
  EXPECT_EQ(user->exports().function<int32_t(int32_t, int32_t)>("call_add")(1, 1), 2);
  // Once the user is gone, reading its function back is an error, not a crash.
  user.reset();
  EXPECT_THROW(providerTable.get(1).funcref(), RuntimeError);

  // Another instance sharing the same global cell.
  waot::Imports again = imports;
  again.define("env", "g_mut", basic.exports().global("counter_g")); // mut i32, not mut i64
  EXPECT_THROW(waot::Instance(waot::Module::load(artifact("imports")), again), LinkError);
}

TEST(RuntimeCrossInstance, ImportsAnotherInstancesMemory) {
  waot::Instance provider(waot::Module::load(artifact("memory")));
  waot::Imports imports;
  imports.define("env", "tab", Table(ValType::FuncRef, {4}, Value::nullRef(ValType::FuncRef)));
  imports.define("env", "mem",
                 provider.exports().memory("mem")); // {min 1, max 4}: no maximum is declared
  imports.define("env", "elem_at", Global(Value(0), false));
  imports.define("env", "data_at", Global(Value(32), false));
  imports.define("env", "start_kind", Global(Value(0), false));
  waot::Instance user(waot::Module::load(artifact("instantiation")), imports);
  // The user's data segments and start function wrote the provider's memory.
  auto loadU8 = provider.exports().function<int32_t(int32_t)>("load_u8");
  EXPECT_EQ(loadU8(0), 'o');
  EXPECT_EQ(loadU8(34), 'z');
  EXPECT_EQ(loadU8(100), 'S');
  // Growth by the provider is seen through the shared record.
  EXPECT_EQ(provider.exports().function<int32_t(int32_t)>("grow")(1), 1);
  EXPECT_EQ(provider.exports().memory("mem").size(), 2u * 65536);
}

TEST(RuntimeCrossInstance, DefineAllExportsOfAnInstance) {
  waot::Instance basic(waot::Module::load(artifact("basic")));
  waot::Imports imports;
  imports.define("basic", basic.exports());
  ASSERT_NE(imports.find("basic", "add"), nullptr);
  EXPECT_EQ(std::get<Function>(*imports.find("basic", "add")).call({1, 2}).at(0).i32(), 3);
  EXPECT_TRUE(imports.hasModule("basic"));
  EXPECT_FALSE(imports.hasModule("env"));
  EXPECT_EQ(imports.find("basic", "nope"), nullptr);
}

// instantiation.so: element segments [forty_two] at 1 and [forty_two] x 2
// at elem_at, data segments "ok" at 0 and "xyz" at data_at, then a start
// function that marks memory[100] and traps with kind start_kind (if != 0).
class Instantiation : public ::testing::Test {
protected:
  waot::Instance instantiate(int32_t elemAt, int32_t dataAt, int32_t startKind) {
    waot::Imports imports;
    imports.define("env", "tab", table);
    imports.define("env", "mem", memory);
    imports.define("env", "elem_at", Global(Value(elemAt), false));
    imports.define("env", "data_at", Global(Value(dataAt), false));
    imports.define("env", "start_kind", Global(Value(startKind), false));
    return waot::Instance(module, imports);
  }

  std::string trapOf(int32_t elemAt, int32_t dataAt, int32_t startKind) {
    try {
      instantiate(elemAt, dataAt, startKind);
    } catch (const RuntimeError &e) {
      return e.what();
    }
    ADD_FAILURE() << "instantiated";
    return {};
  }

  int32_t callTable(uint32_t index) { return table.get(index).funcref()->call({}).at(0).i32(); }

  waot::Module module = waot::Module::load(artifact("instantiation"));
  Table table{ValType::FuncRef, {4}, Value::nullRef(ValType::FuncRef)};
  Memory memory{waot::Limits{1}};
};

TEST_F(Instantiation, Succeeds) {
  waot::Instance instance = instantiate(2, 10, 0);
  EXPECT_EQ(callTable(1), 42);
  EXPECT_EQ(callTable(3), 42);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data()) + 10, 3), "xyz");
  EXPECT_EQ(memory.data()[100], 'S');
}

TEST_F(Instantiation, ElementSegmentOutOfBounds) {
  EXPECT_EQ(trapOf(3, 10, 0), "out of bounds table access");
  // The first segment's write stays, and its function stays callable.
  EXPECT_EQ(callTable(1), 42);
  EXPECT_TRUE(table.get(3).isNull());
  // Data segments and the start function did not run.
  EXPECT_EQ(memory.data()[0], 0);
  EXPECT_EQ(memory.data()[100], 0);
}

TEST_F(Instantiation, DataSegmentOutOfBounds) {
  EXPECT_EQ(trapOf(2, 65534, 0), "out of bounds memory access");
  EXPECT_EQ(callTable(2), 42);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data()), 2), "ok");
  EXPECT_EQ(memory.data()[65534], 0); // the failing segment wrote nothing
  EXPECT_EQ(memory.data()[100], 0);
}

TEST_F(Instantiation, StartFunctionTraps) {
  EXPECT_EQ(trapOf(0, 65533, 1), "unreachable");
  EXPECT_EQ(std::string(reinterpret_cast<char *>(memory.data()) + 65533, 3), "xyz");
  EXPECT_EQ(memory.data()[100], 'S');
  EXPECT_EQ(callTable(0), 42);
}

TEST_F(Instantiation, StartFunctionTrapsWithAnInvalidKind) {
  EXPECT_EQ(trapOf(0, 0, 99), "trap of unknown kind");
  EXPECT_EQ(trapOf(0, 0, 0x7fffffff), "trap of unknown kind");
}

} // namespace
