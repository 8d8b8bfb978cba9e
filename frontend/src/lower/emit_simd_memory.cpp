// SIMD (0xFD) lowering: the SimdMemory category of opcodes.def (v128 loads
// and stores, the extending, splatting, zero-filling and single-lane ones).
//
// Every access is the scalar scheme of emit_memory.cpp: base + zext(index) +
// offset with no bounds check (guard pages make an out-of-bounds access
// fault), align 1 whatever the memarg says (it is only a hint), the linear
// memory TBAA tag, and every load kept trapping when its value is unused
// (emit_load_keepalive.cpp). A lane, splat or zero load reads only its lane's
// bytes, so it faults exactly when wasm traps.
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>

namespace waot::frontend::lower {
namespace {

// How a SimdMemory load builds its v128 from the bytes it reads.
enum class SimdLoadForm : std::uint8_t { Full, SignExtend, ZeroExtend, Splat, Zero, Lane };

struct SimdLoadShape {
  SimdLoadForm form;
  unsigned laneBits; // the lanes read from memory (for Full: unused)
};

std::optional<SimdLoadShape> loadShape(Opcode op) {
  switch (op) {
  case Opcode::V128Load: return SimdLoadShape{SimdLoadForm::Full, 64};
  case Opcode::V128Load8x8S: return SimdLoadShape{SimdLoadForm::SignExtend, 8};
  case Opcode::V128Load8x8U: return SimdLoadShape{SimdLoadForm::ZeroExtend, 8};
  case Opcode::V128Load16x4S: return SimdLoadShape{SimdLoadForm::SignExtend, 16};
  case Opcode::V128Load16x4U: return SimdLoadShape{SimdLoadForm::ZeroExtend, 16};
  case Opcode::V128Load32x2S: return SimdLoadShape{SimdLoadForm::SignExtend, 32};
  case Opcode::V128Load32x2U: return SimdLoadShape{SimdLoadForm::ZeroExtend, 32};
  case Opcode::V128Load8Splat: return SimdLoadShape{SimdLoadForm::Splat, 8};
  case Opcode::V128Load16Splat: return SimdLoadShape{SimdLoadForm::Splat, 16};
  case Opcode::V128Load32Splat: return SimdLoadShape{SimdLoadForm::Splat, 32};
  case Opcode::V128Load64Splat: return SimdLoadShape{SimdLoadForm::Splat, 64};
  case Opcode::V128Load32Zero: return SimdLoadShape{SimdLoadForm::Zero, 32};
  case Opcode::V128Load64Zero: return SimdLoadShape{SimdLoadForm::Zero, 64};
  case Opcode::V128Load8Lane: return SimdLoadShape{SimdLoadForm::Lane, 8};
  case Opcode::V128Load16Lane: return SimdLoadShape{SimdLoadForm::Lane, 16};
  case Opcode::V128Load32Lane: return SimdLoadShape{SimdLoadForm::Lane, 32};
  case Opcode::V128Load64Lane: return SimdLoadShape{SimdLoadForm::Lane, 64};
  default: return std::nullopt;
  }
}

} // namespace

void FunctionLowering::emitSimdMemory(const Instr &in) {
  if (loadShape(in.op)) return emitSimdLoad(in);
  if (in.op != Opcode::V128Store && info(in.op).imm != ImmKind::MemArgLane)
    unsupported(in, std::string("SIMD instruction '").append(name(in.op)).append("'"));
  // v128.store and v128.storeN_lane: (address, vector).
  llvm::Value *vector = pop();
  llvm::Value *stored = vector;
  if (in.op != Opcode::V128Store) {
    const unsigned laneBits = 8u * info(in.op).accessBytes;
    stored = builder_.CreateExtractElement(builder_.CreateBitCast(vector, simdShape(laneBits)),
                                           builder_.getInt64(in.lane));
  }
  llvm::Value *address = effectiveAddress(in.mem, pop());
  builder_.CreateAlignedStore(stored, address, llvm::Align(1))
      ->setMetadata(llvm::LLVMContext::MD_tbaa, env_.tbaaLinearMemory);
}

void FunctionLowering::emitSimdLoad(const Instr &in) {
  const SimdLoadShape shape = loadShape(in.op).value();
  // A lane load's operands are (address, vector): the vector is on top.
  llvm::Value *into =
      shape.form == SimdLoadForm::Lane ? popSimd(simdShape(shape.laneBits)) : nullptr;
  llvm::Value *address = effectiveAddress(in.mem, pop());
  llvm::Type *accessType = nullptr;
  switch (shape.form) {
  case SimdLoadForm::Full: accessType = v128Type(); break;
  case SimdLoadForm::SignExtend:
  case SimdLoadForm::ZeroExtend:
    // 8 bytes as half as many lanes of half the width: pmovsx/pmovzx-able.
    accessType =
        llvm::FixedVectorType::get(builder_.getIntNTy(shape.laneBits), 64 / shape.laneBits);
    break;
  default: accessType = builder_.getIntNTy(shape.laneBits); break;
  }
  // align 1: the memarg alignment is only a hint, misaligned accesses are valid.
  llvm::LoadInst *load = builder_.CreateAlignedLoad(accessType, address, llvm::Align(1));
  load->setMetadata(llvm::LLVMContext::MD_tbaa, env_.tbaaLinearMemory);
  llvm::Value *value = load;
  llvm::FixedVectorType *lanes = simdShape(shape.laneBits);
  switch (shape.form) {
  case SimdLoadForm::Full: break;
  case SimdLoadForm::SignExtend:
    value = builder_.CreateSExt(load, simdShape(2 * shape.laneBits));
    break;
  case SimdLoadForm::ZeroExtend:
    value = builder_.CreateZExt(load, simdShape(2 * shape.laneBits));
    break;
  case SimdLoadForm::Splat:
    value = builder_.CreateVectorSplat(lanes->getNumElements(), load);
    break;
  case SimdLoadForm::Zero:
    value = builder_.CreateInsertElement(llvm::Constant::getNullValue(lanes), load,
                                         builder_.getInt64(0));
    break;
  case SimdLoadForm::Lane:
    value = builder_.CreateInsertElement(into, load, builder_.getInt64(in.lane));
  }
  // The asm keep-alive takes a whole register: the scalar itself for a one-lane
  // load, the extended vector for an extending one.
  const bool scalar = shape.form >= SimdLoadForm::Splat;
  keepLoadTrapping(load, scalar ? static_cast<llvm::Value *>(load) : value);
  pushSimd(value);
}

} // namespace waot::frontend::lower
