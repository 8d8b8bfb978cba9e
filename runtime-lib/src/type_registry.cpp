#include "type_registry.hpp"

#include "waot/errors.hpp"

#include <functional>
#include <mutex>
#include <unordered_map>

namespace waot::detail {
namespace {

struct FuncTypeHash {
  std::size_t operator()(const FuncType &type) const noexcept {
    std::size_t hash = type.params.size() * 31 + type.results.size();
    for (ValType t : type.params)
      hash = hash * 131 + static_cast<std::size_t>(t);
    for (ValType t : type.results)
      hash = hash * 137 + static_cast<std::size_t>(t);
    return hash;
  }
};

class TypeRegistry {
public:
  std::uint32_t intern(const FuncType &type) {
    std::lock_guard lock(mutex_);
    if (auto found = ids_.find(type); found != ids_.end()) return found->second;
    if (ids_.size() >= UINT32_MAX - 1) throw RuntimeError("too many distinct function types");
    const auto id = static_cast<std::uint32_t>(ids_.size() + 1); // 0 is never a valid id
    ids_.emplace(type, id);
    return id;
  }

private:
  std::mutex mutex_;
  std::unordered_map<FuncType, std::uint32_t, FuncTypeHash> ids_;
};

TypeRegistry &registry() {
  static TypeRegistry instance;
  return instance;
}

} // namespace

std::uint32_t internType(const FuncType &type) { return registry().intern(type); }

} // namespace waot::detail
