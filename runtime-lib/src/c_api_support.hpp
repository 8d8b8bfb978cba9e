// The C API's handles and its C++ <-> C boundary: every exported function
// runs its body through `guarded`, which turns the exception it may throw
// into a waot_status and the thread's last error message.
#pragma once

#include "waot/waot.h"
#include "waot/waot.hpp"

#include <memory>
#include <string>
#include <vector>

// What waot_module_import/export hand out: built once per loaded module and
// shared by its handles, so the pointers stay valid while any handle lives.
struct WaotExternReflection {
  std::vector<std::uint8_t> params;
  std::vector<std::uint8_t> results;
  std::string text;
};

struct WaotModuleReflection {
  std::vector<waot::ImportDescriptor> imports;
  std::vector<waot::ExportDescriptor> exports;
  std::vector<WaotExternReflection> importTypes;
  std::vector<WaotExternReflection> exportTypes;
};

struct waot_module_handle {
  waot::Module module;
  std::shared_ptr<const WaotModuleReflection> reflection;
};

struct waot_instance_handle {
  waot::Instance instance;
};

struct waot_deadline_handle {
  waot::Deadline deadline;
};

struct waot_imports_handle {
  waot::Imports imports;
};

struct waot_func_handle {
  waot::Function function;
};

struct waot_memory_handle {
  waot::Memory memory;
};

struct waot_table_handle {
  waot::Table table;
};

// Lives on the host callback's stack for the duration of one call.
struct waot_caller_handle {
  waot::Caller *caller;
};

struct waot_global_handle {
  waot::Global global;
};

namespace waot::capi {

// A failure reported by a C host callback. It unwinds through wasm like any
// host exception and becomes WAOT_ERROR_HOST at the C API boundary.
class HostFailure : public Error {
public:
  using Error::Error;
};

// Records the exception being handled as the thread's last error.
waot_status recordCurrentException() noexcept;

template <class Body> waot_status guarded(Body &&body) noexcept {
  try {
    body();
    return WAOT_OK;
  } catch (...) {
    return recordCurrentException();
  }
}

// TypeError naming `what` when `pointer` is NULL.
void require(const void *pointer, const char *what);

// A new handle on `module` (also used by the compiler library's waot_compile).
waot_module_t *newModuleHandle(Module module);

Value toValue(const waot_value_t &value);
waot_value_t fromValue(const Value &value);

} // namespace waot::capi
