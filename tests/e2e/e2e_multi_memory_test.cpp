// Multi-memory (Wasm 3.0) end to end: a module importing memory 0 and
// defining two more (tests/wat/multi_memory.wat), compiled at -O0 and -O2,
// run through the C++ API: each memory keeps its own bytes, size, growth and
// traps; data segments, bulk instructions and SIMD accesses name their
// memory; and the Wasm 2.0 rules reject the module.
#include "e2e_support.hpp"

#include <cstring>

namespace waot::test {
namespace {

class MultiMemory : public AtOptLevel {
protected:
  MultiMemory() : imported(Limits{1, 4}) {
    Imports imports;
    imports.define("env", "mem", imported);
    instance.emplace(module("multi_memory"), imports);
  }
  template <class Signature> auto fn(const std::string &name) {
    return instance->exports().function<Signature>(name);
  }

  Memory imported;
  std::optional<Instance> instance;
};

TEST_P(MultiMemory, EachMemoryHasItsOwnBytes) {
  fn<void(int32_t, int32_t)>("store_all")(500, 10);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(500), 10);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(500), 11);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(500), 12);
  EXPECT_EQ(fn<int32_t(int32_t)>("sum_all")(500), 33);
  // The host sees memory 0 through its own handle and memory 1 as an export.
  EXPECT_EQ(imported.data()[500], 10);
  const Memory b = instance->exports().memory("b");
  EXPECT_EQ(b.data()[500], 11);
  EXPECT_EQ(b.size(), 2u * 65536);
  b.data()[600] = 77;
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(600), 77);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(600), 0);
  imported.data()[601] = 78;
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(601), 78);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(601), 0);
}

TEST_P(MultiMemory, DataSegmentsGoIntoTheirMemory) {
  const Memory b = instance->exports().memory("b");
  EXPECT_EQ(std::memcmp(b.data() + 100, "bee", 3), 0);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(7), 's');
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(9), 'a');
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(7), 0);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(100), 0);
}

TEST_P(MultiMemory, WideAccessesAndOffsets) {
  fn<void(int32_t, int32_t)>("store_b")(8, 0x12345678);
  EXPECT_EQ(fn<int32_t(int32_t)>("load_b")(8), 0x12345678);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(12), 0x78) << "offset=4, little endian";
  fn<void(int32_t, int64_t)>("store64_c")(16, int64_t{-2});
  EXPECT_EQ(fn<int64_t(int32_t)>("load64_c")(16), -2);
  fn<void(int32_t, double)>("store_f64_a")(24, 2.5);
  EXPECT_EQ(fn<double(int32_t)>("load_f64_a")(24), 2.5);
  EXPECT_EQ(fn<int64_t(int32_t)>("load64_c")(24), 0);
}

TEST_P(MultiMemory, SizesAndGrowthAreSeparate) {
  EXPECT_EQ(fn<int32_t()>("size_a")(), 1);
  EXPECT_EQ(fn<int32_t()>("size_b")(), 2);
  EXPECT_EQ(fn<int32_t()>("size_c")(), 1);
  EXPECT_EQ(fn<int32_t(int32_t)>("grow_b")(3), 2);
  EXPECT_EQ(fn<int32_t()>("size_b")(), 5);
  EXPECT_EQ(fn<int32_t()>("size_a")(), 1);
  EXPECT_EQ(fn<int32_t(int32_t)>("grow_c")(2), -1) << "memory 2's maximum is 2 pages";
  EXPECT_EQ(fn<int32_t(int32_t)>("grow_c")(1), 1);
  EXPECT_EQ(fn<int32_t()>("size_c")(), 2);
  // The grown pages are accessible, the ones beyond still trap.
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(5 * 65536 - 1), 0);
  expectTrap([&] { fn<int32_t(int32_t)>("load8_b")(5 * 65536); }, "out of bounds memory access");
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(2 * 65536 - 1), 0);
  imported.grow(1);
  EXPECT_EQ(fn<int32_t()>("size_a")(), 2);
}

TEST_P(MultiMemory, OutOfBoundsTrapsPerMemory) {
  expectTrap([&] { fn<int32_t(int32_t)>("load8_a")(65536); }, "out of bounds memory access");
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(65536), 0) << "memory 1 has two pages";
  expectTrap([&] { fn<int32_t(int32_t)>("load8_c")(65536); }, "out of bounds memory access");
  expectTrap([&] { fn<int32_t(int32_t)>("load_b")(2 * 65536 - 7); }, "out of bounds memory access");
  expectTrap([&] { fn<void(int32_t, int64_t)>("store64_c")(65536 - 7, 1); },
             "out of bounds memory access");
  expectTrap([&] { fn<int32_t(int32_t)>("load8_b")(-1); }, "out of bounds memory access");
}

TEST_P(MultiMemory, BulkInstructionsNameTheirMemories) {
  fn<void(int32_t, int32_t, int32_t)>("fill_b")(1000, 0xAB, 16);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(1015), 0xAB);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(1016), 0);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(1000), 0);
  fn<void(int32_t, int32_t, int32_t)>("copy_b_to_a")(2000, 1000, 8);
  EXPECT_EQ(imported.data()[2007], 0xAB);
  EXPECT_EQ(imported.data()[2008], 0);
  fn<void(int32_t, int32_t, int32_t)>("copy_a_to_c")(30, 2004, 8);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(33), 0xAB);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(34), 0);
  fn<void(int32_t, int32_t, int32_t)>("copy_b_to_b")(1008, 1000, 16); // overlapping
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(1023), 0xAB);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_b")(1024), 0);
  fn<void(int32_t, int32_t, int32_t)>("init_c")(50, 1, 3);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(50), 'a');
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(52), 's');
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(50), 0);
  // Each range is checked against its own memory's size.
  expectTrap([&] { fn<void(int32_t, int32_t, int32_t)>("copy_b_to_a")(65530, 0, 8); },
             "out of bounds memory access");
  fn<void(int32_t, int32_t, int32_t)>("copy_b_to_a")(0, 2 * 65536 - 8, 8);
  expectTrap([&] { fn<void(int32_t, int32_t, int32_t)>("copy_b_to_a")(0, 2 * 65536 - 7, 8); },
             "out of bounds memory access");
  expectTrap([&] { fn<void(int32_t, int32_t, int32_t)>("fill_b")(2 * 65536, 1, 1); },
             "out of bounds memory access");
  expectTrap([&] { fn<void(int32_t, int32_t, int32_t)>("init_c")(65535, 0, 2); },
             "out of bounds memory access");
}

TEST_P(MultiMemory, SimdAccessesNameTheirMemories) {
  const Memory b = instance->exports().memory("b");
  for (int i = 0; i < 16; ++i)
    b.data()[200 + i] = static_cast<std::uint8_t>(i + 1);
  fn<void(int32_t)>("v128_copy_b_to_c")(200);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_c")(215), 16);
  EXPECT_EQ(fn<int32_t(int32_t)>("load8_a")(215), 0);
  EXPECT_EQ(fn<int32_t(int32_t)>("lane_b")(200), 0x04030201);
  fn<void(int32_t, int64_t)>("store_lane_c")(300, int64_t{0x0102030405060708});
  EXPECT_EQ(fn<int64_t(int32_t)>("load64_c")(300), 0x0102030405060708);
  expectTrap([&] { fn<int32_t(int32_t)>("lane_b")(2 * 65536 - 3); }, "out of bounds memory access");
  expectTrap([&] { fn<void(int32_t)>("v128_copy_b_to_c")(65536 - 8); },
             "out of bounds memory access");
}

TEST_P(MultiMemory, Wasm2RulesRejectTheModule) {
  // The first memarg naming a memory (bit 6 of its flags) is malformed in 2.0.
  expectRejectedWithout("multi_memory", frontend::Features::wasm2(), CompileError::Kind::Malformed,
                        "malformed memop flags: alignment exponent 64");
}

INSTANTIATE_TEST_SUITE_P(Levels, MultiMemory, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
