// Conversions between the script's value notation and runtime values, and the
// assert_return comparison (bit patterns; NaN classes by their bits).
#pragma once

#include "spec_script.hpp"

#include <waot/waot.hpp>

#include <string>

namespace waot::spec {

// An argument value. externref N is the host pointer N+1 (so that
// ref.extern 0 differs from ref.null); a v128 from its lanes.
Value toValue(const ScriptValue &value);

// Whether `actual` satisfies `expected` (exact bits, nan:canonical,
// nan:arithmetic, null / non-null references).
bool matches(const ScriptValue &expected, const Value &actual);

std::string describe(const ScriptValue &value);

} // namespace waot::spec
