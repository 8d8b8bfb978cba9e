// memory64 and table64 (Wasm 3.0) end to end (tests/wat/memory64.wat,
// compiled at -O0 and -O2, run through the C++ API): i64 addresses trap at
// and past the end of memory, also at and beyond 2^32 and when address +
// offset passes 2^64; memory.size/grow in i64 pages; bulk instructions on
// i64 ranges (also between a 64-bit and a 32-bit memory); a 64-bit table
// through call_indirect and the table instructions; imports of 64-bit
// memories type-checked against 32-bit ones (LinkError).
#include "e2e_support.hpp"

#include <cstring>
#include <limits>

namespace waot::test {
namespace {

constexpr std::int64_t kPage = 65536;
constexpr std::int64_t k2To32 = std::int64_t{1} << 32;
constexpr std::int64_t kMax64 = -1; // 2^64 - 1 as an unsigned address

class Memory64 : public AtOptLevel {
protected:
  Memory64() : imported(Limits{1, std::nullopt, /*is64=*/true}) {
    Imports imports;
    imports.define("env", "mem64", imported);
    instance.emplace(module("memory64"), imports);
  }
  template <class Signature> auto fn(const std::string &name) {
    return instance->exports().function<Signature>(name);
  }
  void expectOutOfBounds(const std::string &name, std::int64_t address) {
    SCOPED_TRACE(name + " at " + std::to_string(address));
    expectTrap([&] { fn<std::int32_t(std::int64_t)>(name)(address); },
               "out of bounds memory access");
  }

  Memory imported;
  std::optional<Instance> instance;
};

TEST_P(Memory64, LoadsAndStoresUseI64Addresses) {
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(100), 'h');
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(103), '4') << "the i64 data offset";
  fn<void(std::int64_t, std::int64_t)>("store64")(1000, std::int64_t{0x1122334455667788});
  EXPECT_EQ(fn<std::int64_t(std::int64_t)>("load64")(1008), 0x1122334455667788);
  EXPECT_EQ(fn<std::int64_t(std::int64_t)>("v128_load_lane0")(1008), 0x1122334455667788);
  fn<void(std::int64_t, std::int32_t)>("store8")(kPage - 1, 0x5A);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(kPage - 1), 0x5A);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8_offset_1")(kPage - 2), 0x5A);
  const Memory m = instance->exports().memory("m");
  EXPECT_TRUE(m.limits().is64);
  EXPECT_EQ(m.data()[kPage - 1], 0x5A);
  imported.data()[42] = 9;
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("imported_load8")(42), 9);
}

TEST_P(Memory64, OutOfBoundsAtAndPastTheEnd) {
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(kPage - 1), 0);
  expectOutOfBounds("load8", kPage);
  expectOutOfBounds("load8", kPage + 1);
  EXPECT_EQ(fn<std::int64_t(std::int64_t)>("load64")(kPage - 8), 0);
  expectTrap([&] { fn<std::int64_t(std::int64_t)>("load64")(kPage - 7); },
             "out of bounds memory access");
  expectTrap([&] { fn<void(std::int64_t, std::int32_t)>("store8")(kPage, 1); },
             "out of bounds memory access");
  expectOutOfBounds("load8_offset_1", kPage - 1);
  expectOutOfBounds("imported_load8", kPage);
}

TEST_P(Memory64, AddressesBeyond32BitsTrap) {
  for (std::int64_t address : {k2To32 - 1, k2To32, k2To32 + 5, k2To32 + kPage - 1, k2To32 * 7,
                               std::numeric_limits<std::int64_t>::max(), kMax64 - 7, kMax64})
    expectOutOfBounds("load8", address);
  expectTrap([&] { fn<void(std::int64_t, std::int32_t)>("store8")(k2To32, 1); },
             "out of bounds memory access");
  expectTrap([&] { fn<void(std::int64_t, std::int64_t)>("store64")(kMax64 - 8, 1); },
             "out of bounds memory access");
  // The store at 2^32 did not wrap around to address 0.
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(0), 0);
  expectTrap([&] { fn<std::int64_t(std::int64_t)>("v128_load_lane0")(k2To32); },
             "out of bounds memory access");
}

TEST_P(Memory64, StaticOffsetsBeyond32BitsAndNear2To64Trap) {
  // address + offset is computed without wrapping: beyond 2^64 is out of bounds.
  expectOutOfBounds("load8_offset_1", kMax64);
  expectOutOfBounds("load8_offset_max32", 0);
  expectOutOfBounds("load8_offset_max32", 1);
  expectOutOfBounds("load8_offset_2_32", 0);
  expectOutOfBounds("load8_offset_max64", 0);
  expectOutOfBounds("load8_offset_max64", 1);
  expectOutOfBounds("load8_offset_max64", kMax64);
}

TEST_P(Memory64, SizeAndGrowInI64Pages) {
  auto grow = fn<std::int64_t(std::int64_t)>("grow");
  EXPECT_EQ(fn<std::int64_t()>("size")(), 1);
  EXPECT_EQ(grow(2), 1);
  EXPECT_EQ(fn<std::int64_t()>("size")(), 3);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(3 * kPage - 1), 0);
  expectOutOfBounds("load8", 3 * kPage);
  EXPECT_EQ(grow(3), -1) << "the declared maximum is 5 pages";
  EXPECT_EQ(grow(k2To32), -1);
  EXPECT_EQ(grow(k2To32 + 1), -1) << "not grown by 1 after a 32-bit truncation";
  EXPECT_EQ(grow(kMax64), -1);
  EXPECT_EQ(fn<std::int64_t()>("size")(), 3);
  EXPECT_EQ(grow(0), 3);
  EXPECT_EQ(grow(2), 3);
  EXPECT_EQ(fn<std::int64_t()>("size")(), 5);
  EXPECT_EQ(instance->exports().memory("m").size(), 5u * kPage);
}

TEST_P(Memory64, BulkInstructionsOnI64Ranges) {
  auto fill = fn<void(std::int64_t, std::int32_t, std::int64_t)>("fill");
  auto copy = fn<void(std::int64_t, std::int64_t, std::int64_t)>("copy");
  fill(200, 0x33, 4);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(203), 0x33);
  copy(300, 200, 4);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(303), 0x33);
  fill(kPage - 1, 1, 1);
  fill(kPage, 1, 0); // empty, exactly at the end
  const std::string oob = "out of bounds memory access";
  expectTrap([&] { fill(kPage, 1, 1); }, oob);
  expectTrap([&] { fill(kMax64, 1, 2); }, oob); // dst + n wraps around 2^64
  expectTrap([&] { fill(0, 1, kMax64); }, oob);
  expectTrap([&] { fill(k2To32, 1, 0); }, oob);
  expectTrap([&] { copy(0, kMax64, 2); }, oob);
  expectTrap([&] { copy(k2To32, 0, 1); }, oob);
  expectTrap([&] { copy(0, 0, k2To32); }, oob);
  // memory.init: an i64 destination, i32 segment offset and length.
  auto init = fn<void(std::int64_t, std::int32_t, std::int32_t)>("init");
  init(500, 1, 3);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(500), 'a');
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(502), 's');
  init(kPage, 0, 0);
  expectTrap([&] { init(kPage - 2, 0, 3); }, oob);
  expectTrap([&] { init(k2To32, 0, 0); }, oob);
  expectTrap([&] { init(kMax64, 0, 1); }, oob);
}

TEST_P(Memory64, CopiesBetweenA64BitAndA32BitMemory) {
  fn<void(std::int64_t, std::int32_t)>("store8")(100, 'H');
  fn<void(std::int32_t, std::int64_t, std::int32_t)>("copy_to_small")(10, 100, 4);
  auto small = fn<std::int32_t(std::int32_t)>("small_load8");
  EXPECT_EQ(small(10), 'H');
  EXPECT_EQ(small(13), '4');
  fn<void(std::int64_t, std::int32_t, std::int32_t)>("copy_from_small")(kPage - 4, 10, 4);
  EXPECT_EQ(fn<std::int32_t(std::int64_t)>("load8")(kPage - 4), 'H');
  expectTrap(
      [&] { fn<void(std::int32_t, std::int64_t, std::int32_t)>("copy_to_small")(0, k2To32, 1); },
      "out of bounds memory access");
  expectTrap(
      [&] { fn<void(std::int64_t, std::int32_t, std::int32_t)>("copy_from_small")(kMax64, 0, 1); },
      "out of bounds memory access");
}

TEST_P(Memory64, TablesWithI64Indices) {
  auto call = fn<std::int32_t(std::int64_t)>("call");
  EXPECT_EQ(call(1), 7);
  EXPECT_EQ(call(2), 8);
  expectTrap([&] { call(0); }, "uninitialized element");
  expectTrap([&] { call(4); }, "undefined element");
  expectTrap([&] { call(k2To32 + 1); }, "undefined element"); // not element 1
  expectTrap([&] { call(kMax64); }, "undefined element");
  EXPECT_EQ(fn<std::int64_t()>("table_size")(), 4);
  auto isNull = fn<std::int32_t(std::int64_t)>("table_is_null");
  EXPECT_EQ(isNull(0), 1);
  EXPECT_EQ(isNull(1), 0);
  expectTrap([&] { isNull(k2To32 + 1); }, "out of bounds table access");
  fn<void(std::int64_t)>("table_set_seven")(3);
  EXPECT_EQ(call(3), 7);
  expectTrap([&] { fn<void(std::int64_t)>("table_set_seven")(k2To32); },
             "out of bounds table access");
  auto tableGrow = fn<std::int64_t(std::int64_t)>("table_grow");
  EXPECT_EQ(tableGrow(k2To32), -1);
  EXPECT_EQ(tableGrow(kMax64), -1);
  EXPECT_EQ(tableGrow(2), 4);
  EXPECT_EQ(fn<std::int64_t()>("table_size")(), 6);
  EXPECT_EQ(tableGrow(3), -1) << "the maximum is 8";
  auto fillEight = fn<void(std::int64_t, std::int64_t)>("table_fill_eight");
  fillEight(4, 2);
  EXPECT_EQ(call(5), 8);
  expectTrap([&] { fillEight(5, k2To32); }, "out of bounds table access");
  expectTrap([&] { fillEight(k2To32 + 4, 0); }, "out of bounds table access");
  const Table table = instance->exports().table("t");
  EXPECT_TRUE(table.limits().is64);
}

TEST_P(Memory64, ImportsMustMatchTheAddressType) {
  Imports imports;
  imports.define("env", "mem64", Memory(Limits{1})); // a 32-bit memory
  try {
    (void)Instance(module("memory64"), imports);
    ADD_FAILURE() << "a 32-bit memory satisfied an i64 memory import";
  } catch (const LinkError &e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("env.mem64"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("expected memory i64 {min 1}"));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("found memory {min 1}"));
  }
  // And the other way round: a 64-bit memory for a 32-bit import, with
  // limits that would match.
  Imports other;
  other.define("env", "mem", Memory(Limits{1, 4, /*is64=*/true}));
  EXPECT_THROW((void)Instance(module("multi_memory"), other), LinkError);
  other.define("env", "mem", Memory(Limits{1, 4}));
  EXPECT_NO_THROW((void)Instance(module("multi_memory"), other));
}

TEST_P(Memory64, Wasm2RulesRejectTheModule) {
  expectRejectedWithout("memory64", frontend::Features::wasm2(), CompileError::Kind::Unsupported,
                        "memory64");
}

INSTANTIATE_TEST_SUITE_P(Levels, Memory64, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
