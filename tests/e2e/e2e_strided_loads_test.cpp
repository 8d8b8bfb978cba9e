// Strided loads through wrapping 32-bit adds (a producer's unrolled loop)
// compute the right values and trap at the end of memory at every
// optimization level (their code shape: CodegenGolden.StridedLoads*).
#include "e2e_support.hpp"

#include <cstring>

namespace waot::test {
namespace {

class StridedLoads : public AtOptLevel {
protected:
  void SetUp() override { instance_.emplace(module("strided_loads")); }
  Function sum4() { return instance_->exports().function("sum4"); }
  std::uint8_t *memory() { return instance_->exports().memory("memory").data(); }
  std::optional<Instance> instance_;
};

TEST_P(StridedLoads, SumsEveryElementAndTrapsAtTheEndOfMemory) {
  constexpr std::uint32_t kElements = 1024;
  constexpr std::uint32_t kStart = 65536 - 4 * kElements;
  std::uint32_t expected = 0;
  for (std::uint32_t k = 0; k < kElements; ++k) {
    const std::uint32_t element = k * 2654435761u;
    std::memcpy(memory() + kStart + 4 * k, &element, 4);
    expected += element ^ k;
  }
  EXPECT_EQ(
      static_cast<std::uint32_t>(
          sum4().call({Value(std::int32_t{kStart}), Value(std::int32_t{kElements / 4})})[0].i32()),
      expected);
  // One group of four more: its first load is the first byte past memory.
  expectTrap(
      [&] {
        sum4().call({Value(std::int32_t{kStart}), Value(std::int32_t{kElements / 4 + 1})});
      },
      "out of bounds memory access");
}

INSTANTIATE_TEST_SUITE_P(E2E, StridedLoads, ::testing::Values(0u, 1u, 2u, 3u), optLevelName);

} // namespace
} // namespace waot::test
