// What the runtime knows about a loaded artifact once its descriptor has
// been checked: decoded types, imports, exports and index-space facts.
#pragma once

#include "data_image.hpp"
#include "library.hpp"

#include "waot/abi.h"
#include "waot/types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace waot::detail {

struct GlobalTypeInfo {
  ValType type = ValType::I32;
  bool isMutable = false;
};

struct ModuleData {
  std::shared_ptr<const Library> library;
  const waot_artifact *artifact = nullptr; // points into the library
  // The large data segments, mapped copy-on-write at instantiation (null:
  // every segment is copied).
  std::unique_ptr<const DataImage> dataImage;

  std::vector<FuncType> types;
  std::vector<std::uint32_t> typeIds; // interned id of each type
  std::vector<ImportDescriptor> imports;
  std::vector<ExportDescriptor> exports;
  // Export name -> position in `exports` (and in the artifact's array).
  std::map<std::string, std::uint32_t, std::less<>> exportIndex;

  // Every function / table / global of the module's index spaces (imports first).
  std::vector<std::uint32_t> functionTypes; // type index
  std::vector<ValType> tableTypes;          // element type
  std::vector<GlobalTypeInfo> globalTypes;

  std::uint32_t numImportedFunctions = 0;
  std::uint32_t numImportedTables = 0;
  std::uint32_t numImportedMemories = 0;
  std::uint32_t numImportedGlobals = 0;
  std::uint32_t numMemories = 0; // imported + defined

  waot_ctx_counts counts{};
  waot_ctx_layout layout{};

  const std::string &path() const noexcept { return library->path(); }
};

// Checks the descriptor of `library` (magic, ABI version, size, every count,
// index and pointer that can be checked, the CPU features it needs) and
// decodes it. CompileError (Kind::Artifact) naming the path on any problem.
std::shared_ptr<const ModuleData> readArtifact(std::shared_ptr<const Library> library);

// Throws CompileError (Kind::Artifact) naming `path` when `features` (an LLVM
// feature string such as "+avx2,+bmi,-sse4a") enables a feature this CPU
// lacks. Features it does not know are assumed present.
void checkCpuFeatures(const std::string &path, const char *features);

} // namespace waot::detail
