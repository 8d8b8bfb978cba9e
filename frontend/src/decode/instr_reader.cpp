#include "waot/frontend/instr_reader.hpp"

#include <algorithm>
#include <cstdio>

namespace waot::frontend {

using Kind = CompileError::Kind;

namespace {

std::string hexByte(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

// Wasm 2.0 has one memory: its index is encoded as a single 0x00 byte
// (a multi-byte LEB128 zero is malformed: "zero byte expected").
std::uint32_t readMemoryIndexByte(ByteReader &r) {
  const std::size_t at = r.offset();
  const std::uint8_t b = r.u8();
  if (b != 0) r.failAt(Kind::Malformed, "zero byte expected", at);
  return 0;
}

// The Wasm 3.0 feature a value type byte belongs to, for those that are
// valid 3.0 but not (yet) supported: reported as unsupported, not malformed.
const char *postV2TypeFeature(std::uint8_t byte) {
  switch (byte) {
  case 0x63: // (ref null $t)
  case 0x64: // (ref $t)
    return "typed function references";
  case 0x69: // exnref
  case 0x74: // nullexnref
    return "exception handling";
  case 0x6A: // arrayref
  case 0x6B: // structref
  case 0x6C: // i31ref
  case 0x6D: // eqref
  case 0x6E: // anyref
  case 0x71: // nullref
  case 0x72: // nullexternref
  case 0x73: // nullfuncref
    return "garbage collection";
  default: return nullptr;
  }
}

} // namespace

ValType readValType(ByteReader &r) {
  const std::size_t at = r.offset();
  const std::uint8_t b = r.u8();
  switch (b) {
  case 0x7F: return ValType::I32;
  case 0x7E: return ValType::I64;
  case 0x7D: return ValType::F32;
  case 0x7C: return ValType::F64;
  case 0x70: return ValType::FuncRef;
  case 0x6F: return ValType::ExternRef;
  case 0x7B: return ValType::V128;
  default: break;
  }
  if (const char *feature = postV2TypeFeature(b))
    r.failAt(Kind::Unsupported,
             std::string(feature) + " value type " + hexByte(b) + " is not supported", at);
  r.failAt(Kind::Malformed, "malformed value type " + hexByte(b), at);
}

ValType readRefType(ByteReader &r) {
  const std::size_t at = r.offset();
  const std::uint8_t b = r.u8();
  if (b == 0x70) return ValType::FuncRef;
  if (b == 0x6F) return ValType::ExternRef;
  if (const char *feature = postV2TypeFeature(b))
    r.failAt(Kind::Unsupported,
             std::string(feature) + " reference type " + hexByte(b) + " is not supported", at);
  r.failAt(Kind::Malformed, "malformed reference type " + hexByte(b), at);
}

// Reads the opcode (prefix byte and LEB128 sub-opcode, if any) of the
// instruction that starts at `at`, the reader's position.
Opcode InstrReader::readOpcode(std::size_t at) {
  const std::uint8_t first = reader_.u8();
  std::uint8_t prefix = 0;
  std::uint32_t code = first;
  if (first == 0xFC || first == 0xFD) {
    prefix = first;
    code = reader_.u32();
  } else if (first == 0xFB || first == 0xFE) {
    const std::uint32_t sub = reader_.u32();
    reader_.failAt(Kind::Unsupported,
                   std::string(first == 0xFB ? "garbage collection" : "threads") +
                       " instruction (opcode " + hexByte(first) + " " + std::to_string(sub) +
                       ") is not supported",
                   at);
  }
  if (const auto op = lookupOpcode(prefix, code)) return *op;
  if (auto u = lookupUnsupported(prefix, code))
    reader_.failAt(Kind::Unsupported,
                   std::string(u->feature) + " instruction '" + std::string(u->name) +
                       "' is not supported",
                   at);
  const std::string text =
      prefix ? hexByte(prefix).append(" ").append(std::to_string(code)) : hexByte(code);
  reader_.failAt(Kind::Malformed, std::string("illegal opcode ").append(text), at);
}

std::uint32_t InstrReader::readMemoryIndex() {
  return multiMemory_ ? reader_.u32() : readMemoryIndexByte(reader_);
}

void InstrReader::readMemArg(Instr &in) {
  const std::size_t alignAt = reader_.offset();
  const std::uint32_t flags = reader_.u32();
  in.mem.alignLog2 = flags;
  in.mem.memory = 0;
  // Multi-memory: bit 6 says a memory index follows; the flags end there.
  if (multiMemory_ && flags < 0x80) {
    in.mem.alignLog2 = flags & 0x3F;
    if (flags & 0x40) in.mem.memory = reader_.u32();
  } else if (flags >= 32) {
    // 2^32 and beyond cannot be an alignment (in Wasm 2.0, bit 6 has no meaning).
    reader_.failAt(Kind::Malformed,
                   "malformed memop flags: alignment exponent " + std::to_string(flags), alignAt);
  }
  in.mem.offset = memory64_ ? reader_.u64() : reader_.u32();
}

Instr InstrReader::next() {
  Instr in;
  in.offset = reader_.offset();
  in.op = readOpcode(in.offset);

  switch (info(in.op).imm) {
  case ImmKind::None: break;
  case ImmKind::BlockType: {
    const std::uint8_t b = reader_.peekU8();
    if (b == 0x40) {
      reader_.u8();
      in.block.kind = BlockType::Kind::Empty;
    } else if (b == 0x7F || b == 0x7E || b == 0x7D || b == 0x7C || b == 0x70 || b == 0x6F ||
               b == 0x7B) {
      in.block.kind = BlockType::Kind::Value;
      in.block.value = readValType(reader_);
    } else {
      const std::size_t at = reader_.offset();
      const std::int64_t idx = reader_.s33();
      if (idx < 0) reader_.failAt(Kind::Malformed, "malformed block type", at);
      in.block.kind = BlockType::Kind::Index;
      in.block.typeIndex = static_cast<std::uint32_t>(idx);
    }
    break;
  }
  case ImmKind::LabelIdx:
  case ImmKind::FuncIdx:
  case ImmKind::LocalIdx:
  case ImmKind::GlobalIdx:
  case ImmKind::TableIdx:
  case ImmKind::DataIdx:
  case ImmKind::ElemIdx: in.index = reader_.u32(); break;
  case ImmKind::BrTable: {
    const std::uint32_t n = reader_.u32();
    // Each label takes at least one byte: a count beyond the remaining bytes is malformed.
    if (n > reader_.remaining()) reader_.fail(Kind::Malformed, "unexpected end (br_table)");
    targets_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i)
      targets_[i] = reader_.u32();
    in.index = reader_.u32();
    in.targets = targets_;
    break;
  }
  case ImmKind::CallIndirect:
    in.index = reader_.u32();
    in.index2 = reader_.u32();
    break;
  case ImmKind::SelectTypes: {
    const std::uint32_t n = reader_.u32();
    if (n > reader_.remaining()) reader_.fail(Kind::Malformed, "unexpected end (select types)");
    selectTypes_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i)
      selectTypes_[i] = readValType(reader_);
    in.selectTypes = selectTypes_;
    break;
  }
  case ImmKind::MemArg: readMemArg(in); break;
  case ImmKind::MemIdx: in.index = readMemoryIndex(); break;
  case ImmKind::I32:
    in.bits = static_cast<std::uint64_t>(static_cast<std::int64_t>(reader_.s32()));
    break;
  case ImmKind::I64: in.bits = static_cast<std::uint64_t>(reader_.s64()); break;
  case ImmKind::F32: in.bits = reader_.fixed32(); break;
  case ImmKind::F64: in.bits = reader_.fixed64(); break;
  case ImmKind::RefType: in.refType = readRefType(reader_); break;
  case ImmKind::DataMem:
    in.index = reader_.u32();
    in.index2 = readMemoryIndex();
    break;
  case ImmKind::MemMem:
    in.index = readMemoryIndex();
    in.index2 = readMemoryIndex();
    break;
  case ImmKind::ElemTable:
    in.index = reader_.u32();
    in.index2 = reader_.u32();
    break;
  case ImmKind::TableTable:
    in.index = reader_.u32();
    in.index2 = reader_.u32();
    break;
  case ImmKind::V128:
  case ImmKind::Shuffle: {
    const auto raw = reader_.bytes(in.v128.size());
    std::copy(raw.begin(), raw.end(), in.v128.begin());
    break;
  }
  case ImmKind::LaneIdx: in.lane = reader_.u8(); break;
  case ImmKind::MemArgLane:
    readMemArg(in);
    in.lane = reader_.u8();
    break;
  }
  return in;
}

} // namespace waot::frontend
