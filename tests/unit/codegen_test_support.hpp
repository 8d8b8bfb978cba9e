// Helpers shared by the codegen unit tests: hand-built LLVM modules (the
// codegen layer is tested without the wasm frontend) and dlopen handles.
#pragma once

// The codegen stages are internal to waot_codegen (codegen/src).
#include "emit.hpp"
#include "files.hpp"
#include "link.hpp"
#include "pipeline.hpp"
#include "target.hpp"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <dlfcn.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace waot::codegen::test {

// Adds `i32 name(i32 a, i32 b)` with default visibility computing `a <op> b`
// through stack slots, so that O0 output (allocas kept) differs from O1+.
inline llvm::Function *addBinaryFunction(llvm::Module &module, const std::string &name,
                                         llvm::Instruction::BinaryOps op) {
  llvm::LLVMContext &context = module.getContext();
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  auto *type = llvm::FunctionType::get(i32, {i32, i32}, false);
  auto *function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
  llvm::Value *slotA = builder.CreateAlloca(i32, nullptr, "a.slot");
  llvm::Value *slotB = builder.CreateAlloca(i32, nullptr, "b.slot");
  builder.CreateStore(function->getArg(0), slotA);
  builder.CreateStore(function->getArg(1), slotB);
  llvm::Value *result =
      builder.CreateBinOp(op, builder.CreateLoad(i32, slotA), builder.CreateLoad(i32, slotB));
  builder.CreateRet(result);
  return function;
}

// A module with `i32 add(i32, i32)` (and optionally `i32 sub(i32, i32)`).
inline std::unique_ptr<llvm::Module> makeArithmeticModule(llvm::LLVMContext &context,
                                                          bool withSub = false) {
  auto module = std::make_unique<llvm::Module>("arith", context);
  addBinaryFunction(*module, "add", llvm::Instruction::Add);
  if (withSub) addBinaryFunction(*module, "sub", llvm::Instruction::Sub);
  return module;
}

// Host target selection and a machine for it.
inline TargetSelection hostTarget() { return selectTarget(CompileOptions{}); }

inline std::unique_ptr<llvm::TargetMachine> machineFor(const TargetSelection &target,
                                                       unsigned optLevel = 2) {
  return createTargetMachine(target, optLevel);
}

// Optimizes and emits a hand-built module for the host.
inline std::vector<char> hostObject(llvm::Module &module, unsigned optLevel = 2) {
  auto machine = machineFor(hostTarget(), optLevel);
  bindModuleToTarget(module, *machine);
  optimizeModule(module, *machine, optLevel);
  return emitObject(module, *machine);
}

// A dlopen()ed library, closed on destruction.
class LoadedLibrary {
public:
  explicit LoadedLibrary(const std::filesystem::path &path)
      : handle_(::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    if (handle_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
  }
  ~LoadedLibrary() { ::dlclose(handle_); }
  LoadedLibrary(const LoadedLibrary &) = delete;
  LoadedLibrary &operator=(const LoadedLibrary &) = delete;

  void *symbol(const char *name) const { return ::dlsym(handle_, name); }
  template <typename Function> Function function(const char *name) const {
    return reinterpret_cast<Function>(symbol(name));
  }

private:
  void *handle_;
};

} // namespace waot::codegen::test
