// waot-codegen.so: the compiler's entry points for tools that load it on
// demand (see waot/codegen/plugin.hpp).
#include "waot/codegen/plugin.hpp"

namespace {

void compileToFile(std::span<const std::uint8_t> wasm, const waot::codegen::CompileOptions &options,
                   waot::codegen::EmitKind kind, const std::filesystem::path &output) {
  waot::codegen::compileToFile(wasm, options, kind, output);
}

std::vector<std::uint8_t> compileToSharedLibrary(std::span<const std::uint8_t> wasm,
                                                 const waot::codegen::CompileOptions &options) {
  return waot::codegen::compileToSharedLibrary(wasm, options);
}

constexpr waot::codegen::PluginEntryPoints kEntryPoints{
    WAOT_VERSION, sizeof(waot::codegen::CompileOptions), &compileToFile, &compileToSharedLibrary};

} // namespace

extern "C" __attribute__((visibility("default"))) const waot::codegen::PluginEntryPoints *
waot_codegen_plugin_entry_points() {
  return &kEntryPoints;
}
