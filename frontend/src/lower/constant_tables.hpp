// Tables whose contents are known at compile time, so that call_indirect
// through them can call its possible targets directly (emit_call.cpp).
// Internal to the frontend's lowering library.
#pragma once

#include "waot/frontend/module.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace waot::frontend::lower {

// The elements of a table after instantiation, which nothing can change
// afterwards.
struct ConstantTable {
  // Per element, the function it refers to (nullopt: null).
  std::vector<std::optional<std::uint32_t>> elements;
  // The indices of the elements referring to a function of each signature,
  // in increasing order, keyed by the signature's canonical type index.
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> elementsBySignature;
};

// A call_indirect through a constant table becomes direct calls when at most
// this many elements have its signature (more would bloat every call site).
inline constexpr std::size_t kMaxKnownCallTargets = 16;

struct ConstantTables {
  // Per table: its constant contents, or nullopt when they may change or are
  // not known at compile time.
  std::vector<std::optional<ConstantTable>> tables;
  // Per type index, the first type index with the same signature (function
  // types are equal when structurally equal). Empty when no table is constant.
  std::vector<std::uint32_t> canonicalType;

  // The elements a call_indirect of `typeIndex` through `table` calls
  // directly: the elements of constant table `table` referring to a function
  // of that signature, when there are 1 to kMaxKnownCallTargets of them; else
  // nullptr (the generic path).
  const std::vector<std::uint32_t> *knownCallTargets(std::uint32_t table,
                                                     std::uint32_t typeIndex) const;
};

// A table is constant when it is defined (not imported), not exported (the
// host never sees it), holds funcrefs, is written by no instruction (per
// wasm.codeFacts; without them no table is constant), has at most
// kMaxConstantTableElements elements and is filled only by active segments
// with constant offsets and function references that fit it.
inline constexpr std::uint64_t kMaxConstantTableElements = 1u << 16;
ConstantTables findConstantTables(const Module &wasm);

} // namespace waot::frontend::lower
