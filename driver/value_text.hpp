// Text forms of wasm values on the command line: parsing `waot run`
// arguments and printing results in the spec's notation (`i32:3628800`).
#pragma once

#include <waot/waot.hpp>

#include <string>
#include <string_view>

namespace waot::driver {

// Parses `text` as a value of type `type`. Accepts decimal and 0x-hex
// integers (signed, or unsigned up to the type's width), decimal/hex floats,
// `nan`, `inf`, `-inf`, `nan:0x...` (payload), and an optional `TYPE:` prefix
// that must match `type`. Throws waot::TypeError naming the argument.
Value parseValue(std::string_view text, ValType type, std::size_t argumentIndex);

// "i32:-1", "i64:2432902008176640000", "f32:1.5", "f64:nan", "funcref:null".
std::string formatValue(const Value &value);

} // namespace waot::driver
