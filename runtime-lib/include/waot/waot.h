/*
 * waot's C API: load modules compiled by waot, link their imports,
 * instantiate them and call their exports, from C. It is a thin layer over
 * the C++ API (waot/waot.hpp) and has the same objects and rules; see
 * docs/api.md for the mapping to the WebAssembly JavaScript API.
 *
 *   waot_module_t *module;
 *   if (waot_module_load("add.so", &module) != WAOT_OK) {
 *     fprintf(stderr, "%s\n", waot_last_error_message());
 *     return 1;
 *   }
 *
 * Errors: every function that can fail returns a waot_status (WAOT_OK on
 * success) and leaves its out-parameters untouched on failure. The message
 * of the calling thread's last failure is waot_last_error_message().
 *
 * Ownership: each handle a function hands out (through an out-parameter or
 * as a result) belongs to the caller, who releases it with the matching
 * waot_*_delete. Handles share the objects they refer to: deleting one never
 * invalidates another, and an exported function, table or global keeps its
 * instance alive (as in the C++ API).
 *
 * Threads: a module may be used from any number of threads at once; an
 * instance (and what it exports) by one thread at a time.
 */
#ifndef WAOT_H
#define WAOT_H

#include "waot/abi.h" /* enum waot_valtype, waot_extern_kind, waot_trap_kind */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors -------------------------------------------------------------- */

typedef enum waot_status {
  WAOT_OK = 0,
  WAOT_ERROR_COMPILE = 1, /* CompileError: not a loadable artifact / bad module */
  WAOT_ERROR_LINK = 2,    /* LinkError: an import is missing or has the wrong type */
  WAOT_ERROR_RUNTIME = 3, /* RuntimeError: a trap (see waot_last_error_trap) or a
                             runtime failure such as a memory that cannot grow */
  WAOT_ERROR_TYPE = 4,    /* TypeError: wrong arguments (count, types, NULL
                             handles), a missing import namespace */
  WAOT_ERROR_HOST = 5,    /* a host function (waot_func_new) reported a failure;
                             the message is the one it returned */
  WAOT_ERROR_OTHER = 6    /* anything else, e.g. no export of that name and kind */
} waot_status;

/* The message of the calling thread's last failure ("" if none). Valid until
 * the next failing call on this thread. */
const char *waot_last_error_message(void);
/* The waot_trap_kind of the calling thread's last failure when it was a trap
 * (WAOT_TRAP_NONE otherwise). */
uint32_t waot_last_error_trap(void);

/* ---- values -------------------------------------------------------------- */

/* A value: `type` is a waot_valtype. A v128 is its 16 bytes in memory
 * order (lane 0 first, little endian). A funcref's `ref` is an opaque
 * function reference (NULL: ref.null func) that is only valid as long as
 * whatever holds the function (a table, a global, a waot_func_t handle) does;
 * waot_value_func() turns it into a handle of its own. An externref's `ref`
 * is any host pointer (NULL: ref.null extern), never dereferenced by waot. */
typedef struct waot_value {
  uint8_t type;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    void *ref;
    uint8_t v128[16];
  } of;
} waot_value_t;

static inline waot_value_t waot_value_i32(int32_t v) {
  waot_value_t value;
  memset(&value, 0, sizeof value);
  value.type = WAOT_I32;
  value.of.i32 = v;
  return value;
}
static inline waot_value_t waot_value_i64(int64_t v) {
  waot_value_t value;
  memset(&value, 0, sizeof value);
  value.type = WAOT_I64;
  value.of.i64 = v;
  return value;
}
static inline waot_value_t waot_value_f32(float v) {
  waot_value_t value;
  memset(&value, 0, sizeof value);
  value.type = WAOT_F32;
  value.of.f32 = v;
  return value;
}
static inline waot_value_t waot_value_f64(double v) {
  waot_value_t value;
  memset(&value, 0, sizeof value);
  value.type = WAOT_F64;
  value.of.f64 = v;
  return value;
}
/* A v128 from its 16 bytes (lane 0 first). */
static inline waot_value_t waot_value_v128(const uint8_t bytes[16]) {
  waot_value_t value;
  unsigned i;
  value.type = WAOT_V128;
  for (i = 0; i < 16; ++i)
    value.of.v128[i] = bytes[i];
  return value;
}
/* An externref (or, with type WAOT_FUNCREF and NULL, ref.null func). */
static inline waot_value_t waot_value_ref(uint8_t ref_type, void *ref) {
  waot_value_t value;
  memset(&value, 0, sizeof value);
  value.type = ref_type;
  value.of.ref = ref;
  return value;
}

/* ---- handles ------------------------------------------------------------- */

typedef struct waot_module_handle waot_module_t;
typedef struct waot_instance_handle waot_instance_t;
typedef struct waot_imports_handle waot_imports_t;
typedef struct waot_func_handle waot_func_t;
typedef struct waot_memory_handle waot_memory_t;
typedef struct waot_table_handle waot_table_t;
typedef struct waot_global_handle waot_global_t;
typedef struct waot_deadline_handle waot_deadline_t;

/* ---- modules ------------------------------------------------------------- */

/* Loads a .so compiled by waot (WAOT_ERROR_COMPILE naming the path for a
 * file that is not a loadable waot artifact of this ABI version). */
waot_status waot_module_load(const char *path, waot_module_t **out);
/* Loads a compiled artifact held in memory (the bytes are copied). */
waot_status waot_module_load_memory(const uint8_t *artifact, size_t size, waot_module_t **out);
/* A module linked into this program (waot compile --emit=object --name NAME):
 * `descriptor` is its symbol waot_module_NAME, declared by the generated
 * header. No dlopen, no file; the same checks and errors as loading. */
struct waot_artifact;
waot_status waot_module_new_linked(const struct waot_artifact *descriptor, waot_module_t **out);
/* Another handle on the same module (NULL when out of memory). */
waot_module_t *waot_module_copy(const waot_module_t *module);
void waot_module_delete(waot_module_t *module);

/* The type of an import or export. Pointers stay valid as long as a handle
 * on the module exists. */
typedef struct waot_extern_type {
  uint8_t kind;           /* waot_extern_kind */
  uint8_t val_type;       /* global: value type; table: element type */
  uint8_t is_mutable;     /* global */
  uint8_t has_max;        /* table, memory */
  uint8_t is64;           /* table: i64 indices; memory: i64 addresses (memory64) */
  uint32_t num_params;    /* function */
  uint32_t num_results;   /* function */
  const uint8_t *params;  /* function: num_params waot_valtype codes */
  const uint8_t *results; /* function: num_results waot_valtype codes */
  uint64_t min;           /* table: elements; memory: 64 KiB pages */
  uint64_t max;           /* when has_max */
  const char *text;       /* e.g. "function (i32) -> ()", "memory {min 1}" */
} waot_extern_type_t;

typedef struct waot_import_info {
  const char *module;
  const char *name;
  waot_extern_type_t type;
} waot_import_info_t;

typedef struct waot_export_info {
  const char *name;
  waot_extern_type_t type;
} waot_export_info_t;

/* WebAssembly.Module.imports() / exports(), one entry at a time, in
 * declaration order (WAOT_ERROR_TYPE for an index out of range). */
size_t waot_module_import_count(const waot_module_t *module);
waot_status waot_module_import(const waot_module_t *module, size_t index, waot_import_info_t *out);
size_t waot_module_export_count(const waot_module_t *module);
waot_status waot_module_export(const waot_module_t *module, size_t index, waot_export_info_t *out);

/* ---- imports ------------------------------------------------------------- */

/* An empty import object (NULL when out of memory). */
waot_imports_t *waot_imports_new(void);
void waot_imports_delete(waot_imports_t *imports);
/* Defines (or replaces) module.name. The imports hold their own reference:
 * the handle passed in may be deleted right after. */
waot_status waot_imports_define_func(waot_imports_t *imports, const char *module, const char *name,
                                     const waot_func_t *func);
waot_status waot_imports_define_memory(waot_imports_t *imports, const char *module,
                                       const char *name, const waot_memory_t *memory);
waot_status waot_imports_define_table(waot_imports_t *imports, const char *module, const char *name,
                                      const waot_table_t *table);
waot_status waot_imports_define_global(waot_imports_t *imports, const char *module,
                                       const char *name, const waot_global_t *global);
/* Defines every export of `instance` under `module`. */
waot_status waot_imports_define_instance(waot_imports_t *imports, const char *module,
                                         const waot_instance_t *instance);

/* ---- instances ----------------------------------------------------------- */

/* new WebAssembly.Instance(module, imports); `imports` may be NULL (none).
 * WAOT_ERROR_TYPE for a missing import namespace, WAOT_ERROR_LINK for a
 * missing or mismatched import, WAOT_ERROR_RUNTIME for a trap in a segment
 * or the start function. */
waot_status waot_instance_new(const waot_module_t *module, const waot_imports_t *imports,
                              waot_instance_t **out);
/* The same with resource limits (see waot::InstanceLimits): the most pages
 * of each memory and elements of each table the instance defines; growing
 * beyond returns -1; an instance whose memory or table starts larger fails
 * with WAOT_ERROR_RUNTIME. The size in bytes of the stack calls into the
 * instance run on (at least WAOT_MIN_STACK_BYTES; exhausting it traps).
 * WAOT_NO_LIMIT (or limits NULL; for max_stack_bytes also 0): none. */
#define WAOT_NO_LIMIT UINT64_MAX
#define WAOT_MIN_STACK_BYTES 16384u
typedef struct waot_instance_limits_t {
  uint64_t max_memory_pages;
  uint64_t max_table_elements;
  uint64_t max_stack_bytes;
} waot_instance_limits_t;
waot_status waot_instance_new_with_limits(const waot_module_t *module,
                                          const waot_imports_t *imports,
                                          const waot_instance_limits_t *limits,
                                          waot_instance_t **out);
void waot_instance_delete(waot_instance_t *instance);
/* instance.exports.NAME (WAOT_ERROR_OTHER when there is no such export of
 * that kind). */
waot_status waot_instance_export_func(const waot_instance_t *instance, const char *name,
                                      waot_func_t **out);
waot_status waot_instance_export_memory(const waot_instance_t *instance, const char *name,
                                        waot_memory_t **out);
waot_status waot_instance_export_table(const waot_instance_t *instance, const char *name,
                                       waot_table_t **out);
waot_status waot_instance_export_global(const waot_instance_t *instance, const char *name,
                                        waot_global_t **out);

/* Interruptible execution (modules compiled with `interruptible` set in
 * waot_compile_options_t, or `waot compile --interruptible`); see
 * waot::Instance::interrupt in waot/instance.hpp. waot_instance_interrupt
 * (any thread) stops the instance's running code at its next check: the call
 * into it fails with WAOT_ERROR_RUNTIME "interrupted"; the instance stays
 * usable. waot_instance_interrupt_after does so once `nanoseconds` have
 * passed unless the deadline is deleted first (deleting also withdraws a
 * fired interrupt no code took). WAOT_ERROR_OTHER for an instance whose
 * module was not compiled interruptible. */
int waot_instance_interruptible(const waot_instance_t *instance);
waot_status waot_instance_interrupt(const waot_instance_t *instance);
waot_status waot_instance_interrupt_after(const waot_instance_t *instance, uint64_t nanoseconds,
                                          waot_deadline_t **out);
void waot_deadline_delete(waot_deadline_t *deadline);

/* ---- functions ----------------------------------------------------------- */

/* A host function. It receives exactly its declared parameters and must
 * write every result (each of its declared type). It returns NULL on
 * success, or a failure message (copied by waot at once, so a static or
 * thread-local buffer will do): the wasm code that called it unwinds and the
 * caller of the export gets WAOT_ERROR_HOST with that message. */
typedef const char *(*waot_host_callback)(void *env, const waot_value_t *args, size_t num_args,
                                          waot_value_t *results, size_t num_results);

/* The instance whose code called a host function made with
 * waot_func_new_with_caller: the instance that imported it (a call through
 * the import or a funcref it made of it). Valid only during the callback.
 * A call from the host (waot_func_call) has no instance. */
typedef struct waot_caller_handle waot_caller_t;
typedef const char *(*waot_host_caller_callback)(void *env, waot_caller_t *caller,
                                                 const waot_value_t *args, size_t num_args,
                                                 waot_value_t *results, size_t num_results);

/* A host function of type (params) -> (results) (waot_valtype codes).
 * `finalizer` (may be NULL) is called with `env` once the function is no
 * longer referenced by anything. */
waot_status waot_func_new(const uint8_t *params, size_t num_params, const uint8_t *results,
                          size_t num_results, waot_host_callback callback, void *env,
                          void (*finalizer)(void *env), waot_func_t **out);
/* The same with a callback that also receives its caller (WASI-style host
 * functions that read and write the calling instance's memory). */
waot_status waot_func_new_with_caller(const uint8_t *params, size_t num_params,
                                      const uint8_t *results, size_t num_results,
                                      waot_host_caller_callback callback, void *env,
                                      void (*finalizer)(void *env), waot_func_t **out);
/* 1 when a wasm instance made the call, 0 when the host did. */
int waot_caller_has_instance(const waot_caller_t *caller);
/* The calling instance's exports (WAOT_ERROR_OTHER when there is no such
 * export of that kind, or no calling instance). Delete the handle after use. */
waot_status waot_caller_export_memory(const waot_caller_t *caller, const char *name,
                                      waot_memory_t **out);
waot_status waot_caller_export_func(const waot_caller_t *caller, const char *name,
                                    waot_func_t **out);
void waot_func_delete(waot_func_t *func);
size_t waot_func_param_count(const waot_func_t *func);
size_t waot_func_result_count(const waot_func_t *func);
uint8_t waot_func_param_type(const waot_func_t *func, size_t index);  /* 0 when out of range */
uint8_t waot_func_result_type(const waot_func_t *func, size_t index); /* 0 when out of range */
/* Calls the function: exactly its parameter count and types in `args`,
 * room for exactly its result count in `results` (else WAOT_ERROR_TYPE). */
waot_status waot_func_call(const waot_func_t *func, const waot_value_t *args, size_t num_args,
                           waot_value_t *results, size_t num_results);
/* A funcref value referring to `func` (valid while the handle lives). */
waot_status waot_func_as_value(const waot_func_t *func, waot_value_t *out);
/* A handle on the function a funcref value refers to; *out is NULL for
 * ref.null func. */
waot_status waot_value_func(const waot_value_t *value, waot_func_t **out);

/* ---- memories ------------------------------------------------------------ */

/* new WebAssembly.Memory({initial, maximum}), in 64 KiB pages. */
waot_status waot_memory_new(uint32_t min_pages, int has_max, uint32_t max_pages,
                            waot_memory_t **out);
/* The same for a 64-bit memory (memory64: {address: "i64"}); its type may
 * declare up to 2^48 pages, it grows to 65536 pages (4 GiB). An import of a
 * 64-bit memory needs one of these, of a 32-bit memory one of the above
 * (else WAOT_ERROR_LINK). */
waot_status waot_memory_new64(uint64_t min_pages, int has_max, uint64_t max_pages,
                              waot_memory_t **out);
void waot_memory_delete(waot_memory_t *memory);
/* Whether the memory is a 64-bit one. */
int waot_memory_is64(const waot_memory_t *memory);
/* The bytes. The base never moves, also across grow. */
uint8_t *waot_memory_data(const waot_memory_t *memory);
/* The size in bytes. */
size_t waot_memory_size(const waot_memory_t *memory);
/* Grows by `delta_pages`; *old_pages (may be NULL) receives the old size.
 * WAOT_ERROR_RUNTIME beyond the maximum. */
waot_status waot_memory_grow(waot_memory_t *memory, uint32_t delta_pages, uint32_t *old_pages);

/* ---- tables -------------------------------------------------------------- */

/* new WebAssembly.Table({element, initial, maximum}, init); `init` may be
 * NULL (ref.null). */
waot_status waot_table_new(uint8_t elem_type, uint32_t min, int has_max, uint32_t max,
                           const waot_value_t *init, waot_table_t **out);
/* The same for a 64-bit table (i64 indices; {address: "i64"}). */
waot_status waot_table_new64(uint8_t elem_type, uint64_t min, int has_max, uint64_t max,
                             const waot_value_t *init, waot_table_t **out);
void waot_table_delete(waot_table_t *table);
uint32_t waot_table_size(const waot_table_t *table);
/* WAOT_ERROR_RUNTIME "out of bounds table access" for index >= size. */
waot_status waot_table_get(const waot_table_t *table, uint32_t index, waot_value_t *out);
waot_status waot_table_set(waot_table_t *table, uint32_t index, const waot_value_t *value);
waot_status waot_table_grow(waot_table_t *table, uint32_t delta, const waot_value_t *init,
                            uint32_t *old_size);

/* ---- globals ------------------------------------------------------------- */

/* new WebAssembly.Global({value, mutable}, init). */
waot_status waot_global_new(const waot_value_t *init, int is_mutable, waot_global_t **out);
void waot_global_delete(waot_global_t *global);
uint8_t waot_global_type(const waot_global_t *global);
int waot_global_is_mutable(const waot_global_t *global);
waot_status waot_global_get(const waot_global_t *global, waot_value_t *out);
/* WAOT_ERROR_TYPE for an immutable global or a value of another type. */
waot_status waot_global_set(waot_global_t *global, const waot_value_t *value);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WAOT_H */
