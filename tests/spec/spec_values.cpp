#include "spec_values.hpp"

#include <stdexcept>

namespace waot::spec {

namespace {

ValType valType(const std::string &type) {
  if (type == "i32") return ValType::I32;
  if (type == "i64") return ValType::I64;
  if (type == "f32") return ValType::F32;
  if (type == "f64") return ValType::F64;
  if (type == "funcref") return ValType::FuncRef;
  if (type == "externref") return ValType::ExternRef;
  throw std::runtime_error("unsupported value type '" + type + "'");
}

std::uint64_t bitsOf(const ScriptValue &v) {
  if (!v.value) throw std::runtime_error("value of type " + v.type + " has no value");
  return std::stoull(*v.value);
}

} // namespace

Value toValue(const ScriptValue &v) {
  const ValType type = valType(v.type);
  if (isReference(type)) {
    if (!v.value || *v.value == "null") return Value::nullRef(type);
    if (type == ValType::ExternRef)
      return Value::externref(reinterpret_cast<void *>(static_cast<std::uintptr_t>(bitsOf(v) + 1)));
    throw std::runtime_error("a funcref argument can only be null");
  }
  return Value::fromBits(type, bitsOf(v));
}

bool matches(const ScriptValue &expected, const Value &actual) {
  const ValType type = valType(expected.type);
  if (actual.type() != type) return false;
  const std::uint64_t bits = actual.bits();
  if (type == ValType::F32 || type == ValType::F64) {
    const bool f32 = type == ValType::F32;
    const std::uint64_t exponentAndQuiet = f32 ? 0x7fc00000u : 0x7ff8000000000000u;
    const std::uint64_t magnitude = f32 ? (bits & 0x7fffffffu) : (bits & 0x7fffffffffffffffu);
    if (expected.value == "nan:canonical") return magnitude == exponentAndQuiet;
    if (expected.value == "nan:arithmetic") return (bits & exponentAndQuiet) == exponentAndQuiet;
    return (f32 ? (bits & 0xffffffffu) : bits) == bitsOf(expected);
  }
  if (type == ValType::I32) return (bits & 0xffffffffu) == (bitsOf(expected) & 0xffffffffu);
  if (type == ValType::I64) return bits == bitsOf(expected);
  // References.
  if (!expected.value) return !actual.isNull(); // (ref.func) / (ref.extern): any non-null
  if (*expected.value == "null") return actual.isNull();
  if (type == ValType::ExternRef)
    return reinterpret_cast<std::uintptr_t>(actual.externref()) == bitsOf(expected) + 1;
  return !actual.isNull();
}

std::string describe(const ScriptValue &v) {
  return v.type + ":" + (v.value ? *v.value : std::string("<any>"));
}

} // namespace waot::spec
