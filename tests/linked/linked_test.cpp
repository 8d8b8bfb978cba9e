// Modules linked into this test program (waot_add_module: objects and
// generated headers), instantiated with no dlopen: typed exports, imports of
// every extern kind between linked modules, .so modules and host functions,
// traps, one module linked twice under two names.
#include "consumer.h"
#include "counter_a.h"
#include "counter_b.h"
#include "names.h"
#include "provider.h"

#include <waot/abi.h>
#include <waot/waot.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using consumer = waot::linked::consumer::Instance;
using provider = waot::linked::provider::Instance;

// The imports of `consumer`: provider's exports and a host function that
// records what it is given.
waot::Imports consumerImports(const waot::Exports &providerExports, std::vector<int32_t> &reports) {
  waot::Imports imports;
  imports.define("provider", providerExports);
  imports.define("host", "report",
                 waot::Function::wrap([&reports](int32_t value) { reports.push_back(value); }));
  return imports;
}

TEST(Linked, TypedExportsOfEveryKind) {
  provider p;
  EXPECT_EQ(p.double_(21), 42);
  EXPECT_EQ(p.add_base(1), 101);
  p.base.set(int32_t{7});
  EXPECT_EQ(p.add_base(1), 8);
  EXPECT_EQ(p.memory.size(), 1u * WAOT_PAGE_SIZE);
  EXPECT_EQ(p.table.size(), 2u);
  // A multi-value function is a waot::Function (TypedFunction takes one result).
  const std::vector<waot::Value> pair = p.pair.call({int64_t{-5}});
  ASSERT_EQ(pair.size(), 2u);
  EXPECT_EQ(pair[0].i64(), -5);
  EXPECT_EQ(pair[1].f64(), -5.0);
}

TEST(Linked, LibcCallsResolveAgainstTheApplicationsLibc) {
  provider p;
  // Run-time lengths: LLVM calls memset/memmove, linked from this program's libc.
  p.fill(10, 0xAB, 1000);
  p.copy(5000, 10, 1000);
  const std::uint8_t *bytes = p.memory.data();
  EXPECT_EQ(bytes[9], 0);
  EXPECT_EQ(bytes[10], 0xAB);
  EXPECT_EQ(bytes[5999], 0xAB);
  EXPECT_EQ(bytes[6000], 0);
  EXPECT_THROW(p.fill(65000, 1, 1000), waot::RuntimeError);
}

TEST(Linked, TrapsAreRuntimeErrorsNamingTheFunction) {
  provider p;
  try {
    p.divide(1, 0);
    FAIL() << "no trap";
  } catch (const waot::RuntimeError &error) {
    EXPECT_STREQ(error.what(), "integer divide by zero");
    ASSERT_TRUE(error.site().has_value());
    EXPECT_EQ(error.site()->functionName, "divide");
  }
  try {
    p.load(WAOT_PAGE_SIZE - 2);
    FAIL() << "no trap";
  } catch (const waot::RuntimeError &error) {
    EXPECT_STREQ(error.what(), "out of bounds memory access");
    ASSERT_TRUE(error.site().has_value());
    EXPECT_EQ(error.site()->functionName, "load");
  }
  EXPECT_THROW(p.recurse(0), waot::RuntimeError);
  // The instance stays usable after its traps.
  EXPECT_EQ(p.divide(9, 3), 3);
}

TEST(Linked, StackExhaustionOnAnotherThreadIsATrapToo) {
  std::string message;
  std::thread worker([&] {
    provider p;
    try {
      p.recurse(1);
    } catch (const waot::RuntimeError &error) {
      message = error.what();
    }
  });
  worker.join();
  EXPECT_EQ(message, "call stack exhausted");
}

TEST(Linked, ImportsEveryKindFromAnotherLinkedModuleAndTheHost) {
  provider p;
  std::vector<int32_t> reports;
  consumer c(consumerImports(p.instance.exports(), reports));
  p.memory.data()[0] = 5;
  // double(10) + triple(10) + base + memory[0]
  EXPECT_EQ(c.run(10), 20 + 30 + 100 + 5);
  c.set_base(1);
  EXPECT_EQ(p.add_base(0), 1) << "the global is shared";
  EXPECT_EQ(c.run(1), 2 + 3 + 1 + 5);
  EXPECT_EQ(reports, (std::vector<int32_t>{155, 11}));
}

TEST(Linked, ImportsBetweenLinkedAndSharedLibraryModules) {
  // .so modules compiled from the same .wasm files, loaded with dlopen.
  waot::Instance sharedProvider(waot::Module::load(WAOT_PROVIDER_SO));
  std::vector<int32_t> reports;
  // A linked consumer of a .so provider.
  consumer c(consumerImports(sharedProvider.exports(), reports));
  EXPECT_EQ(c.run(1), 2 + 3 + 100 + 0);

  // A .so consumer of a linked provider.
  provider p;
  p.memory.data()[0] = 9;
  waot::Instance sharedConsumer(waot::Module::load(WAOT_CONSUMER_SO),
                                consumerImports(p.instance.exports(), reports));
  EXPECT_EQ(sharedConsumer.exports().function<int32_t(int32_t)>("run")(2), 4 + 6 + 100 + 9);

  // Mixed: the linked provider's memory, table and global with the .so
  // provider's function.
  waot::Imports mixed = consumerImports(p.instance.exports(), reports);
  mixed.define("provider", "double", sharedProvider.exports().function("double"));
  consumer c2(mixed);
  EXPECT_EQ(c2.run(3), 6 + 9 + 100 + 9);
  EXPECT_EQ(reports, (std::vector<int32_t>{105, 119, 124}));
}

TEST(Linked, MissingOrMismatchedImportsAreLinkErrors) {
  provider p;
  waot::Imports imports;
  imports.define("provider", p.instance.exports());
  imports.define("host", "report", waot::Function::wrap([](int64_t) {}));
  try {
    consumer c(imports);
    FAIL() << "instantiated with a mismatched import";
  } catch (const waot::LinkError &error) {
    EXPECT_NE(std::string(error.what()).find("report"), std::string::npos) << error.what();
  }
  EXPECT_THROW(consumer{}, waot::TypeError); // no "provider" namespace at all
}

TEST(Linked, OneModuleLinkedTwiceUnderTwoNamesKeepsSeparateState) {
  waot::linked::counter_a::Instance a1, a2;
  waot::linked::counter_b::Instance b;
  EXPECT_EQ(a1.next(), 1);
  EXPECT_EQ(a1.next(), 2);
  EXPECT_EQ(a2.next(), 1);
  EXPECT_EQ(b.next(), 1);
  EXPECT_EQ(a1.count.get().i32(), 2);
  EXPECT_EQ(b.count.get().i32(), 1);
  // Two objects, two descriptors, two modules with the same interface.
  EXPECT_NE(&waot_module_counter_a, &waot_module_counter_b);
  EXPECT_EQ(waot::linked::counter_a::module().exports().size(),
            waot::linked::counter_b::module().exports().size());
}

TEST(Linked, TheDescriptorDescribesTheLinkedModule) {
  EXPECT_STREQ(waot_module_provider.link_name, "provider");
  EXPECT_NE(waot_module_provider.code_begin, nullptr);
  EXPECT_LT(waot_module_provider.code_begin, waot_module_provider.code_end);
  EXPECT_NE(waot::linked::provider::module().producer().find("waot"), std::string::npos);
}

TEST(Linked, ADescriptorOfAnotherAbiIsRefused) {
  waot_artifact copy;
  std::memcpy(&copy, &waot_module_counter_a, sizeof copy);
  copy.abi_version = WAOT_ABI_VERSION + 1;
  try {
    waot::Module::linked(copy);
    FAIL() << "loaded a descriptor of another ABI";
  } catch (const waot::CompileError &error) {
    EXPECT_NE(std::string(error.what()).find("ABI version"), std::string::npos) << error.what();
  }
  std::memcpy(&copy, &waot_module_counter_a, sizeof copy);
  copy.link_name = nullptr; // a shared library's descriptor
  EXPECT_THROW(waot::Module::linked(copy), waot::CompileError);
}

TEST(Linked, CApiInstantiatesThroughTheGeneratedHeader) {
  provider_instance_t instance;
  ASSERT_EQ(provider_instantiate(nullptr, &instance), WAOT_OK) << waot_last_error_message();
  int32_t doubled = 0;
  EXPECT_EQ(provider_double_(&instance, 4, &doubled), WAOT_OK);
  EXPECT_EQ(doubled, 8);
  int64_t first = 0;
  double second = 0;
  EXPECT_EQ(provider_pair(&instance, 3, &first, &second), WAOT_OK);
  EXPECT_EQ(first, 3);
  EXPECT_EQ(second, 3.0);
  EXPECT_EQ(provider_divide(&instance, 1, 0, nullptr), WAOT_ERROR_RUNTIME);
  EXPECT_STREQ(waot_last_error_message(), "integer divide by zero");
  provider_delete(&instance);
  EXPECT_EQ(instance.instance, nullptr);

  consumer_instance_t unlinked;
  EXPECT_EQ(consumer_instantiate(nullptr, &unlinked), WAOT_ERROR_TYPE);
  EXPECT_EQ(unlinked.instance, nullptr);
}

TEST(Linked, ExportNamesBecomeUniqueIdentifiers) {
  waot::linked::names::Instance n;
  EXPECT_EQ(n.a_b(), 7);   // "a-b"
  EXPECT_EQ(n.a_b_2(), 8); // "a_b"
  EXPECT_EQ(n.delete_(), 7);
  EXPECT_EQ(n.Instance_(), 7);
  EXPECT_EQ(n.module_(), 7);
  EXPECT_EQ(n.instance_(), 7);
  EXPECT_EQ(n.class_(), 7);
  EXPECT_EQ(n.x_y(), 7);
  EXPECT_EQ(n._ber(), 8); // "über"
  EXPECT_EQ(n._(), 8);    // ""
  EXPECT_EQ(n.nul_inside(), 8);
  EXPECT_EQ(n._9lives(), 7);
  EXPECT_EQ(n.a_quote_(), 8);
}

} // namespace
