#include "module_parts.hpp"

#include "diagnostics.hpp"
#include "emit.hpp"
#include "fatal_errors.hpp"
#include "pipeline.hpp"
#include "task_pool.hpp"

#include "waot/errors.hpp"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <numeric>

namespace waot::codegen {
namespace {

// The order in which parts are started. It changes only how long the build
// takes, never its output. The artifact part goes first: its cost (one
// descriptor entry per function, the data segments) is not measured by code
// bytes. Then the largest parts first, so that no large part starts last and
// leaves the other threads idle at the end.
std::vector<std::size_t> schedulingOrder(const frontend::ModulePartition &partition) {
  std::vector<std::size_t> order(partition.parts.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Ties keep part order (the index decides), so the order is deterministic.
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const frontend::ModulePart &left = partition.parts[a], &right = partition.parts[b];
    if (left.carriesArtifact != right.carriesArtifact) return left.carriesArtifact;
    if (left.codeBytes != right.codeBytes) return left.codeBytes > right.codeBytes;
    return a < b;
  });
  return order;
}

} // namespace

std::unique_ptr<llvm::Module> lowerAndOptimizePart(const PartsBuild &build, std::size_t partIndex,
                                                   llvm::LLVMContext &context,
                                                   llvm::TargetMachine &machine) {
  std::unique_ptr<llvm::Module> module;
  {
    DiagnosticCapture diagnostics(context);
    runRecoveringFromFatalErrors("lowering", [&] {
      module = frontend::lowerModulePart(build.wasm, build.partition, partIndex, context,
                                         machine.createDataLayout(), build.lowerOptions);
    });
    diagnostics.throwIfErrors("lowering");
  }
  if (!module) throw Error("internal compiler error: lowering produced no module");
  bindModuleToTarget(*module, machine);
  verifyModuleOrThrow(*module, "after lowering");
  optimizeModule(*module, machine, build.optLevel);
  frontend::placeCodeForLinking(*module, build.lowerOptions);
  return module;
}

std::vector<char> compilePartToObject(const PartsBuild &build, std::size_t partIndex) {
  // A machine per part, not per thread: nothing a machine caches can make an
  // object depend on which parts the same thread compiled before.
  std::unique_ptr<llvm::TargetMachine> machine = createTargetMachine(build.target, build.optLevel);
  // Declared before the module, so destroyed after it.
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = lowerAndOptimizePart(build, partIndex, context, *machine);
  return emitObject(*module, *machine);
}

std::vector<std::vector<char>> compilePartsToObjects(const PartsBuild &build, unsigned threads) {
  std::vector<std::vector<char>> objects(build.partition.parts.size());
  const std::vector<std::size_t> order = schedulingOrder(build.partition);
  std::mutex progressMutex;
  std::size_t done = 0;
  runTasks(order, threads, [&](std::size_t part) {
    objects[part] = compilePartToObject(build, part);
    if (build.progress && *build.progress) {
      std::lock_guard lock(progressMutex);
      (*build.progress)(++done, objects.size());
    }
  });
  return objects;
}

} // namespace waot::codegen
