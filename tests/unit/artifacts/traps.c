/* Traps: unbounded recursion (call stack exhausted), a host import that may
 * throw, builtins->trap with any kind, and a wild access outside any memory
 * (which must crash, not trap). */
#include "artifact_support.h"

SIG_0_0(t0)
SIG_1_1(t1, i32, i32)
SIG_1_0(t2, i32)
SIG_0_1(t3, i32)

static const waot_ctx_counts COUNTS = {4, 0, 0, 0, 0, 1, 5};

static int32_t f_recurse(void *ctx, int32_t n);
/* Called through a volatile pointer so the compiler cannot turn the
 * recursion into a loop. */
static int32_t (*volatile recurse_next)(void *, int32_t) = f_recurse;
/* 1 KiB frames, each touched, so consecutive frames never skip a page: the
 * stack probing generated code does for large frames. */
static int32_t f_recurse(void *ctx, int32_t n) {
  volatile uint8_t frame[1024];
  frame[0] = (uint8_t)n;
  frame[sizeof frame - 1] = (uint8_t)n;
  return recurse_next(ctx, n + 1) + frame[0] - frame[sizeof frame - 1];
}
static void f_call_thrower(void *ctx) {
  waot_func *thrower = CTX_ARRAY(ctx, COUNTS, imported_funcs, waot_func *)[0];
  ((void (*)(void *))thrower->code)(thrower->ctx);
}
static void f_trap(void *ctx, int32_t kind) { TRAP(ctx, (uint32_t)kind); }
static int32_t f_ok(void *ctx) {
  (void)ctx;
  return 42;
}
/* An address the compiler cannot see through (and so cannot fold). */
static volatile uintptr_t wild_address = 0x10;
static int32_t f_wild(void *ctx) {
  (void)ctx;
  return *(volatile int32_t *)wild_address; /* no memory, no stack: a real crash */
}

static const uint8_t TYPES_BYTES[] = {WAOT_I32, WAOT_I32};
static const waot_functype_desc TYPES[] = {
    {0, 0, TYPES_BYTES}, {1, 1, TYPES_BYTES}, {1, 0, TYPES_BYTES}, {0, 1, TYPES_BYTES}};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry, t2_entry, t3_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter, (void *)t2_adapter,
                                 (void *)t3_adapter};
static const waot_import_desc IMPORTS[] = {
    {NAMES("env", "thrower"), WAOT_EXTERN_FUNC, 0, 0, 0, 0, LIMITS_MIN(0)},
};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_recurse, STR("recurse"), 1}, {(void *)f_call_thrower, STR("call_thrower"), 0},
    {(void *)f_trap, STR("trap"), 2},       {(void *)f_ok, STR("ok"), 3},
    {(void *)f_wild, STR("wild"), 3},
};
static const waot_export_desc EXPORTS[] = {
    {STR("recurse"), WAOT_EXTERN_FUNC, {0}, 1, 0},
    {STR("call_thrower"), WAOT_EXTERN_FUNC, {0}, 2, 0},
    {STR("trap"), WAOT_EXTERN_FUNC, {0}, 3, 0},
    {STR("ok"), WAOT_EXTERN_FUNC, {0}, 4, 0},
    {STR("wild"), WAOT_EXTERN_FUNC, {0}, 5, 0},
};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 4,
    .num_imports = 1,
    .num_functions = 5,
    .num_exports = sizeof(EXPORTS) / sizeof(EXPORTS[0]),
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .imports = IMPORTS,
    .functions = FUNCTIONS,
    .exports = EXPORTS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
