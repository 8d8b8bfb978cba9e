/* A linear memory: accesses through memory0_base, faults in the guard
 * region, memory.size/grow and the bulk-memory builtins, active and passive
 * data segments (one ending exactly at the end of memory). */
#include "artifact_support.h"

SIG_1_1(t0, i32, i32)
SIG_2_0(t1, i32, i32)
SIG_0_1(t2, i32)
SIG_3_0(t3, i32, i32, i32)
SIG_4_0(t4, i32, i32, i32, i32)
SIG_1_0(t5, i32)

static uint8_t *base(void *ctx) { return CTX_HEADER(ctx)->memory0_base; }

static int32_t f_load_i32(void *ctx, int32_t addr) {
  int32_t value;
  memcpy(&value, base(ctx) + (uint32_t)addr, 4);
  return value;
}
static void f_store_i32(void *ctx, int32_t addr, int32_t value) {
  memcpy(base(ctx) + (uint32_t)addr, &value, 4);
}
/* 5 GiB past the base: inside the 8 GiB reservation, never accessible. */
static int32_t f_load_far(void *ctx) { return *(volatile uint8_t *)(base(ctx) + (5ull << 30)); }
static int32_t f_size(void *ctx) {
  return (int32_t)(CTX_HEADER(ctx)->memory0->size / WAOT_PAGE_SIZE);
}
static int32_t f_grow(void *ctx, int32_t delta) {
  return (int32_t)CTX_HEADER(ctx)->builtins->memory_grow(ctx, 0, (uint32_t)delta);
}
static void f_fill(void *ctx, int32_t dst, int32_t value, int32_t n) {
  CTX_HEADER(ctx)->builtins->memory_fill(ctx, 0, (uint32_t)dst, (uint32_t)value, (uint32_t)n);
}
static void f_copy(void *ctx, int32_t dst, int32_t src, int32_t n) {
  CTX_HEADER(ctx)->builtins->memory_copy(ctx, 0, 0, (uint32_t)dst, (uint32_t)src, (uint32_t)n);
}
static void f_init(void *ctx, int32_t segment, int32_t dst, int32_t src, int32_t n) {
  CTX_HEADER(ctx)->builtins->memory_init(ctx, 0, (uint32_t)segment, (uint32_t)dst, (uint32_t)src,
                                         (uint32_t)n);
}
static void f_drop(void *ctx, int32_t segment) {
  CTX_HEADER(ctx)->builtins->data_drop(ctx, (uint32_t)segment);
}
static int32_t f_load_u8(void *ctx, int32_t addr) {
  return *(volatile uint8_t *)(base(ctx) + (uint32_t)addr);
}

static const uint8_t TYPES_BYTES[] = {WAOT_I32, WAOT_I32, WAOT_I32, WAOT_I32, WAOT_I32};
static const waot_functype_desc TYPES[] = {
    {1, 1, TYPES_BYTES}, {2, 0, TYPES_BYTES}, {0, 1, TYPES_BYTES},
    {3, 0, TYPES_BYTES}, {4, 0, TYPES_BYTES}, {1, 0, TYPES_BYTES},
};
static const waot_entry_fn ENTRIES[] = {t0_entry, t1_entry, t2_entry, t3_entry, t4_entry, t5_entry};
static void *const ADAPTERS[] = {(void *)t0_adapter, (void *)t1_adapter, (void *)t2_adapter,
                                 (void *)t3_adapter, (void *)t4_adapter, (void *)t5_adapter};
static const waot_function_desc FUNCTIONS[] = {
    {(void *)f_load_i32, STR("load_i32"), 0}, {(void *)f_store_i32, STR("store_i32"), 1},
    {(void *)f_load_far, STR("load_far"), 2}, {(void *)f_size, STR("size"), 2},
    {(void *)f_grow, STR("grow"), 0},         {(void *)f_fill, STR("fill"), 3},
    {(void *)f_copy, STR("copy"), 3},         {(void *)f_init, STR("init"), 4},
    {(void *)f_drop, STR("drop"), 5},         {(void *)f_load_u8, STR("load_u8"), 0},
};
static const waot_memory_desc MEMORIES[] = {{LIMITS(1, 4)}};
static const uint8_t HELLO[] = "hello";
static const uint8_t PASSIVE[] = "passive!";
static const uint8_t EDGE[] = "edge!!";
static const waot_data_desc DATAS[] = {
    {HELLO, 5, CONST_I32(16), WAOT_SEGMENT_ACTIVE, 0},
    {PASSIVE, 8, CONST_I32(0), WAOT_SEGMENT_PASSIVE, 0},
    {EDGE, 6, CONST_I32(65530), WAOT_SEGMENT_ACTIVE, 0},
    {NULL, 0, CONST_I32(0), WAOT_SEGMENT_PASSIVE, 0},
};
static const waot_export_desc EXPORTS[] = {
    {STR("load_i32"), WAOT_EXTERN_FUNC, {0}, 0, 0}, {STR("store_i32"), WAOT_EXTERN_FUNC, {0}, 1, 0},
    {STR("load_far"), WAOT_EXTERN_FUNC, {0}, 2, 0}, {STR("size"), WAOT_EXTERN_FUNC, {0}, 3, 0},
    {STR("grow"), WAOT_EXTERN_FUNC, {0}, 4, 0},     {STR("fill"), WAOT_EXTERN_FUNC, {0}, 5, 0},
    {STR("copy"), WAOT_EXTERN_FUNC, {0}, 6, 0},     {STR("init"), WAOT_EXTERN_FUNC, {0}, 7, 0},
    {STR("drop"), WAOT_EXTERN_FUNC, {0}, 8, 0},     {STR("load_u8"), WAOT_EXTERN_FUNC, {0}, 9, 0},
    {STR("mem"), WAOT_EXTERN_MEMORY, {0}, 0, 0},
};

WAOT_EXPORT waot_artifact waot_artifact_v1 = {
    .magic = WAOT_ARTIFACT_MAGIC,
    .abi_version = WAOT_ABI_VERSION,
    .descriptor_size = sizeof(waot_artifact),
    .start_function = UINT32_MAX,
    .producer = "hand-written test artifact",
    .target_triple = "x86_64-unknown-linux-gnu",
    .cpu_features = "+sse2,-avx512f",
    .num_types = 6,
    .num_functions = 10,
    .num_memories = 1,
    .num_exports = sizeof(EXPORTS) / sizeof(EXPORTS[0]),
    .num_datas = 4,
    .types = TYPES,
    .entry_trampolines = ENTRIES,
    .host_adapters = ADAPTERS,
    .functions = FUNCTIONS,
    .memories = MEMORIES,
    .exports = EXPORTS,
    .datas = DATAS,
};
WAOT_TEST_RECORD_CTX_SIZE(waot_artifact_v1)
