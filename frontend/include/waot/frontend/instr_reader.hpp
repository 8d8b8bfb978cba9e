// The one function-body decoder: reads instructions and their immediates.
// The validator and the IR lowering both walk bodies with it, so immediate
// decoding exists exactly once (driven by ImmKind from opcodes.def).
#pragma once

#include "waot/frontend/byte_reader.hpp"
#include "waot/frontend/features.hpp"
#include "waot/frontend/module.hpp"
#include "waot/frontend/opcode.hpp"

#include <array>
#include <span>
#include <vector>

namespace waot::frontend {

struct BlockType {
  enum class Kind : std::uint8_t { Empty, Value, Index };
  Kind kind = Kind::Empty;
  ValType value = ValType::I32; // Kind::Value
  std::uint32_t typeIndex = 0;  // Kind::Index
};

struct MemArg {
  std::uint32_t alignLog2 = 0;
  std::uint64_t offset = 0; // u32 in Wasm 2.0, u64 with memory64
  std::uint32_t memory = 0;
};

// One decoded instruction. Only the fields of the opcode's ImmKind are set.
struct Instr {
  Opcode op = Opcode::Nop;
  std::size_t offset = 0; // byte offset of the opcode

  // LabelIdx/FuncIdx/LocalIdx/GlobalIdx/TableIdx: the index.
  // CallIndirect: type index. BrTable: default label. MemIdx: memory.
  // DataIdx/DataMem: data index. ElemIdx/ElemTable: elem index.
  // TableTable: destination table. MemMem: destination memory.
  std::uint32_t index = 0;
  // CallIndirect: table. DataMem: memory. ElemTable: table.
  // TableTable: source table. MemMem: source memory.
  std::uint32_t index2 = 0;
  // I32 (sign-extended to 64 bits), I64, F32 (bits), F64 (bits).
  std::uint64_t bits = 0;
  BlockType block;
  MemArg mem;            // MemArg, MemArgLane
  std::uint8_t lane = 0; // LaneIdx, MemArgLane: the lane index as encoded (unchecked)
  // V128: the constant's bytes in memory order (lane 0 first, little endian).
  // Shuffle: the 16 lane indices as encoded (unchecked).
  std::array<std::uint8_t, 16> v128{};
  ValType refType = ValType::FuncRef;     // RefType
  std::span<const std::uint32_t> targets; // BrTable labels (valid until next())
  std::span<const ValType> selectTypes;   // SelectTypes (valid until next())
};

class InstrReader {
public:
  // Reads [begin, end) of `module` as the code of function `function`.
  // `features` decide the encodings of memory indices (multi-memory) and
  // memarg offsets (u64 with memory64); the lowering reads validated bytes
  // with the default, every feature on.
  InstrReader(std::span<const std::uint8_t> module, std::size_t begin, std::size_t end,
              std::uint32_t function, const Features &features = {})
      : reader_(module, begin, end, function), multiMemory_(features.multiMemory),
        memory64_(features.memory64) {}

  bool atEnd() const { return reader_.atEnd(); }
  std::size_t offset() const { return reader_.offset(); }
  // Decodes the next instruction. Throws CompileError: malformed encodings,
  // unknown opcodes, and "unsupported feature" for known later features.
  // SIMD instructions decode like any other (the validator checks their lane
  // indices; decodeAndValidate() decides whether SIMD is accepted).
  Instr next();

  ByteReader &bytes() { return reader_; }

private:
  Opcode readOpcode(std::size_t at);
  void readMemArg(Instr &in);
  std::uint32_t readMemoryIndex();
  ByteReader reader_;
  bool multiMemory_;
  bool memory64_;
  std::vector<std::uint32_t> targets_;
  std::vector<ValType> selectTypes_;
};

// Reads a value type byte (v128 included); malformed if not a Wasm 2.0 value type.
ValType readValType(ByteReader &r);
// Reads a reference type byte (funcref / externref).
ValType readRefType(ByteReader &r);

} // namespace waot::frontend
