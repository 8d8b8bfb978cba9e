// Conversions between the script's values (waot/frontend/wast.hpp) and
// runtime values, and the assert_return comparison (bit patterns; NaN classes
// by their bits).
#pragma once

#include <waot/frontend/wast.hpp>
#include <waot/waot.hpp>

#include <stdexcept>
#include <string>

namespace waot::spec {

// A command needing a feature waot does not support, such as a value the
// runtime API has no value for (`ref.i31`, `ref.null any`, `ref.host`, ...):
// the command is counted as unsupported, under the name what() gives.
struct UnsupportedFeature : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An argument value. externref N is the host pointer N+1 (so that
// ref.extern 0 differs from ref.null); a v128 from its lanes.
Value toValue(const wast::Value &value);

// Whether `actual` satisfies `expected` (exact bits, nan:canonical,
// nan:arithmetic, null / non-null references, either).
bool matches(const wast::Value &expected, const Value &actual);

std::string describe(const wast::Value &value);

} // namespace waot::spec
