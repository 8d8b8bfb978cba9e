#include "api_access.hpp"
#include "host_adapters.hpp"
#include "instance_impl.hpp"
#include "module_data.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"

#include <atomic>
#include <map>
#include <mutex>

namespace waot {

Module Module::linked(const waot_artifact &descriptor) {
  // One module per descriptor: the descriptor lives as long as the program,
  // and its module data (interned types, export index) need not be rebuilt.
  static std::mutex mutex;
  static std::map<const waot_artifact *, std::weak_ptr<const detail::ModuleData>> known;
  std::lock_guard lock(mutex);
  std::weak_ptr<const detail::ModuleData> &entry = known[&descriptor];
  if (auto data = entry.lock()) return Module(detail::InternalTag{}, std::move(data));
  auto data = detail::readArtifact(detail::Library::linked(descriptor));
  detail::registerAdapters(*data);
  entry = data;
  return Module(detail::InternalTag{}, std::move(data));
}

Module::Module(detail::InternalTag, std::shared_ptr<const detail::ModuleData> data) noexcept
    : data_(std::move(data)) {}

std::vector<ImportDescriptor> Module::imports() const { return data_->imports; }

std::vector<ExportDescriptor> Module::exports() const { return data_->exports; }

std::string Module::producer() const {
  return data_->artifact->producer ? data_->artifact->producer : "";
}

std::string Module::targetTriple() const {
  return data_->artifact->target_triple ? data_->artifact->target_triple : "";
}

std::optional<std::vector<bool>> Module::enteredFunctions() const {
  const waot_artifact &artifact = *data_->artifact;
  if ((artifact.flags & WAOT_ARTIFACT_ENTRY_PROFILE) == 0) return std::nullopt;
  std::vector<bool> entered(artifact.num_functions);
  for (std::uint32_t i = 0; i < artifact.num_functions; ++i)
    entered[i] =
        std::atomic_ref<std::uint8_t>(artifact.entered[i]).load(std::memory_order_relaxed) != 0;
  return entered;
}

void Imports::define(std::string_view module, std::string_view name, Extern value) {
  auto names = modules_.find(module);
  if (names == modules_.end())
    names =
        modules_.emplace(std::string(module), std::map<std::string, Extern, std::less<>>()).first;
  names->second.insert_or_assign(std::string(name), std::move(value));
}

void Imports::define(std::string_view module, const Exports &exports) {
  for (auto &[name, value] : exports.all())
    define(module, name, std::move(value));
}

bool Imports::hasModule(std::string_view module) const {
  return modules_.find(module) != modules_.end();
}

const Extern *Imports::find(std::string_view module, std::string_view name) const {
  auto names = modules_.find(module);
  if (names == modules_.end()) return nullptr;
  auto value = names->second.find(name);
  return value == names->second.end() ? nullptr : &value->second;
}

const Extern *Exports::find(std::string_view name) const {
  if (!data_) return nullptr;
  auto found = data_->byName.find(name);
  return found == data_->byName.end() ? nullptr : &data_->ordered[found->second].second;
}

const Extern &Exports::lookup(std::string_view name, ExternKind kind) const {
  const Extern *value = find(name);
  if (!value) throw Error("no export named \"" + std::string(name) + "\"");
  if (kindOf(*value) != kind)
    throw Error("export \"" + std::string(name) + "\" is a " +
                std::string(toString(kindOf(*value))) + ", not a " + std::string(toString(kind)));
  return *value;
}

Function Exports::function(std::string_view name) const {
  return std::get<Function>(lookup(name, ExternKind::Function));
}

Memory Exports::memory(std::string_view name) const {
  return std::get<Memory>(lookup(name, ExternKind::Memory));
}

Table Exports::table(std::string_view name) const {
  return std::get<Table>(lookup(name, ExternKind::Table));
}

Global Exports::global(std::string_view name) const {
  return std::get<Global>(lookup(name, ExternKind::Global));
}

std::vector<std::pair<std::string, Extern>> Exports::all() const {
  return data_ ? data_->ordered : std::vector<std::pair<std::string, Extern>>();
}

} // namespace waot
