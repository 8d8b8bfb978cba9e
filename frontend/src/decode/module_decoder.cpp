// decodeModule: the module preamble, the section sequence (order, sizes) and
// the consistency rules between sections. Section payloads are decoded by
// section_*.cpp.
#include "decode_internal.hpp"
#include "waot/frontend/decoder.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <string>

namespace waot::frontend {

using Kind = CompileError::Kind;

namespace detail {

std::uint32_t readCount(ByteReader &r, std::size_t minElementBytes) {
  const std::size_t at = r.offset();
  const std::uint32_t count = r.u32();
  if (static_cast<std::uint64_t>(count) * minElementBytes > r.remaining())
    r.failAt(Kind::Malformed,
             "length out of bounds: " + std::to_string(count) + " elements cannot fit in the " +
                 std::to_string(r.remaining()) + " remaining bytes",
             at);
  return count;
}

ValType readValTypeNotingSimd(ByteReader &r, DecodeState &s, const char *what,
                              std::uint32_t index) {
  const std::size_t at = r.offset();
  const ValType type = readValType(r);
  if (type == ValType::V128)
    s.noteSimd(at, std::string(what).append(" ").append(std::to_string(index)));
  return type;
}

} // namespace detail

namespace {

using detail::DecodeState;
using detail::SectionId;

constexpr std::array<std::uint8_t, 4> kMagic = {0x00, 0x61, 0x73, 0x6D};
constexpr std::array<std::uint8_t, 4> kVersion = {0x01, 0x00, 0x00, 0x00};

// Position of each non-custom section in the mandatory order. The data count
// section (id 12) sits between the element and code sections.
int canonicalRank(SectionId id) {
  switch (id) {
  case SectionId::Type: return 1;
  case SectionId::Import: return 2;
  case SectionId::Function: return 3;
  case SectionId::Table: return 4;
  case SectionId::Memory: return 5;
  case SectionId::Global: return 6;
  case SectionId::Export: return 7;
  case SectionId::Start: return 8;
  case SectionId::Element: return 9;
  case SectionId::DataCount: return 10;
  case SectionId::Code: return 11;
  case SectionId::Data: return 12;
  case SectionId::Custom: return 0;
  }
  return 0;
}

void readPreamble(ByteReader &r) {
  // Too short to hold the magic number at all: the spec calls that an
  // unexpected end, whatever the bytes are.
  if (r.remaining() < kMagic.size()) r.fail(Kind::Malformed, "unexpected end (no magic header)");
  const auto magic = r.bytes(kMagic.size());
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin()))
    r.failAt(Kind::Malformed, "magic header not detected", 0);
  if (r.remaining() < kVersion.size())
    r.fail(Kind::Malformed, "unexpected end (incomplete binary version)");
  const std::size_t versionAt = r.offset();
  const auto version = r.bytes(kVersion.size());
  if (!std::equal(version.begin(), version.end(), kVersion.begin()))
    r.failAt(Kind::Malformed, "unknown binary version (only version 1 is supported)", versionAt);
}

void decodeSectionPayload(SectionId id, ByteReader &r, DecodeState &s) {
  switch (id) {
  case SectionId::Custom: detail::decodeCustomSection(r, s); break;
  case SectionId::Type: detail::decodeTypeSection(r, s); break;
  case SectionId::Import: detail::decodeImportSection(r, s); break;
  case SectionId::Function: detail::decodeFunctionSection(r, s); break;
  case SectionId::Table: detail::decodeTableSection(r, s); break;
  case SectionId::Memory: detail::decodeMemorySection(r, s); break;
  case SectionId::Global: detail::decodeGlobalSection(r, s); break;
  case SectionId::Export: detail::decodeExportSection(r, s); break;
  case SectionId::Start: detail::decodeStartSection(r, s); break;
  case SectionId::Element: detail::decodeElementSection(r, s); break;
  case SectionId::DataCount: detail::decodeDataCountSection(r, s); break;
  case SectionId::Code: detail::decodeCodeSection(r, s); break;
  case SectionId::Data: detail::decodeDataSection(r, s); break;
  }
}

void readSections(ByteReader &r, DecodeState &s) {
  int lastRank = 0;
  while (!r.atEnd()) {
    const std::size_t idAt = r.offset();
    const std::uint8_t rawId = r.u8();
    if (rawId > detail::kMaxSectionId)
      r.failAt(Kind::Malformed, "malformed section id " + std::to_string(rawId), idAt);
    const auto id = static_cast<SectionId>(rawId);
    const std::size_t sizeAt = r.offset();
    const std::uint32_t size = r.u32();
    if (size > r.remaining())
      r.failAt(Kind::Malformed,
               "length out of bounds: section size " + std::to_string(size) + " exceeds the " +
                   std::to_string(r.remaining()) + " remaining bytes",
               sizeAt);
    if (id != SectionId::Custom) {
      // A repeated section is out of order too: both mean the module goes on
      // after what must have been the last section of its kind.
      const int rank = canonicalRank(id);
      if (rank <= lastRank)
        r.failAt(Kind::Malformed,
                 "unexpected content after last section (section " + std::to_string(rawId) +
                     " is repeated or out of order)",
                 idAt);
      lastRank = rank;
    }
    const std::size_t begin = r.offset();
    const std::size_t end = begin + size;
    ByteReader payload(s.bytes, begin, end);
    decodeSectionPayload(id, payload, s);
    if (payload.offset() != end)
      payload.fail(Kind::Malformed, "section size mismatch: section " + std::to_string(rawId) +
                                        " declares " + std::to_string(size) +
                                        " bytes but its content ends at offset " +
                                        std::to_string(payload.offset()));
    r.seek(end);
  }
}

void checkSectionConsistency(const ByteReader &r, const DecodeState &s) {
  const std::uint32_t functions = s.functionSectionCount.value_or(0);
  const std::uint32_t bodies = s.codeSectionCount.value_or(0);
  if (functions != bodies)
    r.fail(Kind::Malformed, "function and code section have inconsistent lengths (" +
                                std::to_string(functions) + " functions, " +
                                std::to_string(bodies) + " bodies)");
  const Module &m = s.module;
  if (m.dataCount && *m.dataCount != m.datas.size())
    r.fail(Kind::Malformed, "data count and data section have inconsistent lengths (count " +
                                std::to_string(*m.dataCount) + ", " +
                                std::to_string(m.datas.size()) + " segments)");
}

} // namespace

Module decodeModule(std::span<const std::uint8_t> bytes) {
  Module module;
  module.bytes = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
  DecodeState state{module, module.view()};
  ByteReader r(state.bytes, 0, state.bytes.size());
  readPreamble(r);
  readSections(r, state);
  checkSectionConsistency(r, state);
  if (state.deferredInvalid) {
    // Malformed code anywhere in the module outranks the validation error.
    detail::scanBodiesForDecodeErrors(module);
    throw *state.deferredInvalid;
  }
  return module;
}

} // namespace waot::frontend
