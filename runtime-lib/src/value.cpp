#include "api_access.hpp"
#include "funcref_registry.hpp"
#include "function_data.hpp"
#include "slots.hpp"

#include "waot/errors.hpp"

#include <bit>
#include <cinttypes>
#include <cstdio>

namespace waot {
namespace {

bool isValType(ValType type) noexcept {
  switch (type) {
  case ValType::I32:
  case ValType::I64:
  case ValType::F32:
  case ValType::F64:
  case ValType::V128:
  case ValType::FuncRef:
  case ValType::ExternRef: return true;
  }
  return false;
}

// i32 and f32 occupy the low 4 bytes of a slot; the rest is zero in a Value
// so that equal values have equal bits.
std::uint64_t normalized(ValType type, std::uint64_t bits) noexcept {
  return type == ValType::I32 || type == ValType::F32 ? static_cast<std::uint32_t>(bits) : bits;
}

} // namespace

Value::Value(ValType type, std::uint64_t bits,
             std::shared_ptr<detail::FunctionData> function) noexcept
    : type_(type), bits_(bits), function_(std::move(function)) {}

Value::Value(std::int32_t value) noexcept
    : type_(ValType::I32), bits_(static_cast<std::uint32_t>(value)) {}
Value::Value(std::int64_t value) noexcept
    : type_(ValType::I64), bits_(static_cast<std::uint64_t>(value)) {}
Value::Value(float value) noexcept
    : type_(ValType::F32), bits_(std::bit_cast<std::uint32_t>(value)) {}
Value::Value(double value) noexcept
    : type_(ValType::F64), bits_(std::bit_cast<std::uint64_t>(value)) {}
Value::Value(V128 value) noexcept : type_(ValType::V128), bits_(value.low()), high_(value.high()) {}

Value::Value(const Function &function) : Value(funcref(function)) {}

Value Value::externref(void *pointer) noexcept {
  return Value(ValType::ExternRef, reinterpret_cast<std::uintptr_t>(pointer), nullptr);
}

Value Value::funcref(const Function &function) {
  const auto &data = detail::ApiAccess::data(function);
  return Value(ValType::FuncRef, reinterpret_cast<std::uintptr_t>(data->record()), data);
}

Value Value::nullRef(ValType refType) {
  if (!isReference(refType))
    throw TypeError("ref.null needs a reference type, not " + std::string(toString(refType)));
  return Value(refType, 0, nullptr);
}

Value Value::fromBits(ValType type, std::uint64_t bits) {
  if (!isValType(type))
    throw TypeError("invalid value type " + std::to_string(static_cast<unsigned>(type)));
  if (type == ValType::V128) throw TypeError("a v128 value has 16 bytes: use Value(V128)");
  return Value(type, normalized(type, bits), nullptr);
}

namespace {
[[noreturn]] void wrongType(ValType actual, ValType wanted) {
  throw TypeError("value is " + std::string(toString(actual)) + ", not " +
                  std::string(toString(wanted)));
}
} // namespace

std::int32_t Value::i32() const {
  if (type_ != ValType::I32) wrongType(type_, ValType::I32);
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(bits_));
}

std::int64_t Value::i64() const {
  if (type_ != ValType::I64) wrongType(type_, ValType::I64);
  return static_cast<std::int64_t>(bits_);
}

float Value::f32() const {
  if (type_ != ValType::F32) wrongType(type_, ValType::F32);
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits_));
}

double Value::f64() const {
  if (type_ != ValType::F64) wrongType(type_, ValType::F64);
  return std::bit_cast<double>(bits_);
}

void *Value::externref() const {
  if (type_ != ValType::ExternRef) wrongType(type_, ValType::ExternRef);
  return reinterpret_cast<void *>(static_cast<std::uintptr_t>(bits_));
}

std::optional<Function> Value::funcref() const {
  if (type_ != ValType::FuncRef) wrongType(type_, ValType::FuncRef);
  if (bits_ == 0) return std::nullopt;
  if (function_) return detail::ApiAccess::function(function_);
  return detail::ApiAccess::function(detail::functionForRecord(
      reinterpret_cast<const waot_func *>(static_cast<std::uintptr_t>(bits_))));
}

V128 Value::v128() const {
  if (type_ != ValType::V128) wrongType(type_, ValType::V128);
  return V128::fromHalves(bits_, high_);
}

bool Value::isNull() const noexcept { return isReference(type_) && bits_ == 0; }

std::string toString(const Value &value) {
  char text[64];
  switch (value.type()) {
  case ValType::I32: std::snprintf(text, sizeof text, "i32:%" PRId32, value.i32()); break;
  case ValType::I64: std::snprintf(text, sizeof text, "i64:%" PRId64, value.i64()); break;
  case ValType::F32:
    if (value.f32() != value.f32())
      std::snprintf(text, sizeof text, "f32:nan:0x%08" PRIx64, value.bits());
    else
      std::snprintf(text, sizeof text, "f32:%.9g", static_cast<double>(value.f32()));
    break;
  case ValType::F64:
    if (value.f64() != value.f64())
      std::snprintf(text, sizeof text, "f64:nan:0x%016" PRIx64, value.bits());
    else
      std::snprintf(text, sizeof text, "f64:%.17g", value.f64());
    break;
  case ValType::V128: {
    const V128 bits = value.v128();
    std::snprintf(text, sizeof text, "v128:0x%016" PRIx64 "%016" PRIx64, bits.high(), bits.low());
    break;
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    if (value.isNull())
      std::snprintf(text, sizeof text, "%s:null",
                    value.type() == ValType::FuncRef ? "funcref" : "externref");
    else
      std::snprintf(text, sizeof text, "%s:0x%" PRIx64,
                    value.type() == ValType::FuncRef ? "funcref" : "externref", value.bits());
    break;
  }
  return text;
}

} // namespace waot

namespace waot::detail {

Value fromSlot(ValType type, const waot_slot &slot) {
  if (type == ValType::FuncRef && slot.lo != 0)
    return ApiAccess::value(type, slot.lo,
                            functionForRecord(reinterpret_cast<const waot_func *>(
                                static_cast<std::uintptr_t>(slot.lo))));
  if (type == ValType::V128) return Value(V128::fromHalves(slot.lo, slot.hi));
  return Value::fromBits(type, slot.lo);
}

waot_slot toSlot(const Value &value) noexcept {
  if (value.type() == ValType::V128) {
    const V128 bits = value.v128();
    return {bits.low(), bits.high()};
  }
  return {value.bits(), 0};
}

} // namespace waot::detail
