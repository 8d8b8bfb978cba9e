// waot's own WebAssembly text-format reader: `.wat` source to the module's
// binary encoding (no wabt at run time). The output is the spec's binary
// format with minimal LEB128s, the same bytes `wat2wasm` writes for the same
// module (see docs in frontend/src/text/module_parser.hpp for the few choices
// the spec leaves open, which follow wabt).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace waot::text {

// A malformed text module. what() is "LINE:COLUMN: message", where the
// message says what was expected and what was found; line and column are
// 1-based (columns count Unicode characters).
struct TextError : std::runtime_error {
  TextError(std::uint32_t line, std::uint32_t column, const std::string &message);
  std::uint32_t line;
  std::uint32_t column;
  std::string message; // without the position prefix
};

// Converts one text module, `(module ...)` or a bare list of module fields,
// including `(module binary "...")` and `(module quote "...")`, to its binary
// encoding. Throws TextError. The module is not validated (wrong operand types
// are left to the decoder's validator); only what the text format itself
// rules out is an error.
std::vector<std::uint8_t> watToBinary(std::string_view source);

} // namespace waot::text
