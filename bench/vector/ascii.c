/* Counts the bytes >= 0x80 (non-ASCII) of a text buffer, 16 at a time with
 * vector compares and lane-wise accumulation (the core of fast UTF-8 checks),
 * written with vector extensions: SSE/AVX natively, wasm SIMD with -msimd128. */
#include "bench.h"

typedef int8_t i8x16 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));

#define BYTES (1 << 20) /* 1 MiB */
static i8x16 text[BYTES / 16];

BENCH_EXPORT int64_t run(int32_t n) {
  uint32_t state = 4242;
  uint8_t *bytes = (uint8_t *)text;
  for (int i = 0; i < BYTES; ++i) {
    const uint32_t r = bench_xs32(&state);
    bytes[i] = (uint8_t)((r & 7) == 0 ? 0x80 | (r >> 8) : 0x20 + ((r >> 8) % 95));
  }
  uint64_t checksum = 0;
  for (int32_t round = 0; round < n; ++round) {
    uint64_t count = 0;
    for (int block = 0; block < BYTES / 16; block += 128) {
      /* At most 128 blocks per 16-bit lane sum (128 x 2 per lane < 65536). */
      u16x8 sums = {0};
      for (int i = block; i < block + 128; ++i) {
        const u8x16 high = (u8x16)(text[i] < 0); /* 0xff for bytes >= 0x80 */
        const u8x16 ones = high & 1;
        sums += __builtin_convertvector(__builtin_shufflevector(ones, ones, 0, 1, 2, 3, 4, 5, 6, 7),
                                        u16x8) +
                __builtin_convertvector(
                    __builtin_shufflevector(ones, ones, 8, 9, 10, 11, 12, 13, 14, 15), u16x8);
      }
      for (int lane = 0; lane < 8; ++lane)
        count += sums[lane];
    }
    checksum = checksum * 31 + count;
    text[round & (BYTES / 16 - 1)] ^= (i8x16){(int8_t)0x80}; /* keep rounds distinct */
  }
  return (int64_t)checksum;
}
