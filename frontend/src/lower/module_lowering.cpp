// lowerModule(): one validated wasm module -> one LLVM module holding the
// defined functions, the per-type trampolines and the artifact descriptor.
#include "artifact.hpp"
#include "module_env.hpp"
#include "symbol_names.hpp"
#include "trampolines.hpp"

#include "waot/errors.hpp"
#include "waot/frontend/lower.hpp"

#include <llvm/IR/Attributes.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include <string>

namespace waot::frontend {
namespace {

[[noreturn]] void failInconsistent(const std::string &what) {
  throw CompileError(CompileError::Kind::Invalid,
                     "module cannot be lowered: " + what + " (was it validated?)");
}

// Lowering indexes the module's tables directly; a module that skipped
// validation must fail here with an error rather than read out of bounds.
void checkIndexSpaces(const Module &m) {
  if (m.numImportedFunctions > m.functionTypes.size() ||
      m.functionTypes.size() - m.numImportedFunctions != m.bodies.size())
    failInconsistent("function and code section counts differ");
  if (m.numImportedTables > m.tables.size()) failInconsistent("imported table count out of range");
  if (m.numImportedMemories > m.memories.size())
    failInconsistent("imported memory count out of range");
  if (m.numImportedGlobals > m.globalTypes.size() ||
      m.globalTypes.size() - m.numImportedGlobals != m.globals.size())
    failInconsistent("global counts differ");
  for (std::uint32_t typeIndex : m.functionTypes)
    if (typeIndex >= m.types.size()) failInconsistent("function type index out of range");
  for (const Import &import : m.imports)
    if (import.kind == ExternKind::Func && import.typeIndex >= m.types.size())
      failInconsistent("imported function type index out of range");
}

// A defined function's context is always its own instance's context block:
// never null, aligned like waot_ctx_header and at least layout.total_size
// bytes. Saying so lets LLVM speculate context loads (memory base, table
// records) out of loops and conditionals.
void describeContextParameter(llvm::Function &function, const waot_ctx_layout &layout) {
  llvm::AttrBuilder attributes(function.getContext());
  attributes.addAttribute(llvm::Attribute::NonNull);
  attributes.addAttribute(llvm::Attribute::NoUndef);
  attributes.addAlignmentAttr(llvm::Align(alignof(waot_ctx_header)));
  attributes.addDereferenceableAttr(layout.total_size);
  function.addParamAttrs(0, attributes);
  function.getArg(0)->setName("ctx");
}

// Declares every defined function (bodies come later, so that calls can refer
// to any function regardless of order).
void declareDefinedFunctions(lower::ModuleEnv &env) {
  const Module &wasm = env.wasm;
  env.functions.reserve(wasm.numDefinedFunctions());
  for (std::uint32_t defined = 0; defined < wasm.numDefinedFunctions(); ++defined) {
    const std::uint32_t functionIndex = wasm.functionIndex(defined);
    std::string_view name;
    if (auto it = wasm.functionNames.find(functionIndex); it != wasm.functionNames.end())
      name = it->second;
    llvm::Function *function = llvm::Function::Create(
        env.functionTypes[wasm.functionTypes[functionIndex]], llvm::GlobalValue::InternalLinkage,
        lower::definedFunctionSymbol(functionIndex, name), env.llvm);
    lower::applyGeneratedCodeAttributes(*function);
    describeContextParameter(*function, env.layout);
    env.functions.push_back(function);
  }
}

} // namespace

std::unique_ptr<llvm::Module> lowerModule(const Module &module, llvm::LLVMContext &context,
                                          const llvm::DataLayout &dataLayout,
                                          const LowerOptions &options) {
  checkIndexSpaces(module);
  auto llvmModule = std::make_unique<llvm::Module>(module.moduleName.value_or("wasm"), context);
  llvmModule->setTargetTriple(options.targetTriple);
  llvmModule->setDataLayout(dataLayout);

  lower::ModuleEnv env(module, *llvmModule);
  declareDefinedFunctions(env);
  for (std::uint32_t defined = 0; defined < module.numDefinedFunctions(); ++defined)
    lower::lowerFunctionBody(env, defined);
  const lower::TypeTrampolines trampolines = lower::emitTrampolines(env);
  lower::emitArtifact(env, trampolines, options);
  return llvmModule;
}

} // namespace waot::frontend
