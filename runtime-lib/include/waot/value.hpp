// A WebAssembly value as seen by the host: a number or a reference.
#pragma once

#include "waot/types.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
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

// A v128 value: 16 bytes, lane 0 first (little endian), read and built as
// bytes or as lanes of any shape. It holds one 16-byte vector, so the x86-64
// calling convention passes it in a vector register, like the wasm code's
// own v128 parameters and results: TypedFunction and Function::wrap call
// and are called with it directly.
struct V128 {
  using Bits = std::uint64_t __attribute__((vector_size(16)));
  Bits bits{};

  static V128 fromBytes(std::span<const std::uint8_t, 16> bytes) noexcept {
    V128 value;
    std::memcpy(&value.bits, bytes.data(), 16);
    return value;
  }
  std::array<std::uint8_t, 16> bytes() const noexcept { return lanes<std::uint8_t>(); }
  // Lanes of a shape: e.g. lanes<float>() (f32x4), lanes<std::int16_t>() (i16x8).
  template <class Lane> static V128 fromLanes(const std::array<Lane, 16 / sizeof(Lane)> &lanes) {
    static_assert(std::is_trivially_copyable_v<Lane> && 16 % sizeof(Lane) == 0);
    V128 value;
    std::memcpy(&value.bits, lanes.data(), 16);
    return value;
  }
  template <class Lane> std::array<Lane, 16 / sizeof(Lane)> lanes() const noexcept {
    static_assert(std::is_trivially_copyable_v<Lane> && 16 % sizeof(Lane) == 0);
    std::array<Lane, 16 / sizeof(Lane)> result;
    std::memcpy(result.data(), &bits, 16);
    return result;
  }
  // Bytes 0..7 and 8..15 as little-endian integers.
  std::uint64_t low() const noexcept { return bits[0]; }
  std::uint64_t high() const noexcept { return bits[1]; }
  static V128 fromHalves(std::uint64_t low, std::uint64_t high) noexcept {
    V128 value;
    value.bits[0] = low;
    value.bits[1] = high;
    return value;
  }
  // Bit for bit.
  friend bool operator==(const V128 &a, const V128 &b) noexcept {
    return a.low() == b.low() && a.high() == b.high();
  }
};

class Value {
public:
  // Numbers convert implicitly, so `f.call({1, 2})` works.
  Value(std::int32_t value) noexcept;
  Value(std::int64_t value) noexcept;
  Value(float value) noexcept;
  Value(double value) noexcept;
  Value(V128 value) noexcept;
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
  V128 v128() const;
  void *externref() const;
  // nullopt for ref.null func. Throws RuntimeError when the function's
  // instance no longer exists.
  std::optional<Function> funcref() const;
  // True for a null reference, false for any non-null reference or number.
  bool isNull() const noexcept;

  // The raw slot bits (f32/f64 bit patterns, reference pointers, a v128's
  // bytes 0..7), e.g. to check NaN payloads bit for bit.
  std::uint64_t bits() const noexcept { return bits_; }

  // Same type and same bits (so NaNs compare by payload, +0 != -0).
  friend bool operator==(const Value &a, const Value &b) noexcept {
    return a.type_ == b.type_ && a.bits_ == b.bits_ && a.high_ == b.high_;
  }

private:
  friend struct detail::ApiAccess;
  Value(ValType type, std::uint64_t bits, std::shared_ptr<detail::FunctionData> function) noexcept;

  ValType type_;
  std::uint64_t bits_;
  std::uint64_t high_ = 0; // a v128's bytes 8..15
  // For a funcref: the function, so that the value keeps it alive.
  std::shared_ptr<detail::FunctionData> function_;
};

// "i32:42", "f64:1.5", "funcref:null", "externref:0x1234" (for messages).
std::string toString(const Value &value);

} // namespace waot
