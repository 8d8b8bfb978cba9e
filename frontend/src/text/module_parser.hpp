// Parser of one text module, writing the binary module as it goes.
//
// Two passes over the token vector: `declare` walks the module's fields and
// records every identifier of the module-level index spaces (and the explicit
// types), so that forward references resolve; `define` parses each field
// completely and writes its binary form. Locals and labels are resolved while
// a function is parsed.
//
// Where the spec leaves the encoding open, the choices are wabt's (so the
// output is byte-identical to `wat2wasm`):
//  * a block type given as `(type $t)` whose type has no parameters and at
//    most one result is written inline (empty or a value type);
//  * an element segment is written with function indices (flags 0-3) when its
//    type is funcref and every item is one `ref.func`, with expressions
//    otherwise; the explicit-table forms (flags 2/6, data flag 2) only when the
//    table (memory) index is not 0;
//  * an empty `else` branch is left out (`if ... end`);
//  * the data count section is written only when a function uses
//    `memory.init` or `data.drop`;
//  * implicit types of type uses are appended in the order wabt resolves
//    them: a function's own type use first, then its body in execution order
//    (the operands of a folded instruction before the instruction).
#pragma once

#include "byte_buf.hpp"
#include "lexer.hpp"

#include "waot/frontend/opcode.hpp"

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace waot::text::detail {

using ValType = std::uint8_t; // binary code of a value type

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType &) const = default;
};

// Module-level index spaces.
enum class Space : std::uint8_t { Func, Table, Memory, Global, Type, Elem, Data, Count };

struct IndexSpace {
  std::unordered_map<std::string, std::uint32_t> names;
  std::uint32_t count = 0;
};

// A type use `(type x)? (param ...)* (result ...)*` as written.
struct TypeUse {
  std::optional<std::uint32_t> index;
  FuncType sig;
  bool hasInline = false;
  const Token *at = nullptr;
  std::vector<std::string> paramNames; // "" for unnamed
};

// Locals and labels of the function being parsed.
struct FuncContext {
  std::unordered_map<std::string, std::uint32_t> locals;
  std::vector<std::string> labels; // innermost last, "" when unnamed
};

class ModuleParser {
public:
  // Parses the module fields in tokens [begin, end).
  ModuleParser(const std::vector<Token> &tokens, std::size_t begin, std::size_t end);
  std::vector<std::uint8_t> run();

private:
  // ---- token cursor (module_parser.cpp) ----
  const Token &peek(std::size_t k = 0) const;
  const Token &next();
  bool isKeyword(const Token &t, std::string_view kw) const;
  bool isOpen(std::string_view kw) const; // `(` kw
  void expectOpen(std::string_view kw);
  void expectClose();
  void expectKeyword(std::string_view kw);
  [[noreturn]] void fail(const Token &at, const std::string &expected) const;
  [[noreturn]] void error(const Token &at, const std::string &message) const;
  std::optional<std::string> optId();
  std::string expectString(const char *what);
  std::string expectName(const char *what); // a string that must be UTF-8
  std::uint64_t expectUnsigned(const char *what, std::uint64_t max);
  bool isValType(const Token &t) const;
  ValType expectValType();
  ValType expectRefType();
  // At `(ref ...)` (typed function references, GC), which the reader does not
  // read yet: an error naming the feature rather than a syntax error.
  void rejectTypedReference() const;

  // ---- index spaces ----
  void declare(Space space, const std::optional<std::string> &id, const Token &at);
  bool peekIndex() const { return peek().kind == TokKind::Number || peek().kind == TokKind::Id; }
  std::uint32_t expectIndex(Space space);

  // ---- types (module_parser.cpp) ----
  FuncType parseFuncTypeBody();
  void parseParamsResults(FuncType &sig, std::vector<std::string> *paramNames);
  TypeUse parseTypeUse(bool allowNames);
  std::uint32_t resolveTypeUse(const TypeUse &use);
  std::uint32_t findOrAppendType(const FuncType &sig);

  // ---- fields (module_parser.cpp, module_fields.cpp) ----
  void declareFields();
  void declareField(bool &sawDefinition);
  void defineFields();
  void defineField();
  void parseType();
  void parseImport();
  void parseInlineExports(std::uint8_t kind, std::uint32_t index);
  bool parseInlineImport();
  void writeImportDesc(std::uint8_t kind);
  void parseFunc();
  void parseTable();
  void parseMemory();
  void parseGlobal();
  void parseExport();
  void parseStart();
  void parseElem();
  void parseData();
  // `i32|i64? min max?`; returns whether the address type is i64 (memory64).
  bool writeLimits(ByteBuf &out);
  bool parseAddressType(); // an optional `i32` / `i64`: true for i64
  void writeGlobalType(ByteBuf &out);

  // ---- segments (module_segments.cpp) ----
  struct ElemItem {
    bool isFuncRef; // exactly `ref.func funcIndex`
    std::uint32_t funcIndex;
    ByteBuf expr; // without the final `end`
  };
  struct ElemSegment {
    enum Mode { Active, Passive, Declarative } mode = Passive;
    std::uint32_t table = 0;
    ByteBuf offset;
    ValType type = 0x70;
    std::vector<ElemItem> items;
  };
  void parseElemList(ElemSegment &seg, bool allowBareIndices);
  ElemItem parseElemExpr(bool itemKeyword);
  void writeElem(const ElemSegment &seg);
  ByteBuf parseOffset(); // `(offset instr*)` or one folded instruction
  std::string parseDataStrings();
  void writeData(bool active, std::uint32_t memory, const ByteBuf &offset, const std::string &b);
  bool parseInlineElem(std::uint32_t tableIndex, bool is64, ByteBuf &tableType);
  bool parseInlineData(std::uint32_t memoryIndex, bool is64);

  // ---- instructions (instr_parser.cpp, instr_immediates.cpp) ----
  ByteBuf parseConstExpr(); // instructions up to `)`, then `end`
  void parseInstrList(ByteBuf &out);
  bool atInstr() const;
  bool atFoldedInstr() const;
  void parsePlain(ByteBuf &out);
  void parseFolded(ByteBuf &out);
  void parseBlockPlain(frontend::Opcode op, ByteBuf &out);
  void parseFoldedBlock(frontend::Opcode op, ByteBuf &out);
  void parseFoldedIf(ByteBuf &out);
  void parseInstrBody(frontend::Opcode op, ByteBuf &out); // opcode and immediates
  void writeBlockType(ByteBuf &out);
  void checkEndLabel(const std::string &label);
  void writeElse(ByteBuf &out);
  std::uint32_t expectLabel();
  frontend::Opcode expectOpcode(const Token &tok);
  void writeOpcode(frontend::Opcode op, ByteBuf &out);
  void parseImmediates(frontend::Opcode op, ByteBuf &out);
  void parseMemArg(frontend::Opcode op, ByteBuf &out);
  void parseV128(ByteBuf &out);
  void parseConstNumber(frontend::Opcode op, ByteBuf &out);
  std::uint64_t expectIntLiteral(unsigned bits);
  std::uint64_t expectFloatLiteral(unsigned bits);
  std::uint32_t optMemIndex();
  std::uint32_t parseLocalIndex();
  std::uint8_t expectLane(const char *what, std::uint64_t max);

  const std::vector<Token> &toks_;
  std::size_t pos_;
  std::size_t end_;

  std::array<IndexSpace, static_cast<std::size_t>(Space::Count)> spaces_{};
  std::array<std::uint32_t, static_cast<std::size_t>(Space::Count)> defined_{};
  std::vector<FuncType> types_;

  // Sections being written, with their entry counts.
  ByteBuf imports_, tables_, memories_, globals_, exports_, elems_, datas_;
  std::uint32_t importCount_ = 0, tableCount_ = 0, memoryCount_ = 0, globalCount_ = 0,
                exportCount_ = 0, elemCount_ = 0, dataCount_ = 0;
  std::vector<std::uint32_t> funcTypes_; // type index of each defined function
  std::vector<ByteBuf> codes_;
  std::optional<std::uint32_t> start_;
  bool usesDataCount_ = false;

  FuncContext *fn_ = nullptr;
  // Nesting of folded instructions and blocks: the parser recurses on it, so
  // it is bounded to keep hostile input from exhausting the stack.
  unsigned depth_ = 0;
  static constexpr unsigned kMaxDepth = 2000;
  struct DepthGuard {
    ModuleParser &p;
    explicit DepthGuard(ModuleParser &parser, const Token &at) : p(parser) {
      if (++p.depth_ > kMaxDepth)
        p.error(at, "instructions nested too deeply (more than " + std::to_string(kMaxDepth) +
                        " levels)");
    }
    ~DepthGuard() { --p.depth_; }
  };
};

} // namespace waot::text::detail
