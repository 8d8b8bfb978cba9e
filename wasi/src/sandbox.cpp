#include "sandbox.hpp"

#include "errors.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

namespace waot::wasi::detail {
namespace {

constexpr int MaxSymlinks = 40; // Linux's own limit (MAXSYMLINKS)

std::atomic<ResolveMethod> method{ResolveMethod::Auto};

// -1: not probed yet, 0: missing, 1: present.
std::atomic<int> openat2State{-1};

long callOpenat2(int dir, const char *path, int flags, mode_t mode) {
  ::open_how how{};
  how.flags = static_cast<std::uint64_t>(flags);
  // openat2 insists on mode 0 unless a file may be created.
  // (O_TMPFILE includes O_DIRECTORY's bit: test all of it.)
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return ::syscall(SYS_openat2, dir, path, &how, sizeof how);
}

// Splits on '/', dropping empty components; a trailing slash becomes a final
// "." so that the component before it is resolved as a directory.
void pushComponents(std::deque<std::string> &out, std::string_view path, bool front) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  if (!path.empty() && path.back() == '/') parts.emplace_back(".");
  if (front)
    out.insert(out.begin(), parts.begin(), parts.end());
  else
    out.insert(out.end(), parts.begin(), parts.end());
}

std::string readLinkAt(int dir, const std::string &name) {
  std::string target(256, '\0');
  for (;;) {
    const ssize_t n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
    if (n < 0) failFromErrno();
    if (static_cast<std::size_t>(n) < target.size()) {
      target.resize(static_cast<std::size_t>(n));
      return target;
    }
    target.resize(target.size() * 2);
  }
}

// The user-space walk (see sandbox.hpp). `stack` holds the directories
// entered below `root`; the current directory is its top, or `root`.
UniqueFd walkOpen(int root, std::string_view path, int flags, mode_t mode) {
  // POSIX: O_CREAT|O_EXCL never follows a symlink in the last component.
  const bool followLast =
      !(flags & O_NOFOLLOW) && (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
  std::deque<std::string> pending;
  pushComponents(pending, path, false);
  if (pending.empty()) pending.emplace_back("."); // "/" alone is refused before
  std::vector<UniqueFd> stack;
  const auto current = [&] { return stack.empty() ? root : stack.back().get(); };
  int links = 0;

  while (!pending.empty()) {
    const std::string name = std::move(pending.front());
    pending.pop_front();
    const bool last = pending.empty();
    // "." and ".." name a directory already entered: the last one is the
    // current directory itself.
    const bool self = name == "." || name == "..";
    if (name == "..") {
      if (stack.empty()) fail(kEscapeErrno);
      stack.pop_back();
    }
    if (self) {
      if (!last) continue;
    } else if (!last || followLast) {
      struct stat st;
      if (::fstatat(current(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        // A missing last component is the open's business (O_CREAT).
        if (!(last && errno == ENOENT)) failFromErrno();
      } else if (S_ISLNK(st.st_mode)) {
        if (++links > MaxSymlinks) fail(abi::Errno::Loop);
        const std::string target = readLinkAt(current(), name);
        if (target.empty()) fail(abi::Errno::NoEnt);
        if (target.front() == '/') fail(kEscapeErrno);
        pushComponents(pending, target, true);
        continue;
      } else if (!last) {
        if (!S_ISDIR(st.st_mode)) fail(abi::Errno::NotDir);
        // O_NOFOLLOW: if the entry was swapped for a symlink since the
        // fstatat, this fails (ELOOP/ENOTDIR) instead of following it.
        const int fd =
            ::openat(current(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) failFromErrno();
        stack.emplace_back(fd);
        continue;
      }
    }
    // The last component: already followed if it had to be, so the kernel
    // must not follow it again.
    const int fd =
        ::openat(current(), self ? "." : name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) failFromErrno();
    return UniqueFd(fd);
  }
  fail(abi::Errno::NoEnt); // not reached: the loop returns on the last component
}

} // namespace

void setResolveMethod(ResolveMethod value) noexcept { method.store(value); }
ResolveMethod resolveMethod() noexcept { return method.load(); }

bool kernelHasOpenat2() noexcept {
  int state = openat2State.load(std::memory_order_relaxed);
  if (state < 0) {
    const long fd = callOpenat2(AT_FDCWD, ".", O_PATH | O_CLOEXEC, 0);
    state = (fd < 0 && errno == ENOSYS) ? 0 : 1;
    if (fd >= 0) ::close(static_cast<int>(fd));
    openat2State.store(state, std::memory_order_relaxed);
  }
  return state == 1;
}

UniqueFd openBeneath(int dir, std::string_view path, int flags, mode_t mode) {
  if (path.empty()) fail(abi::Errno::NoEnt);
  if (path.front() == '/') fail(kEscapeErrno);
  if (method.load() == ResolveMethod::Auto && kernelHasOpenat2()) {
    const std::string text(path);
    for (;;) {
      const long fd = callOpenat2(dir, text.c_str(), flags | O_CLOEXEC, mode);
      if (fd >= 0) return UniqueFd(static_cast<int>(fd));
      // EAGAIN: a concurrent rename made the kernel give up; try again.
      if (errno == EINTR || errno == EAGAIN) continue;
      if (errno == EXDEV) fail(kEscapeErrno);
      failFromErrno();
    }
  }
  return walkOpen(dir, path, flags, mode);
}

ParentAndName resolveParent(int dir, std::string_view path) {
  if (path.empty()) fail(abi::Errno::NoEnt);
  if (path.front() == '/') fail(kEscapeErrno);
  std::size_t end = path.size();
  while (end > 0 && path[end - 1] == '/')
    --end;
  const bool trailingSlash = end < path.size();
  const std::size_t slash = path.rfind('/', end - 1);
  const std::string_view last =
      path.substr(slash == std::string_view::npos ? 0 : slash + 1,
                  end - (slash == std::string_view::npos ? 0 : slash + 1));
  if (last == "." || last == "..") return {openBeneath(dir, path, O_PATH | O_DIRECTORY), "."};
  const std::string_view parent =
      slash == std::string_view::npos ? std::string_view(".") : path.substr(0, slash + 1);
  std::string name(last);
  if (trailingSlash) name += '/';
  return {openBeneath(dir, parent, O_PATH | O_DIRECTORY), std::move(name)};
}

struct stat statBeneath(int dir, std::string_view path, bool follow) {
  const UniqueFd fd = openBeneath(dir, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) failFromErrno();
  return st;
}

} // namespace waot::wasi::detail
