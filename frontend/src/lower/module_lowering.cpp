// lowerModule() and lowerModulePart(): one validated wasm module -> one LLVM
// module (or one per part of a partition) holding the defined functions, the
// per-type trampolines and the artifact descriptor.
#include "artifact.hpp"
#include "module_env.hpp"
#include "symbol_names.hpp"
#include "trampolines.hpp"

#include "waot/errors.hpp"
#include "waot/frontend/instr_reader.hpp"
#include "waot/frontend/lower.hpp"

#include <llvm/IR/Attributes.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include <string>
#include <vector>

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

// Declares defined function `defined` in env.llvm (its body, if this part
// holds it, comes later, so that calls can refer to any function regardless
// of order). `sharedBetweenParts`: the symbol is defined in one part of a
// split module and referenced from others, so it must keep its exact name and
// be visible to the other parts' objects (hidden: never exported from the
// shared library, and called directly rather than through the PLT).
// In a module compiled for linking (`linkName` set) such a symbol carries
// the link name, so that two modules linked into one program never clash.
void declareDefinedFunction(lower::ModuleEnv &env, std::uint32_t defined, bool sharedBetweenParts,
                            std::string_view linkName) {
  const Module &wasm = env.wasm;
  const std::uint32_t functionIndex = wasm.functionIndex(defined);
  std::string_view name;
  if (auto it = wasm.functionNames.find(functionIndex); it != wasm.functionNames.end())
    name = it->second;
  std::string symbol;
  if (sharedBetweenParts && !linkName.empty()) symbol.append(linkName).append(".");
  symbol.append(lower::definedFunctionSymbol(functionIndex, name));
  llvm::Function *function = llvm::Function::Create(
      env.definedFunctionType(defined),
      sharedBetweenParts ? llvm::GlobalValue::ExternalLinkage : llvm::GlobalValue::InternalLinkage,
      symbol, env.llvm);
  // Only functions that make tail calls use the convention that guarantees
  // them (ModuleEnv::tailCallers); everything else keeps LLVM's default.
  function->setCallingConv(env.definedCallingConv(defined));
  if (sharedBetweenParts) {
    function->setVisibility(llvm::GlobalValue::HiddenVisibility);
    function->setDSOLocal(true);
    // LLVM renames a clashing symbol silently; another part would then refer
    // to a symbol nobody defines.
    if (function->getName() != symbol)
      throw Error("internal compiler error: symbol '" + symbol + "' is defined twice");
  }
  lower::applyGeneratedCodeAttributes(*function);
  describeContextParameter(*function, env.layout);
  if (env.tailCallers[defined] &&
      lower::ModuleEnv::resultsThroughPointer(wasm.types[wasm.functionTypes[functionIndex]])) {
    function->addParamAttr(1, llvm::Attribute::NonNull);
    function->addParamAttr(1, llvm::Attribute::NoUndef);
    function->getArg(1)->setName("results");
  }
  env.functions[defined] = function;
}

// The entry profile's flags (LowerOptions::entryProfile), one byte per
// defined function: defined in the part that carries the descriptor, declared
// in the others (a hidden symbol, like the functions they share).
llvm::GlobalVariable *entryFlags(lower::ModuleEnv &env, bool split, bool definedHere,
                                 std::string_view linkName) {
  auto *type =
      llvm::ArrayType::get(llvm::Type::getInt8Ty(env.context), env.wasm.numDefinedFunctions());
  std::string symbol;
  if (split && !linkName.empty()) symbol.append(linkName).append(".");
  symbol.append("waot_entered");
  auto *flags = new llvm::GlobalVariable(
      env.llvm, type, /*isConstant=*/false,
      split ? llvm::GlobalValue::ExternalLinkage : llvm::GlobalValue::InternalLinkage,
      definedHere ? llvm::Constant::getNullValue(type) : nullptr, symbol);
  if (split) {
    flags->setVisibility(llvm::GlobalValue::HiddenVisibility);
    flags->setDSOLocal(true);
  }
  return flags;
}

// Calls visit(callee) for every defined function the body of `defined` names
// (calls; ref.func needs no symbol but is harmless to include), including the
// targets a call_indirect through a constant table calls directly.
template <class Visit>
void forEachNamedFunction(const Module &wasm, const lower::ConstantTables &constantTables,
                          std::uint32_t defined, Visit &&visit) {
  const auto named = [&](std::uint32_t function) {
    if (function < wasm.numImportedFunctions || function >= wasm.numFunctions())
      return; // imports are called through the context; out of range fails in lowering
    visit(wasm.definedIndex(function));
  };
  const FunctionBody &body = wasm.bodies[defined];
  InstrReader reader(wasm.view(), body.codeOffset, body.endOffset, wasm.functionIndex(defined));
  while (!reader.atEnd()) {
    const Instr in = reader.next();
    if (info(in.op).imm == ImmKind::FuncIdx) named(in.index);
    if (in.op == Opcode::CallIndirect)
      if (const auto *elements = constantTables.knownCallTargets(in.index2, in.index))
        for (std::uint32_t element : *elements)
          named(*constantTables.tables[in.index2]->elements[element]);
  }
}

// Per defined function of a split module: whether anything outside its own
// part refers to it (see ModulePartition::sharedFunctions).
std::vector<bool> functionsSharedBetweenParts(const Module &module,
                                              const std::vector<ModulePart> &parts) {
  const std::uint32_t count = module.numDefinedFunctions();
  std::vector<std::size_t> partOf(count);
  for (std::size_t p = 0; p < parts.size(); ++p)
    for (std::uint32_t defined = parts[p].firstDefined; defined < parts[p].endDefined; ++defined)
      partOf[defined] = p;
  std::vector<bool> shared = lower::addressRecordedFunctions(module); // the artifact part's
  const lower::ConstantTables constantTables = lower::findConstantTables(module);
  for (std::uint32_t caller = 0; caller < count; ++caller)
    forEachNamedFunction(module, constantTables, caller, [&](std::uint32_t callee) {
      if (partOf[callee] != partOf[caller]) shared[callee] = true;
    });
  return shared;
}

// Declares the functions part `part` needs, in defined-index order (so that
// the IR does not depend on the order calls are found in): for the artifact
// part those whose address the descriptor records, and every part its own
// functions and those they call.
void declarePartFunctions(lower::ModuleEnv &env, const ModulePartition &partition,
                          const ModulePart &part, std::string_view linkName) {
  const std::uint32_t count = env.wasm.numDefinedFunctions();
  env.functions.assign(count, nullptr);
  std::vector<bool> needed =
      part.carriesArtifact ? env.addressRecorded : std::vector<bool>(count, false);
  for (std::uint32_t defined = part.firstDefined; defined < part.endDefined; ++defined) {
    needed[defined] = true;
    forEachNamedFunction(env.wasm, env.constantTables, defined,
                         [&](std::uint32_t callee) { needed[callee] = true; });
  }
  const bool allShared = partition.sharedFunctions.size() != count;
  for (std::uint32_t defined = 0; defined < count; ++defined)
    if (needed[defined])
      declareDefinedFunction(
          env, defined, partition.isSplit() && (allShared || partition.sharedFunctions[defined]),
          linkName);
}

const ModulePart &checkedPart(const Module &module, const ModulePartition &partition,
                              std::size_t partIndex) {
  if (partIndex >= partition.parts.size())
    throw Error("internal compiler error: module part " + std::to_string(partIndex) +
                " does not exist (" + std::to_string(partition.parts.size()) + " parts)");
  const ModulePart &part = partition.parts[partIndex];
  if (part.firstDefined > part.endDefined || part.endDefined > module.numDefinedFunctions())
    throw Error("internal compiler error: module part " + std::to_string(partIndex) +
                " holds functions the module does not define");
  return part;
}

std::uint64_t bodyCodeBytes(const FunctionBody &body) {
  return body.endOffset > body.bodyOffset ? body.endOffset - body.bodyOffset : 0;
}

} // namespace

ModulePartition partitionModule(const Module &module, std::uint64_t targetPartCodeBytes) {
  if (targetPartCodeBytes == 0)
    throw Error("internal compiler error: the target size of a module part must not be 0");
  const std::uint32_t count = module.numDefinedFunctions();
  std::uint64_t totalCodeBytes = 0;
  for (const FunctionBody &body : module.bodies)
    totalCodeBytes += bodyCodeBytes(body);

  std::vector<ModulePart> functionParts;
  if (totalCodeBytes / 2 >= targetPartCodeBytes) {
    ModulePart current;
    for (std::uint32_t defined = 0; defined < count; ++defined) {
      current.codeBytes += bodyCodeBytes(module.bodies[defined]);
      current.endDefined = defined + 1;
      if (current.codeBytes >= targetPartCodeBytes) {
        functionParts.push_back(current);
        current = ModulePart{defined + 1, defined + 1, false, 0};
      }
    }
    if (current.endDefined > current.firstDefined) {
      // A remainder under half a part joins the previous part instead of
      // being compiled (with its own fixed costs) as a small part of its own.
      if (!functionParts.empty() && current.codeBytes < targetPartCodeBytes / 2) {
        functionParts.back().endDefined = current.endDefined;
        functionParts.back().codeBytes += current.codeBytes;
      } else {
        functionParts.push_back(current);
      }
    }
  }

  ModulePartition partition;
  if (functionParts.size() < 2) {
    // Too little code (or one function holding nearly all of it) to split.
    partition.parts.push_back(ModulePart{0, count, true, totalCodeBytes});
    return partition;
  }
  partition.sharedFunctions = functionsSharedBetweenParts(module, functionParts);
  partition.parts = std::move(functionParts);
  partition.parts.push_back(ModulePart{count, count, true, 0});
  return partition;
}

std::unique_ptr<llvm::Module> lowerModulePart(const Module &module,
                                              const ModulePartition &partition,
                                              std::size_t partIndex, llvm::LLVMContext &context,
                                              const llvm::DataLayout &dataLayout,
                                              const LowerOptions &options) {
  checkIndexSpaces(module);
  const ModulePart &part = checkedPart(module, partition, partIndex);
  const bool split = partition.isSplit();
  // Part names end up in the objects (STT_FILE symbols): fixed, never
  // dependent on which thread lowered the part.
  std::string name = module.moduleName.value_or("wasm");
  if (split) name += ".part" + std::to_string(partIndex);
  auto llvmModule = std::make_unique<llvm::Module>(name, context);
  llvmModule->setTargetTriple(options.targetTriple);
  llvmModule->setDataLayout(dataLayout);

  lower::ModuleEnv env(module, *llvmModule);
  env.interruptible = options.interruptible;
  if (!options.linkName.empty() && !isValidLinkName(options.linkName))
    throw Error("link name '" + options.linkName + "' is not a C identifier");
  declarePartFunctions(env, partition, part, options.linkName);
  if (!options.unoptimizedFunctions.empty() &&
      options.unoptimizedFunctions.size() != module.numDefinedFunctions())
    throw Error("internal compiler error: the unoptimized-function set does not match the module");
  if (options.entryProfile) {
    env.entered = entryFlags(env, split, part.carriesArtifact, options.linkName);
    env.profiledFunctions = options.unoptimizedFunctions;
  }
  for (std::uint32_t defined = part.firstDefined; defined < part.endDefined; ++defined) {
    lower::lowerFunctionBody(env, defined);
    if (!options.unoptimizedFunctions.empty() && options.unoptimizedFunctions[defined]) {
      env.functions[defined]->addFnAttr(llvm::Attribute::OptimizeNone);
      env.functions[defined]->addFnAttr(llvm::Attribute::NoInline);
    }
  }
  if (part.carriesArtifact) {
    const lower::TypeTrampolines trampolines = lower::emitTrampolines(env);
    lower::emitArtifact(env, trampolines, options);
  }
  return llvmModule;
}

void placeCodeForLinking(llvm::Module &module, const LowerOptions &options) {
  if (options.linkName.empty()) return;
  const std::string section = lower::linkedCodeSection(options.linkName);
  for (llvm::Function &function : module)
    if (!function.isDeclaration()) function.setSection(section);
}

ModulePartition wholeModulePartition(const Module &module) {
  ModulePartition whole;
  whole.parts.push_back(ModulePart{0, module.numDefinedFunctions(), true, 0});
  return whole;
}

std::unique_ptr<llvm::Module> lowerModule(const Module &module, llvm::LLVMContext &context,
                                          const llvm::DataLayout &dataLayout,
                                          const LowerOptions &options) {
  return lowerModulePart(module, wholeModulePartition(module), 0, context, dataLayout, options);
}

} // namespace waot::frontend
