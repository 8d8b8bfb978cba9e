// Descriptor attributes and lifetime: fd_advise, fd_allocate, fd_close,
// fd_datasync, fd_sync, fd_fdstat_*, fd_filestat_*, fd_prestat_*,
// fd_renumber.
#include "host.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace waot::wasi::detail {
namespace {

// WASI numbers advice normal, sequential, random, ...; Linux swaps the
// second and third.
int hostAdvice(u32 advice) {
  switch (advice) {
  case 0: return POSIX_FADV_NORMAL;
  case 1: return POSIX_FADV_SEQUENTIAL;
  case 2: return POSIX_FADV_RANDOM;
  case 3: return POSIX_FADV_WILLNEED;
  case 4: return POSIX_FADV_DONTNEED;
  case 5: return POSIX_FADV_NOREUSE;
  }
  fail(Errno::Inval);
}

// posix_fadvise/posix_fallocate return the error instead of setting errno.
void check(int error) {
  if (error != 0) fail(errnoFromHost(error));
}

void syncEntry(FdEntry &entry, abi::Rights needed, int (*sync)(int)) {
  // Directories too (unlike wasmtime): fsync on a directory makes renames
  // and creations in it durable.
  if (entry.kind != FdKind::File && entry.kind != FdKind::Directory) fail(Errno::Badf);
  if ((entry.base & needed) != needed) fail(Errno::NotCapable);
  if (sync(entry.host.get()) != 0) failFromErrno();
}

} // namespace

Errno Host::fdAdvise(GuestMemory &, u32 fd, u64 offset, u64 len, u32 advice) {
  return guarded([&] {
    FdEntry &entry = file(fd, abi::rights::FdAdvise);
    check(::posix_fadvise(entry.host.get(), static_cast<off_t>(offset), static_cast<off_t>(len),
                          hostAdvice(advice)));
  });
}

Errno Host::fdAllocate(GuestMemory &, u32 fd, u64 offset, u64 len) {
  return guarded([&] {
    FdEntry &entry = file(fd, abi::rights::FdAllocate);
    check(::posix_fallocate(entry.host.get(), static_cast<off_t>(offset), static_cast<off_t>(len)));
  });
}

Errno Host::fdClose(GuestMemory &, u32 fd) {
  return guarded([&] { fds_.close(fd); });
}

Errno Host::fdDatasync(GuestMemory &, u32 fd) {
  return guarded([&] { syncEntry(fds_.get(fd), abi::rights::FdDatasync, ::fdatasync); });
}

Errno Host::fdSync(GuestMemory &, u32 fd) {
  return guarded([&] { syncEntry(fds_.get(fd), abi::rights::FdSync, ::fsync); });
}

Errno Host::fdFdstatGet(GuestMemory &m, u32 fd, u32 statOut) {
  return guarded([&] {
    const FdEntry &entry = fds_.get(fd);
    namespace s = abi::fdstat;
    const auto record = m.bytes(statOut, s::Size);
    std::memset(record.data(), 0, record.size());
    m.store<std::uint8_t>(statOut + s::Filetype, static_cast<std::uint8_t>(entry.filetype));
    m.store<std::uint16_t>(statOut + s::Flags, entry.fdflags);
    m.store<u64>(statOut + s::RightsBase, entry.base);
    m.store<u64>(statOut + s::RightsInheriting, entry.inheriting);
  });
}

Errno Host::fdFdstatSetFlags(GuestMemory &, u32 fd, u32 flags) {
  return guarded([&] {
    FdEntry &entry = file(fd, abi::rights::FdFdstatSetFlags);
    namespace f = abi::fdflags;
    // As wasmtime: only APPEND and NONBLOCK can change after opening.
    if (flags & ~u32{f::All} || flags & (f::Dsync | f::Rsync | f::Sync)) fail(Errno::Inval);
    const int current = ::fcntl(entry.host.get(), F_GETFL);
    if (current < 0) failFromErrno();
    int updated = current & ~(O_APPEND | O_NONBLOCK);
    if (flags & f::Append) updated |= O_APPEND;
    if (flags & f::Nonblock) updated |= O_NONBLOCK;
    if (::fcntl(entry.host.get(), F_SETFL, updated) != 0) failFromErrno();
    entry.fdflags = static_cast<std::uint16_t>((entry.fdflags & ~(f::Append | f::Nonblock)) |
                                               (flags & (f::Append | f::Nonblock)));
  });
}

Errno Host::fdFdstatSetRights(GuestMemory &, u32 fd, u64 base, u64 inheriting) {
  return guarded([&] {
    FdEntry &entry = fds_.get(fd);
    // Rights can only be dropped.
    if ((base & ~entry.base) != 0 || (inheriting & ~entry.inheriting) != 0) fail(Errno::NotCapable);
    entry.base = base;
    entry.inheriting = inheriting;
  });
}

Errno Host::fdFilestatGet(GuestMemory &m, u32 fd, u32 statOut) {
  return guarded([&] {
    const FdEntry &entry = fds_.get(fd);
    if (entry.kind == FdKind::Stdin || entry.kind == FdKind::Stdout) {
      // Streams have no file attributes (wasmtime: zeros and the type).
      const auto record = m.bytes(statOut, abi::filestat::Size);
      std::memset(record.data(), 0, record.size());
      m.store<std::uint8_t>(statOut + abi::filestat::Filetype,
                            static_cast<std::uint8_t>(entry.filetype));
      return;
    }
    if (!(entry.base & abi::rights::FdFilestatGet)) fail(Errno::NotCapable);
    struct stat st;
    if (::fstat(entry.host.get(), &st) != 0) failFromErrno();
    storeFilestat(m, statOut, st);
  });
}

Errno Host::fdFilestatSetSize(GuestMemory &, u32 fd, u64 size) {
  return guarded([&] {
    FdEntry &entry = file(fd, abi::rights::FdFilestatSetSize);
    if (size > static_cast<u64>(std::numeric_limits<off_t>::max())) fail(Errno::Inval);
    if (::ftruncate(entry.host.get(), static_cast<off_t>(size)) != 0) failFromErrno();
  });
}

Errno Host::fdFilestatSetTimes(GuestMemory &, u32 fd, u64 atim, u64 mtim, u32 fstFlags) {
  return guarded([&] {
    struct timespec times[2];
    timesFor(atim, mtim, fstFlags, times);
    FdEntry &entry = fds_.get(fd);
    if (entry.kind != FdKind::File && entry.kind != FdKind::Directory) fail(Errno::Badf);
    if (!(entry.base & abi::rights::FdFilestatSetTimes)) fail(Errno::NotCapable);
    if (::futimens(entry.host.get(), times) != 0) failFromErrno();
  });
}

Errno Host::fdPrestatGet(GuestMemory &m, u32 fd, u32 prestatOut) {
  return guarded([&] {
    const FdEntry &entry = fds_.get(fd);
    if (!entry.preopen) fail(Errno::Badf);
    if (entry.preopen->size() > std::numeric_limits<u32>::max()) fail(Errno::Overflow);
    const auto record = m.bytes(prestatOut, abi::prestat::Size);
    std::memset(record.data(), 0, record.size());
    m.store<std::uint8_t>(prestatOut + abi::prestat::Tag, abi::PreopentypeDir);
    m.store<u32>(prestatOut + abi::prestat::NameLen, static_cast<u32>(entry.preopen->size()));
  });
}

Errno Host::fdPrestatDirName(GuestMemory &m, u32 fd, u32 path, u32 pathLen) {
  return guarded([&] {
    const FdEntry &entry = fds_.get(fd);
    if (!entry.preopen) fail(Errno::NotDir); // wasmtime's (legacy) errno
    m.bytes(path, pathLen);                  // the whole buffer the guest claims to have
    if (entry.preopen->size() > pathLen) fail(Errno::NameTooLong);
    m.write(path, *entry.preopen);
  });
}

Errno Host::fdRenumber(GuestMemory &, u32 fd, u32 to) {
  return guarded([&] { fds_.renumber(fd, to); });
}

} // namespace waot::wasi::detail
