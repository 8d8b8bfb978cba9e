#include "api_access.hpp"
#include "function_data.hpp"
#include "slots.hpp"
#include "table_impl.hpp"

#include "waot/errors.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace waot::detail {

TableImpl::TableImpl(ValType elemType, std::uint64_t minSize, std::optional<std::uint64_t> maxSize,
                     void *init, bool is64)
    : elemType_(elemType), declaredMax_(maxSize), is64_(is64) {
  if (minSize > kMaxTableElements)
    throw RuntimeError("table of " + std::to_string(minSize) +
                       " elements exceeds the implementation limit of " +
                       std::to_string(kMaxTableElements));
  storage_.assign(static_cast<std::size_t>(minSize), entryFor(init));
  record_.elements = storage_.data();
  record_.size = static_cast<std::uint32_t>(minSize);
  record_.max =
      maxSize && *maxSize < UINT32_MAX ? static_cast<std::uint32_t>(*maxSize) : UINT32_MAX;
  record_.elem_type = static_cast<std::uint8_t>(elemType);
  record_.owner = this;
}

void TableImpl::limitGrowth(std::uint64_t maxElements, const std::string &what) {
  if (record_.size > maxElements)
    throw RuntimeError(what + " starts with " + std::to_string(record_.size) +
                       " elements, more than the instance's limit of " +
                       std::to_string(maxElements));
  if (maxElements < record_.max) record_.max = static_cast<std::uint32_t>(maxElements);
}

std::uint32_t TableImpl::grow(std::uint32_t delta, void *init) noexcept {
  const std::uint32_t oldSize = record_.size;
  const std::uint64_t newSize = std::uint64_t{oldSize} + delta;
  if (newSize > record_.max || newSize > kMaxTableElements) return UINT32_MAX;
  try {
    storage_.resize(static_cast<std::size_t>(newSize), entryFor(init));
  } catch (const std::bad_alloc &) {
    return UINT32_MAX;
  }
  record_.elements = storage_.data(); // may have moved: generated code reloads it
  record_.size = static_cast<std::uint32_t>(newSize);
  return oldSize;
}

static_assert(sizeof(waot_table_entry) == 32, "generated code scales table indices by 32");

waot_table_entry TableImpl::entryFor(void *ref) noexcept {
  waot_table_entry entry{};
  entry.ref = ref;
  if (ref == nullptr || elemType_ != ValType::FuncRef) return entry;
  const auto *record = static_cast<const waot_func *>(ref);
  entry.code = record->code;
  entry.ctx = record->ctx;
  entry.type_id = record->type_id;
  if (entry.code == nullptr) {
    // A host function no loaded artifact can call yet: keep it
    // uncallable (type id 0 fails every call_indirect check) until
    // refreshUnboundEntries() finds it bound.
    entry.type_id = 0;
    mayHoldUnbound_ = true;
  }
  return entry;
}

void TableImpl::refreshUnboundEntries() noexcept {
  if (!mayHoldUnbound_) return;
  mayHoldUnbound_ = false;
  for (waot_table_entry &entry : storage_)
    if (entry.ref != nullptr && entry.code == nullptr) entry = entryFor(entry.ref);
}

void TableImpl::store(std::uint32_t dst, std::span<void *const> refs) noexcept {
  for (std::size_t i = 0; i < refs.size(); ++i)
    storage_[dst + i] = entryFor(refs[i]);
}

void TableImpl::fill(std::uint32_t dst, std::uint32_t n, void *ref) noexcept {
  std::fill_n(storage_.begin() + dst, n, entryFor(ref));
}

void TableImpl::copyFrom(const TableImpl &from, std::uint32_t dst, std::uint32_t src,
                         std::uint32_t n) noexcept {
  if (n == 0) return;
  std::memmove(storage_.data() + dst, from.storage_.data() + src,
               std::size_t{n} * sizeof(waot_table_entry));
  mayHoldUnbound_ = mayHoldUnbound_ || from.mayHoldUnbound_;
}

void TableImpl::keepAlive(std::shared_ptr<const void> owner) {
  if (owner && owner.get() != definer_) owners_.add(std::move(owner));
}

namespace {

void checkElement(ValType elemType, const Value &value) {
  if (value.type() != elemType)
    throw TypeError("table of " + std::string(toString(elemType)) +
                    " cannot hold a value of type " + std::string(toString(value.type())));
}

Limits checkedLimits(ValType elem, Limits limits) {
  if (!isReference(elem))
    throw TypeError("table element type must be a reference type, not " +
                    std::string(toString(elem)));
  if (limits.max && *limits.max < limits.min) throw TypeError("table maximum is below its minimum");
  if (limits.max && *limits.max > UINT32_MAX && !limits.is64)
    throw TypeError("table maximum exceeds 2^32 - 1 elements");
  return limits;
}

} // namespace

} // namespace waot::detail

namespace waot {

using detail::checkElement;

Table::Table(ValType elem, Limits limits, const Value &init) {
  detail::checkedLimits(elem, limits);
  checkElement(elem, init);
  impl_ = std::make_shared<detail::TableImpl>(
      elem, limits.min, limits.max,
      reinterpret_cast<void *>(static_cast<std::uintptr_t>(init.bits())), limits.is64);
  impl_->keepAlive(detail::referenceOwner(init));
}

Table::Table(detail::InternalTag, std::shared_ptr<detail::TableImpl> impl) noexcept
    : impl_(std::move(impl)) {}

std::uint32_t Table::size() const noexcept { return impl_->size(); }

Value Table::get(std::uint32_t index) const {
  if (index >= impl_->size()) throw RuntimeError(TrapKind::TableOutOfBounds);
  return detail::fromSlot(impl_->elemType(),
                          waot_slot{reinterpret_cast<std::uintptr_t>(impl_->get(index)), 0});
}

void Table::set(std::uint32_t index, const Value &value) {
  checkElement(impl_->elemType(), value);
  if (index >= impl_->size()) throw RuntimeError(TrapKind::TableOutOfBounds);
  impl_->keepAlive(detail::referenceOwner(value));
  impl_->set(index, reinterpret_cast<void *>(static_cast<std::uintptr_t>(value.bits())));
}

std::uint32_t Table::grow(std::uint32_t delta, const Value &init) {
  checkElement(impl_->elemType(), init);
  auto owner = detail::referenceOwner(init);
  const std::uint32_t old =
      impl_->grow(delta, reinterpret_cast<void *>(static_cast<std::uintptr_t>(init.bits())));
  if (old == UINT32_MAX)
    throw RuntimeError("cannot grow table of " + std::to_string(impl_->size()) + " elements by " +
                       std::to_string(delta));
  if (delta != 0) impl_->keepAlive(std::move(owner));
  return old;
}

ValType Table::elementType() const noexcept { return impl_->elemType(); }

Limits Table::limits() const noexcept { return impl_->limits(); }

} // namespace waot
