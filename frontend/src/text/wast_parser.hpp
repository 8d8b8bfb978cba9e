// Parser of a `.wast` script over the text reader's tokens (lexer.hpp): the
// commands (wast.cpp) and the argument and result values (wast_values.cpp).
#pragma once

#include "lexer.hpp"

#include "waot/frontend/wast.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace waot::wast::detail {

using text::detail::Token;
using text::detail::TokKind;

class ScriptParser {
public:
  explicit ScriptParser(std::string_view source);
  Script run();

private:
  // ---- cursor (wast.cpp) ----
  const Token &peek(std::size_t k = 0) const;
  const Token &next();
  bool atOpen(std::string_view keyword) const; // `(` keyword
  bool atClose() const { return peek().kind == TokKind::RParen; }
  void expectOpen();
  void expectClose(const char *what);
  std::string expectString(const char *what);
  std::optional<std::string> optId();
  [[noreturn]] void fail(const Token &at, const std::string &expected) const;
  std::size_t offsetOf(const Token &token) const;

  // ---- commands (wast.cpp) ----
  Command command();
  void moduleCommand(Command &c);
  ModuleSource moduleBody(const Token &open);
  ModuleSource expectModule(Command &c); // `(module ...)` inside an assertion
  void instanceCommand(Command &c);
  Action action();
  Action actionBody(const Token &keyword);

  // ---- values (wast_values.cpp) ----
  Value constant(bool result);
  Value number(const Token &instr, bool result);
  Value vector(bool result);
  Value reference(const Token &instr);
  Lane lane(const Token &literal, std::string_view type, bool result);
  std::string heapType();

  std::string_view source_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

} // namespace waot::wast::detail
