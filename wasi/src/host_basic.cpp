// The Host's setup and the functions that touch no file: arguments,
// environment, clocks, random bytes, process control, sockets; and the
// helpers the other host_*.cpp files share.
#include "host.hpp"

#include "sandbox.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>

namespace waot::wasi {

Exit::Exit(int code) noexcept : code_(code) {
  std::snprintf(message_, sizeof message_, "WASI proc_exit(%d)", code);
}

namespace detail {
namespace {

FdEntry stdioEntry(int hostFd, FdKind kind, const char *what) {
  const int fd = ::fcntl(hostFd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    throw Error(std::string("WASI: cannot use host descriptor ") + std::to_string(hostFd) + " as " +
                what + ": " + std::strerror(errno));
  FdEntry entry;
  entry.host.reset(fd);
  entry.kind = kind;
  // Streams, as in wasmtime: a terminal is a character device, anything
  // else (a pipe, a redirected file) an unknown type.
  entry.filetype = ::isatty(fd) ? abi::Filetype::CharacterDevice : abi::Filetype::Unknown;
  entry.base = entry.inheriting =
      (kind == FdKind::Stdin ? abi::rights::FdRead : abi::rights::FdWrite) |
      abi::rights::PollFdReadwrite;
  return entry;
}

FdEntry preopenEntry(const Preopen &preopen) {
  const int fd = ::open(preopen.host.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw Error("WASI: cannot open directory '" + preopen.host.string() + "' to preopen as '" +
                preopen.guest + "': " + std::strerror(errno));
  FdEntry entry;
  entry.host.reset(fd);
  entry.kind = FdKind::Directory;
  entry.filetype = abi::Filetype::Directory;
  entry.base = abi::rights::Directory;
  entry.inheriting = abi::rights::All;
  entry.preopen = preopen.guest;
  return entry;
}

::clockid_t hostClock(u32 id) {
  switch (id) {
  case abi::clockid::Realtime: return CLOCK_REALTIME;
  case abi::clockid::Monotonic: return CLOCK_MONOTONIC;
  case abi::clockid::ProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
  case abi::clockid::ThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
  }
  fail(Errno::Inval);
}

// Writes a pointer array and the NUL-terminated strings it points to (argv
// or environ layout).
void storeStrings(GuestMemory &m, const std::vector<std::string> &strings, u32 pointers, u32 buf) {
  for (const std::string &s : strings) {
    m.store<u32>(pointers, buf);
    pointers += 4;
    m.write(buf, s);
    m.store<std::uint8_t>(buf + static_cast<u32>(s.size()), 0);
    buf += static_cast<u32>(s.size()) + 1;
  }
}

void storeSizes(GuestMemory &m, const std::vector<std::string> &strings, u32 countOut,
                u32 sizeOut) {
  u64 total = 0;
  for (const std::string &s : strings)
    total += s.size() + 1;
  if (strings.size() > std::numeric_limits<u32>::max() || total > std::numeric_limits<u32>::max())
    fail(Errno::Overflow);
  m.store<u32>(countOut, static_cast<u32>(strings.size()));
  m.store<u32>(sizeOut, static_cast<u32>(total));
}

} // namespace

Host::Host(const Config &config) : args_(config.args), env_(config.env) {
  fds_.place(0, stdioEntry(config.stdinFd, FdKind::Stdin, "stdin"));
  fds_.place(1, stdioEntry(config.stdoutFd, FdKind::Stdout, "stdout"));
  fds_.place(2, stdioEntry(config.stderrFd, FdKind::Stdout, "stderr"));
  u32 fd = 3;
  for (const Preopen &preopen : config.preopens)
    fds_.place(fd++, preopenEntry(preopen));
}

FdEntry &Host::directory(u32 fd, abi::Rights needed, Errno notDir) {
  FdEntry &entry = fds_.get(fd);
  if (entry.kind != FdKind::Directory) fail(entry.kind == FdKind::File ? notDir : Errno::Badf);
  if ((entry.base & needed) != needed) fail(Errno::NotCapable);
  return entry;
}

FdEntry &Host::file(u32 fd, abi::Rights needed) {
  FdEntry &entry = fds_.get(fd);
  if (entry.kind != FdKind::File) fail(Errno::Badf);
  if ((entry.base & needed) != needed) fail(Errno::NotCapable);
  return entry;
}

Errno Host::argsGet(GuestMemory &m, u32 argv, u32 argvBuf) {
  return guarded([&] { storeStrings(m, args_, argv, argvBuf); });
}

Errno Host::argsSizesGet(GuestMemory &m, u32 argcOut, u32 bufSizeOut) {
  return guarded([&] { storeSizes(m, args_, argcOut, bufSizeOut); });
}

Errno Host::environGet(GuestMemory &m, u32 environ, u32 environBuf) {
  return guarded([&] { storeStrings(m, env_, environ, environBuf); });
}

Errno Host::environSizesGet(GuestMemory &m, u32 countOut, u32 bufSizeOut) {
  return guarded([&] { storeSizes(m, env_, countOut, bufSizeOut); });
}

Errno Host::clockResGet(GuestMemory &m, u32 id, u32 resolutionOut) {
  return guarded([&] {
    struct timespec ts;
    if (::clock_getres(hostClock(id), &ts) != 0) failFromErrno();
    m.store<u64>(resolutionOut, nanoseconds(ts));
  });
}

Errno Host::clockTimeGet(GuestMemory &m, u32 id, u64, u32 timeOut) {
  return guarded([&] {
    struct timespec ts;
    if (::clock_gettime(hostClock(id), &ts) != 0) failFromErrno();
    m.store<u64>(timeOut, nanoseconds(ts));
  });
}

void Host::procExit(u32 code) { throw Exit(static_cast<int>(code)); }

// Signals are not part of the sandbox's capabilities (wasmtime: ENOTSUP).
Errno Host::procRaise(u32) { return Errno::NotSup; }

Errno Host::schedYield() {
  ::sched_yield();
  return Errno::Success;
}

Errno Host::randomGet(GuestMemory &m, u32 buf, u32 bufLen) {
  return guarded([&] {
    const auto bytes = m.bytes(buf, bufLen);
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::getrandom(bytes.data() + done, bytes.size() - done, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        failFromErrno();
      }
      done += static_cast<std::size_t>(n);
    }
  });
}

// No socket is ever opened through WASI preview1 here: a valid descriptor is
// not a socket (ENOTSOCK), an invalid one EBADF, as in wasmtime.
Errno Host::sockAccept(GuestMemory &, u32 fd, u32, u32) {
  return guarded([&] {
    fds_.get(fd);
    fail(Errno::NotSock);
  });
}

Errno Host::sockRecv(GuestMemory &, u32 fd, u32, u32, u32, u32, u32) {
  return guarded([&] {
    fds_.get(fd);
    fail(Errno::NotSock);
  });
}

Errno Host::sockSend(GuestMemory &, u32 fd, u32, u32, u32, u32) {
  return guarded([&] {
    fds_.get(fd);
    fail(Errno::NotSock);
  });
}

Errno Host::sockShutdown(GuestMemory &, u32 fd, u32) {
  return guarded([&] {
    fds_.get(fd);
    fail(Errno::NotSock);
  });
}

abi::Filetype filetypeOf(mode_t mode) noexcept {
  switch (mode & S_IFMT) {
  case S_IFREG: return abi::Filetype::RegularFile;
  case S_IFDIR: return abi::Filetype::Directory;
  case S_IFLNK: return abi::Filetype::SymbolicLink;
  case S_IFCHR: return abi::Filetype::CharacterDevice;
  case S_IFBLK: return abi::Filetype::BlockDevice;
  case S_IFSOCK: return abi::Filetype::SocketStream;
  default: return abi::Filetype::Unknown; // preview1 has no FIFO type
  }
}

u64 nanoseconds(const struct timespec &ts) noexcept {
  if (ts.tv_sec < 0) return 0;
  const u64 seconds = static_cast<u64>(ts.tv_sec);
  constexpr u64 max = std::numeric_limits<u64>::max();
  if (seconds > (max - static_cast<u64>(ts.tv_nsec)) / 1'000'000'000) return max;
  return seconds * 1'000'000'000 + static_cast<u64>(ts.tv_nsec);
}

void storeFilestat(GuestMemory &m, u32 out, const struct stat &st) {
  const auto record = m.bytes(out, abi::filestat::Size);
  std::memset(record.data(), 0, record.size());
  namespace f = abi::filestat;
  m.store<u64>(out + f::Dev, st.st_dev);
  m.store<u64>(out + f::Ino, st.st_ino);
  m.store<std::uint8_t>(out + f::Filetype, static_cast<std::uint8_t>(filetypeOf(st.st_mode)));
  m.store<u64>(out + f::Nlink, st.st_nlink);
  m.store<u64>(out + f::FileSize, static_cast<u64>(st.st_size));
  m.store<u64>(out + f::Atim, nanoseconds(st.st_atim));
  m.store<u64>(out + f::Mtim, nanoseconds(st.st_mtim));
  m.store<u64>(out + f::Ctim, nanoseconds(st.st_ctim));
}

void timesFor(u64 atim, u64 mtim, u32 fstFlags, struct timespec out[2]) {
  namespace fst = abi::fstflags;
  if (fstFlags & ~u32{fst::All}) fail(Errno::Inval);
  const auto one = [](bool set, bool now, u64 time, struct timespec &ts) {
    if (set && now) fail(Errno::Inval);
    if (set) {
      ts.tv_sec = static_cast<time_t>(time / 1'000'000'000);
      ts.tv_nsec = static_cast<long>(time % 1'000'000'000);
    } else {
      ts.tv_sec = 0;
      ts.tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
    }
  };
  one(fstFlags & fst::Atim, fstFlags & fst::AtimNow, atim, out[0]);
  one(fstFlags & fst::Mtim, fstFlags & fst::MtimNow, mtim, out[1]);
}

} // namespace detail
} // namespace waot::wasi
