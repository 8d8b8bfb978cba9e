#include "lexer.hpp"

#include "waot/frontend/text.hpp"

namespace waot::text::detail {

namespace {

bool isIdChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
  case '!':
  case '#':
  case '$':
  case '%':
  case '&':
  case '\'':
  case '*':
  case '+':
  case '-':
  case '.':
  case '/':
  case ':':
  case '<':
  case '=':
  case '>':
  case '?':
  case '@':
  case '\\':
  case '^':
  case '_':
  case '`':
  case '|':
  case '~': return true;
  default: return false;
  }
}

int hexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string &out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the UTF-8 sequence at s[i], or 0 when it is not well formed
// (overlong forms, surrogates and code points above 0x10FFFF included).
std::size_t utf8Length(std::string_view s, std::size_t i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t len;
  std::uint32_t cp;
  if ((b0 & 0xE0) == 0xC0)
    len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0)
    len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0)
    len = 4, cp = b0 & 0x07;
  else
    return 0;
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return 0;
  return len;
}

class Lexer {
public:
  explicit Lexer(std::string_view src) : src_(src) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    std::vector<std::size_t> open;
    while (skipTrivia()) {
      Token tok = lexOne();
      if (tok.kind == TokKind::LParen) {
        open.push_back(tokens.size());
      } else if (tok.kind == TokKind::RParen) {
        if (open.empty()) fail(tok.line, tok.column, "unexpected `)` (no `(` to close)");
        tokens[open.back()].match = tokens.size();
        open.pop_back();
      }
      tokens.push_back(std::move(tok));
    }
    if (!open.empty()) {
      const Token &o = tokens[open.back()];
      fail(line_, col_,
           "expected `)` to close the `(` at " + std::to_string(o.line) + ":" +
               std::to_string(o.column) + ", found end of input");
    }
    tokens.push_back(Token{TokKind::Eof, line_, col_, {}, {}, 0});
    return tokens;
  }

private:
  [[noreturn]] void fail(std::uint32_t line, std::uint32_t col, const std::string &msg) {
    throw TextError(line, col, msg);
  }
  [[noreturn]] void failHere(const std::string &msg) { fail(line_, col_, msg); }

  bool atEnd() const { return pos_ >= src_.size(); }
  unsigned char peek(std::size_t k = 0) const {
    return pos_ + k < src_.size() ? static_cast<unsigned char>(src_[pos_ + k]) : 0;
  }
  void advance() {
    auto c = static_cast<unsigned char>(src_[pos_++]);
    // Newlines are LF, CR and CR LF (the CR of a CR LF counts as a character).
    if (c == '\n' || (c == '\r' && peek() != '\n')) {
      ++line_;
      col_ = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++col_;
    }
  }

  // Skips whitespace, comments and annotations; false at the end of input.
  bool skipTrivia() {
    for (;;) {
      if (atEnd()) return false;
      unsigned char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == ';' && peek(1) == ';') {
        while (!atEnd() && peek() != '\n' && peek() != '\r')
          checkedAdvance();
      } else if (c == '(' && peek(1) == ';') {
        skipBlockComment();
      } else if (c == '(' && peek(1) == '@' && (isIdChar(peek(2)) || peek(2) == '"')) {
        skipAnnotation();
      } else {
        return true;
      }
    }
  }

  // Advances over one source character, rejecting malformed UTF-8 (the
  // source must be valid UTF-8 even inside comments).
  void checkedAdvance() {
    std::size_t len = utf8Length(src_, pos_);
    if (len == 0) failHere("malformed UTF-8 encoding");
    for (std::size_t k = 0; k < len; ++k)
      advance();
  }

  void skipBlockComment() {
    std::uint32_t line = line_, col = col_;
    advance();
    advance();
    int depth = 1;
    while (depth > 0) {
      if (atEnd()) fail(line, col, "unterminated block comment: expected `;)`, found end of input");
      if (peek() == '(' && peek(1) == ';') {
        advance();
        advance();
        ++depth;
      } else if (peek() == ';' && peek(1) == ')') {
        advance();
        advance();
        --depth;
      } else {
        checkedAdvance();
      }
    }
  }

  // `(@name ...)`: skipped with its balanced contents (strings and comments
  // inside are lexed so that a `)` in them does not end it).
  void skipAnnotation() {
    std::uint32_t line = line_, col = col_;
    advance();
    advance();           // `@`
    if (peek() == '"') { // `(@"id" ...)`: a name
      std::string id;
      lexString(id);
      if (id.empty()) fail(line, col, "empty annotation id");
      if (!isValidUtf8(id)) fail(line, col, "malformed UTF-8 encoding in annotation id");
    }
    int depth = 1;
    while (depth > 0) {
      if (!skipTrivia())
        fail(line, col, "unterminated annotation: expected `)`, found end of input");
      unsigned char c = peek();
      if (c == '(') {
        advance();
        ++depth;
      } else if (c == ')') {
        advance();
        --depth;
      } else if (c == '"') {
        std::string ignored;
        lexString(ignored);
      } else if (c < 0x20 || c >= 0x7F) {
        // Outside strings an annotation holds tokens: ASCII characters only.
        failHere("illegal character in annotation");
      } else {
        advance();
      }
    }
  }

  // A string literal at pos_, decoded into out.
  void lexString(std::string &out) {
    std::uint32_t line = line_, col = col_;
    advance(); // opening quote
    for (;;) {
      if (atEnd()) fail(line, col, "unterminated string: expected `\"`, found end of input");
      unsigned char c = peek();
      if (c == '"') {
        advance();
        return;
      }
      if (c == '\n') failHere("unterminated string: expected `\"`, found end of line");
      if (c < 0x20 || c == 0x7F) failHere("control character in string (use an escape)");
      if (c != '\\') {
        std::size_t start = pos_;
        checkedAdvance();
        out.append(src_.substr(start, pos_ - start));
        continue;
      }
      lexEscape(out);
    }
  }

  void lexEscape(std::string &out) {
    std::uint32_t line = line_, col = col_;
    advance(); // backslash
    unsigned char e = peek();
    switch (e) {
    case 'n':
      out += '\n';
      advance();
      return;
    case 't':
      out += '\t';
      advance();
      return;
    case 'r':
      out += '\r';
      advance();
      return;
    case '\\':
      out += '\\';
      advance();
      return;
    case '\'':
      out += '\'';
      advance();
      return;
    case '"':
      out += '"';
      advance();
      return;
    case 'u': {
      advance();
      if (peek() != '{') failHere("expected `{` after `\\u`");
      advance();
      std::uint32_t cp = 0;
      bool any = false, lastUnderscore = false;
      while (hexValue(peek()) >= 0 || (peek() == '_' && any)) {
        if (peek() == '_') {
          if (lastUnderscore) break;
          lastUnderscore = true;
        } else {
          lastUnderscore = false;
          cp = cp * 16 + static_cast<std::uint32_t>(hexValue(peek()));
          if (cp > 0x10FFFF) fail(line, col, "unicode escape out of range");
          any = true;
        }
        advance();
      }
      if (!any || lastUnderscore || peek() != '}')
        failHere("malformed unicode escape: expected hex digits and `}`");
      advance();
      if (cp >= 0xD800 && cp < 0xE000) fail(line, col, "unicode escape is a surrogate");
      appendUtf8(out, cp);
      return;
    }
    default:
      if (hexValue(e) >= 0 && hexValue(peek(1)) >= 0) {
        out += static_cast<char>(hexValue(e) * 16 + hexValue(peek(1)));
        advance();
        advance();
        return;
      }
      fail(line, col, "unknown escape: expected one of \\n \\t \\r \\\\ \\' \\\" \\hh \\u{...}");
    }
  }

  Token lexOne() {
    Token tok{TokKind::Eof, line_, col_, {}, {}, 0};
    std::size_t start = pos_;
    unsigned char c = peek();
    if (c == '(' || c == ')') {
      advance();
      tok.kind = c == '(' ? TokKind::LParen : TokKind::RParen;
    } else if (c == '"') {
      tok.kind = TokKind::String;
      lexString(tok.value);
      rejectGlued(tok, start);
    } else if (isIdChar(c)) {
      while (!atEnd() && isIdChar(peek()))
        advance();
      std::string_view run = src_.substr(start, pos_ - start);
      if (run == "$" && peek() == '"') {
        tok.kind = TokKind::Id;
        lexString(tok.value);
        if (tok.value.empty()) fail(tok.line, tok.column, "empty identifier `$\"\"`");
        if (!isValidUtf8(tok.value)) fail(tok.line, tok.column, "identifier is not valid UTF-8");
        rejectGlued(tok, start);
      } else {
        classifyRun(tok, run);
        if (peek() == '"') reserved(tok, start);
      }
    } else {
      checkedAdvance();
      reserved(tok, start);
    }
    tok.text = src_.substr(start, pos_ - start);
    return tok;
  }

  void classifyRun(Token &tok, std::string_view run) {
    unsigned char c = static_cast<unsigned char>(run[0]);
    if (c == '$' && run.size() > 1) {
      tok.kind = TokKind::Id;
      tok.value = std::string(run.substr(1));
    } else if (c >= 'a' && c <= 'z') {
      tok.kind = TokKind::Keyword;
    } else if ((c >= '0' && c <= '9') || c == '+' || c == '-') {
      tok.kind = TokKind::Number;
    } else {
      fail(tok.line, tok.column, "unexpected reserved token `" + std::string(run) + "`");
    }
  }

  // A token directly followed by a string or identifier character forms one
  // reserved token with it (tokens must be separated).
  void rejectGlued(const Token &tok, std::size_t start) {
    if (!atEnd() && (isIdChar(peek()) || peek() == '"')) reserved(tok, start);
  }

  [[noreturn]] void reserved(const Token &tok, std::size_t start) {
    while (!atEnd() && (isIdChar(peek()) || peek() == '"' || peek() == ',' || peek() == ';' ||
                        peek() == '[' || peek() == ']' || peek() == '{' || peek() == '}'))
      advance();
    std::string_view text = src_.substr(start, std::min<std::size_t>(pos_ - start, 40));
    fail(tok.line, tok.column, "unexpected reserved token `" + std::string(text) + "`");
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1, col_ = 1;
};

} // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

bool isValidUtf8(std::string_view bytes) {
  for (std::size_t i = 0; i < bytes.size();) {
    std::size_t len = utf8Length(bytes, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string describe(const Token &token) {
  auto clip = [](std::string_view s) {
    return s.size() > 40 ? std::string(s.substr(0, 40)) + "..." : std::string(s);
  };
  switch (token.kind) {
  case TokKind::LParen: return "`(`";
  case TokKind::RParen: return "`)`";
  case TokKind::Keyword: return "keyword `" + clip(token.text) + "`";
  case TokKind::Number: return "number `" + clip(token.text) + "`";
  case TokKind::String: return "string " + clip(token.text);
  case TokKind::Id: return "identifier `" + clip(token.text) + "`";
  case TokKind::Eof: return "end of input";
  }
  return "token";
}

} // namespace waot::text::detail
