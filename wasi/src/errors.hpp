// How a WASI function fails inside the host: it throws a WasiError carrying
// the errno, which the function's boundary (define.cpp) returns to the guest.
// Unwinding keeps the bodies straight-line and releases what they opened.
#pragma once

#include "abi.hpp"

#include <cerrno>

namespace waot::wasi::detail {

struct WasiError {
  abi::Errno code;
};

[[noreturn]] inline void fail(abi::Errno code) { throw WasiError{code}; }

// The WASI errno for a Linux errno value (EIO for the unknown ones).
abi::Errno errnoFromHost(int error) noexcept;

// fail() with errnoFromHost(errno): for the syscall that just failed.
[[noreturn]] void failFromErrno();

// Runs `call` again while it fails with EINTR; fails with the errno otherwise.
template <class F> auto retrying(F &&call) {
  for (;;) {
    auto result = call();
    if (result >= 0) return result;
    if (errno != EINTR) failFromErrno();
  }
}

} // namespace waot::wasi::detail
