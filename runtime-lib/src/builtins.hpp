// The runtime entry points generated code reaches through ctx->builtins.
#pragma once

#include "waot/abi.h"

namespace waot::detail {

const waot_builtins &runtimeBuiltins() noexcept;

} // namespace waot::detail
