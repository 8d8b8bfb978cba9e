// Host functions that see their caller (waot::Caller): each importing
// instance is reported as the caller, through the import and through a
// funcref made of it; the caller's memory and functions are reachable; a
// call from the host has no caller.
#include "e2e_support.hpp"

#include <cstdint>
#include <cstring>
#include <string>

namespace waot::test {
namespace {

using ::testing::HasSubstr;

// Sums `length` bytes of the caller's memory at `address` (the host checks
// the range, as WASI must).
int32_t sumCallerBytes(Caller &caller, int32_t address, int32_t length) {
  const Memory memory = caller.memory();
  const auto begin = static_cast<std::uint32_t>(address);
  const auto count = static_cast<std::uint32_t>(length);
  if (begin > memory.size() || count > memory.size() - begin) return -1;
  int32_t sum = 0;
  for (std::uint32_t i = 0; i < count; ++i)
    sum += memory.data()[begin + i];
  return sum;
}

Imports wrappedImports() {
  Imports imports;
  imports.define("host", "sum", Function::wrap(&sumCallerBytes));
  imports.define("host", "poke", Function::wrap([](Caller &caller, int32_t address, int32_t value) {
                   caller.memory().data()[static_cast<std::uint32_t>(address)] =
                       static_cast<std::uint8_t>(value);
                 }));
  imports.define("host", "twice", Function::wrap([](Caller &caller, int32_t x) {
                   const Function twice = caller.function("double");
                   return twice.call({Value(x)})[0].i32();
                 }));
  return imports;
}

Imports genericImports() {
  Imports imports;
  using Args = std::span<const Value>;
  using Results = std::span<Value>;
  imports.define("host", "sum",
                 Function(FuncType{{ValType::I32, ValType::I32}, {ValType::I32}},
                          Function::CallerHostCallback([](Caller &caller, Args a, Results r) {
                            r[0] = Value(sumCallerBytes(caller, a[0].i32(), a[1].i32()));
                          })));
  imports.define("host", "poke",
                 Function(FuncType{{ValType::I32, ValType::I32}, {}},
                          Function::CallerHostCallback([](Caller &caller, Args a, Results) {
                            caller.memory().data()[a[0].i32()] =
                                static_cast<std::uint8_t>(a[1].i32());
                          })));
  imports.define("host", "twice",
                 Function(FuncType{{ValType::I32}, {ValType::I32}},
                          Function::CallerHostCallback([](Caller &caller, Args a, Results r) {
                            r[0] = caller.function("double").call({a[0]})[0];
                          })));
  return imports;
}

class CallerTest : public ::testing::TestWithParam<bool> {
protected:
  Imports imports() { return GetParam() ? wrappedImports() : genericImports(); }
};

TEST_P(CallerTest, ReadsAndWritesTheCallersMemory) {
  const Imports host = imports();
  Instance instance(compiledModule("caller", 2), host);
  auto sum = instance.exports().function<int32_t(int32_t, int32_t)>("sum");
  EXPECT_EQ(sum(16, 5), 15);
  EXPECT_EQ(sum(65535, 2), -1); // the host's range check, not a crash
  auto poke = instance.exports().function<void(int32_t, int32_t)>("poke");
  poke(100, 42);
  EXPECT_EQ(instance.exports().function<int32_t(int32_t)>("load")(100), 42);
}

TEST_P(CallerTest, EachImportingInstanceIsItsOwnCaller) {
  const Imports host = imports();
  const Module module = compiledModule("caller", 2);
  Instance first(module, host);
  Instance second(module, host);
  first.exports().function<void(int32_t, int32_t)>("poke")(200, 7);
  // The second instance's memory is untouched: the host wrote the caller's.
  EXPECT_EQ(first.exports().function<int32_t(int32_t, int32_t)>("sum")(200, 1), 7);
  EXPECT_EQ(second.exports().function<int32_t(int32_t, int32_t)>("sum")(200, 1), 0);
  second.exports().function<void(int32_t, int32_t)>("poke")(16, 100);
  EXPECT_EQ(second.exports().function<int32_t(int32_t, int32_t)>("sum")(16, 5), 114);
  EXPECT_EQ(first.exports().function<int32_t(int32_t, int32_t)>("sum")(16, 5), 15);
}

TEST_P(CallerTest, ThroughATableTheCallerIsTheImporter) {
  const Imports host = imports();
  Instance instance(compiledModule("caller", 0), host);
  auto poke = instance.exports().function<void(int32_t, int32_t)>("poke");
  poke(17, 10);
  EXPECT_EQ(instance.exports().function<int32_t(int32_t, int32_t)>("sum_indirect")(16, 5), 23);
}

TEST_P(CallerTest, CallsBackIntoTheCaller) {
  const Imports host = imports();
  Instance instance(compiledModule("caller", 2), host);
  EXPECT_EQ(instance.exports().function<int32_t(int32_t)>("twice")(21), 42);
}

TEST_P(CallerTest, AFuncrefOfTheImportIsTheHostFunction) {
  const Imports host = imports();
  Instance instance(compiledModule("caller", 2), host);
  const Value ref = instance.exports().function("sum_ref").call({})[0];
  const std::optional<Function> fromWasm = ref.funcref();
  ASSERT_TRUE(fromWasm.has_value());
  EXPECT_TRUE(*fromWasm == std::get<Function>(*host.find("host", "sum")));
}

TEST_P(CallerTest, CalledFromTheHostThereIsNoCaller) {
  const Imports host = imports();
  const Function sum = std::get<Function>(*host.find("host", "sum"));
  try {
    sum.call({Value(int32_t{0}), Value(int32_t{1})});
    ADD_FAILURE() << "a host call has no caller memory";
  } catch (const Error &e) {
    EXPECT_THAT(e.what(), HasSubstr("no calling instance"));
  }
}

TEST_P(CallerTest, AMissingExportIsAnErrorNamingIt) {
  Imports host;
  host.define("host", "sum", Function::wrap([](Caller &caller, int32_t, int32_t) {
                return static_cast<int32_t>(caller.memory("heap").size());
              }));
  host.define("host", "poke", Function::wrap([](Caller &, int32_t, int32_t) {}));
  host.define("host", "twice", Function::wrap([](Caller &caller, int32_t) {
                return static_cast<int32_t>(caller.memory("load").size());
              }));
  Instance instance(compiledModule("caller", 0), host);
  try {
    instance.exports().function<int32_t(int32_t, int32_t)>("sum")(0, 0);
    ADD_FAILURE() << "expected an error";
  } catch (const Error &e) {
    EXPECT_THAT(e.what(), HasSubstr("exports no memory 'heap'"));
  }
  try {
    instance.exports().function<int32_t(int32_t)>("twice")(0);
    ADD_FAILURE() << "expected an error";
  } catch (const Error &e) {
    EXPECT_THAT(e.what(), HasSubstr("'load' is a function, not a memory"));
  }
}

INSTANTIATE_TEST_SUITE_P(E2E, CallerTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool> &info) {
                           return std::string(info.param ? "Wrapped" : "Generic");
                         });

} // namespace
} // namespace waot::test
