#include "funcref_registry.hpp"

#include "function_data.hpp"
#include "instance_impl.hpp"

#include "waot/errors.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace waot::detail {
namespace {

struct Entry {
  std::uintptr_t end;
  std::weak_ptr<InstanceImpl> instance; // a context
  std::weak_ptr<HostFunctionData> host; // a host record
};

class Registry {
public:
  void add(const void *begin, std::size_t size, Entry entry) {
    entry.end = reinterpret_cast<std::uintptr_t>(begin) + size;
    std::unique_lock lock(mutex_);
    entries_.insert_or_assign(reinterpret_cast<std::uintptr_t>(begin), std::move(entry));
  }

  void remove(const void *begin) noexcept {
    std::unique_lock lock(mutex_);
    entries_.erase(reinterpret_cast<std::uintptr_t>(begin));
  }

  std::shared_ptr<FunctionData> find(const waot_func *record) {
    const auto address = reinterpret_cast<std::uintptr_t>(record);
    std::shared_ptr<InstanceImpl> instance;
    {
      std::shared_lock lock(mutex_);
      auto next = entries_.upper_bound(address);
      if (next == entries_.begin()) return nullptr;
      const Entry &entry = std::prev(next)->second;
      if (address >= entry.end) return nullptr;
      if (auto host = entry.host.lock()) return host;
      instance = entry.instance.lock();
    }
    return instance ? instance->functionForRecord(record) : nullptr;
  }

private:
  std::shared_mutex mutex_;
  std::map<std::uintptr_t, Entry> entries_;
};

Registry &registry() {
  static Registry instance;
  return instance;
}

} // namespace

void registerContext(const void *begin, std::size_t size, std::weak_ptr<InstanceImpl> instance) {
  registry().add(begin, size, Entry{0, std::move(instance), {}});
}

void unregisterContext(const void *begin) noexcept { registry().remove(begin); }

void registerHostRecord(const waot_func *record, std::weak_ptr<HostFunctionData> function) {
  registry().add(record, sizeof(waot_func), Entry{0, {}, std::move(function)});
}

void unregisterHostRecord(const waot_func *record) noexcept { registry().remove(record); }

std::shared_ptr<FunctionData> functionForRecord(const waot_func *record) {
  if (auto function = registry().find(record)) return function;
  throw RuntimeError(
      "function reference to a function that no longer exists (its instance was destroyed)");
}

} // namespace waot::detail
