// Which wasm function a trap happened in: the artifact's ELF symbol table
// names every generated function `waot_f<index>_<name>` (local symbols,
// kept by the linker), so the address of the trapping instruction is looked
// up there. Only done when a trap is reported, never on a normal call.
#pragma once

#include "waot/errors.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace waot::detail {

// The function containing `address` (0: unknown), when `address` is in a
// loaded artifact's code and its file still has its symbol table.
std::optional<TrapSite> locateTrapSite(std::uintptr_t address);

// Decodes a generated function's symbol name ("waot_f12_main" -> 12, "main").
std::optional<TrapSite> parseFunctionSymbol(std::string_view symbol);

} // namespace waot::detail
