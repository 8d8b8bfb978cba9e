// Lowering of a validated module to LLVM IR (the frontend's LLVM half).
#pragma once

#include "waot/frontend/module.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class DataLayout;
} // namespace llvm

namespace waot::frontend {

struct LowerOptions {
  std::string targetTriple; // recorded in the module and the artifact
  std::string cpuFeatures;  // recorded in the artifact (LLVM feature string)
  std::string producer = "waot";
  // Non-empty: the module is compiled for linking into an application under
  // this name (a C identifier, see isValidLinkName): the descriptor is
  // WAOT_LINKED_SYMBOL_PREFIX + linkName and records the bounds of the code
  // section (placeCodeForLinking); functions shared between parts carry the
  // name too. Empty: a shared library (WAOT_ARTIFACT_SYMBOL).
  std::string linkName;
  // Code that can be stopped from outside (Instance::interrupt, deadlines):
  // the entry of every function that calls and every loop check the context's
  // interrupt_requested word (WAOT_ARTIFACT_INTERRUPTIBLE). Off: no checks,
  // no cost.
  bool interruptible = false;
  // An entry profile (WAOT_ARTIFACT_ENTRY_PROFILE): every defined function
  // sets its byte of the artifact's `entered` array on entry, so that the
  // runner learns which functions a run executed (`waot run`'s quick tier).
  // With unoptimizedFunctions, only those set their flag.
  bool entryProfile = false;
  // Per defined function (empty: none): compile it without optimization
  // (LLVM's optnone and noinline: the optimizer passes it by, the back end
  // selects its instructions the fast way). An optimized build guided by an
  // entry profile spends its time on the functions a run executed only.
  std::vector<bool> unoptimizedFunctions;
};

// The function attribute of the generated functions of interruptible code,
// for codegen's pass that puts a check into every loop after optimization.
inline constexpr const char *kInterruptibleAttribute = "waot-interruptible";

// Longest link name accepted: symbol names stay short enough for any tool.
inline constexpr std::size_t kMaxLinkNameLength = 200;

// A C identifier ([A-Za-z_][A-Za-z0-9_]*) of at most kMaxLinkNameLength.
// (Inline: tools that do not link the lowering check names too.)
inline bool isValidLinkName(std::string_view name) {
  const auto letter = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (name.empty() || name.size() > kMaxLinkNameLength || !letter(name.front())) return false;
  for (char c : name)
    if (!letter(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// For a module compiled for linking (options.linkName set), puts every
// function `module` defines into the module's code section (see waot/abi.h);
// run after optimization, so that functions the optimizer made go there too.
// Nothing otherwise.
void placeCodeForLinking(llvm::Module &module, const LowerOptions &options);

// Produces one LLVM module holding every defined function (wasm calling
// convention), the per-type entry trampolines and host adapters, and the
// artifact descriptor `waot_artifact_v1` (see runtime-lib/include/waot/abi.h).
// `module` must have passed validateModule().
std::unique_ptr<llvm::Module> lowerModule(const Module &module, llvm::LLVMContext &context,
                                          const llvm::DataLayout &dataLayout,
                                          const LowerOptions &options);

// ---- partitioned lowering (parallel code generation) ------------------------
//
// A large module is lowered as several LLVM modules, its "parts", which are
// optimized and compiled independently (each on its own LLVMContext, so on
// any thread) and linked into one shared library. The partition depends only
// on the module and the target part size, never on how many threads compile
// it: the output is the same for any thread count.

// Function bodies are grouped into parts of about this many bytes of wasm
// code. Calls between parts cannot be inlined, so a module with less code
// than two parts (every test module and small program) stays in one part.
// Smaller parts mean less work for LLVM (less inlining, smaller functions for
// its superlinear passes) and finer load balancing; on Yosys (28 MB of code)
// 128 KiB parts take ~12% less CPU time than 512 KiB parts at -O2. Wasm
// from an optimizing compiler has little left to inline across functions.
inline constexpr std::uint64_t kDefaultPartCodeBytes = 128 * 1024;

struct ModulePart {
  // The defined functions (defined indices [firstDefined, endDefined)) whose
  // bodies this part holds.
  std::uint32_t firstDefined = 0;
  std::uint32_t endDefined = 0;
  // Whether this part holds the trampolines and the artifact descriptor.
  bool carriesArtifact = false;
  // Bytes of wasm code of its bodies: an estimate of its compile cost.
  std::uint64_t codeBytes = 0;
};

struct ModulePartition {
  // In link order: the function parts in defined-index order, then the
  // artifact part. A module that is not split has one part holding everything.
  std::vector<ModulePart> parts;

  // When split: per defined function, whether a symbol outside its own part
  // refers to it (a call from another part, or the descriptor's code address
  // in the artifact part). Those are external symbols with hidden visibility,
  // defined in one part and declared where used; the others, like every
  // function of a module that is not split, have internal linkage. (Empty:
  // all are shared.)
  std::vector<bool> sharedFunctions;

  bool isSplit() const { return parts.size() > 1; }
};

// Splits the defined functions, in index order, into consecutive runs of at
// least `targetPartCodeBytes` (> 0) of wasm code each (a remainder under half
// that joins the last run), plus one part for the trampolines and the
// descriptor. Returns a single part instead when the module has less than
// 2 * targetPartCodeBytes of code or the runs would be fewer than two.
// Deterministic: depends on the function body sizes only.
ModulePartition partitionModule(const Module &module,
                                std::uint64_t targetPartCodeBytes = kDefaultPartCodeBytes);

// The partition of `module` as one part (what lowerModule() lowers).
ModulePartition wholeModulePartition(const Module &module);

// Lowers part `partIndex` of `partition` (made by partitionModule() for
// `module`) into its own LLVM module: the bodies of its functions, a
// declaration of every function of another part it calls, and, for the
// artifact part, the trampolines and the descriptor (which refers to the
// functions whose code address it records). Lowering a one-part partition is lowerModule(). Parts
// of the same partition may be lowered concurrently, each into its own context.
std::unique_ptr<llvm::Module> lowerModulePart(const Module &module,
                                              const ModulePartition &partition,
                                              std::size_t partIndex, llvm::LLVMContext &context,
                                              const llvm::DataLayout &dataLayout,
                                              const LowerOptions &options);

} // namespace waot::frontend
