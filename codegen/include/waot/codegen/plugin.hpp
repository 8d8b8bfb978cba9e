// The compiler as a loadable module (waot-codegen.so), so that a tool that
// only sometimes compiles need not load LLVM when it does not: a cached
// `waot run` starts in a few milliseconds, while loading libLLVM alone costs
// tens. Built from the same sources and toolchain as its users, so the entry
// points pass C++ types and exceptions (waot::CompileError, waot::Error)
// unchanged; the version check below refuses a module from another build.
#pragma once

#include "waot/codegen/compiler.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace waot::codegen {

struct PluginEntryPoints {
  // WAOT_VERSION of the build, and the layout of CompileOptions it expects.
  const char *version;
  std::size_t compileOptionsSize;
  void (*compileToFile)(std::span<const std::uint8_t> wasm, const CompileOptions &options,
                        EmitKind kind, const std::filesystem::path &output);
  std::vector<std::uint8_t> (*compileToSharedLibrary)(std::span<const std::uint8_t> wasm,
                                                      const CompileOptions &options);
};

} // namespace waot::codegen

// The one symbol the module exports.
#define WAOT_CODEGEN_PLUGIN_SYMBOL "waot_codegen_plugin_entry_points"
extern "C" const waot::codegen::PluginEntryPoints *waot_codegen_plugin_entry_points();
