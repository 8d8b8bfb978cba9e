#include "host_adapters.hpp"

#include <algorithm>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace waot::detail {
namespace {

struct WeakSource {
  void *adapter;
  waot_entry_fn entry;
  std::weak_ptr<const Library> library; // the index must not keep artifacts loaded
};

class AdapterIndex {
public:
  void add(const ModuleData &module) {
    std::vector<std::pair<std::shared_ptr<HostFunctionData>, AdapterSource>> toBind;
    {
      std::lock_guard lock(mutex_);
      const waot_artifact &artifact = *module.artifact;
      if (!artifact.host_adapters || !artifact.entry_trampolines) return;
      for (std::uint32_t t = 0; t < module.types.size(); ++t) {
        if (!artifact.host_adapters[t] || !artifact.entry_trampolines[t]) continue;
        const std::uint32_t id = module.typeIds[t];
        std::vector<WeakSource> &list = sources_[id];
        std::erase_if(list, [](const WeakSource &s) { return s.library.expired(); });
        list.push_back({artifact.host_adapters[t], artifact.entry_trampolines[t], module.library});
        auto waiting = waiting_.find(id);
        if (waiting == waiting_.end()) continue;
        for (const auto &weak : waiting->second)
          if (auto function = weak.lock())
            toBind.emplace_back(std::move(function),
                                AdapterSource{artifact.host_adapters[t],
                                              artifact.entry_trampolines[t], module.library});
        waiting_.erase(waiting);
      }
    }
    // Bound outside our lock, so that the two locks are never held together
    // (HostFunctionData::record() releases its own before calling findOrWait).
    for (auto &[function, source] : toBind)
      function->bindAdapter(source);
  }

  std::optional<AdapterSource> findOrWait(std::uint32_t typeId,
                                          const std::weak_ptr<HostFunctionData> &waiting) {
    std::lock_guard lock(mutex_);
    if (auto found = sources_.find(typeId); found != sources_.end())
      for (const WeakSource &source : found->second)
        if (auto library = source.library.lock())
          return AdapterSource{source.adapter, source.entry, std::move(library)};
    std::vector<std::weak_ptr<HostFunctionData>> &list = waiting_[typeId];
    std::erase_if(list, [](const auto &w) { return w.expired(); });
    const bool known = std::any_of(list.begin(), list.end(), [&](const auto &w) {
      return !w.owner_before(waiting) && !waiting.owner_before(w);
    });
    if (!known) list.push_back(waiting);
    return std::nullopt;
  }

private:
  std::mutex mutex_;
  std::unordered_map<std::uint32_t, std::vector<WeakSource>> sources_;
  std::unordered_map<std::uint32_t, std::vector<std::weak_ptr<HostFunctionData>>> waiting_;
};

AdapterIndex &adapterIndex() {
  static AdapterIndex index;
  return index;
}

} // namespace

void registerAdapters(const ModuleData &module) { adapterIndex().add(module); }

std::optional<AdapterSource> findAdapterOrWait(std::uint32_t typeId,
                                               const std::weak_ptr<HostFunctionData> &waiting) {
  return adapterIndex().findOrWait(typeId, waiting);
}

} // namespace waot::detail
