#include "api_access.hpp"
#include "memory_impl.hpp"

#include "waot/errors.hpp"

#include <algorithm>
#include <sys/mman.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>

namespace waot::detail {

namespace {

// Recycled reservations, reset to PROT_NONE with no pages. A few are enough
// to make create/destroy cycles cheap; each costs only address space.
class ReservationPool {
public:
  static constexpr std::size_t kCapacity = 16;

  std::uint8_t *take(std::size_t size) noexcept {
    std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < count_; ++i)
      if (entries_[i].size == size) {
        std::uint8_t *base = entries_[i].base;
        entries_[i] = entries_[--count_];
        return base;
      }
    return nullptr;
  }
  bool give(std::uint8_t *base, std::size_t size) noexcept {
    std::lock_guard lock(mutex_);
    if (count_ == kCapacity) return false;
    entries_[count_++] = {base, size};
    return true;
  }

private:
  struct Entry {
    std::uint8_t *base;
    std::size_t size;
  };
  std::mutex mutex_;
  std::array<Entry, kCapacity> entries_{};
  std::size_t count_ = 0;
};

ReservationPool &reservationPool() {
  static ReservationPool pool; // leaked ranges at exit are the process's to unmap
  return pool;
}

} // namespace

AddressReservation::AddressReservation(std::size_t size) : size_(size) {
  base_ = reservationPool().take(size);
  if (base_ != nullptr) return;
  void *mapping =
      mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED)
    throw RuntimeError("cannot reserve " + std::to_string(size >> 30) +
                       " GiB of address space for a linear memory: " + std::strerror(errno));
  base_ = static_cast<std::uint8_t *>(mapping);
}

AddressReservation::~AddressReservation() {
  if (base_ != nullptr) munmap(base_, size_);
}

void AddressReservation::recycle(std::size_t touched, bool remap) noexcept {
  if (touched > size_) return;
  if (remap && touched != 0) {
    if (mmap(base_, touched, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
             0) == MAP_FAILED)
      return;
  } else if (touched != 0 && (madvise(base_, touched, MADV_DONTNEED) != 0 ||
                              mprotect(base_, touched, PROT_NONE) != 0)) {
    return;
  }
  if (reservationPool().give(base_, size_)) base_ = nullptr;
}

namespace {

constexpr std::uint64_t kMaxPages64 = std::uint64_t{1} << 48; // 2^64 bytes

std::optional<std::uint64_t> checkedMax(std::uint64_t minPages,
                                        std::optional<std::uint64_t> maxPages, bool is64) {
  if (is64) {
    if (minPages > kMaxPages64 || (maxPages && *maxPages > kMaxPages64))
      throw TypeError("memory64 limits beyond 2^48 pages");
    if (maxPages && *maxPages < minPages) throw TypeError("memory maximum is below its minimum");
    return maxPages;
  }
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
                       std::size_t prefixBytes, bool is64)
    : is64_(is64), declaredMax_(checkedMax(minPages, maxPages, is64)),
      reservation_(prefixBytes + WAOT_MEMORY32_RESERVATION),
      guard_(RangeKind::Memory, reinterpret_cast<std::uintptr_t>(reservation_.base()) + prefixBytes,
             reinterpret_cast<std::uintptr_t>(reservation_.base()) + reservation_.size()) {
  record_.base = reservation_.base() + prefixBytes;
  record_.size = 0;
  // A 64-bit memory declares up to 2^48 pages; it gets the same 8 GiB
  // reservation and grows to 4 GiB (generated code relies on that bound).
  record_.max_pages = std::min<std::uint64_t>(declaredMax_.value_or(WAOT_MAX_PAGES32),
                                              is64 ? WAOT_MAX_PAGES64_RUNTIME : WAOT_MAX_PAGES32);
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

MemoryImpl::~MemoryImpl() {
  // The prefix (an instance's context) and the accessible pages were touched.
  reservation_.recycle(static_cast<std::size_t>(record_.base - reservation_.base()) +
                           static_cast<std::size_t>(record_.size),
                       fileMapped_);
}

bool MemoryImpl::mapCopyOnWrite(std::uint64_t offset, std::uint64_t length, int file,
                                std::uint64_t fileOffset) noexcept {
  if (offset > record_.size || length > record_.size - offset) return false;
  void *at = record_.base + offset;
  if (mmap(at, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, file,
           static_cast<off_t>(fileOffset)) == MAP_FAILED) {
    // MAP_FIXED may have unmapped the range before failing: make it fresh
    // read/write memory again (the caller then copies the bytes).
    mmap(at, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    return false;
  }
  fileMapped_ = true;
  return true;
}

void MemoryImpl::limitGrowth(std::uint64_t maxPages, const std::string &what) {
  if (pages() > maxPages)
    throw RuntimeError(what + " starts with " + std::to_string(pages()) +
                       " pages, more than the instance's limit of " + std::to_string(maxPages));
  record_.max_pages = std::min<std::uint64_t>(record_.max_pages, maxPages);
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
    : impl_(std::make_shared<detail::MemoryImpl>(limits.min, limits.max, 0, limits.is64)) {}

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
