// Address ranges the fault handler consults: the executable code of loaded
// artifacts and the reservations of linear memories. Lookups are lock-free
// and async-signal-safe; registration is RAII.
#pragma once

#include <cstdint>

namespace waot::detail {

enum class RangeKind { Code, Memory };

class RangeRegistration {
public:
  RangeRegistration() noexcept = default;
  // Registers [begin, end). RuntimeError when the registry is full.
  RangeRegistration(RangeKind kind, std::uintptr_t begin, std::uintptr_t end);
  ~RangeRegistration();
  RangeRegistration(RangeRegistration &&other) noexcept;
  RangeRegistration &operator=(RangeRegistration &&other) noexcept;
  RangeRegistration(const RangeRegistration &) = delete;
  RangeRegistration &operator=(const RangeRegistration &) = delete;

private:
  void reset() noexcept;
  RangeKind kind_ = RangeKind::Code;
  int slot_ = -1;
};

// True if `address` lies in a registered range of `kind`. Async-signal-safe.
bool rangeContains(RangeKind kind, std::uintptr_t address) noexcept;

} // namespace waot::detail
