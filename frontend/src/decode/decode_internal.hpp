// Internal interface between the module decoder's parts (section decoders,
// constant expressions, the body encoding scan) and the validator.
// Not installed: only frontend/src/decode/*.cpp include it.
#pragma once

#include "waot/frontend/features.hpp"

#include "waot/errors.hpp"
#include "waot/frontend/byte_reader.hpp"
#include "waot/frontend/module.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace waot::frontend::detail {

// Section ids of the binary format.
enum class SectionId : std::uint8_t {
  Custom = 0,
  Type = 1,
  Import = 2,
  Function = 3,
  Table = 4,
  Memory = 5,
  Global = 6,
  Export = 7,
  Start = 8,
  Element = 9,
  Code = 10,
  Data = 11,
  DataCount = 12,
};
inline constexpr std::uint8_t kMaxSectionId = 12;

// Implementation limit on locals (parameters included), as in the JS API.
inline constexpr std::uint64_t kMaxFunctionLocals = 50'000;

// Messages of the structural code errors that both the body scan and the
// function validator report (malformed, in the spec's terms).
inline constexpr const char *kBodyEndsEarly =
    "unexpected end of section or function: the body ends inside a block";
inline constexpr const char *kContentAfterEnd =
    "section size mismatch: the function body continues after its final end";
inline constexpr const char *kElseWithoutIf = "END opcode expected: else without a matching if";
inline constexpr const char *kDataCountRequired =
    "data count section required: memory.init and data.drop need it";

// Keeps in `first` whichever of it and `use` comes first in the module.
inline void noteSimdUse(std::optional<SimdUse> &first, SimdUse use) {
  if (!first || use.offset < first->offset) first = std::move(use);
}

// State shared by the section decoders while one module is decoded.
struct DecodeState {
  DecodeState(Module &m, std::span<const std::uint8_t> b) : module(m), bytes(b) {}

  Module &module;
  std::span<const std::uint8_t> bytes;

  // Counts as declared by their sections (absent section: nullopt).
  std::optional<std::uint32_t> functionSectionCount;
  std::optional<std::uint32_t> codeSectionCount;

  // The model holds a constant expression as its one instruction, so a
  // sequence it cannot represent (empty, several values, a non-constant
  // instruction) is reported while decoding. That is a *validation* error,
  // and the spec reports malformed encodings first: the first such error is
  // kept here and raised only once the whole module decoded cleanly.
  std::optional<CompileError> deferredInvalid;

  void deferInvalid(const std::string &message, std::size_t offset) {
    if (!deferredInvalid) deferredInvalid.emplace(CompileError::Kind::Invalid, message, offset);
  }

  // Records a use of SIMD for decodeAndValidate()'s gate: the earliest wins
  // (the sections are read in order, but a body's locals are read here and
  // its instructions only by the validator).
  void noteSimd(std::size_t offset, std::string what) {
    noteSimdUse(module.firstSimdUse, SimdUse{offset, std::nullopt, std::move(what)});
  }
};

// Reads a value type and records it when it is v128, as "<what> <index>"
// (the text is built only then: this runs for every declared value type).
ValType readValTypeNotingSimd(ByteReader &r, DecodeState &s, const char *what, std::uint32_t index);

// Reads a vector count and rejects counts that cannot fit in the bytes left
// (each element takes at least `minElementBytes`), so a hostile count never
// drives an allocation.
std::uint32_t readCount(ByteReader &r, std::size_t minElementBytes = 1);

// Section payload decoders: `r` is bounded to the payload; the caller checks
// that the decoder consumed exactly the declared size.
void decodeTypeSection(ByteReader &r, DecodeState &s);
void decodeImportSection(ByteReader &r, DecodeState &s);
void decodeFunctionSection(ByteReader &r, DecodeState &s);
void decodeTableSection(ByteReader &r, DecodeState &s);
void decodeMemorySection(ByteReader &r, DecodeState &s);
void decodeGlobalSection(ByteReader &r, DecodeState &s);
void decodeExportSection(ByteReader &r, DecodeState &s);
void decodeStartSection(ByteReader &r, DecodeState &s);
void decodeElementSection(ByteReader &r, DecodeState &s);
void decodeDataCountSection(ByteReader &r, DecodeState &s);
void decodeDataSection(ByteReader &r, DecodeState &s);
void decodeCodeSection(ByteReader &r, DecodeState &s);
// `r` spans the whole custom section payload (its name included).
void decodeCustomSection(ByteReader &r, DecodeState &s);

// Entry readers shared by the section decoders and the validator's offset
// lookup (section_locator.cpp).
TableType readTableType(ByteReader &r);
MemoryType readMemoryType(ByteReader &r);
GlobalType readGlobalType(ByteReader &r);

// Reads a constant expression up to and including its `end`.
ConstExpr readConstExpr(ByteReader &r, DecodeState &s);

// Decodes every function body's instructions and block structure without
// typing them, and checks the uses of the data count section: the errors the
// spec's decoder reports. Throws the first Malformed/Unsupported error found,
// returns normally otherwise. The validator calls it before reporting an
// Invalid error so that malformed encodings take precedence, as in the spec.
void scanBodiesForDecodeErrors(const Module &module, const Features &features = {});

// Byte offset of entry `index` of a section (e.g. the 2nd memory of the memory
// section), found by re-reading the module's section headers. For the few
// validation errors about entries the model keeps no offset for. nullopt if
// the section or entry cannot be found.
std::optional<std::size_t> locateSectionEntry(const Module &module, SectionId id,
                                              std::uint32_t index);

} // namespace waot::frontend::detail
