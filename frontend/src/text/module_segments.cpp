// Element and data segments, also the ones tables and memories define inline.
#include "module_parser.hpp"

namespace waot::text::detail {

namespace {

// `i32.const 0 end` (`i64.const 0 end` for a 64-bit memory or table): the
// offset of inline segments.
ByteBuf zeroOffset(bool is64 = false) {
  ByteBuf b;
  b.u8(is64 ? 0x42 : 0x41);
  b.u8(0x00);
  b.u8(0x0B);
  return b;
}

// The function index when expr is exactly `ref.func x`.
std::optional<std::uint32_t> refFuncIndex(const ByteBuf &expr) {
  const auto &b = expr.bytes;
  if (b.size() < 2 || b[0] != 0xD2) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 1; i < b.size(); ++i) {
    v |= static_cast<std::uint64_t>(b[i] & 0x7F) << (7 * (i - 1));
    if (!(b[i] & 0x80)) {
      if (i + 1 != b.size()) return std::nullopt;
      return static_cast<std::uint32_t>(v);
    }
  }
  return std::nullopt;
}

} // namespace

ByteBuf ModuleParser::parseOffset() {
  FuncContext none;
  FuncContext *saved = fn_;
  fn_ = &none;
  ByteBuf e;
  if (isOpen("offset")) {
    pos_ += 2;
    parseInstrList(e);
    expectClose();
  } else if (atFoldedInstr()) {
    parseFolded(e);
  } else {
    fail(peek(), "an offset `(offset ...)` or a folded instruction");
  }
  e.u8(0x0B);
  fn_ = saved;
  return e;
}

ModuleParser::ElemItem ModuleParser::parseElemExpr(bool itemKeyword) {
  FuncContext none;
  FuncContext *saved = fn_;
  fn_ = &none;
  ElemItem item{false, 0, {}};
  if (itemKeyword && isOpen("item")) {
    pos_ += 2;
    parseInstrList(item.expr);
    expectClose();
  } else if (atFoldedInstr()) {
    parseFolded(item.expr);
  } else {
    fail(peek(), "an element expression `(item ...)` or a folded instruction");
  }
  fn_ = saved;
  if (auto f = refFuncIndex(item.expr)) {
    item.isFuncRef = true;
    item.funcIndex = *f;
  }
  return item;
}

// elemlist: `func x*`, `reftype elemexpr*`, or (the legacy abbreviation of
// active segments) bare function indices.
void ModuleParser::parseElemList(ElemSegment &seg, bool allowBareIndices) {
  auto indices = [&] {
    while (peekIndex())
      seg.items.push_back({true, expectIndex(Space::Func), {}});
  };
  rejectTypedReference();
  if (isKeyword(peek(), "func")) {
    next();
    indices();
  } else if (isKeyword(peek(), "funcref") || isKeyword(peek(), "externref")) {
    seg.type = expectRefType();
    while (peek().kind == TokKind::LParen)
      seg.items.push_back(parseElemExpr(true));
  } else if (allowBareIndices) {
    indices();
  } else {
    fail(peek(), "`func` or a reference type (funcref, externref)");
  }
}

void ModuleParser::writeElem(const ElemSegment &seg) {
  bool useExprs = seg.type != 0x70;
  for (const ElemItem &item : seg.items)
    useExprs |= !item.isFuncRef;
  std::uint8_t flags = useExprs ? 4 : 0;
  if (seg.mode == ElemSegment::Passive) flags |= 1;
  if (seg.mode == ElemSegment::Declarative) flags |= 3;
  // Flags 0 and 4 imply table 0 and funcref: anything else needs flag 2.
  if (seg.mode == ElemSegment::Active && (seg.table != 0 || seg.type != 0x70)) flags |= 2;
  elems_.u8(flags);
  if (flags & 2 && seg.mode == ElemSegment::Active) elems_.uleb(seg.table);
  if (seg.mode == ElemSegment::Active) elems_.append(seg.offset);
  if (flags & 3) elems_.u8(useExprs ? seg.type : 0x00); // elemkind 0x00 = funcref
  elems_.uleb(seg.items.size());
  for (const ElemItem &item : seg.items) {
    if (useExprs) {
      elems_.append(item.expr);
      elems_.u8(0x0B);
    } else {
      elems_.uleb(item.funcIndex);
    }
  }
  ++elemCount_;
}

void ModuleParser::parseElem() {
  pos_ += 2;
  optId();
  ElemSegment seg;
  if (isKeyword(peek(), "declare")) {
    next();
    seg.mode = ElemSegment::Declarative;
  } else {
    bool explicitTable = false;
    if (isOpen("table")) {
      pos_ += 2;
      seg.table = expectIndex(Space::Table);
      expectClose();
      explicitTable = true;
    } else if (peekIndex() && peek(1).kind == TokKind::LParen) { // MVP `(elem 0 (offset) ...)`
      seg.table = expectIndex(Space::Table);
      explicitTable = true;
    }
    if (explicitTable || isOpen("offset") || atFoldedInstr()) {
      seg.mode = ElemSegment::Active;
      seg.offset = parseOffset();
    }
  }
  parseElemList(seg, seg.mode == ElemSegment::Active);
  expectClose();
  writeElem(seg);
}

// `reftype (elem ...)` of a table field: the table's type (n n reftype)
// goes to tableType, the segment to the element section.
bool ModuleParser::parseInlineElem(std::uint32_t tableIndex, bool is64, ByteBuf &tableType) {
  bool refType = isKeyword(peek(), "funcref") || isKeyword(peek(), "externref");
  if (!refType || peek(1).kind != TokKind::LParen || !isKeyword(peek(2), "elem")) return false;
  ElemSegment seg;
  seg.mode = ElemSegment::Active;
  seg.table = tableIndex;
  seg.type = expectRefType();
  seg.offset = zeroOffset(is64);
  pos_ += 2;
  if (peek().kind == TokKind::LParen) {
    while (peek().kind == TokKind::LParen)
      seg.items.push_back(parseElemExpr(true));
  } else {
    while (peekIndex())
      seg.items.push_back({true, expectIndex(Space::Func), {}});
  }
  expectClose();
  tableType.u8(seg.type);
  tableType.u8(is64 ? 0x05 : 0x01);
  tableType.uleb(seg.items.size());
  tableType.uleb(seg.items.size());
  writeElem(seg);
  return true;
}

std::string ModuleParser::parseDataStrings() {
  std::string bytes;
  while (peek().kind == TokKind::String)
    bytes += next().value;
  return bytes;
}

void ModuleParser::writeData(bool active, std::uint32_t memory, const ByteBuf &offset,
                             const std::string &bytes) {
  if (!active) {
    datas_.u8(1);
  } else if (memory != 0) {
    datas_.u8(2);
    datas_.uleb(memory);
  } else {
    datas_.u8(0);
  }
  if (active) datas_.append(offset);
  datas_.name(bytes);
  ++dataCount_;
}

void ModuleParser::parseData() {
  pos_ += 2;
  optId();
  bool active = false;
  std::uint32_t memory = 0;
  if (isOpen("memory")) {
    pos_ += 2;
    memory = expectIndex(Space::Memory);
    expectClose();
    active = true;
  } else if (peekIndex()) { // MVP `(data 0 (offset) ...)`
    memory = expectIndex(Space::Memory);
    active = true;
  }
  ByteBuf offset;
  if (active || isOpen("offset") || atFoldedInstr()) {
    active = true;
    offset = parseOffset();
  }
  std::string bytes = parseDataStrings();
  expectClose();
  writeData(active, memory, offset, bytes);
}

// `(data "..."*)` of a memory field: the memory is exactly as large as the
// data (in 64 KiB pages, minimum = maximum).
bool ModuleParser::parseInlineData(std::uint32_t memoryIndex, bool is64) {
  if (!isOpen("data")) return false;
  pos_ += 2;
  std::string bytes = parseDataStrings();
  expectClose();
  std::uint64_t pages = (bytes.size() + 65535) / 65536;
  memories_.u8(is64 ? 0x05 : 0x01);
  memories_.uleb(pages);
  memories_.uleb(pages);
  writeData(true, memoryIndex, zeroOffset(is64), bytes);
  return true;
}

} // namespace waot::text::detail
