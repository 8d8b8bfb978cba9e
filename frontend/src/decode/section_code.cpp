// Decoder of the code section: delimits each function body and reads its
// local declarations. Instructions are decoded later, by the validator.
#include "decode_internal.hpp"
#include "waot/frontend/instr_reader.hpp"

#include <limits>
#include <string>

namespace waot::frontend::detail {

using Kind = CompileError::Kind;

namespace {

// Parameters of `function` when its type index is valid (the validator
// reports an invalid one), otherwise zero.
std::uint64_t parameterCount(const Module &m, std::uint32_t function) {
  if (function >= m.functionTypes.size()) return 0;
  const std::uint32_t type = m.functionTypes[function];
  return type < m.types.size() ? m.types[type].params.size() : 0;
}

void readLocals(ByteReader &r, DecodeState &s, std::uint32_t function, FunctionBody &body) {
  const Module &m = s.module;
  const std::size_t localsAt = r.offset();
  const std::uint32_t groups = readCount(r, 2); // count, type
  body.locals.reserve(groups);
  std::uint64_t total = 0;
  for (std::uint32_t i = 0; i < groups; ++i) {
    const std::size_t at = r.offset();
    LocalDecl decl;
    decl.count = r.u32();
    decl.type = readValTypeNotingSimd(r, s, "v128 local in function", function);
    total += decl.count;
    // The binary format indexes locals with u32: more is malformed.
    if (total > std::numeric_limits<std::uint32_t>::max())
      r.failAt(Kind::Malformed, "too many locals: more than 2^32-1 declared", at);
    body.locals.push_back(decl);
  }
  body.numLocals = total;
  const std::uint64_t withParams = total + parameterCount(m, function);
  if (withParams > kMaxFunctionLocals)
    r.failAt(Kind::Limit,
             "too many locals: " + std::to_string(withParams) +
                 " (parameters included), the limit is " + std::to_string(kMaxFunctionLocals),
             localsAt);
}

FunctionBody readFunctionBody(ByteReader &r, DecodeState &s, std::uint32_t function) {
  FunctionBody body;
  body.bodyOffset = r.offset();
  const std::uint32_t size = r.u32();
  if (size > r.remaining())
    r.failAt(Kind::Malformed,
             "unexpected end of section or function: body of " + std::to_string(size) +
                 " bytes, only " + std::to_string(r.remaining()) + " left",
             body.bodyOffset);
  const std::size_t begin = r.offset();
  const std::size_t end = begin + size;
  r.seek(end);

  ByteReader br(s.bytes, begin, end, function);
  readLocals(br, s, function, body);
  body.codeOffset = br.offset();
  body.endOffset = end;
  // Every body ends with the `end` of its function block. Checking the last
  // byte delimits the body now; the validator decodes what comes before.
  if (body.codeOffset >= end)
    br.failAt(Kind::Malformed, "END opcode expected: the function body has no instructions", end);
  if (s.bytes[end - 1] != 0x0B)
    br.failAt(Kind::Malformed, "END opcode expected at the end of the function body", end - 1);
  return body;
}

} // namespace

void decodeCodeSection(ByteReader &r, DecodeState &s) {
  Module &m = s.module;
  const std::uint32_t count = readCount(r, 3); // size, local count, end
  s.codeSectionCount = count;
  m.bodies.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i)
    m.bodies.push_back(readFunctionBody(r, s, m.numImportedFunctions + i));
}

} // namespace waot::frontend::detail
