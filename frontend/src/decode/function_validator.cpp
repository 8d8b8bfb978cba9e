// Function body validation: operand and control stacks, blocks, branches,
// calls. The remaining instructions are in function_validator_ops.cpp.
#include "function_validator.hpp"

#include "decode_internal.hpp"

#include <algorithm>
#include <array>

namespace waot::frontend::detail {

using Kind = CompileError::Kind;

namespace {

std::string typeListText(std::span<const ValType> types) {
  std::string text = "(";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i) text += " ";
    text += toString(types[i]);
  }
  return text + ")";
}

std::vector<ValType> expandLocals(const FuncType &signature, const FunctionBody &body,
                                  std::uint32_t function) {
  std::uint64_t total = signature.params.size();
  for (const LocalDecl &decl : body.locals)
    total += decl.count;
  // The decoder enforces this; a hand-built Module must not make us allocate wildly.
  if (total > kMaxFunctionLocals)
    throw CompileError(Kind::Limit, "too many locals: " + std::to_string(total), body.bodyOffset,
                       function);
  std::vector<ValType> locals(signature.params.begin(), signature.params.end());
  locals.reserve(total);
  for (const LocalDecl &decl : body.locals)
    locals.insert(locals.end(), decl.count, decl.type);
  return locals;
}

} // namespace

std::span<const ValType> singleValueType(ValType type) {
  static constexpr std::array<ValType, 7> kTypes = {
      ValType::I32,  ValType::I64,     ValType::F32,      ValType::F64,
      ValType::V128, ValType::FuncRef, ValType::ExternRef};
  const auto *it = std::find(kTypes.begin(), kTypes.end(), type);
  return it == kTypes.end() ? std::span<const ValType>{} : std::span<const ValType>(it, 1);
}

FunctionValidator::FunctionValidator(const Module &module, const Features &features,
                                     const std::vector<bool> &declaredFunctions,
                                     std::uint32_t definedIndex, CodeFacts &facts,
                                     std::optional<SimdUse> &firstSimd)
    : module_(module), features_(features), declaredFunctions_(declaredFunctions), facts_(facts),
      firstSimd_(firstSimd), function_(module.functionIndex(definedIndex)),
      signature_(module.functionType(function_)),
      locals_(expandLocals(signature_, module.bodies[definedIndex], function_)),
      reader_(module.view(), module.bodies[definedIndex].codeOffset,
              module.bodies[definedIndex].endOffset, function_, features) {}

void FunctionValidator::run() {
  // The body is the function's outermost block: its results are the function's.
  pushFrame(Opcode::Block, {{}, signature_.results});
  while (!frames_.empty()) {
    if (reader_.atEnd()) reader_.bytes().fail(Kind::Malformed, kBodyEndsEarly);
    const Instr in = reader_.next();
    currentOpcode_ = in.op;
    currentOffset_ = in.offset;
    validate(in);
  }
  if (!reader_.atEnd()) reader_.bytes().fail(Kind::Malformed, kContentAfterEnd);
}

// ---- errors -----------------------------------------------------------------

void FunctionValidator::fail(const std::string &message) const {
  throw CompileError(Kind::Invalid, message, currentOffset_, function_);
}

void FunctionValidator::failMalformed(const std::string &message) const {
  throw CompileError(Kind::Malformed, message, currentOffset_, function_);
}

void FunctionValidator::typeMismatch(const std::string &expected, const std::string &found) const {
  fail("type mismatch: " + std::string(name(currentOpcode_)) + " expects " + expected +
       " but found " + found);
}

// ---- stacks -----------------------------------------------------------------

void FunctionValidator::pushValues(std::span<const ValType> types) {
  for (ValType t : types)
    push(t);
}

FunctionValidator::Operand FunctionValidator::pop() {
  const Frame &frame = frames_.back();
  if (operands_.size() == frame.height) {
    if (frame.unreachable) return std::nullopt;
    typeMismatch("an operand", "an empty stack");
  }
  const Operand top = operands_.back();
  operands_.pop_back();
  return top;
}

FunctionValidator::Operand FunctionValidator::pop(ValType expected) {
  const Frame &frame = frames_.back();
  if (operands_.size() == frame.height && !frame.unreachable)
    typeMismatch(toString(expected), "an empty stack");
  const Operand actual = pop();
  if (actual && *actual != expected) typeMismatch(toString(expected), toString(*actual));
  return actual; // Unknown stays Unknown: br_table re-pushes what it popped
}

void FunctionValidator::popValues(std::span<const ValType> types) {
  for (std::size_t i = types.size(); i-- > 0;)
    pop(types[i]);
}

void FunctionValidator::pushFrame(Opcode opcode, BlockSignature signature) {
  frames_.push_back(Frame{opcode, signature, operands_.size(), false});
  pushValues(signature.params);
}

FunctionValidator::Frame FunctionValidator::popFrame() {
  const Frame frame = frames_.back();
  popValues(frame.signature.results);
  if (operands_.size() != frame.height)
    fail("type mismatch: block of type " + typeListText(frame.signature.results) + " leaves " +
         std::to_string(operands_.size() - frame.height) + " extra value(s) on the stack");
  frames_.pop_back();
  return frame;
}

void FunctionValidator::markUnreachable() {
  Frame &frame = frames_.back();
  operands_.resize(frame.height);
  frame.unreachable = true;
}

const FunctionValidator::Frame &FunctionValidator::label(std::uint32_t depth) const {
  if (depth >= frames_.size()) fail("unknown label " + std::to_string(depth));
  return frames_[frames_.size() - 1 - depth];
}

// ---- index checks -------------------------------------------------------------

const FuncType &FunctionValidator::typeAt(std::uint32_t index) const {
  if (index >= module_.types.size()) fail("unknown type " + std::to_string(index));
  return module_.types[index];
}

FunctionValidator::BlockSignature FunctionValidator::blockSignature(const BlockType &block) const {
  switch (block.kind) {
  case BlockType::Kind::Empty: return {};
  case BlockType::Kind::Value: return {{}, singleValueType(block.value)};
  case BlockType::Kind::Index: {
    const FuncType &type = typeAt(block.typeIndex);
    return {type.params, type.results};
  }
  }
  return {};
}

// ---- control instructions ---------------------------------------------------

void FunctionValidator::validate(const Instr &in) {
  switch (in.op) {
  case Opcode::Unreachable: markUnreachable(); break;
  case Opcode::Nop: break;
  case Opcode::Block:
  case Opcode::Loop:
  case Opcode::If: validateBlockStart(in); break;
  case Opcode::Else: validateElse(); break;
  case Opcode::End: validateEnd(); break;
  case Opcode::Br:
    popValues(label(in.index).labelTypes());
    markUnreachable();
    break;
  case Opcode::BrIf: {
    pop(ValType::I32);
    const auto types = label(in.index).labelTypes();
    popValues(types);
    pushValues(types);
    break;
  }
  case Opcode::BrTable: validateBrTable(in); break;
  case Opcode::Return:
    popValues(signature_.results);
    markUnreachable();
    break;
  case Opcode::Call: {
    if (in.index >= module_.numFunctions()) fail("unknown function " + std::to_string(in.index));
    const FuncType &callee = module_.functionType(in.index);
    popValues(callee.params);
    pushValues(callee.results);
    break;
  }
  case Opcode::CallIndirect: validateCallIndirect(in); break;
  case Opcode::ReturnCall:
  case Opcode::ReturnCallIndirect: validateTailCall(in); break;
  case Opcode::Drop: pop(); break;
  case Opcode::Select:
  case Opcode::SelectTyped: validateSelect(in); break;
  case Opcode::LocalGet:
  case Opcode::LocalSet:
  case Opcode::LocalTee:
  case Opcode::GlobalGet:
  case Opcode::GlobalSet: validateVariable(in); break;
  case Opcode::TableGet:
  case Opcode::TableSet:
  case Opcode::TableGrow:
  case Opcode::TableFill: validateTable(in); break;
  case Opcode::RefNull:
  case Opcode::RefIsNull:
  case Opcode::RefFunc: validateReference(in); break;
  default: validateUniform(in); break;
  }
}

void FunctionValidator::validateBlockStart(const Instr &in) {
  const BlockSignature signature = blockSignature(in.block);
  if (in.block.kind == BlockType::Kind::Value && in.block.value == ValType::V128)
    noteSimd(in, std::string("`").append(name(in.op)).append("` with a v128 result"));
  if (in.op == Opcode::If) pop(ValType::I32);
  popValues(signature.params);
  pushFrame(in.op, signature);
}

void FunctionValidator::validateElse() {
  if (frames_.back().opcode != Opcode::If) failMalformed(kElseWithoutIf);
  const Frame frame = popFrame();
  pushFrame(Opcode::Else, frame.signature);
}

void FunctionValidator::validateEnd() {
  const Frame frame = popFrame();
  // Without an else, the (empty) else branch must turn the parameters into the results.
  if (frame.opcode == Opcode::If &&
      !std::ranges::equal(frame.signature.params, frame.signature.results))
    fail("type mismatch: if without else must have the same parameter and result types, not " +
         typeListText(frame.signature.params) + " -> " + typeListText(frame.signature.results));
  if (!frames_.empty()) pushValues(frame.signature.results);
}

void FunctionValidator::validateBrTable(const Instr &in) {
  pop(ValType::I32);
  const auto defaultTypes = label(in.index).labelTypes();
  for (const std::uint32_t target : in.targets) {
    const auto types = label(target).labelTypes();
    if (types.size() != defaultTypes.size())
      fail("type mismatch: br_table target " + std::to_string(target) + " takes " +
           std::to_string(types.size()) + " value(s) but the default target takes " +
           std::to_string(defaultTypes.size()));
    // Check the operands against this target's types without consuming them
    // (each target may have different but compatible types).
    scratch_.resize(types.size());
    for (std::size_t i = types.size(); i-- > 0;)
      scratch_[i] = pop(types[i]);
    for (const Operand &operand : scratch_)
      push(operand);
  }
  popValues(defaultTypes);
  markUnreachable();
}

void FunctionValidator::validateCallIndirect(const Instr &in) {
  const TableType &table = tableAt(in.index2);
  if (table.elemType != ValType::FuncRef)
    fail("type mismatch: call_indirect needs a funcref table, table " + std::to_string(in.index2) +
         " holds " + toString(table.elemType));
  const FuncType &callee = typeAt(in.index);
  pop(table.indexType());
  popValues(callee.params);
  pushValues(callee.results);
}

void FunctionValidator::validateTailCall(const Instr &in) {
  if (!features_.tailCall)
    throw CompileError(Kind::Unsupported,
                       std::string(name(in.op)) + " needs the tail calls feature (Wasm 3.0)",
                       in.offset, function_);
  const FuncType *callee = nullptr;
  if (in.op == Opcode::ReturnCall) {
    if (in.index >= module_.numFunctions()) fail("unknown function " + std::to_string(in.index));
    callee = &module_.functionType(in.index);
  } else {
    const TableType &table = tableAt(in.index2);
    if (table.elemType != ValType::FuncRef)
      fail("type mismatch: return_call_indirect needs a funcref table, table " +
           std::to_string(in.index2) + " holds " + toString(table.elemType));
    callee = &typeAt(in.index);
    pop(table.indexType());
  }
  // The callee returns straight to our caller: its results must be ours.
  if (!std::ranges::equal(callee->results, signature_.results))
    fail("type mismatch: " + std::string(name(in.op)) + " to a function returning " +
         typeListText(callee->results) + " from a function returning " +
         typeListText(signature_.results));
  popValues(callee->params);
  facts_.tailCallers[module_.definedIndex(function_)] = true;
  markUnreachable();
}

} // namespace waot::frontend::detail
