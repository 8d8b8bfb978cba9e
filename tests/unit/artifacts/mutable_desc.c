/* A valid artifact whose descriptor and arrays are writable, so that tests
 * can corrupt one field at a time (through their own dlopen handle of this
 * same library) and check that the loader refuses each corruption cleanly. */
#include "artifact_support.h"

SIG_1_1(t0, i32, i32)
SIG_0_0(t1)

static int32_t f_id(void *ctx, int32_t x) {
  (void)ctx;
  return x;
}

static uint8_t TYPES_BYTES[] = {WAOT_I32, WAOT_I32};
static waot_functype_desc TYPES[] = {{1, 1, TYPES_BYTES}, {0, 0, TYPES_BYTES}};
static waot_entry_fn ENTRIES[] = {t0_entry, t1_entry};
static void *ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter};
static waot_import_desc IMPORTS[] = {
    {NAMES("env", "f"), WAOT_EXTERN_FUNC, 0, 0, 0, 0, LIMITS_MIN(0)}};
static waot_function_desc FUNCTIONS[] = {{(void *)f_id, STR("id"), 0}};
static waot_table_desc TABLES[] = {{LIMITS_MIN(1), WAOT_FUNCREF, {0}}};
static waot_memory_desc MEMORIES[] = {{LIMITS(1, 2)}};
static waot_global_desc GLOBALS[] = {{CONST_I32(5), WAOT_I32, 1, {0}}};
static waot_export_desc EXPORTS[] = {
    {STR("id"), WAOT_EXTERN_FUNC, {0}, 1, 0},
    {STR("mem"), WAOT_EXTERN_MEMORY, {0}, 0, 0},
    {STR("tab"), WAOT_EXTERN_TABLE, {0}, 0, 0},
    {STR("g"), WAOT_EXTERN_GLOBAL, {0}, 0, 0},
};
static waot_const_expr ITEMS[] = {CONST_REF_FUNC(1)};
static waot_elem_desc ELEMS[] = {
    {ITEMS, 1, WAOT_SEGMENT_ACTIVE, CONST_I32(0), 0, WAOT_FUNCREF, {0}}};
static uint8_t X[] = "x";
static waot_data_desc DATAS[] = {{X, 1, CONST_I32(0), WAOT_SEGMENT_ACTIVE, 0}};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "+sse2",
    .num_types = 2,
    .num_imports = 1,
    .num_functions = 1,
    .num_tables = 1,
    .num_memories = 1,
    .num_globals = 1,
    .num_exports = 4,
    .num_elems = 1,
    .num_datas = 1,
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .imports = IMPORTS,
    .functions = FUNCTIONS,
    .tables = TABLES,
    .memories = MEMORIES,
    .globals = GLOBALS,
    .exports = EXPORTS,
    .elems = ELEMS,
    .datas = DATAS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
