/* v128 values through the runtime (the ABI 7 value model), without the
 * compiler: functions taking and returning v128 in vector registers, a host
 * function of v128 imported and called through its adapter, a mutable v128
 * global with a v128.const initializer. */
#include "artifact_support.h"

SIG_2_1(t0, v128, v128, v128)
SIG_1_1(t1, v128, v128)

static const waot_ctx_counts COUNTS = {2, 0, 0, 0, 1, 1, 2};

typedef int32_t i32x4 __attribute__((vector_size(16)));

/* i32x4.add */
static T_v128 f_add_i32x4(void *ctx, T_v128 a, T_v128 b) {
  (void)ctx;
  return (T_v128)((i32x4)a + (i32x4)b);
}
/* The imported host function on the global's value, stored back. */
static T_v128 f_call_host(void *ctx, T_v128 a) {
  waot_func *host = CTX_ARRAY(ctx, COUNTS, imported_funcs, waot_func *)[0];
  waot_global_cell *cell = CTX_ARRAY(ctx, COUNTS, defined_globals, waot_global_cell);
  const T_v128 result = ((T_v128(*)(void *, T_v128))host->code)(host->ctx, a);
  *cell = to_v128((T_v128)((i32x4)from_v128(*cell) + (i32x4)result));
  return result;
}

static const uint8_t TYPES_BYTES[] = {WAOT_V128, WAOT_V128, WAOT_V128};
static const waot_functype_desc TYPES[] = {{2, 1, TYPES_BYTES}, {1, 1, TYPES_BYTES}};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter};
static const waot_import_desc IMPORTS[] = {
    {NAMES("host", "twice"), WAOT_EXTERN_FUNC, 0, 0, 0, 1, LIMITS_MIN(0)},
};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_add_i32x4, STR("add_i32x4"), 0},
    {(void *)f_call_host, STR("call_host"), 1},
};
/* i32x4 lanes 1, 2, 3, 4 */
static const waot_global_desc GLOBALS[] = {
    {{WAOT_CONST_V128, 0, 0x0000000200000001ull, 0x0000000400000003ull}, WAOT_V128, 1, {0}}};
static const waot_export_desc EXPORTS[] = {
    {STR("add_i32x4"), WAOT_EXTERN_FUNC, {0}, 1, 0},
    {STR("call_host"), WAOT_EXTERN_FUNC, {0}, 2, 0},
    {STR("g"), WAOT_EXTERN_GLOBAL, {0}, 0, 0},
};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 2,
    .num_imports = 1,
    .num_functions = 2,
    .num_globals = 1,
    .num_exports = sizeof(EXPORTS) / sizeof(EXPORTS[0]),
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .imports = IMPORTS,
    .functions = FUNCTIONS,
    .globals = GLOBALS,
    .exports = EXPORTS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
