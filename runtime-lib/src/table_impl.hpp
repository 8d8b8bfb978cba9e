// A table: a waot_table record over a growable array of references
// (waot_func* for funcref, opaque host pointers for externref).
#pragma once

#include "owner_set.hpp"

#include "waot/abi.h"
#include "waot/types.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace waot::detail {

// Implementation limit on table sizes (as in the JavaScript API).
inline constexpr std::uint64_t kMaxTableElements = 10'000'000;

class TableImpl {
public:
  // RuntimeError when `minSize` exceeds the implementation limit.
  TableImpl(ValType elemType, std::uint64_t minSize, std::optional<std::uint64_t> maxSize,
            void *init);
  TableImpl(const TableImpl &) = delete;
  TableImpl &operator=(const TableImpl &) = delete;

  waot_table *record() noexcept { return &record_; }
  ValType elemType() const noexcept { return elemType_; }
  std::uint32_t size() const noexcept { return record_.size; }
  void **elements() noexcept { return record_.elements; }
  Limits limits() const noexcept { return {record_.size, declaredMax_}; }

  // table.grow: the old size, or UINT32_MAX when the table cannot grow.
  std::uint32_t grow(std::uint32_t delta, void *init) noexcept;

  // The instance that defines this table: storing its own functions here
  // must not make the table keep it alive (the instance owns the table).
  void setDefiner(const void *instance) noexcept { definer_ = instance; }
  // Keeps `owner` alive as long as the table.
  void keepAlive(std::shared_ptr<const void> owner);

private:
  ValType elemType_;
  std::optional<std::uint64_t> declaredMax_;
  std::vector<void *> storage_;
  waot_table record_{};
  const void *definer_ = nullptr;
  OwnerSet owners_;
};

} // namespace waot::detail
