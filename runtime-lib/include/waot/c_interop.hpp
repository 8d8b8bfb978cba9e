// For libraries that offer a C API on top of waot's (waot/wasi.h is one):
// the C++ objects behind the C handles, and the C API's way of reporting an
// exception as a status and the thread's last error message.
#pragma once

#include "waot/waot.h"
#include "waot/waot.hpp"

namespace waot::capi {

// The objects behind live, non-null handles.
Imports &importsOf(waot_imports_t *imports) noexcept;
const Instance &instanceOf(const waot_instance_t *instance) noexcept;

// Call inside a catch block: records the exception being handled as the
// thread's last error (waot_last_error_message) and returns its status
// (WAOT_ERROR_RUNTIME for a RuntimeError, ...).
waot_status statusOfCurrentException() noexcept;

} // namespace waot::capi
