/* MDN's simple.wasm example from C, with waot's C API (waot/waot.h) and a
 * module compiled ahead of time (`waot compile simple.wasm -o simple.so`).
 *
 * Usage: simple_c simple.so   (prints 42) */
#include <waot/waot.h>

#include <stdio.h>

/* imports.imported_func: (i32) -> () */
static const char *imported_func(void *env, const waot_value_t *args, size_t num_args,
                                 waot_value_t *results, size_t num_results) {
  (void)env;
  (void)num_args;
  (void)results;
  (void)num_results;
  printf("%d\n", args[0].of.i32);
  return NULL;
}

static int fail(const char *what) {
  fprintf(stderr, "%s: %s\n", what, waot_last_error_message());
  return 1;
}

int main(int argc, char **argv) {
  waot_module_t *module = NULL;
  waot_imports_t *imports = NULL;
  waot_func_t *host = NULL;
  waot_instance_t *instance = NULL;
  waot_func_t *exported = NULL;
  int status = 1;
  static const uint8_t params[] = {WAOT_I32};

  if (argc != 2) {
    fprintf(stderr, "usage: %s simple.so\n", argv[0]);
    return 2;
  }
  if (waot_module_load(argv[1], &module) != WAOT_OK) return fail("waot_module_load");
  imports = waot_imports_new();
  if (!imports) {
    status = fail("waot_imports_new");
  } else if (waot_func_new(params, 1, NULL, 0, imported_func, NULL, NULL, &host) != WAOT_OK) {
    status = fail("waot_func_new");
  } else if (waot_imports_define_func(imports, "imports", "imported_func", host) != WAOT_OK) {
    status = fail("waot_imports_define_func");
  } else if (waot_instance_new(module, imports, &instance) != WAOT_OK) {
    status = fail("waot_instance_new");
  } else if (waot_instance_export_func(instance, "exported_func", &exported) != WAOT_OK) {
    status = fail("waot_instance_export_func");
  } else if (waot_func_call(exported, NULL, 0, NULL, 0) != WAOT_OK) {
    status = fail("waot_func_call");
  } else {
    status = 0;
  }
  waot_func_delete(exported);
  waot_instance_delete(instance);
  waot_func_delete(host);
  waot_imports_delete(imports);
  waot_module_delete(module);
  return status;
}
