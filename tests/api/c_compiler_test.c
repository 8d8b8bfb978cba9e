/* The compiler's C API (waot/compiler.h), exercised from C: compiled as C,
 * linked against waot::compiler. Compiles modules held in memory, runs one,
 * and checks every kind of failure. Prints every failed check and exits
 * with 1 if there was one. */
#include <waot/compiler.h>

#include "c_check.h"

/* (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add) */
static const uint8_t kAdd[] = {
    0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,       /* header */
    0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F, /* type (i32 i32) -> i32 */
    0x03, 0x02, 0x01, 0x00,                               /* one function */
    0x07, 0x07, 0x01, 0x03, 'a',  'd',  'd',  0x00, 0x00, /* export "add" */
    0x0A, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B};

/* The same with a body missing an operand: local.get 0 i32.add (invalid). */
static const uint8_t kInvalid[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07,
                                   0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F, 0x03, 0x02, 0x01,
                                   0x00, 0x07, 0x07, 0x01, 0x03, 'a',  'd',  'd',  0x00, 0x00,
                                   0x0A, 0x07, 0x01, 0x05, 0x00, 0x20, 0x00, 0x6A, 0x0B};

static void compilesAndRuns(void) {
  waot_module_t *module = NULL;
  CHECK(waot_compile(kAdd, sizeof kAdd, NULL, &module) == WAOT_OK);
  if (!module) return;
  waot_instance_t *instance = NULL;
  CHECK(waot_instance_new(module, NULL, &instance) == WAOT_OK);
  waot_func_t *add = NULL;
  if (instance) CHECK(waot_instance_export_func(instance, "add", &add) == WAOT_OK);
  if (add) {
    waot_value_t args[2];
    waot_value_t result;
    args[0] = waot_value_i32(40);
    args[1] = waot_value_i32(2);
    CHECK(waot_func_call(add, args, 2, &result, 1) == WAOT_OK);
    CHECK(result.type == WAOT_I32 && result.of.i32 == 42);
    waot_func_delete(add);
  }
  waot_instance_delete(instance);
  waot_module_delete(module);
}

static void takesOptions(void) {
  waot_compile_options_t options;
  waot_module_t *module = NULL;
  waot_compile_options_init(&options);
  CHECK(options.opt_level == 2 && options.cpu == NULL && options.features == NULL &&
        options.threads == 0);
  options.opt_level = 0;
  options.threads = 1;
  CHECK(waot_compile(kAdd, sizeof kAdd, &options, &module) == WAOT_OK);
  waot_module_delete(module);
  module = NULL;

  options.opt_level = 9;
  CHECK(waot_compile(kAdd, sizeof kAdd, &options, &module) == WAOT_ERROR_OTHER);
  CHECK(contains(waot_last_error_message(), "optimization level"));
  CHECK(module == NULL);
}

static void reportsBadInput(void) {
  waot_module_t *module = NULL;
  CHECK(waot_compile(kInvalid, sizeof kInvalid, NULL, &module) == WAOT_ERROR_COMPILE);
  CHECK(contains(waot_last_error_message(), "offset"));
  CHECK(module == NULL);
  CHECK(waot_compile(kAdd, 12, NULL, &module) == WAOT_ERROR_COMPILE); /* truncated */
  CHECK(module == NULL);
  CHECK(waot_compile(NULL, 8, NULL, &module) == WAOT_ERROR_TYPE);
  CHECK(waot_compile(kAdd, sizeof kAdd, NULL, NULL) == WAOT_ERROR_TYPE);
}

static void validates(void) {
  CHECK(waot_validate(kAdd, sizeof kAdd) == 1);
  CHECK(waot_validate(kInvalid, sizeof kInvalid) == 0);
  CHECK(waot_validate(kAdd, 12) == 0);
  CHECK(waot_validate(NULL, 8) == 0);
}

int main(void) {
  compilesAndRuns();
  takesOptions();
  reportsBadInput();
  validates();
  return c_check_result();
}
