// Functions: exported wasm functions and host functions, called generically
// (Function::call with Values) or natively (TypedFunction, no boxing).
#pragma once

#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/types.hpp"
#include "waot/value.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace waot {

class Caller; // waot/caller.hpp

// A wasm function of some instance, or a host function (shared ownership: a
// wasm function keeps its instance alive).
class Function {
public:
  // Receives exactly the declared parameters and must write every result
  // (each a Value of the declared result type).
  using HostCallback = std::function<void(std::span<const Value> args, std::span<Value> results)>;
  // The same, seeing the calling instance (waot/caller.hpp).
  using CallerHostCallback =
      std::function<void(Caller &caller, std::span<const Value> args, std::span<Value> results)>;

  // A generic host function of type `type`.
  Function(FuncType type, HostCallback host);
  Function(FuncType type, CallerHostCallback host);

  // A host function whose type is deduced from `callable`: parameters of
  // type int32_t, int64_t, float or double; a void or scalar result. When
  // the first parameter is `waot::Caller &`, it is not part of the wasm type
  // and receives the calling instance.
  template <class F> static Function wrap(F &&callable);

  const FuncType &type() const noexcept;
  bool isHost() const noexcept;

  // Calls the function. TypeError on a wrong argument count or type;
  // RuntimeError on a trap; a host function's exception arrives unchanged.
  std::vector<Value> call(std::span<const Value> args) const;
  std::vector<Value> call(std::initializer_list<Value> args) const;

  // The same function (wasm: same instance and index; host: same object).
  friend bool operator==(const Function &a, const Function &b) noexcept;

private:
  friend struct detail::ApiAccess;
  Function(detail::InternalTag, std::shared_ptr<detail::FunctionData> data) noexcept;
  std::shared_ptr<detail::FunctionData> data_;
};

namespace detail {

// The C++ types that map to wasm value types in wrap/TypedFunction (the
// numbers and waot::V128), with their Value accessors and their raw slots
// (waot_slot in waot/abi.h: i32/f32 bits in the low 4 bytes, i64/f64 bits in
// `lo`, a v128 in all 16 bytes).
template <class T> struct Scalar;
template <> struct Scalar<std::int32_t> {
  static constexpr ValType type = ValType::I32;
  static std::int32_t from(const Value &v) { return v.i32(); }
  static std::int32_t fromSlot(const waot_slot &slot) { return static_cast<std::int32_t>(slot.lo); }
  static waot_slot toSlot(std::int32_t x) { return {static_cast<std::uint32_t>(x), 0}; }
};
template <> struct Scalar<std::int64_t> {
  static constexpr ValType type = ValType::I64;
  static std::int64_t from(const Value &v) { return v.i64(); }
  static std::int64_t fromSlot(const waot_slot &slot) { return static_cast<std::int64_t>(slot.lo); }
  static waot_slot toSlot(std::int64_t x) { return {static_cast<std::uint64_t>(x), 0}; }
};
template <> struct Scalar<float> {
  static constexpr ValType type = ValType::F32;
  static float from(const Value &v) { return v.f32(); }
  static float fromSlot(const waot_slot &slot) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(slot.lo));
  }
  static waot_slot toSlot(float x) { return {std::bit_cast<std::uint32_t>(x), 0}; }
};
template <> struct Scalar<double> {
  static constexpr ValType type = ValType::F64;
  static double from(const Value &v) { return v.f64(); }
  static double fromSlot(const waot_slot &slot) { return std::bit_cast<double>(slot.lo); }
  static waot_slot toSlot(double x) { return {std::bit_cast<std::uint64_t>(x), 0}; }
};
template <> struct Scalar<V128> {
  static constexpr ValType type = ValType::V128;
  static V128 from(const Value &v) { return v.v128(); }
  static V128 fromSlot(const waot_slot &slot) { return V128::fromHalves(slot.lo, slot.hi); }
  static waot_slot toSlot(V128 x) { return {x.low(), x.high()}; }
};

template <class T>
concept ScalarType = requires {
  Scalar<T>::type;
};
template <class T>
concept ScalarOrVoid = std::is_void_v<T> || ScalarType<T>;

// Signature of a function pointer, lambda or other single-operator() functor.
template <class F> struct CallableSignature : CallableSignature<decltype(&F::operator())> {};
template <class R, class... A> struct CallableSignature<R (*)(A...)> { using Type = R(A...); };
template <class R, class... A> struct CallableSignature<R (*)(A...) noexcept> {
  using Type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...)> {
  using Type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...) const> {
  using Type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...) noexcept> {
  using Type = R(A...);
};
template <class C, class R, class... A> struct CallableSignature<R (C::*)(A...) const noexcept> {
  using Type = R(A...);
};

template <class R, class... A> FuncType signatureOf() {
  FuncType type{{Scalar<std::remove_cvref_t<A>>::type...}, {}};
  if constexpr (!std::is_void_v<R>) type.results.push_back(Scalar<R>::type);
  return type;
}

// A host callback on raw slots: parameters in slots[0..], results written
// back to slots[0..] (the layout generated host adapters use). Function::wrap
// provides one beside the Value callback so that calls from wasm skip the
// Value vectors and the type checks of results (the C++ types fix them).
using SlotCallback = std::function<void(Caller &caller, waot_slot *slots)>;

// A host function with both callbacks; they must do the same thing.
// `wantsCaller`: each importing instance gets its own record, so that calls
// through it can name their caller (a plain host function shares one record).
Function makeHostFunction(FuncType type, Function::CallerHostCallback callback,
                          SlotCallback fromWasm, bool wantsCaller);

template <class T>
concept CallerParameter = std::is_same_v<T, Caller &>;

// Calls `fn` with the arguments converted from Values (after the caller,
// when it takes one).
template <bool WithCaller, class R, class... A, class F>
void callWithValues(F &fn, Caller &caller, std::span<const Value> args, std::span<Value> results) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    auto invoke = [&]() -> decltype(auto) {
      if constexpr (WithCaller)
        return fn(caller, Scalar<std::remove_cvref_t<A>>::from(args[I])...);
      else
        return fn(Scalar<std::remove_cvref_t<A>>::from(args[I])...);
    };
    if constexpr (std::is_void_v<R>)
      invoke();
    else
      results[0] = Value(invoke());
  }
  (std::index_sequence_for<A...>{});
}

// The same on raw slots.
template <bool WithCaller, class R, class... A, class F>
void callWithSlots(F &fn, Caller &caller, waot_slot *slots) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    auto invoke = [&]() -> decltype(auto) {
      if constexpr (WithCaller)
        return fn(caller, Scalar<std::remove_cvref_t<A>>::fromSlot(slots[I])...);
      else
        return fn(Scalar<std::remove_cvref_t<A>>::fromSlot(slots[I])...);
    };
    if constexpr (std::is_void_v<R>)
      invoke();
    else
      slots[0] = Scalar<R>::toSlot(invoke());
  }
  (std::index_sequence_for<A...>{});
}

template <bool WithCaller, class R, class... A, class F> Function wrapScalars(F &&callable) {
  static_assert((ScalarType<std::remove_cvref_t<A>> && ...),
                "Function::wrap: parameters must be int32_t, int64_t, float, double or "
                "waot::V128 (after an optional leading waot::Caller &)");
  static_assert(ScalarOrVoid<R>, "Function::wrap: the result must be void, int32_t, int64_t, "
                                 "float, double or waot::V128");
  // One callable behind both callbacks, so that its state is shared.
  auto fn = std::make_shared<std::decay_t<F>>(std::forward<F>(callable));
  Function::CallerHostCallback generic = [fn](Caller &caller, std::span<const Value> args,
                                              std::span<Value> results) {
    callWithValues<WithCaller, R, A...>(*fn, caller, args, results);
  };
  SlotCallback fromWasm = [fn](Caller &caller, waot_slot *slots) {
    callWithSlots<WithCaller, R, A...>(*fn, caller, slots);
  };
  return makeHostFunction(signatureOf<R, A...>(), std::move(generic), std::move(fromWasm),
                          WithCaller);
}

template <class R, class... A, class F>
Function wrapCallable(F &&callable, std::type_identity<R(A...)>) {
  return wrapScalars<false, R, A...>(std::forward<F>(callable));
}

template <class R, class First, class... A, class F>
requires CallerParameter<First> Function wrapCallable(F &&callable,
                                                      std::type_identity<R(First, A...)>) {
  return wrapScalars<true, R, A...>(std::forward<F>(callable));
}

// Where a function's native code is: `code` has the wasm calling convention
// and takes `ctx` first.
struct NativeTarget {
  void *code = nullptr;
  void *ctx = nullptr;
  std::size_t stackBytes = 0; // the callee instance's wasm stack limit (0: none)
};

// The native target of `function`; Error if it has none (a host function that
// no loaded artifact has an adapter for).
NativeTarget nativeTarget(const Function &function);

// Runs thunk(frame) inside the trap boundary (the same one Function::call
// uses). Throws RuntimeError on a trap; rethrows a host function's exception.
// With `stackBytes`, an outermost entry runs on a wasm stack of that size
// (InstanceLimits::maxStackBytes).
void callGuarded(void (*thunk)(void *frame), void *frame, std::size_t stackBytes = 0);

} // namespace detail

template <class F> Function Function::wrap(F &&callable) {
  using Signature = typename detail::CallableSignature<std::decay_t<F>>::Type;
  return detail::wrapCallable(std::forward<F>(callable), std::type_identity<Signature>{});
}

// A function called with native arguments straight through its code pointer
// (inside the trap boundary, no Value boxing). Obtained from
// Exports::function<Sig>(name) or constructed from a Function of that type.
template <class Sig> class TypedFunction;

template <class R, class... A> class TypedFunction<R(A...)> {
  static_assert((detail::ScalarType<A> && ...),
                "TypedFunction: parameters must be int32_t, int64_t, float, double or V128");
  static_assert(detail::ScalarOrVoid<R>,
                "TypedFunction: the result must be void, int32_t, int64_t, float, double or V128");

public:
  // TypeError when `function` has another type.
  explicit TypedFunction(Function function) : function_(std::move(function)) {
    const FuncType expected = signature();
    if (!(function_.type() == expected))
      throw TypeError("function has type " + toString(function_.type()) + ", not " +
                      toString(expected));
    target_ = detail::nativeTarget(function_);
  }

  static FuncType signature() { return detail::signatureOf<R, A...>(); }

  R operator()(A... args) const {
    Frame frame{target_, {args...}, {}};
    detail::callGuarded(&TypedFunction::thunk, &frame, target_.stackBytes);
    if constexpr (!std::is_void_v<R>) return frame.result;
  }

  const Function &function() const noexcept { return function_; }

private:
  using Result = std::conditional_t<std::is_void_v<R>, std::monostate, R>;
  struct Frame {
    detail::NativeTarget target;
    std::tuple<A...> args;
    Result result;
  };

  // Runs inside the trap boundary: a trap unwinds over this frame, so it
  // holds nothing that needs destruction.
  static void thunk(void *raw) {
    Frame &frame = *static_cast<Frame *>(raw);
    auto *code = reinterpret_cast<R (*)(void *, A...)>(frame.target.code);
    void *ctx = frame.target.ctx;
    if constexpr (std::is_void_v<R>)
      std::apply([code, ctx](A... a) { code(ctx, a...); }, frame.args);
    else
      frame.result = std::apply([code, ctx](A... a) { return code(ctx, a...); }, frame.args);
  }

  Function function_;
  detail::NativeTarget target_;
};

} // namespace waot
