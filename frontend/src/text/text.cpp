// Entry point: `(module ...)` forms, including `binary` and `quote` ones.
#include "waot/frontend/text.hpp"

#include "lexer.hpp"
#include "module_parser.hpp"

namespace waot::text {

TextError::TextError(std::uint32_t line_, std::uint32_t column_, const std::string &message_)
    : std::runtime_error(std::to_string(line_) + ":" + std::to_string(column_) + ": " + message_),
      line(line_), column(column_), message(message_) {}

std::vector<std::uint8_t> watToBinary(std::string_view source) {
  using namespace detail;
  std::vector<Token> tokens = tokenize(source);
  bool wrapped = tokens.size() > 2 && tokens[0].kind == TokKind::LParen &&
                 tokens[1].kind == TokKind::Keyword && tokens[1].text == "module";
  if (!wrapped) return ModuleParser(tokens, 0, tokens.size() - 1).run();

  std::size_t close = tokens[0].match;
  const Token &after = tokens[close + 1];
  if (after.kind != TokKind::Eof)
    throw TextError(after.line, after.column,
                    "expected end of input after the module, found " + describe(after));
  std::size_t begin = 2;
  if (tokens[begin].kind == TokKind::Id) ++begin;
  const Token &form = tokens[begin];
  if (form.kind == TokKind::Keyword && (form.text == "binary" || form.text == "quote")) {
    std::string bytes;
    for (std::size_t i = begin + 1; i < close; ++i) {
      if (tokens[i].kind != TokKind::String)
        throw TextError(tokens[i].line, tokens[i].column,
                        "expected a string, found " + describe(tokens[i]));
      bytes += tokens[i].value;
    }
    if (form.text == "binary") return {bytes.begin(), bytes.end()};
    return watToBinary(bytes);
  }
  // The module's fields end at its `)`, which reads as the end of input.
  return ModuleParser(tokens, begin, close).run();
}

} // namespace waot::text
