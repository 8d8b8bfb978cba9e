#include "spec_values.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>

namespace waot::spec {

namespace {

ValType valType(const std::string &type) {
  if (type == "i32") return ValType::I32;
  if (type == "i64") return ValType::I64;
  if (type == "f32") return ValType::F32;
  if (type == "f64") return ValType::F64;
  if (type == "v128") return ValType::V128;
  if (type == "funcref") return ValType::FuncRef;
  if (type == "externref") return ValType::ExternRef;
  throw std::runtime_error("unsupported value type '" + type + "'");
}

std::uint64_t bitsOf(const ScriptValue &v) {
  if (!v.value) throw std::runtime_error("value of type " + v.type + " has no value");
  return std::stoull(*v.value);
}

unsigned laneBits(const ScriptValue &v) {
  if (v.laneType == "i8") return 8;
  if (v.laneType == "i16") return 16;
  if (v.laneType == "i32" || v.laneType == "f32") return 32;
  if (v.laneType == "i64" || v.laneType == "f64") return 64;
  throw std::runtime_error("unsupported v128 lane type '" + v.laneType + "'");
}

// The v128 of `v`'s lanes (decimal bits each; NaN patterns are not values).
V128 v128Of(const ScriptValue &v) {
  const unsigned bits = laneBits(v);
  if (v.lanes.size() != 128 / bits)
    throw std::runtime_error("v128 with " + std::to_string(v.lanes.size()) + " " + v.laneType +
                             " lanes");
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < v.lanes.size(); ++i) {
    const std::uint64_t lane = std::stoull(v.lanes[i]);
    for (unsigned b = 0; b < bits / 8; ++b)
      bytes[i * bits / 8 + b] = static_cast<std::uint8_t>(lane >> (8 * b));
  }
  return V128::fromBytes(bytes);
}

// A float of `floatBits` bits against an expected value or NaN pattern.
bool floatMatches(const std::string &expected, std::uint64_t bits, bool f32) {
  const std::uint64_t exponentAndQuiet = f32 ? 0x7fc00000u : 0x7ff8000000000000u;
  const std::uint64_t magnitude = f32 ? (bits & 0x7fffffffu) : (bits & 0x7fffffffffffffffu);
  if (expected == "nan:canonical") return magnitude == exponentAndQuiet;
  if (expected == "nan:arithmetic") return (bits & exponentAndQuiet) == exponentAndQuiet;
  return (f32 ? (bits & 0xffffffffu) : bits) == std::stoull(expected);
}

bool v128Matches(const ScriptValue &expected, const V128 &actual) {
  const unsigned bits = laneBits(expected);
  if (expected.lanes.size() != 128 / bits) return false;
  const std::array<std::uint8_t, 16> bytes = actual.bytes();
  const bool isFloat = expected.laneType[0] == 'f';
  for (std::size_t i = 0; i < expected.lanes.size(); ++i) {
    std::uint64_t lane = 0;
    for (unsigned b = 0; b < bits / 8; ++b)
      lane |= std::uint64_t{bytes[i * bits / 8 + b]} << (8 * b);
    if (isFloat) {
      if (!floatMatches(expected.lanes[i], lane, bits == 32)) return false;
    } else {
      const std::uint64_t mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
      if (lane != (std::stoull(expected.lanes[i]) & mask)) return false;
    }
  }
  return true;
}

} // namespace

Value toValue(const ScriptValue &v) {
  const ValType type = valType(v.type);
  if (type == ValType::V128) return Value(v128Of(v));
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
  if (type == ValType::V128) return v128Matches(expected, actual.v128());
  const std::uint64_t bits = actual.bits();
  if (type == ValType::F32 || type == ValType::F64) {
    if (!expected.value) throw std::runtime_error("float value without a value");
    return floatMatches(*expected.value, bits, type == ValType::F32);
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
  if (!v.lanes.empty()) {
    std::string text = "v128:" + v.laneType + "x" + std::to_string(v.lanes.size());
    for (const std::string &lane : v.lanes)
      text.append(" ").append(lane);
    return text;
  }
  return v.type + ":" + (v.value ? *v.value : std::string("<any>"));
}

} // namespace waot::spec
