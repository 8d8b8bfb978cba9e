/* Checks for the C API test programs: CHECK counts and reports (with the
 * thread's last waot error) without stopping; main returns c_check_result(). */
#ifndef WAOT_TESTS_C_CHECK_H
#define WAOT_TESTS_C_CHECK_H

#include <waot/waot.h>

#include <stdio.h>
#include <string.h>

static int failures = 0;
static int checks = 0;

#define CHECK(condition)                                                                           \
  do {                                                                                             \
    ++checks;                                                                                      \
    if (!(condition)) {                                                                            \
      ++failures;                                                                                  \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n", __FILE__, __LINE__,            \
              #condition, waot_last_error_message());                                              \
    }                                                                                              \
  } while (0)

#define CHECK_OK(call) CHECK((call) == WAOT_OK)

static int contains(const char *text, const char *part) {
  return text && strstr(text, part) != NULL;
}

/* Prints the tally; the process exit code. */
static int c_check_result(void) {
  printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}

#endif /* WAOT_TESTS_C_CHECK_H */
