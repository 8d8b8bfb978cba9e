/* Alpha blend of two 8-bit images, 16 pixels at a time with vector
 * extensions: out = (a * alpha + b * (255 - alpha) + 127) / 255 computed in
 * 16-bit lanes (widen, multiply, narrow) — the same source natively
 * (SSE/AVX) and as wasm SIMD (-msimd128). */
#include "bench.h"

typedef uint8_t u8x16 __attribute__((vector_size(16)));
typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint8_t u8x8 __attribute__((vector_size(8)));

#define PIXELS (1 << 18) /* 256 KiB per image */
static u8x16 src_a[PIXELS / 16], src_b[PIXELS / 16], alpha[PIXELS / 16], out[PIXELS / 16];

static inline u16x8 blend8(u8x8 a, u8x8 b, u8x8 w) {
  const u16x8 wa = __builtin_convertvector(w, u16x8);
  const u16x8 x =
      __builtin_convertvector(a, u16x8) * wa + __builtin_convertvector(b, u16x8) * (255 - wa) + 127;
  return (x + (x >> 8) + 1) >> 8; /* exact x / 255 for x < 65536 */
}

BENCH_EXPORT int64_t run(int32_t n) {
  uint32_t state = 777;
  uint8_t *pa = (uint8_t *)src_a, *pb = (uint8_t *)src_b, *pw = (uint8_t *)alpha;
  for (int i = 0; i < PIXELS; ++i) {
    pa[i] = (uint8_t)bench_xs32(&state);
    pb[i] = (uint8_t)bench_xs32(&state);
    pw[i] = (uint8_t)bench_xs32(&state);
  }
  uint64_t checksum = 0;
  for (int32_t round = 0; round < n; ++round) {
    for (int i = 0; i < PIXELS / 16; ++i) {
      const u8x16 a = src_a[i], b = src_b[i], w = alpha[i];
      const u16x8 lo = blend8(__builtin_shufflevector(a, a, 0, 1, 2, 3, 4, 5, 6, 7),
                              __builtin_shufflevector(b, b, 0, 1, 2, 3, 4, 5, 6, 7),
                              __builtin_shufflevector(w, w, 0, 1, 2, 3, 4, 5, 6, 7));
      const u16x8 hi = blend8(__builtin_shufflevector(a, a, 8, 9, 10, 11, 12, 13, 14, 15),
                              __builtin_shufflevector(b, b, 8, 9, 10, 11, 12, 13, 14, 15),
                              __builtin_shufflevector(w, w, 8, 9, 10, 11, 12, 13, 14, 15));
      out[i] = __builtin_convertvector(
          __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
          u8x16);
    }
    const uint8_t *po = (const uint8_t *)out;
    for (int i = round & 1023; i < PIXELS; i += 1024)
      checksum = checksum * 31 + po[i];
    src_a[round & (PIXELS / 16 - 1)] += 1; /* keep rounds distinct */
  }
  return (int64_t)checksum;
}
