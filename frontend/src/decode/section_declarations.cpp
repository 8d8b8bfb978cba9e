// Decoders of the declaration sections: type, import, function, table,
// memory, global, export and start, and their entry types (limits, table,
// memory and global types).
#include "decode_internal.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <cstdio>
#include <string>

namespace waot::frontend::detail {

using Kind = CompileError::Kind;

namespace {

std::string hexByte(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", v);
  return buf;
}

enum class LimitsOwner { Table, Memory };

// Limits flags: bit 0 = has maximum, bit 2 = 64-bit addresses/indices
// (memory64, read here; validation decides whether the feature is on).
// Other bits belong to later proposals; name them so that users learn which
// feature their module needs.
Limits readLimits(ByteReader &r, LimitsOwner owner, bool &is64) {
  const std::size_t at = r.offset();
  const std::uint8_t flags = r.u8();
  // The flags are a LEB128 integer of one byte: a continuation bit is an
  // over-long encoding, other high bits are too large a value.
  if (flags & 0x80) r.failAt(Kind::Malformed, "integer representation too long (limits flags)", at);
  if (flags > 0x01 && flags != 0x04 && flags != 0x05) {
    if (owner == LimitsOwner::Memory && (flags & 0x02) && flags <= 0x07)
      r.failAt(Kind::Unsupported, "shared memory (threads proposal) is not supported", at);
    r.failAt(Kind::Malformed, "integer too large (malformed limits flags " + hexByte(flags) + ")",
             at);
  }
  is64 = (flags & 0x04) != 0;
  Limits limits;
  limits.min = is64 ? r.u64() : r.u32();
  if (flags & 0x01) limits.max = is64 ? r.u64() : r.u32();
  return limits;
}

std::vector<ValType> readResultTypes(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r);
  std::vector<ValType> types;
  types.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    types.push_back(readValTypeNotingSimd(r, s, "v128 in function type",
                                          static_cast<std::uint32_t>(s.module.types.size())));
  return types;
}

// Type forms of the garbage collection proposal, named in the error.
const char *gcTypeFormName(std::uint8_t form) {
  switch (form) {
  case 0x4E: return "rec";
  case 0x4F: return "sub final";
  case 0x50: return "sub";
  case 0x5E: return "array";
  case 0x5F: return "struct";
  default: return nullptr;
  }
}

FuncType readFuncType(ByteReader &r, DecodeState &s) {
  const std::size_t at = r.offset();
  const std::uint8_t form = r.u8();
  if (form != 0x60) {
    if (const char *gc = gcTypeFormName(form))
      r.failAt(Kind::Unsupported,
               std::string("garbage collection type '") + gc + "' (form " + hexByte(form) +
                   ") is not supported",
               at);
    r.failAt(Kind::Malformed, "malformed function type: form " + hexByte(form) + ", expected 0x60",
             at);
  }
  FuncType type;
  type.params = readResultTypes(r, s);
  type.results = readResultTypes(r, s);
  return type;
}

ExternKind readExternKind(ByteReader &r, const char *what) {
  const std::size_t at = r.offset();
  const std::uint8_t kind = r.u8();
  if (kind > static_cast<std::uint8_t>(ExternKind::Global))
    r.failAt(Kind::Malformed, std::string("malformed ") + what + " kind " + hexByte(kind), at);
  return static_cast<ExternKind>(kind);
}

} // namespace

TableType readTableType(ByteReader &r) {
  TableType type;
  type.elemType = readRefType(r);
  type.limits = readLimits(r, LimitsOwner::Table, type.is64);
  return type;
}

MemoryType readMemoryType(ByteReader &r) {
  MemoryType type;
  type.limits = readLimits(r, LimitsOwner::Memory, type.is64);
  return type;
}

GlobalType readGlobalType(ByteReader &r) {
  GlobalType type;
  type.type = readValType(r);
  const std::size_t at = r.offset();
  const std::uint8_t mutability = r.u8();
  if (mutability > 1) r.failAt(Kind::Malformed, "malformed mutability " + hexByte(mutability), at);
  type.isMutable = mutability == 1;
  return type;
}

void decodeTypeSection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r, 3); // form, two counts
  s.module.types.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    s.module.types.push_back(readFuncType(r, s));
}

void decodeImportSection(ByteReader &r, DecodeState &s) {
  Module &m = s.module;
  const std::uint32_t count = readCount(r, 4); // two names, kind, descriptor
  m.imports.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Import im;
    im.offset = r.offset();
    im.module = r.name();
    im.name = r.name();
    const std::size_t kindAt = r.offset();
    const std::uint8_t kind = r.u8();
    switch (kind) {
    case 0x00:
      im.kind = ExternKind::Func;
      im.typeIndex = r.u32();
      m.functionTypes.push_back(im.typeIndex);
      ++m.numImportedFunctions;
      break;
    case 0x01:
      im.kind = ExternKind::Table;
      im.table = readTableType(r);
      m.tables.push_back(im.table);
      ++m.numImportedTables;
      break;
    case 0x02:
      im.kind = ExternKind::Memory;
      im.memory = readMemoryType(r);
      m.memories.push_back(im.memory);
      ++m.numImportedMemories;
      break;
    case 0x03:
      im.kind = ExternKind::Global;
      im.global = readGlobalType(r);
      if (im.global.type == ValType::V128)
        s.noteSimd(kindAt + 1, std::string("v128 global import \"")
                                   .append(im.module)
                                   .append("\" \"")
                                   .append(im.name)
                                   .append("\""));
      m.globalTypes.push_back(im.global);
      ++m.numImportedGlobals;
      break;
    default: r.failAt(Kind::Malformed, "malformed import kind " + hexByte(kind), kindAt);
    }
    m.imports.push_back(std::move(im));
  }
}

void decodeFunctionSection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r);
  s.functionSectionCount = count;
  s.module.functionTypes.reserve(s.module.functionTypes.size() + count);
  for (std::uint32_t i = 0; i < count; ++i)
    s.module.functionTypes.push_back(r.u32());
}

void decodeTableSection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r, 3); // reftype, flags, minimum
  s.module.tables.reserve(s.module.tables.size() + count);
  for (std::uint32_t i = 0; i < count; ++i)
    s.module.tables.push_back(readTableType(r));
}

void decodeMemorySection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r, 2); // flags, minimum
  s.module.memories.reserve(s.module.memories.size() + count);
  for (std::uint32_t i = 0; i < count; ++i)
    s.module.memories.push_back(readMemoryType(r));
}

void decodeGlobalSection(ByteReader &r, DecodeState &s) {
  Module &m = s.module;
  const std::uint32_t count = readCount(r, 3); // type, mutability, at least `end`
  m.globals.reserve(count);
  m.globalTypes.reserve(m.globalTypes.size() + count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Global global;
    const std::size_t typeAt = r.offset();
    global.type = readGlobalType(r);
    if (global.type.type == ValType::V128)
      s.noteSimd(typeAt, "v128 global " + std::to_string(m.globalTypes.size()));
    global.init = readConstExpr(r, s);
    m.globalTypes.push_back(global.type);
    m.globals.push_back(global);
  }
}

void decodeExportSection(ByteReader &r, DecodeState &s) {
  const std::uint32_t count = readCount(r, 3); // name, kind, index
  s.module.exports.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    Export ex;
    ex.offset = r.offset();
    ex.name = r.name();
    ex.kind = readExternKind(r, "export");
    ex.index = r.u32();
    s.module.exports.push_back(std::move(ex));
  }
}

void decodeStartSection(ByteReader &r, DecodeState &s) { s.module.start = r.u32(); }

} // namespace waot::frontend::detail
