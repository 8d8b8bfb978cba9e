// Per-instance resource limits end to end: memory.grow and table.grow stop
// at the limits with -1, an instance that would start beyond them is refused,
// in C++ and C.
#include "e2e_support.hpp"

#include <waot/compiler.h>
#include <waot/waot.h>

namespace waot::test {
namespace {

class Limits : public AtOptLevel {
protected:
  Instance instanceWith(const InstanceLimits &limits) {
    return Instance(module("limits"), Imports{}, limits);
  }
  static InstanceLimits limits(std::optional<std::uint64_t> pages,
                               std::optional<std::uint64_t> elements) {
    InstanceLimits result;
    result.maxMemoryPages = pages;
    result.maxTableElements = elements;
    return result;
  }
  static int32_t call(const Instance &instance, const char *name, int32_t argument) {
    return instance.exports().function<int32_t(int32_t)>(name)(argument);
  }
};

TEST_P(Limits, GrowingStopsAtTheLimits) {
  const Instance limited = instanceWith(limits(3, 5));
  EXPECT_EQ(call(limited, "grow_memory", 1), 1);
  EXPECT_EQ(call(limited, "grow_memory", 1), 2);
  EXPECT_EQ(call(limited, "grow_memory", 1), -1) << "a fourth page is over the limit";
  EXPECT_EQ(limited.exports().function<int32_t()>("pages")(), 3);
  EXPECT_EQ(limited.exports().memory("memory").grow(0), 3u);
  EXPECT_THROW(limited.exports().memory("memory").grow(1), Error) << "the host is limited too";
  EXPECT_EQ(call(limited, "grow_table", 4), 1);
  EXPECT_EQ(call(limited, "grow_table", 1), -1);
  EXPECT_EQ(limited.exports().table("table").size(), 5u);
  // The declared limits are unchanged (they are the module's, the limits the instance's).
  EXPECT_FALSE(limited.exports().memory("memory").limits().max.has_value());
}

TEST_P(Limits, NoLimitsByDefault) {
  const Instance free(module("limits"));
  EXPECT_EQ(call(free, "grow_memory", 100), 1);
  EXPECT_EQ(call(free, "grow_table", 1000), 1);
  const Instance onlyTables = instanceWith(limits(std::nullopt, 2));
  EXPECT_EQ(call(onlyTables, "grow_memory", 100), 1);
  EXPECT_EQ(call(onlyTables, "grow_table", 2), -1);
}

TEST_P(Limits, AnInstanceThatWouldStartBeyondThemIsRefused) {
  try {
    (void)instanceWith(limits(0, std::nullopt));
    ADD_FAILURE() << "instantiated with a memory over the limit";
  } catch (const RuntimeError &e) {
    EXPECT_STREQ(e.what(), "memory 0 starts with 1 pages, more than the instance's limit of 0");
  }
  EXPECT_THROW((void)instanceWith(limits(std::nullopt, 0)), RuntimeError);
}

TEST_P(Limits, TheCApi) {
  const std::vector<std::uint8_t> wasm = wasmBytes("limits");
  waot_compile_options_t options;
  waot_compile_options_init(&options);
  options.opt_level = GetParam();
  waot_module_t *module = nullptr;
  ASSERT_EQ(waot_compile(wasm.data(), wasm.size(), &options, &module), WAOT_OK);
  const waot_instance_limits_t limits{2, WAOT_NO_LIMIT, WAOT_NO_LIMIT};
  waot_instance_t *instance = nullptr;
  ASSERT_EQ(waot_instance_new_with_limits(module, nullptr, &limits, &instance), WAOT_OK)
      << waot_last_error_message();
  waot_func_t *grow = nullptr;
  ASSERT_EQ(waot_instance_export_func(instance, "grow_memory", &grow), WAOT_OK);
  waot_value_t argument = waot_value_i32(1), result{};
  ASSERT_EQ(waot_func_call(grow, &argument, 1, &result, 1), WAOT_OK);
  EXPECT_EQ(result.of.i32, 1);
  ASSERT_EQ(waot_func_call(grow, &argument, 1, &result, 1), WAOT_OK);
  EXPECT_EQ(result.of.i32, -1);
  waot_func_delete(grow);
  waot_instance_delete(instance);
  const waot_instance_limits_t none{0, WAOT_NO_LIMIT, WAOT_NO_LIMIT};
  EXPECT_EQ(waot_instance_new_with_limits(module, nullptr, &none, &instance), WAOT_ERROR_RUNTIME);
  ASSERT_EQ(waot_instance_new_with_limits(module, nullptr, nullptr, &instance), WAOT_OK);
  waot_instance_delete(instance);
  waot_module_delete(module);
}

INSTANTIATE_TEST_SUITE_P(Levels, Limits, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
