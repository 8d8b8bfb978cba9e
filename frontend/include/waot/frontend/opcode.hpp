// Opcode enumeration and per-opcode facts, all generated from opcodes.def.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace waot::frontend {

enum class Opcode : std::uint16_t {
#define WAOT_OPCODE(Id, Prefix, Code, Name, Imm, Sig, Category, Feature, Extra) Id,
#include "waot/frontend/opcodes.def"
  Count
};

// Layout of an instruction's immediates.
enum class ImmKind : std::uint8_t {
  None,
  BlockType,    // block type: empty, value type or type index (s33)
  LabelIdx,     // u32 label depth
  BrTable,      // vec(u32) labels, u32 default
  FuncIdx,      // u32 function index
  CallIndirect, // u32 type index, u32 table index
  SelectTypes,  // vec(valtype)
  LocalIdx,     // u32
  GlobalIdx,    // u32
  TableIdx,     // u32
  MemArg,       // u32 align (log2), u32 offset
  MemIdx,       // one memory index (must be 0x00 byte in Wasm 2.0)
  I32,          // s32
  I64,          // s64
  F32,          // 4 bytes
  F64,          // 8 bytes
  RefType,      // one reference type byte
  DataMem,      // u32 data index, memory index byte
  DataIdx,      // u32 data index
  MemMem,       // two memory index bytes (dst, src)
  ElemTable,    // u32 elem index, u32 table index
  ElemIdx,      // u32 elem index
  TableTable,   // u32 dst table, u32 src table
  V128,         // 16 raw bytes (v128.const), lane 0 first
  Shuffle,      // 16 lane-index bytes (i8x16.shuffle), each < 32 to be valid
  LaneIdx,      // one lane-index byte (extract_lane, replace_lane)
  MemArgLane,   // memarg (as MemArg), then one lane-index byte (load/store_lane)
};

// Signatures of uniform instructions, named result_params (see opcodes.def).
enum class Sig : std::uint8_t {
  Special,
  i_v,
  l_v,
  f_v,
  d_v,
  v_v,
  i_i,
  i_l,
  i_f,
  i_d,
  l_l,
  l_i,
  l_f,
  l_d,
  f_f,
  f_i,
  f_l,
  f_d,
  d_d,
  d_i,
  d_l,
  d_f,
  i_ii,
  i_ll,
  i_ff,
  i_dd,
  l_ll,
  f_ff,
  d_dd,
  v_ii,
  v_il,
  v_if,
  v_id,
  v_iii,
  // SIMD (x = v128).
  x_v,
  x_x,
  x_xx,
  x_xxx,
  x_i,
  x_l,
  x_f,
  x_d,
  x_xi,
  x_xl,
  x_xf,
  x_xd,
  x_ix,
  i_x,
  l_x,
  f_x,
  d_x,
  v_ix,
};

enum class Category : std::uint8_t {
  Control,
  Parametric,
  Variable,
  Table,
  Memory,
  Const,
  Compare,
  Arith,
  Convert,
  Reference,
  SimdMemory,
  SimdConst,
  SimdLane,
  SimdCompare,
  SimdArith,
  SimdConvert,
};

enum class Feature : std::uint8_t { MVP, SignExt, SatConv, BulkMemory, RefTypes, Simd, TailCall };

struct OpcodeInfo {
  std::uint8_t prefix;
  std::uint32_t code;
  std::string_view name;
  ImmKind imm;
  Sig sig;
  Category category;
  Feature feature;
  std::uint8_t accessBytes; // loads/stores: access width; extract/replace_lane: lane width
};

inline constexpr OpcodeInfo kOpcodeInfo[] = {
#define WAOT_OPCODE(Id, Prefix, Code, Name, Imm, Sig_, Category_, Feature_, Extra)                 \
  {Prefix, Code, Name, ImmKind::Imm, Sig::Sig_, Category::Category_, Feature::Feature_, Extra},
#include "waot/frontend/opcodes.def"
};
static_assert(sizeof(kOpcodeInfo) / sizeof(kOpcodeInfo[0]) ==
              static_cast<std::size_t>(Opcode::Count));

constexpr const OpcodeInfo &info(Opcode op) { return kOpcodeInfo[static_cast<std::size_t>(op)]; }
constexpr std::string_view name(Opcode op) { return info(op).name; }
constexpr bool isSimd(Opcode op) { return info(op).feature == Feature::Simd; }
// Lanes of the shape a LaneIdx or MemArgLane instruction indexes: its lane
// index must be below this.
constexpr unsigned laneCount(Opcode op) {
  return info(op).accessBytes ? 16u / info(op).accessBytes : 0u;
}

// Lookup by encoding; nullopt when the encoding is not a supported opcode.
std::optional<Opcode> lookupOpcode(std::uint8_t prefix, std::uint32_t code);

// For encodings of known-but-unsupported features: {mnemonic, feature}.
struct UnsupportedOpcode {
  std::string_view name;
  std::string_view feature;
};
std::optional<UnsupportedOpcode> lookupUnsupported(std::uint8_t prefix, std::uint32_t code);

} // namespace waot::frontend
