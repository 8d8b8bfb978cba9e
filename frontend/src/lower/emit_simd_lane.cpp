// SIMD (0xFD) lowering: the SimdLane category of opcodes.def (shuffle,
// swizzle, splat, extract_lane, replace_lane).
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>

#include <array>

namespace waot::frontend::lower {
namespace {

struct LaneShape {
  unsigned laneBits;
  bool isFloat;
};

// The lane shape of a splat, extract_lane or replace_lane.
LaneShape laneShape(Opcode op) {
  switch (op) {
  case Opcode::I8x16Splat:
  case Opcode::I8x16ExtractLaneS:
  case Opcode::I8x16ExtractLaneU:
  case Opcode::I8x16ReplaceLane: return {8, false};
  case Opcode::I16x8Splat:
  case Opcode::I16x8ExtractLaneS:
  case Opcode::I16x8ExtractLaneU:
  case Opcode::I16x8ReplaceLane: return {16, false};
  case Opcode::I32x4Splat:
  case Opcode::I32x4ExtractLane:
  case Opcode::I32x4ReplaceLane: return {32, false};
  case Opcode::I64x2Splat:
  case Opcode::I64x2ExtractLane:
  case Opcode::I64x2ReplaceLane: return {64, false};
  case Opcode::F32x4Splat:
  case Opcode::F32x4ExtractLane:
  case Opcode::F32x4ReplaceLane: return {32, true};
  default: return {64, true}; // f64x2
  }
}

bool isSplat(Opcode op) {
  switch (op) {
  case Opcode::I8x16Splat:
  case Opcode::I16x8Splat:
  case Opcode::I32x4Splat:
  case Opcode::I64x2Splat:
  case Opcode::F32x4Splat:
  case Opcode::F64x2Splat: return true;
  default: return false;
  }
}

bool isReplaceLane(Opcode op) {
  switch (op) {
  case Opcode::I8x16ReplaceLane:
  case Opcode::I16x8ReplaceLane:
  case Opcode::I32x4ReplaceLane:
  case Opcode::I64x2ReplaceLane:
  case Opcode::F32x4ReplaceLane:
  case Opcode::F64x2ReplaceLane: return true;
  default: return false;
  }
}

bool isSignedExtract(Opcode op) {
  return op == Opcode::I8x16ExtractLaneS || op == Opcode::I16x8ExtractLaneS;
}

} // namespace

void FunctionLowering::emitSimdLane(const Instr &in) {
  if (in.op == Opcode::I8x16Shuffle) {
    // A constant mask over the concatenation of both operands (lanes 0..31,
    // checked by the validator): one shufflevector.
    llvm::Value *right = popSimd(simdShape(8));
    llvm::Value *left = popSimd(simdShape(8));
    std::array<int, 16> mask{};
    for (std::size_t lane = 0; lane < mask.size(); ++lane)
      mask[lane] = in.v128[lane];
    pushSimd(builder_.CreateShuffleVector(left, right, mask));
    return;
  }
  if (in.op == Opcode::I8x16Swizzle) {
    llvm::Value *indices = popSimd(simdShape(8));
    llvm::Value *table = popSimd(simdShape(8));
    pushSimd(emitSwizzle(table, indices));
    return;
  }
  const LaneShape shape = laneShape(in.op);
  llvm::FixedVectorType *vectorType = simdShape(shape.laneBits, shape.isFloat);
  llvm::Type *laneType = vectorType->getElementType();
  // i8 and i16 lanes come from and go to i32 operands.
  const auto toLane = [&](llvm::Value *scalar) {
    return scalar->getType() == laneType ? scalar : builder_.CreateTrunc(scalar, laneType);
  };
  if (isSplat(in.op)) {
    pushSimd(builder_.CreateVectorSplat(vectorType->getNumElements(), toLane(pop())));
    return;
  }
  if (isReplaceLane(in.op)) {
    llvm::Value *scalar = toLane(pop());
    llvm::Value *vector = popSimd(vectorType);
    pushSimd(builder_.CreateInsertElement(vector, scalar, builder_.getInt64(in.lane)));
    return;
  }
  llvm::Value *lane =
      builder_.CreateExtractElement(popSimd(vectorType), builder_.getInt64(in.lane));
  if (shape.laneBits < 32)
    lane = isSignedExtract(in.op) ? builder_.CreateSExt(lane, i32Type())
                                  : builder_.CreateZExt(lane, i32Type());
  push(lane);
}

llvm::Value *FunctionLowering::emitSwizzle(llvm::Value *table, llvm::Value *indices) {
  // result[i] = indices[i] < 16 ? table[indices[i]] : 0. Generic IR (correct
  // for any CPU): each lane extracts table[index & 15] (always in range, so
  // never poison), then the lanes whose index is >= 16 are zeroed. The x86
  // back end turns a vector built from variable extracts of one vector into
  // pshufb when the CPU has SSSE3.
  llvm::FixedVectorType *bytes = simdShape(8);
  llvm::Value *inRange = builder_.CreateAnd(indices, llvm::ConstantInt::get(bytes, 15));
  llvm::Value *result = llvm::PoisonValue::get(bytes);
  for (std::uint64_t lane = 0; lane < 16; ++lane) {
    llvm::Value *index = builder_.CreateExtractElement(inRange, lane);
    result =
        builder_.CreateInsertElement(result, builder_.CreateExtractElement(table, index), lane);
  }
  llvm::Value *valid = builder_.CreateICmpULT(indices, llvm::ConstantInt::get(bytes, 16));
  return builder_.CreateSelect(valid, result, llvm::Constant::getNullValue(bytes));
}

} // namespace waot::frontend::lower
