// The path_* functions. Every path is resolved beneath its directory
// descriptor by sandbox.cpp; functions acting on a last component get its
// parent directory and name from resolveParent and use the *at() syscall,
// which does not follow the final component.
#include "host.hpp"

#include "sandbox.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace waot::wasi::detail {
namespace {

std::string readLinkOf(int linkFd) {
  std::string target(256, '\0');
  for (;;) {
    const ssize_t n = ::readlinkat(linkFd, "", target.data(), target.size());
    if (n < 0) {
      // An O_PATH descriptor of something that is not a link: readlinkat
      // says ENOENT; readlink(2) of a non-link is EINVAL.
      if (errno == ENOENT) fail(Errno::Inval);
      failFromErrno();
    }
    if (static_cast<std::size_t>(n) < target.size()) {
      target.resize(static_cast<std::size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

// open(2) flags for path_open's oflags, fdflags, lookup flags and the rights
// the new descriptor asks for.
int openFlags(u32 oflags, u32 fdflags, u32 dirflags, abi::Rights base) {
  namespace o = abi::oflags;
  namespace f = abi::fdflags;
  int flags = O_NOCTTY;
  const bool read = base & (abi::rights::FdRead | abi::rights::FdReaddir);
  const bool write =
      base & (abi::rights::FdWrite | abi::rights::FdAllocate | abi::rights::FdFilestatSetSize);
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & o::Creat) flags |= O_CREAT;
  if (oflags & o::Directory) flags |= O_DIRECTORY;
  if (oflags & o::Excl) flags |= O_EXCL;
  if (oflags & o::Trunc) flags |= O_TRUNC;
  if (fdflags & f::Append) flags |= O_APPEND;
  if (fdflags & f::Nonblock) flags |= O_NONBLOCK;
  if (fdflags & f::Dsync) flags |= O_DSYNC;
  if (fdflags & f::Sync) flags |= O_SYNC;
  if (fdflags & f::Rsync) flags |= O_RSYNC;
  if (!(dirflags & abi::lookupflags::SymlinkFollow)) flags |= O_NOFOLLOW;
  return flags;
}

} // namespace

Errno Host::pathCreateDirectory(GuestMemory &m, u32 fd, u32 path, u32 pathLen) {
  return guarded([&] {
    const FdEntry &dir = directory(fd, abi::rights::PathCreateDirectory);
    const auto target = resolveParent(dir.host.get(), m.string(path, pathLen));
    if (::mkdirat(target.dir.get(), target.name.c_str(), 0777) != 0) failFromErrno();
  });
}

Errno Host::pathFilestatGet(GuestMemory &m, u32 fd, u32 flags, u32 path, u32 pathLen, u32 statOut) {
  return guarded([&] {
    const FdEntry &dir = directory(fd, abi::rights::PathFilestatGet);
    const std::string_view name = m.string(path, pathLen);
    m.bytes(statOut, abi::filestat::Size);
    const struct stat st =
        statBeneath(dir.host.get(), name, flags & abi::lookupflags::SymlinkFollow);
    storeFilestat(m, statOut, st);
  });
}

Errno Host::pathFilestatSetTimes(GuestMemory &m, u32 fd, u32 flags, u32 path, u32 pathLen, u64 atim,
                                 u64 mtim, u32 fstFlags) {
  return guarded([&] {
    struct timespec times[2];
    timesFor(atim, mtim, fstFlags, times);
    const FdEntry &dir = directory(fd, abi::rights::PathFilestatSetTimes);
    const bool follow = flags & abi::lookupflags::SymlinkFollow;
    // The O_PATH descriptor is the file itself (or the link itself), so
    // utimensat cannot be redirected outside.
    const UniqueFd target =
        openBeneath(dir.host.get(), m.string(path, pathLen), O_PATH | (follow ? 0 : O_NOFOLLOW));
    if (::utimensat(target.get(), "", times, AT_EMPTY_PATH) != 0) failFromErrno();
  });
}

Errno Host::pathLink(GuestMemory &m, u32 oldFd, u32 oldFlags, u32 oldPath, u32 oldPathLen,
                     u32 newFd, u32 newPath, u32 newPathLen) {
  return guarded([&] {
    const FdEntry &from = directory(oldFd, abi::rights::PathLinkSource);
    const FdEntry &to = directory(newFd, abi::rights::PathLinkTarget);
    const std::string_view source = m.string(oldPath, oldPathLen);
    const std::string_view target = m.string(newPath, newPathLen);
    // As wasmtime: linking to what a symlink points at is not supported.
    if (oldFlags & abi::lookupflags::SymlinkFollow) fail(Errno::Inval);
    const auto src = resolveParent(from.host.get(), source);
    const auto dst = resolveParent(to.host.get(), target);
    if (::linkat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str(), 0) != 0)
      failFromErrno();
  });
}

Errno Host::pathOpen(GuestMemory &m, u32 fd, u32 dirflags, u32 path, u32 pathLen, u32 oflags,
                     u64 rightsBase, u64 rightsInheriting, u32 fdflags, u32 fdOut) {
  return guarded([&] {
    if (oflags & ~u32{abi::oflags::All} || fdflags & ~u32{abi::fdflags::All}) fail(Errno::Inval);
    const FdEntry &dir = directory(fd, abi::rights::PathOpen, Errno::NotDir);
    abi::Rights needed = 0;
    if (oflags & abi::oflags::Creat) needed |= abi::rights::PathCreateFile;
    if (oflags & abi::oflags::Trunc) needed |= abi::rights::PathFilestatSetSize;
    if ((dir.base & needed) != needed) fail(Errno::NotCapable);
    const std::string_view name = m.string(path, pathLen);
    m.bytes(fdOut, 4);

    FdEntry entry;
    entry.host =
        openBeneath(dir.host.get(), name, openFlags(oflags, fdflags, dirflags, rightsBase), 0666);
    struct stat st;
    if (::fstat(entry.host.get(), &st) != 0) failFromErrno();
    const bool isDir = S_ISDIR(st.st_mode);
    entry.kind = isDir ? FdKind::Directory : FdKind::File;
    entry.filetype = filetypeOf(st.st_mode);
    // A new descriptor gets what it asks for, as far as the directory may
    // pass it on and its type allows.
    entry.base = rightsBase & dir.inheriting & (isDir ? abi::rights::Directory : abi::rights::File);
    entry.inheriting = rightsInheriting & dir.inheriting;
    entry.fdflags = static_cast<std::uint16_t>(fdflags);
    m.store<u32>(fdOut, fds_.insert(std::move(entry)));
  });
}

Errno Host::pathReadlink(GuestMemory &m, u32 fd, u32 path, u32 pathLen, u32 buf, u32 bufLen,
                         u32 bufUsedOut) {
  return guarded([&] {
    const FdEntry &dir = directory(fd, abi::rights::PathReadlink);
    const std::string_view name = m.string(path, pathLen);
    m.bytes(buf, bufLen);
    m.bytes(bufUsedOut, 4);
    const UniqueFd link = openBeneath(dir.host.get(), name, O_PATH | O_NOFOLLOW);
    std::string target = readLinkOf(link.get());
    // As wasmtime: a short buffer receives the beginning of the target.
    if (target.size() > bufLen) target.resize(bufLen);
    m.write(buf, target);
    m.store<u32>(bufUsedOut, static_cast<u32>(target.size()));
  });
}

Errno Host::pathRemoveDirectory(GuestMemory &m, u32 fd, u32 path, u32 pathLen) {
  return guarded([&] {
    const FdEntry &dir = directory(fd, abi::rights::PathRemoveDirectory);
    const auto target = resolveParent(dir.host.get(), m.string(path, pathLen));
    if (::unlinkat(target.dir.get(), target.name.c_str(), AT_REMOVEDIR) != 0) failFromErrno();
  });
}

Errno Host::pathRename(GuestMemory &m, u32 fd, u32 oldPath, u32 oldPathLen, u32 newFd, u32 newPath,
                       u32 newPathLen) {
  return guarded([&] {
    const FdEntry &from = directory(fd, abi::rights::PathRenameSource);
    const FdEntry &to = directory(newFd, abi::rights::PathRenameTarget);
    const std::string_view source = m.string(oldPath, oldPathLen);
    const std::string_view target = m.string(newPath, newPathLen);
    const auto src = resolveParent(from.host.get(), source);
    const auto dst = resolveParent(to.host.get(), target);
    if (::renameat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str()) != 0)
      failFromErrno();
  });
}

// An absolute target could only lead out of the sandbox: refused, as in
// wasmtime (with kEscapeErrno, like every escape here). A relative target is
// stored as given; resolution refuses to follow it above the directory.
Errno Host::pathSymlink(GuestMemory &m, u32 oldPath, u32 oldPathLen, u32 fd, u32 newPath,
                        u32 newPathLen) {
  return guarded([&] {
    const std::string contents(m.string(oldPath, oldPathLen));
    const FdEntry &dir = directory(fd, abi::rights::PathSymlink);
    if (!contents.empty() && contents.front() == '/') fail(kEscapeErrno);
    const auto link = resolveParent(dir.host.get(), m.string(newPath, newPathLen));
    if (::symlinkat(contents.c_str(), link.dir.get(), link.name.c_str()) != 0) failFromErrno();
  });
}

Errno Host::pathUnlinkFile(GuestMemory &m, u32 fd, u32 path, u32 pathLen) {
  return guarded([&] {
    const FdEntry &dir = directory(fd, abi::rights::PathUnlinkFile);
    const auto target = resolveParent(dir.host.get(), m.string(path, pathLen));
    if (::unlinkat(target.dir.get(), target.name.c_str(), 0) != 0) failFromErrno();
  });
}

} // namespace waot::wasi::detail
