// Linking: the JS API's "read the imports" rules (exact error classes, the
// import's module.name and both types in the message) and one instance's
// exports of all four kinds serving as another instance's imports.
#include "api_support.hpp"

namespace waot::apitest {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Imports that satisfy consumer.wat, made by the host; each test spoils one.
class ConsumerImports : public ::testing::Test {
protected:
  ConsumerImports() {
    imports.define("provider", "add",
                   Function::wrap([](std::int32_t a, std::int32_t b) { return a + b; }));
    imports.define("provider", "memory", Memory(Limits{1, 4}));
    imports.define("provider", "table",
                   Table(ValType::FuncRef, Limits{2}, Value::nullRef(ValType::FuncRef)));
    imports.define("provider", "counter", Global(Value(std::int32_t{0}), true));
  }

  std::string linkError() {
    return errorOf<LinkError>([&] { Instance(module("consumer"), imports); });
  }

  Imports imports;
};

TEST_F(ConsumerImports, TheHostsObjectsSatisfyTheModule) {
  Instance instance(module("consumer"), imports);
  EXPECT_EQ(
      instance.exports().function<std::int32_t(std::int32_t, std::int32_t)>("call_add")(20, 22),
      42);
}

TEST_F(ConsumerImports, MissingNamespaceIsATypeError) {
  Imports none;
  const std::string message = errorOf<TypeError>([&] { Instance(module("consumer"), none); });
  EXPECT_THAT(message, AllOf(HasSubstr("provider.add"), HasSubstr("\"provider\"")));
}

TEST_F(ConsumerImports, MissingNameIsALinkError) {
  Imports partial;
  partial.define("provider", "memory", Memory(Limits{1, 4}));
  const std::string message = errorOf<LinkError>([&] { Instance(module("consumer"), partial); });
  EXPECT_THAT(message, AllOf(HasSubstr("provider.add"), HasSubstr("function (i32, i32) -> (i32)")));
}

TEST_F(ConsumerImports, WrongKindIsALinkError) {
  imports.define("provider", "add", Memory(Limits{1}));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.add"), HasSubstr("expected function (i32, i32) -> (i32)"),
                    HasSubstr("found memory {min 1}")));
}

TEST_F(ConsumerImports, WrongFunctionSignatureIsALinkError) {
  imports.define("provider", "add", Function::wrap([](std::int64_t a, std::int32_t) { return a; }));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.add"), HasSubstr("expected function (i32, i32) -> (i32)"),
                    HasSubstr("found function (i64, i32) -> (i64)")));
}

TEST_F(ConsumerImports, MemoryBelowTheMinimumIsALinkError) {
  imports.define("provider", "memory", Memory(Limits{0, 4}));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.memory"), HasSubstr("expected memory {min 1, max 4}"),
                    HasSubstr("found memory {min 0, max 4}")));
}

TEST_F(ConsumerImports, MemoryWithoutTheDeclaredMaximumIsALinkError) {
  imports.define("provider", "memory", Memory(Limits{1}));
  EXPECT_THAT(linkError(), AllOf(HasSubstr("provider.memory"), HasSubstr("found memory {min 1}")));
  imports.define("provider", "memory", Memory(Limits{1, 5}));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.memory"), HasSubstr("found memory {min 1, max 5}")));
}

TEST_F(ConsumerImports, LargerMinimumAndSmallerMaximumAreFine) {
  imports.define("provider", "memory", Memory(Limits{2, 3}));
  imports.define("provider", "table",
                 Table(ValType::FuncRef, Limits{5, 9}, Value::nullRef(ValType::FuncRef)));
  EXPECT_NO_THROW(Instance(module("consumer"), imports));
}

TEST_F(ConsumerImports, TableOfAnotherElementTypeOrTooSmallIsALinkError) {
  imports.define("provider", "table",
                 Table(ValType::ExternRef, Limits{2}, Value::nullRef(ValType::ExternRef)));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.table"), HasSubstr("expected table funcref {min 2}"),
                    HasSubstr("found table externref {min 2}")));
  imports.define("provider", "table",
                 Table(ValType::FuncRef, Limits{1}, Value::nullRef(ValType::FuncRef)));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.table"), HasSubstr("found table funcref {min 1}")));
}

TEST_F(ConsumerImports, GlobalOfAnotherTypeIsALinkError) {
  imports.define("provider", "counter", Global(Value(std::int64_t{0}), true));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.counter"), HasSubstr("expected global mut i32"),
                    HasSubstr("found global mut i64")));
}

TEST_F(ConsumerImports, GlobalOfAnotherMutabilityIsALinkError) {
  imports.define("provider", "counter", Global(Value(std::int32_t{0}), false));
  EXPECT_THAT(linkError(),
              AllOf(HasSubstr("provider.counter"), HasSubstr("expected global mut i32"),
                    HasSubstr("found global const i32")));
}

TEST(ApiCrossInstance, OneInstancesExportsAreAnothersImports) {
  Instance provider(module("provider"));
  Imports imports;
  // One by one (the four kinds as Externs) ...
  for (const char *name : {"add", "memory", "table", "counter"})
    imports.define("provider", name, *provider.exports().find(name));
  Instance consumer(module("consumer"), imports);
  const Exports &p = provider.exports();
  const Exports &c = consumer.exports();

  // function: the consumer calls the provider's add.
  EXPECT_EQ(c.function<std::int32_t(std::int32_t, std::int32_t)>("call_add")(40, 2), 42);
  // memory: a store by the consumer is a load of the provider, and the host's view.
  c.function<void(std::int32_t, std::int32_t)>("store8")(100, 77);
  EXPECT_EQ(p.function<std::int32_t(std::int32_t)>("load8")(100), 77);
  EXPECT_EQ(p.memory("memory").data()[100], 77);
  // table: the consumer's element segment put its $mul into the provider's slot 1.
  EXPECT_EQ(
      p.function<std::int32_t(std::int32_t, std::int32_t, std::int32_t)>("call_slot")(1, 6, 7), 42);
  EXPECT_EQ(
      c.function<std::int32_t(std::int32_t, std::int32_t, std::int32_t)>("call_slot")(0, 6, 7), 13);
  // global: both see the same cell.
  EXPECT_EQ(c.function<std::int32_t()>("bump")(), 11);
  EXPECT_EQ(p.function<std::int32_t()>("counter_value")(), 11);
  p.global("counter").set(std::int32_t{100});
  EXPECT_EQ(c.function<std::int32_t()>("bump")(), 101);
}

TEST(ApiCrossInstance, AWholeInstanceAsANamespace) {
  Instance provider(module("provider"));
  Imports imports;
  imports.define("provider", provider.exports());
  Instance consumer(module("consumer"), imports);
  EXPECT_EQ(consumer.exports().function<std::int32_t(std::int32_t, std::int32_t)>("call_add")(1, 2),
            3);
}

TEST(ApiCrossInstance, ImportedObjectsOutliveTheirProvidersHandle) {
  std::optional<Instance> provider(Instance(module("provider")));
  Imports imports;
  imports.define("provider", provider->exports());
  Instance consumer(module("consumer"), imports);
  provider.reset(); // the consumer keeps what it imported alive
  imports = Imports();
  EXPECT_EQ(consumer.exports().function<std::int32_t(std::int32_t, std::int32_t)>("call_add")(1, 2),
            3);
  EXPECT_EQ(consumer.exports().function<std::int32_t()>("bump")(), 11);
}

} // namespace
} // namespace waot::apitest
