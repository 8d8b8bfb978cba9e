#include "builtins.hpp"

#include "waot/errors.hpp"

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Type.h>

#include <cstdint>
#include <type_traits>

namespace waot::frontend::lower {
namespace {

template <class> inline constexpr bool kUnmappedType = false;

template <class T> llvm::Type *llvmTypeOf(llvm::LLVMContext &context) {
  if constexpr (std::is_void_v<T>)
    return llvm::Type::getVoidTy(context);
  else if constexpr (std::is_pointer_v<T>)
    return llvm::PointerType::get(context, 0);
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return llvm::Type::getInt32Ty(context);
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return llvm::Type::getInt64Ty(context);
  else
    static_assert(kUnmappedType<T>, "builtins.def uses a type the compiler does not map");
}

template <class Result, class... Parameters>
llvm::FunctionType *functionTypeOf(Result (*)(Parameters...), llvm::LLVMContext &context) {
  return llvm::FunctionType::get(llvmTypeOf<Result>(context), {llvmTypeOf<Parameters>(context)...},
                                 /*isVarArg=*/false);
}

} // namespace

std::size_t builtinOffset(Builtin builtin) {
  switch (builtin) {
#define WAOT_BUILTIN(name, result, parameters)                                                     \
  case Builtin::name:                                                                              \
    return offsetof(waot_builtins, name);
#include <waot/builtins.def>
#undef WAOT_BUILTIN
  }
  throw Error("internal compiler error: not a builtin");
}

llvm::FunctionType *builtinType(Builtin builtin, llvm::LLVMContext &context) {
  switch (builtin) {
#define WAOT_BUILTIN(name, result, parameters)                                                     \
  case Builtin::name:                                                                              \
    return functionTypeOf(decltype(waot_builtins::name){}, context);
#include <waot/builtins.def>
#undef WAOT_BUILTIN
  }
  throw Error("internal compiler error: not a builtin");
}

} // namespace waot::frontend::lower
