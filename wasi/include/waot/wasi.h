/*
 * WASI preview1 for waot's C API: the 46 functions of wasi_snapshot_preview1
 * on Linux, defined on a waot_imports_t. See waot/wasi.hpp for the rules
 * (sandboxing of the preopened directories, errno values).
 *
 *   waot_wasi_config_t *config = waot_wasi_config_new();
 *   waot_wasi_config_add_arg(config, "prog.wasm");
 *   waot_wasi_config_add_preopen(config, "/srv/data", "/");
 *   waot_wasi_t *wasi;
 *   if (waot_wasi_new(config, &wasi) != WAOT_OK) ... waot_last_error_message()
 *   waot_wasi_config_delete(config);
 *   waot_wasi_define(wasi, imports);
 *   ... waot_instance_new(module, imports, &instance) ...
 *   int exit_code;
 *   waot_wasi_run_start(instance, &exit_code);
 *
 * Errors follow waot/waot.h: a waot_status, the message in
 * waot_last_error_message(), out-parameters untouched on failure.
 */
#ifndef WAOT_WASI_H
#define WAOT_WASI_H

#include "waot/waot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What one guest process starts with (see waot::wasi::Config). */
typedef struct waot_wasi_config_handle waot_wasi_config_t;

/* A new configuration: no arguments, no environment, no preopens, the
 * process's own stdin/stdout/stderr (NULL when out of memory). */
waot_wasi_config_t *waot_wasi_config_new(void);
void waot_wasi_config_delete(waot_wasi_config_t *config);
/* Appends argv[i] (the first one is the program name). */
waot_status waot_wasi_config_add_arg(waot_wasi_config_t *config, const char *arg);
/* Appends an environment entry, "KEY=VALUE". */
waot_status waot_wasi_config_add_env(waot_wasi_config_t *config, const char *entry);
/* Appends a preopened directory: the host directory `host_path`, seen by the
 * guest as `guest_path` (fds 3, 4, ... in order of addition). */
waot_status waot_wasi_config_add_preopen(waot_wasi_config_t *config, const char *host_path,
                                         const char *guest_path);
/* The host descriptors the guest's 0, 1 and 2 use (duplicated when the
 * context is created; waot never closes the ones given here). */
void waot_wasi_config_set_stdin(waot_wasi_config_t *config, int fd);
void waot_wasi_config_set_stdout(waot_wasi_config_t *config, int fd);
void waot_wasi_config_set_stderr(waot_wasi_config_t *config, int fd);

/* One guest process's WASI state (see waot::wasi::Context). */
typedef struct waot_wasi_handle waot_wasi_t;

/* Opens the preopened directories of `config` (WAOT_ERROR_OTHER naming the
 * host path when one cannot be opened). `config` may be deleted afterwards. */
waot_status waot_wasi_new(const waot_wasi_config_t *config, waot_wasi_t **out);
/* The functions defined on imports keep the state alive: deleting the handle
 * does not affect instances that import them. */
void waot_wasi_delete(waot_wasi_t *wasi);
/* Defines all 46 wasi_snapshot_preview1 functions on `imports`. */
waot_status waot_wasi_define(const waot_wasi_t *wasi, waot_imports_t *imports);

/* Calls the instance's `_start` export. WAOT_OK with *exit_code = 0 when it
 * returns, or the proc_exit code; WAOT_ERROR_RUNTIME for a trap (see
 * waot_last_error_trap), WAOT_ERROR_OTHER when there is no `_start` of type
 * () -> (). */
waot_status waot_wasi_run_start(const waot_instance_t *instance, int *exit_code);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WAOT_WASI_H */
