// The 0xFD rows of opcodes.def and their decoding by InstrReader: the table's
// shape, every SIMD immediate kind, and malformed encodings with their offsets.
#include "decode_simd_support.hpp"

#include "waot/frontend/instr_reader.hpp"

#include <gtest/gtest.h>

#include <set>

namespace waot::test {
namespace {

using namespace waot::frontend;
using Kind = CompileError::Kind;

std::vector<Opcode> simdOpcodes() {
  std::vector<Opcode> out;
  for (std::size_t i = 0; i < static_cast<std::size_t>(Opcode::Count); ++i)
    if (isSimd(static_cast<Opcode>(i))) out.push_back(static_cast<Opcode>(i));
  return out;
}

// Decodes the one instruction in `code`; expects it to use all of the bytes.
Instr decodeOne(const Bytes &code) {
  InstrReader reader(code, 0, code.size(), 0);
  const Instr in = reader.next();
  EXPECT_TRUE(reader.atEnd()) << "stopped at " << reader.offset() << " of " << code.size();
  return in;
}

// The error InstrReader throws on `code`, if any.
std::optional<CompileError> readError(const Bytes &code, const Features &features = {}) {
  try {
    InstrReader reader(code, 0, code.size(), 0, features);
    while (!reader.atEnd())
      reader.next();
  } catch (const CompileError &e) {
    return e;
  }
  return std::nullopt;
}

TEST(DecodeSimdTable, HasEveryWasm20VectorInstruction) {
  const std::vector<Opcode> ops = simdOpcodes();
  EXPECT_EQ(ops.size(), 236u);
  std::set<std::uint32_t> codes;
  std::set<std::string_view> names;
  for (Opcode op : ops) {
    const OpcodeInfo &row = info(op);
    SCOPED_TRACE(std::string(row.name));
    EXPECT_EQ(row.prefix, 0xFD);
    EXPECT_LT(row.code, 256u);
    EXPECT_TRUE(codes.insert(row.code).second) << "duplicate code";
    EXPECT_TRUE(names.insert(row.name).second) << "duplicate name";
    EXPECT_EQ(lookupOpcode(0xFD, row.code), std::optional<Opcode>(op));
  }
  // The codes the spec leaves unassigned in 0..255.
  const std::set<std::uint32_t> reserved = {154, 162, 165, 166, 175, 176, 178, 179, 180, 187,
                                            194, 197, 198, 207, 208, 210, 211, 212, 226, 238};
  for (std::uint32_t code = 0; code < 256; ++code)
    EXPECT_EQ(codes.count(code) == 0, reserved.count(code) == 1) << code;
  EXPECT_FALSE(lookupOpcode(0xFD, 256));
}

TEST(DecodeSimdTable, ImmediatesAndWidthsAgree) {
  for (Opcode op : simdOpcodes()) {
    const OpcodeInfo &row = info(op);
    SCOPED_TRACE(std::string(row.name));
    EXPECT_NE(row.sig, Sig::Special) << "every SIMD instruction is typed by its Sig";
    const bool memory = row.category == Category::SimdMemory;
    EXPECT_EQ(memory, row.imm == ImmKind::MemArg || row.imm == ImmKind::MemArgLane);
    if (memory || row.imm == ImmKind::LaneIdx) {
      EXPECT_TRUE(row.accessBytes == 1 || row.accessBytes == 2 || row.accessBytes == 4 ||
                  row.accessBytes == 8 || row.accessBytes == 16)
          << int{row.accessBytes};
    } else {
      EXPECT_EQ(row.accessBytes, 0);
    }
  }
  EXPECT_EQ(info(Opcode::V128Load).accessBytes, 16);
  EXPECT_EQ(info(Opcode::V128Load8x8S).accessBytes, 8);
  EXPECT_EQ(info(Opcode::V128Load16Splat).accessBytes, 2);
  EXPECT_EQ(info(Opcode::V128Load32Zero).accessBytes, 4);
  EXPECT_EQ(info(Opcode::V128Store64Lane).accessBytes, 8);
  EXPECT_EQ(laneCount(Opcode::I8x16ExtractLaneS), 16u);
  EXPECT_EQ(laneCount(Opcode::I16x8ReplaceLane), 8u);
  EXPECT_EQ(laneCount(Opcode::F32x4ExtractLane), 4u);
  EXPECT_EQ(laneCount(Opcode::V128Load64Lane), 2u);
  EXPECT_EQ(info(Opcode::V128Bitselect).sig, Sig::x_xxx);
  EXPECT_EQ(info(Opcode::I64x2Shl).sig, Sig::x_xi);
  EXPECT_EQ(info(Opcode::V128Store).sig, Sig::v_ix);
  EXPECT_EQ(info(Opcode::I64x2ExtractLane).sig, Sig::l_x);
  EXPECT_EQ(name(Opcode::F64x2PromoteLowF32x4), "f64x2.promote_low_f32x4");
  EXPECT_EQ(info(Opcode::F64x2PromoteLowF32x4).code, 95u);
}

TEST(DecodeSimdReader, V128ConstBytes) {
  std::array<std::uint8_t, 16> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(0xF0 + i);
  const Instr in = decodeOne(v128Const(bytes));
  EXPECT_EQ(in.op, Opcode::V128Const);
  EXPECT_EQ(in.v128, bytes);
  EXPECT_EQ(in.offset, 0u);
}

TEST(DecodeSimdReader, ShuffleLanesAreDecodedUnchecked) {
  std::array<std::uint8_t, 16> lanes{};
  for (std::size_t i = 0; i < lanes.size(); ++i)
    lanes[i] = static_cast<std::uint8_t>(31 - i);
  lanes[5] = 255; // invalid, but that is the validator's business
  const Instr in = decodeOne(cat({simdOp(13), Bytes(lanes.begin(), lanes.end())}));
  EXPECT_EQ(in.op, Opcode::I8x16Shuffle);
  EXPECT_EQ(in.v128, lanes);
}

TEST(DecodeSimdReader, LaneIndex) {
  const Instr extract = decodeOne(cat({simdOp(Opcode::I8x16ExtractLaneU), {0x0F}}));
  EXPECT_EQ(extract.op, Opcode::I8x16ExtractLaneU);
  EXPECT_EQ(extract.lane, 15);
  // The lane is a byte, not a LEB128: 0x80 is lane 128 and nothing follows.
  const Instr big = decodeOne(cat({simdOp(Opcode::F64x2ReplaceLane), {0x80}}));
  EXPECT_EQ(big.lane, 0x80);
}

TEST(DecodeSimdReader, MemArgAndLane) {
  // v128.load16_lane align=2^1 offset=300 lane 7
  const Instr in = decodeOne(cat({simdOp(Opcode::V128Load16Lane), {0x01}, uleb(300), {0x07}}));
  EXPECT_EQ(in.op, Opcode::V128Load16Lane);
  EXPECT_EQ(in.mem.alignLog2, 1u);
  EXPECT_EQ(in.mem.offset, 300u);
  EXPECT_EQ(in.lane, 7);
  const Instr load = decodeOne(cat({simdOp(Opcode::V128Load), {0x04}, uleb(0xFFFFFFFF)}));
  EXPECT_EQ(load.mem.alignLog2, 4u);
  EXPECT_EQ(load.mem.offset, 0xFFFFFFFFu);
}

TEST(DecodeSimdReader, SubOpcodeIsALeb128) {
  EXPECT_EQ(decodeOne(cat({{0xFD, 0xAE, 0x01}})).op, Opcode::I32x4Add);          // 174: two bytes
  EXPECT_EQ(decodeOne({0xFD, 0x8E, 0x80, 0x80, 0x00}).op, Opcode::I8x16Swizzle); // padded 14
  EXPECT_EQ(decodeOne(simdOp(255)).op, Opcode::F64x2ConvertLowI32x4U);
}

TEST(DecodeSimdReader, UnknownSubOpcodesAreIllegal) {
  for (std::uint32_t code : {154u, 238u, 300u, 0xFFFFFFFFu}) {
    const auto error = readError(cat({{0x01}, simdOp(code)})); // nop, then the opcode at 1
    ASSERT_TRUE(error) << code;
    EXPECT_EQ(error->kind(), Kind::Malformed);
    EXPECT_EQ(error->message(), "illegal opcode 0xfd " + std::to_string(code));
    EXPECT_EQ(error->offset(), std::optional<std::size_t>(1));
  }
  // Relaxed SIMD (a later proposal) is named as such.
  const auto relaxed = readError(simdOp(0x100));
  ASSERT_TRUE(relaxed);
  EXPECT_EQ(relaxed->kind(), Kind::Unsupported);
  EXPECT_EQ(relaxed->message(),
            "relaxed SIMD instruction 'i8x16.relaxed_swizzle' is not supported");
  // A sub-opcode longer than 5 bytes is malformed as an integer.
  const auto tooLong = readError({0xFD, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  ASSERT_TRUE(tooLong);
  EXPECT_EQ(tooLong->kind(), Kind::Malformed);
}

TEST(DecodeSimdReader, TruncatedImmediatesAreMalformed) {
  const Bytes full = v128Const();
  for (std::size_t cut = 2; cut < full.size(); ++cut) {
    const auto error =
        readError(Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut)));
    ASSERT_TRUE(error) << cut;
    EXPECT_EQ(error->kind(), Kind::Malformed) << cut;
    EXPECT_EQ(error->offset(), std::optional<std::size_t>(2)) << "where the 16 bytes start";
  }
  const auto shuffle = readError(cat({simdOp(Opcode::I8x16Shuffle), Bytes(15, 0)}));
  ASSERT_TRUE(shuffle);
  EXPECT_EQ(shuffle->kind(), Kind::Malformed);
  const auto lane = readError(simdOp(Opcode::I32x4ExtractLane));
  ASSERT_TRUE(lane);
  EXPECT_EQ(lane->kind(), Kind::Malformed);
  EXPECT_EQ(lane->offset(), std::optional<std::size_t>(2));
  const auto memLane = readError(cat({simdOp(Opcode::V128Store8Lane), {0x00, 0x00}}));
  ASSERT_TRUE(memLane);
  EXPECT_EQ(memLane->kind(), Kind::Malformed);
  EXPECT_EQ(memLane->offset(), std::optional<std::size_t>(4)) << "the missing lane byte";
  const auto memArg = readError(cat({simdOp(Opcode::V128Load), {0x04}}));
  ASSERT_TRUE(memArg);
  EXPECT_EQ(memArg->kind(), Kind::Malformed);
}

TEST(DecodeSimdReader, AlignmentExponentBeyond31IsMalformed) {
  // Wasm 2.0: 32 and above.
  const auto error =
      readError(cat({simdOp(Opcode::V128Load8Lane), {0x20, 0x00, 0x00}}), Features::wasm2());
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind(), Kind::Malformed);
  EXPECT_EQ(error->message().rfind("malformed memop flags", 0), 0u) << error->message();
  EXPECT_EQ(error->offset(), std::optional<std::size_t>(2));
  // Multi-memory: bit 6 announces a memory index, flags of 128 and above are malformed.
  EXPECT_FALSE(readError(cat({simdOp(Opcode::V128Load8Lane), {0x20, 0x00, 0x00}})));
  EXPECT_FALSE(readError(cat({simdOp(Opcode::V128Load8Lane), {0x40, 0x01, 0x00, 0x00}})));
  const auto beyond = readError(cat({simdOp(Opcode::V128Load8Lane), {0x80, 0x01, 0x00, 0x00}}));
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->message().rfind("malformed memop flags", 0), 0u) << beyond->message();
}

TEST(DecodeSimdReader, V128IsAValueType) {
  const Bytes bytes = {kV128};
  ByteReader r(bytes, 0, bytes.size());
  EXPECT_EQ(readValType(r), ValType::V128);
  // ...and a block type.
  const Instr block = decodeOne({0x02, kV128});
  EXPECT_EQ(block.block.kind, BlockType::Kind::Value);
  EXPECT_EQ(block.block.value, ValType::V128);
  // ...and a select type (the span lives as long as its reader).
  const Bytes code = {0x1C, 0x01, kV128};
  InstrReader reader(code, 0, code.size(), 0);
  const Instr select = reader.next();
  ASSERT_EQ(select.selectTypes.size(), 1u);
  EXPECT_EQ(select.selectTypes[0], ValType::V128);
}

TEST(DecodeSimdReader, IllegalOpcodeInAModuleHasItsOffset) {
  ModuleBuilder b = simdModule();
  b.addFunction(0, cat({{0x01}, simdOp(212), {kEnd}}));
  const Bytes bytes = b.build();
  for (const auto &error : {errorOf(bytes), errorOf(bytes)}) {
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind(), Kind::Malformed);
    EXPECT_EQ(error->message(), "illegal opcode 0xfd 212");
    EXPECT_EQ(error->offset(), std::optional<std::size_t>(simdCodeOffset(bytes, 0, 1)));
    EXPECT_EQ(error->function(), std::optional<std::uint32_t>(0));
  }
}

} // namespace
} // namespace waot::test
