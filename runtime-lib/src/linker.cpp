// "Read the imports" (JS API): for each declared import in order, the
// namespace must exist (else TypeError) and the name must hold a value of
// the declared kind and type (else LinkError naming module.name and both types).
#include "api_access.hpp"
#include "instance_impl.hpp"

#include "waot/errors.hpp"

#include <string>

namespace waot::detail {
namespace {

std::string describeExtern(const Extern &value) {
  switch (kindOf(value)) {
  case ExternKind::Function: return "function " + toString(std::get<Function>(value).type());
  case ExternKind::Table: {
    const Table &table = std::get<Table>(value);
    return "table " + std::string(toString(table.elementType())) + " " + toString(table.limits());
  }
  case ExternKind::Memory: return "memory " + toString(std::get<Memory>(value).limits());
  case ExternKind::Global: {
    const Global &global = std::get<Global>(value);
    return std::string("global ") + (global.isMutable() ? "mut " : "const ") +
           std::string(toString(global.type()));
  }
  }
  return "<invalid extern>";
}

// Import subtyping of limits: at least the declared minimum, and when a
// maximum is declared, a maximum no larger than it.
bool limitsMatch(const Limits &provided, const Limits &declared) {
  if (provided.is64 != declared.is64) return false; // address types match exactly
  if (provided.min < declared.min) return false;
  return !declared.max || (provided.max && *provided.max <= *declared.max);
}

bool typeMatches(const ImportDescriptor &import, const Extern &value) {
  switch (import.kind) {
  case ExternKind::Function: return std::get<Function>(value).type() == import.funcType;
  case ExternKind::Table: {
    const Table &table = std::get<Table>(value);
    return table.elementType() == import.valType && limitsMatch(table.limits(), import.limits);
  }
  case ExternKind::Memory: return limitsMatch(std::get<Memory>(value).limits(), import.limits);
  case ExternKind::Global: {
    const Global &global = std::get<Global>(value);
    return global.type() == import.valType && global.isMutable() == import.isMutable;
  }
  }
  return false;
}

void append(ResolvedImports &resolved, const Extern &value) {
  switch (kindOf(value)) {
  case ExternKind::Function: resolved.functions.push_back(std::get<Function>(value)); break;
  case ExternKind::Table: resolved.tables.push_back(ApiAccess::impl(std::get<Table>(value))); break;
  case ExternKind::Memory:
    resolved.memories.push_back(ApiAccess::impl(std::get<Memory>(value)));
    break;
  case ExternKind::Global:
    resolved.globals.push_back(ApiAccess::data(std::get<Global>(value)));
    break;
  }
}

} // namespace

ResolvedImports resolveImports(const ModuleData &module, const Imports &imports) {
  ResolvedImports resolved;
  for (const ImportDescriptor &import : module.imports) {
    const std::string qualified = import.module + "." + import.name;
    if (!imports.hasModule(import.module))
      throw TypeError("unknown import " + qualified + ": no import namespace \"" + import.module +
                      "\"");
    const Extern *value = imports.find(import.module, import.name);
    if (!value)
      throw LinkError("unknown import " + qualified + ": expected " + describeType(import));
    if (kindOf(*value) != import.kind || !typeMatches(import, *value))
      throw LinkError("incompatible import type for " + qualified + ": expected " +
                      describeType(import) + ", found " + describeExtern(*value));
    append(resolved, *value);
  }
  return resolved;
}

} // namespace waot::detail
