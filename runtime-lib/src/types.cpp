#include "waot/types.hpp"
#include "waot/externals.hpp"

namespace waot {

std::string_view toString(ValType type) {
  switch (type) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  case ValType::FuncRef: return "funcref";
  case ValType::ExternRef: return "externref";
  }
  return "<invalid type>";
}

namespace {
std::string typeList(const std::vector<ValType> &types) {
  std::string text = "(";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i) text += ", ";
    text += toString(types[i]);
  }
  return text + ")";
}
} // namespace

std::string toString(const FuncType &type) {
  return typeList(type.params) + " -> " + typeList(type.results);
}

std::string_view toString(ExternKind kind) {
  switch (kind) {
  case ExternKind::Function: return "function";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  }
  return "<invalid kind>";
}

std::string toString(const Limits &limits) {
  std::string text = std::string(limits.is64 ? "i64 " : "") + "{min " + std::to_string(limits.min);
  if (limits.max) text += ", max " + std::to_string(*limits.max);
  return text + "}";
}

namespace {
// Imports and exports describe their types with the same fields.
template <class Descriptor> std::string describeExternType(const Descriptor &d) {
  switch (d.kind) {
  case ExternKind::Function: return "function " + toString(d.funcType);
  case ExternKind::Table:
    return "table " + std::string(toString(d.valType)) + " " + toString(d.limits);
  case ExternKind::Memory: return "memory " + toString(d.limits);
  case ExternKind::Global:
    return std::string("global ") + (d.isMutable ? "mut " : "const ") +
           std::string(toString(d.valType));
  }
  return "<invalid extern type>";
}
} // namespace

std::string describeType(const ImportDescriptor &import) { return describeExternType(import); }

std::string describeType(const ExportDescriptor &exported) { return describeExternType(exported); }

ExternKind kindOf(const Extern &value) noexcept {
  switch (value.index()) {
  case 0: return ExternKind::Function;
  case 1: return ExternKind::Table;
  case 2: return ExternKind::Memory;
  default: return ExternKind::Global;
  }
}

} // namespace waot
