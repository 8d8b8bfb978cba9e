// Maps a raw funcref (a waot_func* found in a table, global or result) back
// to its Function: the records of wasm functions live inside their
// instance's context, those of host functions inside the function object.
#pragma once

#include "waot/abi.h"

#include <cstddef>
#include <memory>

namespace waot::detail {

class FunctionData;
class HostFunctionData;
class InstanceImpl;

void registerContext(const void *begin, std::size_t size, std::weak_ptr<InstanceImpl> instance);
void unregisterContext(const void *begin) noexcept;
void registerHostRecord(const waot_func *record, std::weak_ptr<HostFunctionData> function);
void unregisterHostRecord(const waot_func *record) noexcept;

// The function `record` belongs to. RuntimeError when it is not a record the
// runtime knows or its instance no longer exists.
std::shared_ptr<FunctionData> functionForRecord(const waot_func *record);

} // namespace waot::detail
