// Process-wide interning of function types: equal signatures get the same
// nonzero id in every module, so call_indirect checks a signature with one
// integer compare, across modules.
#pragma once

#include "waot/types.hpp"

#include <cstdint>

namespace waot::detail {

// The id of `type` (thread-safe; ids are never 0 and never reused).
std::uint32_t internType(const FuncType &type);

} // namespace waot::detail
