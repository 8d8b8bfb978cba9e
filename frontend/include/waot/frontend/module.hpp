// The decoded form of a WebAssembly module: plain data, no LLVM types.
// Produced by decodeModule(), checked by validateModule(), consumed by the IR
// lowering and by tools that only inspect modules.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace waot::frontend {

// A value type. In Wasm 2.0 each is one byte of the binary (its Code); Wasm
// 3.0's typed references, (ref $t) and (ref null $t), also name a type
// index, which this representation has room for: decoder, validator and
// lowering pass ValType around by value and compare it whole, so those
// types need no second representation. `switch (type)` works on the code.
class ValType {
public:
  enum Code : std::uint8_t {
    I32 = 0x7F,
    I64 = 0x7E,
    F32 = 0x7D,
    F64 = 0x7C,
    V128 = 0x7B,
    FuncRef = 0x70,
    ExternRef = 0x6F,
    RefNull = 0x63, // (ref null $t): a type index follows (Wasm 3.0)
    Ref = 0x64,     // (ref $t)
  };
  static constexpr std::uint32_t kNoTypeIndex = UINT32_MAX;

  constexpr ValType() noexcept = default; // code 0: no value type (an empty slot)
  constexpr ValType(Code code) noexcept : code_(code) {}
  // (ref $t) or (ref null $t).
  static constexpr ValType typedReference(std::uint32_t typeIndex, bool nullable) noexcept {
    ValType type(nullable ? RefNull : Ref);
    type.typeIndex_ = typeIndex;
    return type;
  }

  constexpr Code code() const noexcept { return code_; }
  constexpr operator Code() const noexcept { return code_; }
  // The referenced type of (ref null? $t); kNoTypeIndex for every other type.
  constexpr std::uint32_t typeIndex() const noexcept { return typeIndex_; }

  friend constexpr bool operator==(ValType, ValType) noexcept = default;
  friend constexpr auto operator<=>(ValType, ValType) noexcept = default;
  // Compared with a code, only the code counts: `type == ValType::RefNull`
  // asks whether it is some (ref null $t). (Also the exact match that keeps
  // such comparisons from being ambiguous between the two conversions.)
  friend constexpr bool operator==(ValType type, Code code) noexcept { return type.code_ == code; }

private:
  Code code_{};
  std::uint32_t typeIndex_ = kNoTypeIndex;
};

inline bool isReference(ValType t) {
  return t == ValType::FuncRef || t == ValType::ExternRef || t == ValType::Ref ||
         t == ValType::RefNull;
}
// "i32", ..., "funcref", "externref", "(ref 3)", "(ref null 3)".
std::string toString(ValType t);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType &) const = default;
};
std::string toString(const FuncType &t); // "(i32, i64) -> (f32)"

struct Limits {
  std::uint64_t min = 0;
  std::optional<std::uint64_t> max;
};

struct TableType {
  ValType elemType = ValType::FuncRef;
  Limits limits;
  bool is64 = false; // table64: i64 indices (limits flag bit 2)
  ValType indexType() const { return is64 ? ValType::I64 : ValType::I32; }
};

struct MemoryType {
  Limits limits;     // in pages
  bool is64 = false; // memory64: i64 addresses (limits flag bit 2)
  ValType addressType() const { return is64 ? ValType::I64 : ValType::I32; }
};

struct GlobalType {
  ValType type = ValType::I32;
  bool isMutable = false;
};

enum class ExternKind : std::uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char *toString(ExternKind k);

// A constant expression. Wasm 2.0: exactly one instruction before `end`,
// described by kind and operand. Extended constant expressions (3.0): more
// than one, in `ops` (kind Sequence), in stack order; the arithmetic kinds
// occur only there.
struct ConstExpr {
  enum class Kind : std::uint8_t {
    I32,
    I64,
    F32,
    F64,
    RefNull,
    RefFunc,
    GlobalGet,
    V128,
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
    Sequence,
  };
  Kind kind = Kind::I32;
  std::uint64_t bits = 0;              // I32/I64/F32/F64: the value's bit pattern (zero-extended)
  std::array<std::uint8_t, 16> v128{}; // V128: the bytes in memory order (lane 0 first)
  std::uint32_t index = 0;             // RefFunc: function index; GlobalGet: global index
  ValType refType = ValType::FuncRef;  // RefNull: the reference type
  std::size_t offset = 0;              // byte offset of the expression (for error messages)
  std::vector<ConstExpr> ops;          // Sequence: the instructions (never a Sequence)
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  std::uint32_t typeIndex = 0; // Func
  TableType table;             // Table
  MemoryType memory;           // Memory
  GlobalType global;           // Global
  std::size_t offset = 0;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  std::uint32_t index = 0;
  std::size_t offset = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

enum class SegmentMode : std::uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  ValType elemType = ValType::FuncRef;
  std::uint32_t table = 0;      // Active
  ConstExpr offset;             // Active
  std::vector<ConstExpr> items; // RefNull / RefFunc / GlobalGet each
  std::size_t sectionOffset = 0;
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active; // Active or Passive
  std::uint32_t memory = 0;
  ConstExpr offset;
  std::vector<std::uint8_t> bytes;
  std::size_t sectionOffset = 0;
};

struct LocalDecl {
  std::uint32_t count = 0;
  ValType type = ValType::I32;
};

// A defined function's body: where its instructions are in the module bytes.
struct FunctionBody {
  std::vector<LocalDecl> locals;
  std::uint64_t numLocals = 0; // sum of the declared local counts (not params)
  std::size_t bodyOffset = 0;  // offset of the body (its size field) in the module
  std::size_t codeOffset = 0;  // first instruction byte
  std::size_t endOffset = 0;   // one past the final `end`
};

struct CustomSection {
  std::string name;
  std::size_t offset = 0; // payload offset (after the name)
  std::size_t size = 0;   // payload size
};

// Where a module uses SIMD (a v128 value type or a 0xFD instruction), for
// the "not supported yet" error of decodeAndValidate() (see decoder.hpp).
struct SimdUse {
  std::size_t offset = 0;                // byte offset of the use
  std::optional<std::uint32_t> function; // function index, for uses in code
  std::string what;                      // e.g. "`i32x4.add` (0xfd 174)", "v128 local"
};

// What validation learned about the function bodies, for the lowering.
struct CodeFacts {
  // Per table: whether any instruction may change its elements or size
  // (table.set, table.grow, table.fill, table.copy or table.init into it).
  std::vector<bool> tablesWrittenByCode;
  // Per defined function: whether its body holds a tail call (return_call,
  // return_call_indirect). Only those functions use the tail-call convention.
  std::vector<bool> tailCallers;
};

// Everything decoded from one module. Index spaces follow the spec: imports
// come first in the function, table, memory and global index spaces.
struct Module {
  std::shared_ptr<const std::vector<std::uint8_t>> bytes; // the module binary

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<std::uint32_t> functionTypes; // type index of every function (imports first)
  std::vector<TableType> tables;            // every table (imports first)
  std::vector<MemoryType> memories;         // every memory (imports first)
  std::vector<GlobalType> globalTypes;      // every global (imports first)
  std::vector<Global> globals;              // defined globals only
  std::vector<Export> exports;
  std::optional<std::uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<std::uint32_t> dataCount;
  std::vector<FunctionBody> bodies; // defined functions only
  std::vector<CustomSection> customSections;
  // Set by decodeAndValidate(); absent, the lowering assumes the worst.
  std::optional<CodeFacts> codeFacts;
  // The first use of SIMD by byte offset. decodeModule() sees the uses
  // outside instructions (function types, global types, locals, constant
  // expressions); decodeAndValidate() also those in instructions (a 0xFD
  // instruction, a block or typed select of v128: any other v128 in code
  // comes from a declaration).
  std::optional<SimdUse> firstSimdUse;

  // From the `name` custom section, when present and well formed.
  std::optional<std::string> moduleName;
  std::map<std::uint32_t, std::string> functionNames;

  std::uint32_t numImportedFunctions = 0;
  std::uint32_t numImportedTables = 0;
  std::uint32_t numImportedMemories = 0;
  std::uint32_t numImportedGlobals = 0;

  std::uint32_t numFunctions() const { return static_cast<std::uint32_t>(functionTypes.size()); }
  std::uint32_t numDefinedFunctions() const { return static_cast<std::uint32_t>(bodies.size()); }
  bool isImportedFunction(std::uint32_t f) const { return f < numImportedFunctions; }
  bool isImportedGlobal(std::uint32_t g) const { return g < numImportedGlobals; }
  // Defined-function index -> function index and back.
  std::uint32_t functionIndex(std::uint32_t defined) const {
    return defined + numImportedFunctions;
  }
  std::uint32_t definedIndex(std::uint32_t function) const {
    return function - numImportedFunctions;
  }
  const FuncType &functionType(std::uint32_t f) const { return types[functionTypes[f]]; }

  std::span<const std::uint8_t> view() const { return {bytes->data(), bytes->size()}; }
};

// Functions that can become references (C.refs in the spec): those named by
// an element segment, an export or a global initializer. `ref.func` may name
// only these, so no other function's address can ever reach the runtime.
// Indexed by function index (imports first).
std::vector<bool> referenceableFunctions(const Module &module);

} // namespace waot::frontend
