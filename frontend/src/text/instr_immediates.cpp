// Immediates of plain instructions, driven by the opcode table's ImmKind.
#include "module_parser.hpp"
#include "numbers.hpp"

namespace waot::text::detail {

namespace {
// "i32" etc. (appended piecewise: GCC 12 warns about `"i" + std::string`).
std::string numType(char kind, unsigned bits) {
  std::string s(1, kind);
  s += std::to_string(bits);
  return s;
}
} // namespace

using frontend::ImmKind;
using frontend::Opcode;

std::uint64_t ModuleParser::expectIntLiteral(unsigned bits) {
  const Token &t = peek();
  std::string what = "an " + numType('i', bits) + " literal";
  if (t.kind != TokKind::Number) fail(t, what);
  auto v = parseIntBits(t.text, bits);
  if (!v) {
    if (isIntSyntax(t.text)) // well formed, but too large for the type
      error(t, numType('i', bits) + " constant out of range: `" + std::string(t.text) + "`");
    fail(t, what);
  }
  next();
  return *v;
}

std::uint64_t ModuleParser::expectFloatLiteral(unsigned bits) {
  const Token &t = peek();
  std::string what = "an " + numType('f', bits) + " literal";
  if (t.kind != TokKind::Number && t.kind != TokKind::Keyword) fail(t, what);
  std::optional<std::uint64_t> v;
  if (bits == 32) {
    if (auto f = parseF32(t.text)) v = *f;
  } else {
    v = parseF64(t.text);
  }
  if (!v) {
    if (isFloatSyntax(t.text)) // overflows, or a nan payload out of range
      error(t, numType('f', bits) + " constant out of range: `" + std::string(t.text) + "`");
    fail(t, what);
  }
  next();
  return *v;
}

void ModuleParser::parseConstNumber(Opcode op, ByteBuf &out) {
  switch (frontend::info(op).imm) {
  case ImmKind::I32: out.sleb(static_cast<std::int32_t>(expectIntLiteral(32))); break;
  case ImmKind::I64: out.sleb(static_cast<std::int64_t>(expectIntLiteral(64))); break;
  case ImmKind::F32: out.fixed(expectFloatLiteral(32), 4); break;
  default: out.fixed(expectFloatLiteral(64), 8); break;
  }
}

std::uint8_t ModuleParser::expectLane(const char *what, std::uint64_t max) {
  return static_cast<std::uint8_t>(expectUnsigned(what, max));
}

std::uint32_t ModuleParser::optMemIndex() { return peekIndex() ? expectIndex(Space::Memory) : 0; }

// `memidx? offset=N? align=N?`; the alignment defaults to the access width.
// A nonzero memory index (multi-memory) sets bit 6 of the alignment field.
void ModuleParser::parseMemArg(Opcode op, ByteBuf &out) {
  std::uint32_t memory = 0;
  bool laneFollows = frontend::info(op).imm == ImmKind::MemArgLane;
  // With a lane index after it, a lone number is the lane, not a memory: a
  // number is the memory when another number, `offset=` or `align=` follows.
  auto memArgFollows = [&] {
    const Token &t = peek(1);
    return t.kind == TokKind::Number ||
           (t.kind == TokKind::Keyword &&
            (t.text.starts_with("offset=") || t.text.starts_with("align=")));
  };
  if (peekIndex() && (!laneFollows || peek().kind == TokKind::Id || memArgFollows()))
    memory = expectIndex(Space::Memory);
  std::uint64_t offset = 0;
  std::uint32_t alignLog2 =
      static_cast<std::uint32_t>(__builtin_ctz(frontend::info(op).accessBytes));
  const Token &o = peek();
  if (o.kind == TokKind::Keyword && o.text.substr(0, 7) == "offset=") {
    // Up to 2^64-1 (memory64); validation limits a 32-bit memory's offsets.
    auto v = parseUnsigned(o.text.substr(7), UINT64_MAX);
    if (!v)
      error(o, "expected `offset=` with an unsigned 64-bit value, found `" + std::string(o.text) +
                   "`");
    offset = *v;
    next();
  }
  const Token &a = peek();
  if (a.kind == TokKind::Keyword && a.text.substr(0, 6) == "align=") {
    auto v = parseUnsigned(a.text.substr(6), UINT64_MAX); // up to 2^63: validation judges it
    if (!v || *v == 0 || (*v & (*v - 1)))
      error(a, "expected `align=` with a power of two, found `" + std::string(a.text) + "`");
    alignLog2 = static_cast<std::uint32_t>(__builtin_ctzll(*v));
    next();
  }
  if (memory != 0) {
    out.uleb(alignLog2 | 0x40);
    out.uleb(memory);
  } else {
    out.uleb(alignLog2);
  }
  out.uleb(offset);
}

void ModuleParser::parseV128(ByteBuf &out) {
  const Token &shape = peek();
  struct Shape {
    std::string_view name;
    unsigned lanes, bits;
    bool isFloat;
  };
  static constexpr Shape kShapes[] = {{"i8x16", 16, 8, false}, {"i16x8", 8, 16, false},
                                      {"i32x4", 4, 32, false}, {"i64x2", 2, 64, false},
                                      {"f32x4", 4, 32, true},  {"f64x2", 2, 64, true}};
  for (const Shape &s : kShapes) {
    if (!isKeyword(shape, s.name)) continue;
    next();
    for (unsigned i = 0; i < s.lanes; ++i) {
      std::uint64_t v = s.isFloat ? expectFloatLiteral(s.bits) : expectIntLiteral(s.bits);
      out.fixed(v, static_cast<int>(s.bits / 8));
    }
    return;
  }
  fail(shape, "a vector shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)");
}

void ModuleParser::parseImmediates(Opcode op, ByteBuf &out) {
  switch (frontend::info(op).imm) {
  case ImmKind::None: break;
  case ImmKind::BlockType: writeBlockType(out); break; // reached only via the block parsers
  case ImmKind::LabelIdx: out.uleb(expectLabel()); break;
  case ImmKind::BrTable: {
    std::vector<std::uint32_t> labels{expectLabel()};
    while (peekIndex())
      labels.push_back(expectLabel());
    out.uleb(labels.size() - 1);
    for (std::uint32_t l : labels)
      out.uleb(l);
    break;
  }
  case ImmKind::FuncIdx: out.uleb(expectIndex(Space::Func)); break;
  case ImmKind::CallIndirect: {
    std::uint32_t table = peekIndex() ? expectIndex(Space::Table) : 0;
    out.uleb(resolveTypeUse(parseTypeUse(false)));
    out.uleb(table);
    break;
  }
  case ImmKind::SelectTypes: {
    FuncType sig;
    parseParamsResults(sig, nullptr);
    if (!sig.params.empty()) fail(peek(), "`(result ...)` after `select`");
    out.uleb(sig.results.size());
    for (ValType t : sig.results)
      out.u8(t);
    break;
  }
  case ImmKind::LocalIdx: out.uleb(parseLocalIndex()); break;
  case ImmKind::GlobalIdx: out.uleb(expectIndex(Space::Global)); break;
  case ImmKind::TableIdx: out.uleb(peekIndex() ? expectIndex(Space::Table) : 0); break;
  case ImmKind::MemArg: parseMemArg(op, out); break;
  case ImmKind::MemIdx: out.uleb(optMemIndex()); break;
  case ImmKind::I32:
  case ImmKind::I64:
  case ImmKind::F32:
  case ImmKind::F64: parseConstNumber(op, out); break;
  case ImmKind::RefType: {
    const Token &t = peek();
    if (isKeyword(t, "func"))
      out.u8(0x70);
    else if (isKeyword(t, "extern"))
      out.u8(0x6F);
    else
      fail(t, "a heap type (func, extern)");
    next();
    break;
  }
  case ImmKind::DataMem: { // `memory.init memidx? dataidx`
    std::uint32_t memory = 0;
    if (peekIndex() && (peek(1).kind == TokKind::Number || peek(1).kind == TokKind::Id))
      memory = expectIndex(Space::Memory);
    out.uleb(expectIndex(Space::Data));
    out.uleb(memory);
    break;
  }
  case ImmKind::DataIdx: out.uleb(expectIndex(Space::Data)); break;
  case ImmKind::MemMem: { // `memory.copy (dst src)?`
    std::uint32_t dst = optMemIndex();
    std::uint32_t src = peekIndex() ? expectIndex(Space::Memory) : dst;
    out.uleb(dst);
    out.uleb(src);
    break;
  }
  case ImmKind::ElemTable: { // `table.init tableidx? elemidx`
    std::uint32_t table = 0;
    if (peekIndex() && (peek(1).kind == TokKind::Number || peek(1).kind == TokKind::Id))
      table = expectIndex(Space::Table);
    out.uleb(expectIndex(Space::Elem));
    out.uleb(table);
    break;
  }
  case ImmKind::ElemIdx: out.uleb(expectIndex(Space::Elem)); break;
  case ImmKind::TableTable: { // `table.copy (dst src)?`
    std::uint32_t dst = peekIndex() ? expectIndex(Space::Table) : 0;
    std::uint32_t src = peekIndex() ? expectIndex(Space::Table) : dst;
    out.uleb(dst);
    out.uleb(src);
    break;
  }
  case ImmKind::V128: parseV128(out); break;
  case ImmKind::Shuffle:
    for (int i = 0; i < 16; ++i)
      out.u8(expectLane("a lane index", 255));
    break;
  case ImmKind::LaneIdx: out.u8(expectLane("a lane index", 255)); break;
  case ImmKind::MemArgLane:
    parseMemArg(op, out);
    out.u8(expectLane("a lane index", 255));
    break;
  }
}

} // namespace waot::text::detail
