#include "waot/frontend/opcode.hpp"

#include <array>

namespace waot::frontend {

namespace {

// Single-byte opcodes are looked up in a 256-entry table, 0xFC ones in a
// small one, 0xFD (SIMD, sub-opcodes 0..255) in another 256-entry one.
struct OpcodeTables {
  std::array<std::int16_t, 256> single{};
  std::array<std::int16_t, 32> misc{};
  std::array<std::int16_t, 256> simd{};
  OpcodeTables() {
    single.fill(-1);
    misc.fill(-1);
    simd.fill(-1);
    for (std::size_t i = 0; i < static_cast<std::size_t>(Opcode::Count); ++i) {
      const auto &op = kOpcodeInfo[i];
      if (op.prefix == 0)
        single[op.code] = static_cast<std::int16_t>(i);
      else if (op.prefix == 0xFC && op.code < misc.size())
        misc[op.code] = static_cast<std::int16_t>(i);
      else if (op.prefix == 0xFD && op.code < simd.size())
        simd[op.code] = static_cast<std::int16_t>(i);
    }
  }
};

const OpcodeTables &tables() {
  static const OpcodeTables t;
  return t;
}

struct UnsupportedEntry {
  std::uint8_t prefix;
  std::uint32_t code;
  std::string_view name;
  std::string_view feature;
};

constexpr UnsupportedEntry kUnsupported[] = {
#define WAOT_UNSUPPORTED(Prefix, Code, Name, Feature) {Prefix, Code, Name, Feature},
#include "waot/frontend/opcodes.def"
};

} // namespace

std::optional<Opcode> lookupOpcode(std::uint8_t prefix, std::uint32_t code) {
  const auto &t = tables();
  std::int16_t idx = -1;
  if (prefix == 0 && code < 256)
    idx = t.single[code];
  else if (prefix == 0xFC && code < t.misc.size())
    idx = t.misc[code];
  else if (prefix == 0xFD && code < t.simd.size())
    idx = t.simd[code];
  if (idx < 0) return std::nullopt;
  return static_cast<Opcode>(idx);
}

std::optional<UnsupportedOpcode> lookupUnsupported(std::uint8_t prefix, std::uint32_t code) {
  for (const auto &e : kUnsupported)
    if (e.prefix == prefix && e.code == code) return UnsupportedOpcode{e.name, e.feature};
  return std::nullopt;
}

} // namespace waot::frontend
