// Text forms of the module model's types, for messages and tools.
#include "waot/frontend/module.hpp"

namespace waot::frontend {

std::string toString(ValType t) {
  switch (t) {
  case ValType::I32: return "i32";
  case ValType::I64: return "i64";
  case ValType::F32: return "f32";
  case ValType::F64: return "f64";
  case ValType::V128: return "v128";
  case ValType::FuncRef: return "funcref";
  case ValType::ExternRef: return "externref";
  case ValType::Ref: return "(ref " + std::to_string(t.typeIndex()) + ")";
  case ValType::RefNull: return "(ref null " + std::to_string(t.typeIndex()) + ")";
  }
  return "<invalid value type>";
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

std::string toString(const FuncType &t) {
  return typeList(t.params) + " -> " + typeList(t.results);
}

const char *toString(ExternKind k) {
  switch (k) {
  case ExternKind::Func: return "func";
  case ExternKind::Table: return "table";
  case ExternKind::Memory: return "memory";
  case ExternKind::Global: return "global";
  }
  return "<invalid extern kind>";
}

} // namespace waot::frontend
