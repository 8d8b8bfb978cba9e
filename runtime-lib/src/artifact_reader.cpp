// Checks and decodes an artifact descriptor (see module_data.hpp). A corrupt
// descriptor must be refused with a clear message, never crash the loader:
// every count is bounded, every index checked against its index space and
// every array pointer checked before it is read.
#include "module_data.hpp"
#include "type_registry.hpp"

#include "waot/errors.hpp"

#include <cstdio>
#include <set>
#include <string_view>

namespace waot::detail {
namespace {

// Implementation limits, as in the WebAssembly JavaScript API.
constexpr std::uint32_t kMaxTypes = 1'000'000;
constexpr std::uint32_t kMaxFunctions = 1'000'000;
constexpr std::uint32_t kMaxImports = 100'000;
constexpr std::uint32_t kMaxExports = 100'000;
constexpr std::uint32_t kMaxGlobals = 1'000'000;
constexpr std::uint32_t kMaxConstOps = 100'000'000;
constexpr std::uint32_t kMaxTables = 100'000;
constexpr std::uint32_t kMaxMemories = 100;
constexpr std::uint32_t kMaxDataSegments = 100'000;
constexpr std::uint32_t kMaxElemSegments = 10'000'000;
constexpr std::uint32_t kMaxElemItems = 10'000'000;
constexpr std::uint32_t kMaxParamsOrResults = 1'000;
constexpr std::uint64_t kMaxTableSize = 10'000'000;
constexpr std::uint64_t kMaxPages64 = std::uint64_t{1} << 48; // memory64: 2^64 bytes
constexpr std::uint32_t kMaxNameLength = 1u << 20;

class ArtifactReader {
public:
  explicit ArtifactReader(std::shared_ptr<const Library> library)
      : data_(std::make_shared<ModuleData>()), a_(library->artifact()) {
    data_->library = std::move(library);
    data_->artifact = &a_;
  }

  std::shared_ptr<const ModuleData> read() {
    checkHeader();
    readTypes();
    readImports();
    readFunctions();
    readTables();
    readMemories();
    readGlobals();
    readExports();
    checkStart();
    checkElems();
    checkDatas();
    computeLayout();
    checkCpuFeatures(data_->path(), a_.cpu_features);
    data_->dataImage = DataImage::create(a_);
    return data_;
  }

private:
  [[noreturn]] void fail(const std::string &message) const {
    throw CompileError(CompileError::Kind::Artifact, data_->path() + ": " + message);
  }

  static std::string indexed(const char *what, std::uint32_t index) {
    return std::string(what) + " " + std::to_string(index);
  }

  void requireCount(std::uint32_t count, std::uint32_t limit, const char *what) const {
    if (count > limit)
      fail("corrupt descriptor: " + std::to_string(count) + " " + what + " (limit " +
           std::to_string(limit) + ")");
  }

  void requireArray(const void *array, std::uint64_t count, const std::string &what) const {
    if (count != 0 && array == nullptr) fail("corrupt descriptor: " + what + " array is missing");
  }

  std::string text(const char *chars, std::uint32_t length, const std::string &what) const {
    if (length > kMaxNameLength)
      fail("corrupt descriptor: " + what + " is " + std::to_string(length) + " bytes long");
    requireArray(chars, length, what);
    return std::string(chars ? chars : "", length);
  }

  ValType valueType(std::uint8_t code, const std::string &what) const {
    switch (code) {
    case WAOT_I32: return ValType::I32;
    case WAOT_I64: return ValType::I64;
    case WAOT_F32: return ValType::F32;
    case WAOT_F64: return ValType::F64;
    case WAOT_FUNCREF: return ValType::FuncRef;
    case WAOT_EXTERNREF: return ValType::ExternRef;
    case WAOT_V128: return ValType::V128;
    }
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", code);
    fail("corrupt descriptor: " + what + " has invalid value type " + hex);
  }

  ValType referenceType(std::uint8_t code, const std::string &what) const {
    const ValType type = valueType(code, what);
    if (!isReference(type)) fail("corrupt descriptor: " + what + " is not of a reference type");
    return type;
  }

  bool flag(std::uint8_t value, const std::string &what) const {
    if (value > 1) fail("corrupt descriptor: " + what + " is neither 0 nor 1");
    return value == 1;
  }

  // `largestMin` is what the runtime can allocate up front; a declared
  // maximum may be anything up to `largestMax` (the binary format's range):
  // growth beyond what can be allocated fails at run time, as in the spec.
  Limits limits(const waot_limits_desc &desc, std::uint64_t largestMin, std::uint64_t largestMax,
                const std::string &what) const {
    Limits result{desc.min, std::nullopt, flag(desc.is64, what + " is64")};
    if (flag(desc.has_max, what + " has_max")) result.max = desc.max;
    if (result.min > largestMin)
      fail(what + " has an initial size beyond " + std::to_string(largestMin));
    if (result.max && *result.max > largestMax)
      fail(what + " has a maximum beyond " + std::to_string(largestMax));
    if (result.max && *result.max < result.min)
      fail("corrupt descriptor: " + what + " has max < min");
    return result;
  }

  void checkHeader() const {
    if (a_.magic != WAOT_ARTIFACT_MAGIC) fail("not a waot artifact (bad descriptor magic)");
    if (a_.abi_version != WAOT_ABI_VERSION)
      fail("artifact built for ABI version " + std::to_string(a_.abi_version) +
           ", this runtime supports " + std::to_string(WAOT_ABI_VERSION));
    if (a_.descriptor_size != sizeof(waot_artifact))
      fail("corrupt descriptor: size " + std::to_string(a_.descriptor_size) + ", expected " +
           std::to_string(sizeof(waot_artifact)));
    requireCount(a_.num_types, kMaxTypes, "types");
    requireCount(a_.num_imports, kMaxImports, "imports");
    requireCount(a_.num_functions, kMaxFunctions, "functions");
    requireCount(a_.num_tables, kMaxTables, "tables");
    requireCount(a_.num_memories, kMaxMemories, "memories");
    requireCount(a_.num_globals, kMaxGlobals, "globals");
    requireCount(a_.num_exports, kMaxExports, "exports");
    requireCount(a_.num_elems, kMaxElemSegments, "element segments");
    requireCount(a_.num_datas, kMaxDataSegments, "data segments");
    requireCount(a_.num_const_ops, kMaxConstOps, "constant expression instructions");
    requireArray(a_.types, a_.num_types, "types");
    // entry_trampolines and host_adapters are checked where a function needs them.
    requireArray(a_.imports, a_.num_imports, "imports");
    requireArray(a_.functions, a_.num_functions, "functions");
    requireArray(a_.tables, a_.num_tables, "tables");
    requireArray(a_.memories, a_.num_memories, "memories");
    requireArray(a_.globals, a_.num_globals, "globals");
    requireArray(a_.exports, a_.num_exports, "exports");
    requireArray(a_.elems, a_.num_elems, "element segments");
    requireArray(a_.datas, a_.num_datas, "data segments");
    requireArray(a_.const_ops, a_.num_const_ops, "constant expression instructions");
    if ((a_.flags & WAOT_ARTIFACT_ENTRY_PROFILE) != 0)
      requireArray(a_.entered, a_.num_functions, "entry profile");
  }

  void readTypes() {
    for (std::uint32_t i = 0; i < a_.num_types; ++i) {
      const waot_functype_desc &desc = a_.types[i];
      const std::string what = indexed("type", i);
      requireCount(desc.num_params, kMaxParamsOrResults, (what + " parameters").c_str());
      requireCount(desc.num_results, kMaxParamsOrResults, (what + " results").c_str());
      requireArray(desc.types, desc.num_params + desc.num_results, what + " value");
      FuncType type;
      for (std::uint32_t p = 0; p < desc.num_params; ++p)
        type.params.push_back(valueType(desc.types[p], what));
      for (std::uint32_t r = 0; r < desc.num_results; ++r)
        type.results.push_back(valueType(desc.types[desc.num_params + r], what));
      data_->typeIds.push_back(internType(type));
      data_->types.push_back(std::move(type));
    }
  }

  std::uint32_t typeIndex(std::uint32_t index, const std::string &what) const {
    if (index >= a_.num_types)
      fail("corrupt descriptor: " + what + " has type index " + std::to_string(index));
    if (!a_.entry_trampolines || !a_.entry_trampolines[index])
      fail("corrupt descriptor: type " + std::to_string(index) + " has no entry trampoline");
    return index;
  }

  void readImports() {
    for (std::uint32_t i = 0; i < a_.num_imports; ++i) {
      const waot_import_desc &desc = a_.imports[i];
      const std::string what = indexed("import", i);
      ImportDescriptor import;
      import.module = text(desc.module, desc.module_len, what + " module name");
      import.name = text(desc.name, desc.name_len, what + " name");
      switch (desc.kind) {
      case WAOT_EXTERN_FUNC: {
        import.kind = ExternKind::Function;
        const std::uint32_t type = typeIndex(desc.type_index, what);
        if (!a_.host_adapters || !a_.host_adapters[type])
          fail("corrupt descriptor: type " + std::to_string(type) + " has no host adapter");
        import.funcType = data_->types[type];
        data_->functionTypes.push_back(type);
        ++data_->numImportedFunctions;
        break;
      }
      case WAOT_EXTERN_TABLE:
        import.kind = ExternKind::Table;
        import.valType = referenceType(desc.val_type, what);
        import.limits = desc.limits.is64 ? limits(desc.limits, UINT64_MAX, UINT64_MAX, what)
                                         : limits(desc.limits, UINT32_MAX, UINT32_MAX, what);
        data_->tableTypes.push_back(import.valType);
        tableLimits_.push_back(import.limits);
        ++data_->numImportedTables;
        break;
      case WAOT_EXTERN_MEMORY:
        import.kind = ExternKind::Memory;
        import.limits = desc.limits.is64
                            ? limits(desc.limits, kMaxPages64, kMaxPages64, what)
                            : limits(desc.limits, WAOT_MAX_PAGES32, WAOT_MAX_PAGES32, what);
        memoryLimits_.push_back(import.limits);
        ++data_->numImportedMemories;
        break;
      case WAOT_EXTERN_GLOBAL:
        import.kind = ExternKind::Global;
        import.valType = valueType(desc.val_type, what);
        import.isMutable = flag(desc.mutable_, what + " mutability");
        data_->globalTypes.push_back({import.valType, import.isMutable});
        ++data_->numImportedGlobals;
        break;
      default:
        fail("corrupt descriptor: " + what + " has invalid kind " + std::to_string(desc.kind));
      }
      data_->imports.push_back(std::move(import));
    }
  }

  void readFunctions() {
    for (std::uint32_t i = 0; i < a_.num_functions; ++i) {
      const waot_function_desc &desc = a_.functions[i];
      const std::string what = indexed("function", i + data_->numImportedFunctions);
      // No code: a function only ever called directly by other functions
      // (checked below: nothing may make a reference to it).
      data_->functionTypes.push_back(typeIndex(desc.type_index, what));
      if (desc.tail_code != nullptr && desc.code == nullptr)
        fail("corrupt descriptor: " + what + " has a tail-call entry but no code");
    }
  }

  void readTables() {
    for (std::uint32_t i = 0; i < a_.num_tables; ++i) {
      const std::string what = indexed("table", i + data_->numImportedTables);
      // A 64-bit table's type may declare any size (instantiating one beyond
      // the implementation's limit fails then).
      tableLimits_.push_back(a_.tables[i].limits.is64
                                 ? limits(a_.tables[i].limits, UINT64_MAX, UINT64_MAX, what)
                                 : limits(a_.tables[i].limits, kMaxTableSize, UINT32_MAX, what));
      data_->tableTypes.push_back(referenceType(a_.tables[i].elem_type, what));
    }
  }

  void readMemories() {
    for (std::uint32_t i = 0; i < a_.num_memories; ++i)
      memoryLimits_.push_back(a_.memories[i].limits.is64
                                  ? limits(a_.memories[i].limits, kMaxPages64, kMaxPages64,
                                           indexed("memory", i + data_->numImportedMemories))
                                  : limits(a_.memories[i].limits, WAOT_MAX_PAGES32,
                                           WAOT_MAX_PAGES32,
                                           indexed("memory", i + data_->numImportedMemories)));
    data_->numMemories = data_->numImportedMemories + a_.num_memories;
  }

  // Function `index` exists and, if defined, has its code address recorded:
  // it may become a reference (an export, a table element, a global's value).
  void requireReferenceable(std::uint32_t index, const std::string &what) const {
    if (index >= data_->functionTypes.size())
      fail("corrupt descriptor: " + what + " refers to function " + std::to_string(index));
    if (index >= data_->numImportedFunctions &&
        !a_.functions[index - data_->numImportedFunctions].code)
      fail("corrupt descriptor: " + what + " refers to function " + std::to_string(index) +
           ", which has no code address");
  }

  // The type of a constant expression that may read globals [0, visibleGlobals).
  ValType constType(const waot_const_expr &expr, std::size_t visibleGlobals,
                    const std::string &what) const {
    switch (expr.kind) {
    case WAOT_CONST_I32: return ValType::I32;
    case WAOT_CONST_I64: return ValType::I64;
    case WAOT_CONST_F32: return ValType::F32;
    case WAOT_CONST_F64: return ValType::F64;
    case WAOT_CONST_V128: return ValType::V128;
    case WAOT_CONST_REF_NULL:
      return referenceType(static_cast<std::uint8_t>(expr.index), what + " ref.null");
    case WAOT_CONST_REF_FUNC: requireReferenceable(expr.index, what); return ValType::FuncRef;
    case WAOT_CONST_GLOBAL_GET:
      if (expr.index >= visibleGlobals)
        fail("corrupt descriptor: " + what + " reads global " + std::to_string(expr.index));
      return data_->globalTypes[expr.index].type;
    case WAOT_CONST_SEQUENCE: return sequenceType(expr, visibleGlobals, what);
    }
    fail("corrupt descriptor: " + what + " has invalid constant kind " + std::to_string(expr.kind));
  }

  // A sequence's instructions in bounds, each operand of the right type and
  // exactly one value left: what evaluate() relies on.
  ValType sequenceType(const waot_const_expr &expr, std::size_t visibleGlobals,
                       const std::string &what) const {
    if (expr.index > a_.num_const_ops || expr.value > a_.num_const_ops - expr.index)
      fail("corrupt descriptor: " + what + " has instructions out of bounds");
    std::vector<ValType> stack;
    for (std::uint64_t i = 0; i < expr.value; ++i) {
      const waot_const_expr &op = a_.const_ops[expr.index + i];
      if (op.kind >= WAOT_CONST_I32_ADD && op.kind <= WAOT_CONST_I64_MUL) {
        const ValType operand = op.kind <= WAOT_CONST_I32_MUL ? ValType::I32 : ValType::I64;
        if (stack.size() < 2 || stack.back() != operand || stack[stack.size() - 2] != operand)
          fail("corrupt descriptor: " + what + " has an ill-typed instruction");
        stack.pop_back();
      } else if (op.kind == WAOT_CONST_SEQUENCE) {
        fail("corrupt descriptor: " + what + " nests a sequence");
      } else {
        stack.push_back(constType(op, visibleGlobals, what));
      }
    }
    if (stack.size() != 1) fail("corrupt descriptor: " + what + " does not produce one value");
    return stack.front();
  }

  void requireConstType(const waot_const_expr &expr, std::size_t visibleGlobals, ValType expected,
                        const std::string &what) const {
    const ValType found = constType(expr, visibleGlobals, what);
    if (found != expected)
      fail("corrupt descriptor: " + what + " is " + std::string(toString(found)) + ", expected " +
           std::string(toString(expected)));
  }

  void readGlobals() {
    for (std::uint32_t i = 0; i < a_.num_globals; ++i) {
      const waot_global_desc &desc = a_.globals[i];
      const std::size_t index = data_->globalTypes.size();
      const std::string what = indexed("global", static_cast<std::uint32_t>(index));
      const ValType type = valueType(desc.val_type, what);
      const bool isMutable = flag(desc.mutable_, what + " mutability");
      requireConstType(desc.init, index, type, what + " initializer");
      data_->globalTypes.push_back({type, isMutable});
    }
  }

  std::size_t indexSpaceSize(ExternKind kind) const {
    switch (kind) {
    case ExternKind::Function: return data_->functionTypes.size();
    case ExternKind::Table: return data_->tableTypes.size();
    case ExternKind::Memory: return data_->numMemories;
    case ExternKind::Global: return data_->globalTypes.size();
    }
    return 0;
  }

  void readExports() {
    std::set<std::string, std::less<>> names;
    for (std::uint32_t i = 0; i < a_.num_exports; ++i) {
      const waot_export_desc &desc = a_.exports[i];
      const std::string what = indexed("export", i);
      ExportDescriptor exported;
      exported.name = text(desc.name, desc.name_len, what + " name");
      switch (desc.kind) {
      case WAOT_EXTERN_FUNC: exported.kind = ExternKind::Function; break;
      case WAOT_EXTERN_TABLE: exported.kind = ExternKind::Table; break;
      case WAOT_EXTERN_MEMORY: exported.kind = ExternKind::Memory; break;
      case WAOT_EXTERN_GLOBAL: exported.kind = ExternKind::Global; break;
      default:
        fail("corrupt descriptor: " + what + " has invalid kind " + std::to_string(desc.kind));
      }
      const std::size_t spaceSize = indexSpaceSize(exported.kind);
      if (desc.index >= spaceSize)
        fail("corrupt descriptor: export \"" + exported.name + "\" refers to " +
             std::string(toString(exported.kind)) + " " + std::to_string(desc.index) +
             ", which does not exist");
      if (exported.kind == ExternKind::Function)
        requireReferenceable(desc.index, "export \"" + exported.name + "\"");
      if (!names.insert(exported.name).second)
        fail("corrupt descriptor: duplicate export \"" + exported.name + "\"");
      describeExport(exported, desc.index);
      data_->exportIndex.emplace(exported.name, i);
      data_->exports.push_back(std::move(exported));
    }
  }

  // Fills in the type of `exported`, whose index was checked.
  void describeExport(ExportDescriptor &exported, std::uint32_t index) const {
    switch (exported.kind) {
    case ExternKind::Function: exported.funcType = data_->types[data_->functionTypes[index]]; break;
    case ExternKind::Table:
      exported.valType = data_->tableTypes[index];
      exported.limits = tableLimits_[index];
      break;
    case ExternKind::Memory: exported.limits = memoryLimits_[index]; break;
    case ExternKind::Global:
      exported.valType = data_->globalTypes[index].type;
      exported.isMutable = data_->globalTypes[index].isMutable;
      break;
    }
  }

  void checkStart() const {
    if (a_.start_function == UINT32_MAX) return;
    if (a_.start_function >= data_->functionTypes.size())
      fail("corrupt descriptor: start function " + std::to_string(a_.start_function) +
           " does not exist");
    requireReferenceable(a_.start_function, "the start function");
    const FuncType &type = data_->types[data_->functionTypes[a_.start_function]];
    if (!type.params.empty() || !type.results.empty())
      fail("corrupt descriptor: start function has type " + toString(type));
  }

  void checkElems() const {
    const std::size_t globals = data_->globalTypes.size();
    for (std::uint32_t i = 0; i < a_.num_elems; ++i) {
      const waot_elem_desc &desc = a_.elems[i];
      const std::string what = indexed("element segment", i);
      const ValType type = referenceType(desc.elem_type, what);
      requireCount(desc.count, kMaxElemItems, (what + " items").c_str());
      requireArray(desc.items, desc.count, what + " items");
      for (std::uint32_t item = 0; item < desc.count; ++item) {
        const std::uint32_t kind = desc.items[item].kind;
        if (kind != WAOT_CONST_REF_NULL && kind != WAOT_CONST_REF_FUNC &&
            kind != WAOT_CONST_GLOBAL_GET)
          fail("corrupt descriptor: " + what + " item " + std::to_string(item) +
               " is not a reference expression");
        requireConstType(desc.items[item], globals, type, what + " item " + std::to_string(item));
      }
      if (desc.mode == WAOT_SEGMENT_ACTIVE) {
        if (desc.table >= data_->tableTypes.size())
          fail("corrupt descriptor: " + what + " targets table " + std::to_string(desc.table));
        if (data_->tableTypes[desc.table] != type)
          fail("corrupt descriptor: " + what + " does not match its table's element type");
        requireConstType(desc.offset, globals,
                         tableLimits_[desc.table].is64 ? ValType::I64 : ValType::I32,
                         what + " offset");
      } else if (desc.mode != WAOT_SEGMENT_PASSIVE && desc.mode != WAOT_SEGMENT_DECLARATIVE) {
        fail("corrupt descriptor: " + what + " has invalid mode " + std::to_string(desc.mode));
      }
    }
  }

  void checkDatas() const {
    for (std::uint32_t i = 0; i < a_.num_datas; ++i) {
      const waot_data_desc &desc = a_.datas[i];
      const std::string what = indexed("data segment", i);
      if (desc.size > UINT32_MAX) fail("corrupt descriptor: " + what + " is larger than 4 GiB");
      requireArray(desc.bytes, desc.size, what + " bytes");
      if (desc.mode == WAOT_SEGMENT_ACTIVE) {
        if (desc.memory >= data_->numMemories)
          fail("corrupt descriptor: " + what + " targets memory " + std::to_string(desc.memory));
        requireConstType(desc.offset, data_->globalTypes.size(),
                         memoryLimits_[desc.memory].is64 ? ValType::I64 : ValType::I32,
                         what + " offset");
      } else if (desc.mode != WAOT_SEGMENT_PASSIVE) {
        fail("corrupt descriptor: " + what + " has invalid mode " + std::to_string(desc.mode));
      }
    }
  }

  void computeLayout() {
    waot_ctx_counts &counts = data_->counts;
    counts.num_types = a_.num_types;
    counts.num_memories = data_->numMemories;
    counts.num_tables = static_cast<std::uint32_t>(data_->tableTypes.size());
    counts.num_imported_globals = data_->numImportedGlobals;
    counts.num_defined_globals = a_.num_globals;
    counts.num_imported_funcs = data_->numImportedFunctions;
    counts.num_defined_funcs = a_.num_functions;
    // The counts are bounded above, so the 32-bit layout cannot overflow.
    static_assert(std::uint64_t{kMaxTypes} * 4 +
                      (std::uint64_t{kMaxMemories} + kMaxImports + kMaxTables) * 8 +
                      std::uint64_t{kMaxGlobals} * sizeof(waot_global_cell) +
                      std::uint64_t{kMaxFunctions} * sizeof(waot_func) <
                  UINT32_MAX);
    data_->layout = waot_compute_ctx_layout(&counts);
    // The compiler laid the context out with its own copy of this header:
    // a different figure means generated code would address other fields.
    if (a_.ctx_size != data_->layout.total_size)
      fail("the compiled code expects an instance context of " + std::to_string(a_.ctx_size) +
           " bytes, this runtime lays it out in " + std::to_string(data_->layout.total_size));
  }

  std::shared_ptr<ModuleData> data_;
  const waot_artifact &a_;
  // Declared limits of every table and memory (imports first), for the
  // export descriptors.
  std::vector<Limits> tableLimits_;
  std::vector<Limits> memoryLimits_;
};

} // namespace

std::shared_ptr<const ModuleData> readArtifact(std::shared_ptr<const Library> library) {
  return ArtifactReader(std::move(library)).read();
}

} // namespace waot::detail
