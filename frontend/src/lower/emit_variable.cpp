// Variables and parametric instructions: local.get/set/tee, global.get/set,
// drop, select.
#include "function_lowering.hpp"

namespace waot::frontend::lower {

void FunctionLowering::emitVariable(const Instr &in) {
  switch (in.op) {
  case Opcode::LocalGet: {
    llvm::AllocaInst *slot = checkedAt(localSlots_, in.index, "local");
    push(builder_.CreateLoad(slot->getAllocatedType(), slot));
    return;
  }
  case Opcode::LocalSet:
    builder_.CreateStore(pop(), checkedAt(localSlots_, in.index, "local"));
    return;
  case Opcode::LocalTee:
    builder_.CreateStore(topValues(1).front(), checkedAt(localSlots_, in.index, "local"));
    return;
  case Opcode::GlobalGet: {
    const GlobalType &global = checkedAt(wasm_.globalTypes, in.index, "global");
    // An immutable global is written once, at instantiation, before any code
    // of this instance runs.
    push(loadWithTag(env_.type(global.type), globalCellAddress(in.index), env_.tbaaGlobal,
                     !global.isMutable));
    return;
  }
  case Opcode::GlobalSet: {
    llvm::Value *value = pop();
    storeWithTag(value, globalCellAddress(in.index), env_.tbaaGlobal);
    return;
  }
  default: break;
  }
  unsupported(in, "variable instruction '" + std::string(name(in.op)) + "'");
}

llvm::Value *FunctionLowering::globalCellAddress(std::uint32_t global) {
  // Cells use the waot_slot encoding: i32/f32 in the low 4 bytes, so a
  // narrower value is simply loaded/stored at the cell's address.
  requireIndex(wasm_.globalTypes, global, "global");
  if (wasm_.isImportedGlobal(global))
    return loadRecordPointer(env_.layout.imported_globals + sizeof(waot_global_cell *) * global,
                             sizeof(waot_global_cell), alignof(waot_global_cell));
  const std::uint64_t defined = global - wasm_.numImportedGlobals;
  return contextAddress(env_.layout.defined_globals + sizeof(waot_global_cell) * defined);
}

void FunctionLowering::emitParametric(const Instr &in) {
  switch (in.op) {
  case Opcode::Drop: pop(); return;
  case Opcode::Select:
  case Opcode::SelectTyped: {
    llvm::Value *condition = toCondition(pop());
    llvm::Value *ifFalse = pop();
    llvm::Value *ifTrue = pop();
    push(builder_.CreateSelect(condition, ifTrue, ifFalse));
    return;
  }
  default: break;
  }
  unsupported(in, "parametric instruction '" + std::string(name(in.op)) + "'");
}

} // namespace waot::frontend::lower
