/* Dot product of two float arrays with clang/GCC vector extensions: the same
 * source is SSE/AVX natively and wasm SIMD with -msimd128. Four independent
 * accumulators, so the loop is throughput- rather than latency-bound. */
#include "bench.h"

typedef float v4f __attribute__((vector_size(16)));

#define COUNT (1 << 16) /* floats per array: 2 x 256 KiB */
static v4f a[COUNT / 4], b[COUNT / 4];

BENCH_EXPORT int64_t run(int32_t n) {
  uint32_t state = 12345;
  float *fa = (float *)a, *fb = (float *)b;
  for (int i = 0; i < COUNT; ++i) {
    fa[i] = (float)(bench_xs32(&state) & 0xffff) * (1.0f / 65536.0f);
    fb[i] = (float)(bench_xs32(&state) & 0xffff) * (1.0f / 65536.0f);
  }
  uint64_t checksum = 0;
  for (int32_t round = 0; round < n; ++round) {
    v4f s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
    for (int i = 0; i < COUNT / 4; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    const v4f s = (s0 + s1) + (s2 + s3);
    const float total = (s[0] + s[1]) + (s[2] + s[3]);
    union {
      float f;
      uint32_t u;
    } bits = {total};
    checksum = checksum * 31 + bits.u;
    a[round & (COUNT / 4 - 1)] += (v4f){1e-3f, 0, 0, 0}; /* keep rounds distinct */
  }
  return (int64_t)checksum;
}
