// An instance: its context block (the layout abi.h defines, read by
// generated code), the memories, tables and globals it owns or imports, and
// its segments. Construction steps follow the spec's instantiation order.
#pragma once

#include "function_data.hpp"
#include "global_data.hpp"
#include "memory_impl.hpp"
#include "module_data.hpp"
#include "owner_set.hpp"
#include "table_impl.hpp"

#include "waot/abi.h"
#include "waot/instance.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace waot::detail {

// The imports of one instantiation, per kind in declaration order.
struct ResolvedImports {
  std::vector<Function> functions;
  std::vector<std::shared_ptr<TableImpl>> tables; // the providers' handles
  std::vector<std::shared_ptr<MemoryImpl>> memories;
  std::vector<std::shared_ptr<GlobalData>> globals;
};

// "Read the imports" of the JS API: TypeError for a missing namespace,
// LinkError for a missing or mismatched import.
ResolvedImports resolveImports(const ModuleData &module, const Imports &imports);

struct ExportsData {
  std::vector<std::pair<std::string, Extern>> ordered;
  std::map<std::string, std::size_t, std::less<>> byName;
};

class InstanceImpl : public std::enable_shared_from_this<InstanceImpl> {
  struct Token {};

public:
  struct Created {
    std::shared_ptr<InstanceImpl> instance;
    std::shared_ptr<const ExportsData> exports;
  };

  // Everything after import resolution: RuntimeError on a trap.
  static Created instantiate(std::shared_ptr<const ModuleData> module, ResolvedImports imports,
                             const InstanceLimits &limits);

  InstanceImpl(Token, std::shared_ptr<const ModuleData> module, ResolvedImports imports,
               const InstanceLimits &limits);
  ~InstanceImpl();
  InstanceImpl(const InstanceImpl &) = delete;
  InstanceImpl &operator=(const InstanceImpl &) = delete;

  static InstanceImpl &fromContext(void *ctx) noexcept {
    return *static_cast<InstanceImpl *>(static_cast<waot_ctx_header *>(ctx)->instance);
  }

  const ModuleData &module() const noexcept { return *module_; }
  // InstanceLimits::maxStackBytes (0: none): the stack outermost calls into
  // this instance run on.
  std::size_t stackBytes() const noexcept {
    return limits_.maxStackBytes ? static_cast<std::size_t>(*limits_.maxStackBytes) : 0;
  }
  OwnerSet &refOwners() noexcept { return refOwners_; }

  // For the builtins: nullptr / empty for an index out of range; dropped
  // segments are empty.
  MemoryImpl *memory(std::uint32_t index) const noexcept {
    return index < memories_.size() ? memories_[index].get() : nullptr;
  }
  TableImpl *table(std::uint32_t index) const noexcept {
    return index < tables_.size() ? tables_[index].get() : nullptr;
  }
  std::span<const std::uint8_t> dataSegment(std::uint32_t index) const noexcept {
    return index < dataSegments_.size() ? dataSegments_[index] : std::span<const std::uint8_t>();
  }
  std::span<void *const> elemSegment(std::uint32_t index) const noexcept {
    return index < elemSegments_.size() ? std::span<void *const>(elemSegments_[index])
                                        : std::span<void *const>();
  }
  void dropData(std::uint32_t index) noexcept {
    if (index < dataSegments_.size()) dataSegments_[index] = {};
  }
  void dropElem(std::uint32_t index) noexcept {
    if (index < elemSegments_.size()) std::vector<void *>().swap(elemSegments_[index]);
  }

  // Keeps `record` (a host import's record naming this instance as caller)
  // for this instance's lifetime; returns its waot_func.
  const waot_func *addCallerRecord(std::unique_ptr<CallerRecord> record);
  // The export `name`, built on demand (for waot::Caller); nullopt when
  // there is none.
  std::optional<Extern> exportNamed(std::string_view name);

  // The function whose record (in this context) is `record`.
  std::shared_ptr<FunctionData> functionForRecord(const waot_func *record);
  // The record of function `functionIndex` (imported: the exporter's; defined:
  // the one in this context, filled on first use so that instantiation costs
  // nothing per function), or nullptr for an index the module does not have.
  // Safe to call from several threads.
  const waot_func *functionRecord(std::uint32_t functionIndex) const noexcept;

  // Interruption (modules compiled interruptible; see Instance::interrupt).
  bool interruptible() const noexcept {
    return (module_->artifact->flags & WAOT_ARTIFACT_INTERRUPTIBLE) != 0;
  }
  // Sets / clears the context word interruptible code checks. Any thread.
  void requestInterrupt() noexcept {
    std::atomic_ref<std::uint32_t>(header().interrupt_requested)
        .store(1, std::memory_order_release);
  }
  void clearInterrupt() noexcept {
    std::atomic_ref<std::uint32_t>(header().interrupt_requested)
        .store(0, std::memory_order_release);
  }

private:
  template <class T> T *contextArray(std::uint32_t offset) const noexcept {
    return reinterpret_cast<T *>(context_ + offset);
  }
  waot_ctx_header &header() const noexcept { return *contextArray<waot_ctx_header>(0); }
  waot_func *definedFunctionRecords() const noexcept {
    return contextArray<waot_func>(module_->layout.defined_funcs);
  }
  waot_global_cell *definedGlobalCells() const noexcept {
    return contextArray<waot_global_cell>(module_->layout.defined_globals);
  }

  void bindImportedFunctions();
  void allocateContext();
  // Appends defined memory `definedIndex` to memories_ (see MemoryImpl for
  // `prefixBytes`).
  void createDefinedMemory(std::uint32_t definedIndex, std::size_t prefixBytes);
  void createTablesAndMemories();
  void initializeGlobals();
  void applyElemSegments();
  void applyDataSegments();
  void runStartFunction();
  // After a failed instantiation nobody holds this instance, yet the spec
  // wants the functions its segments stored in imported tables to stay
  // callable: those tables keep it alive from now on.
  void keepAliveThroughWrittenTables();
  std::shared_ptr<const ExportsData> buildExports();
  Extern exportedExtern(ExternKind kind, std::uint32_t index);

  waot_slot evaluate(const waot_const_expr &expr) const;
  waot_slot evaluateSequence(const waot_const_expr &expr) const;
  waot_global_cell *globalCell(std::uint32_t globalIndex) const noexcept;

  struct FreeDeleter {
    void operator()(std::byte *p) const noexcept { std::free(p); }
  };

  std::shared_ptr<const ModuleData> module_;
  InstanceLimits limits_;
  // The context: in the pages below a defined memory 0 (abi.h,
  // waot_ctx_memory0_offset; owned by that memory), else malloc'd here.
  std::unique_ptr<std::byte, FreeDeleter> ownedContext_;
  std::byte *context_ = nullptr;
  // One bit per defined function: its record in the context is filled.
  std::unique_ptr<std::atomic<std::uint64_t>[]> recordsFilled_;
  std::vector<Function> importedFunctions_;
  std::vector<std::unique_ptr<CallerRecord>> callerRecords_;
  std::vector<std::shared_ptr<MemoryImpl>> memories_; // imported first
  std::vector<std::shared_ptr<TableImpl>> tables_;    // imported first
  std::vector<std::shared_ptr<GlobalData>> importedGlobals_;
  std::vector<std::span<const std::uint8_t>> dataSegments_; // into the artifact; empty once dropped
  std::vector<std::vector<void *>> elemSegments_; // resolved references; empty once dropped
  OwnerSet refOwners_; // what the host stored into this instance's globals
  // Imported tables our element segments wrote function references into.
  std::vector<TableImpl *> importedTablesWritten_;
  bool registered_ = false;
};

} // namespace waot::detail
