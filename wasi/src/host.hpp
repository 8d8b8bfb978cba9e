// The WASI state of one guest process and the 46 wasi_snapshot_preview1
// functions on it. Each function takes the caller's memory and the raw
// arguments (wasm i32 as uint32_t, i64 as uint64_t) and returns the errno
// the guest receives; only proc_exit throws (waot::wasi::Exit).
//
// Implementations: host_basic.cpp (args, environ, clocks, random, proc,
// sched, sockets), host_fd.cpp (descriptor attributes), host_io.cpp (reads,
// writes, seeking, fd_readdir), host_path.cpp (path_*), host_poll.cpp
// (poll_oneoff); define.cpp binds them to imports.
#pragma once

#include "abi.hpp"
#include "errors.hpp"
#include "fd_table.hpp"
#include "guest_memory.hpp"

#include "waot/wasi.hpp"

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <string>
#include <vector>

namespace waot::wasi::detail {

using u32 = std::uint32_t;
using u64 = std::uint64_t;
using abi::Errno;

// Runs a function body: a WasiError it throws becomes its errno.
template <class Body> Errno guarded(Body &&body) {
  try {
    body();
    return Errno::Success;
  } catch (const WasiError &error) {
    return error.code;
  }
}

class Host {
public:
  // Opens the preopens and duplicates the stdio descriptors (waot::Error
  // naming the host path or descriptor that cannot be used).
  explicit Host(const Config &config);

  FdTable &fds() noexcept { return fds_; }

  Errno argsGet(GuestMemory &m, u32 argv, u32 argvBuf);
  Errno argsSizesGet(GuestMemory &m, u32 argcOut, u32 bufSizeOut);
  Errno environGet(GuestMemory &m, u32 environ, u32 environBuf);
  Errno environSizesGet(GuestMemory &m, u32 countOut, u32 bufSizeOut);
  Errno clockResGet(GuestMemory &m, u32 id, u32 resolutionOut);
  Errno clockTimeGet(GuestMemory &m, u32 id, u64 precision, u32 timeOut);

  Errno fdAdvise(GuestMemory &m, u32 fd, u64 offset, u64 len, u32 advice);
  Errno fdAllocate(GuestMemory &m, u32 fd, u64 offset, u64 len);
  Errno fdClose(GuestMemory &m, u32 fd);
  Errno fdDatasync(GuestMemory &m, u32 fd);
  Errno fdFdstatGet(GuestMemory &m, u32 fd, u32 statOut);
  Errno fdFdstatSetFlags(GuestMemory &m, u32 fd, u32 flags);
  Errno fdFdstatSetRights(GuestMemory &m, u32 fd, u64 base, u64 inheriting);
  Errno fdFilestatGet(GuestMemory &m, u32 fd, u32 statOut);
  Errno fdFilestatSetSize(GuestMemory &m, u32 fd, u64 size);
  Errno fdFilestatSetTimes(GuestMemory &m, u32 fd, u64 atim, u64 mtim, u32 fstFlags);
  Errno fdPread(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u64 offset, u32 nreadOut);
  Errno fdPrestatGet(GuestMemory &m, u32 fd, u32 prestatOut);
  Errno fdPrestatDirName(GuestMemory &m, u32 fd, u32 path, u32 pathLen);
  Errno fdPwrite(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u64 offset, u32 nwrittenOut);
  Errno fdRead(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u32 nreadOut);
  Errno fdReaddir(GuestMemory &m, u32 fd, u32 buf, u32 bufLen, u64 cookie, u32 bufUsedOut);
  Errno fdRenumber(GuestMemory &m, u32 fd, u32 to);
  Errno fdSeek(GuestMemory &m, u32 fd, u64 offset, u32 whence, u32 newOffsetOut);
  Errno fdSync(GuestMemory &m, u32 fd);
  Errno fdTell(GuestMemory &m, u32 fd, u32 offsetOut);
  Errno fdWrite(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u32 nwrittenOut);

  Errno pathCreateDirectory(GuestMemory &m, u32 fd, u32 path, u32 pathLen);
  Errno pathFilestatGet(GuestMemory &m, u32 fd, u32 flags, u32 path, u32 pathLen, u32 statOut);
  Errno pathFilestatSetTimes(GuestMemory &m, u32 fd, u32 flags, u32 path, u32 pathLen, u64 atim,
                             u64 mtim, u32 fstFlags);
  Errno pathLink(GuestMemory &m, u32 oldFd, u32 oldFlags, u32 oldPath, u32 oldPathLen, u32 newFd,
                 u32 newPath, u32 newPathLen);
  Errno pathOpen(GuestMemory &m, u32 fd, u32 dirflags, u32 path, u32 pathLen, u32 oflags,
                 u64 rightsBase, u64 rightsInheriting, u32 fdflags, u32 fdOut);
  Errno pathReadlink(GuestMemory &m, u32 fd, u32 path, u32 pathLen, u32 buf, u32 bufLen,
                     u32 bufUsedOut);
  Errno pathRemoveDirectory(GuestMemory &m, u32 fd, u32 path, u32 pathLen);
  Errno pathRename(GuestMemory &m, u32 fd, u32 oldPath, u32 oldPathLen, u32 newFd, u32 newPath,
                   u32 newPathLen);
  Errno pathSymlink(GuestMemory &m, u32 oldPath, u32 oldPathLen, u32 fd, u32 newPath,
                    u32 newPathLen);
  Errno pathUnlinkFile(GuestMemory &m, u32 fd, u32 path, u32 pathLen);

  Errno pollOneoff(GuestMemory &m, u32 in, u32 out, u32 nsubscriptions, u32 neventsOut);
  [[noreturn]] void procExit(u32 code);
  Errno procRaise(u32 signal);
  Errno schedYield();
  Errno randomGet(GuestMemory &m, u32 buf, u32 bufLen);

  Errno sockAccept(GuestMemory &m, u32 fd, u32 flags, u32 fdOut);
  Errno sockRecv(GuestMemory &m, u32 fd, u32 riData, u32 riDataLen, u32 riFlags, u32 roDataLenOut,
                 u32 roFlagsOut);
  Errno sockSend(GuestMemory &m, u32 fd, u32 siData, u32 siDataLen, u32 siFlags, u32 soDataLenOut);
  Errno sockShutdown(GuestMemory &m, u32 fd, u32 how);

private:
  // The entry of `fd` when it is a directory (`notDir` otherwise: path_open
  // reports ENOTDIR for a file, the other path functions EBADF, as wasmtime)
  // with the right `needed` (ENOTCAPABLE).
  FdEntry &directory(u32 fd, abi::Rights needed, Errno notDir = Errno::Badf);
  // The entry of `fd` when it is a regular file (EBADF otherwise), with
  // `needed` (ENOTCAPABLE).
  FdEntry &file(u32 fd, abi::Rights needed);
  void loadListing(FdEntry &entry);
  u64 readOrWrite(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, bool write, const u64 *offset);

  std::vector<std::string> args_;
  std::vector<std::string> env_;
  FdTable fds_;
};

// WASI filetype of a stat mode.
abi::Filetype filetypeOf(mode_t mode) noexcept;
// Writes a filestat record at `out`.
void storeFilestat(GuestMemory &m, u32 out, const struct stat &st);
// Nanoseconds since the epoch of a timespec (saturating, never negative).
u64 nanoseconds(const struct timespec &ts) noexcept;
// The (atime, mtime) pair utimensat takes for fd/path_filestat_set_times;
// EINVAL for a time both given and "now", or unknown flag bits.
void timesFor(u64 atim, u64 mtim, u32 fstFlags, struct timespec out[2]);

} // namespace waot::wasi::detail
