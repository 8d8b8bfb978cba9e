/* Calls and values: every scalar type, multi-value results, references,
 * globals of every kind (including an initializer reading another global),
 * and traps raised through builtins->trap. No imports, no memory. */
#include "artifact_support.h"

SIG_2_1(t0, i32, i32, i32)
SIG_2_1(t1, i64, i64, i64)
SIG_2_1(t2, f32, f32, f32)
SIG_1_1(t3, f64, f64)
SIG_0_0(t4)
SIG_1_1(t6, ref, ref)
SIG_1_1(t7, ref, ref)
SIG_0_1(t8, i32)
SIG_1_1(t9, f32, f32)

/* (i32) -> (i32, i64): several results come back as a struct. */
typedef struct {
  int32_t quotient;
  int64_t product;
} pair_i32_i64;
static void t5_entry(void *ctx, void *code, waot_slot *s) {
  pair_i32_i64 p = ((pair_i32_i64(*)(void *, int32_t))code)(ctx, from_i32(s[0]));
  s[0] = to_i32(p.quotient);
  s[1] = to_i64(p.product);
}
static pair_i32_i64 t5_adapter(void *ctx, int32_t a) {
  waot_slot s[2] = {to_i32(a), 0};
  waot_host_binding *b = (waot_host_binding *)ctx;
  b->invoke(b, s);
  pair_i32_i64 p = {from_i32(s[0]), from_i64(s[1])};
  return p;
}

static const waot_ctx_counts COUNTS = {10, 0, 0, 0, 7, 0, 12};

static int32_t f_add(void *ctx, int32_t a, int32_t b) {
  (void)ctx;
  return (int32_t)((uint32_t)a + (uint32_t)b);
}
static int64_t f_mul64(void *ctx, int64_t a, int64_t b) {
  (void)ctx;
  return (int64_t)((uint64_t)a * (uint64_t)b);
}
static float f_addf(void *ctx, float a, float b) {
  (void)ctx;
  return a + b;
}
static double f_twice(void *ctx, double x) {
  (void)ctx;
  return x * 2;
}
static void f_nop(void *ctx) { (void)ctx; }
static pair_i32_i64 f_divmod(void *ctx, int32_t x) {
  (void)ctx;
  pair_i32_i64 p = {x / 2, (int64_t)x * 3};
  return p;
}
static void *f_id_ref(void *ctx, void *r) {
  (void)ctx;
  return r;
}
static int32_t f_counter(void *ctx) {
  waot_global_cell *g = CTX_ARRAY(ctx, COUNTS, defined_globals, waot_global_cell);
  int32_t value = from_i32(g[0]);
  g[0] = to_i32(value + 1);
  return value;
}
static float f_id_f32(void *ctx, float x) {
  (void)ctx;
  return x;
}
static void f_unreachable(void *ctx) { TRAP(ctx, WAOT_TRAP_UNREACHABLE); }
static int32_t f_div(void *ctx, int32_t a, int32_t b) {
  if (b == 0) TRAP(ctx, WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO);
  if (a == INT32_MIN && b == -1) TRAP(ctx, WAOT_TRAP_INTEGER_OVERFLOW);
  return a / b;
}

static const uint8_t TYPES_BYTES[] = {
    WAOT_I32,       WAOT_I32,       WAOT_I32, /* t0 */
    WAOT_I64,       WAOT_I64,       WAOT_I64, /* t1 */
    WAOT_F32,       WAOT_F32,       WAOT_F32, /* t2 */
    WAOT_F64,       WAOT_F64,                 /* t3 */
    WAOT_I32,       WAOT_I32,       WAOT_I64, /* t5 */
    WAOT_FUNCREF,   WAOT_FUNCREF,             /* t6 */
    WAOT_EXTERNREF, WAOT_EXTERNREF,           /* t7 */
    WAOT_I32,                                 /* t8 */
    WAOT_F32,       WAOT_F32,                 /* t9 */
};
static const waot_functype_desc TYPES[] = {
    {2, 1, TYPES_BYTES + 0},  {2, 1, TYPES_BYTES + 3},  {2, 1, TYPES_BYTES + 6},
    {1, 1, TYPES_BYTES + 9},  {0, 0, TYPES_BYTES},      {1, 2, TYPES_BYTES + 11},
    {1, 1, TYPES_BYTES + 14}, {1, 1, TYPES_BYTES + 16}, {0, 1, TYPES_BYTES + 18},
    {1, 1, TYPES_BYTES + 19},
};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry, t2_entry, t3_entry, t4_entry,
                                        t5_entry, t6_entry, t7_entry, t8_entry, t9_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter, (void *)t2_adapter,
                                 (void *)t3_adapter, (void *)t4_adapter, (void *)t5_adapter,
                                 (void *)t6_adapter, (void *)t7_adapter, (void *)t8_adapter,
                                 (void *)t9_adapter};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_add, STR("add"), 0},
    {(void *)f_mul64, STR("mul64"), 1},
    {(void *)f_addf, STR("addf"), 2},
    {(void *)f_twice, STR("twice"), 3},
    {(void *)f_nop, STR("nop"), 4},
    {(void *)f_divmod, STR("divmod"), 5},
    {(void *)f_id_ref, STR("id_funcref"), 6},
    {(void *)f_id_ref, STR("id_externref"), 7},
    {(void *)f_counter, STR("counter"), 8},
    {(void *)f_id_f32, STR("id_f32"), 9},
    {(void *)f_unreachable, STR("unreachable"), 4},
    {(void *)f_div, STR("div"), 0},
};
static const waot_global_desc GLOBALS[] = {
    {CONST_I32(40), WAOT_I32, 1, {0}},
    {CONST_BITS(WAOT_CONST_F64, 0x4004000000000000ull), WAOT_F64, 0, {0}}, /* 2.5 */
    {CONST_I32(-7), WAOT_I32, 0, {0}},
    {CONST_REF_FUNC(0), WAOT_FUNCREF, 1, {0}},
    {CONST_REF_NULL(WAOT_EXTERNREF), WAOT_EXTERNREF, 1, {0}},
    {CONST_GLOBAL_GET(2), WAOT_I32, 0, {0}},
    {CONST_I32(1), WAOT_I32, 0, {0}},
};
static const waot_export_desc EXPORTS[] = {
    {STR("add"), WAOT_EXTERN_FUNC, {0}, 0, 0},
    {STR("add2"), WAOT_EXTERN_FUNC, {0}, 0, 0},
    {STR("mul64"), WAOT_EXTERN_FUNC, {0}, 1, 0},
    {STR("addf"), WAOT_EXTERN_FUNC, {0}, 2, 0},
    {STR("twice"), WAOT_EXTERN_FUNC, {0}, 3, 0},
    {STR("nop"), WAOT_EXTERN_FUNC, {0}, 4, 0},
    {STR("divmod"), WAOT_EXTERN_FUNC, {0}, 5, 0},
    {STR("id_funcref"), WAOT_EXTERN_FUNC, {0}, 6, 0},
    {STR("id_externref"), WAOT_EXTERN_FUNC, {0}, 7, 0},
    {STR("counter"), WAOT_EXTERN_FUNC, {0}, 8, 0},
    {STR("id_f32"), WAOT_EXTERN_FUNC, {0}, 9, 0},
    {STR("unreachable"), WAOT_EXTERN_FUNC, {0}, 10, 0},
    {STR("div"), WAOT_EXTERN_FUNC, {0}, 11, 0},
    {STR("counter_g"), WAOT_EXTERN_GLOBAL, {0}, 0, 0},
    {STR("pi"), WAOT_EXTERN_GLOBAL, {0}, 1, 0},
    {STR("neg"), WAOT_EXTERN_GLOBAL, {0}, 2, 0},
    {STR("fref"), WAOT_EXTERN_GLOBAL, {0}, 3, 0},
    {STR("eref"), WAOT_EXTERN_GLOBAL, {0}, 4, 0},
    {STR("neg_copy"), WAOT_EXTERN_GLOBAL, {0}, 5, 0},
    {STR("one_g"), WAOT_EXTERN_GLOBAL, {0}, 6, 0},
};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 10,
    .num_functions = 12,
    .num_globals = 7,
    .num_exports = sizeof(EXPORTS) / sizeof(EXPORTS[0]),
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .functions = FUNCTIONS,
    .globals = GLOBALS,
    .exports = EXPORTS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
