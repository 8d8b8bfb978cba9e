#include "pipeline.hpp"

#include "diagnostics.hpp"
#include "fatal_errors.hpp"
#include "inert_asm.hpp"
#include "interrupt_checks.hpp"
#include "redundant_keep_alive.hpp"
#include "target.hpp"

#include "waot/errors.hpp"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/OptimizationLevel.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/StandardInstrumentations.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <string>

namespace waot::codegen {
namespace {

llvm::OptimizationLevel optimizationLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0: return llvm::OptimizationLevel::O0;
  case 1: return llvm::OptimizationLevel::O1;
  case 2: return llvm::OptimizationLevel::O2;
  default: return llvm::OptimizationLevel::O3;
  }
}

// Like clang: vectorizers from -O2 up, nothing that changes FP semantics.
llvm::PipelineTuningOptions tuningOptions(unsigned optLevel) {
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel >= 2;
  tuning.SLPVectorization = optLevel >= 2;
  tuning.LoopUnrolling = optLevel >= 1;
  tuning.LoopInterleaving = optLevel >= 1;
  return tuning;
}

// Builds and runs the default pipeline, with the keep-alive cleanup
// (DropRedundantKeepAlivesPass, then DropInertAsmPass) and the loop checks of
// interruptible code (InsertInterruptChecksPass) at its end.
// Everything here is LLVM's: on an LLVM
// fatal error this frame is abandoned (see runRecoveringFromFatalErrors).
void runDefaultPipeline(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel) {
  // The analysis managers must be destroyed in reverse order of their
  // dependencies: declare the module manager last so that it goes first.
  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager sccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;

  // Functions marked optnone (CompileOptions::unoptimizedFunctions) are left
  // alone by every function pass but the required ones (ours below).
  llvm::PassInstrumentationCallbacks instrumentation;
  llvm::OptNoneInstrumentation optNone(/*DebugLogging=*/false);
  optNone.registerCallbacks(instrumentation);
  llvm::PassBuilder builder(&machine, tuningOptions(optLevel), std::nullopt, &instrumentation);
  builder.registerModuleAnalyses(moduleAnalyses);
  builder.registerCGSCCAnalyses(sccAnalyses);
  builder.registerFunctionAnalyses(functionAnalyses);
  builder.registerLoopAnalyses(loopAnalyses);
  builder.crossRegisterProxies(loopAnalyses, functionAnalyses, sccAnalyses, moduleAnalyses);

  builder.registerOptimizerLastEPCallback(
      [](llvm::ModulePassManager &passes, llvm::OptimizationLevel) {
        llvm::FunctionPassManager cleanup;
        cleanup.addPass(DropRedundantKeepAlivesPass());
        cleanup.addPass(DropInertAsmPass());
        cleanup.addPass(InsertInterruptChecksPass());
        passes.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(cleanup)));
      });

  llvm::OptimizationLevel level = optimizationLevel(optLevel);
  llvm::ModulePassManager passes = level == llvm::OptimizationLevel::O0
                                       ? builder.buildO0DefaultPipeline(level)
                                       : builder.buildPerModuleDefaultPipeline(level);
  passes.run(module, moduleAnalyses);
}

} // namespace

void verifyModuleOrThrow(const llvm::Module &module, std::string_view stage) {
  std::string report;
  llvm::raw_string_ostream stream(report);
  if (llvm::verifyModule(module, &stream))
    throw Error("internal compiler error: invalid LLVM IR " + std::string(stage) + ": " +
                joinLines(report));
}

void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine, unsigned optLevel) {
  checkOptLevel(optLevel);
  if (module.getTargetTriple() != machine.getTargetTriple().str())
    throw Error("internal compiler error: module '" + module.getModuleIdentifier() +
                "' is not bound to target " + machine.getTargetTriple().str());
  DiagnosticCapture diagnostics(module.getContext());
  runRecoveringFromFatalErrors("optimization",
                               [&] { runDefaultPipeline(module, machine, optLevel); });
  diagnostics.throwIfErrors("optimization");
}

} // namespace waot::codegen
