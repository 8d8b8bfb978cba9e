// Instantiation's last steps: element segments, data segments (each bounds
// checked and applied in order, so a trap leaves earlier writes in place),
// then the start function.
#include "instance_impl.hpp"

#include "data_image.hpp"
#include "memory_impl.hpp"

#include "waot/errors.hpp"

#include <algorithm>

namespace waot::detail {

void InstanceImpl::applyElemSegments() {
  const waot_artifact &artifact = *module_->artifact;
  elemSegments_.resize(artifact.num_elems);
  for (std::uint32_t i = 0; i < artifact.num_elems; ++i) {
    const waot_elem_desc &desc = artifact.elems[i];
    // Items are evaluated once, at instantiation (they are references).
    std::vector<void *> items(desc.count);
    for (std::uint32_t j = 0; j < desc.count; ++j)
      items[j] = reinterpret_cast<void *>(static_cast<std::uintptr_t>(evaluate(desc.items[j]).lo));
    if (desc.mode == WAOT_SEGMENT_PASSIVE) {
      elemSegments_[i] = std::move(items);
      continue;
    }
    if (desc.mode == WAOT_SEGMENT_ACTIVE) {
      TableImpl &table = *tables_[desc.table];
      // An i32 offset, or an i64 one for a 64-bit table.
      const std::uint64_t offset = table.limits().is64
                                       ? evaluate(desc.offset).lo
                                       : static_cast<std::uint32_t>(evaluate(desc.offset).lo);
      if (offset > table.size() || items.size() > table.size() - offset)
        throw RuntimeError(TrapKind::TableOutOfBounds);
      table.store(static_cast<std::uint32_t>(offset), items);
      const bool anyReference =
          std::any_of(items.begin(), items.end(), [](void *p) { return p != nullptr; });
      if (desc.table < module_->numImportedTables && anyReference)
        importedTablesWritten_.push_back(&table);
    }
    // Active segments once applied, and declarative ones, are dropped.
  }
}

void InstanceImpl::applyDataSegments() {
  const waot_artifact &artifact = *module_->artifact;
  dataSegments_.resize(artifact.num_datas);
  for (std::uint32_t i = 0; i < artifact.num_datas; ++i) {
    const waot_data_desc &desc = artifact.datas[i];
    if (desc.mode == WAOT_SEGMENT_PASSIVE) {
      dataSegments_[i] =
          std::span<const std::uint8_t>(desc.bytes, static_cast<std::size_t>(desc.size));
      continue;
    }
    MemoryImpl &memory = *memories_[desc.memory];
    // An i32 offset, or an i64 one for a 64-bit memory.
    const std::uint64_t offset = memory.is64()
                                     ? evaluate(desc.offset).lo
                                     : static_cast<std::uint32_t>(evaluate(desc.offset).lo);
    if (offset > memory.sizeInBytes() || desc.size > memory.sizeInBytes() - offset)
      throw RuntimeError(TrapKind::MemoryOutOfBounds);
    writeDataSegment(module_->dataImage.get(), memory, i, offset, desc.bytes, desc.size);
  }
}

void InstanceImpl::runStartFunction() {
  const std::uint32_t start = module_->artifact->start_function;
  if (start == UINT32_MAX) return;
  waot_slot unused{}; // () -> (): the entry trampoline reads and writes no slot
  callRecord(*functionRecord(start), &unused, stackBytes());
}

} // namespace waot::detail
