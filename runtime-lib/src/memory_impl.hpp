// A 32-bit linear memory: WAOT_MEMORY32_RESERVATION bytes of address space
// reserved inaccessible, the first size bytes read/write. Any 32-bit index
// plus 32-bit offset lands inside the reservation, so generated code needs
// no bounds checks: the fault handler turns accesses beyond size into traps.
#pragma once

#include "guard_ranges.hpp"

#include "waot/abi.h"
#include "waot/types.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace waot::detail {

// An mmap()ed address range, unmapped on destruction unless recycled.
class AddressReservation {
public:
  // PROT_NONE, MAP_NORESERVE: costs address space only. Taken from the
  // process-wide pool of recycled ranges of this size when there is one.
  // RuntimeError on failure.
  explicit AddressReservation(std::size_t size);
  ~AddressReservation();
  // Hands the range to the pool instead of unmapping it: its first `touched`
  // bytes become inaccessible again and their pages are dropped (they read
  // as zeros when next mapped). Reusing a range keeps the kernel's page
  // tables for it, which a fresh mapping pays for on first touch and again
  // on munmap. No-op (plain unmap later) when the pool is full or the reset
  // fails.
  // `remap`: parts of the range were mapped from a file, which dropping
  // pages would bring back; replace the touched range by fresh anonymous
  // pages instead.
  void recycle(std::size_t touched, bool remap = false) noexcept;
  AddressReservation(const AddressReservation &) = delete;
  AddressReservation &operator=(const AddressReservation &) = delete;

  std::uint8_t *base() const noexcept { return base_; }
  std::size_t size() const noexcept { return size_; }

private:
  std::uint8_t *base_;
  std::size_t size_;
};

class MemoryImpl {
public:
  // TypeError for limits no 32-bit memory can have, RuntimeError when the
  // address space or the initial pages cannot be had.
  // `prefixBytes` (a multiple of WAOT_PAGE_SIZE) are mapped read/write,
  // zeroed, just below the base: an instance's context (abi.h,
  // waot_ctx_memory0_offset). They are not part of the linear memory.
  // `is64`: a memory64 memory: its type may declare up to 2^48 pages, it
  // grows to WAOT_MAX_PAGES64_RUNTIME (abi.h).
  MemoryImpl(std::uint64_t minPages, std::optional<std::uint64_t> maxPages,
             std::size_t prefixBytes = 0, bool is64 = false);
  MemoryImpl(const MemoryImpl &) = delete;
  MemoryImpl &operator=(const MemoryImpl &) = delete;
  ~MemoryImpl();

  waot_memory *record() noexcept { return &record_; }
  std::uint8_t *base() const noexcept { return record_.base; }
  std::uint8_t *prefix() const noexcept { return reservation_.base(); }
  std::uint64_t sizeInBytes() const noexcept { return record_.size; }
  std::uint64_t pages() const noexcept { return record_.size / WAOT_PAGE_SIZE; }
  Limits limits() const noexcept { return {pages(), declaredMax_, is64_}; }
  bool is64() const noexcept { return is64_; }

  // An instance's resource limit: memory.grow never takes the memory past
  // `maxPages` (it returns -1 instead). RuntimeError when it already is
  // larger; `what` names the memory in that message.
  void limitGrowth(std::uint64_t maxPages, const std::string &what);

  // memory.grow: the old size in pages, or UINT32_MAX when the memory cannot
  // grow by `deltaPages` (never a size: both kinds stay below 2^32 bytes).
  // The base never moves.
  std::uint32_t grow(std::uint64_t deltaPages) noexcept;

  // Maps `length` bytes of `file` from `fileOffset` privately (copy on write)
  // at `offset` of the accessible memory; all three page-aligned and in
  // bounds. False when the mapping fails; the range then reads as zeros
  // (a failed MAP_FIXED may already have dropped what was there), which the
  // caller overwrites anyway.
  bool mapCopyOnWrite(std::uint64_t offset, std::uint64_t length, int file,
                      std::uint64_t fileOffset) noexcept;

private:
  bool is64_;
  std::optional<std::uint64_t> declaredMax_;
  AddressReservation reservation_;
  RangeRegistration guard_; // declared after the reservation: unregistered before unmapping
  waot_memory record_{};
  bool fileMapped_ = false; // some pages come from mapCopyOnWrite
};

} // namespace waot::detail
