// The sandbox: paths resolve strictly beneath their directory descriptor,
// with openat2 and with the forced user-space walk. A file outside the
// preopened root must keep its content, size and times whatever the guest
// tries (`..`, absolute paths, symlinks with absolute or relative targets,
// links the guest creates itself, loops).
#include "wasi_test_support.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <optional>

namespace waot::wasi::test {
namespace {

using detail::ResolveMethod;

constexpr u32 Root = 3; // the preopen
constexpr u32 Follow = abi::lookupflags::SymlinkFollow;
constexpr abi::Rights ReadWrite = abi::rights::FdRead | abi::rights::FdWrite;

class WasiSandbox : public testing::TestWithParam<ResolveMethod> {
protected:
  void SetUp() override {
    root_ = tree_.path() / "root";
    outside_ = tree_.path() / "outside";
    secret_ = outside_ / "secret";
    fs::create_directories(root_ / "dir" / "nested");
    fs::create_directories(outside_);
    writeFile(root_ / "file", "inside");
    writeFile(secret_, "secret content");
    // A known, old modification time: any touch would change it.
    const struct timespec times[2] = {{1'000'000'000, 0}, {1'000'000'000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, secret_.c_str(), times, 0), 0);
    const auto link = [&](const std::string &target, const char *name) {
      fs::create_symlink(target, root_ / name);
    };
    link(secret_.string(), "abs");            // absolute, to the outside file
    link(outside_.string(), "absdir");        // absolute, to the outside directory
    link("../outside/secret", "rel");         // relative, escaping
    link("../outside", "reldir");             // relative directory, escaping
    link("dir/../../outside/secret", "deep"); // escaping after a detour
    link("loop2", "loop1");
    link("loop1", "loop2");
    link("self", "self");
    link("dir/nested", "inner"); // stays inside
    link("dir/..", "up");        // stays inside
    link("file", "tofile");      // stays inside
    before_ = stat(secret_);
    host_.emplace(makeHost(root_));
  }

  static struct stat stat(const fs::path &path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
  }

  void expectOutsideUnchanged() {
    EXPECT_EQ(readFile(secret_), "secret content");
    const struct stat now = stat(secret_);
    EXPECT_EQ(now.st_size, before_.st_size);
    EXPECT_EQ(now.st_mtim.tv_sec, before_.st_mtim.tv_sec);
    EXPECT_EQ(now.st_ino, before_.st_ino);
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(outside_))
      names.push_back(entry.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"secret"});
  }

  Errno open(std::string_view path, u32 lookup, u32 oflags, abi::Rights rights = ReadWrite) {
    const auto [p, len] = mem_.string(path);
    return host_->pathOpen(m_, Root, lookup, p, len, oflags, rights, 0, 0, mem_.alloc(4));
  }
  Errno statPath(std::string_view path, u32 lookup) {
    const auto [p, len] = mem_.string(path);
    return host_->pathFilestatGet(m_, Root, lookup, p, len, mem_.alloc(64));
  }
  Errno touch(std::string_view path, u32 lookup) {
    const auto [p, len] = mem_.string(path);
    return host_->pathFilestatSetTimes(m_, Root, lookup, p, len, 0, 0,
                                       abi::fstflags::AtimNow | abi::fstflags::MtimNow);
  }
  std::pair<u32, u32> str(std::string_view text) { return mem_.string(text); }

  MethodScope method_{GetParam()};
  TempTree tree_;
  fs::path root_, outside_, secret_;
  struct stat before_ {};
  FakeMemory mem_;
  detail::GuestMemory m_ = mem_.view();
  std::optional<detail::Host> host_;
};

TEST_P(WasiSandbox, EscapingPathsAreRefused) {
  for (const std::string &path :
       std::vector<std::string>{"..", "../outside/secret", "dir/../../outside/secret",
                                "dir/nested/../../../outside/secret", "/etc/passwd",
                                secret_.string(), "abs", "absdir/secret", "rel", "reldir/secret",
                                "deep", "up/../outside/secret", "inner/../../../outside/secret"}) {
    SCOPED_TRACE(path);
    // Opening to write and truncate, following symlinks.
    EXPECT_EQ(open(path, Follow, abi::oflags::Creat | abi::oflags::Trunc), detail::kEscapeErrno);
    EXPECT_EQ(statPath(path, Follow), detail::kEscapeErrno);
    EXPECT_EQ(touch(path, Follow), detail::kEscapeErrno);
  }
  expectOutsideUnchanged();
}

TEST_P(WasiSandbox, SymlinkLoopsAreEloop) {
  for (const char *path : {"loop1", "loop2", "self", "loop1/x", "dir/../self"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(open(path, Follow, 0), Errno::Loop);
    EXPECT_EQ(statPath(path, Follow), Errno::Loop);
  }
  EXPECT_EQ(open("self/x", 0, 0), Errno::Loop); // an inner component is always followed
}

TEST_P(WasiSandbox, PathsThatStayInsideWork) {
  for (const char *path : {"file", "dir/../file", "dir/.//nested/../../file", "up/file", "tofile",
                           "inner/../../file", "./file"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(open(path, Follow, 0, abi::rights::FdRead), Errno::Success);
  }
  EXPECT_EQ(open("inner", Follow, abi::oflags::Directory, 0), Errno::Success);
  EXPECT_EQ(open("dir/nested/", 0, 0, 0), Errno::Success);
  EXPECT_EQ(open(".", 0, abi::oflags::Directory, 0), Errno::Success);
}

TEST_P(WasiSandbox, TrailingSlashesAndNofollow) {
  EXPECT_EQ(open("file/", 0, 0), Errno::NotDir);
  EXPECT_EQ(open("file//", Follow, 0), Errno::NotDir);
  EXPECT_EQ(open("missing", 0, 0), Errno::NoEnt);
  EXPECT_EQ(open("", 0, 0), Errno::NoEnt);
  // Without SYMLINK_FOLLOW a final symlink is not opened, in or out.
  EXPECT_EQ(open("tofile", 0, 0), Errno::Loop);
  EXPECT_EQ(open("abs", 0, abi::oflags::Creat | abi::oflags::Trunc), Errno::Loop);
  EXPECT_EQ(open("rel", 0, abi::oflags::Trunc), Errno::Loop);
  // ... and stat without it describes the link itself.
  EXPECT_EQ(statPath("abs", 0), Errno::Success);
  EXPECT_EQ(statPath("rel", 0), Errno::Success);
  EXPECT_EQ(touch("rel", 0), Errno::Success); // the link's own times
  expectOutsideUnchanged();
}

TEST_P(WasiSandbox, GuestCreatedSymlinksCannotEscape) {
  const auto [mine, mineLen] = str("mine");
  const auto [escape, escapeLen] = str("../outside/secret");
  ASSERT_EQ(host_->pathSymlink(m_, escape, escapeLen, Root, mine, mineLen), Errno::Success);
  const auto [absolute, absoluteLen] = str(secret_.string());
  const auto [other, otherLen] = str("other");
  EXPECT_EQ(host_->pathSymlink(m_, absolute, absoluteLen, Root, other, otherLen),
            detail::kEscapeErrno);
  EXPECT_FALSE(fs::is_symlink(root_ / "other"));

  EXPECT_EQ(open("mine", Follow, abi::oflags::Trunc), detail::kEscapeErrno);
  EXPECT_EQ(open("mine", Follow, abi::oflags::Creat), detail::kEscapeErrno);
  EXPECT_EQ(statPath("mine", Follow), detail::kEscapeErrno);
  EXPECT_EQ(touch("mine", Follow), detail::kEscapeErrno);

  const u32 buf = mem_.alloc(64), used = mem_.alloc(4);
  ASSERT_EQ(host_->pathReadlink(m_, Root, mine, mineLen, buf, 64, used), Errno::Success);
  EXPECT_EQ(std::string(reinterpret_cast<char *>(mem_.bytes().data() + buf), mem_.load<u32>(used)),
            "../outside/secret");
  EXPECT_EQ(host_->pathUnlinkFile(m_, Root, mine, mineLen), Errno::Success);
  EXPECT_FALSE(fs::exists(fs::symlink_status(root_ / "mine")));
  expectOutsideUnchanged();
}

TEST_P(WasiSandbox, LastComponentOperationsStayInside) {
  const auto call = [&](auto member, std::string_view a, std::string_view b) {
    const auto [pa, la] = str(a);
    const auto [pb, lb] = str(b);
    return ((*host_).*member)(m_, Root, pa, la, Root, pb, lb);
  };
  const auto one = [&](auto member, std::string_view a) {
    const auto [pa, la] = str(a);
    return ((*host_).*member)(m_, Root, pa, la);
  };
  EXPECT_EQ(call(&detail::Host::pathRename, "file", "../outside/stolen"), detail::kEscapeErrno);
  EXPECT_EQ(call(&detail::Host::pathRename, "reldir/secret", "stolen"), detail::kEscapeErrno);
  EXPECT_EQ(call(&detail::Host::pathRename, "absdir/secret", "stolen"), detail::kEscapeErrno);
  EXPECT_EQ(one(&detail::Host::pathUnlinkFile, "../outside/secret"), detail::kEscapeErrno);
  EXPECT_EQ(one(&detail::Host::pathUnlinkFile, "reldir/secret"), detail::kEscapeErrno);
  EXPECT_EQ(one(&detail::Host::pathRemoveDirectory, ".."), detail::kEscapeErrno);
  EXPECT_EQ(one(&detail::Host::pathRemoveDirectory, "dir/../.."), detail::kEscapeErrno);
  EXPECT_EQ(one(&detail::Host::pathCreateDirectory, "../outside/new"), detail::kEscapeErrno);
  EXPECT_EQ(one(&detail::Host::pathCreateDirectory, "reldir/new"), detail::kEscapeErrno);
  const auto [file, fileLen] = str("file");
  const auto [target, targetLen] = str("../outside/link");
  EXPECT_EQ(host_->pathLink(m_, Root, 0, file, fileLen, Root, target, targetLen),
            detail::kEscapeErrno);
  const auto [secretPath, secretLen] = str("reldir/secret");
  const auto [here, hereLen] = str("here");
  EXPECT_EQ(host_->pathLink(m_, Root, 0, secretPath, secretLen, Root, here, hereLen),
            detail::kEscapeErrno);
  EXPECT_EQ(host_->pathSymlink(m_, file, fileLen, Root, target, targetLen), detail::kEscapeErrno);
  // Unlinking a link to the outside removes the link only.
  EXPECT_EQ(one(&detail::Host::pathUnlinkFile, "abs"), Errno::Success);
  EXPECT_EQ(one(&detail::Host::pathUnlinkFile, "rel"), Errno::Success);
  // The errno of POSIX for the wrong kind of object.
  EXPECT_EQ(one(&detail::Host::pathUnlinkFile, "dir"), Errno::IsDir);
  EXPECT_EQ(one(&detail::Host::pathUnlinkFile, "file/"), Errno::NotDir);
  EXPECT_EQ(one(&detail::Host::pathRemoveDirectory, "file"), Errno::NotDir);
  EXPECT_EQ(one(&detail::Host::pathRemoveDirectory, "dir"), Errno::NotEmpty);
  EXPECT_EQ(one(&detail::Host::pathRemoveDirectory, "dir/nested/"), Errno::Success);
  EXPECT_EQ(call(&detail::Host::pathRename, "dir", "moved/"), Errno::Success);
  EXPECT_TRUE(fs::is_directory(root_ / "moved"));
  expectOutsideUnchanged();
}

TEST_P(WasiSandbox, ResolverDirectly) {
  const int root = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root, 0);
  const detail::UniqueFd owner(root);
  const auto errnoOf = [](auto &&body) {
    try {
      body();
      return Errno::Success;
    } catch (const detail::WasiError &error) {
      return error.code;
    }
  };
  EXPECT_EQ(errnoOf([&] { detail::openBeneath(root, "rel", O_RDONLY); }), detail::kEscapeErrno);
  EXPECT_EQ(errnoOf([&] { detail::openBeneath(root, "/", O_RDONLY); }), detail::kEscapeErrno);
  EXPECT_EQ(errnoOf([&] { detail::resolveParent(root, "../x"); }), detail::kEscapeErrno);
  EXPECT_EQ(errnoOf([&] { detail::resolveParent(root, "dir/nested/../../.."); }),
            detail::kEscapeErrno);
  const auto parent = detail::resolveParent(root, "dir/nested//");
  EXPECT_EQ(parent.name, "nested/");
  const auto self = detail::resolveParent(root, "dir/nested/..");
  EXPECT_EQ(self.name, ".");
  struct stat viaParent, direct;
  ASSERT_EQ(::fstat(self.dir.get(), &viaParent), 0);
  ASSERT_EQ(::stat((root_ / "dir").c_str(), &direct), 0);
  EXPECT_EQ(viaParent.st_ino, direct.st_ino);
  const struct stat st = detail::statBeneath(root, "inner", true);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_TRUE(S_ISLNK(detail::statBeneath(root, "inner", false).st_mode));
}

INSTANTIATE_TEST_SUITE_P(Methods, WasiSandbox,
                         testing::Values(ResolveMethod::Auto, ResolveMethod::Fallback), methodName);

TEST(WasiSandboxKernel, Openat2IsUsedWhenPresent) {
  // This machine's kernel has openat2; the Auto tests above then exercise it.
  EXPECT_TRUE(detail::kernelHasOpenat2());
}

} // namespace
} // namespace waot::wasi::test
