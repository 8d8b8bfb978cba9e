// Function body validation: what the fixed-width SIMD instructions add to
// the uniform path of function_validator_ops.cpp. Their operand and result
// types come from opcodes.def like any other's; only lane indices need rules
// of their own. Also the record of a body's first SIMD use, which
// decodeAndValidate() reports while the lowering cannot compile SIMD.
#include "function_validator.hpp"

#include "decode_internal.hpp"

#include <algorithm>

namespace waot::frontend::detail {

namespace {

// i8x16.shuffle picks each result lane from the 32 lanes of its two operands.
constexpr unsigned kShuffleLanes = 32;

} // namespace

void FunctionValidator::checkSimdImmediates(const Instr &in) const {
  switch (info(in.op).imm) {
  case ImmKind::MemArgLane: checkMemArg(in); [[fallthrough]];
  case ImmKind::LaneIdx: {
    // The table gives the lane width; the shape has 16 / width lanes.
    const unsigned lanes = laneCount(in.op);
    if (in.lane >= lanes)
      fail(std::string("invalid lane index: ")
               .append(name(in.op))
               .append(" has ")
               .append(std::to_string(lanes))
               .append(" lanes, found lane ")
               .append(std::to_string(in.lane)));
    break;
  }
  case ImmKind::Shuffle: {
    const auto bad = std::find_if(in.v128.begin(), in.v128.end(),
                                  [](std::uint8_t lane) { return lane >= kShuffleLanes; });
    if (bad != in.v128.end())
      fail(std::string("invalid lane index: i8x16.shuffle selects from 32 lanes, its lane ")
               .append(std::to_string(bad - in.v128.begin()))
               .append(" is ")
               .append(std::to_string(*bad)));
    break;
  }
  default: break;
  }
}

void FunctionValidator::noteSimd(const Instr &in, std::string what) {
  // Bodies are validated in order, each from its start: the first use
  // recorded is the first in the module's code.
  if (!firstSimd_) firstSimd_ = SimdUse{in.offset, function_, std::move(what)};
}

void FunctionValidator::noteSimdInstruction(const Instr &in) {
  if (firstSimd_) return; // not worth building the text
  const OpcodeInfo &op = info(in.op);
  noteSimd(in, std::string("`")
                   .append(op.name)
                   .append("` (0xfd ")
                   .append(std::to_string(op.code))
                   .append(")"));
}

} // namespace waot::frontend::detail
