#include "api_access.hpp"
#include "memory_impl.hpp"

#include "waot/errors.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace waot::detail {

AddressReservation::AddressReservation(std::size_t size) : size_(size) {
  void *mapping =
      mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED)
    throw RuntimeError("cannot reserve " + std::to_string(size >> 30) +
                       " GiB of address space for a linear memory: " + std::strerror(errno));
  base_ = static_cast<std::uint8_t *>(mapping);
}

AddressReservation::~AddressReservation() { munmap(base_, size_); }

namespace {

std::optional<std::uint64_t> checkedMax(std::uint64_t minPages,
                                        std::optional<std::uint64_t> maxPages) {
  if (minPages > WAOT_MAX_PAGES32)
    throw TypeError("memory minimum of " + std::to_string(minPages) +
                    " pages exceeds the 32-bit limit of " + std::to_string(WAOT_MAX_PAGES32));
  if (maxPages && *maxPages > WAOT_MAX_PAGES32)
    throw TypeError("memory maximum of " + std::to_string(*maxPages) +
                    " pages exceeds the 32-bit limit of " + std::to_string(WAOT_MAX_PAGES32));
  if (maxPages && *maxPages < minPages) throw TypeError("memory maximum is below its minimum");
  return maxPages;
}

} // namespace

MemoryImpl::MemoryImpl(std::uint64_t minPages, std::optional<std::uint64_t> maxPages,
                       std::size_t prefixBytes)
    : declaredMax_(checkedMax(minPages, maxPages)),
      reservation_(prefixBytes + WAOT_MEMORY32_RESERVATION),
      guard_(RangeKind::Memory, reinterpret_cast<std::uintptr_t>(reservation_.base()) + prefixBytes,
             reinterpret_cast<std::uintptr_t>(reservation_.base()) + reservation_.size()) {
  record_.base = reservation_.base() + prefixBytes;
  record_.size = 0;
  record_.max_pages = declaredMax_.value_or(WAOT_MAX_PAGES32);
  record_.owner = this;
  // One mprotect for the prefix and the initial pages (they are adjacent).
  const std::uint64_t initialBytes = minPages * WAOT_PAGE_SIZE;
  if (minPages > record_.max_pages ||
      (prefixBytes + initialBytes != 0 &&
       mprotect(reservation_.base(), prefixBytes + initialBytes, PROT_READ | PROT_WRITE) != 0))
    throw RuntimeError("cannot allocate the " + std::to_string(minPages) +
                       " initial pages of a linear memory: " + std::strerror(errno));
  record_.size = initialBytes;
}

std::uint32_t MemoryImpl::grow(std::uint64_t deltaPages) noexcept {
  const std::uint64_t oldPages = pages();
  if (deltaPages > record_.max_pages - oldPages) return UINT32_MAX;
  if (deltaPages != 0 && mprotect(record_.base + record_.size, deltaPages * WAOT_PAGE_SIZE,
                                  PROT_READ | PROT_WRITE) != 0)
    return UINT32_MAX;
  record_.size = (oldPages + deltaPages) * WAOT_PAGE_SIZE;
  return static_cast<std::uint32_t>(oldPages);
}

} // namespace waot::detail

namespace waot {

Memory::Memory(Limits limits)
    : impl_(std::make_shared<detail::MemoryImpl>(limits.min, limits.max)) {}

Memory::Memory(detail::InternalTag, std::shared_ptr<detail::MemoryImpl> impl) noexcept
    : impl_(std::move(impl)) {}

std::uint8_t *Memory::data() const noexcept { return impl_->base(); }

std::size_t Memory::size() const noexcept { return static_cast<std::size_t>(impl_->sizeInBytes()); }

std::uint32_t Memory::grow(std::uint32_t deltaPages) {
  const std::uint32_t old = impl_->grow(deltaPages);
  if (old == UINT32_MAX)
    throw RuntimeError("cannot grow memory of " + std::to_string(impl_->pages()) + " pages by " +
                       std::to_string(deltaPages) + " (maximum " +
                       std::to_string(impl_->record()->max_pages) + ")");
  return old;
}

Limits Memory::limits() const noexcept { return impl_->limits(); }

} // namespace waot
