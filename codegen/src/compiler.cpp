// The public compilation entry points: frontend -> optimizer -> emission/link.
//
// A shared library is built from the parts of a partitioned module
// (frontend::partitionModule), compiled in parallel and linked once. The
// other outputs (one object, IR, assembly) are a single LLVM module.
#include "waot/codegen/compiler.hpp"

#include "emit.hpp"
#include "files.hpp"
#include "link.hpp"
#include "module_parts.hpp"
#include "target.hpp"
#include "task_pool.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/frontend/decoder.hpp"
#include "waot/frontend/lower.hpp"

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Triple.h>

#include <cstring>
#include <memory>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

// A decoded, validated module with the target it is compiled for.
struct FrontendResult {
  TargetSelection target;
  std::unique_ptr<llvm::TargetMachine> machine;
  frontend::Module decoded;
  frontend::LowerOptions lowerOptions;
};

void requireElfTarget(const TargetSelection &target) {
  if (!llvm::Triple(target.triple).isOSBinFormatELF())
    throw Error("shared library output needs an ELF target, not '" + target.triple +
                "' (emit an object file instead)");
}

FrontendResult decodeForTarget(std::span<const std::uint8_t> wasm, const CompileOptions &options,
                               EmitKind kind) {
  FrontendResult result;
  // Options first: a bad --target or -O is reported before any work is done.
  checkOptLevel(options.optLevel);
  result.target = selectTarget(options);
  result.machine = createTargetMachine(result.target, options.optLevel);
  if (kind == EmitKind::Shared) requireElfTarget(result.target);
  if (!options.linkName.empty()) {
    if (kind != EmitKind::Object && kind != EmitKind::LLVM && kind != EmitKind::Asm)
      throw Error("a link name applies to object output (--emit=object), not to a shared library");
    if (!frontend::isValidLinkName(options.linkName))
      throw Error("link name '" + options.linkName +
                  "' is not a C identifier ([A-Za-z_][A-Za-z0-9_]*, at most " +
                  std::to_string(frontend::kMaxLinkNameLength) + " characters)");
    // The code section's bounds are ELF linker conventions (__start_/__stop_).
    if (!llvm::Triple(result.target.triple).isOSBinFormatELF())
      throw Error("linkable objects need an ELF target, not '" + result.target.triple + "'");
  }

  frontend::DecodeOptions decodeOptions;
  decodeOptions.features = options.wasmFeatures;
  result.decoded = frontend::decodeAndValidate(wasm, decodeOptions);
  result.lowerOptions.targetTriple = result.target.triple;
  result.lowerOptions.cpuFeatures = result.target.features;
  result.lowerOptions.producer = "waot " WAOT_VERSION;
  result.lowerOptions.linkName = options.linkName;
  result.lowerOptions.interruptible = options.interruptible;
  result.lowerOptions.entryProfile = options.entryProfile;
  result.lowerOptions.unoptimizedFunctions = options.unoptimizedFunctions;
  return result;
}

// The objects of a shared library or linkable object build, one per part, in
// link order.
std::vector<std::vector<char>> compilePartObjects(std::span<const std::uint8_t> wasm,
                                                  const CompileOptions &options, EmitKind kind) {
  const FrontendResult input = decodeForTarget(wasm, options, kind);
  const frontend::ModulePartition partition = frontend::partitionModule(
      input.decoded,
      options.partCodeBytes != 0 ? options.partCodeBytes : frontend::kDefaultPartCodeBytes);
  const PartsBuild build{input.decoded,      partition,        input.target,
                         input.lowerOptions, options.optLevel, &options.progress};
  return compilePartsToObjects(build, resolveThreadCount(options.threads));
}

// The optimized LLVM module of one wasm module, with what it was compiled for.
// Member order matters: the module must be destroyed before its context.
struct OptimizedModule {
  std::unique_ptr<llvm::TargetMachine> machine;
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
};

OptimizedModule compileToOptimizedIR(std::span<const std::uint8_t> wasm,
                                     const CompileOptions &options, EmitKind kind) {
  FrontendResult input = decodeForTarget(wasm, options, kind);
  const frontend::ModulePartition whole = frontend::wholeModulePartition(input.decoded);
  const PartsBuild build{input.decoded, whole, input.target, input.lowerOptions, options.optLevel};
  OptimizedModule result;
  result.machine = std::move(input.machine);
  result.context = std::make_unique<llvm::LLVMContext>();
  result.module = lowerAndOptimizePart(build, 0, *result.context, *result.machine);
  return result;
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

// Links the objects, in their order, into a shared library in a scratch
// directory and returns its bytes, integrity trailer included.
std::vector<std::uint8_t> linkArtifact(const std::vector<std::vector<char>> &objects,
                                       const std::string &soname) {
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

std::vector<std::uint8_t> buildSharedLibrary(std::span<const std::uint8_t> wasm,
                                             const CompileOptions &options,
                                             const std::string &soname) {
  // The decoded module and every LLVM object are gone before the link: only
  // the objects are alive while lld runs.
  const std::vector<std::vector<char>> objects =
      compilePartObjects(wasm, options, EmitKind::Shared);
  return linkArtifact(objects, soname);
}

std::span<const char> asChars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char *>(bytes.data()), bytes.size()};
}

} // namespace

std::vector<std::uint8_t> compileToSharedLibrary(std::span<const std::uint8_t> wasm,
                                                 const CompileOptions &options) {
  return buildSharedLibrary(wasm, options, "waot-module.so");
}

void compileToFile(std::span<const std::uint8_t> wasm, const CompileOptions &options, EmitKind kind,
                   const fs::path &output) {
  if (kind == EmitKind::Shared) {
    std::vector<std::uint8_t> library =
        buildSharedLibrary(wasm, options, output.filename().string());
    writeFileAtomically(output, asChars(library), fs::perms(0755));
    return;
  }
  if (kind == EmitKind::Object && !options.linkName.empty()) {
    const std::vector<std::vector<char>> objects =
        compilePartObjects(wasm, options, EmitKind::Object);
    if (objects.size() == 1) {
      writeFileAtomically(output, objects.front());
      return;
    }
    TemporaryDirectory scratch;
    const fs::path joined = scratch.path() / "module.o";
    linkRelocatableObject(objects, joined);
    const std::vector<std::uint8_t> bytes = readFileBytes(joined);
    writeFileAtomically(output, asChars(bytes));
    return;
  }
  OptimizedModule compiled = compileToOptimizedIR(wasm, options, kind);
  switch (kind) {
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
  case EmitKind::Shared: break; // handled above
  }
  throw Error("unknown output kind " + std::to_string(static_cast<int>(kind)));
}

} // namespace waot::codegen
