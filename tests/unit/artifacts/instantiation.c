/* Instantiation order and its failures. Segment offsets and the start
 * function's behaviour come from imported globals, so one artifact covers:
 * an element segment out of bounds, a data segment out of bounds and a
 * trapping start function, each after earlier writes to imported objects. */
#include "artifact_support.h"

SIG_0_1(t0, i32)
SIG_0_0(t1)

static const waot_ctx_counts COUNTS = {2, 1, 1, 3, 0, 0, 2};

static int32_t f_forty_two(void *ctx) {
  (void)ctx;
  return 42;
}
/* Marks memory[100], then traps with the kind in global start_kind (if any). */
static void f_start(void *ctx) {
  CTX_HEADER(ctx)->memory0_base[100] = 'S';
  int32_t kind = from_i32(*CTX_ARRAY(ctx, COUNTS, imported_globals, waot_global_cell *)[2]);
  if (kind != 0) TRAP(ctx, (uint32_t)kind);
}

static const uint8_t TYPES_BYTES[] = {WAOT_I32};
static const waot_functype_desc TYPES[] = {{0, 1, TYPES_BYTES}, {0, 0, TYPES_BYTES}};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter};
static const waot_import_desc IMPORTS[] = {
    {NAMES("env", "tab"), WAOT_EXTERN_TABLE, WAOT_FUNCREF, 0, 0, 0, LIMITS_MIN(4)},
    {NAMES("env", "mem"), WAOT_EXTERN_MEMORY, 0, 0, 0, 0, LIMITS_MIN(1)},
    {NAMES("env", "elem_at"), WAOT_EXTERN_GLOBAL, WAOT_I32, 0, 0, 0, LIMITS_MIN(0)},
    {NAMES("env", "data_at"), WAOT_EXTERN_GLOBAL, WAOT_I32, 0, 0, 0, LIMITS_MIN(0)},
    {NAMES("env", "start_kind"), WAOT_EXTERN_GLOBAL, WAOT_I32, 0, 0, 0, LIMITS_MIN(0)},
};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_forty_two, STR("forty_two"), 0},
    {(void *)f_start, STR("start"), 1},
};
static const waot_const_expr ONE_ITEM[] = {CONST_REF_FUNC(0)};
static const waot_const_expr TWO_ITEMS[] = {CONST_REF_FUNC(0), CONST_REF_FUNC(0)};
static const waot_elem_desc ELEMS[] = {
    {ONE_ITEM, 1, WAOT_SEGMENT_ACTIVE, CONST_I32(1), 0, WAOT_FUNCREF, {0}},
    {TWO_ITEMS, 2, WAOT_SEGMENT_ACTIVE, CONST_GLOBAL_GET(0), 0, WAOT_FUNCREF, {0}},
};
static const uint8_t OK[] = "ok";
static const uint8_t XYZ[] = "xyz";
static const waot_data_desc DATAS[] = {
    {OK, 2, CONST_I32(0), WAOT_SEGMENT_ACTIVE, 0},
    {XYZ, 3, CONST_GLOBAL_GET(1), WAOT_SEGMENT_ACTIVE, 0},
};
static const waot_export_desc EXPORTS[] = {{STR("forty_two"), WAOT_EXTERN_FUNC, {0}, 0, 0}};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = 1,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 2,
    .num_imports = 5,
    .num_functions = 2,
    .num_exports = 1,
    .num_elems = 2,
    .num_datas = 2,
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .imports = IMPORTS,
    .functions = FUNCTIONS,
    .exports = EXPORTS,
    .elems = ELEMS,
    .datas = DATAS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
