#include "guard_ranges.hpp"

#include "waot/errors.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

namespace waot::detail {
namespace {

// One range, published with a sequence counter so that a reader in a signal
// handler never pairs the begin of one registration with the end of another
// (writers are serialized by RangeTable::mutex).
struct Slot {
  std::atomic<std::uint64_t> sequence{0}; // odd while being written
  std::atomic<std::uintptr_t> begin{0};
  std::atomic<std::uintptr_t> end{0};
};

// Fixed capacity so that lookups never race with a reallocation. Each memory
// reserves 8 GiB, so a 47-bit address space holds at most 16384 of them.
template <std::size_t Capacity> class RangeTable {
public:
  int add(std::uintptr_t begin, std::uintptr_t end, const char *what) {
    std::lock_guard lock(mutex_);
    const std::size_t used = highWater_.load();
    std::size_t index = 0;
    while (index < used && slots_[index].end.load() != 0)
      ++index;
    if (index == Capacity)
      throw RuntimeError(std::string("too many ") + what + " registered at once (limit " +
                         std::to_string(Capacity) + ")");
    write(slots_[index], begin, end);
    if (index == used) highWater_.store(used + 1);
    return static_cast<int>(index);
  }

  void remove(int index) noexcept {
    std::lock_guard lock(mutex_);
    write(slots_[static_cast<std::size_t>(index)], 0, 0);
  }

  bool contains(std::uintptr_t address) const noexcept {
    const std::size_t used = highWater_.load();
    for (std::size_t i = 0; i < used; ++i) {
      const Slot &slot = slots_[i];
      for (;;) {
        const std::uint64_t before = slot.sequence.load();
        if (before & 1) continue; // a writer is mid-update; it finishes promptly
        const std::uintptr_t begin = slot.begin.load();
        const std::uintptr_t end = slot.end.load();
        if (slot.sequence.load() != before) continue;
        if (address >= begin && address < end) return true;
        break;
      }
    }
    return false;
  }

private:
  // Sequentially consistent throughout (no fences needed, and none that
  // sanitizers cannot model): a reader that saw any store of an update also
  // sees the sequence change around it.
  static void write(Slot &slot, std::uintptr_t begin, std::uintptr_t end) noexcept {
    slot.sequence.fetch_add(1);
    slot.begin.store(begin);
    slot.end.store(end);
    slot.sequence.fetch_add(1);
  }

  std::array<Slot, Capacity> slots_{};
  std::atomic<std::size_t> highWater_{0};
  std::mutex mutex_;
};

RangeTable<8192> codeRanges;
RangeTable<16384> memoryRanges;

} // namespace

RangeRegistration::RangeRegistration(RangeKind kind, std::uintptr_t begin, std::uintptr_t end)
    : kind_(kind) {
  slot_ = kind == RangeKind::Code ? codeRanges.add(begin, end, "artifact code ranges")
                                  : memoryRanges.add(begin, end, "linear memories");
}

RangeRegistration::~RangeRegistration() { reset(); }

RangeRegistration::RangeRegistration(RangeRegistration &&other) noexcept
    : kind_(other.kind_), slot_(other.slot_) {
  other.slot_ = -1;
}

RangeRegistration &RangeRegistration::operator=(RangeRegistration &&other) noexcept {
  if (this != &other) {
    reset();
    kind_ = other.kind_;
    slot_ = other.slot_;
    other.slot_ = -1;
  }
  return *this;
}

void RangeRegistration::reset() noexcept {
  if (slot_ < 0) return;
  if (kind_ == RangeKind::Code)
    codeRanges.remove(slot_);
  else
    memoryRanges.remove(slot_);
  slot_ = -1;
}

bool rangeContains(RangeKind kind, std::uintptr_t address) noexcept {
  return kind == RangeKind::Code ? codeRanges.contains(address) : memoryRanges.contains(address);
}

} // namespace waot::detail
