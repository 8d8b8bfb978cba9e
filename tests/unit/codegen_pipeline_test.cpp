// Verification, optimization and emission of hand-built LLVM modules.
#include "codegen_test_support.hpp"

#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <cstring>
#include <string>
#include <vector>

namespace waot::codegen {
namespace {

using test::hostTarget;
using test::machineFor;

std::string errorMessage(const auto &action) {
  try {
    action();
  } catch (const waot::Error &error) {
    return error.what();
  }
  return "<no error>";
}

unsigned countAllocas(const llvm::Module &module) {
  unsigned count = 0;
  for (const llvm::Function &function : module)
    for (const llvm::BasicBlock &block : function)
      for (const llvm::Instruction &instruction : block)
        count += llvm::isa<llvm::AllocaInst>(instruction);
  return count;
}

// `double fused(double a, double b, double c) { return a * b + c; }`
std::unique_ptr<llvm::Module> makeMultiplyAddModule(llvm::LLVMContext &context) {
  auto module = std::make_unique<llvm::Module>("fp", context);
  llvm::Type *f64 = llvm::Type::getDoubleTy(context);
  auto *function = llvm::Function::Create(llvm::FunctionType::get(f64, {f64, f64, f64}, false),
                                          llvm::Function::ExternalLinkage, "fused", *module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
  llvm::Value *product = builder.CreateFMul(function->getArg(0), function->getArg(1));
  builder.CreateRet(builder.CreateFAdd(product, function->getArg(2)));
  return module;
}

std::uint16_t elfMachine(const std::vector<char> &object) {
  std::uint16_t machine = 0;
  std::memcpy(&machine, object.data() + 18, sizeof machine); // e_machine, little endian hosts
  return machine;
}

TEST(CodegenPipeline, O0KeepsCodeAsLoweredAndHigherLevelsOptimize) {
  TargetSelection target = hostTarget();
  for (unsigned level = 0; level <= 3; ++level) {
    llvm::LLVMContext context;
    auto module = test::makeArithmeticModule(context);
    auto machine = machineFor(target, level);
    bindModuleToTarget(*module, *machine);
    optimizeModule(*module, *machine, level);
    verifyModuleOrThrow(*module, "after optimization");
    EXPECT_EQ(countAllocas(*module), level == 0 ? 2u : 0u) << "at O" << level;
    EXPECT_NE(module->getFunction("add"), nullptr)
        << "an exported function must survive O" << level;
  }
}

// The empty side-effecting asm calls left in `function` after the pipeline,
// as "constraints(operands)".
std::vector<std::string> emptyAsmCalls(const llvm::Function &function) {
  std::vector<std::string> calls;
  for (const llvm::BasicBlock &block : function)
    for (const llvm::Instruction &instruction : block)
      if (const auto *call = llvm::dyn_cast<llvm::CallInst>(&instruction))
        if (const auto *inlineAsm = llvm::dyn_cast<llvm::InlineAsm>(call->getCalledOperand())) {
          std::string text = inlineAsm->getConstraintString() + "(";
          for (const llvm::Use &arg : call->args())
            text += llvm::isa<llvm::Constant>(arg.get()) ? "const," : "value,";
          calls.push_back(text + ")");
        }
  return calls;
}

TEST(CodegenPipeline, EmptyAsmOfConstantsIsDroppedAfterOptimization) {
  // void keep(i32 %x): the asm uses the frontend emits to keep values computed.
  llvm::LLVMContext context;
  auto module = std::make_unique<llvm::Module>("asm", context);
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  llvm::Type *voidType = llvm::Type::getVoidTy(context);
  auto *function = llvm::Function::Create(llvm::FunctionType::get(voidType, {i32}, false),
                                          llvm::Function::ExternalLinkage, "keep", *module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
  const auto emptyAsm = [&](std::vector<llvm::Value *> operands, const char *constraints) {
    std::vector<llvm::Type *> types;
    for (llvm::Value *operand : operands)
      types.push_back(operand->getType());
    auto *type = llvm::FunctionType::get(voidType, types, false);
    builder.CreateCall(type, llvm::InlineAsm::get(type, "", constraints, true), operands);
  };
  // Load sums the optimizer proved zero: nothing left to keep alive.
  emptyAsm({builder.getInt32(0), builder.getInt64(0)}, "r,r");
  // A value that still has to be computed.
  emptyAsm({builder.CreateAdd(function->getArg(0), builder.getInt32(1))}, "r");
  // A constant, but the asm clobbers memory: a barrier, kept.
  emptyAsm({builder.getInt32(7)}, "r,~{memory}");
  builder.CreateRetVoid();

  auto machine = machineFor(hostTarget());
  bindModuleToTarget(*module, *machine);
  optimizeModule(*module, *machine, 2);
  verifyModuleOrThrow(*module, "after optimization");
  EXPECT_EQ(emptyAsmCalls(*module->getFunction("keep")),
            (std::vector<std::string>{"r(value,)", "r,~{memory}(const,)"}));
}

TEST(CodegenPipeline, BrokenIrIsAnInternalCompilerError) {
  llvm::LLVMContext context;
  llvm::Module module("broken", context);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), false);
  auto *function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, "f", module);
  llvm::BasicBlock::Create(context, "entry", function); // no terminator
  std::string message = errorMessage([&] { verifyModuleOrThrow(module, "after lowering"); });
  EXPECT_EQ(message.rfind("internal compiler error: invalid LLVM IR after lowering: ", 0), 0u)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << "messages are one line";
}

TEST(CodegenPipeline, OptimizingAnUnboundModuleIsRejected) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  auto machine = machineFor(hostTarget());
  EXPECT_NE(
      errorMessage([&] { optimizeModule(*module, *machine, 2); }).find("is not bound to target"),
      std::string::npos);
  EXPECT_NE(errorMessage([&] { emitObject(*module, *machine); }).find("is not bound to target"),
            std::string::npos);
}

TEST(CodegenPipeline, PrintsOptimizedIr) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  auto machine = machineFor(hostTarget());
  bindModuleToTarget(*module, *machine);
  optimizeModule(*module, *machine, 2);
  std::string ir = printModuleIR(*module);
  EXPECT_NE(ir.find("define i32 @add(i32 "), std::string::npos) << ir;
  EXPECT_NE(ir.find("add i32 %"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("alloca"), std::string::npos) << ir;
  EXPECT_NE(ir.find("target triple = \"" + machine->getTargetTriple().str() + "\""),
            std::string::npos);
}

TEST(CodegenPipeline, EmitsAssembly) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  auto machine = machineFor(hostTarget());
  bindModuleToTarget(*module, *machine);
  std::string assembly = emitAssembly(*module, *machine);
  EXPECT_NE(assembly.find("add:"), std::string::npos) << assembly;
  EXPECT_NE(assembly.find("ret"), std::string::npos) << assembly;
}

TEST(CodegenPipeline, EmitsHostElfObject) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  std::vector<char> object = test::hostObject(*module);
  ASSERT_GT(object.size(), 64u);
  EXPECT_EQ(std::string(object.data(), 4), "\x7f"
                                           "ELF");
  EXPECT_EQ(object[16], 1) << "ET_REL";
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() == llvm::Triple::x86_64) {
    EXPECT_EQ(elfMachine(object), 62) << "EM_X86_64";
  }
}

TEST(CodegenPipeline, CrossCompilesForAArch64) {
  CompileOptions options;
  options.targetTriple = "aarch64-unknown-linux-gnu";
  TargetSelection target = selectTarget(options);
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  auto machine = machineFor(target, 2);
  bindModuleToTarget(*module, *machine);
  optimizeModule(*module, *machine, 2);
  std::vector<char> object = emitObject(*module, *machine);
  ASSERT_GT(object.size(), 64u);
  EXPECT_EQ(std::string(object.data(), 4), "\x7f"
                                           "ELF");
  EXPECT_EQ(elfMachine(object), 183) << "EM_AARCH64";
}

TEST(CodegenPipeline, BackendErrorsBecomeExceptionsNotExit) {
  // Without a diagnostic handler LLVM would print this error and exit(1).
  llvm::LLVMContext context;
  llvm::Module module("bad-asm", context);
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), false);
  auto *function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, "f", module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
  builder.CreateCall(llvm::InlineAsm::get(type, "not_an_instruction %eax", "", true));
  builder.CreateRetVoid();
  auto machine = machineFor(hostTarget());
  bindModuleToTarget(module, *machine);
  std::string message = errorMessage([&] { emitObject(module, *machine); });
  EXPECT_EQ(message.rfind("code generation failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("not_an_instruction"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(CodegenPipeline, NeverContractsMultiplyAddIntoFma) {
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() != llvm::Triple::x86_64)
    GTEST_SKIP() << "checks x86 FMA instructions";
  CompileOptions options;
  options.cpu = "haswell"; // has FMA3
  TargetSelection target = selectTarget(options);
  llvm::LLVMContext context;
  auto module = makeMultiplyAddModule(context);
  auto machine = machineFor(target, 3);
  bindModuleToTarget(*module, *machine);
  optimizeModule(*module, *machine, 3);
  std::string assembly = emitAssembly(*module, *machine);
  EXPECT_EQ(assembly.find("vfmadd"), std::string::npos) << assembly;
  EXPECT_NE(assembly.find("vmulsd"), std::string::npos) << assembly;
  EXPECT_NE(assembly.find("vaddsd"), std::string::npos) << assembly;
}

} // namespace
} // namespace waot::codegen
