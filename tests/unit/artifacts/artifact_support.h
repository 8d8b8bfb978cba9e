/*
 * Helpers for the hand-written test artifacts: C stand-ins for what the waot
 * compiler generates (functions in the wasm calling convention, per-type
 * entry trampolines and host adapters, the descriptor). Only the runtime
 * tests use these.
 */
#ifndef WAOT_TEST_ARTIFACT_SUPPORT_H
#define WAOT_TEST_ARTIFACT_SUPPORT_H

#include "waot/abi.h"

#include <stdint.h>
#include <string.h>

#define WAOT_EXPORT __attribute__((visibility("default")))

/* The context size the compiler records (waot_artifact.ctx_size), computed
 * from the descriptor's own counts when the artifact is loaded. */
static inline uint32_t waot_test_ctx_size(const waot_artifact *a) {
  waot_ctx_counts c;
  uint32_t i;
  memset(&c, 0, sizeof c);
  c.num_types = a->num_types;
  c.num_memories = a->num_memories;
  c.num_tables = a->num_tables;
  c.num_defined_globals = a->num_globals;
  c.num_defined_funcs = a->num_functions;
  for (i = 0; i < a->num_imports; ++i) {
    switch (a->imports[i].kind) {
    case WAOT_EXTERN_FUNC: ++c.num_imported_funcs; break;
    case WAOT_EXTERN_TABLE: ++c.num_tables; break;
    case WAOT_EXTERN_MEMORY: ++c.num_memories; break;
    case WAOT_EXTERN_GLOBAL: ++c.num_imported_globals; break;
    }
  }
  return waot_compute_ctx_layout(&c).total_size;
}
/* Fills in `descriptor`.ctx_size when the test artifact is loaded. */
#define WAOT_TEST_RECORD_CTX_SIZE(descriptor)                                                      \
  __attribute__((constructor)) static void waot_test_record_ctx_size(void) {                       \
    (descriptor).ctx_size = waot_test_ctx_size(&(descriptor));                                     \
  }

/* Native types and slot conversions per wasm type tag. */
typedef int32_t T_i32;
typedef int64_t T_i64;
typedef float T_f32;
typedef double T_f64;
typedef void *T_ref;

static inline T_i32 from_i32(waot_slot s) { return (int32_t)(uint32_t)s.lo; }
static inline T_i64 from_i64(waot_slot s) { return (int64_t)s.lo; }
static inline T_f32 from_f32(waot_slot s) {
  uint32_t b = (uint32_t)s.lo;
  float f;
  memcpy(&f, &b, 4);
  return f;
}
static inline T_f64 from_f64(waot_slot s) {
  double d;
  memcpy(&d, &s.lo, 8);
  return d;
}
static inline T_ref from_ref(waot_slot s) { return (void *)(uintptr_t)s.lo; }
static inline waot_slot slot_of(uint64_t lo) {
  waot_slot s;
  s.lo = lo;
  s.hi = 0;
  return s;
}
static inline waot_slot to_i32(T_i32 v) { return slot_of((uint32_t)v); }
static inline waot_slot to_i64(T_i64 v) { return slot_of((uint64_t)v); }
static inline waot_slot to_f32(T_f32 v) {
  uint32_t b;
  memcpy(&b, &v, 4);
  return slot_of(b);
}
static inline waot_slot to_f64(T_f64 v) {
  uint64_t b;
  memcpy(&b, &v, 8);
  return slot_of(b);
}
static inline waot_slot to_ref(T_ref v) { return slot_of((uintptr_t)v); }
/* v128: one 16-byte vector (passed in a vector register, as generated code
 * passes wasm v128 values), all 16 bytes of the slot. */
typedef uint64_t T_v128 __attribute__((vector_size(16)));
static inline T_v128 from_v128(waot_slot s) {
  T_v128 v;
  memcpy(&v, &s, 16);
  return v;
}
static inline waot_slot to_v128(T_v128 v) {
  waot_slot s;
  memcpy(&s, &v, 16);
  return s;
}

/* SIG_<params>_<results>(NAME, types...): NAME_entry (generic host->wasm
 * call) and NAME_adapter (wasm->host call through a waot_host_binding). */
#define SIG_0_0(N)                                                                                 \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    (void)s;                                                                                       \
    ((void (*)(void *))code)(ctx);                                                                 \
  }                                                                                                \
  static void N##_adapter(void *ctx) {                                                             \
    waot_slot s[1] = {0};                                                                          \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
  }
#define SIG_0_1(N, r)                                                                              \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    s[0] = to_##r(((T_##r(*)(void *))code)(ctx));                                                  \
  }                                                                                                \
  static T_##r N##_adapter(void *ctx) {                                                            \
    waot_slot s[1] = {0};                                                                          \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
    return from_##r(s[0]);                                                                         \
  }
#define SIG_1_0(N, p1)                                                                             \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    ((void (*)(void *, T_##p1))code)(ctx, from_##p1(s[0]));                                        \
  }                                                                                                \
  static void N##_adapter(void *ctx, T_##p1 a) {                                                   \
    waot_slot s[1] = {to_##p1(a)};                                                                 \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
  }
#define SIG_1_1(N, p1, r)                                                                          \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    s[0] = to_##r(((T_##r(*)(void *, T_##p1))code)(ctx, from_##p1(s[0])));                         \
  }                                                                                                \
  static T_##r N##_adapter(void *ctx, T_##p1 a) {                                                  \
    waot_slot s[1] = {to_##p1(a)};                                                                 \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
    return from_##r(s[0]);                                                                         \
  }
#define SIG_2_0(N, p1, p2)                                                                         \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    ((void (*)(void *, T_##p1, T_##p2))code)(ctx, from_##p1(s[0]), from_##p2(s[1]));               \
  }                                                                                                \
  static void N##_adapter(void *ctx, T_##p1 a, T_##p2 c) {                                         \
    waot_slot s[2] = {to_##p1(a), to_##p2(c)};                                                     \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
  }
#define SIG_2_1(N, p1, p2, r)                                                                      \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    s[0] =                                                                                         \
        to_##r(((T_##r(*)(void *, T_##p1, T_##p2))code)(ctx, from_##p1(s[0]), from_##p2(s[1])));   \
  }                                                                                                \
  static T_##r N##_adapter(void *ctx, T_##p1 a, T_##p2 c) {                                        \
    waot_slot s[2] = {to_##p1(a), to_##p2(c)};                                                     \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
    return from_##r(s[0]);                                                                         \
  }
#define SIG_3_0(N, p1, p2, p3)                                                                     \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    ((void (*)(void *, T_##p1, T_##p2, T_##p3))code)(ctx, from_##p1(s[0]), from_##p2(s[1]),        \
                                                     from_##p3(s[2]));                             \
  }                                                                                                \
  static void N##_adapter(void *ctx, T_##p1 a, T_##p2 c, T_##p3 d) {                               \
    waot_slot s[3] = {to_##p1(a), to_##p2(c), to_##p3(d)};                                         \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
  }
#define SIG_4_0(N, p1, p2, p3, p4)                                                                 \
  static void N##_entry(void *ctx, void *code, waot_slot *s) {                                     \
    ((void (*)(void *, T_##p1, T_##p2, T_##p3, T_##p4))code)(                                      \
        ctx, from_##p1(s[0]), from_##p2(s[1]), from_##p3(s[2]), from_##p4(s[3]));                  \
  }                                                                                                \
  static void N##_adapter(void *ctx, T_##p1 a, T_##p2 c, T_##p3 d, T_##p4 e) {                     \
    waot_slot s[4] = {to_##p1(a), to_##p2(c), to_##p3(d), to_##p4(e)};                             \
    waot_host_binding *b = (waot_host_binding *)ctx;                                               \
    b->invoke(b, s);                                                                               \
  }

/* Context access, given the artifact's counts (they must match what the
 * runtime derives from the descriptor). */
#define CTX_HEADER(ctx) ((waot_ctx_header *)(ctx))
#define CTX_ARRAY(ctx, counts, field, T)                                                           \
  ((T *)((uint8_t *)(ctx) + waot_compute_ctx_layout(&(counts)).field))
#define TRAP(ctx, kind) CTX_HEADER(ctx)->builtins->trap((ctx), (kind))

#define STR(s) (s), (uint32_t)(sizeof(s) - 1)
/* module and name of a waot_import_desc (pointers first, then lengths) */
#define NAMES(m, n) (m), (n), (uint32_t)(sizeof(m) - 1), (uint32_t)(sizeof(n) - 1)
#define NO_LIMIT_MAX 0, 0
#define LIMITS(min, max)                                                                           \
  {                                                                                                \
    (min), (max), 1, 0, { 0 }                                                                      \
  }
#define LIMITS_MIN(min)                                                                            \
  {                                                                                                \
    (min), 0, 0, 0, { 0 }                                                                          \
  }
#define CONST_I32(v)                                                                               \
  { WAOT_CONST_I32, 0, (uint64_t)(uint32_t)(v) }
#define CONST_I64(v)                                                                               \
  { WAOT_CONST_I64, 0, (uint64_t)(v) }
#define CONST_BITS(kind, bits)                                                                     \
  { (kind), 0, (bits) }
#define CONST_REF_NULL(t)                                                                          \
  { WAOT_CONST_REF_NULL, (t), 0 }
#define CONST_REF_FUNC(f)                                                                          \
  { WAOT_CONST_REF_FUNC, (f), 0 }
#define CONST_GLOBAL_GET(g)                                                                        \
  { WAOT_CONST_GLOBAL_GET, (g), 0 }

#endif
