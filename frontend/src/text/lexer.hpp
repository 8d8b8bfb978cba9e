// Tokens of the WebAssembly text format (spec 6.3 "Lexical format").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace waot::text::detail {

enum class TokKind : std::uint8_t {
  LParen,
  RParen,
  Keyword, // starts with a lower-case letter: mnemonics, `offset=4`, `inf`, `nan:0x1`
  Number,  // starts with a digit or a sign: integers and floats, checked when used
  String,  // value holds the decoded bytes
  Id,      // value holds the name without `$` (`$"..."` decoded)
  Eof,
};

struct Token {
  TokKind kind;
  std::uint32_t line;
  std::uint32_t column;
  std::string_view text; // the source characters of the token
  std::string value;     // decoded string bytes or identifier name
  // For LParen: index of the matching RParen (lets a pass skip a whole field).
  std::size_t match = 0;
};

// Splits the whole source into tokens, skipping whitespace, comments and
// annotations `(@id ...)`; reserved tokens, bad escapes, unterminated strings
// and comments, and unbalanced parentheses are TextErrors. The last token is Eof.
std::vector<Token> tokenize(std::string_view source);

// "keyword `foo`", "`(`", "string \"ab\"", "end of input": for error messages.
std::string describe(const Token &token);

// True when bytes are valid UTF-8 (names must be).
bool isValidUtf8(std::string_view bytes);

} // namespace waot::text::detail
