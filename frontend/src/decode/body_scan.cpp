// Decode-only pass over function bodies: instruction encodings, block
// structure and data count uses, without typing. See decode_internal.hpp for
// why it exists (malformed errors outrank invalid ones).
#include "decode_internal.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <vector>

namespace waot::frontend::detail {

using Kind = CompileError::Kind;

namespace {

void scanBody(const Module &m, std::uint32_t defined, const Features &features) {
  const FunctionBody &body = m.bodies[defined];
  InstrReader reader(m.view(), body.codeOffset, body.endOffset, m.functionIndex(defined), features);
  // One entry per open block, innermost last: whether it is an `if` that may
  // still take an `else`. The function's own block is the first.
  std::vector<bool> open{false};
  while (!open.empty()) {
    if (reader.atEnd()) reader.bytes().fail(Kind::Malformed, kBodyEndsEarly);
    const Instr in = reader.next();
    switch (in.op) {
    case Opcode::Block:
    case Opcode::Loop: open.push_back(false); break;
    case Opcode::If: open.push_back(true); break;
    case Opcode::Else:
      if (!open.back()) reader.bytes().failAt(Kind::Malformed, kElseWithoutIf, in.offset);
      open.back() = false;
      break;
    case Opcode::End: open.pop_back(); break;
    case Opcode::MemoryInit:
    case Opcode::DataDrop:
      if (!m.dataCount) reader.bytes().failAt(Kind::Malformed, kDataCountRequired, in.offset);
      break;
    default: break;
    }
  }
  if (!reader.atEnd()) reader.bytes().fail(Kind::Malformed, kContentAfterEnd);
}

} // namespace

void scanBodiesForDecodeErrors(const Module &module, const Features &features) {
  for (std::uint32_t i = 0; i < module.numDefinedFunctions(); ++i)
    scanBody(module, i, features);
}

} // namespace waot::frontend::detail
