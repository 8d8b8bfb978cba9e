// A table: a waot_table record over a growable array of waot_table_entry
// (the reference plus, for funcref, the callee's code, context and type id).
#pragma once

#include "owner_set.hpp"

#include "waot/abi.h"
#include "waot/types.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace waot::detail {

// Implementation limit on table sizes (as in the JavaScript API).
inline constexpr std::uint64_t kMaxTableElements = 10'000'000;

class TableImpl {
public:
  // RuntimeError when `minSize` exceeds the implementation limit.
  // `is64`: a 64-bit table (i64 indices); its size stays below the same
  // implementation limit.
  TableImpl(ValType elemType, std::uint64_t minSize, std::optional<std::uint64_t> maxSize,
            void *init, bool is64 = false);
  TableImpl(const TableImpl &) = delete;
  TableImpl &operator=(const TableImpl &) = delete;

  waot_table *record() noexcept { return &record_; }
  // An instance's resource limit: table.grow never takes the table past
  // `maxElements` (it returns -1 instead). RuntimeError when it already is
  // larger; `what` names the table in that message.
  void limitGrowth(std::uint64_t maxElements, const std::string &what);
  ValType elemType() const noexcept { return elemType_; }
  std::uint32_t size() const noexcept { return record_.size; }
  Limits limits() const noexcept { return {record_.size, declaredMax_, is64_}; }

  // The reference at `index` (< size()).
  void *get(std::uint32_t index) const noexcept { return storage_[index].ref; }
  // Element writes; the caller has checked the bounds. References stored in
  // a funcref table are waot_func records already filled (immutable).
  void set(std::uint32_t index, void *ref) noexcept { storage_[index] = entryFor(ref); }
  void store(std::uint32_t dst, std::span<void *const> refs) noexcept;
  void fill(std::uint32_t dst, std::uint32_t n, void *ref) noexcept;
  // table.copy (same element type, validated): overlapping ranges allowed.
  void copyFrom(const TableImpl &from, std::uint32_t dst, std::uint32_t src,
                std::uint32_t n) noexcept;
  // Re-copies the entries of host functions that were not callable yet when
  // stored (see waot_table_entry). An instance importing the table calls
  // this: every signature it can call through is bound by then.
  void refreshUnboundEntries() noexcept;

  // table.grow: the old size, or UINT32_MAX when the table cannot grow.
  std::uint32_t grow(std::uint32_t delta, void *init) noexcept;

  // The instance that defines this table: storing its own functions here
  // must not make the table keep it alive (the instance owns the table).
  void setDefiner(const void *instance) noexcept { definer_ = instance; }
  // Keeps `owner` alive as long as the table.
  void keepAlive(std::shared_ptr<const void> owner);

private:
  // Also notes whether the entry waits for its host function's adapter.
  waot_table_entry entryFor(void *ref) noexcept;

  ValType elemType_;
  std::optional<std::uint64_t> declaredMax_;
  bool is64_;
  std::vector<waot_table_entry> storage_;
  waot_table record_{};
  bool mayHoldUnbound_ = false;
  const void *definer_ = nullptr;
  OwnerSet owners_;
};

} // namespace waot::detail
