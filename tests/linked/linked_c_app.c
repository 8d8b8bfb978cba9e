/* A C program (no C++ of its own) that uses only the generated headers and
 * the C API: two linked modules, one importing the other's exports and a
 * host function, typed calls, a trap. Exits non-zero on the first mismatch. */
#include "consumer.h"
#include "names.h"
#include "provider.h"

#include <stdio.h>
#include <string.h>

static int failures = 0;
#define CHECK(condition)                                                                           \
  do {                                                                                             \
    if (!(condition)) {                                                                            \
      fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #condition,            \
              waot_last_error_message());                                                          \
      ++failures;                                                                                  \
    }                                                                                              \
  } while (0)

static int32_t reported = 0;

static const char *report(void *env, const waot_value_t *args, size_t num_args,
                          waot_value_t *results, size_t num_results) {
  (void)env;
  (void)results;
  (void)num_results;
  if (num_args != 1) return "report: expected one argument";
  reported = args[0].of.i32;
  return NULL;
}

int main(void) {
  provider_instance_t provider;
  consumer_instance_t consumer;
  waot_imports_t *imports = NULL;
  waot_func_t *host = NULL;
  const uint8_t params[] = {WAOT_I32};
  int32_t result = 0;

  CHECK(provider_instantiate(NULL, &provider) == WAOT_OK);
  CHECK(provider_double_(&provider, 21, &result) == WAOT_OK && result == 42);

  /* A trap is WAOT_ERROR_RUNTIME with the spec's message. */
  CHECK(provider_divide(&provider, 1, 0, &result) == WAOT_ERROR_RUNTIME);
  CHECK(strcmp(waot_last_error_message(), "integer divide by zero") == 0);
  CHECK(waot_last_error_trap() == WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO);

  /* consumer imports provider's function, memory, table and global, and a
   * host function. */
  imports = waot_imports_new();
  CHECK(imports != NULL);
  CHECK(waot_func_new(params, 1, NULL, 0, report, NULL, NULL, &host) == WAOT_OK);
  CHECK(waot_imports_define_func(imports, "host", "report", host) == WAOT_OK);
  CHECK(waot_imports_define_func(imports, "provider", "double", provider.double_) == WAOT_OK);
  CHECK(waot_imports_define_memory(imports, "provider", "memory", provider.memory) == WAOT_OK);
  CHECK(waot_imports_define_table(imports, "provider", "table", provider.table) == WAOT_OK);
  CHECK(waot_imports_define_global(imports, "provider", "base", provider.base) == WAOT_OK);
  CHECK(consumer_instantiate(imports, &consumer) == WAOT_OK);
  waot_memory_data(provider.memory)[0] = 5;
  CHECK(consumer_run(&consumer, 10, &result) == WAOT_OK);
  CHECK(result == 20 + 30 + 100 + 5 && reported == result);

  /* Odd export names: reachable under valid, unique identifiers. */
  {
    names_instance_t names;
    CHECK(names_instantiate(NULL, &names) == WAOT_OK);
    CHECK(names_a_b(&names, &result) == WAOT_OK && result == 7);
    CHECK(names_a_b_2(&names, &result) == WAOT_OK && result == 8);
    CHECK(names_x_y(&names, &result) == WAOT_OK && result == 7);
    CHECK(names__ber(&names, &result) == WAOT_OK && result == 8);
    CHECK(names_a_quote_(&names, &result) == WAOT_OK && result == 8);
    names_delete(&names);
  }

  consumer_delete(&consumer);
  waot_func_delete(host);
  waot_imports_delete(imports);
  provider_delete(&provider);
  if (failures == 0) printf("linked C application: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
