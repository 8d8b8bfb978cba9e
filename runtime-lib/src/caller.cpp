// waot::Caller: a host function's view of the instance that called it.
#include "instance_impl.hpp"

#include "waot/caller.hpp"
#include "waot/errors.hpp"

#include <string>

namespace waot {
namespace {

const char *kindName(ExternKind kind) {
  switch (kind) {
  case ExternKind::Function: return "function";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  }
  return "extern";
}

template <class T> T exportOfKind(const Caller &caller, std::string_view name, ExternKind kind) {
  if (!caller.hasInstance())
    throw Error("host function called from the host: there is no calling instance to export " +
                std::string(kindName(kind)) + " '" + std::string(name) + "'");
  const std::optional<Extern> found = caller.getExport(name);
  if (!found)
    throw Error("the calling instance exports no " + std::string(kindName(kind)) + " '" +
                std::string(name) + "'");
  if (kindOf(*found) != kind)
    throw Error("the calling instance's export '" + std::string(name) + "' is a " +
                kindName(kindOf(*found)) + ", not a " + kindName(kind));
  return std::get<T>(*found);
}

} // namespace

std::optional<Extern> Caller::getExport(std::string_view name) const {
  if (!instance_) return std::nullopt;
  return instance_->exportNamed(name);
}

Memory Caller::memory(std::string_view name) const {
  return exportOfKind<Memory>(*this, name, ExternKind::Memory);
}

Function Caller::function(std::string_view name) const {
  return exportOfKind<Function>(*this, name, ExternKind::Function);
}

} // namespace waot
