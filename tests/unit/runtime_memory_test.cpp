// Linear memory: data segments, accesses through memory0_base, guard-region
// faults as traps, memory.grow, and the bulk-memory builtins' exact bounds.
#include "sanitizers.hpp"
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

using waot::RuntimeError;
using waot::TrapKind;

constexpr uint32_t kPage = 65536;

std::filesystem::path artifact(const std::string &name) {
  return std::filesystem::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

class MemoryInstance : public ::testing::Test {
protected:
  waot::Module module = waot::Module::load(artifact("memory"));
  waot::Instance instance{module};
  const waot::Exports &exports = instance.exports();
  waot::Memory memory = exports.memory("mem");
  waot::TypedFunction<int32_t(int32_t)> load = exports.function<int32_t(int32_t)>("load_i32");
  waot::TypedFunction<int32_t(int32_t)> loadU8 = exports.function<int32_t(int32_t)>("load_u8");
  waot::TypedFunction<void(int32_t, int32_t)> store =
      exports.function<void(int32_t, int32_t)>("store_i32");
  waot::TypedFunction<int32_t(int32_t)> grow = exports.function<int32_t(int32_t)>("grow");
  waot::TypedFunction<int32_t()> size = exports.function<int32_t()>("size");
  waot::TypedFunction<void(int32_t, int32_t, int32_t)> fill =
      exports.function<void(int32_t, int32_t, int32_t)>("fill");
  waot::TypedFunction<void(int32_t, int32_t, int32_t)> copy =
      exports.function<void(int32_t, int32_t, int32_t)>("copy");
  waot::TypedFunction<void(int32_t, int32_t, int32_t, int32_t)> init =
      exports.function<void(int32_t, int32_t, int32_t, int32_t)>("init");
  waot::TypedFunction<void(int32_t)> drop = exports.function<void(int32_t)>("drop");

  std::string bytes(std::size_t at, std::size_t n) const {
    return std::string(reinterpret_cast<const char *>(memory.data()) + at, n);
  }
};

// Expects `call` to trap with "out of bounds memory access".
template <class F> void expectOutOfBounds(F &&call) {
  try {
    call();
    ADD_FAILURE() << "no trap";
  } catch (const RuntimeError &e) {
    EXPECT_STREQ(e.what(), "out of bounds memory access");
    EXPECT_EQ(e.trapKind(), TrapKind::MemoryOutOfBounds);
  }
}

TEST_F(MemoryInstance, ActiveDataSegmentsAreApplied) {
  EXPECT_EQ(memory.size(), kPage);
  EXPECT_EQ(bytes(16, 5), "hello");
  EXPECT_EQ(bytes(65530, 6), "edge!!"); // a segment ending exactly at the end
  EXPECT_EQ(memory.data()[15], 0);
  EXPECT_EQ(memory.limits(), (waot::Limits{1, 4}));
}

TEST_F(MemoryInstance, WasmAndHostShareTheBytes) {
  store(100, 0x01020304);
  EXPECT_EQ(memory.data()[100], 0x04); // little endian
  memory.data()[200] = 0x7f;
  EXPECT_EQ(load(200), 0x7f);
  EXPECT_EQ(load(kPage - 4), 0x21216567); // the last four bytes, "ge!!"
}

TEST_F(MemoryInstance, AccessesBeyondTheSizeTrap) {
  expectOutOfBounds([&] { load(kPage - 3); }); // straddles the end
  expectOutOfBounds([&] { loadU8(kPage); });
  expectOutOfBounds([&] { load(-1); });                              // index 4 GiB - 1
  expectOutOfBounds([&] { exports.function("load_far").call({}); }); // 5 GiB past the base
  // The instance keeps working after the traps.
  EXPECT_EQ(loadU8(kPage - 1), '!');
}

TEST_F(MemoryInstance, GrowKeepsTheBaseAndZeroesNewPages) {
  std::uint8_t *base = memory.data();
  EXPECT_EQ(size(), 1);
  EXPECT_EQ(grow(1), 1);
  EXPECT_EQ(size(), 2);
  EXPECT_EQ(memory.size(), 2 * kPage);
  EXPECT_EQ(memory.data(), base);
  EXPECT_EQ(load(kPage + 8), 0);
  store(2 * kPage - 4, -1);
  EXPECT_EQ(grow(0), 2);
  EXPECT_EQ(grow(2), 2);
  EXPECT_EQ(grow(1), -1); // the declared maximum is 4 pages
  EXPECT_EQ(size(), 4);
  EXPECT_EQ(memory.grow(0), 4u);
  EXPECT_THROW(memory.grow(1), RuntimeError);
  EXPECT_EQ(load(2 * kPage - 4), -1);
  expectOutOfBounds([&] { loadU8(4 * kPage); });
}

TEST_F(MemoryInstance, Fill) {
  fill(300, 0x1AB, 10); // only the low byte counts
  EXPECT_EQ(bytes(300, 10), std::string(10, '\xAB'));
  EXPECT_EQ(memory.data()[310], 0);
  fill(kPage - 1, 'z', 1); // the last byte
  fill(kPage, 0, 0);       // zero length exactly at the end
  expectOutOfBounds([&] { fill(kPage, 0, 1); });
  expectOutOfBounds([&] { fill(kPage + 1, 0, 0); });
  // A fill that does not fit writes nothing at all.
  expectOutOfBounds([&] { fill(kPage - 5, 'q', 10); });
  EXPECT_EQ(memory.data()[kPage - 5], 'd');
}

TEST_F(MemoryInstance, CopyHandlesOverlapAndChecksBothRanges) {
  copy(17, 16, 5); // forward overlap: "hello" -> "hhello"
  EXPECT_EQ(bytes(16, 6), "hhello");
  copy(16, 17, 5); // backward overlap
  EXPECT_EQ(bytes(16, 6), "helloo");
  copy(kPage, 0, 0); // zero length at the end, either side
  copy(0, kPage, 0);
  expectOutOfBounds([&] { copy(0, kPage - 2, 3); });
  expectOutOfBounds([&] { copy(kPage - 2, 16, 3); });
  EXPECT_EQ(memory.data()[kPage - 2], '!'); // nothing written
  expectOutOfBounds([&] { copy(kPage + 1, 0, 0); });
}

TEST_F(MemoryInstance, InitFromAPassiveSegment) {
  init(1, 400, 0, 8);
  EXPECT_EQ(bytes(400, 8), "passive!");
  init(1, 500, 4, 4);
  EXPECT_EQ(bytes(500, 4), "ive!");
  init(1, 0, 8, 0);                                     // zero length at the end of the segment
  expectOutOfBounds([&] { init(1, 600, 4, 5); });       // beyond the segment
  expectOutOfBounds([&] { init(1, kPage - 4, 0, 8); }); // beyond the memory
  EXPECT_EQ(memory.data()[600], 0);
  expectOutOfBounds([&] { init(1, 0, 9, 0); });
}

TEST_F(MemoryInstance, DroppedSegmentsHaveLengthZero) {
  drop(1);
  expectOutOfBounds([&] { init(1, 0, 0, 1); });
  init(1, 0, 0, 0);
  drop(1); // dropping twice is fine
  // Active segments are dropped by instantiation.
  expectOutOfBounds([&] { init(0, 0, 0, 1); });
  init(0, 0, 0, 0);
  // An empty passive segment.
  init(3, 0, 0, 0);
  expectOutOfBounds([&] { init(3, 0, 1, 0); });
}

TEST_F(MemoryInstance, EachInstanceHasItsOwnMemory) {
  waot::Instance other(module);
  store(1000, 77);
  EXPECT_EQ(other.exports().function<int32_t(int32_t)>("load_i32")(1000), 0);
  EXPECT_NE(other.exports().memory("mem").data(), memory.data());
}

TEST(RuntimeHostMemory, CreateAndGrow) {
  waot::Memory memory({1, 2});
  EXPECT_EQ(memory.size(), kPage);
  memory.data()[kPage - 1] = 9;
  EXPECT_EQ(memory.grow(1), 1u);
  EXPECT_EQ(memory.data()[kPage - 1], 9);
  EXPECT_EQ(memory.data()[kPage], 0);
  try {
    memory.grow(1);
    FAIL() << "grew beyond the maximum";
  } catch (const RuntimeError &e) {
    EXPECT_EQ(std::string(e.what()), "cannot grow memory of 2 pages by 1 (maximum 2)");
  }
  EXPECT_EQ(memory.limits(), (waot::Limits{2, 2}));
}

TEST_F(MemoryInstance, ARecycledReservationStartsZeroedAndInaccessibleBeyondItsSize) {
  // Reservations of released memories are reused (a pool): nothing written
  // by an earlier instance or host memory may show, and pages the earlier
  // owner grew into must be inaccessible again.
  for (int round = 0; round < 3; ++round) {
    {
      waot::Memory scratch({1, 4});
      scratch.grow(3);
      std::memset(scratch.data(), 0xAB, scratch.size());
    }
    {
      waot::Instance dirty(module);
      dirty.exports().function<void(int32_t, int32_t)>("store_i32")(1000, 77);
      dirty.exports().memory("mem").grow(2);
      dirty.exports().function<void(int32_t, int32_t)>("store_i32")(2 * kPage, 5);
    }
    waot::Instance fresh(module);
    EXPECT_EQ(fresh.exports().function<int32_t(int32_t)>("load_i32")(1000), 0) << round;
    waot::Memory host({1, 4});
    for (std::size_t i = 0; i < host.size(); i += 4096)
      ASSERT_EQ(host.data()[i], 0) << "round " << round << ", byte " << i;
    EXPECT_THROW(fresh.exports().function<int32_t(int32_t)>("load_i32")(2 * kPage), RuntimeError);
  }
}

TEST(RuntimeHostMemory, ImpossibleLimitsAreTypeErrors) {
  EXPECT_THROW(waot::Memory(waot::Limits{65537}), waot::TypeError);
  EXPECT_THROW(waot::Memory({2, 1}), waot::TypeError);
  EXPECT_THROW(waot::Memory({1, 70000}), waot::TypeError);
  waot::Memory empty(waot::Limits{0});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.grow(3), 0u);
  EXPECT_EQ(empty.size(), 3 * kPage);
}

void limitAddressSpace(rlim_t bytes) {
  const rlimit limit{bytes, bytes};
  setrlimit(RLIMIT_AS, &limit);
}

// Without 8 GiB of address space a memory cannot be reserved: a clean
// RuntimeError, from the Memory constructor and from instantiation alike.
TEST(RuntimeHostMemory, FailsCleanlyWithoutAddressSpace) {
  if (waot::test::kSanitized)
    GTEST_SKIP() << "a sanitizer's shadow memory needs terabytes of address space: no limit fits";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const waot::Module module = waot::Module::load(artifact("memory"));
        limitAddressSpace(4ull << 30);
        int failures = 0;
        try {
          waot::Memory memory(waot::Limits{1});
        } catch (const RuntimeError &e) {
          failures += std::string(e.what()).find("cannot reserve 8 GiB of address space") !=
                      std::string::npos;
        }
        try {
          waot::Instance instance(module);
        } catch (const RuntimeError &e) {
          failures += std::string(e.what()).find("cannot reserve") != std::string::npos;
        }
        std::exit(failures == 2 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

} // namespace
