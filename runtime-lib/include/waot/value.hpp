// A WebAssembly value as seen by the host: a number or a reference.
#pragma once

#include "waot/types.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace waot {

class Function;

namespace detail {
class FunctionData;
struct ApiAccess;
// Marks the runtime-internal constructors of the API classes, so they never
// compete with the public ones in overload resolution.
struct InternalTag {
  explicit InternalTag() = default;
};
} // namespace detail

class Value {
public:
  // Numbers convert implicitly, so `f.call({1, 2})` works.
  Value(std::int32_t value) noexcept;
  Value(std::int64_t value) noexcept;
  Value(float value) noexcept;
  Value(double value) noexcept;
  // A funcref to `function` (as Value::funcref), so a function can be passed
  // where a value is expected, e.g. table.set(0, function).
  Value(const Function &function);

  // An externref: an opaque host pointer (NULL is ref.null extern). The
  // runtime never dereferences it; its lifetime is the host's business.
  static Value externref(void *pointer) noexcept;
  // A funcref to `function`; the value keeps the function alive.
  static Value funcref(const Function &function);
  // ref.null of `refType` (TypeError if it is not a reference type).
  static Value nullRef(ValType refType);
  // A value of `type` from its raw slot bits: the IEEE bit pattern for
  // floats (NaN payloads preserved), the pointer for references. A funcref
  // built this way must point at a live function record.
  static Value fromBits(ValType type, std::uint64_t bits);

  ValType type() const noexcept { return type_; }

  // Accessors throw TypeError when the value has another type.
  std::int32_t i32() const;
  std::int64_t i64() const;
  float f32() const;
  double f64() const;
  void *externref() const;
  // nullopt for ref.null func. Throws RuntimeError when the function's
  // instance no longer exists.
  std::optional<Function> funcref() const;
  // True for a null reference, false for any non-null reference or number.
  bool isNull() const noexcept;

  // The raw slot bits (f32/f64 bit patterns, reference pointers), e.g. to
  // check NaN payloads bit for bit.
  std::uint64_t bits() const noexcept { return bits_; }

  // Same type and same bits (so NaNs compare by payload, +0 != -0).
  friend bool operator==(const Value &a, const Value &b) noexcept {
    return a.type_ == b.type_ && a.bits_ == b.bits_;
  }

private:
  friend struct detail::ApiAccess;
  Value(ValType type, std::uint64_t bits, std::shared_ptr<detail::FunctionData> function) noexcept;

  ValType type_;
  std::uint64_t bits_;
  // For a funcref: the function, so that the value keeps it alive.
  std::shared_ptr<detail::FunctionData> function_;
};

// "i32:42", "f64:1.5", "funcref:null", "externref:0x1234" (for messages).
std::string toString(const Value &value);

} // namespace waot
