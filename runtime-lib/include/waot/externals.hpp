// Memories, tables and globals: created by the host or exported by an
// instance, importable by any instance (shared ownership).
#pragma once

#include "waot/function.hpp"
#include "waot/types.hpp"
#include "waot/value.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <variant>

namespace waot {

namespace detail {
class MemoryImpl;
class TableImpl;
class GlobalData;
} // namespace detail

// A linear memory: 32-bit, or 64-bit (memory64) when its limits say
// `is64`. Its base address never changes (the whole range is reserved up
// front), so data() stays valid across grow(). A 64-bit memory's type may
// declare up to 2^48 pages; it grows to 65536 pages (4 GiB) here.
// Not safe to grow from one thread while another thread uses it.
class Memory {
public:
  // TypeError for limits the memory cannot have (min > max, more than 65536
  // pages for a 32-bit memory, 2^48 for a 64-bit one); RuntimeError when the
  // address space or the initial pages cannot be had.
  explicit Memory(Limits limits);

  std::uint8_t *data() const noexcept;
  std::size_t size() const noexcept; // in bytes
  // Grows by `deltaPages`; returns the old size in pages. RuntimeError when
  // the maximum would be exceeded.
  std::uint32_t grow(std::uint32_t deltaPages);
  // The current size in pages, the declared maximum and the address type.
  Limits limits() const noexcept;

private:
  friend struct detail::ApiAccess;
  Memory(detail::InternalTag, std::shared_ptr<detail::MemoryImpl> impl) noexcept;
  std::shared_ptr<detail::MemoryImpl> impl_;
};

// A table of funcref or externref. References stored through this API keep
// their function alive for as long as the table lives.
class Table {
public:
  // TypeError when `elem` is not a reference type, `init` does not match it
  // or the limits are impossible.
  Table(ValType elem, Limits limits, const Value &init);

  std::uint32_t size() const noexcept;
  // RuntimeError "out of bounds table access" for an index >= size().
  Value get(std::uint32_t index) const;
  void set(std::uint32_t index, const Value &value);
  // Returns the old size; RuntimeError when the maximum would be exceeded.
  std::uint32_t grow(std::uint32_t delta, const Value &init);
  ValType elementType() const noexcept;
  // The current size, the declared maximum and the index type (a 64-bit
  // table: `is64`).
  Limits limits() const noexcept;

private:
  friend struct detail::ApiAccess;
  Table(detail::InternalTag, std::shared_ptr<detail::TableImpl> impl) noexcept;
  std::shared_ptr<detail::TableImpl> impl_;
};

class Global {
public:
  Global(const Value &init, bool isMutable);

  Value get() const;
  // TypeError if the global is immutable or `value` has another type.
  void set(const Value &value);
  ValType type() const noexcept;
  bool isMutable() const noexcept;

private:
  friend struct detail::ApiAccess;
  Global(detail::InternalTag, std::shared_ptr<detail::GlobalData> data) noexcept;
  std::shared_ptr<detail::GlobalData> data_;
};

using Extern = std::variant<Function, Table, Memory, Global>;

ExternKind kindOf(const Extern &value) noexcept;

} // namespace waot
