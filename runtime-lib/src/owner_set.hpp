// A set of objects kept alive by a table, global or instance because
// references to their functions were stored into it (see instance.hpp's
// lifetime notes).
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace waot::detail {

class OwnerSet {
public:
  // Keeps `owner` alive as long as this set; adding it again is a no-op.
  void add(std::shared_ptr<const void> owner) {
    if (!owner) return;
    std::lock_guard lock(mutex_);
    owners_.try_emplace(owner.get(), std::move(owner));
  }

private:
  std::mutex mutex_;
  std::unordered_map<const void *, std::shared_ptr<const void>> owners_;
};

} // namespace waot::detail
