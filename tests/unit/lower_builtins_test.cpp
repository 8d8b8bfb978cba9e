// The compiler's view of the runtime builtins comes from builtins.def: each
// call's LLVM signature is derived from the C declaration in abi.h, and the
// offset is the field's.
#include "builtins.hpp"

#include <gtest/gtest.h>
#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/Support/raw_ostream.h>

#include <string>

namespace waot::frontend::lower {
namespace {

std::string printed(llvm::Type *type) {
  std::string text;
  llvm::raw_string_ostream stream(text);
  type->print(stream);
  return text;
}

TEST(Builtins, SignaturesFollowTheCDeclarations) {
  llvm::LLVMContext context;
  EXPECT_EQ(printed(builtinType(Builtin::trap, context)), "void (ptr, i32)");
  EXPECT_EQ(printed(builtinType(Builtin::memory_grow, context)), "i32 (ptr, i32, i32)");
  EXPECT_EQ(printed(builtinType(Builtin::table_grow, context)), "i32 (ptr, i32, ptr, i32)");
  EXPECT_EQ(printed(builtinType(Builtin::ref_func, context)), "ptr (ptr, i32)");
  EXPECT_EQ(printed(builtinType(Builtin::memory_copy, context)),
            "void (ptr, i32, i32, i32, i32, i32)");
}

TEST(Builtins, EveryEntryIsAPointerAtItsIndex) {
  llvm::LLVMContext context;
  unsigned count = 0;
#define WAOT_BUILTIN(name, result, parameters)                                                     \
  EXPECT_EQ(builtinOffset(Builtin::name), WAOT_BUILTIN_INDEX_##name * sizeof(void *)) << #name;    \
  EXPECT_EQ(builtinType(Builtin::name, context)->getParamType(0),                                  \
            llvm::PointerType::get(context, 0))                                                    \
      << #name << ": the context comes first";                                                     \
  ++count;
#include <waot/builtins.def>
#undef WAOT_BUILTIN
  EXPECT_EQ(count, static_cast<unsigned>(WAOT_BUILTIN_COUNT));
}

} // namespace
} // namespace waot::frontend::lower
