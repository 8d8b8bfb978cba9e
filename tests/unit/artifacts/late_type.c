/* The only artifact with signature (i64, f64) -> (f64): loaded after a host
 * function of that signature was stored into a table, it must find the
 * function's record bound to its adapter when it call_indirects it. */
#include "artifact_support.h"

SIG_2_1(t0, i64, f64, f64)

static const waot_ctx_counts COUNTS = {1, 0, 1, 0, 0, 0, 1};

static double f_call0(void *ctx, int64_t x, double y) {
  waot_table *table = CTX_ARRAY(ctx, COUNTS, tables, waot_table *)[0];
  if (table->size == 0) TRAP(ctx, WAOT_TRAP_UNDEFINED_ELEMENT);
  const waot_table_entry *callee = &table->elements[0];
  if (callee->type_id != CTX_ARRAY(ctx, COUNTS, type_ids, uint32_t)[0])
    TRAP(ctx,
         callee->ref ? WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH : WAOT_TRAP_UNINITIALIZED_ELEMENT);
  return ((double (*)(void *, int64_t, double))callee->code)(callee->ctx, x, y);
}

static const uint8_t TYPES_BYTES[] = {WAOT_I64, WAOT_F64, WAOT_F64};
static const waot_functype_desc TYPES[] = {{2, 1, TYPES_BYTES}};
static const waot_entry_fn ENTRIES[] = {t0_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter};
static const waot_import_desc IMPORTS[] = {
    {NAMES("env", "tab"), WAOT_EXTERN_TABLE, WAOT_FUNCREF, 0, 0, 0, LIMITS_MIN(1)},
};
static const waot_function_desc FUNCTIONS[] = {{(void *)f_call0, STR("call0"), 0}};
static const waot_export_desc EXPORTS[] = {{STR("call0"), WAOT_EXTERN_FUNC, {0}, 0, 0}};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "",
    .num_types = 1,
    .num_imports = 1,
    .num_functions = 1,
    .num_exports = 1,
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .imports = IMPORTS,
    .functions = FUNCTIONS,
    .exports = EXPORTS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
