/* waot's compiler from C: wasm bytes -> a loaded waot_module_t, in-process,
 * with no files to manage (the C side of waot/compiler.hpp, mirroring
 * WebAssembly.validate and new WebAssembly.Module(bytes)). Link
 * waot::compiler (CMake), which brings in LLVM and lld; a program that only
 * loads precompiled .so files needs waot::runtime alone.
 *
 *   waot_module_t *module = NULL;
 *   if (waot_compile(bytes, size, NULL, &module) != WAOT_OK) {
 *     fprintf(stderr, "%s\n", waot_last_error_message());
 *     return 1;
 *   }
 *
 * Errors follow waot/waot.h: a status, the out-parameter untouched, the
 * message in waot_last_error_message(). */
#ifndef WAOT_COMPILER_H
#define WAOT_COMPILER_H

#include <waot/waot.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct waot_compile_options_t {
  unsigned opt_level;   /* 0..3, like -O0..-O3 */
  const char *cpu;      /* NULL or "": this machine's CPU */
  const char *features; /* NULL or extra LLVM target features, e.g. "+avx2" */
  unsigned threads;     /* code generation threads (0: all cores) */
  int interruptible;    /* non-zero: stoppable code (waot_instance_interrupt) */
} waot_compile_options_t;

/* The defaults: -O2, this machine's CPU, no extra features, all cores, not
 * interruptible. */
void waot_compile_options_init(waot_compile_options_t *options);

/* new WebAssembly.Module(bytes): validates, compiles to native code and loads
 * it (from memory: no file is written). `options` may be NULL (defaults).
 * WAOT_ERROR_COMPILE for malformed, invalid or unsupported modules (the
 * message names the byte offset), WAOT_ERROR_TYPE for a NULL `wasm` (with a
 * non-zero size) or `out`, WAOT_ERROR_OTHER for bad options. Safe to call
 * from several threads at once. */
waot_status waot_compile(const uint8_t *wasm, size_t size, const waot_compile_options_t *options,
                         waot_module_t **out);

/* WebAssembly.validate(bytes): 1 when waot_compile would accept the module
 * (decodes and validates only), else 0 (also for features waot does not
 * support, and for a NULL `wasm` with a non-zero size). */
int waot_validate(const uint8_t *wasm, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* WAOT_COMPILER_H */
