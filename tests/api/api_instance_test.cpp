// Instances: instantiate in both forms and asynchronously, traps during
// instantiation and in calls, host exceptions, the exports' objects, values,
// and many instances of one module on several threads at once.
#include "api_support.hpp"

#include <atomic>
#include <stdexcept>
#include <thread>

namespace waot::apitest {
namespace {

using ::testing::HasSubstr;
using BinaryOp = std::int32_t(std::int32_t, std::int32_t);

// host.callback for host_calls.wat: run(x) returns callback(x) + 1.
Imports hostCalls(std::function<std::int32_t(std::int32_t)> callback) {
  Imports imports;
  imports.define("host", "callback", Function::wrap(std::move(callback)));
  return imports;
}

TEST(ApiInstantiate, FromBytesGivesTheModuleAndTheInstance) {
  auto [compiled, instance] =
      instantiate(wasmBytes("host_calls"), hostCalls([](std::int32_t x) { return x * 2; }));
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t)>("run")(20), 41);
  ASSERT_EQ(compiled.exports().size(), 1u);
  EXPECT_EQ(compiled.exports()[0].name, "run");
  // The module can be instantiated again, with other imports.
  Instance again(compiled, hostCalls([](std::int32_t x) { return -x; }));
  EXPECT_EQ(again.exports().function<std::int32_t(std::int32_t)>("run")(20), -19);
}

TEST(ApiInstantiate, FromAModuleGivesAnInstance) {
  Instance instance = instantiate(module("provider"));
  EXPECT_EQ(instance.exports().function<BinaryOp>("add")(2, 2), 4);
  Instance withImports =
      instantiate(module("host_calls"), hostCalls([](std::int32_t x) { return x; }));
  EXPECT_EQ(withImports.exports().function<std::int32_t(std::int32_t)>("run")(1), 2);
}

TEST(ApiInstantiate, AsyncFromBytesCopiesBytesAndImports) {
  std::vector<std::uint8_t> bytes = wasmBytes("host_calls");
  std::optional<Imports> imports = hostCalls([](std::int32_t x) { return x + 100; });
  std::future<InstantiatedSource> pending = instantiateAsync(bytes, *imports);
  bytes.clear();
  imports.reset();
  InstantiatedSource result = pending.get();
  EXPECT_EQ(result.instance.exports().function<std::int32_t(std::int32_t)>("run")(1), 102);
  EXPECT_EQ(result.module.imports().size(), 1u);
}

TEST(ApiInstantiate, AsyncFromAModule) {
  std::future<Instance> pending = instantiateAsync(module("provider"));
  Instance instance = pending.get();
  EXPECT_EQ(instance.exports().function<BinaryOp>("add")(3, 4), 7);
}

TEST(ApiInstantiate, AsyncErrorsArriveThroughTheFuture) {
  std::future<Instance> unlinked = instantiateAsync(module("host_calls"));
  EXPECT_THAT(errorOf<TypeError>([&] { unlinked.get(); }), HasSubstr("host.callback"));
  std::future<Instance> trapping = instantiateAsync(module("start_trap"));
  EXPECT_THAT(errorOf<RuntimeError>([&] { trapping.get(); }), HasSubstr("unreachable"));
  std::future<InstantiatedSource> malformed = instantiateAsync(std::vector<std::uint8_t>{1, 2, 3});
  EXPECT_THROW(malformed.get(), CompileError);
}

TEST(ApiInstantiate, ManyAsyncInstantiationsAtOnce) {
  std::vector<std::future<Instance>> pending;
  for (int i = 0; i < 16; ++i)
    pending.push_back(instantiateAsync(module("provider")));
  for (auto &future : pending)
    EXPECT_EQ(future.get().exports().function<BinaryOp>("add")(1, 1), 2);
}

TEST(ApiTraps, StartFunctionTrapIsARuntimeErrorFromTheConstructor) {
  try {
    Instance instance(module("start_trap"));
    ADD_FAILURE() << "instantiated";
  } catch (const RuntimeError &e) {
    EXPECT_EQ(e.trapKind(), TrapKind::Unreachable);
    EXPECT_STREQ(e.what(), "unreachable");
  }
}

TEST(ApiTraps, SegmentInitializationTrapsAreRuntimeErrors) {
  EXPECT_EQ(errorOf<RuntimeError>([] { Instance(module("data_trap")); }),
            "out of bounds memory access");
  EXPECT_EQ(errorOf<RuntimeError>([] { Instance(module("elem_trap")); }),
            "out of bounds table access");
}

TEST(ApiTraps, ATrapInAnExportCallNamesTheTrap) {
  Instance instance(module("provider"));
  auto div = instance.exports().function<BinaryOp>("div");
  try {
    div(1, 0);
    ADD_FAILURE() << "no trap";
  } catch (const RuntimeError &e) {
    EXPECT_EQ(e.trapKind(), TrapKind::IntegerDivideByZero);
    EXPECT_STREQ(e.what(), "integer divide by zero");
  }
  EXPECT_EQ(errorOf<RuntimeError>([&] {
              instance.exports().function("div").call({INT32_MIN, -1});
            }),
            "integer overflow");
  EXPECT_EQ(div(9, 3), 3) << "the instance is usable after a trap";
}

struct HostProblem : std::runtime_error {
  explicit HostProblem(int code) : std::runtime_error("host problem"), code(code) {}
  int code;
};

TEST(ApiHostFunctions, AnExceptionReachesTheExportsCallerUnchanged) {
  Instance instance(module("host_calls"),
                    hostCalls([](std::int32_t x) -> std::int32_t { throw HostProblem(x); }));
  try {
    instance.exports().function<std::int32_t(std::int32_t)>("run")(7);
    ADD_FAILURE() << "no exception";
  } catch (const HostProblem &e) {
    EXPECT_EQ(e.code, 7);
  }
  try {
    instance.exports().function("run").call({8});
    ADD_FAILURE() << "no exception";
  } catch (const HostProblem &e) {
    EXPECT_EQ(e.code, 8);
  }
}

TEST(ApiHostFunctions, AWaotErrorFromTheHostKeepsItsClass) {
  Instance instance(module("host_calls"),
                    hostCalls([](std::int32_t) -> std::int32_t { throw LinkError("mine"); }));
  EXPECT_EQ(errorOf<LinkError>([&] { instance.exports().function("run").call({1}); }), "mine");
}

TEST(ApiHostFunctions, GenericHostFunctionsOverValues) {
  Imports imports;
  imports.define("host", "callback",
                 Function(FuncType{{ValType::I32}, {ValType::I32}},
                          [](std::span<const Value> args, std::span<Value> results) {
                            results[0] = args[0].i32() * 3;
                          }));
  Instance instance(module("host_calls"), imports);
  EXPECT_EQ(instance.exports().function("run").call({Value(5)}), std::vector<Value>{Value(16)});
}

TEST(ApiExports, MemoryGlobalTableAndFunctions) {
  Instance instance(module("provider"));
  const Exports &exports = instance.exports();

  Memory memory = exports.memory("memory");
  EXPECT_EQ(memory.size(), 65536u);
  memory.data()[5] = 9;
  EXPECT_EQ(exports.function<std::int32_t(std::int32_t)>("load8")(5), 9);
  std::uint8_t *before = memory.data();
  EXPECT_EQ(memory.grow(2), 1u);
  EXPECT_EQ(memory.size(), 3u * 65536u);
  EXPECT_EQ(memory.data(), before) << "the base never moves";
  EXPECT_THAT(errorOf<RuntimeError>([&] { memory.grow(2); }), HasSubstr("maximum 4"));

  Global counter = exports.global("counter");
  EXPECT_EQ(counter.get().i32(), 10);
  counter.set(25);
  EXPECT_EQ(exports.function<std::int32_t()>("counter_value")(), 25);
  Global pi = exports.global("pi");
  EXPECT_EQ(pi.get().f64(), 3.5);
  EXPECT_THAT(errorOf<TypeError>([&] { pi.set(1.0); }), HasSubstr("immutable"));
  EXPECT_THROW(counter.set(std::int64_t{1}), TypeError);

  Table table = exports.table("table");
  EXPECT_EQ(table.size(), 2u);
  const std::optional<Function> first = table.get(0).funcref();
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(*first == exports.function("add"));
  table.set(1, exports.function("add"));
  EXPECT_EQ(exports.function<std::int32_t(std::int32_t, std::int32_t, std::int32_t)>("call_slot")(
                1, 2, 3),
            5);

  EXPECT_EQ(exports.function("add").call({Value(1), Value(2)}), std::vector<Value>{Value(3)});
  EXPECT_THROW(exports.function("add").call({Value(1)}), TypeError);
  EXPECT_THROW(exports.function<std::int64_t(std::int64_t)>("add"), TypeError);
  EXPECT_THAT(errorOf<Error>([&] { exports.memory("add"); }), HasSubstr("\"add\""));
  EXPECT_THAT(errorOf<Error>([&] { exports.function("nothing"); }), HasSubstr("\"nothing\""));
  EXPECT_EQ(exports.find("nothing"), nullptr);
}

TEST(ApiValues, ImplicitConstructionAndAccessors) {
  const Value i = std::int32_t{-3}, l = std::int64_t{1} << 40, f = 1.5f, d = 2.25;
  EXPECT_EQ(i.type(), ValType::I32);
  EXPECT_EQ(i.i32(), -3);
  EXPECT_EQ(l.type(), ValType::I64);
  EXPECT_EQ(l.i64(), std::int64_t{1} << 40);
  EXPECT_EQ(f.type(), ValType::F32);
  EXPECT_EQ(f.f32(), 1.5f);
  EXPECT_EQ(d.type(), ValType::F64);
  EXPECT_EQ(d.f64(), 2.25);
  EXPECT_THROW(i.i64(), TypeError);
  EXPECT_THROW(d.f32(), TypeError);

  const Function host = Function::wrap([](std::int32_t x) { return x; });
  const Value ref = host;
  EXPECT_EQ(ref.type(), ValType::FuncRef);
  ASSERT_TRUE(ref.funcref().has_value());
  EXPECT_TRUE(*ref.funcref() == host);
  int payload = 0;
  const Value external = Value::externref(&payload);
  EXPECT_EQ(external.externref(), &payload);
  EXPECT_TRUE(Value::nullRef(ValType::FuncRef).isNull());
}

TEST(ApiErrors, EveryClassIsAWaotErrorAndARuntimeError) {
  static_assert(std::is_base_of_v<std::runtime_error, Error>);
  static_assert(std::is_base_of_v<Error, CompileError>);
  static_assert(std::is_base_of_v<Error, LinkError>);
  static_assert(std::is_base_of_v<Error, RuntimeError>);
  static_assert(std::is_base_of_v<Error, TypeError>);
  // And they are told apart by class, e.g. in one catch chain.
  EXPECT_THROW(Instance(module("host_calls")), Error);
}

TEST(ApiThreads, ManyInstancesOfOneModuleOnSeveralThreadsAtOnce) {
  const Module provider = module("provider"); // shared by every thread
  const Module hostModule = module("host_calls");
  constexpr int kThreads = 4;
  constexpr int kInstancesPerThread = 25;
  std::atomic<int> failures{0};
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int n = 0; n < kInstancesPerThread; ++n) {
        Instance instance(provider);
        const Exports &e = instance.exports();
        e.memory("memory").data()[n] = static_cast<std::uint8_t>(t + 1);
        e.global("counter").set(t * 1000 + n);
        const bool ok = e.function<BinaryOp>("add")(t, n) == t + n &&
                        e.function<std::int32_t(std::int32_t)>("load8")(n) == t + 1 &&
                        e.function<std::int32_t()>("counter_value")() == t * 1000 + n;
        Instance host(hostModule, hostCalls([&calls, t](std::int32_t x) {
                        ++calls;
                        return x * t;
                      }));
        const bool hostOk =
            host.exports().function<std::int32_t(std::int32_t)>("run")(n) == n * t + 1;
        if (!ok || !hostOk) ++failures;
      }
    });
  }
  for (auto &thread : threads)
    thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(calls.load(), kThreads * kInstancesPerThread);
}

} // namespace
} // namespace waot::apitest
