// Finds where a section entry lies in the module bytes. The module model
// keeps no offsets for function type indices, tables, memories and the start
// function; validation errors about them look the offset up here (error paths
// only, so re-reading the section headers costs nothing in the common case).
#include "decode_internal.hpp"

namespace waot::frontend::detail {

namespace {

constexpr std::size_t kPreambleSize = 8;

// Advances past one entry of a section whose entries this lookup supports.
bool skipEntry(ByteReader &r, SectionId id) {
  switch (id) {
  case SectionId::Function: r.u32(); return true;
  case SectionId::Table: readTableType(r); return true;
  case SectionId::Memory: readMemoryType(r); return true;
  default: return false;
  }
}

std::optional<std::size_t> locateInSection(ByteReader &section, SectionId id, std::uint32_t index) {
  if (id == SectionId::Start) return section.offset();
  const std::uint32_t count = section.u32();
  if (index >= count) return std::nullopt;
  for (std::uint32_t i = 0; i < index; ++i)
    if (!skipEntry(section, id)) return std::nullopt;
  return section.offset();
}

} // namespace

std::optional<std::size_t> locateSectionEntry(const Module &module, SectionId id,
                                              std::uint32_t index) {
  if (!module.bytes || module.bytes->size() < kPreambleSize) return std::nullopt;
  const auto bytes = module.view();
  try {
    ByteReader r(bytes, kPreambleSize, bytes.size());
    while (!r.atEnd()) {
      const std::uint8_t sectionId = r.u8();
      const std::uint32_t size = r.u32();
      if (size > r.remaining()) return std::nullopt;
      const std::size_t begin = r.offset();
      if (sectionId == static_cast<std::uint8_t>(id)) {
        ByteReader section(bytes, begin, begin + size);
        return locateInSection(section, id, index);
      }
      r.seek(begin + size);
    }
  } catch (const CompileError &) {
    // Bytes that do not decode (a hand-built Module): no offset to report.
  }
  return std::nullopt;
}

} // namespace waot::frontend::detail
