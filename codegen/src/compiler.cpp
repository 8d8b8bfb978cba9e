// The public compilation entry points: frontend -> optimizer -> emission/link.
#include <cstring>
#include "waot/codegen/compiler.hpp"

#include "diagnostics.hpp"
#include "emit.hpp"
#include "fatal_errors.hpp"
#include "files.hpp"
#include "link.hpp"
#include "pipeline.hpp"
#include "target.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/frontend/decoder.hpp"
#include "waot/frontend/lower.hpp"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Triple.h>

#include <memory>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

// The optimized LLVM module of one wasm module, with what it was compiled for.
// Member order matters: the module must be destroyed before its context.
struct OptimizedModule {
  TargetSelection target;
  std::unique_ptr<llvm::TargetMachine> machine;
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
};

OptimizedModule compileToOptimizedIR(std::span<const std::uint8_t> wasm,
                                     const CompileOptions &options) {
  OptimizedModule result;
  // Options first: a bad --target or -O is reported before any work is done.
  checkOptLevel(options.optLevel);
  result.target = selectTarget(options);
  result.machine = createTargetMachine(result.target, options.optLevel);

  frontend::Module decoded = frontend::decodeAndValidate(wasm);

  frontend::LowerOptions lowerOptions;
  lowerOptions.targetTriple = result.target.triple;
  lowerOptions.cpuFeatures = result.target.features;
  lowerOptions.producer = "waot " WAOT_VERSION;
  result.context = std::make_unique<llvm::LLVMContext>();
  {
    DiagnosticCapture diagnostics(*result.context);
    runRecoveringFromFatalErrors("lowering", [&] {
      result.module = frontend::lowerModule(decoded, *result.context,
                                            result.machine->createDataLayout(), lowerOptions);
    });
    diagnostics.throwIfErrors("lowering");
  }
  if (!result.module) throw Error("internal compiler error: lowering produced no module");

  bindModuleToTarget(*result.module, *result.machine);
  verifyModuleOrThrow(*result.module, "after lowering");
  optimizeModule(*result.module, *result.machine, options.optLevel);
  return result;
}

void requireElfTarget(const TargetSelection &target) {
  if (!llvm::Triple(target.triple).isOSBinFormatELF())
    throw Error("shared library output needs an ELF target, not '" + target.triple +
                "' (emit an object file instead)");
}

// Appends the trailer the runtime checks before loading (see abi.h).
void appendIntegrityTrailer(std::vector<std::uint8_t> &image) {
  waot_artifact_trailer trailer{};
  std::memcpy(trailer.magic, WAOT_TRAILER_MAGIC, sizeof trailer.magic);
  trailer.image_size = image.size();
  trailer.checksum = waot_checksum(image.data(), image.size());
  const auto *raw = reinterpret_cast<const std::uint8_t *>(&trailer);
  image.insert(image.end(), raw, raw + sizeof trailer);
}

// Links the module's object into a shared library in a scratch directory and
// returns its bytes, integrity trailer included.
std::vector<std::uint8_t> linkArtifact(OptimizedModule &compiled, const std::string &soname) {
  requireElfTarget(compiled.target);
  std::vector<std::vector<char>> objects;
  objects.push_back(emitObject(*compiled.module, *compiled.machine));

  TemporaryDirectory scratch;
  fs::path library = scratch.path() / "artifact.so";
  LinkOptions link;
  link.soname = soname;
  link.exportedSymbols = {WAOT_ARTIFACT_SYMBOL};
  linkSharedLibrary(objects, library, link);
  std::vector<std::uint8_t> bytes = readFileBytes(library);
  appendIntegrityTrailer(bytes);
  return bytes;
}

std::span<const char> asChars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
}

} // namespace

std::vector<std::uint8_t> compileToSharedLibrary(std::span<const std::uint8_t> wasm,
                                                 const CompileOptions &options) {
  OptimizedModule compiled = compileToOptimizedIR(wasm, options);
  return linkArtifact(compiled, "waot-module.so");
}

void compileToFile(std::span<const std::uint8_t> wasm, const CompileOptions &options, EmitKind kind,
                   const fs::path &output) {
  OptimizedModule compiled = compileToOptimizedIR(wasm, options);
  switch (kind) {
  case EmitKind::Shared: {
    std::vector<std::uint8_t> library = linkArtifact(compiled, output.filename().string());
    writeFileAtomically(output, asChars(library), fs::perms(0755));
    return;
  }
  case EmitKind::Object: {
    std::vector<char> object = emitObject(*compiled.module, *compiled.machine);
    writeFileAtomically(output, object);
    return;
  }
  case EmitKind::LLVM: {
    std::string text = printModuleIR(*compiled.module);
    writeFileAtomically(output, text);
    return;
  }
  case EmitKind::Asm: {
    std::string text = emitAssembly(*compiled.module, *compiled.machine);
    writeFileAtomically(output, text);
    return;
  }
  }
  throw Error("unknown output kind " + std::to_string(static_cast<int>(kind)));
}

} // namespace waot::codegen
