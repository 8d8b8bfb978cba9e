// Large data segments are mapped copy-on-write from the module's data image
// (runtime-lib/src/data_image.hpp): every instance sees the segment's bytes,
// writes stay private to their instance, and a recycled memory reservation
// starts out zeroed again for the next module.
#include "e2e_support.hpp"

#include "../unit/decode_test_builder.hpp"

#include <waot/codegen/compiler.hpp>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace waot::test {
namespace {

constexpr std::uint32_t kSegmentOffset = 1000; // not page-aligned: partial pages at both ends
constexpr std::uint32_t kSegmentSize = 200'000;
constexpr std::uint32_t kMemoryPages = 8; // 512 KiB

std::uint8_t patternByte(std::uint32_t i) { return static_cast<std::uint8_t>(i * 7 + 3); }

// (memory (export "mem") 8) and, with `withData`, one active data segment of
// kSegmentSize pattern bytes at kSegmentOffset; "set" (i32 address, i32 byte)
// stores a byte, so that both modules have the same functions and context.
std::vector<std::uint8_t> moduleBytes(bool withData) {
  ModuleBuilder builder;
  const std::uint32_t type = builder.addType({kI32, kI32}, {});
  builder.addFunction(type, {0x20, 0x00, 0x20, 0x01, 0x3A, 0x00, 0x00, kEnd}); // i32.store8
  builder.memories.push_back({0x00, kMemoryPages});
  builder.exports.push_back(cat({name("mem"), {0x02, 0x00}}));
  builder.exports.push_back(cat({name("set"), {0x00, 0x00}}));
  if (withData) {
    Bytes bytes(kSegmentSize);
    for (std::uint32_t i = 0; i < kSegmentSize; ++i)
      bytes[i] = patternByte(i);
    builder.datas.push_back(
        cat({{0x00, 0x41}, sleb(kSegmentOffset), {kEnd}, uleb(kSegmentSize), bytes}));
  }
  return builder.build();
}

Module compile(bool withData) {
  codegen::CompileOptions options;
  options.optLevel = 0;
  return Module::loadFromMemory(codegen::compileToSharedLibrary(moduleBytes(withData), options));
}

// Whether /proc/self/maps shows the data image mapped at `address`.
bool mappedFromDataImage(const std::uint8_t *address) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  while (std::getline(maps, line)) {
    std::uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) == 2 && at >= begin && at < end)
      return line.find("waot-data") != std::string::npos;
  }
  return false;
}

// The first index in [0, size) where memory differs from what the module
// with data must hold there (the pattern inside the segment, zeros outside), or -1.
long firstWrongByte(const Memory &memory, bool withData) {
  const std::uint8_t *bytes = memory.data();
  for (std::uint32_t i = 0; i < memory.size(); ++i) {
    const bool inSegment = withData && i >= kSegmentOffset && i < kSegmentOffset + kSegmentSize;
    if (bytes[i] != (inSegment ? patternByte(i - kSegmentOffset) : 0)) return i;
  }
  return -1;
}

TEST(DataImage, InstancesShareTheSegmentAndKeepTheirWritesPrivate) {
  const Module module = compile(true);
  Instance first(module);
  Instance second(module);
  const Memory firstMemory = first.exports().memory("mem");
  const Memory secondMemory = second.exports().memory("mem");
  ASSERT_EQ(firstMemory.size(), kMemoryPages * 65536u);
  EXPECT_EQ(firstWrongByte(firstMemory, true), -1);
  EXPECT_EQ(firstWrongByte(secondMemory, true), -1);
  // The whole pages inside the segment come from the image, not from a copy.
  EXPECT_TRUE(mappedFromDataImage(firstMemory.data() + 64 * 1024));
  EXPECT_FALSE(mappedFromDataImage(firstMemory.data() + 300 * 1024)); // after the segment

  auto set = first.exports().function<void(std::int32_t, std::int32_t)>("set");
  set(kSegmentOffset + 70'000, 0xEE); // a mapped page
  set(kSegmentOffset, 0xDD);          // the partial first page
  EXPECT_EQ(firstMemory.data()[kSegmentOffset + 70'000], 0xEE);
  EXPECT_EQ(firstMemory.data()[kSegmentOffset], 0xDD);
  EXPECT_EQ(firstWrongByte(secondMemory, true), -1) << "a write leaked into another instance";
}

TEST(DataImage, ARecycledReservationIsZeroForTheNextModule) {
  const Module withData = compile(true);
  const Module withoutData = compile(false);
  const std::uint8_t *base = nullptr;
  {
    Instance instance(withData);
    const Memory memory = instance.exports().memory("mem");
    base = memory.data();
    instance.exports().function<void(std::int32_t, std::int32_t)>("set")(100'000, 0xAB);
  }
  // Same functions, so the same context size: the reservation goes back to the
  // pool (16 ranges) and one of the next instances gets it. Keep them alive so
  // that each takes another range, until the recycled one turns up (checked,
  // so that the test tests what it says).
  std::vector<Instance> next;
  bool reused = false;
  for (int i = 0; i < 20 && !reused; ++i) {
    next.emplace_back(withoutData);
    const Memory memory = next.back().exports().memory("mem");
    EXPECT_EQ(firstWrongByte(memory, false), -1) << "instance " << i;
    EXPECT_FALSE(mappedFromDataImage(memory.data() + 64 * 1024)) << "instance " << i;
    reused = memory.data() == base;
  }
  EXPECT_TRUE(reused) << "the reservation was not reused";
}

TEST(DataImage, AReusedReservationGetsTheOriginalSegmentBack) {
  const Module module = compile(true);
  { Instance(module).exports().function<void(std::int32_t, std::int32_t)>("set")(100'000, 1); }
  Instance again(module);
  EXPECT_EQ(firstWrongByte(again.exports().memory("mem"), true), -1);
}

} // namespace
} // namespace waot::test
