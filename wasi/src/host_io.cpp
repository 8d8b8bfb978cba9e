// Reading, writing and positioning: fd_read, fd_write, fd_pread, fd_pwrite,
// fd_seek, fd_tell, and fd_readdir.
#include "host.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace waot::wasi::detail {
namespace {

// Seeking and positional I/O need a file: a stream is ESPIPE, a directory
// EBADF (as wasmtime).
void requireSeekable(const FdEntry &entry) {
  if (entry.kind == FdKind::Stdin || entry.kind == FdKind::Stdout) fail(Errno::Spipe);
  if (entry.kind != FdKind::File) fail(Errno::Badf);
}

abi::Filetype filetypeOfDirent(int dir, const dirent &ent) {
  switch (ent.d_type) {
  case DT_REG: return abi::Filetype::RegularFile;
  case DT_DIR: return abi::Filetype::Directory;
  case DT_LNK: return abi::Filetype::SymbolicLink;
  case DT_CHR: return abi::Filetype::CharacterDevice;
  case DT_BLK: return abi::Filetype::BlockDevice;
  case DT_SOCK: return abi::Filetype::SocketStream;
  case DT_FIFO: return abi::Filetype::Unknown;
  default: {
    // Some file systems do not fill d_type: ask (without following).
    struct stat st;
    if (::fstatat(dir, ent.d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return abi::Filetype::Unknown;
    return filetypeOf(st.st_mode);
  }
  }
}

struct DirCloser {
  void operator()(DIR *dir) const noexcept { ::closedir(dir); }
};

} // namespace

u64 Host::readOrWrite(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, bool write,
                      const u64 *offset) {
  FdEntry &entry = fds_.get(fd);
  if (offset) requireSeekable(entry);
  switch (entry.kind) {
  case FdKind::Directory: fail(Errno::Badf);
  case FdKind::Stdin:
    if (write) fail(Errno::Badf);
    break;
  case FdKind::Stdout:
    if (!write) fail(Errno::Badf);
    break;
  case FdKind::File:
    if (!(entry.base & (write ? abi::rights::FdWrite : abi::rights::FdRead)))
      fail(Errno::NotCapable);
    break;
  }
  const GuestMemory::Iovecs vec = m.iovecs(iovs, iovsLen);
  const int host = entry.host.get();
  const int count = static_cast<int>(vec.size());
  if (offset && *offset > static_cast<u64>(std::numeric_limits<off_t>::max())) fail(Errno::Inval);
  const off_t at = offset ? static_cast<off_t>(*offset) : 0;
  if (count == 1) {
    // The common case (one buffer): plain read/write, cheaper in the kernel
    // than the vector forms.
    void *buffer = vec.data()->iov_base;
    const std::size_t length = vec.data()->iov_len;
    return static_cast<u64>(retrying([&] {
      if (write)
        return offset ? ::pwrite(host, buffer, length, at) : ::write(host, buffer, length);
      return offset ? ::pread(host, buffer, length, at) : ::read(host, buffer, length);
    }));
  }
  return static_cast<u64>(retrying([&] {
    if (write)
      return offset ? ::pwritev(host, vec.data(), count, at) : ::writev(host, vec.data(), count);
    return offset ? ::preadv(host, vec.data(), count, at) : ::readv(host, vec.data(), count);
  }));
}

Errno Host::fdRead(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u32 nreadOut) {
  return guarded([&] {
    m.bytes(nreadOut, 4);
    m.store<u32>(nreadOut, static_cast<u32>(readOrWrite(m, fd, iovs, iovsLen, false, nullptr)));
  });
}

Errno Host::fdWrite(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u32 nwrittenOut) {
  return guarded([&] {
    m.bytes(nwrittenOut, 4);
    m.store<u32>(nwrittenOut, static_cast<u32>(readOrWrite(m, fd, iovs, iovsLen, true, nullptr)));
  });
}

Errno Host::fdPread(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u64 offset, u32 nreadOut) {
  return guarded([&] {
    m.bytes(nreadOut, 4);
    m.store<u32>(nreadOut, static_cast<u32>(readOrWrite(m, fd, iovs, iovsLen, false, &offset)));
  });
}

// On a file opened with APPEND, Linux appends whatever the offset (wasmtime
// implements the same).
Errno Host::fdPwrite(GuestMemory &m, u32 fd, u32 iovs, u32 iovsLen, u64 offset, u32 nwrittenOut) {
  return guarded([&] {
    m.bytes(nwrittenOut, 4);
    m.store<u32>(nwrittenOut, static_cast<u32>(readOrWrite(m, fd, iovs, iovsLen, true, &offset)));
  });
}

Errno Host::fdSeek(GuestMemory &m, u32 fd, u64 offset, u32 whence, u32 newOffsetOut) {
  return guarded([&] {
    FdEntry &entry = fds_.get(fd);
    requireSeekable(entry);
    // Asking for the position only needs FD_TELL.
    const bool tellOnly = whence == abi::whence::Cur && offset == 0;
    if (!(entry.base &
          (tellOnly ? abi::rights::FdTell | abi::rights::FdSeek : abi::rights::FdSeek)))
      fail(Errno::NotCapable);
    int hostWhence;
    switch (whence) {
    case abi::whence::Set: hostWhence = SEEK_SET; break;
    case abi::whence::Cur: hostWhence = SEEK_CUR; break;
    case abi::whence::End: hostWhence = SEEK_END; break;
    default: fail(Errno::Inval);
    }
    m.bytes(newOffsetOut, 8);
    const off_t result = ::lseek(entry.host.get(), static_cast<off_t>(offset), hostWhence);
    if (result < 0) failFromErrno();
    m.store<u64>(newOffsetOut, static_cast<u64>(result));
  });
}

Errno Host::fdTell(GuestMemory &m, u32 fd, u32 offsetOut) {
  return guarded([&] {
    FdEntry &entry = fds_.get(fd);
    requireSeekable(entry);
    if (!(entry.base & abi::rights::FdTell)) fail(Errno::NotCapable);
    m.bytes(offsetOut, 8);
    const off_t result = ::lseek(entry.host.get(), 0, SEEK_CUR);
    if (result < 0) failFromErrno();
    m.store<u64>(offsetOut, static_cast<u64>(result));
  });
}

void Host::loadListing(FdEntry &entry) {
  // A descriptor of its own: readdir moves the offset of the one it reads.
  const int fd = ::openat(entry.host.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) failFromErrno();
  const std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
  if (!dir) {
    const int error = errno;
    ::close(fd);
    fail(errnoFromHost(error));
  }
  struct stat self;
  if (::fstat(fd, &self) != 0) failFromErrno();
  // "." and ".." first, as wasmtime; ".." carries the directory's own inode
  // (the parent of a preopen is outside the sandbox).
  std::vector<DirEntry> listing{{".", self.st_ino, abi::Filetype::Directory},
                                {"..", self.st_ino, abi::Filetype::Directory}};
  for (;;) {
    errno = 0;
    const dirent *ent = ::readdir(dir.get());
    if (!ent) {
      if (errno != 0) failFromErrno();
      break;
    }
    const std::string_view name = ent->d_name;
    if (name == "." || name == "..") continue;
    listing.push_back({std::string(name), ent->d_ino, filetypeOfDirent(fd, *ent)});
  }
  entry.listing = std::move(listing);
  entry.listed = true;
}

Errno Host::fdReaddir(GuestMemory &m, u32 fd, u32 buf, u32 bufLen, u64 cookie, u32 bufUsedOut) {
  return guarded([&] {
    FdEntry &entry = directory(fd, abi::rights::FdReaddir);
    const auto out = m.bytes(buf, bufLen);
    m.bytes(bufUsedOut, 4);
    // Cookie 0 starts a new listing; later cookies index the snapshot, so a
    // guest reading a directory in several calls sees one consistent list.
    if (cookie == 0 || !entry.listed) loadListing(entry);
    std::size_t used = 0;
    for (u64 i = cookie; i < entry.listing.size() && used < out.size(); ++i) {
      const DirEntry &de = entry.listing[i];
      std::uint8_t header[abi::dirent::Size] = {};
      const u64 next = i + 1;
      const auto namlen = static_cast<u32>(de.name.size());
      std::memcpy(header + abi::dirent::Next, &next, 8);
      std::memcpy(header + abi::dirent::Ino, &de.ino, 8);
      std::memcpy(header + abi::dirent::Namlen, &namlen, 4);
      header[abi::dirent::Type] = static_cast<std::uint8_t>(de.type);
      // The last entry is cut at the buffer's end: the guest sees a full
      // buffer and asks again from that entry's cookie with more room.
      const std::size_t headerBytes = std::min<std::size_t>(sizeof header, out.size() - used);
      std::memcpy(out.data() + used, header, headerBytes);
      used += headerBytes;
      const std::size_t nameBytes = std::min(de.name.size(), out.size() - used);
      std::memcpy(out.data() + used, de.name.data(), nameBytes);
      used += nameBytes;
    }
    m.store<u32>(bufUsedOut, static_cast<u32>(used));
  });
}

} // namespace waot::wasi::detail
