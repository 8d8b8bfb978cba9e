#include "text_wabt_compat.hpp"

#include <algorithm>
#include <regex>
#include <utility>
#include <vector>

namespace waot::texttest {

namespace {

// Replaces every match of `pattern` and records `description` when any did.
void apply(CompatRewrite &out, const std::regex &pattern, const std::string &replacement,
           const std::string &description) {
  std::string result = std::regex_replace(out.text, pattern, replacement);
  if (result != out.text) {
    out.text = std::move(result);
    out.applied.push_back(description);
  }
}

void replaceLiteral(CompatRewrite &out, const std::string &from, const std::string &to,
                    const std::string &description) {
  bool any = false;
  for (std::size_t at = out.text.find(from); at != std::string::npos;
       at = out.text.find(from, at + to.size())) {
    out.text.replace(at, from.size(), to);
    any = true;
  }
  if (any) out.applied.push_back(description);
}

// Skips a `;;` line comment, a nested `(; ;)` block comment or a string
// starting at `at`; returns the position after it, or `at` if none starts there.
std::size_t skipAtom(const std::string &text, std::size_t at) {
  if (text.compare(at, 2, ";;") == 0) {
    const std::size_t end = text.find('\n', at);
    return end == std::string::npos ? text.size() : end + 1;
  }
  if (text.compare(at, 2, "(;") == 0) {
    int depth = 0;
    std::size_t i = at;
    while (i < text.size()) {
      if (text.compare(i, 2, "(;") == 0)
        ++depth, i += 2;
      else if (text.compare(i, 2, ";)") == 0) {
        i += 2;
        if (--depth == 0) return i;
      } else
        ++i;
    }
    return text.size();
  }
  if (text[at] == '"') {
    std::size_t i = at + 1;
    while (i < text.size() && text[i] != '"')
      i += text[i] == '\\' ? 2 : 1;
    return std::min(i + 1, text.size());
  }
  return at;
}

// [begin, end) of every top-level parenthesized form.
std::vector<std::pair<std::size_t, std::size_t>> topLevelForms(const std::string &text) {
  std::vector<std::pair<std::size_t, std::size_t>> forms;
  int depth = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t next = skipAtom(text, i); next != i) {
      i = next;
      continue;
    }
    if (text[i] == '(') {
      if (depth++ == 0) begin = i;
    } else if (text[i] == ')' && depth > 0 && --depth == 0) {
      forms.emplace_back(begin, i + 1);
    }
    ++i;
  }
  return forms;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The bytes a wast string literal denotes (`\hh`, `\t`, `\n`, `\r`, `\"`, `\'`, `\\`).
std::string decodeString(const std::string &literal) {
  std::string out;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    if (literal[i] != '\\') {
      out += literal[i];
      continue;
    }
    const char c = literal[++i];
    if (c == 't')
      out += '\t';
    else if (c == 'n')
      out += '\n';
    else if (c == 'r')
      out += '\r';
    else if (hexDigit(c) >= 0 && i + 1 < literal.size() && hexDigit(literal[i + 1]) >= 0) {
      out += static_cast<char>(hexDigit(c) * 16 + hexDigit(literal[i + 1]));
      ++i;
    } else
      out += c; // \" \' \\ .
  }
  return out;
}

// A top-level `(module quote "..." ...)` (a valid module given as text)
// becomes the plain module its strings spell. wast2json 1.0.32 aborts on such
// quoted modules; and it only knows LF as a line end, so a bare CR ending a
// comment is written as LF.
void unquoteTopLevelModules(CompatRewrite &out) {
  const std::regex quoteHead(R"(^\(module(\s+\$\S+)?\s+quote\b)");
  const auto forms = topLevelForms(out.text);
  bool any = false;
  for (auto it = forms.rbegin(); it != forms.rend(); ++it) { // back to front: offsets stay valid
    const std::string form = out.text.substr(it->first, it->second - it->first);
    std::smatch head;
    if (!std::regex_search(form, head, quoteHead)) continue;
    std::string body;
    for (std::size_t i = head.length(); i < form.size();) {
      if (form[i] == '"') {
        const std::size_t end = skipAtom(form, i);
        body += decodeString(form.substr(i, end - i));
        i = end;
      } else
        ++i;
    }
    for (std::size_t i = 0; i < body.size(); ++i)
      if (body[i] == '\r' && (i + 1 == body.size() || body[i + 1] != '\n')) body[i] = '\n';
    out.text.replace(it->first, it->second - it->first,
                     "(module" + head.str(1) + "\n" + body + "\n)");
    any = true;
  }
  if (any)
    out.applied.push_back("top-level (module quote ...) written as the plain module it "
                          "spells, a bare CR line end as LF");
}

} // namespace

CompatRewrite rewriteForWast2json1032(const std::string &script) {
  CompatRewrite out{script, {}};
  // `table.op` followed by an operand, a closing paren or the end of a line
  // (i.e. no index): insert the default table index 0.
  apply(out, std::regex(R"(\btable\.(get|set|grow|fill|size)(?=\s*[()]|\s*\n))"), "table.$1 0",
        "table.get/set/grow/fill/size: explicit default table index 0");
  replaceLiteral(out, "(if (i32.const 1) (i32.eqz) (then) (else))",
                 "(if (i32.eqz (i32.const 1)) (then) (else))",
                 "if: multi-expression folded condition written as one expression");
  unquoteTopLevelModules(out);
  return out;
}

} // namespace waot::texttest
