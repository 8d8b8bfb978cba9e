// Decoders of the segment sections: element, data count and data.
#include "decode_internal.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <string>

namespace waot::frontend::detail {

using Kind = CompileError::Kind;

namespace {

// Element segment flags (binary format 5.5.12): bit 0 = passive or
// declarative, bit 1 = explicit table index (active) or declarative
// (otherwise), bit 2 = items are expressions rather than function indices.
constexpr std::uint32_t kElemPassiveOrDeclarative = 0x1;
constexpr std::uint32_t kElemExplicitTableOrDeclarative = 0x2;
constexpr std::uint32_t kElemExpressions = 0x4;
constexpr std::uint32_t kElemMaxFlags = 0x7;

// The only `elemkind` of Wasm 2.0: funcref.
ValType readElemKind(ByteReader &r) {
  const std::size_t at = r.offset();
  const std::uint8_t kind = r.u8();
  if (kind != 0x00)
    r.failAt(Kind::Malformed, "malformed element kind " + std::to_string(kind) + ", expected 0",
             at);
  return ValType::FuncRef;
}

void readElemItems(ByteReader &r, DecodeState &s, ElemSegment &seg, bool expressions) {
  // A function index takes at least one byte, an expression two (instruction, end).
  const std::uint32_t count = readCount(r, expressions ? 2 : 1);
  seg.items.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (expressions) {
      seg.items.push_back(readConstExpr(r, s));
      continue;
    }
    ConstExpr item;
    item.offset = r.offset();
    item.kind = ConstExpr::Kind::RefFunc;
    item.index = r.u32();
    seg.items.push_back(item);
  }
}

ElemSegment readElemSegment(ByteReader &r, DecodeState &s) {
  ElemSegment seg;
  seg.sectionOffset = r.offset();
  const std::uint32_t flags = r.u32();
  if (flags > kElemMaxFlags)
    r.failAt(Kind::Malformed, "malformed elements segment kind " + std::to_string(flags),
             seg.sectionOffset);
  const bool expressions = flags & kElemExpressions;
  if (!(flags & kElemPassiveOrDeclarative)) {
    seg.mode = SegmentMode::Active;
    seg.table = (flags & kElemExplicitTableOrDeclarative) ? r.u32() : 0;
    seg.offset = readConstExpr(r, s);
  } else {
    seg.mode =
        (flags & kElemExplicitTableOrDeclarative) ? SegmentMode::Declarative : SegmentMode::Passive;
  }
  // Encodings 0 and 4 (active, table 0) imply funcref; the others spell the type.
  const bool typeIsImplicit = (flags & ~kElemExpressions) == 0;
  if (typeIsImplicit)
    seg.elemType = ValType::FuncRef;
  else
    seg.elemType = expressions ? readRefType(r) : readElemKind(r);
  readElemItems(r, s, seg, expressions);
  return seg;
}

DataSegment readDataSegment(ByteReader &r, DecodeState &s) {
  DataSegment seg;
  seg.sectionOffset = r.offset();
  const std::uint32_t flags = r.u32();
  switch (flags) {
  case 0:
    seg.mode = SegmentMode::Active;
    seg.offset = readConstExpr(r, s);
    break;
  case 1: seg.mode = SegmentMode::Passive; break;
  case 2:
    seg.mode = SegmentMode::Active;
    seg.memory = r.u32();
    seg.offset = readConstExpr(r, s);
    break;
  default:
    r.failAt(Kind::Malformed, "malformed data segment kind " + std::to_string(flags),
             seg.sectionOffset);
  }
  const std::size_t sizeAt = r.offset();
  const std::uint32_t size = r.u32();
  if (size > r.remaining())
    r.failAt(Kind::Malformed,
             "unexpected end of section: data segment of " + std::to_string(size) +
                 " bytes, only " + std::to_string(r.remaining()) + " left",
             sizeAt);
  const auto payload = r.bytes(size);
  seg.bytes.assign(payload.begin(), payload.end());
  return seg;
}

} // namespace

void decodeElementSection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r, 2); // flags, at least an item count
  s.module.elems.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    s.module.elems.push_back(readElemSegment(r, s));
}

void decodeDataCountSection(ByteReader &r, DecodeState &s) { s.module.dataCount = r.u32(); }

void decodeDataSection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r, 2); // flags, size
  s.module.datas.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    s.module.datas.push_back(readDataSegment(r, s));
}

} // namespace waot::frontend::detail
