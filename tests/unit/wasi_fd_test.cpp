// The descriptor table and the fd_* functions: readdir cookies across
// calls, renumber and close, rights, the errno of each kind of descriptor,
// positional I/O, preopens, poll_oneoff's clocks.
#include "wasi_test_support.hpp"

#include <set>

namespace waot::wasi::test {
namespace {

constexpr u32 Root = 3;

class WasiFd : public testing::Test {
protected:
  void SetUp() override {
    fs::create_directories(tree_.path() / "sub");
    writeFile(tree_.path() / "data", "0123456789");
    host_.emplace(makeHost(tree_.path()));
  }

  // Opens `path` under the root; the new fd.
  u32 open(std::string_view path, abi::Rights rights, u32 oflags = 0, u32 fdflags = 0) {
    const auto [p, len] = mem_.string(path);
    const u32 out = mem_.alloc(4);
    EXPECT_EQ(host_->pathOpen(m_, Root, 0, p, len, oflags, rights, rights, fdflags, out),
              Errno::Success)
        << path;
    return mem_.load<u32>(out);
  }

  // An iovec array of one buffer of `size` bytes at `buf`.
  u32 iovec(u32 buf, u32 size) {
    const u32 at = mem_.alloc(8);
    mem_.store<u32>(at, buf);
    mem_.store<u32>(at + 4, size);
    return at;
  }

  // Reads a directory through fd_readdir with a buffer of `bufSize` bytes,
  // resuming at the cookie of the last complete entry after each call.
  std::vector<std::string> readdirAll(u32 fd, u32 bufSize, std::set<u64> *cookies = nullptr) {
    const u32 buf = mem_.alloc(bufSize), used = mem_.alloc(4);
    std::vector<std::string> names;
    u64 cookie = 0;
    for (int calls = 0; calls < 1000; ++calls) {
      EXPECT_EQ(host_->fdReaddir(m_, fd, buf, bufSize, cookie, used), Errno::Success);
      const u32 n = mem_.load<u32>(used);
      u32 at = 0;
      while (at + abi::dirent::Size <= n) {
        const u64 next = mem_.load<u64>(buf + at + abi::dirent::Next);
        const u32 namlen = mem_.load<u32>(buf + at + abi::dirent::Namlen);
        if (at + abi::dirent::Size + namlen > n) break; // cut: ask again from `cookie`
        names.emplace_back(
            reinterpret_cast<char *>(mem_.bytes().data()) + buf + at + abi::dirent::Size, namlen);
        if (cookies) cookies->insert(next);
        cookie = next;
        at += abi::dirent::Size + namlen;
      }
      if (n < bufSize) return names; // the end of the directory
    }
    ADD_FAILURE() << "fd_readdir never reached the end";
    return names;
  }

  TempTree tree_;
  FakeMemory mem_{1 << 20};
  detail::GuestMemory m_ = mem_.view();
  std::optional<detail::Host> host_;
};

TEST_F(WasiFd, ReaddirCookiesResumeAcrossCalls) {
  std::set<std::string> expected{".", "..", "data", "sub"};
  for (int i = 0; i < 40; ++i) {
    const std::string name = "file-with-a-longish-name-" + std::to_string(i);
    writeFile(tree_.path() / name, "");
    expected.insert(name);
  }
  const u32 dir = open(".", abi::rights::FdReaddir, abi::oflags::Directory);
  // Buffers from "the longest entry and a bit" to "everything at once": most
  // calls end with a cut entry, read again from its cookie.
  for (u32 size : {51u, 57u, 100u, 256u, 4096u}) {
    SCOPED_TRACE(size);
    std::set<u64> cookies;
    const std::vector<std::string> names = readdirAll(dir, size, &cookies);
    EXPECT_EQ(names.size(), expected.size()); // each entry once
    EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected);
    EXPECT_EQ(cookies.size(), expected.size()); // distinct cookies
    EXPECT_EQ(names[0], ".");
    EXPECT_EQ(names[1], "..");
  }
  // A cookie past the end reads nothing.
  const u32 buf = mem_.alloc(64), used = mem_.alloc(4);
  EXPECT_EQ(host_->fdReaddir(m_, dir, buf, 64, 10'000, used), Errno::Success);
  EXPECT_EQ(mem_.load<u32>(used), 0u);
  // Readdir needs a directory with FD_READDIR.
  const u32 file = open("data", abi::rights::FdRead);
  EXPECT_EQ(host_->fdReaddir(m_, file, buf, 64, 0, used), Errno::Badf);
  const u32 noRight = open("sub", 0, abi::oflags::Directory);
  EXPECT_EQ(host_->fdReaddir(m_, noRight, buf, 64, 0, used), Errno::NotCapable);
}

TEST_F(WasiFd, ReaddirReportsTypes) {
  fs::create_symlink("data", tree_.path() / "link");
  const u32 buf = mem_.alloc(4096), used = mem_.alloc(4);
  ASSERT_EQ(host_->fdReaddir(m_, Root, buf, 4096, 0, used), Errno::Success);
  std::map<std::string, abi::Filetype> types;
  for (u32 at = 0; at < mem_.load<u32>(used);) {
    const u32 namlen = mem_.load<u32>(buf + at + abi::dirent::Namlen);
    const std::string name(reinterpret_cast<char *>(mem_.bytes().data()) + buf + at + 24, namlen);
    types[name] = static_cast<abi::Filetype>(mem_.load<std::uint8_t>(buf + at + abi::dirent::Type));
    at += 24 + namlen;
  }
  EXPECT_EQ(types["data"], abi::Filetype::RegularFile);
  EXPECT_EQ(types["sub"], abi::Filetype::Directory);
  EXPECT_EQ(types["link"], abi::Filetype::SymbolicLink);
  EXPECT_EQ(types["."], abi::Filetype::Directory);
}

TEST_F(WasiFd, RenumberAndClose) {
  const u32 a = open("data", abi::rights::FdRead | abi::rights::FdSeek);
  const u32 b = open("sub", abi::rights::FdReaddir, abi::oflags::Directory);
  EXPECT_EQ(a, 4u); // the lowest free numbers after the preopen
  EXPECT_EQ(b, 5u);
  EXPECT_EQ(host_->fdRenumber(m_, a, 99), Errno::Badf); // the target must be open
  EXPECT_EQ(host_->fdRenumber(m_, 98, b), Errno::Badf);
  EXPECT_EQ(host_->fdRenumber(m_, a, a), Errno::Success);
  ASSERT_EQ(host_->fdRenumber(m_, a, b), Errno::Success);
  // b is now the file, a is closed.
  const u32 stat = mem_.alloc(24);
  ASSERT_EQ(host_->fdFdstatGet(m_, b, stat), Errno::Success);
  EXPECT_EQ(mem_.load<std::uint8_t>(stat), static_cast<std::uint8_t>(abi::Filetype::RegularFile));
  EXPECT_EQ(host_->fdFdstatGet(m_, a, stat), Errno::Badf);
  EXPECT_EQ(host_->fdClose(m_, b), Errno::Success);
  EXPECT_EQ(host_->fdClose(m_, b), Errno::Badf);
  // Freed numbers are reused, lowest first.
  EXPECT_EQ(open("data", abi::rights::FdRead), 4u);
  // A preopen can be renumbered and closed like any descriptor.
  EXPECT_EQ(host_->fdRenumber(m_, Root, 4), Errno::Success);
  const u32 prestat = mem_.alloc(8);
  EXPECT_EQ(host_->fdPrestatGet(m_, Root, prestat), Errno::Badf);
  EXPECT_EQ(host_->fdPrestatGet(m_, 4, prestat), Errno::Success);
  EXPECT_EQ(mem_.load<u32>(prestat + 4), 1u); // "/"
}

TEST_F(WasiFd, RightsCanOnlyShrink) {
  const u32 fd = open("data", abi::rights::FdRead | abi::rights::FdSeek | abi::rights::FdTell);
  const u32 buf = mem_.alloc(16), n = mem_.alloc(4);
  const u32 iov = iovec(buf, 4);
  EXPECT_EQ(host_->fdRead(m_, fd, iov, 1, n), Errno::Success);
  EXPECT_EQ(host_->fdWrite(m_, fd, iov, 1, n), Errno::NotCapable); // never asked for
  EXPECT_EQ(host_->fdFdstatSetRights(m_, fd, abi::rights::FdSeek | abi::rights::FdTell, 0),
            Errno::Success);
  EXPECT_EQ(host_->fdRead(m_, fd, iov, 1, n), Errno::NotCapable);
  EXPECT_EQ(host_->fdFdstatSetRights(m_, fd, abi::rights::FdSeek | abi::rights::FdRead, 0),
            Errno::NotCapable);
  // The preopen passes on only its inheriting rights.
  EXPECT_EQ(host_->fdFdstatSetRights(m_, Root, abi::rights::Directory, abi::rights::FdSeek),
            Errno::Success);
  const u32 limited = open("data", abi::rights::FdRead | abi::rights::FdSeek);
  const u32 stat = mem_.alloc(24);
  ASSERT_EQ(host_->fdFdstatGet(m_, limited, stat), Errno::Success);
  EXPECT_EQ(mem_.load<u64>(stat + abi::fdstat::RightsBase), abi::rights::FdSeek);
  // Truncating through path_open needs PATH_FILESTAT_SET_SIZE on the directory.
  EXPECT_EQ(host_->fdFdstatSetRights(m_, Root, abi::rights::PathOpen, abi::rights::FdSeek),
            Errno::Success);
  const auto [p, len] = mem_.string("data");
  EXPECT_EQ(host_->pathOpen(m_, Root, 0, p, len, abi::oflags::Trunc, 0, 0, 0, mem_.alloc(4)),
            Errno::NotCapable);
  EXPECT_EQ(readFile(tree_.path() / "data"), "0123456789");
}

TEST_F(WasiFd, ErrnoByDescriptorKind) {
  const u32 dir = open("sub", abi::rights::FdReaddir, abi::oflags::Directory);
  const u32 buf = mem_.alloc(16), out = mem_.alloc(8);
  const u32 iov = iovec(buf, 4);
  EXPECT_EQ(host_->fdWrite(m_, dir, iov, 1, out), Errno::Badf);
  EXPECT_EQ(host_->fdRead(m_, dir, iov, 1, out), Errno::Badf);
  EXPECT_EQ(host_->fdSeek(m_, dir, 0, abi::whence::Cur, out), Errno::Badf);
  EXPECT_EQ(host_->fdTell(m_, dir, out), Errno::Badf);
  EXPECT_EQ(host_->fdFilestatSetSize(m_, dir, 0), Errno::Badf);
  EXPECT_EQ(host_->fdAllocate(m_, dir, 0, 1), Errno::Badf);
  // Streams: no seeking or positional I/O; no reading stdout, no writing stdin.
  EXPECT_EQ(host_->fdSeek(m_, 1, 0, abi::whence::Set, out), Errno::Spipe);
  EXPECT_EQ(host_->fdPwrite(m_, 1, iov, 1, 0, out), Errno::Spipe);
  EXPECT_EQ(host_->fdPread(m_, 0, iov, 1, 0, out), Errno::Spipe);
  EXPECT_EQ(host_->fdRead(m_, 1, iov, 1, out), Errno::Badf);
  EXPECT_EQ(host_->fdWrite(m_, 0, iov, 1, out), Errno::Badf);
  // A file as the directory of path_open is ENOTDIR, of other path functions EBADF.
  const u32 file = open("data", abi::rights::FdRead);
  const auto [p, len] = mem_.string("x");
  EXPECT_EQ(host_->pathOpen(m_, file, 0, p, len, 0, 0, 0, 0, out), Errno::NotDir);
  EXPECT_EQ(host_->pathCreateDirectory(m_, file, p, len), Errno::Badf);
  EXPECT_EQ(host_->fdClose(m_, 77), Errno::Badf);
  EXPECT_EQ(host_->sockShutdown(m_, 77, 0), Errno::Badf);
  EXPECT_EQ(host_->sockShutdown(m_, file, 0), Errno::NotSock);
  EXPECT_EQ(host_->fdPrestatDirName(m_, file, buf, 16), Errno::NotDir);
  EXPECT_EQ(host_->fdPrestatDirName(m_, Root, buf, 0), Errno::NameTooLong);
}

TEST_F(WasiFd, PositionalIoLeavesTheOffset) {
  const abi::Rights rw =
      abi::rights::FdRead | abi::rights::FdWrite | abi::rights::FdSeek | abi::rights::FdTell;
  const u32 fd = open("data", rw);
  const u32 buf = mem_.alloc(16), out = mem_.alloc(8);
  ASSERT_EQ(host_->fdSeek(m_, fd, 2, abi::whence::Set, out), Errno::Success);
  ASSERT_EQ(host_->fdPread(m_, fd, iovec(buf, 3), 1, 5, out), Errno::Success);
  EXPECT_EQ(mem_.load<u32>(out), 3u);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(mem_.bytes().data()) + buf, 3), "567");
  ASSERT_EQ(host_->fdTell(m_, fd, out), Errno::Success);
  EXPECT_EQ(mem_.load<u64>(out), 2u);
  ASSERT_EQ(host_->fdSeek(m_, fd, static_cast<u64>(-3), abi::whence::End, out), Errno::Success);
  EXPECT_EQ(mem_.load<u64>(out), 7u);
  EXPECT_EQ(host_->fdSeek(m_, fd, static_cast<u64>(-100), abi::whence::Cur, out), Errno::Inval);
  EXPECT_EQ(host_->fdSeek(m_, fd, 0, 3, out), Errno::Inval);
  // APPEND set later through fd_fdstat_set_flags: writes go to the end.
  ASSERT_EQ(host_->fdFdstatSetFlags(m_, fd, abi::fdflags::Append), Errno::NotCapable);
  const u32 appender = open("data", rw | abi::rights::FdFdstatSetFlags);
  ASSERT_EQ(host_->fdFdstatSetFlags(m_, appender, abi::fdflags::Append), Errno::Success);
  EXPECT_EQ(host_->fdFdstatSetFlags(m_, appender, abi::fdflags::Sync), Errno::Inval);
  const auto [text, textLen] = mem_.string("AB");
  ASSERT_EQ(host_->fdWrite(m_, appender, iovec(text, textLen), 1, out), Errno::Success);
  EXPECT_EQ(readFile(tree_.path() / "data"), "0123456789AB");
  const u32 stat = mem_.alloc(24);
  ASSERT_EQ(host_->fdFdstatGet(m_, appender, stat), Errno::Success);
  EXPECT_EQ(mem_.load<std::uint16_t>(stat + abi::fdstat::Flags), abi::fdflags::Append);
}

TEST_F(WasiFd, PollOneoffClocks) {
  const u32 subs = mem_.alloc(2 * 48), events = mem_.alloc(2 * 32), n = mem_.alloc(4);
  // A relative 1 ms monotonic timer and a 10 s one: only the first fires.
  for (u32 i = 0; i < 2; ++i) {
    const u32 at = subs + i * 48;
    mem_.store<u64>(at, 100 + i); // userdata
    mem_.store<std::uint8_t>(at + 8, abi::eventtype::Clock);
    mem_.store<u32>(at + 16, abi::clockid::Monotonic);
    mem_.store<u64>(at + 24, i == 0 ? 1'000'000 : 10'000'000'000ull);
    mem_.store<std::uint16_t>(at + 40, 0);
  }
  ASSERT_EQ(host_->pollOneoff(m_, subs, events, 2, n), Errno::Success);
  EXPECT_EQ(mem_.load<u32>(n), 1u);
  EXPECT_EQ(mem_.load<u64>(events), 100u);
  EXPECT_EQ(mem_.load<std::uint8_t>(events + 10), abi::eventtype::Clock);
  EXPECT_EQ(host_->pollOneoff(m_, subs, events, 0, n), Errno::Inval);
  // A regular file is always ready to read, with its remaining bytes.
  const u32 fd = open("data", abi::rights::FdRead);
  mem_.store<std::uint8_t>(subs + 8, abi::eventtype::FdRead);
  mem_.store<u32>(subs + 16, fd);
  ASSERT_EQ(host_->pollOneoff(m_, subs, events, 1, n), Errno::Success);
  EXPECT_EQ(mem_.load<u32>(n), 1u);
  EXPECT_EQ(mem_.load<u64>(events + 16), 10u);
}

TEST_F(WasiFd, ExitIsAnException) {
  try {
    host_->procExit(3);
    FAIL() << "proc_exit returned";
  } catch (const Exit &exit) {
    EXPECT_EQ(exit.code(), 3);
  }
  EXPECT_EQ(host_->procRaise(9), Errno::NotSup);
  EXPECT_EQ(host_->schedYield(), Errno::Success);
}

TEST(WasiContext, PreopenErrorsNameTheHostPath) {
  Config config;
  config.preopens = {{"/nonexistent/waot-wasi-test", "/"}};
  try {
    Context context(config);
    FAIL() << "no error";
  } catch (const Error &error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/waot-wasi-test"), std::string::npos);
  }
  config.preopens.clear();
  config.stdinFd = 12345; // not open
  EXPECT_THROW(Context{config}, Error);
}

} // namespace
} // namespace waot::wasi::test
