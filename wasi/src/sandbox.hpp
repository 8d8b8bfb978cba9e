// Path resolution strictly beneath a directory: the WASI sandbox.
//
// A guest names files by (directory fd, relative path). Whatever the path
// holds — `..`, symlinks with absolute or relative targets, links the guest
// made itself — resolution never leaves the directory: an escape is
// kEscapeErrno (EPERM), a symlink loop (more than 40 links) ELOOP, and the outside
// file is never opened, created, truncated or stat'ed.
//
// On Linux 5.6+ the kernel does this: openat2(2) with RESOLVE_BENEATH. Where
// openat2 is missing (ENOSYS, detected once per process) a user-space walk
// does the same thing: one component at a time with O_PATH|O_NOFOLLOW,
// following symlinks itself (their targets replace the component, so `..`
// inside a target is resolved where the link is), and a stack of the
// directories entered, so `..` pops one and cannot go above the start.
//
// Operations on a last component (unlink, rmdir, rename, link, symlink,
// mkdir) resolve its parent directory beneath the start and act with the
// *at() syscall on the final name, which the kernel does not follow (a
// trailing slash stays on the name: for these calls the kernel checks it
// without following a symlink). stat, utimens and readlink act on an O_PATH
// descriptor of the object itself, so they cannot be redirected either.
//
// One difference remains: the walk holds descriptors of the directories it
// entered, so `..` never leaves them, but if another process moves one of
// them out of the tree in the middle of a walk, the rest of that walk
// happens where the directory went. openat2 is immune to that race (the
// kernel retries or refuses); the fallback is for kernels older than 5.6.
#pragma once

#include "abi.hpp"
#include "unique_fd.hpp"

#include <sys/stat.h>
#include <sys/types.h>

#include <string>
#include <string_view>

namespace waot::wasi::detail {

// A path that leaves its directory (`..` above it, an absolute path, a
// symlink leading out) gets what wasmtime gives: its capability library
// reports PermissionDenied, which preview1 returns as EPERM. (Older
// wasmtime, and wasi-libc for a path under no preopen, used ENOTCAPABLE.)
inline constexpr abi::Errno kEscapeErrno = abi::Errno::Perm;

enum class ResolveMethod {
  Auto,     // openat2 when the kernel has it, else the walk
  Fallback, // always the user-space walk (for tests; also what Auto uses without openat2)
};

// The process-wide choice (tests force the fallback to cover both).
void setResolveMethod(ResolveMethod method) noexcept;
ResolveMethod resolveMethod() noexcept;
// True when this kernel has openat2 (probed on first use).
bool kernelHasOpenat2() noexcept;

// Opens `path` beneath the directory `dir` with open(2) `flags` and `mode`.
// O_NOFOLLOW in `flags` means: do not follow a symlink in the last
// component (O_PATH|O_NOFOLLOW then opens the link itself). A trailing
// slash requires a directory. O_CLOEXEC is always added. Fails with the WASI
// errno (kEscapeErrno for an absolute path or an escape, ENOENT for "").
UniqueFd openBeneath(int dir, std::string_view path, int flags, mode_t mode = 0);

// The directory that holds the last component of `path` (resolved beneath
// `dir`, as an O_PATH descriptor) and that component. A trailing slash stays
// on `name` ("sub/" — the *at() syscalls then require a directory). A last
// component "." or ".." is resolved as part of the directory and `name` is
// "." (so it can never name something above `dir`).
struct ParentAndName {
  UniqueFd dir;
  std::string name;
};
ParentAndName resolveParent(int dir, std::string_view path);

// stat(2) of `path` beneath `dir`, following a final symlink or not.
struct stat statBeneath(int dir, std::string_view path, bool follow);

} // namespace waot::wasi::detail
