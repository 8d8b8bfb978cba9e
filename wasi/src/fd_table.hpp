// The guest's descriptor table: guest fd numbers → host descriptors with
// the WASI state kept beside them (kind, rights, fdflags, the preopen name,
// a directory listing for fd_readdir's cookies).
#pragma once

#include "abi.hpp"
#include "unique_fd.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace waot::wasi::detail {

// Stdin/Stdout are streams (stdout and stderr alike): no seeking, no
// positional I/O, as in wasmtime. Files and directories are host files.
enum class FdKind : std::uint8_t { Stdin, Stdout, File, Directory };

// One entry of a directory as fd_readdir reports it. The cookie of entry i
// (its d_next) is i + 1.
struct DirEntry {
  std::string name;
  std::uint64_t ino;
  abi::Filetype type;
};

struct FdEntry {
  UniqueFd host;
  FdKind kind = FdKind::File;
  abi::Filetype filetype = abi::Filetype::Unknown;
  abi::Rights base = 0;
  abi::Rights inheriting = 0;
  std::uint16_t fdflags = 0;
  std::optional<std::string> preopen; // the guest name of a preopened directory
  // fd_readdir's snapshot of the directory, taken at cookie 0 so that
  // cookies stay meaningful across the calls that read one listing.
  std::vector<DirEntry> listing;
  bool listed = false;
};

class FdTable {
public:
  // EBADF when `fd` is not open.
  FdEntry &get(std::uint32_t fd);
  bool contains(std::uint32_t fd) const { return entries_.contains(fd); }
  // Gives the entry the lowest free number (as POSIX open does).
  std::uint32_t insert(FdEntry entry);
  // Places the entry at `fd` (used to set up 0, 1, 2 and the preopens).
  void place(std::uint32_t fd, FdEntry entry);
  // EBADF when `fd` is not open; closes the host descriptor.
  void close(std::uint32_t fd);
  // fd_renumber: both must be open (EBADF otherwise, as the suite expects);
  // `to` is closed and `from` takes its number.
  void renumber(std::uint32_t from, std::uint32_t to);

private:
  std::map<std::uint32_t, FdEntry> entries_;
};

} // namespace waot::wasi::detail
