#include "module_parser.hpp"

#include "numbers.hpp"

#include "waot/frontend/text.hpp"

namespace waot::text::detail {

namespace {

const char *spaceName(Space s) {
  switch (s) {
  case Space::Func: return "function";
  case Space::Table: return "table";
  case Space::Memory: return "memory";
  case Space::Global: return "global";
  case Space::Type: return "type";
  case Space::Elem: return "elem segment";
  case Space::Data: return "data segment";
  case Space::Count: break;
  }
  return "index";
}

std::size_t idx(Space s) { return static_cast<std::size_t>(s); }

} // namespace

ModuleParser::ModuleParser(const std::vector<Token> &tokens, std::size_t begin, std::size_t end)
    : toks_(tokens), pos_(begin), end_(end) {}

// ---- token cursor ----

const Token &ModuleParser::peek(std::size_t k) const {
  std::size_t i = pos_ + k;
  // Past the module's own tokens reads as the token that ends them (the
  // module's `)` or the end of input), which no field parser consumes.
  return toks_[i < end_ ? i : end_];
}

const Token &ModuleParser::next() {
  const Token &t = peek();
  if (pos_ < end_) ++pos_;
  return t;
}

bool ModuleParser::isKeyword(const Token &t, std::string_view kw) const {
  return t.kind == TokKind::Keyword && t.text == kw;
}

bool ModuleParser::isOpen(std::string_view kw) const {
  return peek().kind == TokKind::LParen && isKeyword(peek(1), kw);
}

void ModuleParser::expectOpen(std::string_view kw) {
  if (peek().kind != TokKind::LParen) fail(peek(), "`(" + std::string(kw) + "`");
  if (!isKeyword(peek(1), kw)) fail(peek(1), "keyword `" + std::string(kw) + "`");
  pos_ += 2;
}

void ModuleParser::expectClose() {
  if (peek().kind != TokKind::RParen) fail(peek(), "`)`");
  next();
}

void ModuleParser::expectKeyword(std::string_view kw) {
  if (!isKeyword(peek(), kw)) fail(peek(), "keyword `" + std::string(kw) + "`");
  next();
}

void ModuleParser::fail(const Token &at, const std::string &expected) const {
  throw TextError(at.line, at.column, "expected " + expected + ", found " + describe(at));
}

void ModuleParser::error(const Token &at, const std::string &message) const {
  throw TextError(at.line, at.column, message);
}

std::optional<std::string> ModuleParser::optId() {
  if (peek().kind != TokKind::Id) return std::nullopt;
  return next().value;
}

std::string ModuleParser::expectString(const char *what) {
  if (peek().kind != TokKind::String) fail(peek(), what);
  return next().value;
}

std::string ModuleParser::expectName(const char *what) {
  const Token &t = peek();
  std::string s = expectString(what);
  if (!isValidUtf8(s)) error(t, "malformed UTF-8 encoding in a name");
  return s;
}

std::uint64_t ModuleParser::expectUnsigned(const char *what, std::uint64_t max) {
  const Token &t = peek();
  if (t.kind != TokKind::Number) fail(t, what);
  auto v = parseUnsigned(t.text, max);
  if (!v) {
    if (parseUnsigned(t.text, ~std::uint64_t{0}) || parseIntBits(t.text, 64))
      error(t, std::string(what) + " out of range: `" + std::string(t.text) + "` (at most " +
                   std::to_string(max) + ")");
    fail(t, what);
  }
  next();
  return *v;
}

bool ModuleParser::isValType(const Token &t) const {
  if (t.kind != TokKind::Keyword) return false;
  return t.text == "i32" || t.text == "i64" || t.text == "f32" || t.text == "f64" ||
         t.text == "v128" || t.text == "funcref" || t.text == "externref";
}

void ModuleParser::rejectTypedReference() const {
  if (peek().kind == TokKind::LParen && isKeyword(peek(1), "ref"))
    error(peek(), "unsupported reference type `(ref ...)` (feature typed function references)");
}

ValType ModuleParser::expectValType() {
  rejectTypedReference();
  const Token &t = peek();
  if (!isValType(t)) fail(t, "a value type (i32, i64, f32, f64, v128, funcref, externref)");
  next();
  if (t.text == "i32") return 0x7F;
  if (t.text == "i64") return 0x7E;
  if (t.text == "f32") return 0x7D;
  if (t.text == "f64") return 0x7C;
  if (t.text == "v128") return 0x7B;
  if (t.text == "funcref") return 0x70;
  return 0x6F;
}

ValType ModuleParser::expectRefType() {
  rejectTypedReference();
  const Token &t = peek();
  if (isKeyword(t, "funcref")) return next(), 0x70;
  if (isKeyword(t, "externref")) return next(), 0x6F;
  fail(t, "a reference type (funcref, externref)");
}

// ---- index spaces ----

void ModuleParser::declare(Space space, const std::optional<std::string> &id, const Token &at) {
  IndexSpace &s = spaces_[idx(space)];
  if (id && !s.names.emplace(*id, s.count).second)
    error(at, "duplicate " + std::string(spaceName(space)) + " identifier `$" + *id + "`");
  ++s.count;
}

std::uint32_t ModuleParser::expectIndex(Space space) {
  const Token &t = peek();
  if (t.kind == TokKind::Number)
    return static_cast<std::uint32_t>(
        expectUnsigned((std::string(spaceName(space)) + " index").c_str(), 0xFFFFFFFF));
  if (t.kind != TokKind::Id) fail(t, std::string("a ") + spaceName(space) + " index or identifier");
  const auto &names = spaces_[idx(space)].names;
  auto it = names.find(t.value);
  if (it == names.end())
    error(t, std::string("unknown ") + spaceName(space) + " `" + std::string(t.text) + "`");
  next();
  return it->second;
}

// ---- types ----

void ModuleParser::parseParamsResults(FuncType &sig, std::vector<std::string> *paramNames) {
  while (isOpen("param")) {
    pos_ += 2;
    if (peek().kind == TokKind::Id) {
      // Block types and call_indirect may not name parameters (they could
      // bind nothing); function types and type definitions may.
      const Token &at = peek();
      std::string name = next().value;
      if (!paramNames)
        error(at, "unexpected parameter name `" + std::string(at.text) +
                      "`: a parameter here cannot be named");
      paramNames->push_back(name);
      sig.params.push_back(expectValType());
    } else {
      while (peek().kind != TokKind::RParen) {
        sig.params.push_back(expectValType());
        if (paramNames) paramNames->push_back("");
      }
    }
    expectClose();
  }
  while (isOpen("result")) {
    pos_ += 2;
    while (peek().kind != TokKind::RParen)
      sig.results.push_back(expectValType());
    expectClose();
  }
}

FuncType ModuleParser::parseFuncTypeBody() {
  FuncType sig;
  std::vector<std::string> ignored; // names in type definitions bind nothing
  parseParamsResults(sig, &ignored);
  return sig;
}

TypeUse ModuleParser::parseTypeUse(bool allowNames) {
  TypeUse use;
  use.at = &peek();
  if (isOpen("type")) {
    pos_ += 2;
    use.index = expectIndex(Space::Type);
    expectClose();
  }
  std::size_t before = pos_;
  parseParamsResults(use.sig, allowNames ? &use.paramNames : nullptr);
  use.hasInline = pos_ != before;
  return use;
}

std::uint32_t ModuleParser::findOrAppendType(const FuncType &sig) {
  for (std::size_t i = 0; i < types_.size(); ++i)
    if (types_[i] == sig) return static_cast<std::uint32_t>(i);
  types_.push_back(sig);
  return static_cast<std::uint32_t>(types_.size() - 1);
}

std::uint32_t ModuleParser::resolveTypeUse(const TypeUse &use) {
  if (!use.index) return findOrAppendType(use.sig);
  // An unknown type index is the validator's error, unless the type use
  // also has inline parameters or results, which must be checked against it.
  if (*use.index >= types_.size()) {
    if (use.hasInline) error(*use.at, "unknown type " + std::to_string(*use.index));
    return *use.index;
  }
  if (use.hasInline && !(types_[*use.index] == use.sig))
    error(*use.at, "inline function type does not match type " + std::to_string(*use.index));
  return *use.index;
}

// ---- pass 1: declarations ----

void ModuleParser::declareFields() {
  std::size_t start = pos_;
  bool sawDefinition = false;
  while (pos_ < end_)
    declareField(sawDefinition);
  pos_ = start;
}

// Records the identifiers a field defines; the field itself is skipped
// (explicit types are parsed: type uses anywhere may refer to them).
void ModuleParser::declareField(bool &sawDefinition) {
  const Token &open = peek();
  if (open.kind != TokKind::LParen) fail(open, "`(` starting a module field");
  const Token &kw = peek(1);
  std::string_view k = kw.text;
  std::size_t after = open.match + 1;
  pos_ += 2;
  if (kw.kind != TokKind::Keyword) k = {};
  Space space = Space::Count;
  bool isImport = false;
  const Token &idAt = peek(); // where a duplicate identifier is reported
  if (k == "type") {
    auto id = optId();
    declare(Space::Type, id, idAt);
    expectOpen("func");
    types_.push_back(parseFuncTypeBody());
    expectClose();
    expectClose();
  } else if (k == "import") {
    isImport = true;
    expectName("the module name string");
    expectName("the import name string");
    const Token &desc = peek(1);
    if (peek().kind != TokKind::LParen) fail(peek(), "an import description `(func ...)`");
    pos_ += 2;
    if (isKeyword(desc, "func"))
      space = Space::Func;
    else if (isKeyword(desc, "table"))
      space = Space::Table;
    else if (isKeyword(desc, "memory"))
      space = Space::Memory;
    else if (isKeyword(desc, "global"))
      space = Space::Global;
    else
      fail(desc, "`func`, `table`, `memory` or `global`");
    const Token &importIdAt = peek();
    declare(space, optId(), importIdAt);
  } else if (k == "func" || k == "table" || k == "memory" || k == "global") {
    space = k == "func"     ? Space::Func
            : k == "table"  ? Space::Table
            : k == "memory" ? Space::Memory
                            : Space::Global;
    auto id = optId();
    declare(space, id, idAt);
    while (isOpen("export"))
      pos_ = peek().match + 1;
    isImport = isOpen("import");
    // Inline `(elem ...)` / `(data ...)` define a segment (after exports and the type).
    for (std::size_t i = pos_; i < open.match;
         i = toks_[i].kind == TokKind::LParen ? toks_[i].match + 1 : i + 1) {
      if (toks_[i].kind != TokKind::LParen) continue;
      if (k == "table" && isKeyword(toks_[i + 1], "elem")) declare(Space::Elem, {}, kw);
      if (k == "memory" && isKeyword(toks_[i + 1], "data")) declare(Space::Data, {}, kw);
    }
  } else if (k == "elem" || k == "data") {
    declare(k == "elem" ? Space::Elem : Space::Data, optId(), idAt);
  } else if (k != "export" && k != "start") {
    fail(kw, "a module field (type, import, func, table, memory, global, export, start, elem, "
             "data)");
  }
  if (space != Space::Count && space != Space::Type) {
    if (isImport && sawDefinition)
      error(kw, "imports must occur before all function, table, memory and global definitions");
    if (!isImport) sawDefinition = true;
  }
  pos_ = after;
}

// ---- pass 2 and the binary ----

void ModuleParser::defineFields() {
  while (pos_ < end_)
    defineField();
}

std::vector<std::uint8_t> ModuleParser::run() {
  declareFields();
  defineFields();

  ByteBuf out;
  out.fixed(0x6D736100, 4); // "\0asm"
  out.fixed(1, 4);
  auto section = [&](std::uint8_t id, std::uint32_t count, const ByteBuf &entries) {
    if (count == 0) return;
    ByteBuf content;
    content.uleb(count);
    content.append(entries);
    out.u8(id);
    out.sized(content);
  };
  ByteBuf types;
  for (const FuncType &t : types_) {
    types.u8(0x60);
    types.uleb(t.params.size());
    for (ValType v : t.params)
      types.u8(v);
    types.uleb(t.results.size());
    for (ValType v : t.results)
      types.u8(v);
  }
  section(1, static_cast<std::uint32_t>(types_.size()), types);
  section(2, importCount_, imports_);
  ByteBuf funcs;
  for (std::uint32_t t : funcTypes_)
    funcs.uleb(t);
  section(3, static_cast<std::uint32_t>(funcTypes_.size()), funcs);
  section(4, tableCount_, tables_);
  section(5, memoryCount_, memories_);
  section(6, globalCount_, globals_);
  section(7, exportCount_, exports_);
  if (start_) {
    ByteBuf s;
    s.uleb(*start_);
    out.u8(8);
    out.sized(s);
  }
  section(9, elemCount_, elems_);
  if (usesDataCount_) {
    ByteBuf c;
    c.uleb(dataCount_);
    out.u8(12);
    out.sized(c);
  }
  ByteBuf code;
  for (const ByteBuf &body : codes_)
    code.sized(body);
  section(10, static_cast<std::uint32_t>(codes_.size()), code);
  section(11, dataCount_, datas_);
  return std::move(out.bytes);
}

} // namespace waot::text::detail
