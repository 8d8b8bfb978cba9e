#include "fd_table.hpp"

#include "errors.hpp"

#include <limits>

namespace waot::wasi::detail {

FdEntry &FdTable::get(std::uint32_t fd) {
  const auto it = entries_.find(fd);
  if (it == entries_.end()) fail(abi::Errno::Badf);
  return it->second;
}

std::uint32_t FdTable::insert(FdEntry entry) {
  // The map is ordered: the first gap in the keys is the lowest free number.
  std::uint32_t fd = 0;
  for (const auto &[used, _] : entries_) {
    if (used != fd) break;
    if (fd == std::numeric_limits<std::uint32_t>::max()) fail(abi::Errno::Nfile);
    ++fd;
  }
  entries_.emplace(fd, std::move(entry));
  return fd;
}

void FdTable::place(std::uint32_t fd, FdEntry entry) {
  entries_.insert_or_assign(fd, std::move(entry));
}

void FdTable::close(std::uint32_t fd) {
  if (entries_.erase(fd) == 0) fail(abi::Errno::Badf);
}

void FdTable::renumber(std::uint32_t from, std::uint32_t to) {
  auto source = entries_.find(from);
  if (source == entries_.end() || !entries_.contains(to)) fail(abi::Errno::Badf);
  if (from == to) return;
  FdEntry moved = std::move(source->second);
  entries_.erase(source);
  entries_.insert_or_assign(to, std::move(moved)); // closes what `to` held
}

} // namespace waot::wasi::detail
