// SIMD (0xFD) lowering: the SimdCompare category of opcodes.def. Every
// comparison is one `icmp`/`fcmp` on the lane shape whose <N x i1> result is
// sign-extended back to the shape: a lane becomes all ones when the
// comparison holds and all zeros otherwise, as wasm defines it.
#include "function_lowering.hpp"

#include <optional>

namespace waot::frontend::lower {

namespace {

using Pred = llvm::CmpInst::Predicate;

struct Comparison {
  unsigned laneBits;
  bool isFloat;
  Pred predicate;
};

// The shape and predicate of a SimdCompare opcode. Float `ne` is unordered
// (true when either lane is NaN), every other float comparison ordered
// (false with a NaN), as in the scalar instructions.
std::optional<Comparison> comparison(Opcode op) {
  switch (op) {
#define WAOT_INT_CMP(Shape, Bits)                                                                  \
  case Opcode::Shape##Eq: return Comparison{Bits, false, Pred::ICMP_EQ};                           \
  case Opcode::Shape##Ne: return Comparison{Bits, false, Pred::ICMP_NE};                           \
  case Opcode::Shape##LtS: return Comparison{Bits, false, Pred::ICMP_SLT};                         \
  case Opcode::Shape##GtS: return Comparison{Bits, false, Pred::ICMP_SGT};                         \
  case Opcode::Shape##LeS: return Comparison{Bits, false, Pred::ICMP_SLE};                         \
  case Opcode::Shape##GeS:                                                                         \
    return Comparison{Bits, false, Pred::ICMP_SGE};
#define WAOT_UINT_CMP(Shape, Bits)                                                                 \
  case Opcode::Shape##LtU: return Comparison{Bits, false, Pred::ICMP_ULT};                         \
  case Opcode::Shape##GtU: return Comparison{Bits, false, Pred::ICMP_UGT};                         \
  case Opcode::Shape##LeU: return Comparison{Bits, false, Pred::ICMP_ULE};                         \
  case Opcode::Shape##GeU:                                                                         \
    return Comparison{Bits, false, Pred::ICMP_UGE};
#define WAOT_FLOAT_CMP(Shape, Bits)                                                                \
  case Opcode::Shape##Eq: return Comparison{Bits, true, Pred::FCMP_OEQ};                           \
  case Opcode::Shape##Ne: return Comparison{Bits, true, Pred::FCMP_UNE};                           \
  case Opcode::Shape##Lt: return Comparison{Bits, true, Pred::FCMP_OLT};                           \
  case Opcode::Shape##Gt: return Comparison{Bits, true, Pred::FCMP_OGT};                           \
  case Opcode::Shape##Le: return Comparison{Bits, true, Pred::FCMP_OLE};                           \
  case Opcode::Shape##Ge: return Comparison{Bits, true, Pred::FCMP_OGE};
    WAOT_INT_CMP(I8x16, 8)
    WAOT_UINT_CMP(I8x16, 8)
    WAOT_INT_CMP(I16x8, 16)
    WAOT_UINT_CMP(I16x8, 16)
    WAOT_INT_CMP(I32x4, 32)
    WAOT_UINT_CMP(I32x4, 32)
    WAOT_INT_CMP(I64x2, 64) // i64x2 has no unsigned comparisons
    WAOT_FLOAT_CMP(F32x4, 32)
    WAOT_FLOAT_CMP(F64x2, 64)
#undef WAOT_INT_CMP
#undef WAOT_UINT_CMP
#undef WAOT_FLOAT_CMP
  default: return std::nullopt;
  }
}

} // namespace

void FunctionLowering::emitSimdCompare(const Instr &in) {
  const std::optional<Comparison> cmp = comparison(in.op);
  if (!cmp) unsupported(in, "SIMD instruction '" + std::string(name(in.op)) + "'");
  llvm::FixedVectorType *shape = simdShape(cmp->laneBits, cmp->isFloat);
  llvm::Value *rhs = popSimd(shape);
  llvm::Value *lhs = popSimd(shape);
  llvm::Value *holds = cmp->isFloat ? builder_.CreateFCmp(cmp->predicate, lhs, rhs)
                                    : builder_.CreateICmp(cmp->predicate, lhs, rhs);
  pushSimd(builder_.CreateSExt(holds, simdShape(cmp->laneBits)));
}

} // namespace waot::frontend::lower
