// Process-wide index of the host adapters of loaded artifacts by interned
// signature, so a host function can be given a native entry point even when
// it reaches wasm other than as an import (a table element, an argument).
#pragma once

#include "function_data.hpp"
#include "module_data.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace waot::detail {

// Records `module`'s adapters and binds the host functions that waited for
// one of its signatures.
void registerAdapters(const ModuleData &module);

// A live adapter for `typeId`; when there is none, `waiting` is bound by
// the next registerAdapters() that has one.
std::optional<AdapterSource> findAdapterOrWait(std::uint32_t typeId,
                                               const std::weak_ptr<HostFunctionData> &waiting);

} // namespace waot::detail
