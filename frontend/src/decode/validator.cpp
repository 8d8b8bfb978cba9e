// validateModule: the module-level rules of Wasm 2.0 (indices, limits,
// constant expressions, exports, start, segments), then every function body
// (function_validator.cpp). Also decodeAndValidate.
#include "decode_internal.hpp"
#include "function_validator.hpp"
#include "waot/frontend/decoder.hpp"

#include <optional>
#include <set>
#include <string_view>
#include <vector>

namespace waot::frontend {

using Kind = CompileError::Kind;

namespace {

using detail::SectionId;

constexpr std::uint64_t kMaxMemoryPages = 65536; // 4 GiB of 64 KiB pages
constexpr std::uint64_t kMaxTableSize = 0xFFFF'FFFF;
constexpr std::uint64_t kMaxMemory64Pages = std::uint64_t{1} << 48; // 2^64 bytes

[[noreturn]] void invalid(const std::string &message, std::optional<std::size_t> offset) {
  throw CompileError(Kind::Invalid, message, offset);
}

class ModuleValidator {
public:
  ModuleValidator(const Module &module, const Features &features,
                  std::optional<SimdUse> &firstSimdInCode)
      : m_(module), features_(features), firstSimdInCode_(firstSimdInCode) {}

  CodeFacts run() {
    checkModelConsistency();
    validateImports();
    validateFunctionTypes();
    validateTablesAndMemories();
    validateGlobals();
    validateExports();
    validateStart();
    validateElems();
    validateDatas();
    return validateBodies();
  }

private:
  std::optional<std::size_t> entryOffset(SectionId id, std::uint32_t index) const {
    return detail::locateSectionEntry(m_, id, index);
  }

  // Guards against Modules not made by decodeModule, whose bodies could
  // point outside their bytes.
  void checkModelConsistency() const {
    if (m_.bodies.size() + m_.numImportedFunctions != m_.functionTypes.size())
      throw CompileError(Kind::Malformed, "function and code section have inconsistent lengths");
    if (!m_.bodies.empty() && !m_.bytes)
      throw CompileError(Kind::Malformed, "function bodies without module bytes");
    const std::size_t size = m_.bytes ? m_.bytes->size() : 0;
    for (const FunctionBody &body : m_.bodies)
      if (body.codeOffset > body.endOffset || body.endOffset > size)
        throw CompileError(Kind::Malformed, "function body lies outside the module bytes",
                           body.bodyOffset);
  }

  void checkTypeIndex(std::uint32_t type, std::optional<std::size_t> at) const {
    if (type >= m_.types.size()) invalid("unknown type " + std::to_string(type), at);
  }

  void checkLimits(const Limits &limits, std::uint64_t bound, const std::string &boundMessage,
                   std::optional<std::size_t> at) const {
    if (limits.min > bound || (limits.max && *limits.max > bound)) invalid(boundMessage, at);
    if (limits.max && limits.min > *limits.max)
      invalid("size minimum must not be greater than maximum (" + std::to_string(limits.min) +
                  " > " + std::to_string(*limits.max) + ")",
              at);
  }

  void checkTable(const TableType &table, std::optional<std::size_t> at) const {
    if (table.is64) {
      requireMemory64("64-bit table index (memory64 proposal) is not supported", at);
      checkLimits(table.limits, UINT64_MAX, "table size must be at most 2^64-1", at);
      return;
    }
    checkLimits(table.limits, kMaxTableSize, "table size must be at most 2^32-1", at);
  }

  void checkMemory(const MemoryType &memory, std::optional<std::size_t> at) const {
    if (memory.is64) {
      requireMemory64("64-bit memory (memory64 proposal) is not supported", at);
      checkLimits(memory.limits, kMaxMemory64Pages, "memory size must be at most 2^48 pages", at);
      return;
    }
    checkLimits(memory.limits, kMaxMemoryPages, "memory size must be at most 65536 pages (4GiB)",
                at);
  }

  void requireMemory64(const char *message, std::optional<std::size_t> at) const {
    if (!features_.memory64) throw CompileError(Kind::Unsupported, message, at);
  }

  void validateImports() const {
    for (const Import &im : m_.imports) {
      switch (im.kind) {
      case ExternKind::Func: checkTypeIndex(im.typeIndex, im.offset); break;
      case ExternKind::Table: checkTable(im.table, im.offset); break;
      case ExternKind::Memory: checkMemory(im.memory, im.offset); break;
      case ExternKind::Global: break;
      }
    }
  }

  void validateFunctionTypes() const {
    for (std::uint32_t f = m_.numImportedFunctions; f < m_.numFunctions(); ++f)
      if (m_.functionTypes[f] >= m_.types.size())
        checkTypeIndex(m_.functionTypes[f], entryOffset(SectionId::Function, m_.definedIndex(f)));
  }

  void validateTablesAndMemories() const {
    for (std::uint32_t t = m_.numImportedTables; t < m_.tables.size(); ++t)
      checkTable(m_.tables[t], entryOffset(SectionId::Table, t - m_.numImportedTables));
    for (std::uint32_t i = m_.numImportedMemories; i < m_.memories.size(); ++i)
      checkMemory(m_.memories[i], entryOffset(SectionId::Memory, i - m_.numImportedMemories));
    if (m_.memories.size() > 1 && !features_.multiMemory) {
      // Point at the second memory: an import or an entry of the memory section.
      std::optional<std::size_t> at;
      if (m_.numImportedMemories > 1) {
        std::uint32_t seen = 0;
        for (const Import &im : m_.imports)
          if (im.kind == ExternKind::Memory && ++seen == 2) at = im.offset;
      } else {
        at = entryOffset(SectionId::Memory, 1 - m_.numImportedMemories);
      }
      invalid("multiple memories: Wasm 2.0 allows at most one, this module has " +
                  std::to_string(m_.memories.size()),
              at);
    }
  }

  // The globals a constant expression may read, [0, result): Wasm 2.0 the
  // imported ones; extended constant expressions also defined immutable
  // ones, those before it in a global's initializer (`definedGlobal`), any
  // in a segment offset or item (nullopt).
  std::uint32_t visibleGlobals(std::optional<std::uint32_t> definedGlobal) const {
    if (!features_.extendedConst) return m_.numImportedGlobals;
    if (definedGlobal) return m_.numImportedGlobals + *definedGlobal;
    return static_cast<std::uint32_t>(m_.globalTypes.size());
  }

  // The type of an extended constant expression: its instructions run on a
  // type stack.
  ValType sequenceType(const ConstExpr &e, std::uint32_t visible) const {
    std::vector<ValType> stack;
    for (const ConstExpr &op : e.ops) {
      if (op.kind < ConstExpr::Kind::I32Add) {
        stack.push_back(constExprType(op, visible));
        continue;
      }
      const bool is32 = op.kind <= ConstExpr::Kind::I32Mul;
      static constexpr const char *kNames[] = {"i32.add", "i32.sub", "i32.mul",
                                               "i64.add", "i64.sub", "i64.mul"};
      const char *name =
          kNames[static_cast<int>(op.kind) - static_cast<int>(ConstExpr::Kind::I32Add)];
      if (!features_.extendedConst)
        invalid(std::string("constant expression required: '") + name +
                    "' is not a constant instruction (extended constant expressions are off)",
                op.offset);
      const ValType operand = is32 ? ValType::I32 : ValType::I64;
      if (stack.size() < 2 || stack[stack.size() - 1] != operand ||
          stack[stack.size() - 2] != operand)
        invalid(std::string("type mismatch: ") + name + " needs two " + toString(operand) +
                    " operands",
                op.offset);
      stack.pop_back();
    }
    if (stack.size() != 1)
      invalid("type mismatch: a constant expression must produce exactly one value, this one "
              "produces " +
                  std::to_string(stack.size()),
              e.offset);
    return stack.front();
  }

  // The type a constant expression produces; checks what it refers to.
  ValType constExprType(const ConstExpr &e, std::uint32_t visible) const {
    switch (e.kind) {
    case ConstExpr::Kind::Sequence: return sequenceType(e, visible);
    case ConstExpr::Kind::I32Add:
    case ConstExpr::Kind::I32Sub:
    case ConstExpr::Kind::I32Mul:
    case ConstExpr::Kind::I64Add:
    case ConstExpr::Kind::I64Sub:
    case ConstExpr::Kind::I64Mul: break; // only inside a Sequence (decodeModule)
    case ConstExpr::Kind::I32: return ValType::I32;
    case ConstExpr::Kind::I64: return ValType::I64;
    case ConstExpr::Kind::F32: return ValType::F32;
    case ConstExpr::Kind::F64: return ValType::F64;
    case ConstExpr::Kind::V128: return ValType::V128;
    case ConstExpr::Kind::RefNull: return e.refType;
    case ConstExpr::Kind::RefFunc:
      if (e.index >= m_.numFunctions())
        invalid("unknown function " + std::to_string(e.index), e.offset);
      return ValType::FuncRef;
    case ConstExpr::Kind::GlobalGet: {
      if (e.index >= visible)
        invalid("unknown global " + std::to_string(e.index) +
                    (features_.extendedConst
                         ? std::string(" (a global's initializer reads only globals before it)")
                         : std::string(" (constant expressions may only read imported globals)")),
                e.offset);
      const GlobalType &global = m_.globalTypes[e.index];
      if (global.isMutable)
        invalid("constant expression required: global " + std::to_string(e.index) + " is mutable",
                e.offset);
      return global.type;
    }
    }
    return ValType::I32;
  }

  void checkConstExpr(const ConstExpr &e, ValType expected, const char *what,
                      std::optional<std::uint32_t> definedGlobal = std::nullopt) const {
    const ValType actual = constExprType(e, visibleGlobals(definedGlobal));
    if (actual != expected)
      invalid(std::string("type mismatch: ") + what + " must be " + toString(expected) +
                  ", the constant expression produces " + toString(actual),
              e.offset);
  }

  void validateGlobals() const {
    for (std::uint32_t i = 0; i < m_.globals.size(); ++i)
      checkConstExpr(m_.globals[i].init, m_.globals[i].type.type, "a global initializer", i);
  }

  void validateExports() const {
    std::set<std::string_view> names;
    for (const Export &ex : m_.exports) {
      if (!names.insert(ex.name).second)
        invalid("duplicate export name \"" + ex.name + "\"", ex.offset);
      std::size_t count = 0;
      const char *what = "";
      switch (ex.kind) {
      case ExternKind::Func: count = m_.numFunctions(), what = "function"; break;
      case ExternKind::Table: count = m_.tables.size(), what = "table"; break;
      case ExternKind::Memory: count = m_.memories.size(), what = "memory"; break;
      case ExternKind::Global: count = m_.globalTypes.size(), what = "global"; break;
      }
      if (ex.index >= count)
        invalid(std::string("unknown ") + what + " " + std::to_string(ex.index), ex.offset);
    }
  }

  void validateStart() const {
    if (!m_.start) return;
    const std::uint32_t f = *m_.start;
    if (f >= m_.numFunctions())
      invalid("unknown function " + std::to_string(f), entryOffset(SectionId::Start, 0));
    const FuncType &type = m_.functionType(f);
    if (!type.params.empty() || !type.results.empty())
      invalid("start function must have type () -> (), function " + std::to_string(f) + " has " +
                  toString(type),
              entryOffset(SectionId::Start, 0));
  }

  void validateElems() const {
    for (const ElemSegment &seg : m_.elems) {
      if (seg.mode == SegmentMode::Active) {
        if (seg.table >= m_.tables.size())
          invalid("unknown table " + std::to_string(seg.table), seg.sectionOffset);
        checkConstExpr(seg.offset, m_.tables[seg.table].indexType(), "an element segment offset");
        const ValType tableType = m_.tables[seg.table].elemType;
        if (tableType != seg.elemType)
          invalid(std::string("type mismatch: element segment of ") + toString(seg.elemType) +
                      " for a table of " + toString(tableType),
                  seg.sectionOffset);
      }
      for (const ConstExpr &item : seg.items)
        checkConstExpr(item, seg.elemType, "an element segment item");
    }
  }

  void validateDatas() const {
    for (const DataSegment &seg : m_.datas) {
      if (seg.mode != SegmentMode::Active) continue;
      if (seg.memory >= m_.memories.size())
        invalid("unknown memory " + std::to_string(seg.memory), seg.sectionOffset);
      checkConstExpr(seg.offset, m_.memories[seg.memory].addressType(), "a data segment offset");
    }
  }

  CodeFacts validateBodies() const {
    const std::vector<bool> declared = referenceableFunctions(m_);
    CodeFacts facts;
    facts.tablesWrittenByCode.assign(m_.tables.size(), false);
    facts.tailCallers.assign(m_.numDefinedFunctions(), false);
    for (std::uint32_t i = 0; i < m_.numDefinedFunctions(); ++i)
      detail::FunctionValidator(m_, features_, declared, i, facts, firstSimdInCode_).run();
    return facts;
  }

  const Module &m_;
  Features features_;
  std::optional<SimdUse> &firstSimdInCode_;
};

// validateModule, also giving the first use of SIMD in code.
CodeFacts validate(const Module &module, const Features &features,
                   std::optional<SimdUse> &firstSimdInCode) {
  try {
    return ModuleValidator(module, features, firstSimdInCode).run();
  } catch (const CompileError &e) {
    // The spec decodes the whole module before validating it: an encoding
    // error in any body outranks a validation error found first here.
    if (e.kind() == Kind::Invalid) detail::scanBodiesForDecodeErrors(module, features);
    throw;
  }
}

} // namespace

CodeFacts validateModule(const Module &module, const Features &features) {
  std::optional<SimdUse> firstSimdInCode;
  return validate(module, features, firstSimdInCode);
}

Module decodeAndValidate(std::span<const std::uint8_t> bytes, const DecodeOptions &options) {
  Module module = decodeModule(bytes);
  std::optional<SimdUse> firstSimdInCode;
  module.codeFacts = validate(module, options.features, firstSimdInCode);
  if (firstSimdInCode) detail::noteSimdUse(module.firstSimdUse, std::move(*firstSimdInCode));
  // The gate comes after validation so that an invalid module that uses SIMD
  // gets its validation error, as from any implementation of Wasm 2.0.
  if (module.firstSimdUse && !options.allowSimd) {
    const SimdUse &use = *module.firstSimdUse;
    throw CompileError(Kind::Unsupported, std::string("SIMD (v128) is disabled: ").append(use.what),
                       use.offset, use.function);
  }
  return module;
}

std::vector<bool> referenceableFunctions(const Module &module) {
  std::vector<bool> referenceable(module.numFunctions(), false);
  auto mark = [&](const ConstExpr &e) {
    if (e.kind == ConstExpr::Kind::RefFunc && e.index < referenceable.size())
      referenceable[e.index] = true;
  };
  for (const Global &global : module.globals)
    mark(global.init);
  for (const ElemSegment &seg : module.elems)
    for (const ConstExpr &item : seg.items)
      mark(item);
  for (const Export &ex : module.exports)
    if (ex.kind == ExternKind::Func && ex.index < referenceable.size())
      referenceable[ex.index] = true;
  return referenceable;
}

} // namespace waot::frontend
