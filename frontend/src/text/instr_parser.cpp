// Instruction sequences: plain and folded forms, structured control
// instructions and their labels. Immediates are in instr_immediates.cpp.
#include "module_parser.hpp"

#include <unordered_map>

namespace waot::text::detail {

using frontend::Opcode;

namespace {

// Mnemonic -> opcode, from the one opcode table. `select` has two rows (with
// and without types); the first, untyped one is found here and the typed one
// is chosen when `(result ...)` follows.
struct Mnemonics {
  std::unordered_map<std::string_view, Opcode> ops;
  std::unordered_map<std::string_view, std::string_view> unsupported; // -> feature
  Mnemonics() {
    for (std::size_t i = 0; i < static_cast<std::size_t>(Opcode::Count); ++i)
      ops.emplace(frontend::kOpcodeInfo[i].name, static_cast<Opcode>(i));
#define WAOT_UNSUPPORTED(Prefix, Code, Name, Feature) unsupported.emplace(Name, Feature);
#include "waot/frontend/opcodes.def"
  }
};

const Mnemonics &mnemonics() {
  static const Mnemonics m;
  return m;
}

bool isOpcodeName(std::string_view s) {
  const auto &m = mnemonics();
  return m.ops.count(s) || m.unsupported.count(s);
}

} // namespace

bool ModuleParser::atInstr() const {
  const Token &t = peek();
  return t.kind == TokKind::Keyword && t.text != "end" && t.text != "else";
}

bool ModuleParser::atFoldedInstr() const {
  return peek().kind == TokKind::LParen && peek(1).kind == TokKind::Keyword &&
         isOpcodeName(peek(1).text);
}

Opcode ModuleParser::expectOpcode(const Token &tok) {
  const auto &m = mnemonics();
  if (tok.kind == TokKind::Keyword) {
    if (auto it = m.ops.find(tok.text); it != m.ops.end()) return it->second;
    if (auto it = m.unsupported.find(tok.text); it != m.unsupported.end())
      error(tok, "unsupported instruction `" + std::string(tok.text) + "` (feature " +
                     std::string(it->second) + ")");
  }
  fail(tok, "an instruction");
}

void ModuleParser::writeOpcode(Opcode op, ByteBuf &out) {
  const auto &info = frontend::info(op);
  if (info.prefix != 0) {
    out.u8(info.prefix);
    out.uleb(info.code);
  } else {
    out.u8(static_cast<std::uint8_t>(info.code));
  }
  if (op == Opcode::MemoryInit || op == Opcode::DataDrop) usesDataCount_ = true;
}

void ModuleParser::parseInstrList(ByteBuf &out) {
  for (;;) {
    if (atInstr()) {
      parsePlain(out);
    } else if (peek().kind == TokKind::LParen) {
      parseFolded(out);
    } else {
      return; // `)`, `end`, `else` or the end: the caller checks which
    }
  }
}

ByteBuf ModuleParser::parseConstExpr() {
  FuncContext none;
  FuncContext *saved = fn_;
  fn_ = &none;
  ByteBuf e;
  parseInstrList(e);
  e.u8(0x0B);
  fn_ = saved;
  return e;
}

void ModuleParser::parsePlain(ByteBuf &out) {
  Opcode op = expectOpcode(next());
  if (op == Opcode::Block || op == Opcode::Loop || op == Opcode::If)
    parseBlockPlain(op, out);
  else
    parseInstrBody(op, out);
}

void ModuleParser::parseInstrBody(Opcode op, ByteBuf &out) {
  if (op == Opcode::Select && isOpen("result")) op = Opcode::SelectTyped;
  writeOpcode(op, out);
  parseImmediates(op, out);
}

void ModuleParser::writeBlockType(ByteBuf &out) {
  TypeUse use = parseTypeUse(false);
  const FuncType *sig = &use.sig;
  if (use.index) {
    std::uint32_t index = resolveTypeUse(use);
    if (index >= types_.size()) return out.sleb(index); // invalid, left to the validator
    sig = &types_[index];
  }
  if (sig->params.empty() && sig->results.size() <= 1) {
    out.u8(sig->results.empty() ? 0x40 : sig->results[0]);
    return;
  }
  out.sleb(use.index ? *use.index : findOrAppendType(use.sig));
}

// `else` and its instructions; an empty else branch is left out, as wabt
// does (both encodings decode to the same `if`).
void ModuleParser::writeElse(ByteBuf &out) {
  std::size_t at = out.bytes.size();
  out.u8(0x05);
  parseInstrList(out);
  if (out.bytes.size() == at + 1) out.bytes.pop_back();
}

void ModuleParser::checkEndLabel(const std::string &label) {
  if (peek().kind != TokKind::Id) return;
  const Token &t = next();
  if (t.value != label)
    error(t, label.empty() ? "unexpected label `" + std::string(t.text) + "` (the block has none)"
                           : "mismatching label: expected `$" + label + "`, found `" +
                                 std::string(t.text) + "`");
}

void ModuleParser::parseBlockPlain(Opcode op, ByteBuf &out) {
  DepthGuard guard(*this, peek());
  std::string label = optId().value_or("");
  writeOpcode(op, out);
  writeBlockType(out);
  fn_->labels.push_back(label);
  parseInstrList(out);
  if (op == Opcode::If && isKeyword(peek(), "else")) {
    next();
    checkEndLabel(label);
    writeElse(out);
  }
  if (!isKeyword(peek(), "end")) fail(peek(), "an instruction or `end`");
  next();
  checkEndLabel(label);
  out.u8(0x0B);
  fn_->labels.pop_back();
}

void ModuleParser::parseFoldedBlock(Opcode op, ByteBuf &out) {
  std::string label = optId().value_or("");
  writeOpcode(op, out);
  writeBlockType(out);
  fn_->labels.push_back(label);
  parseInstrList(out);
  expectClose();
  out.u8(0x0B);
  fn_->labels.pop_back();
}

// `(if label? blocktype folded* (then instr*) (else instr*)?)`: the
// conditions run before the `if`, so their implicit types come first; the
// block type is read again after them.
void ModuleParser::parseFoldedIf(ByteBuf &out) {
  std::string label = optId().value_or("");
  std::size_t typePos = pos_;
  std::size_t typeCount = types_.size();
  ByteBuf ignored;
  writeBlockType(ignored);
  types_.resize(typeCount);
  while (peek().kind == TokKind::LParen && !isOpen("then"))
    parseFolded(out);
  std::size_t thenPos = pos_;
  pos_ = typePos;
  ByteBuf blockType;
  writeBlockType(blockType);
  pos_ = thenPos;
  writeOpcode(Opcode::If, out);
  out.append(blockType);
  fn_->labels.push_back(label);
  expectOpen("then");
  parseInstrList(out);
  expectClose();
  if (isOpen("else")) {
    pos_ += 2;
    writeElse(out);
    expectClose();
  }
  expectClose();
  out.u8(0x0B);
  fn_->labels.pop_back();
}

void ModuleParser::parseFolded(ByteBuf &out) {
  DepthGuard guard(*this, next()); // `(`
  Opcode op = expectOpcode(next());
  if (op == Opcode::Block || op == Opcode::Loop) return parseFoldedBlock(op, out);
  if (op == Opcode::If) return parseFoldedIf(out);
  std::size_t immPos = pos_;
  std::size_t typeCount = types_.size();
  ByteBuf instr;
  parseInstrBody(op, instr);
  bool newTypes = types_.size() != typeCount;
  if (newTypes) types_.resize(typeCount); // resolved again after the operands, as wabt does
  while (peek().kind == TokKind::LParen)
    parseFolded(out);
  if (newTypes) {
    std::size_t closePos = pos_;
    pos_ = immPos;
    instr = ByteBuf{};
    parseInstrBody(op, instr);
    pos_ = closePos;
  }
  if (peek().kind != TokKind::RParen) fail(peek(), "a folded operand `(...)` or `)`");
  next();
  out.append(instr);
}

std::uint32_t ModuleParser::expectLabel() {
  const Token &t = peek();
  if (t.kind == TokKind::Number)
    return static_cast<std::uint32_t>(expectUnsigned("a label", 0xFFFFFFFF));
  if (t.kind != TokKind::Id) fail(t, "a label (identifier or depth)");
  const auto &labels = fn_->labels;
  for (std::size_t i = labels.size(); i-- > 0;) {
    if (labels[i] == t.value) {
      next();
      return static_cast<std::uint32_t>(labels.size() - 1 - i);
    }
  }
  error(t, "unknown label `" + std::string(t.text) + "`");
}

std::uint32_t ModuleParser::parseLocalIndex() {
  const Token &t = peek();
  if (t.kind == TokKind::Number)
    return static_cast<std::uint32_t>(expectUnsigned("a local index", 0xFFFFFFFF));
  if (t.kind != TokKind::Id) fail(t, "a local index or identifier");
  auto it = fn_->locals.find(t.value);
  if (it == fn_->locals.end()) error(t, "unknown local `" + std::string(t.text) + "`");
  next();
  return it->second;
}

} // namespace waot::text::detail
