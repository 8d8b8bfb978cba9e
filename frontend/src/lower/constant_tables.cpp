#include "constant_tables.hpp"

#include <map>
#include <utility>

namespace waot::frontend::lower {
namespace {

// Whether the host can reach the table: only exports hand tables out.
bool isExported(const Module &wasm, std::uint32_t table) {
  for (const Export &ex : wasm.exports)
    if (ex.kind == ExternKind::Table && ex.index == table) return true;
  return false;
}

bool mayBeConstant(const Module &wasm, std::uint32_t table) {
  return table >= wasm.numImportedTables && wasm.codeFacts &&
         !wasm.codeFacts->tablesWrittenByCode.at(table) &&
         wasm.tables[table].elemType == ValType::FuncRef &&
         wasm.tables[table].limits.min <= kMaxConstantTableElements && !isExported(wasm, table);
}

// Applies the active segments for `table` in order, as instantiation does.
// nullopt when an offset or an element is not a constant (an imported
// global) or a segment does not fit (instantiation fails then).
std::optional<ConstantTable> evaluateSegments(const Module &wasm, std::uint32_t table) {
  ConstantTable contents;
  contents.elements.resize(wasm.tables[table].limits.min);
  for (const ElemSegment &segment : wasm.elems) {
    if (segment.mode != SegmentMode::Active || segment.table != table) continue;
    // An i32 offset, or an i64 one of a 64-bit table (table64).
    if (segment.offset.kind != ConstExpr::Kind::I32 && segment.offset.kind != ConstExpr::Kind::I64)
      return std::nullopt;
    const std::uint64_t offset = segment.offset.kind == ConstExpr::Kind::I32
                                     ? static_cast<std::uint32_t>(segment.offset.bits)
                                     : segment.offset.bits;
    if (offset > contents.elements.size() ||
        segment.items.size() > contents.elements.size() - offset)
      return std::nullopt;
    for (std::size_t i = 0; i < segment.items.size(); ++i) {
      const ConstExpr &item = segment.items[i];
      std::optional<std::uint32_t> &element = contents.elements[offset + i];
      if (item.kind == ConstExpr::Kind::RefFunc)
        element = item.index;
      else if (item.kind == ConstExpr::Kind::RefNull)
        element.reset();
      else
        return std::nullopt;
    }
  }
  return contents;
}

std::vector<std::uint32_t> canonicalTypes(const Module &wasm) {
  std::map<std::pair<std::vector<ValType>, std::vector<ValType>>, std::uint32_t> first;
  std::vector<std::uint32_t> canonical(wasm.types.size());
  for (std::uint32_t type = 0; type < wasm.types.size(); ++type)
    canonical[type] =
        first.try_emplace({wasm.types[type].params, wasm.types[type].results}, type).first->second;
  return canonical;
}

} // namespace

const std::vector<std::uint32_t> *ConstantTables::knownCallTargets(std::uint32_t table,
                                                                   std::uint32_t typeIndex) const {
  if (table >= tables.size() || !tables[table]) return nullptr;
  const auto &bySignature = tables[table]->elementsBySignature;
  const auto found = bySignature.find(canonicalType.at(typeIndex));
  if (found == bySignature.end() || found->second.size() > kMaxKnownCallTargets) return nullptr;
  return &found->second; // never empty: only present signatures have entries
}

ConstantTables findConstantTables(const Module &wasm) {
  ConstantTables result;
  result.tables.resize(wasm.tables.size());
  for (std::uint32_t table = 0; table < wasm.tables.size(); ++table)
    if (mayBeConstant(wasm, table)) result.tables[table] = evaluateSegments(wasm, table);

  for (std::optional<ConstantTable> &table : result.tables) {
    if (!table) continue;
    if (result.canonicalType.empty()) result.canonicalType = canonicalTypes(wasm);
    for (std::uint32_t element = 0; element < table->elements.size(); ++element)
      if (const std::optional<std::uint32_t> function = table->elements[element])
        table->elementsBySignature[result.canonicalType.at(wasm.functionTypes.at(*function))]
            .push_back(element);
  }
  return result;
}

} // namespace waot::frontend::lower
