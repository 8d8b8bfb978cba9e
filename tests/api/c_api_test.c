/* The C API (waot/waot.h), exercised from C: compiled as C, linked against
 * waot::runtime only. Usage:
 *   api_c_test DIR    (DIR holds provider.so, consumer.so, host_calls.so,
 *                      start_trap.so, memories.so, ... compiled by `waot compile`)
 * Prints every failed check and exits with 1 if there was one. */
#include <waot/waot.h>

#include "c_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char directory[4096];

static const char *artifact(const char *name) {
  static char path[4200];
  snprintf(path, sizeof path, "%s/%s.so", directory, name);
  return path;
}

static waot_module_t *load(const char *name) {
  waot_module_t *module = NULL;
  CHECK_OK(waot_module_load(artifact(name), &module));
  return module;
}

/* ---- host functions ---------------------------------------------------- */

struct host_state {
  int calls;
  int finalized;
  int fail;
};

/* host.callback: (i32) -> (i32), returns 10 * x (or fails when asked to). */
static const char *times_ten(void *env, const waot_value_t *args, size_t num_args,
                             waot_value_t *results, size_t num_results) {
  struct host_state *state = (struct host_state *)env;
  ++state->calls;
  if (state->fail) return "the host says no";
  if (num_args != 1 || num_results != 1 || args[0].type != WAOT_I32) return "unexpected arguments";
  results[0] = waot_value_i32(args[0].of.i32 * 10);
  return NULL;
}

static void finalize(void *env) { ((struct host_state *)env)->finalized = 1; }

static waot_func_t *new_callback(struct host_state *state) {
  static const uint8_t i32[] = {WAOT_I32};
  waot_func_t *func = NULL;
  CHECK_OK(waot_func_new(i32, 1, i32, 1, times_ten, state, finalize, &func));
  return func;
}

static void test_host_functions(void) {
  struct host_state state = {0, 0, 0};
  waot_module_t *module = load("host_calls");
  waot_func_t *callback = new_callback(&state);
  waot_imports_t *imports = waot_imports_new();
  waot_instance_t *instance = NULL;
  waot_func_t *run = NULL;
  waot_value_t arg = waot_value_i32(4), result;

  CHECK(module && callback && imports);
  CHECK_OK(waot_imports_define_func(imports, "host", "callback", callback));
  waot_func_delete(callback); /* the imports hold it */
  CHECK_OK(waot_instance_new(module, imports, &instance));
  CHECK_OK(waot_instance_export_func(instance, "run", &run));
  CHECK(waot_func_param_count(run) == 1 && waot_func_result_count(run) == 1);
  CHECK(waot_func_param_type(run, 0) == WAOT_I32 && waot_func_result_type(run, 0) == WAOT_I32);
  CHECK_OK(waot_func_call(run, &arg, 1, &result, 1));
  CHECK(result.type == WAOT_I32 && result.of.i32 == 41);
  CHECK(state.calls == 1);

  /* A failing host function: its message reaches the export's caller. */
  state.fail = 1;
  CHECK(waot_func_call(run, &arg, 1, &result, 1) == WAOT_ERROR_HOST);
  CHECK(contains(waot_last_error_message(), "the host says no"));
  state.fail = 0;

  /* Wrong arguments. */
  CHECK(waot_func_call(run, NULL, 0, &result, 1) == WAOT_ERROR_TYPE);
  CHECK(waot_func_call(run, &arg, 1, NULL, 0) == WAOT_ERROR_TYPE);
  arg = waot_value_i64(4);
  CHECK(waot_func_call(run, &arg, 1, &result, 1) == WAOT_ERROR_TYPE);

  waot_func_delete(run);
  waot_instance_delete(instance);
  CHECK(!state.finalized); /* the imports still hold the function */
  waot_imports_delete(imports);
  CHECK(state.finalized);
  waot_module_delete(module);
}

/* host.peek: (i32) -> (i32), the byte at that address of the caller's
 * memory (-1 out of range, -2 when there is no calling instance). */
static const char *peek(void *env, waot_caller_t *caller, const waot_value_t *args,
                        size_t num_args, waot_value_t *results, size_t num_results) {
  waot_memory_t *memory = NULL;
  uint32_t address = (uint32_t)args[0].of.i32;
  (void)env;
  if (num_args != 1 || num_results != 1) return "unexpected arguments";
  if (!waot_caller_has_instance(caller)) {
    results[0] = waot_value_i32(-2);
    return NULL;
  }
  if (waot_caller_export_memory(caller, "memory", &memory) != WAOT_OK) return "no memory";
  results[0] = waot_value_i32(address < waot_memory_size(memory)
                                  ? waot_memory_data(memory)[address]
                                  : -1);
  waot_memory_delete(memory);
  return NULL;
}

static void test_caller(void) {
  static const uint8_t i32[] = {WAOT_I32};
  waot_module_t *module = load("caller");
  waot_func_t *host = NULL, *run = NULL, *none = NULL;
  waot_imports_t *imports = waot_imports_new();
  waot_instance_t *instance = NULL;
  waot_value_t arg = waot_value_i32(3), result;

  CHECK_OK(waot_func_new_with_caller(i32, 1, i32, 1, peek, NULL, NULL, &host));
  CHECK_OK(waot_imports_define_func(imports, "host", "peek", host));
  CHECK_OK(waot_instance_new(module, imports, &instance));
  CHECK_OK(waot_instance_export_func(instance, "run", &run));
  CHECK_OK(waot_func_call(run, &arg, 1, &result, 1));
  CHECK(result.type == WAOT_I32 && result.of.i32 == 7);
  arg = waot_value_i32(70000);
  CHECK_OK(waot_func_call(run, &arg, 1, &result, 1));
  CHECK(result.of.i32 == -1);
  /* From the host there is no caller. */
  CHECK_OK(waot_func_call(host, &arg, 1, &result, 1));
  CHECK(result.of.i32 == -2);
  CHECK(waot_func_new_with_caller(i32, 1, i32, 1, NULL, NULL, NULL, &none) == WAOT_ERROR_TYPE);

  waot_func_delete(run);
  waot_func_delete(host);
  waot_instance_delete(instance);
  waot_imports_delete(imports);
  waot_module_delete(module);
}

/* ---- link errors ------------------------------------------------------- */

static void test_link_errors(void) {
  struct host_state state = {0, 0, 0};
  static const uint8_t i64[] = {WAOT_I64};
  waot_module_t *module = load("host_calls");
  waot_imports_t *imports = waot_imports_new();
  waot_instance_t *instance = NULL;
  waot_func_t *wrong = NULL;
  waot_memory_t *memory = NULL;

  CHECK(waot_instance_new(module, NULL, &instance) == WAOT_ERROR_TYPE);
  CHECK(contains(waot_last_error_message(), "host.callback"));
  CHECK(instance == NULL);

  CHECK_OK(waot_func_new(i64, 1, i64, 1, times_ten, &state, NULL, &wrong));
  CHECK_OK(waot_imports_define_func(imports, "host", "callback", wrong));
  CHECK(waot_instance_new(module, imports, &instance) == WAOT_ERROR_LINK);
  CHECK(contains(waot_last_error_message(), "host.callback"));
  CHECK(contains(waot_last_error_message(), "expected function (i32) -> (i32)"));
  CHECK(contains(waot_last_error_message(), "found function (i64) -> (i64)"));

  CHECK_OK(waot_memory_new(1, 0, 0, &memory));
  CHECK_OK(waot_imports_define_memory(imports, "host", "callback", memory));
  CHECK(waot_instance_new(module, imports, &instance) == WAOT_ERROR_LINK);
  CHECK(contains(waot_last_error_message(), "found memory {min 1}"));

  waot_memory_delete(memory);
  waot_func_delete(wrong);
  waot_imports_delete(imports);
  waot_module_delete(module);
}

/* ---- exports: functions, traps, memory, globals, tables ----------------- */

static void test_exports(void) {
  waot_module_t *module = load("provider");
  waot_instance_t *instance = NULL;
  waot_func_t *add = NULL, *div = NULL, *from_table = NULL;
  waot_memory_t *memory = NULL;
  waot_global_t *counter = NULL, *pi = NULL;
  waot_table_t *table = NULL;
  waot_value_t args[2], result, value;
  uint32_t old = 0;

  CHECK_OK(waot_instance_new(module, NULL, &instance));
  CHECK_OK(waot_instance_export_func(instance, "add", &add));
  args[0] = waot_value_i32(40);
  args[1] = waot_value_i32(2);
  CHECK_OK(waot_func_call(add, args, 2, &result, 1));
  CHECK(result.of.i32 == 42);

  CHECK_OK(waot_instance_export_func(instance, "div", &div));
  args[1] = waot_value_i32(0);
  CHECK(waot_func_call(div, args, 2, &result, 1) == WAOT_ERROR_RUNTIME);
  CHECK(waot_last_error_trap() == WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO);
  CHECK(strcmp(waot_last_error_message(), "integer divide by zero") == 0);

  CHECK(waot_instance_export_func(instance, "memory", &add) == WAOT_ERROR_OTHER);
  CHECK(contains(waot_last_error_message(), "\"memory\""));
  CHECK(waot_instance_export_func(instance, "nothing", &add) == WAOT_ERROR_OTHER);

  CHECK_OK(waot_instance_export_memory(instance, "memory", &memory));
  CHECK(waot_memory_size(memory) == 65536);
  waot_memory_data(memory)[10] = 99;
  CHECK_OK(waot_memory_grow(memory, 1, &old));
  CHECK(old == 1 && waot_memory_size(memory) == 2 * 65536);
  CHECK(waot_memory_data(memory)[10] == 99);
  CHECK(waot_memory_grow(memory, 10, &old) == WAOT_ERROR_RUNTIME);

  CHECK_OK(waot_instance_export_global(instance, "counter", &counter));
  CHECK(waot_global_type(counter) == WAOT_I32 && waot_global_is_mutable(counter));
  CHECK_OK(waot_global_get(counter, &value));
  CHECK(value.of.i32 == 10);
  value = waot_value_i32(11);
  CHECK_OK(waot_global_set(counter, &value));
  CHECK_OK(waot_instance_export_global(instance, "pi", &pi));
  CHECK_OK(waot_global_get(pi, &value));
  CHECK(value.type == WAOT_F64 && value.of.f64 == 3.5);
  CHECK(waot_global_set(pi, &value) == WAOT_ERROR_TYPE);

  CHECK_OK(waot_instance_export_table(instance, "table", &table));
  CHECK(waot_table_size(table) == 2);
  CHECK_OK(waot_table_get(table, 1, &value));
  CHECK(value.type == WAOT_FUNCREF && value.of.ref != NULL);
  CHECK_OK(waot_value_func(&value, &from_table)); /* slot 1 holds $sub */
  args[0] = waot_value_i32(40);
  args[1] = waot_value_i32(2);
  CHECK_OK(waot_func_call(from_table, args, 2, &result, 1));
  CHECK(result.of.i32 == 38);
  CHECK(waot_table_get(table, 2, &value) == WAOT_ERROR_RUNTIME);
  CHECK(contains(waot_last_error_message(), "out of bounds table access"));

  waot_func_delete(from_table);
  waot_table_delete(table);
  waot_global_delete(pi);
  waot_global_delete(counter);
  waot_memory_delete(memory);
  waot_func_delete(div);
  waot_func_delete(add);
  waot_instance_delete(instance);
  waot_module_delete(module);
}

/* ---- two memories: one imported from the host, one defined ------------- */

static void test_two_memories(void) {
  waot_module_t *module = load("memories");
  waot_imports_t *imports = waot_imports_new();
  waot_instance_t *instance = NULL;
  waot_memory_t *in = NULL, *out = NULL, *small = NULL, *wide = NULL;
  waot_func_t *copy = NULL, *sum = NULL, *sizes = NULL;
  waot_value_t args[3], result;
  uint32_t old = 0;

  /* memory 0 needs at most 2 pages: an unbounded one does not match. */
  CHECK_OK(waot_memory_new(1, 0, 0, &small));
  CHECK_OK(waot_imports_define_memory(imports, "host", "memory", small));
  CHECK(waot_instance_new(module, imports, &instance) == WAOT_ERROR_LINK);
  CHECK(contains(waot_last_error_message(), "host.memory"));

  /* A 64-bit memory does not satisfy a 32-bit memory import. */
  CHECK_OK(waot_memory_new64(1, 1, 2, &wide));
  CHECK(waot_memory_is64(wide) && !waot_memory_is64(small));
  CHECK_OK(waot_imports_define_memory(imports, "host", "memory", wide));
  CHECK(waot_instance_new(module, imports, &instance) == WAOT_ERROR_LINK);
  CHECK(contains(waot_last_error_message(), "found memory i64 {min 1, max 2}"));

  CHECK_OK(waot_memory_new(1, 1, 2, &in));
  CHECK_OK(waot_imports_define_memory(imports, "host", "memory", in));
  CHECK_OK(waot_instance_new(module, imports, &instance));
  CHECK_OK(waot_instance_export_memory(instance, "out", &out));
  CHECK(waot_memory_data(out) != waot_memory_data(in));
  CHECK(memcmp(waot_memory_data(out), "out", 3) == 0);
  CHECK(waot_memory_data(in)[0] == 0);

  memcpy(waot_memory_data(in) + 100, "host", 4);
  CHECK_OK(waot_instance_export_func(instance, "copy", &copy));
  args[0] = waot_value_i32(200);
  args[1] = waot_value_i32(100);
  args[2] = waot_value_i32(4);
  CHECK_OK(waot_func_call(copy, args, 3, NULL, 0));
  CHECK(memcmp(waot_memory_data(out) + 200, "host", 4) == 0);
  CHECK(waot_memory_data(in)[200] == 0);
  args[1] = waot_value_i32(65534); /* beyond memory 0's one page */
  CHECK(waot_func_call(copy, args, 3, NULL, 0) == WAOT_ERROR_RUNTIME);
  CHECK(waot_last_error_trap() == WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);

  CHECK_OK(waot_instance_export_func(instance, "sum", &sum));
  waot_memory_data(in)[7] = 30;
  waot_memory_data(out)[7] = 12;
  args[0] = waot_value_i32(7);
  CHECK_OK(waot_func_call(sum, args, 1, &result, 1));
  CHECK(result.of.i32 == 42);

  CHECK_OK(waot_instance_export_func(instance, "sizes", &sizes));
  CHECK_OK(waot_memory_grow(out, 2, &old));
  CHECK(old == 1);
  CHECK_OK(waot_func_call(sizes, NULL, 0, &result, 1));
  CHECK(result.of.i32 == 13);
  CHECK_OK(waot_memory_grow(in, 1, &old));
  CHECK_OK(waot_func_call(sizes, NULL, 0, &result, 1));
  CHECK(result.of.i32 == 23);
  CHECK(waot_memory_grow(out, 1, &old) == WAOT_ERROR_RUNTIME);

  waot_func_delete(sizes);
  waot_func_delete(sum);
  waot_func_delete(copy);
  waot_memory_delete(out);
  waot_memory_delete(in);
  waot_memory_delete(small);
  waot_memory_delete(wide);
  waot_instance_delete(instance);
  waot_imports_delete(imports);
  waot_module_delete(module);
}

/* ---- one instance's exports as another's imports ------------------------ */

static void test_cross_instance(void) {
  waot_module_t *provider_module = load("provider"), *consumer_module = load("consumer");
  waot_instance_t *provider = NULL, *consumer = NULL, *second = NULL;
  waot_imports_t *whole = waot_imports_new(), *each = waot_imports_new();
  waot_func_t *add = NULL, *call_add = NULL, *bump = NULL;
  waot_memory_t *memory = NULL;
  waot_table_t *table = NULL;
  waot_global_t *counter = NULL;
  waot_value_t args[2], result;

  CHECK_OK(waot_instance_new(provider_module, NULL, &provider));
  CHECK_OK(waot_imports_define_instance(whole, "provider", provider));
  CHECK_OK(waot_instance_new(consumer_module, whole, &consumer));
  CHECK_OK(waot_instance_export_func(consumer, "call_add", &call_add));
  args[0] = waot_value_i32(1);
  args[1] = waot_value_i32(2);
  CHECK_OK(waot_func_call(call_add, args, 2, &result, 1));
  CHECK(result.of.i32 == 3);

  /* The four kinds one by one. */
  CHECK_OK(waot_instance_export_func(provider, "add", &add));
  CHECK_OK(waot_instance_export_memory(provider, "memory", &memory));
  CHECK_OK(waot_instance_export_table(provider, "table", &table));
  CHECK_OK(waot_instance_export_global(provider, "counter", &counter));
  CHECK_OK(waot_imports_define_func(each, "provider", "add", add));
  CHECK_OK(waot_imports_define_memory(each, "provider", "memory", memory));
  CHECK_OK(waot_imports_define_table(each, "provider", "table", table));
  CHECK_OK(waot_imports_define_global(each, "provider", "counter", counter));
  CHECK_OK(waot_instance_new(consumer_module, each, &second));
  CHECK_OK(waot_instance_export_func(second, "bump", &bump));
  CHECK_OK(waot_func_call(bump, NULL, 0, &result, 1));
  CHECK(result.of.i32 == 11);
  CHECK_OK(waot_global_get(counter, &result));
  CHECK(result.of.i32 == 11);

  waot_func_delete(bump);
  waot_global_delete(counter);
  waot_table_delete(table);
  waot_memory_delete(memory);
  waot_func_delete(add);
  waot_func_delete(call_add);
  waot_instance_delete(second);
  waot_instance_delete(consumer);
  waot_instance_delete(provider);
  waot_imports_delete(each);
  waot_imports_delete(whole);
  waot_module_delete(consumer_module);
  waot_module_delete(provider_module);
}

/* ---- modules: loading, reflection, errors ------------------------------- */

static void test_modules(void) {
  waot_module_t *module = NULL, *copy = NULL, *from_memory = NULL;
  waot_instance_t *instance = NULL;
  waot_import_info_t import;
  waot_export_info_t exported;
  FILE *file;
  uint8_t *bytes;
  long size;

  CHECK(waot_module_load(artifact("no-such-module"), &module) == WAOT_ERROR_COMPILE);
  CHECK(contains(waot_last_error_message(), "no-such-module.so"));
  CHECK(module == NULL);
  CHECK(waot_module_load(NULL, &module) == WAOT_ERROR_TYPE);

  module = load("consumer");
  CHECK(waot_module_import_count(module) == 4);
  CHECK_OK(waot_module_import(module, 0, &import));
  CHECK(strcmp(import.module, "provider") == 0 && strcmp(import.name, "add") == 0);
  CHECK(import.type.kind == WAOT_EXTERN_FUNC && import.type.num_params == 2 &&
        import.type.num_results == 1);
  CHECK(import.type.params[1] == WAOT_I32 && import.type.results[0] == WAOT_I32);
  CHECK(strcmp(import.type.text, "function (i32, i32) -> (i32)") == 0);
  CHECK_OK(waot_module_import(module, 1, &import));
  CHECK(import.type.kind == WAOT_EXTERN_MEMORY && import.type.min == 1 && import.type.has_max &&
        import.type.max == 4);
  CHECK(waot_module_import(module, 4, &import) == WAOT_ERROR_TYPE);
  copy = waot_module_copy(module);
  waot_module_delete(module); /* the copy keeps the module (and its strings) */
  CHECK(waot_module_export_count(copy) == 4);
  CHECK_OK(waot_module_export(copy, 3, &exported));
  CHECK(strcmp(exported.name, "bump") == 0 &&
        strcmp(exported.type.text, "function () -> (i32)") == 0);
  CHECK_OK(waot_module_import(copy, 3, &import));
  CHECK(import.type.kind == WAOT_EXTERN_GLOBAL && import.type.val_type == WAOT_I32 &&
        import.type.is_mutable);
  waot_module_delete(copy);

  /* From memory: the bytes of a .so. */
  file = fopen(artifact("start_trap"), "rb");
  CHECK(file != NULL);
  if (!file) return;
  fseek(file, 0, SEEK_END);
  size = ftell(file);
  fseek(file, 0, SEEK_SET);
  bytes = (uint8_t *)malloc((size_t)size);
  CHECK(bytes && fread(bytes, 1, (size_t)size, file) == (size_t)size);
  fclose(file);
  CHECK_OK(waot_module_load_memory(bytes, (size_t)size, &from_memory));
  bytes[size / 2] ^= 1;
  CHECK(waot_module_load_memory(bytes, (size_t)size, &module) == WAOT_ERROR_COMPILE);
  CHECK(contains(waot_last_error_message(), "checksum"));
  free(bytes);

  /* A trap in the start function. */
  CHECK(waot_instance_new(from_memory, NULL, &instance) == WAOT_ERROR_RUNTIME);
  CHECK(waot_last_error_trap() == WAOT_TRAP_UNREACHABLE);
  CHECK(instance == NULL);
  waot_module_delete(from_memory);
}

/* ---- host-made objects ------------------------------------------------- */

static void test_host_objects(void) {
  waot_memory_t *memory = NULL;
  waot_table_t *table = NULL;
  waot_global_t *global = NULL;
  waot_value_t value = waot_value_f32(1.25f), got;
  uint32_t old = 0;

  CHECK(waot_memory_new(2, 1, 1, &memory) == WAOT_ERROR_TYPE); /* max < min */
  CHECK_OK(waot_memory_new(0, 1, 1, &memory));
  CHECK(waot_memory_size(memory) == 0);
  CHECK_OK(waot_memory_grow(memory, 1, &old));
  CHECK(waot_memory_size(memory) == 65536);
  waot_memory_delete(memory);

  CHECK_OK(waot_global_new(&value, 1, &global));
  CHECK_OK(waot_global_get(global, &got));
  CHECK(got.type == WAOT_F32 && got.of.f32 == 1.25f);
  value = waot_value_i32(1);
  CHECK(waot_global_set(global, &value) == WAOT_ERROR_TYPE);
  waot_global_delete(global);

  value = waot_value_ref(WAOT_EXTERNREF, &old);
  CHECK_OK(waot_table_new(WAOT_EXTERNREF, 1, 0, 0, NULL, &table));
  CHECK_OK(waot_table_set(table, 0, &value));
  CHECK_OK(waot_table_get(table, 0, &got));
  CHECK(got.type == WAOT_EXTERNREF && got.of.ref == &old);
  CHECK_OK(waot_table_grow(table, 2, NULL, &old));
  CHECK(old == 1 && waot_table_size(table) == 3);
  CHECK(waot_table_new(WAOT_I32, 1, 0, 0, NULL, &table) == WAOT_ERROR_TYPE);
  waot_table_delete(table);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  snprintf(directory, sizeof directory, "%s", argv[1]);
  test_modules();
  test_host_functions();
  test_caller();
  test_link_errors();
  test_exports();
  test_cross_instance();
  test_host_objects();
  test_two_memories();
  return c_check_result();
}
