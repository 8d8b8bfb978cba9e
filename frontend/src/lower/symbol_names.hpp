// Symbol names of the functions waot generates. In a module lowered as one
// part every generated function has internal linkage (except the artifact
// descriptor) and names only matter for readability (profiles, disassembly,
// IR dumps). In a module split into parts (lower.hpp: partitionModule) the
// wasm functions are hidden symbols shared between the parts' objects: their
// names must then be unique and the same in every part, which the function
// index in them guarantees.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace waot::frontend::lower {

// Longest part of a name-section name kept in a symbol: enough to recognize a
// C++ or Rust function in a profile without megabyte-long mangled names.
inline constexpr std::size_t kMaxSymbolNameSuffix = 96;

// `name` with every character outside [A-Za-z0-9_] replaced by '_', cut to
// kMaxSymbolNameSuffix characters.
std::string sanitizeSymbolPart(std::string_view name);

// "waot_f<functionIndex>" or "waot_f<functionIndex>_<sanitized name>".
std::string definedFunctionSymbol(std::uint32_t functionIndex, std::string_view name);

// "waot_entry_t<typeIndex>" and "waot_host_t<typeIndex>".
std::string entryTrampolineSymbol(std::uint32_t typeIndex);
std::string hostAdapterSymbol(std::uint32_t typeIndex);
// "waot_centry_f<functionIndex>": the ordinary entry of a tailcc function.
std::string ordinaryEntrySymbol(std::uint32_t functionIndex);

// A module compiled for linking into an application under `linkName` (a C
// identifier): its descriptor WAOT_LINKED_SYMBOL_PREFIX + linkName, its code
// section WAOT_LINKED_CODE_SECTION_PREFIX + linkName (see waot/abi.h).
std::string linkedDescriptorSymbol(std::string_view linkName);
std::string linkedCodeSection(std::string_view linkName);

} // namespace waot::frontend::lower
