/* A funcref table: active, passive and declarative element segments, a C
 * call_indirect (bounds, null and signature checks by interned type id),
 * and the table builtins. */
#include "artifact_support.h"

SIG_0_1(t0, i32)
SIG_1_1(t1, i32, i32)
SIG_3_0(t2, i32, i32, i32)
SIG_4_0(t3, i32, i32, i32, i32)
SIG_1_0(t4, i32)
SIG_2_1(t5, ref, i32, i32)
SIG_3_0(t6, i32, ref, i32)
SIG_1_1(t7, i32, ref)

static const waot_ctx_counts COUNTS = {8, 0, 1, 0, 0, 0, 12};

static waot_table *table0(void *ctx) { return CTX_ARRAY(ctx, COUNTS, tables, waot_table *)[0]; }

static int32_t f_one(void *ctx) {
  (void)ctx;
  return 1;
}
static int32_t f_two(void *ctx) {
  (void)ctx;
  return 2;
}
static int32_t f_three(void *ctx) {
  (void)ctx;
  return 3;
}
/* call_indirect (type 0) through table 0, as generated code does it. */
static int32_t f_call_indirect(void *ctx, int32_t index) {
  waot_table *table = table0(ctx);
  if ((uint32_t)index >= table->size) TRAP(ctx, WAOT_TRAP_UNDEFINED_ELEMENT);
  const waot_table_entry *callee = &table->elements[(uint32_t)index];
  if (callee->type_id != CTX_ARRAY(ctx, COUNTS, type_ids, uint32_t)[0])
    TRAP(ctx,
         callee->ref ? WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH : WAOT_TRAP_UNINITIALIZED_ELEMENT);
  return ((int32_t(*)(void *))callee->code)(callee->ctx);
}
static void f_table_init(void *ctx, int32_t segment, int32_t dst, int32_t src, int32_t n) {
  CTX_HEADER(ctx)->builtins->table_init(ctx, 0, (uint32_t)segment, (uint32_t)dst, (uint32_t)src,
                                        (uint32_t)n);
}
static void f_elem_drop(void *ctx, int32_t segment) {
  CTX_HEADER(ctx)->builtins->elem_drop(ctx, (uint32_t)segment);
}
static void f_table_copy(void *ctx, int32_t dst, int32_t src, int32_t n) {
  CTX_HEADER(ctx)->builtins->table_copy(ctx, 0, 0, (uint32_t)dst, (uint32_t)src, (uint32_t)n);
}
static int32_t f_table_grow(void *ctx, void *init, int32_t delta) {
  return (int32_t)CTX_HEADER(ctx)->builtins->table_grow(ctx, 0, init, (uint32_t)delta);
}
static void f_table_fill(void *ctx, int32_t dst, void *value, int32_t n) {
  CTX_HEADER(ctx)->builtins->table_fill(ctx, 0, (uint32_t)dst, value, (uint32_t)n);
}
static void *f_table_get(void *ctx, int32_t index) {
  waot_table *table = table0(ctx);
  if ((uint32_t)index >= table->size) TRAP(ctx, WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
  return table->elements[(uint32_t)index].ref;
}
static int32_t f_table_size(void *ctx) { return (int32_t)table0(ctx)->size; }
static int32_t f_wrong_type(void *ctx, int32_t x) {
  (void)ctx;
  return x;
}

static const uint8_t TYPES_BYTES[] = {
    WAOT_I32,                                       /* t0 */
    WAOT_I32,     WAOT_I32,                         /* t1 */
    WAOT_I32,     WAOT_I32,     WAOT_I32, WAOT_I32, /* t2, t3, t4 */
    WAOT_FUNCREF, WAOT_I32,     WAOT_I32,           /* t5 */
    WAOT_I32,     WAOT_FUNCREF, WAOT_I32,           /* t6 */
    WAOT_I32,     WAOT_FUNCREF,                     /* t7 */
};
static const waot_functype_desc TYPES[] = {
    {0, 1, TYPES_BYTES + 0},  {1, 1, TYPES_BYTES + 1},  {3, 0, TYPES_BYTES + 3},
    {4, 0, TYPES_BYTES + 3},  {1, 0, TYPES_BYTES + 3},  {2, 1, TYPES_BYTES + 7},
    {3, 0, TYPES_BYTES + 10}, {1, 1, TYPES_BYTES + 13},
};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry, t2_entry, t3_entry,
                                        t4_entry, t5_entry, t6_entry, t7_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter, (void *)t2_adapter,
                                 (void *)t3_adapter, (void *)t4_adapter, (void *)t5_adapter,
                                 (void *)t6_adapter, (void *)t7_adapter};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_one, STR("one"), 0},
    {(void *)f_two, STR("two"), 0},
    {(void *)f_three, STR("three"), 0},
    {(void *)f_call_indirect, STR("call_indirect"), 1},
    {(void *)f_table_init, STR("table_init"), 3},
    {(void *)f_elem_drop, STR("elem_drop"), 4},
    {(void *)f_table_copy, STR("table_copy"), 2},
    {(void *)f_table_grow, STR("table_grow"), 5},
    {(void *)f_table_fill, STR("table_fill"), 6},
    {(void *)f_table_get, STR("table_get"), 7},
    {(void *)f_table_size, STR("table_size"), 0},
    {(void *)f_wrong_type, STR("wrong_type"), 1},
};
static const waot_table_desc TABLES[] = {{LIMITS(4, 10), WAOT_FUNCREF, {0}}};
static const waot_const_expr ACTIVE_ITEMS[] = {CONST_REF_FUNC(0), CONST_REF_FUNC(1)};
static const waot_const_expr PASSIVE_ITEMS[] = {CONST_REF_FUNC(2), CONST_REF_NULL(WAOT_FUNCREF),
                                                CONST_REF_FUNC(11)};
static const waot_const_expr DECLARED_ITEMS[] = {CONST_REF_FUNC(0)};
static const waot_elem_desc ELEMS[] = {
    {ACTIVE_ITEMS, 2, WAOT_SEGMENT_ACTIVE, CONST_I32(0), 0, WAOT_FUNCREF, {0}},
    {PASSIVE_ITEMS, 3, WAOT_SEGMENT_PASSIVE, CONST_I32(0), 0, WAOT_FUNCREF, {0}},
    {DECLARED_ITEMS, 1, WAOT_SEGMENT_DECLARATIVE, CONST_I32(0), 0, WAOT_FUNCREF, {0}},
};
static const waot_export_desc EXPORTS[] = {
    {STR("one"), WAOT_EXTERN_FUNC, {0}, 0, 0},
    {STR("two"), WAOT_EXTERN_FUNC, {0}, 1, 0},
    {STR("three"), WAOT_EXTERN_FUNC, {0}, 2, 0},
    {STR("call_indirect"), WAOT_EXTERN_FUNC, {0}, 3, 0},
    {STR("table_init"), WAOT_EXTERN_FUNC, {0}, 4, 0},
    {STR("elem_drop"), WAOT_EXTERN_FUNC, {0}, 5, 0},
    {STR("table_copy"), WAOT_EXTERN_FUNC, {0}, 6, 0},
    {STR("table_grow"), WAOT_EXTERN_FUNC, {0}, 7, 0},
    {STR("table_fill"), WAOT_EXTERN_FUNC, {0}, 8, 0},
    {STR("table_get"), WAOT_EXTERN_FUNC, {0}, 9, 0},
    {STR("table_size"), WAOT_EXTERN_FUNC, {0}, 10, 0},
    {STR("wrong_type"), WAOT_EXTERN_FUNC, {0}, 11, 0},
    {STR("tab"), WAOT_EXTERN_TABLE, {0}, 0, 0},
};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 8,
    .num_functions = 12,
    .num_tables = 1,
    .num_exports = sizeof(EXPORTS) / sizeof(EXPORTS[0]),
    .num_elems = 3,
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .functions = FUNCTIONS,
    .tables = TABLES,
    .exports = EXPORTS,
    .elems = ELEMS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
