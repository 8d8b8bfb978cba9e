// Linear memory: loads, stores, memory.size/grow and the bulk-memory
// instructions (memory.fill/copy/init, data.drop).
//
// Memory32 accesses carry no bounds check: the runtime reserves
// WAOT_MEMORY32_RESERVATION bytes per memory, so base + u32 index + u32
// offset always lands in the reservation and an inaccessible page faults
// into a trap. Accesses are plain (not volatile) so that LLVM may optimize
// them; keepLoadAlive() makes sure a load whose value is unused still runs.
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
  llvm::Type *ptr = env_.ptrType();
  const auto voidBuiltin = [&](std::size_t field, std::vector<llvm::Value *> args) {
    std::vector<llvm::Type *> params{ptr};
    for (llvm::Value *arg : args) params.push_back(arg->getType());
    callBuiltin(field, llvm::FunctionType::get(builder_.getVoidTy(), params, false), args);
  };

  switch (in.op) {
  case Opcode::MemorySize: {
    requireMemoryZero(in, in.index);
    llvm::Value *record = loadContextPointer(offsetof(waot_ctx_header, memory0));
    // The size changes on memory.grow (here or in another instance sharing
    // the memory): a plain load, in the runtime-record alias class.
    llvm::Value *bytes = loadWithTag(i64Type(), byteOffset(record, offsetof(waot_memory, size)),
                                     env_.tbaaRuntime, false);
    push(builder_.CreateTrunc(builder_.CreateLShr(bytes, 16), i32));
    return;
  }
  case Opcode::MemoryGrow: {
    requireMemoryZero(in, in.index);
    llvm::Value *args[] = {i32Const(in.index), pop()};
    llvm::FunctionType *type = llvm::FunctionType::get(i32, {ptr, i32, i32}, false);
    push(callBuiltin(offsetof(waot_builtins, memory_grow), type, args));
    return;
  }
  case Opcode::MemoryFill: {
    requireMemoryZero(in, in.index);
    const std::vector<llvm::Value *> operands = popValues(3); // dst, value, n
    voidBuiltin(offsetof(waot_builtins, memory_fill),
                {i32Const(in.index), operands[0], operands[1], operands[2]});
    return;
  }
  case Opcode::MemoryCopy: {
    requireMemoryZero(in, in.index);
    requireMemoryZero(in, in.index2);
    const std::vector<llvm::Value *> operands = popValues(3); // dst, src, n
    voidBuiltin(offsetof(waot_builtins, memory_copy),
                {i32Const(in.index), i32Const(in.index2), operands[0], operands[1], operands[2]});
    return;
  }
  case Opcode::MemoryInit: {
    requireMemoryZero(in, in.index2);
    const std::vector<llvm::Value *> operands = popValues(3); // dst, src, n
    voidBuiltin(offsetof(waot_builtins, memory_init),
                {i32Const(in.index2), i32Const(in.index), operands[0], operands[1], operands[2]});
    return;
  }
  case Opcode::DataDrop:
    voidBuiltin(offsetof(waot_builtins, data_drop), {i32Const(in.index)});
    return;
  default: break;
  }
  unsupported(in, "memory instruction '" + std::string(name(in.op)) + "'");
}

void FunctionLowering::requireMemoryZero(const Instr &in, std::uint32_t memory) const {
  if (memory != 0)
    unsupported(in, "memory index " + std::to_string(memory) + " (multiple memories)");
  if (wasm_.memories.empty())
    throw CompileError(CompileError::Kind::Invalid,
                       "memory instruction '" + std::string(name(in.op)) + "' without a memory",
                       in.offset, functionIndex_);
}

llvm::Value *FunctionLowering::memoryBase() {
  if (memoryBase_ != nullptr) return memoryBase_;
  // The base never moves (the whole maximum is reserved up front), so one
  // load in the entry block serves the whole function, across calls and
  // memory.grow alike.
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  builder_.SetInsertPoint(entryBlock_->getTerminator());
  memoryBase_ = loadContextPointer(offsetof(waot_ctx_header, memory0_base));
  return memoryBase_;
}

llvm::Value *FunctionLowering::effectiveAddress(llvm::Value *index, std::uint64_t offset) {
  // u32 index + u32 offset cannot wrap in 64 bits, and the sum stays inside the
  // memory's reservation (one allocated object), hence nuw and inbounds.
  llvm::Value *address = builder_.CreateZExt(index, i64Type());
  if (offset != 0)
    address = builder_.CreateAdd(address, builder_.getInt64(offset), "", /*HasNUW=*/true,
                                 /*HasNSW=*/true);
  return builder_.CreateInBoundsGEP(builder_.getInt8Ty(), memoryBase(), address);
}

void FunctionLowering::emitLoad(const Instr &in) {
  requireMemoryZero(in, in.mem.memory);
  llvm::Type *resultType = sigResultType(info(in.op).sig);
  const unsigned accessBits = 8u * info(in.op).accessBytes;
  llvm::Type *accessType =
      resultType->isFloatingPointTy() ? resultType : builder_.getIntNTy(accessBits);
  llvm::Value *address = effectiveAddress(pop(), in.mem.offset);
  // align 1: the memarg alignment is only a hint, misaligned accesses are valid.
  llvm::LoadInst *load = builder_.CreateAlignedLoad(accessType, address, llvm::Align(1));
  load->setMetadata(llvm::LLVMContext::MD_tbaa, env_.tbaaLinearMemory);
  llvm::Value *value = load;
  if (accessType != resultType)
    value = isSignExtendingLoad(in.op) ? builder_.CreateSExt(load, resultType)
                                       : builder_.CreateZExt(load, resultType);
  keepLoadAlive(value);
  push(value);
}

void FunctionLowering::emitStore(const Instr &in) {
  requireMemoryZero(in, in.mem.memory);
  llvm::Value *value = pop();
  llvm::Value *address = effectiveAddress(pop(), in.mem.offset);
  const unsigned accessBits = 8u * info(in.op).accessBytes;
  if (value->getType()->isIntegerTy() && value->getType()->getIntegerBitWidth() != accessBits)
    value = builder_.CreateTrunc(value, builder_.getIntNTy(accessBits));
  llvm::StoreInst *store = builder_.CreateAlignedStore(value, address, llvm::Align(1));
  store->setMetadata(llvm::LLVMContext::MD_tbaa, env_.tbaaLinearMemory);
}

void FunctionLowering::keepLoadAlive(llvm::Value *loaded) {
  // A wasm load must trap when out of bounds even if its value is never used,
  // but LLVM deletes unused loads. Like wasm2c's FORCE_READ, hand the value to
  // an empty inline asm: the load has to happen, yet the asm touches only
  // "inaccessible" memory, so it is no barrier for optimizations of linear
  // memory, globals or the context. (Not memory(none): LLVM 19's -O0
  // instruction selection then drops the load feeding the asm.)
  // Floats stay in their register class where the target has a constraint
  // for it; elsewhere their bits go through an integer register.
  llvm::Value *operand = loaded;
  const char *constraint = floatRegisterConstraint(loaded->getType());
  if (!constraint) {
    constraint = "r";
    if (loaded->getType()->isFloatingPointTy()) {
      const unsigned bits = loaded->getType()->getPrimitiveSizeInBits().getFixedValue();
      operand = builder_.CreateBitCast(loaded, builder_.getIntNTy(bits));
    }
  }
  llvm::FunctionType *asmType =
      llvm::FunctionType::get(builder_.getVoidTy(), {operand->getType()}, false);
  llvm::InlineAsm *emptyAsm =
      llvm::InlineAsm::get(asmType, "", constraint, /*hasSideEffects=*/true);
  llvm::CallInst *use = builder_.CreateCall(asmType, emptyAsm, {operand});
  use->setDoesNotThrow();
  use->setMemoryEffects(llvm::MemoryEffects::inaccessibleMemOnly());
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
    operand = builder_.CreateBitCast(value, builder_.getIntNTy(
                                                type->getPrimitiveSizeInBits().getFixedValue()));
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
