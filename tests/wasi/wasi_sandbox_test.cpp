// Sandbox escapes: the guest (programs/escape.c) tries one way out of its
// preopened directory per test. Each test builds a fresh tree
//
//   TREE/outside.txt, TREE/outsidedir/secret.txt, TREE/emptydir/   out of reach
//   TREE/inside/                                                   preopened as "/"
//       victim.txt, sub/, and symbolic links (see makeTree)
//
// and checks the errno the guest got and that nothing outside `inside/`
// changed: no file created, removed or renamed, and every file's content,
// size, mode and modification time as before. Every attempt runs twice: with
// the kernel's openat2(RESOLVE_BENEATH) and, with openat2 made to fail
// (tools/without_openat2.cpp), with the WASI library's user-space walk.
#include "wasi_process.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <set>
#include <sys/stat.h>
#include <tuple>

namespace waot::wasi_test {
namespace {

namespace fs = std::filesystem;

// WASI errno values (as wasi-libc's errno reports them).
constexpr int kENOENT = 44;
constexpr int kELOOP = 32;
constexpr int kEPERM = 63;
constexpr int kENOTCAPABLE = 76;

// An escape is refused with ENOTCAPABLE (wasi-libc's own answer for a path
// outside every preopen, and waot's) or EPERM (newer wasmtime): the official
// suite accepts either for `..` past the base and for absolute paths
// (interesting_paths).
const std::set<int> kEscapeRefused{kEPERM, kENOTCAPABLE};

std::string errnoName(int e) {
  switch (e) {
  case kENOENT: return "ENOENT";
  case kELOOP: return "ELOOP";
  case kEPERM: return "EPERM";
  case kENOTCAPABLE: return "ENOTCAPABLE";
  default: return "errno " + std::to_string(e);
  }
}

struct Entry {
  std::string kind; // "file", "dir", "link"
  std::string content;
  uintmax_t size = 0;
  mode_t mode = 0;
  int64_t mtimeNs = 0;
  bool operator==(const Entry &) const = default;
};

std::string describe(const Entry &e) {
  return e.kind + " size=" + std::to_string(e.size) + " mode=" + std::to_string(e.mode) +
         " mtime_ns=" + std::to_string(e.mtimeNs) + " content=\"" + e.content.substr(0, 40) + "\"";
}

// Everything below `root` except `skip`, without following links.
std::map<std::string, Entry> snapshot(const fs::path &root, const fs::path &skip) {
  std::map<std::string, Entry> entries;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    if (it->path() == skip) {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st;
    if (lstat(it->path().c_str(), &st) != 0) continue;
    Entry e;
    e.mode = st.st_mode;
    e.size = static_cast<uintmax_t>(st.st_size);
    e.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    if (S_ISLNK(st.st_mode)) {
      e.kind = "link";
      e.content = fs::read_symlink(it->path()).string();
    } else if (S_ISDIR(st.st_mode)) {
      e.kind = "dir";
      e.mtimeNs = 0; // a directory's mtime is not part of the check: reading it is harmless
    } else {
      e.kind = "file";
      e.content = readFile(it->path());
    }
    entries[it->path().lexically_relative(root).string()] = e;
  }
  return entries;
}

// What is different between two snapshots, one line per path.
std::string differences(const std::map<std::string, Entry> &before,
                        const std::map<std::string, Entry> &after) {
  std::string text;
  for (const auto &[path, e] : before) {
    auto it = after.find(path);
    if (it == after.end())
      text += "  removed: " + path + "\n";
    else if (!(it->second == e))
      text += "  changed: " + path + " from " + describe(e) + " to " + describe(it->second) + "\n";
  }
  for (const auto &[path, e] : after)
    if (!before.count(path)) text += "  created: " + path + " (" + describe(e) + ")\n";
  return text;
}

enum class Expect {
  Refused, // an escape errno (kEscapeRefused)
  Loop,    // ELOOP
  NoEntry, // ENOENT: resolved inside the sandbox, where nothing has that name
  Works,   // the operation stays inside and must succeed
};

struct EscapeCase {
  const char *attempt;
  Expect expect;
  const char *arg = "";      // "@outside" is replaced by TREE/outside.txt's host path
  const char *mount = "/";   // the guest path of the preopen
  const char *readBack = ""; // for Works: the "read=" line the guest must print
};

void makeTree(const fs::path &tree) {
  writeFile(tree / "outside.txt", "outside secret\n");
  fs::permissions(tree / "outside.txt", fs::perms(0640));
  fs::create_directories(tree / "outsidedir");
  writeFile(tree / "outsidedir" / "secret.txt", "secret\n");
  fs::create_directories(tree / "emptydir");
  const auto in = tree / "inside";
  fs::create_directories(in / "sub");
  writeFile(in / "victim.txt", "victim\n");
  fs::create_symlink(tree / "outside.txt", in / "abs_link"); // absolute target
  fs::create_symlink("../outside.txt", in / "up_link");      // ".." target
  fs::create_symlink("../../outside.txt", in / "sub" / "deep_link");
  fs::create_symlink("../outsidedir", in / "outdir_link"); // a directory outside
  fs::create_symlink("../created.txt", in / "new_link");   // dangling, outside
  fs::create_symlink("sub", in / "sub_link");
  fs::create_symlink("victim.txt", in / "in_link"); // stays inside
  fs::create_symlink("../victim.txt", in / "sub" / "back_link");
  fs::create_symlink("loop_b", in / "loop_a");
  fs::create_symlink("loop_a", in / "loop_b");
  fs::create_symlink("self_link", in / "self_link");
  // A fixed, old modification time, so that any touch shows.
  const struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  for (const char *name : {"outside.txt", "outsidedir/secret.txt"})
    utimensat(AT_FDCWD, (tree / name).c_str(), times, AT_SYMLINK_NOFOLLOW);
}

enum class Resolver { Openat2, Walk };

RunOptions resolverOptions(Resolver resolver) {
  RunOptions options;
  options.withoutOpenat2 = resolver == Resolver::Walk;
  return options;
}

class WasiSandbox : public ::testing::TestWithParam<std::tuple<EscapeCase, Resolver>> {};

TEST_P(WasiSandbox, Escape) {
  const auto &c = std::get<0>(GetParam());
  const auto options = resolverOptions(std::get<1>(GetParam()));
  TempDir dir;
  const auto tree = dir.path();
  makeTree(tree);
  const auto before = snapshot(tree, tree / "inside");

  std::string arg = c.arg;
  if (arg == "@outside") arg = (tree / "outside.txt").string();
  std::vector<std::string> guestArgs{c.attempt};
  if (!arg.empty()) guestArgs.push_back(arg);
  auto r = runProgram("escape", guestArgs, {"--dir", (tree / "inside").string() + "::" + c.mount},
                      options);
  if (isUnsupportedHere(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exitCode, 0) << r.describe();

  const auto at = r.out.find("result=");
  ASSERT_NE(at, std::string::npos) << r.describe();
  const std::string result = r.out.substr(at + 7, r.out.find('\n', at) - at - 7);
  const bool ok = result == "ok";
  const int e = result.starts_with("errno:") ? std::stoi(result.substr(6)) : -1;
  const std::string got = ok ? "success" : errnoName(e);
  switch (c.expect) {
  case Expect::Refused:
    EXPECT_TRUE(kEscapeRefused.count(e)) << "expected EPERM or ENOTCAPABLE, got " << got << "\n"
                                         << r.describe();
    break;
  case Expect::Loop:
    EXPECT_EQ(e, kELOOP) << "expected ELOOP, got " << got << "\n" << r.describe();
    break;
  case Expect::NoEntry:
    EXPECT_EQ(e, kENOENT) << "expected ENOENT, got " << got << "\n" << r.describe();
    break;
  case Expect::Works:
    EXPECT_TRUE(ok) << "expected success, got " << got << "\n" << r.describe();
    if (*c.readBack) {
      EXPECT_NE(r.out.find(std::string("read=") + c.readBack + "\n"), std::string::npos)
          << r.describe();
    }
    break;
  }
  EXPECT_EQ(r.out.find("outside secret"), std::string::npos) << "the guest read outside.txt";
  EXPECT_EQ(r.out.find("read=secret"), std::string::npos) << "the guest read outsidedir";
  const auto after = snapshot(tree, tree / "inside");
  EXPECT_EQ(differences(before, after), "") << "outside the preopen:\n"
                                            << differences(before, after);
}

// A link the guest renamed over or unlinked was the link, not its target.
class WasiSandboxLinks : public ::testing::TestWithParam<Resolver> {};

TEST_P(WasiSandboxLinks, RenameOntoALinkReplacesTheLink) {
  TempDir dir;
  makeTree(dir.path());
  auto r = runProgram("escape", {"rename-onto-link"}, {"--dir", (dir / "inside").string() + "::/"},
                      resolverOptions(GetParam()));
  if (isUnsupportedHere(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "result=ok\n");
  EXPECT_FALSE(fs::is_symlink(dir / "inside" / "up_link"));
  EXPECT_EQ(readFile(dir / "inside" / "up_link"), "victim\n");
  EXPECT_EQ(readFile(dir / "outside.txt"), "outside secret\n");
}

TEST_P(WasiSandboxLinks, UnlinkALinkKeepsItsTarget) {
  TempDir dir;
  makeTree(dir.path());
  auto r = runProgram("escape", {"unlink-link"}, {"--dir", (dir / "inside").string() + "::/"},
                      resolverOptions(GetParam()));
  if (isUnsupportedHere(r)) GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exitCode, 0) << r.describe();
  EXPECT_EQ(r.out, "result=ok\n");
  EXPECT_FALSE(fs::exists(fs::symlink_status(dir / "inside" / "up_link")));
  EXPECT_EQ(readFile(dir / "outside.txt"), "outside secret\n");
}

const EscapeCase kCases[] = {
    // ".." past the preopen
    {"open-dotdot", Expect::Refused},
    {"open-dotdot-nested", Expect::Refused},
    {"open-dotdot-after-link", Expect::Refused},
    {"openat-subdir-dotdot", Expect::Refused},
    // Every directory descriptor is the root of its own lookups (WASI path
    // resolution; wasmtime too): ".." above an opened subdirectory is refused
    // even where it would land inside the preopen.
    {"openat-subdir-dotdot-inside", Expect::Refused},
    {"opendir-dotdot", Expect::Refused},
    {"raw-dotdot", Expect::Refused},
    {"stat-dotdot", Expect::Refused},
    {"mkdir-dotdot", Expect::Refused},
    {"rmdir-dotdot", Expect::Refused},
    {"unlink-dotdot", Expect::Refused},
    {"rename-out", Expect::Refused},
    {"rename-in", Expect::Refused},
    {"link-in", Expect::Refused},
    {"link-out", Expect::Refused},
    {"symlink-out", Expect::Refused},
    {"utimes-dotdot", Expect::Refused},
    {"truncate-dotdot", Expect::Refused},
    // absolute paths: straight to the host (a host that passed them to
    // openat would open the file) ...
    {"absolute-raw", Expect::Refused, "@outside"},
    {"absolute-raw-stat", Expect::Refused, "@outside"},
    // ... through wasi-libc with the preopen elsewhere than "/" (no preopen
    // holds the path) ...
    {"absolute-libc", Expect::Refused, "/etc/passwd", "/sandbox"},
    // ... and with the preopen at "/": the path is looked up inside.
    {"absolute-libc", Expect::NoEntry, "@outside", "/"},
    // links the host planted
    {"follow-absolute-link", Expect::Refused},
    {"follow-dotdot-link", Expect::Refused},
    {"follow-deep-link", Expect::Refused},
    {"follow-dir-link", Expect::Refused},
    {"stat-dotdot-link", Expect::Refused},
    {"raw-stat-absolute-link", Expect::Refused},
    {"mkdir-through-dir-link", Expect::Refused},
    {"utimes-through-link", Expect::Refused},
    {"creat-through-link", Expect::Refused},
    {"trunc-through-link", Expect::Refused},
    {"loop", Expect::Loop},
    {"self-loop", Expect::Loop},
    // links the guest makes itself
    {"guest-symlink-dotdot", Expect::Refused},
    {"guest-symlink-absolute", Expect::Refused, "@outside"},
    // controls: paths and links that stay inside work
    {"inside-dotdot", Expect::Works, "", "/", "victim|"},
    {"inside-link", Expect::Works, "", "/", "victim|"},
    {"inside-dotdot-link", Expect::Works, "", "/", "victim|"},
    {"inside-raw", Expect::Works, "", "/", "victim|"},
    {"rename-onto-link", Expect::Works},
    {"unlink-link", Expect::Works},
};

std::string resolverName(Resolver resolver) {
  return resolver == Resolver::Openat2 ? "openat2" : "walk";
}

INSTANTIATE_TEST_SUITE_P(
    Attempts, WasiSandbox,
    ::testing::Combine(::testing::ValuesIn(kCases),
                       ::testing::Values(Resolver::Openat2, Resolver::Walk)),
    [](const ::testing::TestParamInfo<std::tuple<EscapeCase, Resolver>> &info) {
      const auto &c = std::get<0>(info.param);
      std::string name = c.attempt;
      if (std::string(c.mount) != "/") name += "_mounted_elsewhere";
      if (c.expect == Expect::NoEntry) name += "_resolved_inside";
      name += "_" + resolverName(std::get<1>(info.param));
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

INSTANTIATE_TEST_SUITE_P(Resolvers, WasiSandboxLinks,
                         ::testing::Values(Resolver::Openat2, Resolver::Walk),
                         [](const ::testing::TestParamInfo<Resolver> &info) {
                           return resolverName(info.param);
                         });

} // namespace
} // namespace waot::wasi_test
