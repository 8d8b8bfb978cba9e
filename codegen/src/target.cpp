#include "target.hpp"

#include "fatal_errors.hpp"

#include "waot/errors.hpp"

#include <llvm/ADT/StringMap.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace waot::codegen {
namespace {

void initializeTargets() {
  // Every target of the installed LLVM, so that --target can cross-compile.
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();
  });
}

const llvm::Target &lookupTarget(const std::string &triple, const std::string &spelling) {
  std::string ignored; // LLVM's message names no triple the user wrote; ours does
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, ignored);
  if (target == nullptr || llvm::Triple(triple).getArch() == llvm::Triple::UnknownArch)
    throw Error("unknown target triple '" + spelling + "'");
  return *target;
}

// Appends "<sign><name>" to a comma-separated LLVM feature list.
void appendFeature(std::string &list, char sign, llvm::StringRef name) {
  if (!list.empty()) list.push_back(',');
  list.push_back(sign);
  list.append(name.data(), name.size());
}

bool targetsHostArchitecture(const llvm::Triple &triple) {
  llvm::Triple host(llvm::sys::getProcessTriple());
  return triple.getArch() == host.getArch() && triple.getSubArch() == host.getSubArch();
}

using FeatureList = std::vector<std::pair<std::string, bool>>; // name, enabled

// The detected host features.
FeatureList hostFeatures() {
  FeatureList features;
  for (const auto &entry : llvm::sys::getHostCPUFeatures())
    features.emplace_back(entry.getKey().str(), entry.getValue());
  return features;
}

std::string joinFeatures(std::string first, const std::string &second) {
  if (!first.empty() && !second.empty()) first.push_back(',');
  return first + second;
}

// Sorted, so that the string (recorded in the artifact) does not depend on
// hash-table order.
std::string sortedFeatureString(FeatureList features) {
  std::sort(features.begin(), features.end());
  std::string joined;
  for (const auto &[name, enabled] : features)
    appendFeature(joined, enabled ? '+' : '-', name);
  return joined;
}

// LLVM 19's x86 cost model prices vector gathers and scatters (AVX2,
// AVX-512) below what they cost on AMD Zen 4 (measured: docs/performance.md)
// and on Intel cores with the Gather Data Sampling microcode mitigation (for
// which LLVM has these tuning flags). Wasm code meets the loop vectorizer's
// gather path where native code does not: a producer's unrolled loop reads
// `p`, `p+4`, `p+8`, ... through wrapping 32-bit adds, so the accesses'
// distances are unknown and each becomes a strided gather. The memgrow
// benchmark ran 11% slower with such a loop gathered than scalarized, which
// is what these flags lead to. `--features -prefer-no-gather` restores them.
bool prefersNoGathers(const llvm::Target &target, const llvm::Triple &triple,
                      const std::string &cpu, const std::string &features) {
  if (!triple.isX86()) return false;
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target.createMCSubtargetInfo(triple.str(), cpu, features));
  return info != nullptr && info->checkFeatures("+avx2"); // no gathers without AVX2
}

// Checks the user's comma-separated features against the target's feature
// table (LLVM would only print a warning and ignore an unknown one) and
// returns them normalized: a bare name means "+name".
std::string checkedUserFeatures(const llvm::MCSubtargetInfo &info, llvm::StringRef features) {
  std::string normalized;
  while (!features.empty()) {
    auto [item, rest] = features.split(',');
    features = rest;
    item = item.trim();
    if (item.empty()) continue;
    char sign = item.front() == '-' ? '-' : '+';
    llvm::StringRef name = item.front() == '+' || item.front() == '-' ? item.drop_front() : item;
    bool known =
        std::any_of(info.getAllProcessorFeatures().begin(), info.getAllProcessorFeatures().end(),
                    [&](const llvm::SubtargetFeatureKV &kv) { return name == kv.Key; });
    if (!known)
      throw Error("unknown target feature '" + name.str() + "' for " +
                  info.getTargetTriple().str());
    appendFeature(normalized, sign, name);
  }
  return normalized;
}

llvm::CodeGenOptLevel codeGenOptLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0: return llvm::CodeGenOptLevel::None;
  case 1: return llvm::CodeGenOptLevel::Less;
  case 2: return llvm::CodeGenOptLevel::Default;
  default: return llvm::CodeGenOptLevel::Aggressive;
  }
}

// Wasm floating point is IEEE 754 with round-to-nearest and default NaN/denormal
// behaviour: nothing may be relaxed (float_exprs.wast checks FMA contraction,
// denormals, signed zeros and NaN propagation).
llvm::TargetOptions ieeeExactOptions() {
  llvm::TargetOptions options;
  options.UnsafeFPMath = false;
  options.NoInfsFPMath = false;
  options.NoNaNsFPMath = false;
  options.NoSignedZerosFPMath = false;
  options.ApproxFuncFPMath = false;
  options.HonorSignDependentRoundingFPMathOption = false;
  options.AllowFPOpFusion = llvm::FPOpFusion::Strict;
  options.setFPDenormalMode(llvm::DenormalMode::getIEEE());
  options.setFP32DenormalMode(llvm::DenormalMode::getIEEE());
  return options;
}

} // namespace

TargetSelection selectTarget(const CompileOptions &options) {
  initializeTargets();
  TargetSelection selection;
  selection.triple = resolvedTargetTriple(options);
  const llvm::Target &target = lookupTarget(selection.triple, selection.triple);
  llvm::Triple triple(selection.triple);

  // A feature-less subtarget, only to check CPU and feature names.
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target.createMCSubtargetInfo(selection.triple, "", ""));
  if (!info) throw Error("target '" + selection.triple + "' has no subtarget information");

  FeatureList base;
  if (options.cpu.empty() && targetsHostArchitecture(triple)) {
    selection.cpu = llvm::sys::getHostCPUName().str();
    base = hostFeatures();
  } else if (options.cpu.empty() || options.cpu == "generic") {
    // An empty CPU name is LLVM's generic model on targets without a "generic" entry.
    selection.cpu = info->isCPUStringValid("generic") ? "generic" : "";
  } else {
    if (!info->isCPUStringValid(options.cpu))
      throw Error("unknown CPU '" + options.cpu + "' for target " + selection.triple);
    selection.cpu = options.cpu;
  }

  // Later entries win, so the user's features override the defaults.
  const std::string user = checkedUserFeatures(*info, options.features);
  if (prefersNoGathers(target, triple, selection.cpu,
                       joinFeatures(sortedFeatureString(base), user))) {
    base.emplace_back("prefer-no-gather", true);
    base.emplace_back("prefer-no-scatter", true);
  }
  selection.features = joinFeatures(sortedFeatureString(std::move(base)), user);
  return selection;
}

std::string resolvedTargetTriple(const CompileOptions &options) {
  initializeTargets();
  std::string triple = llvm::Triple::normalize(
      options.targetTriple.empty() ? llvm::sys::getDefaultTargetTriple() : options.targetTriple);
  lookupTarget(triple, options.targetTriple.empty() ? triple : options.targetTriple);
  return triple;
}

void checkOptLevel(unsigned optLevel) {
  if (optLevel > 3)
    throw Error("invalid optimization level " + std::to_string(optLevel) + " (expected 0 to 3)");
}

std::unique_ptr<llvm::TargetMachine> createTargetMachine(const TargetSelection &selection,
                                                         unsigned optLevel) {
  initializeTargets();
  checkOptLevel(optLevel);
  const llvm::Target &target = lookupTarget(selection.triple, selection.triple);
  // Shared libraries need position-independent code; the default code model suits .so files.
  std::unique_ptr<llvm::TargetMachine> machine;
  runRecoveringFromFatalErrors("creating the code generator", [&] {
    machine.reset(target.createTargetMachine(selection.triple, selection.cpu, selection.features,
                                             ieeeExactOptions(), llvm::Reloc::PIC_, std::nullopt,
                                             codeGenOptLevel(optLevel)));
  });
  if (!machine) throw Error("cannot create a code generator for target " + selection.triple);
  return machine;
}

void bindModuleToTarget(llvm::Module &module, const llvm::TargetMachine &machine) {
  llvm::DataLayout layout = machine.createDataLayout();
  if (!module.getDataLayoutStr().empty() && module.getDataLayout() != layout)
    throw Error("internal compiler error: module data layout '" + module.getDataLayoutStr() +
                "' does not match target " + machine.getTargetTriple().str());
  module.setDataLayout(layout);
  module.setTargetTriple(machine.getTargetTriple().str());
}

} // namespace waot::codegen
