/*
 * waot compiler <-> runtime ABI.
 *
 * This header is the single definition of everything generated code and the
 * runtime must agree on: the per-instance context layout, the records that
 * describe memories, tables and functions at run time, the builtin functions
 * generated code calls, the trap kinds, and the artifact descriptor that
 * makes a compiled shared library self-describing.
 *
 * It is plain C so that it can be read by C hosts and so that its layout is
 * unambiguous. The runtime owns it; codegen includes it (header only) and takes
 * every offset from it. Any change to a struct below must bump
 * WAOT_ABI_VERSION: the loader refuses artifacts with another version.
 */
#ifndef WAOT_ABI_H
#define WAOT_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WAOT_ABI_VERSION 12u
#define WAOT_ARTIFACT_MAGIC 0x544F4157u /* "WAOT" little endian */
/* The one exported data symbol of a compiled artifact: a waot_artifact. */
#define WAOT_ARTIFACT_SYMBOL "waot_artifact_v1"
/* A module compiled to an object for linking into an application
 * (`waot compile --emit=object --name NAME`) names its descriptor
 * WAOT_LINKED_SYMBOL_PREFIX NAME and puts all its code in the section
 * WAOT_LINKED_CODE_SECTION_PREFIX NAME, which the static linker bounds with
 * __start_/__stop_ symbols (the descriptor's code_begin/code_end). */
#define WAOT_LINKED_SYMBOL_PREFIX "waot_module_"
#define WAOT_LINKED_CODE_SECTION_PREFIX "waot_code_"

/* Linear memory: 64 KiB pages; a 32-bit memory is reserved as
 * WAOT_MEMORY32_RESERVATION bytes of address space so that any
 * (u32 index + u32 offset + access size) lands inside the reservation and
 * needs no bounds check: inaccessible pages fault and become traps. */
#define WAOT_PAGE_SIZE 65536u
#define WAOT_MAX_PAGES32 65536u
#define WAOT_MEMORY32_RESERVATION (8ull << 30) /* 4 GiB index + 4 GiB offset */
/* A 64-bit memory (memory64, ABI 12) gets the same reservation, and the
 * runtime lets it grow to WAOT_MAX_PAGES64_RUNTIME pages (4 GiB; its type may
 * declare up to 2^48): generated code traps when an address is above
 * UINT32_MAX or a static offset is (one compare), and guard pages catch the
 * rest exactly as for a 32-bit memory. */
#define WAOT_MAX_PAGES64_RUNTIME 65536u

/* ---- values ------------------------------------------------------------ */

/* Value types use their wasm binary encodings. */
enum waot_valtype {
  WAOT_I32 = 0x7F,
  WAOT_I64 = 0x7E,
  WAOT_F32 = 0x7D,
  WAOT_F64 = 0x7C,
  WAOT_V128 = 0x7B,
  WAOT_FUNCREF = 0x70,
  WAOT_EXTERNREF = 0x6F
};

/* Every value crossing the generic host<->wasm boundary occupies one 16-byte
 * slot (ABI 7; wide enough for v128): i32/f32 in the low 4 bytes of `lo`
 * (bit pattern), i64/f64 as `lo`, funcref as a `waot_func *` in `lo`,
 * externref as an opaque `void *` in `lo`, v128 as its 16 bytes in memory
 * order (little endian: lane 0 first), i.e. bytes 0..7 in `lo`, 8..15 in
 * `hi`. For the scalar types `hi` is unspecified. */
typedef struct waot_slot {
  uint64_t lo;
  uint64_t hi;
} waot_slot;

/* ---- run-time records --------------------------------------------------- */

/* A function reference. Every funcref value is a pointer to one of these (or
 * NULL). `code` has the wasm calling convention: the callee context first,
 * then the wasm parameters as native scalars (i32 -> i32, i64 -> i64,
 * f32 -> float, f64 -> double, references -> ptr); a single result is
 * returned directly, several results as an LLVM first-class struct. */
typedef struct waot_func {
  void *code;
  void *ctx;        /* the callee's context (instance ctx or host binding) */
  uint32_t type_id; /* runtime-interned signature id; never 0 for a valid entry */
  uint32_t reserved;
  /* Generic entry for this signature: void entry(ctx, code, waot_slot *slots)
   * reads the parameters from slots[0..], calls code, writes the results to
   * slots[0..]. Used by the runtime to call any funcref generically. */
  void (*entry)(void *ctx, void *code, waot_slot *slots);
  /* The same function with the tail-call convention (ABI 11), or NULL. A
   * function whose body makes tail calls (return_call*) is compiled with
   * LLVM's `tailcc` convention, which guarantees them; `code` is then a
   * wrapper with the ordinary convention that calls it. Its type is code's,
   * except that a function of more than two results returns them through a
   * pointer passed after the context (a struct of the results in order, LLVM
   * layout), so that tail calls never need stack space for results. A tail
   * call to a record without tail_code is an ordinary call followed by a
   * return: such a callee makes no tail calls, so the chain ends there. */
  void *tail_code;
} waot_func;

/* Callee context of an imported host function. The generated host adapter for
 * the import's signature spills its arguments to slots and calls `invoke`,
 * which writes the results back to the same slots. */
typedef struct waot_host_binding {
  void (*invoke)(struct waot_host_binding *self, waot_slot *slots);
} waot_host_binding;

/* A linear memory. `base` never changes after creation (the whole maximum is
 * reserved up front), so generated code may treat it as invariant. */
typedef struct waot_memory {
  uint8_t *base;
  uint64_t size;      /* accessible bytes (pages * WAOT_PAGE_SIZE) */
  uint64_t max_pages; /* effective maximum for memory.grow */
  void *owner;        /* runtime-private */
} waot_memory;

/* One table element. `ref` is the element's value: a `waot_func *` in a
 * funcref table, an opaque host pointer in an externref table; NULL is
 * ref.null. A funcref entry also holds copies of its record's code, context
 * and type id, so that call_indirect reaches the callee with one dependent
 * load (the entry) and one type compare: a null entry has type_id 0, which no
 * signature has, so the compare also rejects it. Externref entries leave
 * those fields zero. Only the runtime writes entries (table.set is a
 * builtin). A host function's record may not be callable yet when it is
 * stored (code NULL until an artifact with its signature is loaded); such
 * entries are refreshed when an instance that could call them imports the
 * table (the runtime tracks whether a table holds any). */
typedef struct waot_table_entry {
  void *ref;
  void *code;
  void *ctx;
  uint32_t type_id;
  uint32_t reserved;
} waot_table_entry;

/* A table. `elements` may move on table.grow: always reload it. */
typedef struct waot_table {
  waot_table_entry *elements;
  uint32_t size;
  uint32_t max; /* effective maximum (UINT32_MAX when unbounded) */
  uint8_t elem_type;
  uint8_t reserved[7];
  void *owner; /* runtime-private */
} waot_table;

/* A global's storage: one 16-byte cell, same encoding as waot_slot. */
typedef waot_slot waot_global_cell;

/* ---- traps -------------------------------------------------------------- */

enum waot_trap_kind {
  WAOT_TRAP_NONE = 0,
  WAOT_TRAP_UNREACHABLE,                 /* "unreachable" */
  WAOT_TRAP_MEMORY_OUT_OF_BOUNDS,        /* "out of bounds memory access" */
  WAOT_TRAP_TABLE_OUT_OF_BOUNDS,         /* "out of bounds table access" */
  WAOT_TRAP_UNDEFINED_ELEMENT,           /* "undefined element" (call_indirect index >= size) */
  WAOT_TRAP_UNINITIALIZED_ELEMENT,       /* "uninitialized element" (null entry) */
  WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH, /* "indirect call type mismatch" */
  WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO,      /* "integer divide by zero" */
  WAOT_TRAP_INTEGER_OVERFLOW,            /* "integer overflow" */
  WAOT_TRAP_INVALID_CONVERSION,          /* "invalid conversion to integer" */
  WAOT_TRAP_CALL_STACK_EXHAUSTED,        /* "call stack exhausted" */
  WAOT_TRAP_NULL_REFERENCE,              /* "null reference" */
  WAOT_TRAP_INTERRUPTED,                 /* "interrupted" (interruptible code, ABI 8) */
  WAOT_TRAP_HOST_EXCEPTION,              /* a host function threw; runtime-internal */
  WAOT_TRAP_KIND_COUNT
};

/* ---- builtins ----------------------------------------------------------- */

/* Runtime functions called by generated code, reached through the context
 * (ctx->builtins) so that an artifact has no undefined runtime symbols: a
 * function pointer per entry of waot/builtins.def, in its order. */
typedef struct waot_builtins {
#define WAOT_BUILTIN(name, result, parameters) result(*name) parameters;
#include "builtins.def"
#undef WAOT_BUILTIN
} waot_builtins;

/* The position of each builtin in waot_builtins, and how many there are. */
enum waot_builtin_index {
#define WAOT_BUILTIN(name, result, parameters) WAOT_BUILTIN_INDEX_##name,
#include "builtins.def"
#undef WAOT_BUILTIN
  WAOT_BUILTIN_COUNT
};

/* ---- the instance context ----------------------------------------------- */

/* Every compiled function receives its instance's context as its first
 * parameter. The context starts with this fixed header, followed by arrays
 * whose offsets are given by waot_compute_ctx_layout(). Generated code only
 * reads the context (except defined globals); the runtime fills it at
 * instantiation. */
typedef struct waot_ctx_header {
  uint8_t *memory0_base;         /* base of memory 0 (NULL if none); invariant */
  waot_memory *memory0;          /* record of memory 0 (size for memory.size) */
  const waot_builtins *builtins; /* runtime entry points */
  void *instance;                /* runtime-private: the owning instance */
  /* Non-zero: the embedder asked the instance's code to stop (ABI 8).
   * Written by the runtime from any thread (atomically); interruptible code
   * (WAOT_ARTIFACT_INTERRUPTIBLE) reads it on entry to every function that
   * calls and at the head of every loop, and then calls the check_interrupt
   * builtin. */
  uint32_t interrupt_requested;
  uint32_t reserved;
} waot_ctx_header;

/* Offsets (in bytes from the start of the context) of the context arrays:
 *   type_ids[num_types]            uint32_t  runtime id of each module type
 *   memories[num_memories]         waot_memory *   (imported first; generated code
 *                                                   reaches memories other than 0
 *                                                   through these, multi-memory)
 *   tables[num_tables]             waot_table *    (imported first)
 *   imported_globals[n]            waot_global_cell *
 *   defined_globals[n]             waot_global_cell (inline storage)
 *   imported_funcs[n]              waot_func *
 *   defined_funcs[n]               waot_func       (inline records)
 */
typedef struct waot_ctx_layout {
  uint32_t type_ids;
  uint32_t memories;
  uint32_t tables;
  uint32_t imported_globals;
  uint32_t defined_globals;
  uint32_t imported_funcs;
  uint32_t defined_funcs;
  uint32_t total_size;
} waot_ctx_layout;

typedef struct waot_ctx_counts {
  uint32_t num_types;
  uint32_t num_memories; /* imported + defined */
  uint32_t num_tables;   /* imported + defined */
  uint32_t num_imported_globals;
  uint32_t num_defined_globals;
  uint32_t num_imported_funcs;
  uint32_t num_defined_funcs;
} waot_ctx_counts;

static inline uint32_t waot_align8(uint64_t n) { return (uint32_t)((n + 7u) & ~(uint64_t)7u); }

static inline waot_ctx_layout waot_compute_ctx_layout(const waot_ctx_counts *c) {
  waot_ctx_layout l;
  uint64_t at = sizeof(waot_ctx_header);
  l.type_ids = (uint32_t)at;
  at = waot_align8(at + (uint64_t)c->num_types * sizeof(uint32_t));
  l.memories = (uint32_t)at;
  at += (uint64_t)c->num_memories * sizeof(waot_memory *);
  l.tables = (uint32_t)at;
  at += (uint64_t)c->num_tables * sizeof(waot_table *);
  l.imported_globals = (uint32_t)at;
  at += (uint64_t)c->num_imported_globals * sizeof(waot_global_cell *);
  l.defined_globals = (uint32_t)at;
  at += (uint64_t)c->num_defined_globals * sizeof(waot_global_cell);
  l.imported_funcs = (uint32_t)at;
  at += (uint64_t)c->num_imported_funcs * sizeof(waot_func *);
  l.defined_funcs = (uint32_t)at;
  at += (uint64_t)c->num_defined_funcs * sizeof(waot_func);
  l.total_size = waot_align8(at);
  return l;
}

/* waot_compute_ctx_layout(c).total_size as a constant expression of the
 * seven counts (for descriptors written by hand in C; the artifact records
 * it in `ctx_size`). */
#define WAOT_ALIGN8_CONST(n) (((n) + 7u) & ~7u)
#define WAOT_CTX_TOTAL_SIZE(types, memories, tables, imported_globals, defined_globals,            \
                            imported_funcs, defined_funcs)                                         \
  ((uint32_t)WAOT_ALIGN8_CONST(                                                                    \
      WAOT_ALIGN8_CONST(sizeof(waot_ctx_header) + (types) * sizeof(uint32_t)) +                    \
      ((memories) + (tables) + (imported_globals) + (imported_funcs)) * sizeof(void *) +           \
      (defined_globals) * sizeof(waot_global_cell) + (defined_funcs) * sizeof(waot_func)))

/* Where the context lives when the module defines its memory 0 (imports no
 * memory): in the pages just below that memory's base, so that
 *   memory0_base == (uint8_t *)ctx + waot_ctx_memory0_offset(&layout).
 * Generated code then addresses linear memory from the context pointer it
 * keeps anyway (one register fewer live across calls, no base load). The
 * offset is a multiple of WAOT_PAGE_SIZE, at least the context's size. A
 * module that imports its memory 0 finds the base in ctx->memory0_base. */
static inline uint64_t waot_ctx_memory0_offset(const waot_ctx_layout *l) {
  return ((uint64_t)l->total_size + WAOT_PAGE_SIZE - 1u) & ~(uint64_t)(WAOT_PAGE_SIZE - 1u);
}

/* ---- the artifact descriptor -------------------------------------------- */
/* Plain data emitted by codegen as constants (pointers are relocated by the
 * dynamic loader). Strings are not NUL-terminated: use the lengths. */

enum waot_extern_kind {
  WAOT_EXTERN_FUNC = 0,
  WAOT_EXTERN_TABLE = 1,
  WAOT_EXTERN_MEMORY = 2,
  WAOT_EXTERN_GLOBAL = 3
};

typedef struct waot_functype_desc {
  uint32_t num_params;
  uint32_t num_results;
  const uint8_t *types; /* num_params + num_results waot_valtype bytes */
} waot_functype_desc;

typedef struct waot_limits_desc {
  uint64_t min;
  uint64_t max;
  uint8_t has_max;
  uint8_t is64; /* memory64: i64 addresses / table indices (ABI 12) */
  uint8_t reserved[6];
} waot_limits_desc;

/* A constant expression: one instruction (Wasm 2.0), or a sequence of them
 * (extended constant expressions, ABI 9: WAOT_CONST_SEQUENCE, whose
 * instructions are waot_artifact.const_ops[index .. index + value), in stack
 * order: values push, the arithmetic kinds pop two operands and push their
 * wrapped result). */
enum waot_const_kind {
  WAOT_CONST_I32 = 0, /* value: the bits */
  WAOT_CONST_I64 = 1,
  WAOT_CONST_F32 = 2,
  WAOT_CONST_F64 = 3,
  WAOT_CONST_REF_NULL = 4,   /* index: the reference type */
  WAOT_CONST_REF_FUNC = 5,   /* index: function index */
  WAOT_CONST_GLOBAL_GET = 6, /* index: global index */
  WAOT_CONST_V128 = 7,       /* value: bytes 0..7, value_hi: bytes 8..15 */
  WAOT_CONST_I32_ADD = 8,    /* only in a sequence */
  WAOT_CONST_I32_SUB = 9,
  WAOT_CONST_I32_MUL = 10,
  WAOT_CONST_I64_ADD = 11,
  WAOT_CONST_I64_SUB = 12,
  WAOT_CONST_I64_MUL = 13,
  WAOT_CONST_SEQUENCE = 14 /* index: first instruction in const_ops, value: count */
};

typedef struct waot_const_expr {
  uint32_t kind;
  uint32_t index;
  uint64_t value;
  uint64_t value_hi; /* v128 only (ABI 7) */
} waot_const_expr;

typedef struct waot_import_desc {
  const char *module;
  const char *name;
  uint32_t module_len;
  uint32_t name_len;
  uint8_t kind;     /* waot_extern_kind */
  uint8_t val_type; /* global: value type; table: element type */
  uint8_t mutable_; /* global */
  uint8_t reserved;
  uint32_t type_index;     /* function: index into the type list */
  waot_limits_desc limits; /* table / memory */
} waot_import_desc;

typedef struct waot_export_desc {
  const char *name;
  uint32_t name_len;
  uint8_t kind; /* waot_extern_kind */
  uint8_t reserved[3];
  uint32_t index; /* in the kind's index space (imports first) */
  uint32_t reserved2;
} waot_export_desc;

typedef struct waot_function_desc {
  /* Wasm calling convention, see waot_func. NULL for a function that can
   * never become a reference (not exported, in no element segment or global
   * initializer, not the start function): generated code only calls it
   * directly, and the compiler may change its signature. (ABI 5) */
  void *code;
  const char *name; /* from the name section, may be NULL */
  uint32_t name_len;
  uint32_t type_index;
  void *tail_code; /* see waot_func.tail_code; NULL when code is (ABI 11) */
} waot_function_desc;

typedef struct waot_table_desc {
  waot_limits_desc limits;
  uint8_t elem_type;
  uint8_t reserved[7];
} waot_table_desc;

typedef struct waot_memory_desc {
  waot_limits_desc limits;
} waot_memory_desc;

typedef struct waot_global_desc {
  waot_const_expr init;
  uint8_t val_type;
  uint8_t mutable_;
  uint8_t reserved[6];
} waot_global_desc;

enum waot_segment_mode {
  WAOT_SEGMENT_ACTIVE = 0,
  WAOT_SEGMENT_PASSIVE = 1,
  WAOT_SEGMENT_DECLARATIVE = 2
};

typedef struct waot_data_desc {
  const uint8_t *bytes;
  uint64_t size;
  waot_const_expr offset; /* active only */
  uint32_t mode;
  uint32_t memory;
} waot_data_desc;

typedef struct waot_elem_desc {
  const waot_const_expr *items; /* REF_NULL / REF_FUNC / GLOBAL_GET each */
  uint32_t count;
  uint32_t mode;
  waot_const_expr offset; /* active only */
  uint32_t table;
  uint8_t elem_type;
  uint8_t reserved[3];
} waot_elem_desc;

typedef void (*waot_entry_fn)(void *ctx, void *code, waot_slot *slots);

/* waot_artifact.flags: the code checks ctx->interrupt_requested at every
 * entry of functions that call and in every loop (compiled with --interruptible). */
#define WAOT_ARTIFACT_INTERRUPTIBLE 1u
/* waot_artifact.flags: every defined function sets its byte of
 * waot_artifact.entered to 1 on entry (compiled with an entry profile, ABI 10):
 * which functions a run executed, for a later optimized build. */
#define WAOT_ARTIFACT_ENTRY_PROFILE 2u

typedef struct waot_artifact {
  uint32_t magic;            /* WAOT_ARTIFACT_MAGIC */
  uint32_t abi_version;      /* WAOT_ABI_VERSION */
  uint32_t descriptor_size;  /* sizeof(waot_artifact) */
  uint32_t start_function;   /* function index, or UINT32_MAX */
  const char *producer;      /* e.g. "waot 0.1.0", NUL-terminated */
  const char *target_triple; /* NUL-terminated */
  const char *cpu_features;  /* NUL-terminated, LLVM feature string */

  uint32_t num_types;
  uint32_t num_imports;
  uint32_t num_functions; /* defined functions */
  uint32_t num_tables;    /* defined tables */
  uint32_t num_memories;  /* defined memories */
  uint32_t num_globals;   /* defined globals */
  uint32_t num_exports;
  uint32_t num_elems;
  uint32_t num_datas;
  /* waot_compute_ctx_layout()'s total_size for this module as the compiler
   * computed it (ABI 7): the runtime refuses an artifact whose context it
   * would lay out differently. */
  uint32_t ctx_size;
  uint32_t flags;         /* WAOT_ARTIFACT_* (ABI 8) */
  uint32_t num_const_ops; /* ABI 9 */

  const waot_functype_desc *types;
  const waot_entry_fn *entry_trampolines; /* per type: generic host->wasm call */
  void *const *host_adapters;             /* per type: code for an imported host function */
  const waot_import_desc *imports;
  const waot_function_desc *functions;
  const waot_table_desc *tables;
  const waot_memory_desc *memories;
  const waot_global_desc *globals;
  const waot_export_desc *exports;
  const waot_elem_desc *elems;
  const waot_data_desc *datas;

  /* A module compiled for static linking (ABI 6): its NAME and the bounds of
   * its code, which the runtime registers with the fault handler in place of
   * a shared library's executable segments. NULL in a shared library. */
  const char *link_name;
  const void *code_begin;
  const void *code_end;

  /* The instructions of the sequence constant expressions (ABI 9). */
  const waot_const_expr *const_ops;
  /* WAOT_ARTIFACT_ENTRY_PROFILE: num_functions bytes, one per defined
   * function, 0 until that function is first entered in this process; NULL
   * otherwise (ABI 10). Shared by every instance of the loaded artifact. */
  uint8_t *entered;
} waot_artifact;

/* ---- the integrity trailer ---------------------------------------------- */
/* `waot compile` appends this trailer after the linked ELF image (the dynamic
 * loader ignores bytes past the image). The runtime verifies it before it
 * hands the file to dlopen(), so that a truncated or corrupted artifact is a
 * clear error instead of a crash inside the dynamic loader. */
#define WAOT_TRAILER_MAGIC "WAOTSUM1" /* 8 bytes, no NUL stored */

typedef struct waot_artifact_trailer {
  char magic[8];
  uint64_t image_size; /* bytes of the ELF image before the trailer */
  uint64_t checksum;   /* waot_checksum(image, image_size) */
} waot_artifact_trailer;

/* A fast 64-bit checksum. Every step is a bijection of the running state for
 * a fixed input word, so any single changed word changes the result. */
static inline uint64_t waot_checksum_mix(uint64_t h, uint64_t word) {
  h = (h ^ word) * 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

static inline uint64_t waot_checksum(const uint8_t *data, uint64_t size) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ size;
  uint64_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word = 0;
    for (unsigned b = 0; b < 8; ++b)
      word |= (uint64_t)data[i + b] << (8 * b);
    h = waot_checksum_mix(h, word);
  }
  if (i < size) {
    uint64_t word = 0;
    for (unsigned b = 0; i + b < size; ++b)
      word |= (uint64_t)data[i + b] << (8 * b);
    h = waot_checksum_mix(h, word);
  }
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 33);
}

/* ---- the layouts, pinned ------------------------------------------------ */
/* Generated code and the runtime agree on these layouts through this header
 * alone (the compiler mirrors the descriptor structs as LLVM types, checked
 * against offsetof in tests/unit/lower_module_abi_layout_test.cpp). The sizes
 * are pinned here so that a change to a struct cannot go unnoticed: it must
 * come with a new WAOT_ABI_VERSION and new figures below. LP64 targets. */
#ifdef __cplusplus
#define WAOT_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define WAOT_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
WAOT_STATIC_ASSERT(sizeof(waot_slot) == 16, "waot_slot: 16 bytes (v128)");
WAOT_STATIC_ASSERT(sizeof(waot_func) == 40 && offsetof(waot_func, type_id) == 16 &&
                       offsetof(waot_func, entry) == 24 && offsetof(waot_func, tail_code) == 32,
                   "waot_func layout");
WAOT_STATIC_ASSERT(sizeof(waot_host_binding) == 8, "waot_host_binding layout");
WAOT_STATIC_ASSERT(sizeof(waot_memory) == 32 && offsetof(waot_memory, size) == 8,
                   "waot_memory layout");
WAOT_STATIC_ASSERT(sizeof(waot_table_entry) == 32 && offsetof(waot_table_entry, type_id) == 24,
                   "waot_table_entry layout");
WAOT_STATIC_ASSERT(sizeof(waot_table) == 32 && offsetof(waot_table, size) == 8 &&
                       offsetof(waot_table, max) == 12,
                   "waot_table layout");
WAOT_STATIC_ASSERT(sizeof(waot_global_cell) == 16, "waot_global_cell: one slot");
WAOT_STATIC_ASSERT(sizeof(waot_ctx_header) == 40 && offsetof(waot_ctx_header, builtins) == 16 &&
                       offsetof(waot_ctx_header, interrupt_requested) == 32,
                   "waot_ctx_header layout");
WAOT_STATIC_ASSERT(sizeof(waot_builtins) == WAOT_BUILTIN_COUNT * sizeof(void *),
                   "waot_builtins: one pointer per entry of builtins.def");
WAOT_STATIC_ASSERT(sizeof(waot_const_expr) == 24, "waot_const_expr layout");
WAOT_STATIC_ASSERT(sizeof(waot_limits_desc) == 24 && offsetof(waot_limits_desc, is64) == 17,
                   "waot_limits_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_functype_desc) == 16, "waot_functype_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_import_desc) == 56, "waot_import_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_export_desc) == 24, "waot_export_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_function_desc) == 32, "waot_function_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_table_desc) == 32, "waot_table_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_memory_desc) == 24, "waot_memory_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_global_desc) == 32, "waot_global_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_data_desc) == 48, "waot_data_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_elem_desc) == 48, "waot_elem_desc layout");
WAOT_STATIC_ASSERT(sizeof(waot_artifact) == 216 && offsetof(waot_artifact, ctx_size) == 76 &&
                       offsetof(waot_artifact, flags) == 80 &&
                       offsetof(waot_artifact, types) == 88 &&
                       offsetof(waot_artifact, link_name) == 176 &&
                       offsetof(waot_artifact, const_ops) == 200 &&
                       offsetof(waot_artifact, entered) == 208,
                   "waot_artifact layout");
WAOT_STATIC_ASSERT(sizeof(waot_artifact_trailer) == 24, "waot_artifact_trailer layout");
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WAOT_ABI_H */
