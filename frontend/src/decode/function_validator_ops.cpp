// Function body validation of the non-control instructions: the uniform ones
// through their opcodes.def signature, plus variables, tables, references
// and select.
#include "function_validator.hpp"

#include "decode_internal.hpp"

#include <array>
#include <initializer_list>
#include <stdexcept>

namespace waot::frontend::detail {

using Kind = CompileError::Kind;

namespace {

// Operand and result types of a uniform instruction.
struct UniformSignature {
  std::array<ValType, 3> params{};
  std::size_t paramCount = 0;
  std::optional<ValType> result;
};

constexpr UniformSignature uniform(std::optional<ValType> result,
                                   std::initializer_list<ValType> params) {
  UniformSignature signature;
  signature.result = result;
  for (ValType p : params)
    signature.params[signature.paramCount++] = p;
  return signature;
}

// The `Sig` column of opcodes.def, read as result_params.
constexpr UniformSignature signatureOf(Sig sig) {
  constexpr ValType i = ValType::I32, l = ValType::I64, f = ValType::F32, d = ValType::F64,
                    x = ValType::V128;
  constexpr std::optional<ValType> none;
  switch (sig) {
  case Sig::Special: break;
  case Sig::i_v: return uniform(i, {});
  case Sig::l_v: return uniform(l, {});
  case Sig::f_v: return uniform(f, {});
  case Sig::d_v: return uniform(d, {});
  case Sig::v_v: return uniform(none, {});
  case Sig::i_i: return uniform(i, {i});
  case Sig::i_l: return uniform(i, {l});
  case Sig::i_f: return uniform(i, {f});
  case Sig::i_d: return uniform(i, {d});
  case Sig::l_l: return uniform(l, {l});
  case Sig::l_i: return uniform(l, {i});
  case Sig::l_f: return uniform(l, {f});
  case Sig::l_d: return uniform(l, {d});
  case Sig::f_f: return uniform(f, {f});
  case Sig::f_i: return uniform(f, {i});
  case Sig::f_l: return uniform(f, {l});
  case Sig::f_d: return uniform(f, {d});
  case Sig::d_d: return uniform(d, {d});
  case Sig::d_i: return uniform(d, {i});
  case Sig::d_l: return uniform(d, {l});
  case Sig::d_f: return uniform(d, {f});
  case Sig::i_ii: return uniform(i, {i, i});
  case Sig::i_ll: return uniform(i, {l, l});
  case Sig::i_ff: return uniform(i, {f, f});
  case Sig::i_dd: return uniform(i, {d, d});
  case Sig::l_ll: return uniform(l, {l, l});
  case Sig::f_ff: return uniform(f, {f, f});
  case Sig::d_dd: return uniform(d, {d, d});
  case Sig::v_ii: return uniform(none, {i, i});
  case Sig::v_il: return uniform(none, {i, l});
  case Sig::v_if: return uniform(none, {i, f});
  case Sig::v_id: return uniform(none, {i, d});
  case Sig::v_iii: return uniform(none, {i, i, i});
  case Sig::x_v: return uniform(x, {});
  case Sig::x_x: return uniform(x, {x});
  case Sig::x_xx: return uniform(x, {x, x});
  case Sig::x_xxx: return uniform(x, {x, x, x});
  case Sig::x_i: return uniform(x, {i});
  case Sig::x_l: return uniform(x, {l});
  case Sig::x_f: return uniform(x, {f});
  case Sig::x_d: return uniform(x, {d});
  case Sig::x_xi: return uniform(x, {x, i});
  case Sig::x_xl: return uniform(x, {x, l});
  case Sig::x_xf: return uniform(x, {x, f});
  case Sig::x_xd: return uniform(x, {x, d});
  case Sig::x_ix: return uniform(x, {i, x});
  case Sig::i_x: return uniform(i, {x});
  case Sig::l_x: return uniform(l, {x});
  case Sig::f_x: return uniform(f, {x});
  case Sig::d_x: return uniform(d, {x});
  case Sig::v_ix: return uniform(none, {i, x});
  }
  return {};
}

// The largest alignment exponent InstrReader lets through (it rejects larger
// ones as "malformed memop flags").
constexpr std::uint32_t kMaxAlignLog2 = 63;

} // namespace

// ---- index checks -------------------------------------------------------------

const TableType &FunctionValidator::tableAt(std::uint32_t index) const {
  if (index >= module_.tables.size()) fail("unknown table " + std::to_string(index));
  return module_.tables[index];
}

void FunctionValidator::requireMemory(std::uint32_t index) const {
  if (index >= module_.memories.size()) fail("unknown memory " + std::to_string(index));
}

ValType FunctionValidator::addressType(std::uint32_t memory) const {
  return module_.memories[memory].addressType();
}

void FunctionValidator::requireDataSegment(std::uint32_t index) const {
  // Data indices in code are checked against the data count section, which
  // lets single-pass compilers know the segments before the code.
  if (!module_.dataCount) failMalformed(kDataCountRequired);
  if (index >= *module_.dataCount) fail("unknown data segment " + std::to_string(index));
}

const ElemSegment &FunctionValidator::elemAt(std::uint32_t index) const {
  if (index >= module_.elems.size()) fail("unknown elem segment " + std::to_string(index));
  return module_.elems[index];
}

// ---- uniform instructions -------------------------------------------------------

void FunctionValidator::validateUniform(const Instr &in) {
  const OpcodeInfo &op = info(in.op);
  if (op.sig == Sig::Special)
    throw std::logic_error("waot validator: no typing rule for '" + std::string(op.name) + "'");
  if (op.feature == Feature::Simd) noteSimdInstruction(in);
  checkUniformImmediates(in);
  UniformSignature signature = signatureOf(op.sig);
  applyAddressTypes(in, signature.params, signature.result);
  for (std::size_t i = signature.paramCount; i-- > 0;)
    pop(signature.params[i]);
  if (signature.result) push(*signature.result);
}

void FunctionValidator::checkUniformImmediates(const Instr &in) {
  const OpcodeInfo &op = info(in.op);
  switch (op.imm) {
  case ImmKind::MemArg: checkMemArg(in); break;
  case ImmKind::MemArgLane:
  case ImmKind::LaneIdx:
  case ImmKind::Shuffle: checkSimdImmediates(in); break;
  case ImmKind::MemIdx: requireMemory(in.index); break;
  case ImmKind::MemMem:
    requireMemory(in.index);
    requireMemory(in.index2);
    break;
  case ImmKind::DataMem:
    requireDataSegment(in.index);
    requireMemory(in.index2);
    break;
  case ImmKind::DataIdx: requireDataSegment(in.index); break;
  case ImmKind::ElemTable: {
    const TableType &table = tableAt(in.index2);
    const ElemSegment &elem = elemAt(in.index);
    if (elem.elemType != table.elemType)
      fail(std::string("type mismatch: table.init of ") + toString(elem.elemType) +
           " elements into a " + toString(table.elemType) + " table");
    noteTableWrite(in.index2);
    break;
  }
  case ImmKind::ElemIdx: elemAt(in.index); break;
  case ImmKind::TableTable: {
    const TableType &destination = tableAt(in.index);
    const TableType &source = tableAt(in.index2);
    if (source.elemType != destination.elemType)
      fail(std::string("type mismatch: table.copy from a ") + toString(source.elemType) +
           " table into a " + toString(destination.elemType) + " table");
    noteTableWrite(in.index);
    break;
  }
  case ImmKind::TableIdx: tableAt(in.index); break;
  default: break;
  }
}

// opcodes.def types memory and table instructions for 32-bit memories and
// tables; a 64-bit one's addresses, sizes and lengths are i64 (a copy
// between the two kinds takes the smaller type for its length, an init's
// segment offset and length stay i32). table.get/set/grow/fill are typed in
// validateTable.
void FunctionValidator::applyAddressTypes(const Instr &in, std::array<ValType, 3> &params,
                                          std::optional<ValType> &result) const {
  const ImmKind imm = info(in.op).imm;
  if (imm == ImmKind::MemArg || imm == ImmKind::MemArgLane) {
    params[0] = addressType(in.mem.memory);
    return;
  }
  switch (in.op) {
  case Opcode::MemorySize: result = addressType(in.index); break;
  case Opcode::MemoryGrow: params[0] = *(result = addressType(in.index)); break;
  case Opcode::MemoryFill: params[0] = params[2] = addressType(in.index); break;
  case Opcode::MemoryCopy: {
    params[0] = addressType(in.index);
    params[1] = addressType(in.index2);
    params[2] =
        params[0] == ValType::I64 && params[1] == ValType::I64 ? ValType::I64 : ValType::I32;
    break;
  }
  case Opcode::MemoryInit: params[0] = addressType(in.index2); break;
  // The table forms (table64), on indices checked by checkUniformImmediates.
  case Opcode::TableSize: result = module_.tables[in.index].indexType(); break;
  case Opcode::TableCopy: {
    params[0] = module_.tables[in.index].indexType();
    params[1] = module_.tables[in.index2].indexType();
    params[2] =
        params[0] == ValType::I64 && params[1] == ValType::I64 ? ValType::I64 : ValType::I32;
    break;
  }
  case Opcode::TableInit: params[0] = module_.tables[in.index2].indexType(); break;
  default: break;
  }
}

void FunctionValidator::checkMemArg(const Instr &in) const {
  const OpcodeInfo &op = info(in.op);
  if (in.mem.alignLog2 > kMaxAlignLog2) failMalformed("malformed memop flags");
  requireMemory(in.mem.memory);
  if ((std::uint64_t{1} << in.mem.alignLog2) > op.accessBytes)
    fail("alignment must not be larger than natural: 2^" + std::to_string(in.mem.alignLog2) +
         " for a " + std::to_string(op.accessBytes) + "-byte access");
  if (!module_.memories[in.mem.memory].is64 && in.mem.offset > UINT32_MAX)
    fail("offset out of range: " + std::to_string(in.mem.offset) + " for a 32-bit memory");
}

// ---- variables, tables, references, select ------------------------------------

void FunctionValidator::validateVariable(const Instr &in) {
  if (in.op == Opcode::GlobalGet || in.op == Opcode::GlobalSet) {
    if (in.index >= module_.globalTypes.size()) fail("unknown global " + std::to_string(in.index));
    const GlobalType &global = module_.globalTypes[in.index];
    if (in.op == Opcode::GlobalGet) {
      push(global.type);
    } else {
      if (!global.isMutable) fail("global is immutable: global " + std::to_string(in.index));
      pop(global.type);
    }
    return;
  }
  if (in.index >= locals_.size()) fail("unknown local " + std::to_string(in.index));
  const ValType local = locals_[in.index];
  if (in.op == Opcode::LocalGet) {
    push(local);
  } else {
    pop(local);
    if (in.op == Opcode::LocalTee) push(local);
  }
}

void FunctionValidator::noteTableWrite(std::uint32_t table) {
  facts_.tablesWrittenByCode.at(table) = true;
}

void FunctionValidator::validateTable(const Instr &in) {
  const TableType &table = tableAt(in.index);
  const ValType element = table.elemType;
  const ValType index = table.indexType(); // i64 for a 64-bit table
  if (in.op != Opcode::TableGet) noteTableWrite(in.index);
  switch (in.op) {
  case Opcode::TableGet:
    pop(index);
    push(element);
    break;
  case Opcode::TableSet:
    pop(element);
    pop(index);
    break;
  case Opcode::TableGrow:
    pop(index);
    pop(element);
    push(index);
    break;
  case Opcode::TableFill:
    pop(index);
    pop(element);
    pop(index);
    break;

  default: break;
  }
}

void FunctionValidator::validateReference(const Instr &in) {
  switch (in.op) {
  case Opcode::RefNull: push(in.refType); break;
  case Opcode::RefIsNull: {
    const Operand operand = pop();
    if (operand && !isReference(*operand)) typeMismatch("a reference", toString(*operand));
    push(ValType::I32);
    break;
  }
  case Opcode::RefFunc:
    if (in.index >= module_.numFunctions()) fail("unknown function " + std::to_string(in.index));
    // Only functions referenced outside code may be taken by reference, so
    // that a module's possible funcref values are known without scanning code.
    if (!declaredFunctions_[in.index])
      fail("undeclared function reference: function " + std::to_string(in.index) +
           " must appear in an element segment, an export or a global initializer");
    push(ValType::FuncRef);
    break;
  default: break;
  }
}

void FunctionValidator::validateSelect(const Instr &in) {
  if (in.op == Opcode::SelectTyped) {
    if (in.selectTypes.size() != 1)
      fail("invalid result arity: typed select takes exactly one type, found " +
           std::to_string(in.selectTypes.size()));
    const ValType type = in.selectTypes[0];
    if (type == ValType::V128) noteSimd(in, "`select` of v128");
    pop(ValType::I32);
    pop(type);
    pop(type);
    push(type);
    return;
  }
  pop(ValType::I32);
  const Operand second = pop();
  const Operand first = pop();
  // Untyped select only takes numeric operands (Unknown counts as numeric).
  for (const Operand &operand : {first, second})
    if (operand && isReference(*operand))
      typeMismatch("numeric operands (use a typed select for references)", toString(*operand));
  if (first && second && *first != *second)
    typeMismatch("two operands of the same type",
                 std::string(toString(*first)) + " and " + toString(*second));
  push(first ? first : second);
}

} // namespace waot::frontend::detail
