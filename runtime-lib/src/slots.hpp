// Conversions between Values and the 16-byte slots of the generic
// host<->wasm boundary (abi.h: waot_slot).
#pragma once

#include "waot/abi.h"
#include "waot/value.hpp"

namespace waot::detail {

// The slot of `value`: its bits (i32/f32 zero-extended, references as
// pointers, a v128's 16 bytes; `hi` zero for the others).
waot_slot toSlot(const Value &value) noexcept;

// The Value of a slot of `type`. A non-null funcref is resolved to its
// function (RuntimeError if that no longer exists).
Value fromSlot(ValType type, const waot_slot &slot);

} // namespace waot::detail
