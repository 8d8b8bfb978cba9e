// Imports, host functions, globals and the start function, end to end.
#include "e2e_support.hpp"

#include <atomic>
#include <thread>

namespace waot::test {
namespace {

class Linking : public AtOptLevel {
protected:
  Imports hostImports(std::vector<int64_t> &logged) {
    Imports imports;
    imports.define("host", "add", Function::wrap([](int32_t a, int32_t b) { return a + b; }));
    imports.define("host", "log", Function::wrap([&logged](int64_t v) { logged.push_back(v); }));
    imports.define("host", "base", Global(Value(1000), false));
    imports.define("host", "counter", counter_);
    return imports;
  }
  Global counter_{Value(int64_t{10}), true};
};

TEST_P(Linking, HostFunctionsGlobalsAndStart) {
  std::vector<int64_t> logged;
  Instance m(module("linking"), hostImports(logged));
  EXPECT_EQ(m.exports().global("started").get().i32(), 1); // start function ran
  EXPECT_EQ(m.exports().global("answer").get().i32(), 42);
  EXPECT_EQ(m.exports().function("add_base").call({Value(5)})[0].i32(), 1005);
  m.exports().function("set_g").call({Value(7)});
  EXPECT_EQ(m.exports().function("add_base").call({Value(5)})[0].i32(), 12);
  m.exports().function("log").call({Value(int64_t{-99})});
  EXPECT_EQ(logged, std::vector<int64_t>{-99});
  // The imported mutable global is shared with the host.
  EXPECT_EQ(m.exports().function("bump").call({})[0].i64(), 11);
  EXPECT_EQ(counter_.get().i64(), 11);
  counter_.set(Value(int64_t{100}));
  EXPECT_EQ(m.exports().function("bump").call({})[0].i64(), 101);
}

TEST_P(Linking, TypedExportCall) {
  std::vector<int64_t> logged;
  Instance m(module("linking"), hostImports(logged));
  auto addBase = m.exports().function<int32_t(int32_t)>("add_base");
  EXPECT_EQ(addBase(1), 1001);
  EXPECT_THROW(m.exports().function<int64_t(int32_t)>("add_base"), TypeError);
}

TEST_P(Linking, HostExceptionReachesTheCaller) {
  struct Boom : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  Imports imports;
  std::vector<int64_t> logged;
  imports = hostImports(logged);
  imports.define("host", "add",
                 Function::wrap([](int32_t, int32_t) -> int32_t { throw Boom("host failure"); }));
  Instance m(module("linking"), imports);
  EXPECT_THROW(m.exports().function("add_base").call({Value(1)}), Boom);
  EXPECT_EQ(m.exports().global("answer").get().i32(), 42); // still usable
}

TEST_P(Linking, MissingImportsAreReported) {
  Imports none;
  EXPECT_THROW(Instance(module("linking"), none), TypeError); // no "host" namespace
  Imports partial;
  partial.define("host", "add", Function::wrap([](int32_t a, int32_t) { return a; }));
  try {
    Instance instance(module("linking"), partial);
    FAIL() << "expected a LinkError";
  } catch (const LinkError &e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("host.log"));
  }
  Imports wrongType;
  std::vector<int64_t> logged;
  wrongType = hostImports(logged);
  wrongType.define("host", "add", Function::wrap([](int64_t a) { return a; }));
  EXPECT_THROW(Instance(module("linking"), wrongType), LinkError);
}

TEST_P(Linking, ManyInstancesOnSeveralThreads) {
  const Module mod = module("control");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Instance instance(mod);
        if (instance.exports().function("fib").call({Value(15)})[0].i32() != 610) ++failures;
      }
    });
  for (auto &t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(E2E, Linking, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
