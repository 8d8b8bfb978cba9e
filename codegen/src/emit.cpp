#include "emit.hpp"

#include "diagnostics.hpp"
#include "fatal_errors.hpp"

#include "waot/errors.hpp"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

namespace waot::codegen {
namespace {

const char *fileTypeName(llvm::CodeGenFileType type) {
  return type == llvm::CodeGenFileType::ObjectFile ? "object file" : "assembly";
}

llvm::SmallVector<char, 0> emitMachineCode(llvm::Module &module, llvm::TargetMachine &machine,
                                           llvm::CodeGenFileType type) {
  if (module.getDataLayout() != machine.createDataLayout() ||
      module.getTargetTriple() != machine.getTargetTriple().str())
    throw Error("internal compiler error: module '" + module.getModuleIdentifier() +
                "' is not bound to target " + machine.getTargetTriple().str());
  DiagnosticCapture diagnostics(module.getContext());

  llvm::SmallVector<char, 0> buffer;
  bool supported = true;
  runRecoveringFromFatalErrors("code generation", [&] {
    llvm::raw_svector_ostream stream(buffer);
    // The machine-code pipeline exists only for the legacy pass manager in LLVM 19.
    llvm::legacy::PassManager passes;
    // No IR verifier in front of the back end (as in release builds of
    // clang): the lowered IR was verified before optimization, and
    // re-verifying every part costs ~2% of code generation time.
    supported = !machine.addPassesToEmitFile(passes, stream, nullptr, type,
                                             /*DisableVerify=*/true);
    if (supported) passes.run(module);
  });
  if (!supported)
    throw Error("target " + machine.getTargetTriple().str() + " cannot emit " + fileTypeName(type) +
                "s");
  diagnostics.throwIfErrors("code generation");
  return buffer;
}

} // namespace

std::string printModuleIR(const llvm::Module &module) {
  std::string text;
  llvm::raw_string_ostream stream(text);
  module.print(stream, nullptr);
  stream.flush();
  return text;
}

std::vector<char> emitObject(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::SmallVector<char, 0> code =
      emitMachineCode(module, machine, llvm::CodeGenFileType::ObjectFile);
  return std::vector<char>(code.begin(), code.end());
}

std::string emitAssembly(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::SmallVector<char, 0> code =
      emitMachineCode(module, machine, llvm::CodeGenFileType::AssemblyFile);
  return std::string(code.begin(), code.end());
}

} // namespace waot::codegen
