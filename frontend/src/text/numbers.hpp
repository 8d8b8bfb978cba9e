// Numeric literals of the text format (spec 6.3.1 "Integers", 6.3.2 "Floating-Point").
// Each parser takes the token's text and returns nullopt when the text is not a
// literal of that type or is out of its range; callers turn that into a
// TextError at the token.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace waot::text::detail {

// Unsigned only (indices, alignments, lane indices): `12`, `0x1_F`.
std::optional<std::uint64_t> parseUnsigned(std::string_view text, std::uint64_t max);

// iN with N in 8/16/32/64: a signed or unsigned literal in
// [-2^(N-1), 2^N - 1], returned as its two's-complement bits.
std::optional<std::uint64_t> parseIntBits(std::string_view text, unsigned bits);

// fN bits (N = 32 or 64), exactly rounded (round to nearest, ties to even):
// decimal and hexadecimal forms, `inf`, `nan`, `nan:0x...` payloads. A
// literal whose rounded value overflows to infinity is rejected.
std::optional<std::uint32_t> parseF32(std::string_view text);
std::optional<std::uint64_t> parseF64(std::string_view text);

// Whether text has the form of an integer (float) literal, whatever its
// value: tells "out of range" from "not a literal" in error messages.
bool isIntSyntax(std::string_view text);
bool isFloatSyntax(std::string_view text);

// Result patterns of the script format: `nan:canonical`, `nan:arithmetic`.
enum class NanPattern : std::uint8_t { None, Canonical, Arithmetic };
NanPattern nanPattern(std::string_view text);

} // namespace waot::text::detail
