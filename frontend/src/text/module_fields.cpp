// The module fields other than segments: types, imports, functions, tables,
// memories, globals, exports, start.
#include "module_parser.hpp"

namespace waot::text::detail {

namespace {
std::size_t idx(Space s) { return static_cast<std::size_t>(s); }
constexpr std::uint8_t kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3; // extern kinds
} // namespace

// Every field parser consumes the field up to its closing parenthesis.
void ModuleParser::defineField() {
  const Token &kw = peek(1);
  std::string_view k = kw.text;
  if (k == "type")
    parseType();
  else if (k == "import")
    parseImport();
  else if (k == "func")
    parseFunc();
  else if (k == "table")
    parseTable();
  else if (k == "memory")
    parseMemory();
  else if (k == "global")
    parseGlobal();
  else if (k == "export")
    parseExport();
  else if (k == "start")
    parseStart();
  else if (k == "elem")
    parseElem();
  else if (k == "data")
    parseData();
  else
    fail(kw, "a module field"); // declareFields rejected it already
}

void ModuleParser::parseType() {
  // Parsed completely by declareField (types must be known before any use).
  pos_ = peek().match + 1;
}

bool ModuleParser::parseAddressType() {
  if (isKeyword(peek(), "i64")) {
    next();
    return true;
  }
  if (isKeyword(peek(), "i32")) next();
  return false;
}

bool ModuleParser::writeLimits(ByteBuf &out) {
  // Sizes are u64 in the text format; those too large for a 32-bit memory
  // or table are written as they are, for the decoder to reject.
  const bool is64 = parseAddressType();
  const std::uint8_t flag64 = is64 ? 0x04 : 0x00;
  std::uint64_t min = expectUnsigned("a minimum size", UINT64_MAX);
  if (peek().kind == TokKind::Number) {
    std::uint64_t max = expectUnsigned("a maximum size", UINT64_MAX);
    out.u8(flag64 | 1);
    out.uleb(min);
    out.uleb(max);
  } else {
    out.u8(flag64);
    out.uleb(min);
  }
  return is64;
}

void ModuleParser::writeGlobalType(ByteBuf &out) {
  if (isOpen("mut")) {
    pos_ += 2;
    out.u8(expectValType());
    out.u8(1);
    expectClose();
  } else {
    out.u8(expectValType());
    out.u8(0);
  }
}

// The description of an imported entity of the given kind, after `$id?`.
void ModuleParser::writeImportDesc(std::uint8_t kind) {
  imports_.u8(kind);
  switch (kind) {
  case kFunc: imports_.uleb(resolveTypeUse(parseTypeUse(true))); break;
  case kTable: {
    ByteBuf limits;
    writeLimits(limits);
    imports_.u8(expectRefType());
    imports_.append(limits);
    break;
  }
  case kMemory: writeLimits(imports_); break;
  default: writeGlobalType(imports_); break;
  }
  ++importCount_;
}

void ModuleParser::parseImport() {
  pos_ += 2;
  std::string module = expectName("the module name string");
  std::string name = expectName("the import name string");
  const Token &desc = peek(1);
  if (peek().kind != TokKind::LParen) fail(peek(), "an import description `(func ...)`");
  pos_ += 2;
  std::uint8_t kind = isKeyword(desc, "func")     ? kFunc
                      : isKeyword(desc, "table")  ? kTable
                      : isKeyword(desc, "memory") ? kMemory
                                                  : kGlobal;
  optId();
  static constexpr Space kSpaces[] = {Space::Func, Space::Table, Space::Memory, Space::Global};
  ++defined_[idx(kSpaces[kind])];
  imports_.name(module);
  imports_.name(name);
  writeImportDesc(kind);
  expectClose();
  expectClose();
}

void ModuleParser::parseInlineExports(std::uint8_t kind, std::uint32_t index) {
  while (isOpen("export")) {
    pos_ += 2;
    std::string name = expectName("the export name string");
    exports_.name(name);
    exports_.u8(kind);
    exports_.uleb(index);
    ++exportCount_;
    expectClose();
  }
}

// `(import "m" "n")` of an inline import: writes the import's names; the
// caller writes the description. False when there is none.
bool ModuleParser::parseInlineImport() {
  if (!isOpen("import")) return false;
  pos_ += 2;
  std::string module = expectName("the module name string");
  std::string name = expectName("the import name string");
  expectClose();
  imports_.name(module);
  imports_.name(name);
  return true;
}

void ModuleParser::parseFunc() {
  pos_ += 2;
  optId();
  std::uint32_t index = defined_[idx(Space::Func)]++;
  parseInlineExports(kFunc, index);
  if (parseInlineImport()) {
    writeImportDesc(kFunc);
    expectClose();
    return;
  }
  TypeUse use = parseTypeUse(true);
  std::uint32_t type = resolveTypeUse(use);
  funcTypes_.push_back(type);
  FuncContext ctx;
  auto bind = [&](const std::string &name, std::uint32_t local, const Token &at) {
    if (!name.empty() && !ctx.locals.emplace(name, local).second)
      error(at, "duplicate local identifier `$" + name + "`");
  };
  // Parameter names come only from the inline parameters (spec 6.6.5).
  for (std::size_t i = 0; i < use.paramNames.size(); ++i)
    bind(use.paramNames[i], static_cast<std::uint32_t>(i), *use.at);
  // (An unknown type index, left to the validator, gives no parameters.)
  auto localIndex =
      static_cast<std::uint32_t>(type < types_.size() ? types_[type].params.size() : 0);
  std::vector<ValType> locals;
  while (isOpen("local")) {
    pos_ += 2;
    if (peek().kind == TokKind::Id) {
      const Token &at = peek();
      bind(next().value, localIndex++, at);
      locals.push_back(expectValType());
    } else {
      while (peek().kind != TokKind::RParen) {
        locals.push_back(expectValType());
        ++localIndex;
      }
    }
    expectClose();
  }
  ByteBuf body;
  // Runs of equal types share one entry.
  std::vector<std::pair<std::uint32_t, ValType>> runs;
  for (ValType t : locals) {
    if (!runs.empty() && runs.back().second == t)
      ++runs.back().first;
    else
      runs.emplace_back(1, t);
  }
  body.uleb(runs.size());
  for (auto [count, t] : runs) {
    body.uleb(count);
    body.u8(t);
  }
  fn_ = &ctx;
  parseInstrList(body);
  fn_ = nullptr;
  expectClose();
  body.u8(0x0B);
  codes_.push_back(std::move(body));
}

void ModuleParser::parseTable() {
  pos_ += 2;
  optId();
  std::uint32_t index = defined_[idx(Space::Table)]++;
  parseInlineExports(kTable, index);
  if (parseInlineImport()) {
    writeImportDesc(kTable);
    expectClose();
    return;
  }
  ByteBuf type;
  // `i64? reftype (elem ...)` or `i64? limits reftype`.
  const bool inline64 = isKeyword(peek(), "i64") && peek(1).kind != TokKind::Number;
  if (inline64) next();
  rejectTypedReference(); // `(table (ref null $t) (elem ...))`
  if (!parseInlineElem(index, inline64, type)) {
    if (inline64) --pos_; // the limits read it
    ByteBuf limits;
    writeLimits(limits);
    type.u8(expectRefType());
    type.append(limits);
    if (peek().kind == TokKind::LParen)
      error(peek(), "unsupported table initializer expression (feature typed function "
                    "references)");
  }
  tables_.append(type);
  ++tableCount_;
  expectClose();
}

void ModuleParser::parseMemory() {
  pos_ += 2;
  optId();
  std::uint32_t index = defined_[idx(Space::Memory)]++;
  parseInlineExports(kMemory, index);
  if (parseInlineImport()) {
    writeImportDesc(kMemory);
    expectClose();
    return;
  }
  // `i64? (data ...)` or `i64? limits`.
  const bool inline64 =
      isKeyword(peek(), "i64") && peek(1).kind == TokKind::LParen && isKeyword(peek(2), "data");
  if (inline64) next();
  if (!parseInlineData(index, inline64)) writeLimits(memories_);
  ++memoryCount_;
  expectClose();
}

void ModuleParser::parseGlobal() {
  pos_ += 2;
  optId();
  std::uint32_t index = defined_[idx(Space::Global)]++;
  parseInlineExports(kGlobal, index);
  if (parseInlineImport()) {
    writeImportDesc(kGlobal);
    expectClose();
    return;
  }
  writeGlobalType(globals_);
  globals_.append(parseConstExpr());
  ++globalCount_;
  expectClose();
}

void ModuleParser::parseExport() {
  pos_ += 2;
  std::string name = expectName("the export name string");
  const Token &kw = peek(1);
  if (peek().kind != TokKind::LParen) fail(peek(), "an export description `(func ...)`");
  pos_ += 2;
  std::uint8_t kind;
  Space space;
  if (isKeyword(kw, "func"))
    kind = kFunc, space = Space::Func;
  else if (isKeyword(kw, "table"))
    kind = kTable, space = Space::Table;
  else if (isKeyword(kw, "memory"))
    kind = kMemory, space = Space::Memory;
  else if (isKeyword(kw, "global"))
    kind = kGlobal, space = Space::Global;
  else
    fail(kw, "`func`, `table`, `memory` or `global`");
  exports_.name(name);
  exports_.u8(kind);
  exports_.uleb(expectIndex(space));
  ++exportCount_;
  expectClose();
  expectClose();
}

void ModuleParser::parseStart() {
  const Token &kw = peek(1);
  pos_ += 2;
  if (start_) error(kw, "multiple start sections");
  start_ = expectIndex(Space::Func);
  expectClose();
}

} // namespace waot::text::detail
