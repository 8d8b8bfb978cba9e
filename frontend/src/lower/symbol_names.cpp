#include "symbol_names.hpp"

#include "waot/abi.h"

namespace waot::frontend::lower {
namespace {

bool isSymbolCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

} // namespace

std::string sanitizeSymbolPart(std::string_view name) {
  std::string result(name.substr(0, kMaxSymbolNameSuffix));
  for (char &c : result)
    if (!isSymbolCharacter(c)) c = '_';
  return result;
}

std::string definedFunctionSymbol(std::uint32_t functionIndex, std::string_view name) {
  // Built with append: GCC 12 reports a false -Wrestrict for chained operator+.
  std::string symbol = "waot_f";
  symbol.append(std::to_string(functionIndex));
  if (!name.empty()) symbol.append("_").append(sanitizeSymbolPart(name));
  return symbol;
}

std::string entryTrampolineSymbol(std::uint32_t typeIndex) {
  return "waot_entry_t" + std::to_string(typeIndex);
}

std::string hostAdapterSymbol(std::uint32_t typeIndex) {
  return "waot_host_t" + std::to_string(typeIndex);
}

std::string ordinaryEntrySymbol(std::uint32_t functionIndex) {
  return "waot_centry_f" + std::to_string(functionIndex);
}

std::string linkedDescriptorSymbol(std::string_view linkName) {
  std::string symbol = WAOT_LINKED_SYMBOL_PREFIX;
  return symbol.append(linkName);
}

std::string linkedCodeSection(std::string_view linkName) {
  std::string section = WAOT_LINKED_CODE_SECTION_PREFIX;
  return section.append(linkName);
}

} // namespace waot::frontend::lower
