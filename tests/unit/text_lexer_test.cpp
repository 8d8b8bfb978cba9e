// The text-format lexer: tokens, comments, strings, identifiers, annotations,
// reserved tokens, and the line:column of every token.
#include "lexer.hpp"

#include "waot/frontend/text.hpp"

#include <gtest/gtest.h>

using waot::text::TextError;
using waot::text::detail::Token;
using waot::text::detail::tokenize;
using waot::text::detail::TokKind;

namespace {

// The TextError a lexing of src throws (fails the test if none).
TextError lexError(std::string_view src) {
  try {
    tokenize(src);
  } catch (const TextError &e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << src;
  return TextError(0, 0, "");
}

} // namespace

TEST(TextLexer, KindsPositionsAndMatchingParens) {
  auto t = tokenize("(module $m\n  (func i32.const -0x1_0 1.5e3))");
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].kind, TokKind::LParen);
  EXPECT_EQ(t[1].kind, TokKind::Keyword);
  EXPECT_EQ(t[1].text, "module");
  EXPECT_EQ(t[2].kind, TokKind::Id);
  EXPECT_EQ(t[2].value, "m");
  EXPECT_EQ(t[3].line, 2u);
  EXPECT_EQ(t[3].column, 3u);
  EXPECT_EQ(t[5].text, "i32.const");
  EXPECT_EQ(t[6].kind, TokKind::Number);
  EXPECT_EQ(t[6].text, "-0x1_0");
  EXPECT_EQ(t[6].column, 19u);
  EXPECT_EQ(t[7].text, "1.5e3");
  EXPECT_EQ(t[0].match, 9u);
  EXPECT_EQ(t[3].match, 8u);
  EXPECT_EQ(t[10].kind, TokKind::Eof);
  EXPECT_EQ(t[10].line, 2u);
}

TEST(TextLexer, CommentsNestAndAreSkipped) {
  auto t = tokenize(";; line ( comment\n(; block (; nested ;) still ) comment ;) x ;; end");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].text, "x");
  EXPECT_EQ(t[0].line, 2u);
  EXPECT_EQ(t[0].column, 42u);
  TextError e = lexError("a (; (; ;) b");
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, 3u);
  EXPECT_NE(e.message.find("expected `;)`"), std::string::npos) << e.what();
}

TEST(TextLexer, StringEscapes) {
  auto t = tokenize(R"("a\n\t\\\'\"\41\ff\u{48}\u{e9}\u{1F600}\r")");
  ASSERT_EQ(t[0].kind, TokKind::String);
  EXPECT_EQ(t[0].value, std::string("a\n\t\\'\"A\xff"
                                    "H\xc3\xa9\xf0\x9f\x98\x80\r"));
  EXPECT_EQ(tokenize("\"\"")[0].value, "");
}

TEST(TextLexer, BadStringsAreErrorsAtTheirPosition) {
  TextError e = lexError("x \"ab\\q\"");
  EXPECT_EQ(e.column, 6u);
  EXPECT_NE(e.message.find("unknown escape"), std::string::npos) << e.what();
  e = lexError("\n  \"abc");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 3u);
  EXPECT_NE(e.message.find("unterminated string"), std::string::npos);
  EXPECT_NE(lexError("\"\\u{D800}\"").message.find("surrogate"), std::string::npos);
  EXPECT_NE(lexError("\"\\u{110000}\"").message.find("out of range"), std::string::npos);
  EXPECT_NE(lexError("\"a\x01\"").message.find("control character"), std::string::npos);
  EXPECT_NE(lexError("\"\xff\"").message.find("UTF-8"), std::string::npos);
}

TEST(TextLexer, Identifiers) {
  auto t = tokenize(R"($a.b!#%&'*+-/:<=>?@\^_`|~ $"with space" $"\41")");
  EXPECT_EQ(t[0].kind, TokKind::Id);
  EXPECT_EQ(t[0].value, R"(a.b!#%&'*+-/:<=>?@\^_`|~)");
  EXPECT_EQ(t[1].kind, TokKind::Id);
  EXPECT_EQ(t[1].value, "with space");
  EXPECT_EQ(t[2].value, "A");
  EXPECT_NE(lexError("$\"\"").message.find("empty identifier"), std::string::npos);
}

TEST(TextLexer, AnnotationsAreSkipped) {
  auto t = tokenize("(@custom \"a)\" (nested ;; )\n ) x) (@name) (@\"quoted id\" 1) y");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].text, "y");
  EXPECT_EQ(t[1].kind, TokKind::Eof);
}

TEST(TextLexer, ReservedTokensAreErrors) {
  TextError e = lexError("(module ,)");
  EXPECT_EQ(e.column, 9u);
  EXPECT_NE(e.message.find("reserved token `,`"), std::string::npos) << e.what();
  EXPECT_NE(lexError("a\"b\"").message.find("reserved token `a\"b\"`"), std::string::npos);
  EXPECT_NE(lexError("\"a\"b").message.find("reserved"), std::string::npos);
  EXPECT_NE(lexError("$ x").message.find("reserved token `$`"), std::string::npos);
  EXPECT_NE(lexError("Abc").message.find("reserved"), std::string::npos);
  EXPECT_NE(lexError("{").message.find("reserved"), std::string::npos);
}

TEST(TextLexer, UnbalancedParentheses) {
  TextError e = lexError("(module\n  (func)");
  EXPECT_EQ(e.line, 2u);
  EXPECT_NE(e.message.find("expected `)` to close the `(` at 1:1"), std::string::npos) << e.what();
  e = lexError("()\n )");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 2u);
}

TEST(TextLexer, ColumnsCountCharactersNotBytes) {
  auto t = tokenize("\"\xc3\xa9\xc3\xa9\" x");
  EXPECT_EQ(t[1].column, 6u);
}
