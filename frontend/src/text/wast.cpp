// The script format (spec interpreter's `script` grammar): commands, actions
// and module forms. Values are in wast_values.cpp.
#include "wast_parser.hpp"

#include <algorithm>
#include <iterator>

namespace waot::wast {

namespace detail {

using text::detail::describe;
using text::detail::tokenize;

ScriptParser::ScriptParser(std::string_view source) : source_(source), tokens_(tokenize(source)) {}

const Token &ScriptParser::peek(std::size_t k) const {
  return tokens_[std::min(pos_ + k, tokens_.size() - 1)];
}

const Token &ScriptParser::next() {
  const Token &t = peek();
  if (t.kind != TokKind::Eof) ++pos_;
  return t;
}

bool ScriptParser::atOpen(std::string_view keyword) const {
  return peek().kind == TokKind::LParen && peek(1).kind == TokKind::Keyword &&
         peek(1).text == keyword;
}

void ScriptParser::expectOpen() {
  if (peek().kind != TokKind::LParen) fail(peek(), "`(`");
  next();
}

void ScriptParser::expectClose(const char *what) {
  if (!atClose()) fail(peek(), std::string("`)` to end the ") + what);
  next();
}

std::string ScriptParser::expectString(const char *what) {
  if (peek().kind != TokKind::String) fail(peek(), what);
  return next().value;
}

std::optional<std::string> ScriptParser::optId() {
  if (peek().kind != TokKind::Id) return std::nullopt;
  return next().value;
}

void ScriptParser::fail(const Token &at, const std::string &expected) const {
  throw TextError(at.line, at.column, "expected " + expected + ", found " + describe(at));
}

std::size_t ScriptParser::offsetOf(const Token &token) const {
  return static_cast<std::size_t>(token.text.data() - source_.data());
}

namespace {

// Fields a script that is one inline module starts with (spec: a script is
// commands, or the fields of one module).
constexpr std::string_view kModuleFields[] = {"type",   "import", "func",  "table", "memory",
                                              "global", "export", "start", "elem",  "data"};

} // namespace

Script ScriptParser::run() {
  Script script;
  const bool inlineModule = peek().kind == TokKind::LParen && peek(1).kind == TokKind::Keyword &&
                            std::find(std::begin(kModuleFields), std::end(kModuleFields),
                                      peek(1).text) != std::end(kModuleFields);
  if (inlineModule) {
    Command c;
    c.kind = Command::Kind::Module;
    c.line = peek().line;
    c.column = peek().column;
    ModuleSource m;
    m.line = c.line;
    m.column = c.column;
    m.source = std::string(source_.substr(offsetOf(peek())));
    c.module = std::move(m);
    script.commands.push_back(std::move(c));
    return script;
  }
  while (peek().kind != TokKind::Eof)
    script.commands.push_back(command());
  return script;
}

namespace {

struct NamedKind {
  std::string_view keyword;
  Command::Kind kind;
};

// The assertions, by keyword; `module`, `register` and actions are handled
// apart (their operands differ).
constexpr NamedKind kAssertions[] = {
    {"assert_return", Command::Kind::AssertReturn},
    {"assert_trap", Command::Kind::AssertTrap},
    {"assert_exhaustion", Command::Kind::AssertExhaustion},
    {"assert_exception", Command::Kind::AssertException},
    {"assert_malformed", Command::Kind::AssertMalformed},
    {"assert_invalid", Command::Kind::AssertInvalid},
    {"assert_unlinkable", Command::Kind::AssertUnlinkable},
    {"assert_uninstantiable", Command::Kind::AssertUninstantiable},
};

} // namespace

Command ScriptParser::command() {
  const Token &open = peek();
  if (open.kind != TokKind::LParen || peek(1).kind != TokKind::Keyword)
    fail(peek(open.kind == TokKind::LParen ? 1 : 0), "a script command");
  Command c;
  c.line = open.line;
  c.column = open.column;
  if (atOpen("module")) {
    moduleCommand(c);
    return c;
  }
  next();
  const Token &keyword = next();
  if (keyword.text == "register") {
    c.kind = Command::Kind::Register;
    c.as = expectString("the registered name (a string)");
    c.name = optId();
  } else if (keyword.text == "invoke" || keyword.text == "get") {
    c.kind = Command::Kind::Action;
    c.action = actionBody(keyword);
  } else {
    const NamedKind *found = nullptr;
    for (const NamedKind &k : kAssertions)
      if (k.keyword == keyword.text) found = &k;
    if (!found) fail(keyword, "a script command (module, register, invoke, get, assert_...)");
    c.kind = found->kind;
    using K = Command::Kind;
    const bool onModule = c.kind == K::AssertMalformed || c.kind == K::AssertInvalid ||
                          c.kind == K::AssertUnlinkable || c.kind == K::AssertUninstantiable ||
                          (c.kind == K::AssertTrap && atOpen("module"));
    if (onModule)
      c.module = expectModule(c);
    else
      c.action = action();
    if (c.kind == K::AssertReturn) {
      while (!atClose())
        c.expected.push_back(constant(true));
    } else if (c.kind != K::AssertException) {
      c.text = expectString("the expected failure message (a string)");
    }
  }
  expectClose("command");
  return c;
}

// `(module definition? $id? ...)` or `(module instance $inst? $def?)` at the
// top level of the script.
void ScriptParser::moduleCommand(Command &c) {
  const Token &open = next();
  next(); // `module`
  c.kind = Command::Kind::Module;
  if (peek().kind == TokKind::Keyword && peek().text == "instance") {
    next();
    c.kind = Command::Kind::ModuleInstance;
    c.name = optId();
    c.definition = optId();
    expectClose("module instance");
    return;
  }
  if (peek().kind == TokKind::Keyword && peek().text == "definition") {
    next();
    c.kind = Command::Kind::ModuleDefinition;
  }
  c.name = optId();
  c.module = moduleBody(open);
}

// The module inside an assertion: `(module ...)`, also in its definition form.
ModuleSource ScriptParser::expectModule(Command &c) {
  if (!atOpen("module")) fail(peek(), "a module `(module ...)`");
  const Token &open = next();
  next();
  if (peek().kind == TokKind::Keyword && peek().text == "definition") next();
  c.name = optId();
  return moduleBody(open);
}

// After `(module $id?`: the body up to and including its `)`.
ModuleSource ScriptParser::moduleBody(const Token &open) {
  ModuleSource m;
  const Token &first = peek();
  const bool binary = first.kind == TokKind::Keyword && first.text == "binary";
  const bool quote = first.kind == TokKind::Keyword && first.text == "quote";
  if (binary || quote) {
    next();
    m.form = binary ? ModuleSource::Form::Binary : ModuleSource::Form::Quote;
    m.line = open.line;
    m.column = open.column;
    while (!atClose())
      m.source += expectString(binary ? "a string of module bytes" : "a string of module text");
    next();
    return m;
  }
  m.form = ModuleSource::Form::Text;
  m.line = first.line;
  m.column = first.column;
  // Skip the fields without reading them (they are read when the command
  // runs): a field is any balanced token sequence up to the module's `)`.
  const std::size_t close = open.match;
  pos_ = close;
  const std::size_t begin = offsetOf(first), end = offsetOf(tokens_[close]);
  m.source = std::string(source_.substr(begin, end - begin));
  next();
  return m;
}

Action ScriptParser::action() {
  if (peek().kind != TokKind::LParen || peek(1).kind != TokKind::Keyword ||
      (peek(1).text != "invoke" && peek(1).text != "get"))
    fail(peek(peek().kind == TokKind::LParen ? 1 : 0), "an action `(invoke ...)` or `(get ...)`");
  next();
  const Token &keyword = next();
  Action a = actionBody(keyword);
  expectClose(keyword.text == "get" ? "get" : "invoke");
  return a;
}

// After `invoke` or `get`: `$m? "name" arg*` (the `)` is left).
Action ScriptParser::actionBody(const Token &keyword) {
  Action a;
  a.kind = keyword.text == "get" ? Action::Kind::Get : Action::Kind::Invoke;
  a.module = optId();
  a.field = expectString("the export name (a string)");
  if (a.kind == Action::Kind::Invoke)
    while (!atClose())
      a.args.push_back(constant(false));
  return a;
}

} // namespace detail

Script parseScript(std::string_view source) { return detail::ScriptParser(source).run(); }

std::vector<std::uint8_t> moduleBytes(const ModuleSource &module) {
  switch (module.form) {
  case ModuleSource::Form::Binary: return {module.source.begin(), module.source.end()};
  case ModuleSource::Form::Quote: try { return text::watToBinary(module.source);
    } catch (const TextError &e) {
      throw TextError(module.line, module.column, "in the quoted module, " + std::string(e.what()));
    }
  case ModuleSource::Form::Text: try { return text::watToBinary(module.source);
    } catch (const TextError &e) {
      // Positions in the fields' text, made script positions.
      const std::uint32_t line = module.line + e.line - 1;
      const std::uint32_t column = e.line == 1 ? module.column + e.column - 1 : e.column;
      throw TextError(line, column, e.message);
    }
  }
  return {};
}

namespace {

// The payload of section `id` of a binary module, empty when it has none
// (or the section headers are malformed).
std::string_view sectionPayload(std::string_view wasm, std::uint8_t id) {
  std::size_t pos = 8;
  while (pos < wasm.size()) {
    const auto sectionId = static_cast<std::uint8_t>(wasm[pos++]);
    std::uint64_t size = 0;
    for (unsigned shift = 0; pos < wasm.size() && shift < 35; shift += 7) {
      const auto b = static_cast<std::uint8_t>(wasm[pos++]);
      size |= std::uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) break;
    }
    if (size > wasm.size() - pos) return {};
    if (sectionId == id) return wasm.substr(pos, size);
    pos += size;
  }
  return {};
}

} // namespace

bool mayImportFrom(const ModuleSource &module, std::string_view name) {
  if (module.form == ModuleSource::Form::Binary) {
    // `name` as a binary name: its length (one LEB128 byte for the short
    // names scripts register), then its bytes.
    if (name.size() >= 0x80) return false;
    std::string encoded(1, static_cast<char>(name.size()));
    encoded += name;
    return sectionPayload(module.source, 2).find(encoded) != std::string_view::npos;
  }
  try {
    const std::vector<detail::Token> tokens = text::detail::tokenize(module.source);
    for (std::size_t i = 0; i + 2 < tokens.size(); ++i)
      if (tokens[i].kind == detail::TokKind::LParen && tokens[i + 1].text == "import" &&
          tokens[i + 2].kind == detail::TokKind::String && tokens[i + 2].value == name)
        return true;
  } catch (const TextError &) {
  }
  return false;
}

const char *commandName(Command::Kind kind) {
  switch (kind) {
  case Command::Kind::Module: return "module";
  case Command::Kind::ModuleDefinition: return "module definition";
  case Command::Kind::ModuleInstance: return "module instance";
  case Command::Kind::Register: return "register";
  case Command::Kind::Action: return "action";
  case Command::Kind::AssertReturn: return "assert_return";
  case Command::Kind::AssertTrap: return "assert_trap";
  case Command::Kind::AssertExhaustion: return "assert_exhaustion";
  case Command::Kind::AssertException: return "assert_exception";
  case Command::Kind::AssertMalformed: return "assert_malformed";
  case Command::Kind::AssertInvalid: return "assert_invalid";
  case Command::Kind::AssertUnlinkable: return "assert_unlinkable";
  case Command::Kind::AssertUninstantiable: return "assert_uninstantiable";
  }
  return "command";
}

} // namespace waot::wast
