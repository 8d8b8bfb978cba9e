// Two linked modules: `stats` imports `mathlib`'s function and memory, and a
// host function; typed calls; a trap caught as waot::RuntimeError.
#include "mathlib.h"
#include "stats.h"

#include <cstdio>
#include <cstring>

int main() {
  waot::linked::mathlib::Instance math; // imports nothing

  // Put the numbers 1..10 into mathlib's memory.
  const int32_t numbers[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  std::memcpy(math.memory.data() + 64, numbers, sizeof numbers);

  waot::Imports imports;
  imports.define("mathlib", math.instance.exports()); // square and memory
  int32_t calls = 0;
  imports.define("env", "progress", waot::Function::wrap([&calls](int32_t, int32_t) { ++calls; }));
  waot::linked::stats::Instance stats(imports);

  const int64_t sum = stats.sum_of_squares(64, 10); // typed: int64_t(int32_t, int32_t)
  std::printf("sum of squares: %lld (progress called %d times)\n", static_cast<long long>(sum),
              calls);
  std::printf("square(12) = %d\n", math.square(12));

  try {
    math.ratio(1, 0);
  } catch (const waot::RuntimeError &trap) {
    std::printf("trap: %s %s\n", trap.what(), trap.siteText().c_str());
  }
  try {
    stats.sum_of_squares(65536 - 8, 4); // reads past the end of the memory
  } catch (const waot::RuntimeError &trap) {
    std::printf("trap: %s %s\n", trap.what(), trap.siteText().c_str());
  }
  return 0;
}
