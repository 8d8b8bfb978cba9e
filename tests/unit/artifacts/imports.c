/* Imports of every kind: host or other-instance functions called through
 * their records, an imported memory (memory0), an imported table written by
 * an element segment at a global.get offset and called through, imported
 * immutable and mutable globals, host -> wasm -> host -> wasm nesting, a
 * start function, and re-exports of imports. */
#include "artifact_support.h"

SIG_2_1(t0, i32, i32, i32)
SIG_1_0(t1, i32)
SIG_1_1(t2, i32, i32)
SIG_0_1(t3, i32)
SIG_0_1(t4, i64)
SIG_0_0(t5)

static const waot_ctx_counts COUNTS = {6, 1, 1, 2, 1, 3, 9};

static waot_func *imported_func(void *ctx, int index) {
  return CTX_ARRAY(ctx, COUNTS, imported_funcs, waot_func *)[index];
}
static waot_global_cell *imported_global(void *ctx, int index) {
  return CTX_ARRAY(ctx, COUNTS, imported_globals, waot_global_cell *)[index];
}
static waot_global_cell *started_cell(void *ctx) {
  return CTX_ARRAY(ctx, COUNTS, defined_globals, waot_global_cell);
}

static int32_t f_call_add(void *ctx, int32_t a, int32_t b) {
  waot_func *add = imported_func(ctx, 0);
  return ((int32_t(*)(void *, int32_t, int32_t))add->code)(add->ctx, a, b);
}
static int32_t f_read_mem(void *ctx, int32_t addr) {
  return *(volatile uint8_t *)(CTX_HEADER(ctx)->memory0_base + (uint32_t)addr);
}
static int32_t f_get_g_const(void *ctx) { return from_i32(*imported_global(ctx, 0)); }
static int64_t f_bump_g_mut(void *ctx) {
  waot_global_cell *cell = imported_global(ctx, 1);
  *cell = to_i64(from_i64(*cell) + 1);
  return from_i64(*cell);
}
static int32_t f_call_tab(void *ctx, int32_t index) {
  waot_table *table = CTX_ARRAY(ctx, COUNTS, tables, waot_table *)[0];
  if ((uint32_t)index >= table->size) TRAP(ctx, WAOT_TRAP_UNDEFINED_ELEMENT);
  const waot_table_entry *callee = &table->elements[(uint32_t)index];
  if (callee->type_id != CTX_ARRAY(ctx, COUNTS, type_ids, uint32_t)[3])
    TRAP(ctx,
         callee->ref ? WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH : WAOT_TRAP_UNINITIALIZED_ELEMENT);
  return ((int32_t(*)(void *))callee->code)(callee->ctx);
}
static int32_t f_nest(void *ctx, int32_t depth) {
  if (depth == 0) return 100;
  waot_func *reenter = imported_func(ctx, 2);
  return ((int32_t(*)(void *, int32_t))reenter->code)(reenter->ctx, depth) + 1;
}
static void f_start(void *ctx) {
  waot_func *log = imported_func(ctx, 1);
  ((void (*)(void *, int32_t))log->code)(log->ctx, 1234);
  *started_cell(ctx) = to_i32(7);
}
static int32_t f_seven(void *ctx) {
  (void)ctx;
  return 7;
}
static int32_t f_started(void *ctx) { return from_i32(*started_cell(ctx)); }

static const uint8_t TYPES_BYTES[] = {WAOT_I32, WAOT_I32, WAOT_I32, WAOT_I64};
static const waot_functype_desc TYPES[] = {
    {2, 1, TYPES_BYTES}, {1, 0, TYPES_BYTES},     {1, 1, TYPES_BYTES},
    {0, 1, TYPES_BYTES}, {0, 1, TYPES_BYTES + 3}, {0, 0, TYPES_BYTES},
};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry, t2_entry, t3_entry, t4_entry, t5_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter, (void *)t2_adapter,
                                 (void *)t3_adapter, (void *)t4_adapter, (void *)t5_adapter};
static const waot_import_desc IMPORTS[] = {
    {NAMES("env", "add_host"), WAOT_EXTERN_FUNC, 0, 0, 0, 0, LIMITS_MIN(0)},
    {NAMES("env", "log"), WAOT_EXTERN_FUNC, 0, 0, 0, 1, LIMITS_MIN(0)},
    {NAMES("env", "mem"), WAOT_EXTERN_MEMORY, 0, 0, 0, 0, LIMITS(1, 2)},
    {NAMES("env", "tab"), WAOT_EXTERN_TABLE, WAOT_FUNCREF, 0, 0, 0, LIMITS_MIN(2)},
    {NAMES("env", "g_const"), WAOT_EXTERN_GLOBAL, WAOT_I32, 0, 0, 0, LIMITS_MIN(0)},
    {NAMES("env", "g_mut"), WAOT_EXTERN_GLOBAL, WAOT_I64, 1, 0, 0, LIMITS_MIN(0)},
    {NAMES("env", "reenter"), WAOT_EXTERN_FUNC, 0, 0, 0, 2, LIMITS_MIN(0)},
};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_call_add, STR("call_add"), 0},
    {(void *)f_read_mem, STR("read_mem"), 2},
    {(void *)f_get_g_const, STR("get_g_const"), 3},
    {(void *)f_bump_g_mut, STR("bump_g_mut"), 4},
    {(void *)f_call_tab, STR("call_tab"), 2},
    {(void *)f_nest, STR("nest"), 2},
    {(void *)f_start, STR("start"), 5},
    {(void *)f_seven, STR("seven"), 3},
    {(void *)f_started, STR("started"), 3},
};
static const waot_global_desc GLOBALS[] = {{CONST_I32(0), WAOT_I32, 1, {0}}};
static const waot_const_expr ITEMS[] = {CONST_REF_FUNC(10), CONST_REF_FUNC(0)};
static const waot_elem_desc ELEMS[] = {
    {ITEMS, 2, WAOT_SEGMENT_ACTIVE, CONST_GLOBAL_GET(0), 0, WAOT_FUNCREF, {0}}};
static const uint8_t IMP[] = "imp";
static const waot_data_desc DATAS[] = {{IMP, 3, CONST_I32(8), WAOT_SEGMENT_ACTIVE, 0}};
static const waot_export_desc EXPORTS[] = {
    {STR("call_add"), WAOT_EXTERN_FUNC, {0}, 3, 0},
    {STR("read_mem"), WAOT_EXTERN_FUNC, {0}, 4, 0},
    {STR("get_g_const"), WAOT_EXTERN_FUNC, {0}, 5, 0},
    {STR("bump_g_mut"), WAOT_EXTERN_FUNC, {0}, 6, 0},
    {STR("call_tab"), WAOT_EXTERN_FUNC, {0}, 7, 0},
    {STR("nest"), WAOT_EXTERN_FUNC, {0}, 8, 0},
    {STR("seven"), WAOT_EXTERN_FUNC, {0}, 10, 0},
    {STR("started_fn"), WAOT_EXTERN_FUNC, {0}, 11, 0},
    {STR("add_reexport"), WAOT_EXTERN_FUNC, {0}, 0, 0},
    {STR("mem"), WAOT_EXTERN_MEMORY, {0}, 0, 0},
    {STR("tab"), WAOT_EXTERN_TABLE, {0}, 0, 0},
    {STR("g_mut"), WAOT_EXTERN_GLOBAL, {0}, 1, 0},
    {STR("started"), WAOT_EXTERN_GLOBAL, {0}, 2, 0},
};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = 9,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 6,
    .num_imports = 7,
    .num_functions = 9,
    .num_globals = 1,
    .num_exports = sizeof(EXPORTS) / sizeof(EXPORTS[0]),
    .num_elems = 1,
    .num_datas = 1,
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .imports = IMPORTS,
    .functions = FUNCTIONS,
    .globals = GLOBALS,
    .exports = EXPORTS,
    .elems = ELEMS,
    .datas = DATAS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
