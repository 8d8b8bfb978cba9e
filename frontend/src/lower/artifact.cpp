#include "artifact.hpp"

#include "symbol_names.hpp"

#include "waot/errors.hpp"

#include <llvm/ADT/StringMap.h>
#include <llvm/IR/Constants.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace waot::frontend::lower {
namespace {

llvm::StructType *namedStruct(llvm::LLVMContext &context, llvm::StringRef name,
                              llvm::ArrayRef<llvm::Type *> fields) {
  if (llvm::StructType *existing = llvm::StructType::getTypeByName(context, name)) return existing;
  return llvm::StructType::create(context, fields, name);
}

std::uint32_t count32(std::size_t n) { return static_cast<std::uint32_t>(n); }

// Builds the descriptor's constants. Small byte strings (names, signatures)
// are interned so that e.g. every "env" import module name is one array.
class ArtifactEmitter {
public:
  explicit ArtifactEmitter(ModuleEnv &env)
      : env_(env), wasm_(env.wasm), context_(env.context), abi_(AbiTypes::get(env.context)) {}

  llvm::GlobalVariable *emit(const TypeTrampolines &trampolines, const LowerOptions &options);

private:
  // Scalars and padding.
  llvm::Constant *u8(std::uint8_t v) {
    return llvm::ConstantInt::get(llvm::Type::getInt8Ty(context_), v);
  }
  llvm::Constant *u32(std::uint32_t v) {
    return llvm::ConstantInt::get(llvm::Type::getInt32Ty(context_), v);
  }
  llvm::Constant *u64(std::uint64_t v) {
    return llvm::ConstantInt::get(llvm::Type::getInt64Ty(context_), v);
  }
  llvm::Constant *nullPointer() { return llvm::ConstantPointerNull::get(env_.ptrType()); }
  llvm::Constant *padding(unsigned bytes) {
    return llvm::ConstantAggregateZero::get(
        llvm::ArrayType::get(llvm::Type::getInt8Ty(context_), bytes));
  }

  // The module owns the global (LLVM convention): nothing to free here.
  llvm::GlobalVariable *privateConstant(llvm::Constant *init, const llvm::Twine &name) {
    auto *global = new llvm::GlobalVariable(env_.llvm, init->getType(), /*isConstant=*/true,
                                            llvm::GlobalValue::PrivateLinkage, init, name);
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return global;
  }

  llvm::Constant *internedBytes(std::string_view bytes);
  llvm::Constant *dataBytes(const std::vector<std::uint8_t> &bytes, std::size_t segment);
  llvm::Constant *cString(const std::string &text, const char *name);
  // A private array of `elements` of `elementType`, or NULL when empty.
  llvm::Constant *array(llvm::Type *elementType, const std::vector<llvm::Constant *> &elements,
                        const char *name);

  llvm::Constant *limits(const Limits &l, bool is64);
  llvm::Constant *constExpr(const ConstExpr &e);
  // The instructions of sequence constant expressions, in emission order.
  std::vector<llvm::Constant *> constOps_;

  llvm::Constant *types();
  llvm::Constant *functionPointers(const std::vector<llvm::Function *> &functions,
                                   const char *name);
  llvm::Constant *imports();
  llvm::Constant *functions(const std::vector<llvm::Function *> &ordinaryEntries);
  llvm::Constant *tables();
  llvm::Constant *memories();
  llvm::Constant *globals();
  llvm::Constant *exports();
  llvm::Constant *elems();
  llvm::Constant *datas();

  ModuleEnv &env_;
  const Module &wasm_;
  llvm::LLVMContext &context_;
  AbiTypes abi_;
  llvm::StringMap<llvm::Constant *> internedBytes_;
};

llvm::Constant *ArtifactEmitter::internedBytes(std::string_view bytes) {
  // Empty strings still get a real (one-byte) array: the runtime may hand the
  // pointer to memcpy or string_view, which want a valid address.
  auto [it, isNew] =
      internedBytes_.try_emplace(llvm::StringRef(bytes.data(), bytes.size()), nullptr);
  if (isNew) {
    llvm::Constant *init = bytes.empty()
                               ? llvm::ConstantDataArray::getString(context_, "", /*AddNull=*/true)
                               : llvm::ConstantDataArray::getString(
                                     context_, llvm::StringRef(bytes.data(), bytes.size()),
                                     /*AddNull=*/false);
    llvm::GlobalVariable *global = privateConstant(init, "waot.str");
    global->setAlignment(llvm::Align(1));
    it->second = global;
  }
  return it->second;
}

llvm::Constant *ArtifactEmitter::dataBytes(const std::vector<std::uint8_t> &bytes,
                                           std::size_t segment) {
  if (bytes.empty()) return internedBytes({});
  // One ConstantDataArray straight from the bytes: data sections can be tens
  // of megabytes, far too many for one Constant per byte.
  llvm::Constant *init =
      llvm::ConstantDataArray::get(context_, llvm::ArrayRef<std::uint8_t>(bytes));
  return privateConstant(init, "waot.data" + llvm::Twine(segment));
}

llvm::Constant *ArtifactEmitter::cString(const std::string &text, const char *name) {
  llvm::GlobalVariable *global =
      privateConstant(llvm::ConstantDataArray::getString(context_, text, /*AddNull=*/true), name);
  global->setAlignment(llvm::Align(1));
  return global;
}

llvm::Constant *ArtifactEmitter::array(llvm::Type *elementType,
                                       const std::vector<llvm::Constant *> &elements,
                                       const char *name) {
  if (elements.empty()) return nullPointer();
  auto *arrayType = llvm::ArrayType::get(elementType, elements.size());
  return privateConstant(llvm::ConstantArray::get(arrayType, elements), name);
}

llvm::Constant *ArtifactEmitter::limits(const Limits &l, bool is64) {
  return llvm::ConstantStruct::get(
      abi_.limitsDesc,
      {u64(l.min), u64(l.max.value_or(0)), u8(l.max ? 1 : 0), u8(is64 ? 1 : 0), padding(6)});
}

llvm::Constant *ArtifactEmitter::constExpr(const ConstExpr &e) {
  std::uint32_t kind = WAOT_CONST_I32;
  std::uint32_t index = 0;
  std::uint64_t value = 0, valueHigh = 0; // little-endian halves of a v128
  switch (e.kind) {
  case ConstExpr::Kind::I32:
    kind = WAOT_CONST_I32;
    value = e.bits;
    break;
  case ConstExpr::Kind::I64:
    kind = WAOT_CONST_I64;
    value = e.bits;
    break;
  case ConstExpr::Kind::F32:
    kind = WAOT_CONST_F32;
    value = e.bits;
    break;
  case ConstExpr::Kind::F64:
    kind = WAOT_CONST_F64;
    value = e.bits;
    break;
  case ConstExpr::Kind::RefNull:
    kind = WAOT_CONST_REF_NULL;
    index = static_cast<std::uint8_t>(e.refType);
    break;
  case ConstExpr::Kind::RefFunc:
    kind = WAOT_CONST_REF_FUNC;
    index = e.index;
    break;
  case ConstExpr::Kind::GlobalGet:
    kind = WAOT_CONST_GLOBAL_GET;
    index = e.index;
    break;
  case ConstExpr::Kind::V128:
    kind = WAOT_CONST_V128;
    std::memcpy(&value, e.v128.data(), 8);
    std::memcpy(&valueHigh, e.v128.data() + 8, 8);
    break;
  case ConstExpr::Kind::I32Add: kind = WAOT_CONST_I32_ADD; break;
  case ConstExpr::Kind::I32Sub: kind = WAOT_CONST_I32_SUB; break;
  case ConstExpr::Kind::I32Mul: kind = WAOT_CONST_I32_MUL; break;
  case ConstExpr::Kind::I64Add: kind = WAOT_CONST_I64_ADD; break;
  case ConstExpr::Kind::I64Sub: kind = WAOT_CONST_I64_SUB; break;
  case ConstExpr::Kind::I64Mul: kind = WAOT_CONST_I64_MUL; break;
  case ConstExpr::Kind::Sequence: {
    kind = WAOT_CONST_SEQUENCE;
    index = count32(constOps_.size());
    value = e.ops.size();
    // Built first: the pool must not grow while this entry is being made.
    std::vector<llvm::Constant *> ops;
    ops.reserve(e.ops.size());
    for (const ConstExpr &op : e.ops)
      ops.push_back(constExpr(op)); // never a sequence itself
    constOps_.insert(constOps_.end(), ops.begin(), ops.end());
    break;
  }
  }
  return llvm::ConstantStruct::get(abi_.constExpr,
                                   {u32(kind), u32(index), u64(value), u64(valueHigh)});
}

llvm::Constant *ArtifactEmitter::types() {
  std::vector<llvm::Constant *> descs;
  descs.reserve(wasm_.types.size());
  for (const FuncType &t : wasm_.types) {
    std::string bytes;
    bytes.reserve(t.params.size() + t.results.size());
    for (ValType v : t.params)
      bytes.push_back(static_cast<char>(v));
    for (ValType v : t.results)
      bytes.push_back(static_cast<char>(v));
    descs.push_back(llvm::ConstantStruct::get(
        abi_.functypeDesc,
        {u32(count32(t.params.size())), u32(count32(t.results.size())), internedBytes(bytes)}));
  }
  return array(abi_.functypeDesc, descs, "waot.types");
}

llvm::Constant *ArtifactEmitter::functionPointers(const std::vector<llvm::Function *> &functions,
                                                  const char *name) {
  std::vector<llvm::Constant *> pointers(functions.begin(), functions.end());
  return array(env_.ptrType(), pointers, name);
}

llvm::Constant *ArtifactEmitter::imports() {
  std::vector<llvm::Constant *> descs;
  descs.reserve(wasm_.imports.size());
  for (const Import &import : wasm_.imports) {
    std::uint8_t valType = 0;
    std::uint8_t isMutable = 0;
    std::uint32_t typeIndex = 0;
    Limits importLimits;
    bool is64 = false;
    switch (import.kind) {
    case ExternKind::Func: typeIndex = import.typeIndex; break;
    case ExternKind::Table:
      valType = static_cast<std::uint8_t>(import.table.elemType);
      importLimits = import.table.limits;
      is64 = import.table.is64;
      break;
    case ExternKind::Memory:
      importLimits = import.memory.limits;
      is64 = import.memory.is64;
      break;
    case ExternKind::Global:
      valType = static_cast<std::uint8_t>(import.global.type);
      isMutable = import.global.isMutable ? 1 : 0;
      break;
    }
    descs.push_back(llvm::ConstantStruct::get(
        abi_.importDesc, {internedBytes(import.module), internedBytes(import.name),
                          u32(count32(import.module.size())), u32(count32(import.name.size())),
                          u8(static_cast<std::uint8_t>(import.kind)), u8(valType), u8(isMutable),
                          u8(0), u32(typeIndex), limits(importLimits, is64)}));
  }
  return array(abi_.importDesc, descs, "waot.imports");
}

llvm::Constant *ArtifactEmitter::functions(const std::vector<llvm::Function *> &ordinaryEntries) {
  std::vector<llvm::Constant *> descs;
  descs.reserve(env_.functions.size());
  for (std::uint32_t defined = 0; defined < env_.functions.size(); ++defined) {
    const std::uint32_t functionIndex = wasm_.functionIndex(defined);
    llvm::Constant *name = nullPointer();
    std::uint32_t nameLength = 0;
    if (auto it = wasm_.functionNames.find(functionIndex); it != wasm_.functionNames.end()) {
      name = internedBytes(it->second);
      nameLength = count32(it->second.size());
    }
    // A function no reference can name is only ever called directly: no code
    // address, so that it is not address-taken (LLVM may drop its unused
    // parameters, its context included, or delete it once inlined).
    // A tailcc function's code is its ordinary entry (abi.h: tail_code).
    llvm::Constant *code = nullPointer();
    llvm::Constant *tailCode = nullPointer();
    if (env_.addressRecorded[defined]) {
      code = env_.functions[defined];
      if (llvm::Function *ordinary = ordinaryEntries[defined]) {
        tailCode = code;
        code = ordinary;
      }
    }
    descs.push_back(llvm::ConstantStruct::get(
        abi_.functionDesc,
        {code, name, u32(nameLength), u32(wasm_.functionTypes[functionIndex]), tailCode}));
  }
  return array(abi_.functionDesc, descs, "waot.functions");
}

llvm::Constant *ArtifactEmitter::tables() {
  std::vector<llvm::Constant *> descs;
  for (std::size_t t = wasm_.numImportedTables; t < wasm_.tables.size(); ++t) {
    const TableType &table = wasm_.tables[t];
    descs.push_back(llvm::ConstantStruct::get(
        abi_.tableDesc, {limits(table.limits, table.is64),
                         u8(static_cast<std::uint8_t>(table.elemType)), padding(7)}));
  }
  return array(abi_.tableDesc, descs, "waot.tables");
}

llvm::Constant *ArtifactEmitter::memories() {
  std::vector<llvm::Constant *> descs;
  for (std::size_t m = wasm_.numImportedMemories; m < wasm_.memories.size(); ++m)
    descs.push_back(llvm::ConstantStruct::get(
        abi_.memoryDesc, {limits(wasm_.memories[m].limits, wasm_.memories[m].is64)}));
  return array(abi_.memoryDesc, descs, "waot.memories");
}

llvm::Constant *ArtifactEmitter::globals() {
  std::vector<llvm::Constant *> descs;
  descs.reserve(wasm_.globals.size());
  for (const Global &global : wasm_.globals) {
    descs.push_back(llvm::ConstantStruct::get(
        abi_.globalDesc, {constExpr(global.init), u8(static_cast<std::uint8_t>(global.type.type)),
                          u8(global.type.isMutable ? 1 : 0), padding(6)}));
  }
  return array(abi_.globalDesc, descs, "waot.globals");
}

llvm::Constant *ArtifactEmitter::exports() {
  std::vector<llvm::Constant *> descs;
  descs.reserve(wasm_.exports.size());
  for (const Export &e : wasm_.exports) {
    descs.push_back(llvm::ConstantStruct::get(abi_.exportDesc,
                                              {internedBytes(e.name), u32(count32(e.name.size())),
                                               u8(static_cast<std::uint8_t>(e.kind)), padding(3),
                                               u32(e.index), u32(0)}));
  }
  return array(abi_.exportDesc, descs, "waot.exports");
}

std::uint32_t segmentMode(SegmentMode mode) {
  switch (mode) {
  case SegmentMode::Active: return WAOT_SEGMENT_ACTIVE;
  case SegmentMode::Passive: return WAOT_SEGMENT_PASSIVE;
  case SegmentMode::Declarative: return WAOT_SEGMENT_DECLARATIVE;
  }
  return WAOT_SEGMENT_PASSIVE;
}

llvm::Constant *ArtifactEmitter::elems() {
  std::vector<llvm::Constant *> descs;
  descs.reserve(wasm_.elems.size());
  for (const ElemSegment &segment : wasm_.elems) {
    std::vector<llvm::Constant *> items;
    items.reserve(segment.items.size());
    for (const ConstExpr &item : segment.items)
      items.push_back(constExpr(item));
    const bool active = segment.mode == SegmentMode::Active;
    descs.push_back(llvm::ConstantStruct::get(
        abi_.elemDesc,
        {array(abi_.constExpr, items, "waot.elem.items"), u32(count32(items.size())),
         u32(segmentMode(segment.mode)),
         active ? constExpr(segment.offset) : llvm::Constant::getNullValue(abi_.constExpr),
         u32(active ? segment.table : 0), u8(static_cast<std::uint8_t>(segment.elemType)),
         padding(3)}));
  }
  return array(abi_.elemDesc, descs, "waot.elems");
}

llvm::Constant *ArtifactEmitter::datas() {
  std::vector<llvm::Constant *> descs;
  descs.reserve(wasm_.datas.size());
  for (std::size_t s = 0; s < wasm_.datas.size(); ++s) {
    const DataSegment &segment = wasm_.datas[s];
    const bool active = segment.mode == SegmentMode::Active;
    descs.push_back(llvm::ConstantStruct::get(
        abi_.dataDesc,
        {dataBytes(segment.bytes, s), u64(segment.bytes.size()),
         active ? constExpr(segment.offset) : llvm::Constant::getNullValue(abi_.constExpr),
         u32(segmentMode(segment.mode)), u32(active ? segment.memory : 0)}));
  }
  return array(abi_.dataDesc, descs, "waot.datas");
}

llvm::GlobalVariable *ArtifactEmitter::emit(const TypeTrampolines &trampolines,
                                            const LowerOptions &options) {
  const bool linked = !options.linkName.empty();
  // Every module with a function has a type, and every type a trampoline:
  // the code section exists exactly when there are trampolines.
  const bool hasCode = !trampolines.entries.empty();
  // The linker-defined bound of the module's code section (see abi.h).
  const auto codeBound = [&](const char *which) -> llvm::Constant * {
    std::string name = which;
    name.append(linkedCodeSection(options.linkName));
    auto *bound = new llvm::GlobalVariable(env_.llvm, llvm::Type::getInt8Ty(env_.llvm.getContext()),
                                           /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
                                           nullptr, name);
    bound->setVisibility(llvm::GlobalValue::HiddenVisibility);
    bound->setDSOLocal(true);
    return bound;
  };
  // These fill constOps_ (sequence constant expressions) on the way.
  llvm::Constant *globalDescs = globals();
  llvm::Constant *elemDescs = elems();
  llvm::Constant *dataDescs = datas();
  const llvm::DataLayout &dataLayout = env_.llvm.getDataLayout();
  const auto descriptorSize =
      static_cast<std::uint32_t>(dataLayout.getTypeAllocSize(abi_.artifact).getFixedValue());
  llvm::Constant *fields[] = {
      u32(WAOT_ARTIFACT_MAGIC),
      u32(WAOT_ABI_VERSION),
      u32(descriptorSize),
      u32(wasm_.start.value_or(UINT32_MAX)),
      cString(options.producer, "waot.producer"),
      cString(options.targetTriple, "waot.triple"),
      cString(options.cpuFeatures, "waot.cpu_features"),
      u32(count32(wasm_.types.size())),
      u32(count32(wasm_.imports.size())),
      u32(count32(env_.functions.size())),
      u32(count32(wasm_.tables.size() - wasm_.numImportedTables)),
      u32(count32(wasm_.memories.size() - wasm_.numImportedMemories)),
      u32(count32(wasm_.globals.size())),
      u32(count32(wasm_.exports.size())),
      u32(count32(wasm_.elems.size())),
      u32(count32(wasm_.datas.size())),
      u32(env_.layout.total_size),
      u32((options.interruptible ? WAOT_ARTIFACT_INTERRUPTIBLE : 0u) |
          (env_.entered ? WAOT_ARTIFACT_ENTRY_PROFILE : 0u)),
      u32(count32(constOps_.size())),
      types(),
      functionPointers(trampolines.entries, "waot.entry_trampolines"),
      functionPointers(trampolines.hostAdapters, "waot.host_adapters"),
      imports(),
      functions(trampolines.ordinaryEntries),
      tables(),
      memories(),
      globalDescs,
      exports(),
      elemDescs,
      dataDescs,
      linked ? cString(options.linkName, "waot.link_name") : nullPointer(),
      linked && hasCode ? codeBound("__start_") : nullPointer(),
      linked && hasCode ? codeBound("__stop_") : nullPointer(),
      array(abi_.constExpr, constOps_, "waot.const_ops"),
      env_.entered ? static_cast<llvm::Constant *>(env_.entered) : nullPointer(),
  };
  // External, default visibility: the runtime finds a shared library's
  // descriptor with dlsym; an application names a linked module's.
  const std::string symbol =
      linked ? linkedDescriptorSymbol(options.linkName) : WAOT_ARTIFACT_SYMBOL;
  auto *descriptor = new llvm::GlobalVariable(
      env_.llvm, abi_.artifact, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
      llvm::ConstantStruct::get(abi_.artifact, fields), symbol);
  if (descriptor->getName() != symbol)
    throw Error("internal compiler error: symbol '" + symbol + "' is defined twice");
  return descriptor;
}

} // namespace

AbiTypes AbiTypes::get(llvm::LLVMContext &context) {
  llvm::Type *i8 = llvm::Type::getInt8Ty(context);
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  llvm::Type *i64 = llvm::Type::getInt64Ty(context);
  llvm::Type *ptr = llvm::PointerType::get(context, 0);
  const auto bytes = [&](unsigned n) { return llvm::ArrayType::get(i8, n); };

  AbiTypes t{};
  t.functypeDesc = namedStruct(context, "waot_functype_desc", {i32, i32, ptr});
  t.limitsDesc = namedStruct(context, "waot_limits_desc", {i64, i64, i8, i8, bytes(6)});
  t.constExpr = namedStruct(context, "waot_const_expr", {i32, i32, i64, i64});
  t.importDesc = namedStruct(context, "waot_import_desc",
                             {ptr, ptr, i32, i32, i8, i8, i8, i8, i32, t.limitsDesc});
  t.exportDesc = namedStruct(context, "waot_export_desc", {ptr, i32, i8, bytes(3), i32, i32});
  t.functionDesc = namedStruct(context, "waot_function_desc", {ptr, ptr, i32, i32, ptr});
  t.tableDesc = namedStruct(context, "waot_table_desc", {t.limitsDesc, i8, bytes(7)});
  t.memoryDesc = namedStruct(context, "waot_memory_desc", {t.limitsDesc});
  t.globalDesc = namedStruct(context, "waot_global_desc", {t.constExpr, i8, i8, bytes(6)});
  t.dataDesc = namedStruct(context, "waot_data_desc", {ptr, i64, t.constExpr, i32, i32});
  t.elemDesc =
      namedStruct(context, "waot_elem_desc", {ptr, i32, i32, t.constExpr, i32, i8, bytes(3)});
  std::vector<llvm::Type *> artifactFields(4, i32);     // magic .. start_function
  artifactFields.insert(artifactFields.end(), 3, ptr);  // producer, triple, features
  artifactFields.insert(artifactFields.end(), 12, i32); // num_types .. flags, num_const_ops
  artifactFields.insert(artifactFields.end(), 11, ptr); // types .. datas
  artifactFields.insert(artifactFields.end(), 5, ptr);  // link_name, code_begin, code_end,
                                                        // const_ops, entered
  t.artifact = namedStruct(context, "waot_artifact", artifactFields);
  return t;
}

llvm::GlobalVariable *emitArtifact(ModuleEnv &env, const TypeTrampolines &trampolines,
                                   const LowerOptions &options) {
  return ArtifactEmitter(env).emit(trampolines, options);
}

} // namespace waot::frontend::lower
