// Linear memory: loads, stores, memory.size/grow and the bulk-memory
// instructions (memory.fill/copy/init, data.drop).
//
// Memory32 accesses carry no bounds check: the runtime reserves
// WAOT_MEMORY32_RESERVATION bytes per memory, so base + u32 index + u32
// offset always lands in the reservation and an inaccessible page faults
// into a trap. Accesses are plain (not volatile) so that LLVM may optimize
// them, vectorization included.
// Out-of-bounds loads whose value is unused must still trap: see
// emit_load_keepalive.cpp.
#include "function_lowering.hpp"

#include <llvm/IR/InlineAsm.h>
#include <llvm/TargetParser/Triple.h>

namespace waot::frontend::lower {
namespace {

bool isStore(Opcode op) {
  switch (op) {
  case Opcode::I32Store:
  case Opcode::I64Store:
  case Opcode::F32Store:
  case Opcode::F64Store:
  case Opcode::I32Store8:
  case Opcode::I32Store16:
  case Opcode::I64Store8:
  case Opcode::I64Store16:
  case Opcode::I64Store32: return true;
  default: return false;
  }
}

bool isLoad(Opcode op) {
  return info(op).category == Category::Memory && info(op).imm == ImmKind::MemArg && !isStore(op);
}

bool isSignExtendingLoad(Opcode op) {
  switch (op) {
  case Opcode::I32Load8S:
  case Opcode::I32Load16S:
  case Opcode::I64Load8S:
  case Opcode::I64Load16S:
  case Opcode::I64Load32S: return true;
  default: return false;
  }
}

} // namespace

void FunctionLowering::emitMemory(const Instr &in) {
  if (isLoad(in.op)) return emitLoad(in);
  if (isStore(in.op)) return emitStore(in);

  llvm::Type *i32 = i32Type();

  switch (in.op) {
  case Opcode::MemorySize: {
    llvm::Value *pages = builder_.CreateLShr(memorySizeInBytes(in.index), 16);
    push(isMemory64(in.index) ? pages : builder_.CreateTrunc(pages, i32));
    return;
  }
  case Opcode::MemoryGrow: {
    // A 64-bit memory's delta is saturated: the runtime grows none beyond 4 GiB.
    llvm::Value *args[] = {i32Const(in.index), saturateToU32(pop())};
    llvm::Value *result = callBuiltin(Builtin::memory_grow, args);
    push(isMemory64(in.index) ? widenGrowResult(result) : result);
    return;
  }
  case Opcode::MemoryFill: {
    const std::vector<llvm::Value *> operands = popValues(3); // dst, value, n
    emitMemoryFill(in.index, operands[0], operands[1], operands[2]);
    return;
  }
  case Opcode::MemoryCopy: {
    const std::vector<llvm::Value *> operands = popValues(3); // dst, src, n
    emitMemoryCopy(in.index, in.index2, operands[0], operands[1], operands[2]);
    return;
  }
  case Opcode::MemoryInit: {
    const std::vector<llvm::Value *> operands = popValues(3); // dst, src, n
    callBuiltin(Builtin::memory_init,
                {{i32Const(in.index2), i32Const(in.index),
                  builder_.CreateZExt(operands[0], i64Type()), operands[1], operands[2]}});
    return;
  }
  case Opcode::DataDrop: callBuiltin(Builtin::data_drop, {i32Const(in.index)}); return;
  default: break;
  }
  unsupported(in, "memory instruction '" + std::string(name(in.op)) + "'");
}

llvm::Value *FunctionLowering::memoryRecord(std::uint32_t memory) {
  if (memory == 0)
    return loadRecordPointer(offsetof(waot_ctx_header, memory0), sizeof(waot_memory),
                             alignof(waot_memory));
  if (memoryRecords_.size() <= memory) memoryRecords_.resize(memory + 1, nullptr);
  if (memoryRecords_[memory] != nullptr) return memoryRecords_[memory];
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  builder_.SetInsertPoint(entryBlock_->getTerminator());
  memoryRecords_[memory] = loadRecordPointer(env_.layout.memories + sizeof(waot_memory *) * memory,
                                             sizeof(waot_memory), alignof(waot_memory));
  return memoryRecords_[memory];
}

llvm::Value *FunctionLowering::memorySizeInBytes(std::uint32_t memory) {
  // The size changes on memory.grow (here or in another instance sharing
  // the memory): a plain load, in the runtime-record alias class.
  return loadWithTag(i64Type(), byteOffset(memoryRecord(memory), offsetof(waot_memory, size)),
                     env_.tbaaRuntime, false);
}

void FunctionLowering::trapUnlessRangeInMemory(llvm::Value *start, llvm::Value *length,
                                               llvm::Value *sizeInBytes) {
  // A zero-length range exactly at the end is in bounds, one beyond it is
  // not (the spec checks before any write).
  llvm::Type *i64 = i64Type();
  if (start->getType() == i64 || length->getType() == i64) {
    // memory64: the sum may wrap; then the range is out of bounds too.
    llvm::Value *sum = builder_.CreateBinaryIntrinsic(llvm::Intrinsic::uadd_with_overflow,
                                                      builder_.CreateZExt(start, i64),
                                                      builder_.CreateZExt(length, i64));
    llvm::Value *end = builder_.CreateExtractValue(sum, 0);
    llvm::Value *wrapped = builder_.CreateExtractValue(sum, 1);
    trapIf(builder_.CreateOr(wrapped, builder_.CreateICmpUGT(end, sizeInBytes)),
           WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    return;
  }
  // u32 + u32 cannot wrap in 64 bits.
  llvm::Value *end = builder_.CreateAdd(builder_.CreateZExt(start, i64),
                                        builder_.CreateZExt(length, i64), "", true, true);
  trapIf(builder_.CreateICmpUGT(end, sizeInBytes), WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
}

llvm::Value *FunctionLowering::saturateToU32(llvm::Value *value) {
  if (value->getType() != i64Type()) return value;
  llvm::Value *saturated =
      builder_.CreateBinaryIntrinsic(llvm::Intrinsic::umin, value, builder_.getInt64(UINT32_MAX));
  return builder_.CreateTrunc(saturated, i32Type());
}

llvm::Value *FunctionLowering::widenGrowResult(llvm::Value *result) {
  return builder_.CreateSelect(builder_.CreateICmpEQ(result, i32Const(UINT32_MAX)),
                               builder_.getInt64(UINT64_MAX),
                               builder_.CreateZExt(result, i64Type()));
}

// memory.fill and memory.copy are inline: one bounds check (the whole range,
// before anything is written, as the spec requires), then llvm.memset /
// llvm.memmove, which LLVM expands for small constant lengths and otherwise
// turns into a call of the C library's routine. That routine can never fault
// because the range was checked, which is what makes a libc call acceptable
// here (a fault outside generated code would be a crash, not a trap).
void FunctionLowering::emitMemoryFill(std::uint32_t memory, llvm::Value *dst, llvm::Value *value,
                                      llvm::Value *length) {
  trapUnlessRangeInMemory(dst, length, memorySizeInBytes(memory));
  builder_.CreateMemSet(memoryAddress(memory, dst, 0),
                        builder_.CreateTrunc(value, builder_.getInt8Ty()),
                        builder_.CreateZExt(length, i64Type()), llvm::MaybeAlign(1),
                        /*isVolatile=*/false, env_.tbaaLinearMemory);
}

void FunctionLowering::emitMemoryCopy(std::uint32_t dstMemory, std::uint32_t srcMemory,
                                      llvm::Value *dst, llvm::Value *src, llvm::Value *length) {
  llvm::Value *srcSize = memorySizeInBytes(srcMemory);
  llvm::Value *dstSize = dstMemory == srcMemory ? srcSize : memorySizeInBytes(dstMemory);
  trapUnlessRangeInMemory(src, length, srcSize);
  trapUnlessRangeInMemory(dst, length, dstSize);
  // Ranges may overlap (within one memory): memmove.
  builder_.CreateMemMove(memoryAddress(dstMemory, dst, 0), llvm::MaybeAlign(1),
                         memoryAddress(srcMemory, src, 0), llvm::MaybeAlign(1),
                         builder_.CreateZExt(length, i64Type()),
                         /*isVolatile=*/false, env_.tbaaLinearMemory);
}

llvm::Value *FunctionLowering::memoryBase(std::uint32_t memory) {
  if (memoryBases_.size() <= memory) memoryBases_.resize(memory + 1, nullptr);
  if (memoryBases_[memory] != nullptr) return memoryBases_[memory];
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  builder_.SetInsertPoint(entryBlock_->getTerminator());
  llvm::Value *&base = memoryBases_[memory];
  if (memory == 0 && wasm_.numImportedMemories == 0) {
    // A defined memory 0 starts at a fixed distance after the context
    // (abi.h, waot_ctx_memory0_offset): the context register addresses it,
    // so no other register has to hold the base across calls.
    base = builder_.CreateConstInBoundsGEP1_64(builder_.getInt8Ty(), ctx_,
                                               waot_ctx_memory0_offset(&env_.layout), "memory0");
  } else if (memory == 0) {
    // An imported base never moves either (the whole maximum is reserved up
    // front), so one load in the entry block serves the whole function,
    // across calls and memory.grow alike.
    base = loadContextPointer(offsetof(waot_ctx_header, memory0_base));
  } else {
    // Other memories: the base in their record (ctx->memories[memory]),
    // which never changes either.
    base =
        loadWithTag(env_.ptrType(), byteOffset(memoryRecord(memory), offsetof(waot_memory, base)),
                    env_.tbaaRuntime, true);
  }
  return base;
}

// A 64-bit memory has the same reservation as a 32-bit one and never grows
// beyond 4 GiB (abi.h, WAOT_MAX_PAGES64_RUNTIME): an address that fits in 32
// bits with a static offset that does lands in the reservation and faults
// like a 32-bit access when out of bounds. So one compare of the address with
// UINT32_MAX (no load: the bound is a constant) is the whole check; an offset
// beyond 32 bits is out of bounds whatever the address (a trap, after the
// address operand was computed, as the spec orders it).
llvm::Value *FunctionLowering::effectiveAddress(const MemArg &mem, llvm::Value *index) {
  if (!isMemory64(mem.memory)) return memoryAddress(mem.memory, index, mem.offset);
  if (mem.offset > UINT32_MAX) {
    trapIf(builder_.getTrue(), WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    return memoryAddress(mem.memory, builder_.getInt64(0), 0);
  }
  trapIf(builder_.CreateICmpUGT(index, builder_.getInt64(UINT32_MAX)),
         WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
  return memoryAddress(mem.memory, index, mem.offset);
}

llvm::Value *FunctionLowering::memoryAddress(std::uint32_t memory, llvm::Value *index,
                                             std::uint64_t offset) {
  // u32 index + u32 offset cannot wrap in 64 bits, and the sum stays inside the
  // memory's reservation (one allocated object), hence nuw and inbounds. (An
  // i64 index of a 64-bit memory got here checked to fit in 32 bits, or as
  // the start of a range checked against the memory's size.)
  llvm::Value *address = builder_.CreateZExt(index, i64Type());
  if (offset != 0)
    address = builder_.CreateAdd(address, builder_.getInt64(offset), "", /*HasNUW=*/true,
                                 /*HasNSW=*/true);
  return builder_.CreateInBoundsGEP(builder_.getInt8Ty(), memoryBase(memory), address);
}

void FunctionLowering::emitLoad(const Instr &in) {
  llvm::Type *resultType = sigResultType(info(in.op).sig);
  const unsigned accessBits = 8u * info(in.op).accessBytes;
  llvm::Type *accessType =
      resultType->isFloatingPointTy() ? resultType : builder_.getIntNTy(accessBits);
  llvm::Value *address = effectiveAddress(in.mem, pop());
  // align 1: the memarg alignment is only a hint, misaligned accesses are valid.
  llvm::LoadInst *load = builder_.CreateAlignedLoad(accessType, address, llvm::Align(1));
  load->setMetadata(llvm::LLVMContext::MD_tbaa, env_.tbaaLinearMemory);
  llvm::Value *value = load;
  if (accessType != resultType)
    value = isSignExtendingLoad(in.op) ? builder_.CreateSExt(load, resultType)
                                       : builder_.CreateZExt(load, resultType);
  keepLoadTrapping(load, value);
  push(value);
}

void FunctionLowering::emitStore(const Instr &in) {
  llvm::Value *value = pop();
  llvm::Value *address = effectiveAddress(in.mem, pop());
  const unsigned accessBits = 8u * info(in.op).accessBytes;
  if (value->getType()->isIntegerTy() && value->getType()->getIntegerBitWidth() != accessBits)
    value = builder_.CreateTrunc(value, builder_.getIntNTy(accessBits));
  llvm::StoreInst *store = builder_.CreateAlignedStore(value, address, llvm::Align(1));
  store->setMetadata(llvm::LLVMContext::MD_tbaa, env_.tbaaLinearMemory);
}

const char *FunctionLowering::floatRegisterConstraint(llvm::Type *type) const {
  if (!type->isFloatingPointTy()) return nullptr;
  const llvm::Triple triple(env_.llvm.getTargetTriple());
  if (triple.getArch() == llvm::Triple::x86_64) return "x";
  if (triple.isAArch64()) return "w";
  return nullptr;
}

llvm::Value *FunctionLowering::opaqueFloat(llvm::Value *value) {
  // The value passes through an empty asm (no side effects, no memory), so
  // the optimizer cannot see what it is and cannot fold identities with it.
  llvm::Type *type = value->getType();
  llvm::Value *operand = value;
  std::string constraints = "=r,0";
  if (const char *reg = floatRegisterConstraint(type)) {
    constraints = std::string("=") + reg + ",0";
  } else {
    operand = builder_.CreateBitCast(
        value, builder_.getIntNTy(type->getPrimitiveSizeInBits().getFixedValue()));
  }
  llvm::FunctionType *asmType =
      llvm::FunctionType::get(operand->getType(), {operand->getType()}, false);
  llvm::InlineAsm *identity =
      llvm::InlineAsm::get(asmType, "", constraints, /*hasSideEffects=*/false);
  llvm::CallInst *call = builder_.CreateCall(asmType, identity, {operand}, "opaque");
  call->setDoesNotThrow();
  call->setMemoryEffects(llvm::MemoryEffects::none());
  return operand == value ? static_cast<llvm::Value *>(call) : builder_.CreateBitCast(call, type);
}

} // namespace waot::frontend::lower
