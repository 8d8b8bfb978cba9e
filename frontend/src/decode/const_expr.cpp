// Constant expressions (global initializers, segment offsets, element items).
#include "decode_internal.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <string>

namespace waot::frontend::detail {

namespace {

// The instructions a constant expression may hold: Wasm 2.0's and the
// arithmetic of extended constant expressions (which the validator accepts
// only when that feature is on).
bool isConstantInstruction(Opcode op) {
  switch (op) {
  case Opcode::I32Add:
  case Opcode::I32Sub:
  case Opcode::I32Mul:
  case Opcode::I64Add:
  case Opcode::I64Sub:
  case Opcode::I64Mul:
  case Opcode::I32Const:
  case Opcode::I64Const:
  case Opcode::F32Const:
  case Opcode::F64Const:
  case Opcode::V128Const:
  case Opcode::RefNull:
  case Opcode::RefFunc:
  case Opcode::GlobalGet: return true;
  default: return false;
  }
}

bool opensBlock(Opcode op) { return op == Opcode::Block || op == Opcode::Loop || op == Opcode::If; }

void describe(ConstExpr &expr, const Instr &in) {
  switch (in.op) {
  case Opcode::I32Const:
    expr.kind = ConstExpr::Kind::I32;
    expr.bits = in.bits & 0xFFFF'FFFFu; // the reader sign-extends; the model zero-extends
    break;
  case Opcode::I64Const:
    expr.kind = ConstExpr::Kind::I64;
    expr.bits = in.bits;
    break;
  case Opcode::F32Const:
    expr.kind = ConstExpr::Kind::F32;
    expr.bits = in.bits;
    break;
  case Opcode::F64Const:
    expr.kind = ConstExpr::Kind::F64;
    expr.bits = in.bits;
    break;
  case Opcode::V128Const:
    expr.kind = ConstExpr::Kind::V128;
    expr.v128 = in.v128;
    break;
  case Opcode::RefNull:
    expr.kind = ConstExpr::Kind::RefNull;
    expr.refType = in.refType;
    break;
  case Opcode::RefFunc:
    expr.kind = ConstExpr::Kind::RefFunc;
    expr.index = in.index;
    break;
  case Opcode::GlobalGet:
    expr.kind = ConstExpr::Kind::GlobalGet;
    expr.index = in.index;
    break;
  case Opcode::I32Add: expr.kind = ConstExpr::Kind::I32Add; break;
  case Opcode::I32Sub: expr.kind = ConstExpr::Kind::I32Sub; break;
  case Opcode::I32Mul: expr.kind = ConstExpr::Kind::I32Mul; break;
  case Opcode::I64Add: expr.kind = ConstExpr::Kind::I64Add; break;
  case Opcode::I64Sub: expr.kind = ConstExpr::Kind::I64Sub; break;
  case Opcode::I64Mul: expr.kind = ConstExpr::Kind::I64Mul; break;
  default: break;
  }
}

} // namespace

ConstExpr readConstExpr(ByteReader &r, DecodeState &s) {
  ConstExpr expr;
  expr.offset = r.offset();
  std::vector<ConstExpr> ops;
  std::optional<Instr> nonConstant;
  // InstrReader always tags its errors with a function index, but a constant
  // expression belongs to no function: errors are rethrown without it.
  InstrReader reader(s.bytes, r.offset(), r.end(), 0);
  try {
    // Read the whole expression even past a non-constant instruction, nested
    // blocks included, so that decoding resumes after its real `end`.
    std::size_t depth = 0;
    for (;;) {
      const Instr in = reader.next();
      if (in.op == Opcode::End) {
        if (depth == 0) break;
        --depth;
        continue;
      }
      if (opensBlock(in.op)) ++depth;
      if (isSimd(in.op))
        s.noteSimd(in.offset,
                   std::string("`").append(name(in.op)).append("` in a constant expression"));
      if (!isConstantInstruction(in.op)) {
        if (!nonConstant) nonConstant = in;
        continue;
      }
      ConstExpr op;
      op.offset = in.offset;
      describe(op, in);
      ops.push_back(std::move(op));
    }
  } catch (const CompileError &e) {
    throw CompileError(e.kind(), e.message(), e.offset());
  }
  r.seek(reader.offset());
  if (nonConstant)
    s.deferInvalid("constant expression required: '" + std::string(name(nonConstant->op)) +
                       "' is not a constant instruction",
                   nonConstant->offset);
  else if (ops.empty())
    s.deferInvalid("type mismatch: a constant expression must produce exactly one value, this "
                   "one produces 0",
                   expr.offset);
  else if (ops.size() == 1 && ops[0].kind < ConstExpr::Kind::I32Add) {
    const std::size_t offset = expr.offset;
    expr = std::move(ops[0]);
    expr.offset = offset;
  } else {
    // Typed (and checked against the features) by the validator.
    expr.kind = ConstExpr::Kind::Sequence;
    expr.ops = std::move(ops);
  }
  return expr;
}

} // namespace waot::frontend::detail
