// The trap boundary between host code and generated code.
//
// Every host->wasm entry runs through detail::callGuarded (function.hpp),
// which records an activation (a sigsetjmp buffer) in a thread-local chain.
// A trap unwinds to the innermost activation with siglongjmp: either a
// builtin (trap(), bounds failures, a host exception) calls raiseTrap(), or
// the SIGSEGV/SIGBUS handler finds a fault of generated code in a linear
// memory's guard region or in this thread's stack guard zone. callGuarded
// then throws RuntimeError (or rethrows the host function's exception).
#pragma once

#include <cstdint>
#include <exception>

namespace waot::detail {

// Unwinds to the innermost activation of this thread with trap `kind`
// (a waot_trap_kind). Callers must hold no objects with destructors in the
// frames between here and the activation. Aborts when there is none.
// `returnAddress`, evaluated in the calling builtin, is where in generated
// code the trap happened (for RuntimeError::site; ignored unless it is in an
// artifact's code).
[[noreturn]] void raiseTrap(std::uint32_t kind,
                            const void *returnAddress = __builtin_return_address(0)) noexcept;

// Stores a host function's exception in the innermost activation, for
// callGuarded to rethrow once the trap raised next has unwound.
void storeHostException(std::exception_ptr exception) noexcept;

// Installs the process-wide fault handlers (idempotent, thread-safe).
void installFaultHandlers();

} // namespace waot::detail
