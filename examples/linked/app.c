/* The same application in C: the generated headers' C side and the C API. */
#include "mathlib.h"
#include "stats.h"

#include <stdio.h>
#include <string.h>

static int32_t calls = 0;

static const char *progress(void *env, const waot_value_t *args, size_t num_args,
                            waot_value_t *results, size_t num_results) {
  (void)env, (void)args, (void)num_args, (void)results, (void)num_results;
  ++calls;
  return NULL;
}

int main(void) {
  mathlib_instance_t math;
  stats_instance_t stats;
  waot_imports_t *imports = waot_imports_new();
  waot_func_t *host = NULL;
  const uint8_t params[] = {WAOT_I32, WAOT_I32};
  int32_t i, quotient = 0;
  int64_t sum = 0;

  if (mathlib_instantiate(NULL, &math) != WAOT_OK) goto failed;
  for (i = 0; i < 10; ++i) {
    const int32_t value = i + 1;
    memcpy(waot_memory_data(math.memory) + 64 + 4 * i, &value, sizeof value);
  }
  if (waot_func_new(params, 2, NULL, 0, progress, NULL, NULL, &host) != WAOT_OK ||
      waot_imports_define_instance(imports, "mathlib", math.instance) != WAOT_OK ||
      waot_imports_define_func(imports, "env", "progress", host) != WAOT_OK ||
      stats_instantiate(imports, &stats) != WAOT_OK)
    goto failed;

  if (stats_sum_of_squares(&stats, 64, 10, &sum) != WAOT_OK) goto failed;
  printf("sum of squares: %lld (progress called %d times)\n", (long long)sum, calls);
  if (mathlib_ratio(&math, 1, 0, &quotient) == WAOT_ERROR_RUNTIME)
    printf("trap: %s\n", waot_last_error_message());

  stats_delete(&stats);
  mathlib_delete(&math);
  waot_func_delete(host);
  waot_imports_delete(imports);
  return 0;
failed:
  fprintf(stderr, "error: %s\n", waot_last_error_message());
  return 1;
}
