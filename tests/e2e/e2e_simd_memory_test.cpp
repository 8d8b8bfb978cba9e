// SIMD loads and stores (tests/wat/simd_memory.wat): the bytes they read and
// write, and the out-of-bounds traps at the last valid / first invalid
// address of every access width, also for loads whose value is dropped.
#include "e2e_support.hpp"

#include <cstring>

namespace waot::test {
namespace {

constexpr std::uint32_t kMemoryBytes = 65536;

std::uint8_t patternByte(std::uint32_t address) {
  return static_cast<std::uint8_t>(address * 7 + 0x80) ^ static_cast<std::uint8_t>(address >> 8);
}

class SimdMemory : public AtOptLevel {
protected:
  void SetUp() override {
    instance_ = std::make_unique<Instance>(module("simd_memory"), Imports());
    memory_ = instance_->exports().memory("memory").data();
    for (std::uint32_t address = 0; address < kMemoryBytes; ++address)
      memory_[address] = patternByte(address);
  }

  // The little-endian value of type T at `address`.
  template <class T> T at(std::uint32_t address) const {
    T value;
    std::memcpy(&value, memory_ + address, sizeof value);
    return value;
  }
  V128 bytesAt(std::uint32_t address) const {
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), memory_ + address, 16);
    return V128::fromBytes(bytes);
  }
  // Lanes of type Wide, each extended from the Narrow at address + i * sizeof(Narrow).
  template <class Narrow, class Wide> V128 extendedAt(std::uint32_t address) const {
    std::array<Wide, 16 / sizeof(Wide)> lanes;
    for (std::size_t i = 0; i < lanes.size(); ++i)
      lanes[i] =
          static_cast<Wide>(at<Narrow>(address + static_cast<std::uint32_t>(i * sizeof(Narrow))));
    return V128::fromLanes<Wide>(lanes);
  }
  template <class T> V128 splatAt(std::uint32_t address) const {
    std::array<T, 16 / sizeof(T)> lanes;
    lanes.fill(at<T>(address));
    return V128::fromLanes<T>(lanes);
  }
  template <class T> V128 zeroAt(std::uint32_t address) const {
    std::array<T, 16 / sizeof(T)> lanes{};
    lanes[0] = at<T>(address);
    return V128::fromLanes<T>(lanes);
  }
  template <class T> V128 laneAt(V128 into, std::size_t lane, std::uint32_t address) const {
    auto lanes = into.lanes<T>();
    lanes[lane] = at<T>(address);
    return V128::fromLanes<T>(lanes);
  }

  Function function(const std::string &name) const { return instance_->exports().function(name); }
  V128 load(const std::string &name, std::uint32_t address) const {
    return instance_->exports().function<V128(std::int32_t)>(name)(
        static_cast<std::int32_t>(address));
  }

  // `name` (a load of `width` bytes from its address operand, plus `offset`)
  // works at the last valid address and traps at the next one, and so does
  // its "drop." twin, whose value is unused.
  void expectBounds(const std::string &name, std::uint32_t width, std::uint32_t offset = 0) {
    SCOPED_TRACE(name);
    const std::uint32_t last = kMemoryBytes - width - offset;
    for (const std::string &variant : {name, std::string("drop.").append(name)}) {
      const bool withVector = name.find("_lane") != std::string::npos;
      const auto call = [&](std::uint32_t address) {
        std::vector<Value> args{Value(static_cast<std::int32_t>(address))};
        if (withVector) args.emplace_back(V128{});
        function(variant).call(args);
      };
      EXPECT_NO_THROW(call(last)) << variant;
      expectTrap([&] { call(last + 1); }, "out of bounds memory access");
      expectTrap([&] { call(kMemoryBytes); }, "out of bounds memory access");
      expectTrap([&] { call(0xffffffffu); }, "out of bounds memory access");
    }
  }

  std::unique_ptr<Instance> instance_;
  std::uint8_t *memory_ = nullptr;
};

TEST_P(SimdMemory, FullLoads) {
  for (std::uint32_t address : {0u, 1u, 7u, 4096u, 65519u, 65520u}) {
    SCOPED_TRACE(address);
    EXPECT_EQ(load("v128.load", address), bytesAt(address));
    if (address <= kMemoryBytes - 32) {
      EXPECT_EQ(load("v128.load.offset16", address), bytesAt(address + 16));
    }
  }
}

TEST_P(SimdMemory, ExtendingLoads) {
  for (std::uint32_t address : {0u, 3u, 200u, 65528u}) {
    SCOPED_TRACE(address);
    EXPECT_EQ(load("v128.load8x8_s", address), (extendedAt<std::int8_t, std::int16_t>(address)));
    EXPECT_EQ(load("v128.load8x8_u", address), (extendedAt<std::uint8_t, std::uint16_t>(address)));
    EXPECT_EQ(load("v128.load16x4_s", address), (extendedAt<std::int16_t, std::int32_t>(address)));
    EXPECT_EQ(load("v128.load16x4_u", address),
              (extendedAt<std::uint16_t, std::uint32_t>(address)));
    EXPECT_EQ(load("v128.load32x2_s", address), (extendedAt<std::int32_t, std::int64_t>(address)));
    EXPECT_EQ(load("v128.load32x2_u", address),
              (extendedAt<std::uint32_t, std::uint64_t>(address)));
  }
}

TEST_P(SimdMemory, SplatAndZeroLoads) {
  for (std::uint32_t address : {0u, 5u, 65528u}) {
    SCOPED_TRACE(address);
    EXPECT_EQ(load("v128.load8_splat", address), splatAt<std::uint8_t>(address));
    EXPECT_EQ(load("v128.load16_splat", address), splatAt<std::uint16_t>(address));
    EXPECT_EQ(load("v128.load32_splat", address), splatAt<std::uint32_t>(address));
    EXPECT_EQ(load("v128.load64_splat", address), splatAt<std::uint64_t>(address));
    EXPECT_EQ(load("v128.load32_zero", address), zeroAt<std::uint32_t>(address));
    EXPECT_EQ(load("v128.load64_zero", address), zeroAt<std::uint64_t>(address));
  }
}

TEST_P(SimdMemory, LaneLoads) {
  const V128 into = V128::fromHalves(0x0123456789abcdefull, 0xfedcba9876543210ull);
  const auto loadLane = [&](const std::string &name, std::uint32_t address) {
    return instance_->exports().function<V128(std::int32_t, V128)>(name)(
        static_cast<std::int32_t>(address), into);
  };
  for (std::uint32_t address : {0u, 9u, 65528u}) {
    SCOPED_TRACE(address);
    EXPECT_EQ(loadLane("v128.load8_lane.15", address), laneAt<std::uint8_t>(into, 15, address));
    EXPECT_EQ(loadLane("v128.load8_lane.0", address), laneAt<std::uint8_t>(into, 0, address));
    EXPECT_EQ(loadLane("v128.load16_lane.7", address), laneAt<std::uint16_t>(into, 7, address));
    EXPECT_EQ(loadLane("v128.load32_lane.3", address), laneAt<std::uint32_t>(into, 3, address));
    EXPECT_EQ(loadLane("v128.load64_lane.1", address), laneAt<std::uint64_t>(into, 1, address));
    EXPECT_EQ(loadLane("v128.load64_lane.0", address), laneAt<std::uint64_t>(into, 0, address));
  }
}

TEST_P(SimdMemory, Stores) {
  const V128 value = V128::fromHalves(0x0807060504030201ull, 0x100f0e0d0c0b0a09ull);
  const auto store = [&](const std::string &name, std::uint32_t address) {
    instance_->exports().function<void(std::int32_t, V128)>(name)(
        static_cast<std::int32_t>(address), value);
  };
  store("v128.store", 3);
  EXPECT_EQ(bytesAt(3), value);
  EXPECT_EQ(memory_[2], patternByte(2));
  EXPECT_EQ(memory_[19], patternByte(19));
  store("v128.store.offset16", 65504);
  EXPECT_EQ(bytesAt(65520), value);
  store("v128.store8_lane.15", 100);
  EXPECT_EQ(memory_[100], 0x10);
  EXPECT_EQ(memory_[101], patternByte(101));
  store("v128.store8_lane.0", 101);
  EXPECT_EQ(memory_[101], 0x01);
  store("v128.store16_lane.7", 200);
  EXPECT_EQ(at<std::uint16_t>(200), 0x100f);
  EXPECT_EQ(memory_[202], patternByte(202));
  store("v128.store32_lane.3", 300);
  EXPECT_EQ(at<std::uint32_t>(300), 0x100f0e0du);
  EXPECT_EQ(memory_[304], patternByte(304));
  store("v128.store64_lane.1", 401);
  EXPECT_EQ(at<std::uint64_t>(401), 0x100f0e0d0c0b0a09ull);
  store("v128.store64_lane.0", 65528);
  EXPECT_EQ(at<std::uint64_t>(65528), 0x0807060504030201ull);
  EXPECT_EQ(memory_[409], patternByte(409));
}

TEST_P(SimdMemory, LoadsTrapOutOfBoundsEvenWhenDropped) {
  expectBounds("v128.load", 16);
  expectBounds("v128.load.offset16", 16, 16);
  for (const char *name : {"v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u",
                           "v128.load32x2_s", "v128.load32x2_u", "v128.load64_splat",
                           "v128.load64_zero", "v128.load64_lane.1", "v128.load64_lane.0"})
    expectBounds(name, 8);
  for (const char *name : {"v128.load32_splat", "v128.load32_zero", "v128.load32_lane.3"})
    expectBounds(name, 4);
  expectBounds("v128.load16_splat", 2);
  expectBounds("v128.load16_lane.7", 2);
  expectBounds("v128.load8_splat", 1);
  expectBounds("v128.load8_lane.15", 1);
  expectBounds("v128.load8_lane.0", 1);
}

TEST_P(SimdMemory, StoresTrapOutOfBoundsAndWriteNothing) {
  const auto store = [&](const std::string &name, std::uint32_t address) {
    instance_->exports().function<void(std::int32_t, V128)>(name)(
        static_cast<std::int32_t>(address), V128{});
  };
  const std::pair<const char *, std::uint32_t> stores[] = {
      {"v128.store", 16},         {"v128.store8_lane.15", 1}, {"v128.store16_lane.7", 2},
      {"v128.store32_lane.3", 4}, {"v128.store64_lane.1", 8}, {"v128.store.offset16", 32}};
  for (const auto &[name, width] : stores) {
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(store(name, kMemoryBytes - width));
    for (std::uint32_t address = kMemoryBytes - 32; address < kMemoryBytes; ++address)
      memory_[address] = patternByte(address);
    expectTrap([&] { store(name, kMemoryBytes - width + 1); }, "out of bounds memory access");
    expectTrap([&] { store(name, 0xfffffff0u); }, "out of bounds memory access");
    // Guard pages: nothing of a faulting store is written.
    for (std::uint32_t address = kMemoryBytes - 32; address < kMemoryBytes; ++address)
      EXPECT_EQ(memory_[address], patternByte(address)) << address;
  }
}

TEST_P(SimdMemory, LoopsOfDroppedLoadsTrap) {
  auto loop =
      instance_->exports().function<void(std::int32_t, std::int32_t)>("drop_loop.v128.load");
  EXPECT_NO_THROW(loop(0, 65536));
  EXPECT_NO_THROW(loop(65504, 32));
  expectTrap([&] { loop(65505, 32); }, "out of bounds memory access");
  expectTrap([&] { loop(32768, 32769); }, "out of bounds memory access");
  auto narrow = instance_->exports().function<void(std::int32_t, std::int32_t)>("drop_loop.narrow");
  EXPECT_NO_THROW(narrow(65512, 32)); // the last access reads [65528, 65536)
  expectTrap([&] { narrow(65513, 32); }, "out of bounds memory access");
}

TEST_P(SimdMemory, LoopOfUsedLoads) {
  std::uint64_t expected = 0;
  for (std::uint32_t address = 16; address < 16 + 4096; address += 8)
    expected += at<std::uint64_t>(address);
  auto sum = instance_->exports().function<std::int64_t(std::int32_t, std::int32_t)>("sum_loop");
  EXPECT_EQ(static_cast<std::uint64_t>(sum(16, 4096)), expected);
  expectTrap([&] { sum(65536 - 4096 + 1, 4096); }, "out of bounds memory access");
}

INSTANTIATE_TEST_SUITE_P(OptLevels, SimdMemory, ::testing::Values(0u, 1u, 2u), optLevelName);

} // namespace
} // namespace waot::test
