// The runtime builtins as the compiler sees them, derived from the one list
// the runtime also implements (runtime-lib/include/waot/builtins.def): which
// field of waot_builtins holds each, and its LLVM signature, computed from
// the field's C type so that compiler and runtime cannot disagree.
#pragma once

#include <waot/abi.h>

#include <cstddef>

namespace llvm {
class FunctionType;
class LLVMContext;
} // namespace llvm

namespace waot::frontend::lower {

enum class Builtin {
#define WAOT_BUILTIN(name, result, parameters) name,
#include <waot/builtins.def>
#undef WAOT_BUILTIN
};

// The byte offset of the builtin's pointer in waot_builtins.
std::size_t builtinOffset(Builtin builtin);

// The builtin's signature: its C parameter and result types mapped to LLVM's
// (uint32_t: i32, uint64_t: i64, any pointer: ptr, void).
llvm::FunctionType *builtinType(Builtin builtin, llvm::LLVMContext &context);

} // namespace waot::frontend::lower
