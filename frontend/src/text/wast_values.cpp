// Arguments and expected results of a script: `(i32.const 1)`,
// `(v128.const f32x4 nan:canonical 1 2 3)`, `(ref.null extern)`,
// `(ref.extern 1)`, `(either ...)`, ... Literals are read by numbers.hpp,
// the text reader's own literal parsers.
#include "numbers.hpp"
#include "wast_parser.hpp"

#include <array>

namespace waot::wast::detail {

namespace tx = text::detail;

namespace {

// Bits of an `iN`/`fN` type name.
unsigned typeBits(std::string_view type) {
  if (type == "i8") return 8;
  if (type == "i16") return 16;
  if (type == "i32" || type == "f32") return 32;
  return 64;
}

// References of features after Wasm 2.0, kept by name for the runner to
// report as unsupported: `(ref.i31 N)`, `(ref.struct)`, `(ref.host N)`, ...
constexpr std::array<std::string_view, 8> kLaterReferences = {
    "ref.i31", "ref.struct", "ref.array", "ref.eq",
    "ref.any", "ref.host",   "ref.exn",   "ref.i31_shared",
};

} // namespace

// `( instr ... )`: an argument, or with `result` an expected result.
Value ScriptParser::constant(bool result) {
  const Token &open = peek();
  expectOpen();
  const Token &instr = peek();
  if (instr.kind != TokKind::Keyword) fail(instr, result ? "a result" : "a constant");
  next();
  Value v;
  if (instr.text == "i32.const" || instr.text == "i64.const" || instr.text == "f32.const" ||
      instr.text == "f64.const") {
    v = number(instr, result);
  } else if (instr.text == "v128.const") {
    v = vector(result);
  } else if (instr.text.starts_with("ref.")) {
    v = reference(instr);
  } else if (instr.text == "either" && result) {
    v.kind = Value::Kind::Either;
    while (!atClose())
      v.alternatives.push_back(constant(true));
    if (v.alternatives.empty()) fail(peek(), "a result in `either`");
  } else {
    fail(instr, result ? "a result (`i32.const`, ..., `ref.null`, `either`)"
                       : "a constant (`i32.const`, ..., `v128.const`, `ref.null`, `ref.extern`)");
  }
  v.line = open.line;
  v.column = open.column;
  expectClose(result ? "result" : "constant");
  return v;
}

Value ScriptParser::number(const Token &instr, bool result) {
  Value v;
  const std::string_view type = instr.text.substr(0, 3);
  v.kind = type == "i32"   ? Value::Kind::I32
           : type == "i64" ? Value::Kind::I64
           : type == "f32" ? Value::Kind::F32
                           : Value::Kind::F64;
  v.num = lane(peek(), type, result);
  next();
  return v;
}

// `v128.const shape lane*`.
Value ScriptParser::vector(bool result) {
  struct Shape {
    std::string_view name, laneType;
    unsigned lanes;
  };
  static constexpr Shape kShapes[] = {{"i8x16", "i8", 16}, {"i16x8", "i16", 8},
                                      {"i32x4", "i32", 4}, {"i64x2", "i64", 2},
                                      {"f32x4", "f32", 4}, {"f64x2", "f64", 2}};
  const Token &shape = peek();
  for (const Shape &s : kShapes) {
    if (shape.kind != TokKind::Keyword || shape.text != s.name) continue;
    next();
    Value v;
    v.kind = Value::Kind::V128;
    v.laneType = std::string(s.laneType);
    for (unsigned i = 0; i < s.lanes; ++i) {
      v.lanes.push_back(lane(peek(), s.laneType, result));
      next();
    }
    return v;
  }
  fail(shape, "a vector shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)");
}

// One literal of type `type` ("i8" ... "f64"); NaN patterns only in results.
// The token is not consumed.
Lane ScriptParser::lane(const Token &literal, std::string_view type, bool result) {
  const unsigned bits = typeBits(type);
  const std::string what = "an " + std::string(type) + " literal";
  if (literal.kind != TokKind::Number && literal.kind != TokKind::Keyword) fail(literal, what);
  Lane l;
  if (type[0] == 'i') {
    auto v = tx::parseIntBits(literal.text, bits);
    if (!v) {
      if (tx::isIntSyntax(literal.text))
        throw TextError(literal.line, literal.column,
                        std::string(type) + " constant out of range: `" +
                            std::string(literal.text) + "`");
      fail(literal, what);
    }
    l.bits = *v;
    return l;
  }
  switch (tx::nanPattern(literal.text)) {
  case tx::NanPattern::Canonical: l.nan = NanPattern::Canonical; break;
  case tx::NanPattern::Arithmetic: l.nan = NanPattern::Arithmetic; break;
  case tx::NanPattern::None: break;
  }
  if (l.nan != NanPattern::None) {
    if (!result)
      throw TextError(literal.line, literal.column,
                      "a NaN pattern (`" + std::string(literal.text) +
                          "`) is a result, not an argument");
    return l;
  }
  std::optional<std::uint64_t> v;
  if (bits == 32) {
    if (auto f = tx::parseF32(literal.text)) v = *f;
  } else {
    v = tx::parseF64(literal.text);
  }
  if (!v) {
    if (tx::isFloatSyntax(literal.text))
      throw TextError(literal.line, literal.column,
                      std::string(type) + " constant out of range: `" + std::string(literal.text) +
                          "`");
    fail(literal, what);
  }
  l.bits = *v;
  return l;
}

// After `ref.xxx`: the reference forms of arguments and results.
Value ScriptParser::reference(const Token &instr) {
  Value v;
  if (instr.text == "ref.null") {
    v.kind = Value::Kind::RefNull;
    v.heapType = heapType();
    return v;
  }
  auto optPayload = [&]() -> std::optional<std::uint64_t> {
    if (peek().kind != TokKind::Number) return std::nullopt;
    const Token &t = next();
    auto n = tx::parseUnsigned(t.text, ~std::uint64_t{0});
    if (!n) fail(t, "a reference payload (an unsigned integer)");
    return n;
  };
  if (instr.text == "ref.extern") {
    v.kind = Value::Kind::RefExtern;
    v.payload = optPayload();
    return v;
  }
  if (instr.text == "ref.func") {
    v.kind = Value::Kind::RefFunc;
    if (peek().kind == TokKind::Number || peek().kind == TokKind::Id)
      v.name = std::string(next().text);
    return v;
  }
  for (std::string_view later : kLaterReferences) {
    if (instr.text != later) continue;
    v.kind = Value::Kind::RefOther;
    v.name = std::string(later);
    v.payload = optPayload();
    return v;
  }
  fail(instr, "a reference (`ref.null`, `ref.extern`, `ref.func`, `ref.i31`, `ref.struct`, "
              "`ref.array`, `ref.eq`, `ref.any`, `ref.host`, `ref.exn`)");
}

// The heap type of `ref.null`: a keyword (`func`, `extern`, `any`, ...), a
// type index or `$id` (kept with its `$`), or nothing (results: any null).
std::string ScriptParser::heapType() {
  const Token &t = peek();
  if (t.kind == TokKind::Keyword || t.kind == TokKind::Id || t.kind == TokKind::Number) {
    next();
    return std::string(t.text);
  }
  return {};
}

} // namespace waot::wast::detail
