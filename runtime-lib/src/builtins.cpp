// The builtins generated code calls (abi.h: waot_builtins), with the exact
// bounds checks of the spec: every range is checked in full before anything
// is written, a zero-length access exactly at the end is allowed, and a
// dropped segment behaves as one of length 0.
//
// A failing check traps by unwinding (siglongjmp) over these frames, so
// they hold nothing that needs destruction.
#include "builtins.hpp"

#include "instance_impl.hpp"
#include "trap.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

namespace waot::detail {
namespace {

bool inBounds(std::uint64_t start, std::uint64_t length, std::uint64_t size) noexcept {
  return start <= size && length <= size - start; // (a memory64 address may be near 2^64)
}

MemoryImpl &memoryOf(void *ctx, std::uint32_t index) noexcept {
  MemoryImpl *memory = InstanceImpl::fromContext(ctx).memory(index);
  if (!memory) raiseTrap(WAOT_TRAP_MEMORY_OUT_OF_BOUNDS); // only a corrupt artifact gets here
  return *memory;
}

TableImpl &tableOf(void *ctx, std::uint32_t index) noexcept {
  TableImpl *table = InstanceImpl::fromContext(ctx).table(index);
  if (!table) raiseTrap(WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
  return *table;
}

// The entry points, one per entry of builtins.def, declared from it: an
// entry without a definition of exactly its signature does not compile.
namespace entry {
#define WAOT_BUILTIN(name, result, parameters) result name parameters;
#include "waot/builtins.def"
#undef WAOT_BUILTIN

void trap(void *, std::uint32_t kind) { raiseTrap(kind); }

std::uint32_t memory_grow(void *ctx, std::uint32_t memory, std::uint32_t deltaPages) {
  MemoryImpl *target = InstanceImpl::fromContext(ctx).memory(memory);
  return target ? target->grow(deltaPages) : UINT32_MAX;
}

void memory_fill(void *ctx, std::uint32_t memory, std::uint32_t dst, std::uint32_t value,
                 std::uint32_t n) {
  MemoryImpl &target = memoryOf(ctx, memory);
  if (!inBounds(dst, n, target.sizeInBytes())) raiseTrap(WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
  std::memset(target.base() + dst, static_cast<int>(value & 0xFF), n);
}

void memory_copy(void *ctx, std::uint32_t dstMemory, std::uint32_t srcMemory, std::uint32_t dst,
                 std::uint32_t src, std::uint32_t n) {
  MemoryImpl &to = memoryOf(ctx, dstMemory);
  MemoryImpl &from = memoryOf(ctx, srcMemory);
  if (!inBounds(src, n, from.sizeInBytes()) || !inBounds(dst, n, to.sizeInBytes()))
    raiseTrap(WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
  std::memmove(to.base() + dst, from.base() + src, n); // ranges may overlap
}

void memory_init(void *ctx, std::uint32_t memory, std::uint32_t segment, std::uint64_t dst,
                 std::uint32_t src, std::uint32_t n) {
  InstanceImpl &instance = InstanceImpl::fromContext(ctx);
  MemoryImpl &target = memoryOf(ctx, memory);
  const std::span<const std::uint8_t> bytes = instance.dataSegment(segment);
  if (!inBounds(src, n, bytes.size()) || !inBounds(dst, n, target.sizeInBytes()))
    raiseTrap(WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
  if (n != 0) std::memcpy(target.base() + dst, bytes.data() + src, n);
}

void data_drop(void *ctx, std::uint32_t segment) {
  InstanceImpl::fromContext(ctx).dropData(segment);
}

void table_init(void *ctx, std::uint32_t table, std::uint32_t segment, std::uint32_t dst,
                std::uint32_t src, std::uint32_t n) {
  InstanceImpl &instance = InstanceImpl::fromContext(ctx);
  TableImpl &target = tableOf(ctx, table);
  const std::span<void *const> items = instance.elemSegment(segment);
  if (!inBounds(src, n, items.size()) || !inBounds(dst, n, target.size()))
    raiseTrap(WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
  target.store(dst, items.subspan(src, n));
}

void elem_drop(void *ctx, std::uint32_t segment) {
  InstanceImpl::fromContext(ctx).dropElem(segment);
}

void table_copy(void *ctx, std::uint32_t dstTable, std::uint32_t srcTable, std::uint32_t dst,
                std::uint32_t src, std::uint32_t n) {
  TableImpl &to = tableOf(ctx, dstTable);
  TableImpl &from = tableOf(ctx, srcTable);
  if (!inBounds(src, n, from.size()) || !inBounds(dst, n, to.size()))
    raiseTrap(WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
  to.copyFrom(from, dst, src, n);
}

std::uint32_t table_grow(void *ctx, std::uint32_t table, void *init, std::uint32_t delta) {
  TableImpl *target = InstanceImpl::fromContext(ctx).table(table);
  return target ? target->grow(delta, init) : UINT32_MAX;
}

void table_fill(void *ctx, std::uint32_t table, std::uint32_t dst, void *value, std::uint32_t n) {
  TableImpl &target = tableOf(ctx, table);
  if (!inBounds(dst, n, target.size())) raiseTrap(WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
  target.fill(dst, n, value);
}

void table_set(void *ctx, std::uint32_t table, std::uint32_t index, void *value) {
  TableImpl &target = tableOf(ctx, table);
  if (index >= target.size()) raiseTrap(WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
  target.set(index, value);
}

const waot_func *ref_func(void *ctx, std::uint32_t function) {
  const waot_func *record = InstanceImpl::fromContext(ctx).functionRecord(function);
  if (!record) raiseTrap(WAOT_TRAP_UNREACHABLE); // only a corrupt artifact gets here
  return record;
}

void check_interrupt(void *ctx) {
  // Every thread that saw the request stops; the first clears it.
  std::atomic_ref<std::uint32_t>(static_cast<waot_ctx_header *>(ctx)->interrupt_requested)
      .store(0, std::memory_order_relaxed);
  raiseTrap(WAOT_TRAP_INTERRUPTED);
}

} // namespace entry

constexpr waot_builtins kBuiltins = {
#define WAOT_BUILTIN(name, result, parameters) .name = entry::name,
#include "waot/builtins.def"
#undef WAOT_BUILTIN
};

} // namespace

const waot_builtins &runtimeBuiltins() noexcept { return kBuiltins; }

} // namespace waot::detail
