// Tables and references: table.get/size inline, table.set/grow/fill/copy/init
// and elem.drop through the runtime builtins, ref.null/is_null/func.
// A 64-bit table's (table64) i64 indices and lengths are saturated to u32
// (tableIndex32): no table is that large, so every bounds check stays exact
// and the builtins keep their u32 operands.
#include "function_lowering.hpp"

#include <llvm/IR/Constants.h>

#include <optional>

namespace waot::frontend::lower {

void FunctionLowering::requireTable(std::uint32_t table) const {
  requireIndex(wasm_.tables, table, "table");
}

llvm::Value *FunctionLowering::tableRecord(std::uint32_t table) {
  requireTable(table);
  // The record pointer is set at instantiation; the record's fields are not
  // invariant (table.grow changes size and may move elements).
  return loadRecordPointer(env_.layout.tables + sizeof(waot_table *) * table, sizeof(waot_table),
                           alignof(waot_table));
}

std::optional<std::uint32_t> FunctionLowering::fixedTableSize(std::uint32_t table) const {
  // A table declared with max == min can never grow: table.grow by more than
  // 0 fails, by 0 changes nothing. For an imported table the declared limits
  // bound the actual ones (its size >= min, its max <= max), so its size is
  // exactly min as well. Function-pointer tables made by C compilers are
  // declared like this.
  requireTable(table);
  const Limits &limits = wasm_.tables[table].limits;
  if (!limits.max || *limits.max != limits.min || limits.min > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(limits.min);
}

llvm::Value *FunctionLowering::tableElementAddress(std::uint32_t table, llvm::Value *index,
                                                   waot_trap_kind outOfBounds) {
  const std::optional<std::uint32_t> fixedSize = fixedTableSize(table);
  llvm::Value *elements = nullptr;
  if (fixedSize) {
    // A table that cannot grow has a constant size and an element array that
    // never moves: one load in the entry block serves the whole function
    // (LLVM cannot hoist it there itself once a call might free memory).
    trapIf(builder_.CreateICmpUGE(index, i32Const(*fixedSize)), outOfBounds);
    elements = fixedTableElements(table);
  } else {
    llvm::Value *record = tableRecord(table);
    llvm::Value *size = loadWithTag(i32Type(), byteOffset(record, offsetof(waot_table, size)),
                                    env_.tbaaRuntime, false);
    trapIf(builder_.CreateICmpUGE(index, size), outOfBounds);
    elements = loadWithTag(env_.ptrType(), byteOffset(record, offsetof(waot_table, elements)),
                           env_.tbaaRuntime, false);
  }
  llvm::Value *entryOffset = builder_.CreateNUWMul(builder_.CreateZExt(index, i64Type()),
                                                   builder_.getInt64(sizeof(waot_table_entry)));
  return builder_.CreateInBoundsGEP(builder_.getInt8Ty(), elements, entryOffset);
}

llvm::Value *FunctionLowering::fixedTableElements(std::uint32_t table) {
  if (fixedTableElements_.size() <= table) fixedTableElements_.resize(table + 1, nullptr);
  llvm::Value *&elements = fixedTableElements_[table];
  if (elements != nullptr) return elements;
  const llvm::IRBuilderBase::InsertPointGuard keepInsertPoint(builder_);
  builder_.SetInsertPoint(entryBlock_->getTerminator());
  llvm::Value *record = tableRecord(table);
  elements = loadWithTag(env_.ptrType(), byteOffset(record, offsetof(waot_table, elements)),
                         env_.tbaaRuntime, true);
  return elements;
}

llvm::LoadInst *FunctionLowering::loadTableEntryField(llvm::Value *entry, std::size_t fieldOffset,
                                                      llvm::Type *type) {
  return loadWithTag(type, byteOffset(entry, fieldOffset), env_.tbaaTable, false);
}

void FunctionLowering::emitTable(const Instr &in) {
  llvm::Type *i32 = i32Type();
  llvm::Type *ptr = env_.ptrType();

  switch (in.op) {
  case Opcode::TableGet: {
    llvm::Value *entry =
        tableElementAddress(in.index, tableIndex32(in.index, pop()), WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
    push(loadTableEntryField(entry, offsetof(waot_table_entry, ref), ptr));
    return;
  }
  case Opcode::TableSet: {
    // Through the runtime: an entry holds copies of its function record's
    // fields, and a host function's may not be final yet (waot_table_entry).
    requireTable(in.index);
    const std::vector<llvm::Value *> operands = popValues(2); // index, value
    callBuiltin(Builtin::table_set,
                {i32Const(in.index), tableIndex32(in.index, operands[0]), operands[1]});
    return;
  }
  case Opcode::TableSize: {
    llvm::Value *record = tableRecord(in.index);
    llvm::Value *size = nullptr;
    if (const std::optional<std::uint32_t> fixedSize = fixedTableSize(in.index))
      size = i32Const(*fixedSize);
    else
      size =
          loadWithTag(i32, byteOffset(record, offsetof(waot_table, size)), env_.tbaaRuntime, false);
    push(wasm_.tables[in.index].is64 ? builder_.CreateZExt(size, i64Type()) : size);
    return;
  }
  case Opcode::TableGrow: {
    requireTable(in.index);
    const std::vector<llvm::Value *> operands = popValues(2); // init, delta
    llvm::Value *result = callBuiltin(Builtin::table_grow, {i32Const(in.index), operands[0],
                                                            tableIndex32(in.index, operands[1])});
    push(wasm_.tables[in.index].is64 ? widenGrowResult(result) : result);
    return;
  }
  case Opcode::TableFill: {
    requireTable(in.index);
    const std::vector<llvm::Value *> operands = popValues(3); // dst, value, n
    callBuiltin(Builtin::table_fill, {i32Const(in.index), tableIndex32(in.index, operands[0]),
                                      operands[1], tableIndex32(in.index, operands[2])});
    return;
  }
  case Opcode::TableCopy: {
    requireTable(in.index);
    requireTable(in.index2);
    const std::vector<llvm::Value *> operands = popValues(3); // dst, src, n
    callBuiltin(Builtin::table_copy,
                {i32Const(in.index), i32Const(in.index2), saturateToU32(operands[0]),
                 saturateToU32(operands[1]), saturateToU32(operands[2])});
    return;
  }
  case Opcode::TableInit: {
    requireTable(in.index2);
    const std::vector<llvm::Value *> operands = popValues(3); // dst, src, n
    callBuiltin(Builtin::table_init, {i32Const(in.index2), i32Const(in.index),
                                      saturateToU32(operands[0]), operands[1], operands[2]});
    return;
  }
  case Opcode::ElemDrop: callBuiltin(Builtin::elem_drop, {i32Const(in.index)}); return;
  default: break;
  }
  unsupported(in, "table instruction '" + std::string(name(in.op)) + "'");
}

void FunctionLowering::emitReference(const Instr &in) {
  switch (in.op) {
  case Opcode::RefNull: push(llvm::ConstantPointerNull::get(env_.ptrType())); return;
  case Opcode::RefIsNull: push(boolToI32(builder_.CreateIsNull(pop()))); return;
  case Opcode::RefFunc: {
    const std::uint32_t function = in.index;
    requireIndex(wasm_.functionTypes, function, "function");
    if (wasm_.isImportedFunction(function)) {
      // An imported function's reference is the exporter's own record.
      push(loadRecordPointer(env_.layout.imported_funcs + sizeof(waot_func *) * function,
                             sizeof(waot_func), alignof(waot_func)));
      return;
    }
    // A defined function's record lives inline in this instance's context,
    // filled by the runtime on first use (instantiation costs nothing per
    // function): ask for it. ref.func is rare outside of initializers.
    llvm::Value *index = builder_.getInt32(function);
    llvm::CallInst *record = callBuiltin(Builtin::ref_func, index);
    record->addRetAttr(llvm::Attribute::NonNull);
    push(record);
    return;
  }
  default: break;
  }
  unsupported(in, "reference instruction '" + std::string(name(in.op)) + "'");
}

} // namespace waot::frontend::lower
