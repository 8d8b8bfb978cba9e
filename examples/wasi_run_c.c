/* wasi_run.cpp in C: runs a precompiled WASI command with its arguments, its
 * environment and one host directory, and prints its exit status.
 *
 * Usage: wasi_run_c hello.so DIR   (prints "hi, embedder" and "exit status 0") */
#include <waot/wasi.h>
#include <waot/waot.h>

#include <stdio.h>

static int fail(const char *what) {
  fprintf(stderr, "%s: %s\n", what, waot_last_error_message());
  return 1;
}

int main(int argc, char **argv) {
  waot_module_t *module = NULL;
  waot_wasi_config_t *config = waot_wasi_config_new();
  waot_wasi_t *wasi = NULL;
  waot_imports_t *imports = waot_imports_new();
  waot_instance_t *instance = NULL;
  int status = 0, result = 1;

  if (argc != 3) {
    fprintf(stderr, "usage: %s PROGRAM.so DIR\n", argv[0]);
    return 2;
  }
  waot_wasi_config_add_arg(config, "hello");
  waot_wasi_config_add_arg(config, "embedder");
  waot_wasi_config_add_env(config, "GREETING=hi");
  waot_wasi_config_add_preopen(config, argv[2], "/out");
  if (waot_module_load(argv[1], &module) != WAOT_OK) {
    result = fail("load");
  } else if (waot_wasi_new(config, &wasi) != WAOT_OK ||
             waot_wasi_define(wasi, imports) != WAOT_OK) {
    result = fail("wasi");
  } else if (waot_instance_new(module, imports, &instance) != WAOT_OK) {
    result = fail("instantiate");
  } else if (waot_wasi_run_start(instance, &status) != WAOT_OK) {
    result = fail("_start"); /* a trap: WAOT_ERROR_RUNTIME */
  } else {
    fflush(stdout);
    printf("exit status %d\n", status);
    result = 0;
  }
  waot_instance_delete(instance);
  waot_imports_delete(imports);
  waot_wasi_delete(wasi);
  waot_wasi_config_delete(config);
  waot_module_delete(module);
  return result;
}
