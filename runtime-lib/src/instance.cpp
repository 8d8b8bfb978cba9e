// Instance construction (context, memories, tables, globals, exports) and
// the public Instance. Segments and the start function: segments.cpp.
#include "instance_impl.hpp"

#include "api_access.hpp"
#include "builtins.hpp"
#include "funcref_registry.hpp"
#include "sanitizers.hpp"

#include "waot/errors.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(WAOT_RUNTIME_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

namespace waot::detail {

namespace {

// What `object` keeps alive stays allocated for the life of the process on
// purpose; LeakSanitizer (in ASan builds) is told so.
void ignoreAsLeak([[maybe_unused]] const void *object) {
#if defined(WAOT_RUNTIME_ASAN)
  __lsan_ignore_object(object);
#endif
}

} // namespace

InstanceImpl::InstanceImpl(Token, std::shared_ptr<const ModuleData> module, ResolvedImports imports,
                           const InstanceLimits &limits)
    : module_(std::move(module)), limits_(limits), importedFunctions_(std::move(imports.functions)),
      memories_(std::move(imports.memories)), tables_(std::move(imports.tables)),
      importedGlobals_(std::move(imports.globals)) {
  if (limits_.maxStackBytes && *limits_.maxStackBytes < kMinStackBytes)
    throw TypeError("InstanceLimits::maxStackBytes is " + std::to_string(*limits_.maxStackBytes) +
                    ", below the least stack an instance can run on (" +
                    std::to_string(kMinStackBytes) + " bytes)");
  const waot_ctx_layout &layout = module_->layout;
  allocateContext();
  recordsFilled_ = std::make_unique<std::atomic<std::uint64_t>[]>(
      (std::size_t{module_->artifact->num_functions} + 63) / 64);

  waot_ctx_header &h = header();
  h.builtins = &runtimeBuiltins();
  h.instance = this;
  std::copy(module_->typeIds.begin(), module_->typeIds.end(),
            contextArray<std::uint32_t>(layout.type_ids));
  waot_global_cell **importedCells = contextArray<waot_global_cell *>(layout.imported_globals);
  for (std::size_t i = 0; i < importedGlobals_.size(); ++i)
    importedCells[i] = importedGlobals_[i]->cell();
  bindImportedFunctions();
}

InstanceImpl::~InstanceImpl() {
  if (registered_) unregisterContext(context_);
}

void InstanceImpl::allocateContext() {
  const waot_ctx_layout &layout = module_->layout;
  const waot_artifact &artifact = *module_->artifact;
  if (module_->numImportedMemories == 0 && artifact.num_memories > 0) {
    // Generated code addresses memory 0 from the context (abi.h): the
    // context goes in fresh, zeroed pages just below the memory's base.
    createDefinedMemory(0, static_cast<std::size_t>(waot_ctx_memory0_offset(&layout)));
    context_ = reinterpret_cast<std::byte *>(memories_.back()->prefix());
    return;
  }
  static_assert(alignof(std::max_align_t) >= 16, "the context needs 16-byte alignment");
  ownedContext_.reset(static_cast<std::byte *>(std::malloc(layout.total_size)));
  if (!ownedContext_) throw std::bad_alloc();
  context_ = ownedContext_.get();
  // Everything but the defined functions' records starts zeroed. The records
  // (32 bytes per function, most of a large module's context) are written
  // when first used (functionRecord), tracked by one bit each, so that
  // instantiating costs nothing per function.
  const std::size_t recordsBegin = layout.defined_funcs;
  const std::size_t recordsEnd =
      recordsBegin + std::size_t{artifact.num_functions} * sizeof(waot_func);
  std::memset(context_, 0, recordsBegin);
  std::memset(context_ + recordsEnd, 0, layout.total_size - recordsEnd);
}

void InstanceImpl::bindImportedFunctions() {
  const waot_artifact &artifact = *module_->artifact;
  auto **imported = contextArray<waot_func *>(module_->layout.imported_funcs);
  for (std::size_t i = 0; i < importedFunctions_.size(); ++i) {
    // A host function needs a native adapter for its signature: this
    // artifact has one for each type it imports functions with.
    const std::uint32_t type = module_->functionTypes[i];
    const AdapterSource adapter{artifact.host_adapters[type], artifact.entry_trampolines[type],
                                module_->library};
    // Generated code only reads records; the const is the runtime's own discipline.
    imported[i] = const_cast<waot_func *>(
        ApiAccess::data(importedFunctions_[i])->recordForImport(adapter, *this));
  }
}

void InstanceImpl::createDefinedMemory(std::uint32_t definedIndex, std::size_t prefixBytes) {
  const waot_limits_desc &limits = module_->artifact->memories[definedIndex].limits;
  std::optional<std::uint64_t> max;
  if (limits.has_max) max = limits.max;
  auto memory = std::make_shared<MemoryImpl>(limits.min, max, prefixBytes, limits.is64 != 0);
  if (limits_.maxMemoryPages)
    memory->limitGrowth(*limits_.maxMemoryPages,
                        "memory " + std::to_string(module_->numImportedMemories + definedIndex));
  memories_.push_back(std::move(memory));
}

void InstanceImpl::createTablesAndMemories() {
  const waot_artifact &artifact = *module_->artifact;
  for (std::uint32_t i = 0; i < artifact.num_tables; ++i) {
    const waot_table_desc &desc = artifact.tables[i];
    std::optional<std::uint64_t> max;
    if (desc.limits.has_max) max = desc.limits.max;
    auto table = std::make_shared<TableImpl>(static_cast<ValType>(desc.elem_type), desc.limits.min,
                                             max, nullptr, desc.limits.is64 != 0);
    table->setDefiner(this);
    if (limits_.maxTableElements)
      table->limitGrowth(*limits_.maxTableElements,
                         "table " + std::to_string(module_->numImportedTables + i));
    tables_.push_back(std::move(table));
  }
  // A defined memory 0 already exists: it holds the context (allocateContext).
  for (std::uint32_t i =
           static_cast<std::uint32_t>(memories_.size()) - module_->numImportedMemories;
       i < artifact.num_memories; ++i)
    createDefinedMemory(i, 0);
  // Host functions stored before an artifact with their signature was
  // loaded become callable now that ours is (waot_table_entry).
  for (std::uint32_t i = 0; i < module_->numImportedTables; ++i)
    tables_[i]->refreshUnboundEntries();
  auto **tableRecords = contextArray<waot_table *>(module_->layout.tables);
  for (std::size_t i = 0; i < tables_.size(); ++i)
    tableRecords[i] = tables_[i]->record();
  auto **memoryRecords = contextArray<waot_memory *>(module_->layout.memories);
  for (std::size_t i = 0; i < memories_.size(); ++i)
    memoryRecords[i] = memories_[i]->record();
  if (!memories_.empty()) {
    header().memory0 = memories_[0]->record();
    header().memory0_base = memories_[0]->base();
  }
}

void InstanceImpl::initializeGlobals() {
  const waot_artifact &artifact = *module_->artifact;
  waot_global_cell *cells = definedGlobalCells();
  // In order: an initializer may read the globals before it.
  for (std::uint32_t i = 0; i < artifact.num_globals; ++i)
    cells[i] = evaluate(artifact.globals[i].init);
}

const waot_func *InstanceImpl::functionRecord(std::uint32_t functionIndex) const noexcept {
  if (functionIndex < module_->numImportedFunctions)
    return contextArray<waot_func *>(module_->layout.imported_funcs)[functionIndex];
  const std::uint32_t defined = functionIndex - module_->numImportedFunctions;
  const waot_artifact &artifact = *module_->artifact;
  if (defined >= artifact.num_functions) return nullptr;
  waot_func &record = definedFunctionRecords()[defined];
  std::atomic<std::uint64_t> &filledWord = recordsFilled_[defined / 64];
  const std::uint64_t filledBit = std::uint64_t{1} << (defined % 64);
  if ((filledWord.load(std::memory_order_acquire) & filledBit) == 0) {
    // Two threads filling the same record write the same values; the bit is
    // set (release) only once the record is complete. Not a read-modify-write
    // (a locked instruction per table entry at instantiation): a bit lost to
    // a concurrent update of its word only means filling that record again.
    const waot_function_desc &function = artifact.functions[defined];
    // Only a corrupt artifact names a function no reference can reach.
    if (function.code == nullptr) return nullptr;
    std::atomic_ref<void *>(record.code).store(function.code, std::memory_order_relaxed);
    std::atomic_ref<void *>(record.ctx).store(context_, std::memory_order_relaxed);
    std::atomic_ref<std::uint32_t>(record.type_id)
        .store(module_->typeIds[function.type_index], std::memory_order_relaxed);
    std::atomic_ref<std::uint32_t>(record.reserved).store(0, std::memory_order_relaxed);
    std::atomic_ref<void (*)(void *, void *, waot_slot *)>(record.entry)
        .store(artifact.entry_trampolines[function.type_index], std::memory_order_relaxed);
    std::atomic_ref<void *>(record.tail_code).store(function.tail_code, std::memory_order_relaxed);
    filledWord.store(filledWord.load(std::memory_order_relaxed) | filledBit,
                     std::memory_order_release);
  }
  return &record;
}

waot_global_cell *InstanceImpl::globalCell(std::uint32_t globalIndex) const noexcept {
  if (globalIndex < module_->numImportedGlobals) return importedGlobals_[globalIndex]->cell();
  return &definedGlobalCells()[globalIndex - module_->numImportedGlobals];
}

waot_slot InstanceImpl::evaluate(const waot_const_expr &expr) const {
  switch (expr.kind) {
  case WAOT_CONST_I32:
  case WAOT_CONST_F32: return {static_cast<std::uint32_t>(expr.value), 0};
  case WAOT_CONST_I64:
  case WAOT_CONST_F64: return {expr.value, 0};
  case WAOT_CONST_V128: return {expr.value, expr.value_hi};
  case WAOT_CONST_REF_NULL: return {};
  case WAOT_CONST_REF_FUNC:
    return {reinterpret_cast<std::uintptr_t>(functionRecord(expr.index)), 0};
  case WAOT_CONST_GLOBAL_GET: return *globalCell(expr.index);
  case WAOT_CONST_SEQUENCE: return evaluateSequence(expr);
  }
  return {}; // unreachable: the reader checked every kind
}

// The reader checked the sequence's typing: every arithmetic instruction has
// two integer operands of its width below it.
waot_slot InstanceImpl::evaluateSequence(const waot_const_expr &expr) const {
  const waot_const_expr *ops = module_->artifact->const_ops + expr.index;
  std::vector<waot_slot> stack;
  for (std::uint64_t i = 0; i < expr.value; ++i) {
    const waot_const_expr &op = ops[i];
    if (op.kind < WAOT_CONST_I32_ADD || op.kind > WAOT_CONST_I64_MUL) {
      stack.push_back(evaluate(op));
      continue;
    }
    const std::uint64_t right = stack.back().lo;
    stack.pop_back();
    std::uint64_t &left = stack.back().lo;
    switch (op.kind) {
    case WAOT_CONST_I32_ADD: left = static_cast<std::uint32_t>(left + right); break;
    case WAOT_CONST_I32_SUB: left = static_cast<std::uint32_t>(left - right); break;
    case WAOT_CONST_I32_MUL: left = static_cast<std::uint32_t>(left * right); break;
    case WAOT_CONST_I64_ADD: left += right; break;
    case WAOT_CONST_I64_SUB: left -= right; break;
    case WAOT_CONST_I64_MUL: left *= right; break;
    }
  }
  return stack.back();
}

std::shared_ptr<FunctionData> InstanceImpl::functionForRecord(const waot_func *record) {
  const auto first = reinterpret_cast<std::uintptr_t>(definedFunctionRecords());
  const auto address = reinterpret_cast<std::uintptr_t>(record);
  const std::uintptr_t count = module_->artifact->num_functions;
  if (address < first || (address - first) % sizeof(waot_func) != 0 ||
      (address - first) / sizeof(waot_func) >= count)
    throw RuntimeError(
        "a function reference points into an instance but not at one of its functions");
  const auto index = static_cast<std::uint32_t>((address - first) / sizeof(waot_func));
  const std::uint32_t type = module_->artifact->functions[index].type_index;
  return std::make_shared<WasmFunctionData>(shared_from_this(), record, module_->types[type]);
}

Extern InstanceImpl::exportedExtern(ExternKind kind, std::uint32_t index) {
  const ModuleData &m = *module_;
  switch (kind) {
  case ExternKind::Function:
    if (index < m.numImportedFunctions) return importedFunctions_[index];
    return ApiAccess::function(std::make_shared<WasmFunctionData>(
        shared_from_this(), functionRecord(index), m.types[m.functionTypes[index]]));
  case ExternKind::Table:
    if (index < m.numImportedTables) return ApiAccess::table(tables_[index]);
    // The handle keeps this instance alive: its functions fill the table.
    return ApiAccess::table(std::shared_ptr<TableImpl>(shared_from_this(), tables_[index].get()));
  case ExternKind::Memory: return ApiAccess::memory(memories_[index]);
  case ExternKind::Global:
    if (index < m.numImportedGlobals) return ApiAccess::global(importedGlobals_[index]);
    return ApiAccess::global(
        std::make_shared<GlobalData>(m.globalTypes[index].type, m.globalTypes[index].isMutable,
                                     globalCell(index), shared_from_this(), &refOwners_));
  }
  throw Error("invalid export kind");
}

const waot_func *InstanceImpl::addCallerRecord(std::unique_ptr<CallerRecord> record) {
  callerRecords_.push_back(std::move(record));
  return callerRecords_.back()->record();
}

std::optional<Extern> InstanceImpl::exportNamed(std::string_view name) {
  const auto found = module_->exportIndex.find(name);
  if (found == module_->exportIndex.end()) return std::nullopt;
  const std::uint32_t i = found->second;
  return exportedExtern(module_->exports[i].kind, module_->artifact->exports[i].index);
}

std::shared_ptr<const ExportsData> InstanceImpl::buildExports() {
  auto exports = std::make_shared<ExportsData>();
  const waot_artifact &artifact = *module_->artifact;
  exports->ordered.reserve(artifact.num_exports);
  for (std::uint32_t i = 0; i < artifact.num_exports; ++i) {
    const ExportDescriptor &desc = module_->exports[i];
    exports->byName.emplace(desc.name, exports->ordered.size());
    exports->ordered.emplace_back(desc.name, exportedExtern(desc.kind, artifact.exports[i].index));
  }
  return exports;
}

InstanceImpl::Created InstanceImpl::instantiate(std::shared_ptr<const ModuleData> module,
                                                ResolvedImports imports,
                                                const InstanceLimits &limits) {
  auto instance =
      std::make_shared<InstanceImpl>(Token{}, std::move(module), std::move(imports), limits);
  registerContext(instance->context_, instance->module_->layout.total_size, instance);
  instance->registered_ = true;
  instance->createTablesAndMemories();
  instance->initializeGlobals();
  std::shared_ptr<const ExportsData> exports;
  try {
    instance->applyElemSegments();
    instance->applyDataSegments();
    exports = instance->buildExports();
    instance->runStartFunction();
  } catch (...) {
    instance->keepAliveThroughWrittenTables();
    throw;
  }
  return {std::move(instance), std::move(exports)};
}

void InstanceImpl::keepAliveThroughWrittenTables() {
  // Tables keep it alive only then: on success, a table this instance imports
  // holding it would form an ownership cycle (it holds the table) that is
  // never freed, so the embedder keeps successful instances alive instead.
  for (TableImpl *table : importedTablesWritten_)
    table->keepAlive(shared_from_this());
  // Such a failed instance and its imports are never freed, by design
  // (instance.hpp): not a leak for LeakSanitizer to report.
  if (!importedTablesWritten_.empty()) ignoreAsLeak(this);
}

} // namespace waot::detail

namespace waot {

Instance::Instance(const Module &module, const Imports &imports)
    : Instance(module, imports, InstanceLimits{}) {}

Instance::Instance(const Module &module, const Imports &imports, const InstanceLimits &limits)
    : module_(module) {
  const auto &data = detail::ApiAccess::data(module);
  auto created =
      detail::InstanceImpl::instantiate(data, detail::resolveImports(*data, imports), limits);
  impl_ = std::move(created.instance);
  exports_ = detail::ApiAccess::exports(std::move(created.exports));
}

} // namespace waot
