// escape ATTEMPT [ARG]: tries one way out of the preopened directory (the
// guest's "/", or "/sandbox" for absolute-libc) and prints "result=ok" when
// every step succeeded or "result=errno:N" (N as wasi-libc reports it, which
// is the WASI errno) at the first step that failed. A successful open also
// prints "read=TEXT" with the first bytes of the file. Steps are logged to
// stderr. The test (tests/wasi/wasi_sandbox_test.cpp) prepares the tree:
//   inside/            the preopen: victim.txt ("victim\n"), sub/, links
//   outside.txt, outsidedir/secret.txt, emptydir/   next to it, out of reach
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *arg = "";

static int failed(const char *step) {
  int e = errno;
  fprintf(stderr, "%s: %s\n", step, strerror(e));
  printf("result=errno:%d\n", e);
  return 0;
}

static int failedWasi(const char *step, __wasi_errno_t e) {
  fprintf(stderr, "%s: wasi errno %u\n", step, (unsigned)e);
  printf("result=errno:%u\n", (unsigned)e);
  return 0;
}

static int done(void) {
  printf("result=ok\n");
  return 0;
}

static void showContent(int fd) {
  char text[65];
  ssize_t n = read(fd, text, sizeof text - 1);
  if (n < 0) n = 0;
  text[n] = 0;
  for (ssize_t i = 0; i < n; ++i)
    if (text[i] == '\n') text[i] = '|';
  printf("read=%s\n", text);
}

static int openPath(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return failed("open");
  if ((flags & O_ACCMODE) != O_WRONLY) showContent(fd);
  close(fd);
  return done();
}

static int statPath(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return failed("stat");
  printf("size=%lld\n", (long long)st.st_size);
  return done();
}

static int touch(const char *path) {
  struct timespec times[2] = {{0, 0}, {0, 0}}; // the epoch: visible if it lands
  if (utimensat(AT_FDCWD, path, times, 0) != 0) return failed("utimensat");
  return done();
}

static int openAt(const char *dir, const char *path) {
  int dirfd = open(dir, O_RDONLY | O_DIRECTORY);
  if (dirfd < 0) return failed("open dir");
  int fd = openat(dirfd, path, O_RDONLY);
  if (fd < 0) return failed("openat");
  showContent(fd);
  return done();
}

static int guestSymlink(const char *target) {
  if (symlink(target, "guest_link") != 0) return failed("symlink");
  fprintf(stderr, "symlink: created\n");
  return openPath("guest_link", O_RDONLY);
}

static int rawOpen(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights) {
  __wasi_fd_t fd;
  __wasi_errno_t e =
      __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, 0, 0, &fd);
  if (e != 0) return failedWasi("path_open", e);
  if (!(oflags & __WASI_OFLAGS_DIRECTORY)) showContent((int)fd);
  close((int)fd);
  return done();
}

static int rawStat(const char *path) {
  __wasi_filestat_t st;
  __wasi_errno_t e = __wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, &st);
  if (e != 0) return failedWasi("path_filestat_get", e);
  printf("size=%llu\n", (unsigned long long)st.size);
  return done();
}

static int run(const char *attempt) {
  // ".." past the preopen
  if (!strcmp(attempt, "open-dotdot")) return openPath("../outside.txt", O_RDONLY);
  if (!strcmp(attempt, "open-dotdot-nested")) return openPath("sub/../../outside.txt", O_RDONLY);
  if (!strcmp(attempt, "open-dotdot-after-link"))
    return openPath("sub_link/../../outside.txt", O_RDONLY);
  if (!strcmp(attempt, "openat-subdir-dotdot")) return openAt("sub", "../../outside.txt");
  if (!strcmp(attempt, "openat-subdir-dotdot-inside")) return openAt("sub", "../victim.txt");
  if (!strcmp(attempt, "opendir-dotdot")) {
    DIR *d = opendir("..");
    if (!d) return failed("opendir");
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
      fprintf(stderr, "saw %s\n", e->d_name);
    closedir(d);
    return done();
  }
  if (!strcmp(attempt, "stat-dotdot")) return statPath("../outside.txt");
  if (!strcmp(attempt, "mkdir-dotdot")) {
    if (mkdir("../made_by_guest", 0755) != 0) return failed("mkdir");
    return done();
  }
  if (!strcmp(attempt, "rmdir-dotdot")) {
    if (rmdir("../emptydir") != 0) return failed("rmdir");
    return done();
  }
  if (!strcmp(attempt, "unlink-dotdot")) {
    if (unlink("../outside.txt") != 0) return failed("unlink");
    return done();
  }
  if (!strcmp(attempt, "rename-out")) {
    if (rename("victim.txt", "../moved.txt") != 0) return failed("rename");
    return done();
  }
  if (!strcmp(attempt, "rename-in")) {
    if (rename("../outside.txt", "stolen.txt") != 0) return failed("rename");
    return done();
  }
  if (!strcmp(attempt, "link-in")) {
    if (link("../outside.txt", "hardlink.txt") != 0) return failed("link");
    return done();
  }
  if (!strcmp(attempt, "link-out")) {
    if (link("victim.txt", "../linked.txt") != 0) return failed("link");
    return done();
  }
  if (!strcmp(attempt, "symlink-out")) {
    if (symlink("victim.txt", "../planted_link") != 0) return failed("symlink");
    return done();
  }
  if (!strcmp(attempt, "utimes-dotdot")) return touch("../outside.txt");
  if (!strcmp(attempt, "truncate-dotdot")) {
    if (truncate("../outside.txt", 0) != 0) return failed("truncate");
    return done();
  }
  if (!strcmp(attempt, "raw-dotdot"))
    return rawOpen("..", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR);
  // absolute paths
  if (!strcmp(attempt, "absolute-raw")) return rawOpen(arg, 0, __WASI_RIGHTS_FD_READ);
  if (!strcmp(attempt, "absolute-raw-stat")) return rawStat(arg);
  if (!strcmp(attempt, "absolute-libc")) return openPath(arg, O_RDONLY);
  // symbolic links prepared by the host
  if (!strcmp(attempt, "follow-absolute-link")) return openPath("abs_link", O_RDONLY);
  if (!strcmp(attempt, "follow-dotdot-link")) return openPath("up_link", O_RDONLY);
  if (!strcmp(attempt, "follow-deep-link")) return openPath("sub/deep_link", O_RDONLY);
  if (!strcmp(attempt, "follow-dir-link")) return openPath("outdir_link/secret.txt", O_RDONLY);
  if (!strcmp(attempt, "stat-dotdot-link")) return statPath("up_link");
  if (!strcmp(attempt, "raw-stat-absolute-link")) return rawStat("abs_link");
  if (!strcmp(attempt, "mkdir-through-dir-link")) {
    if (mkdir("outdir_link/newsub", 0755) != 0) return failed("mkdir");
    return done();
  }
  if (!strcmp(attempt, "utimes-through-link")) return touch("up_link");
  if (!strcmp(attempt, "creat-through-link"))
    return openPath("new_link", O_WRONLY | O_CREAT | O_TRUNC);
  if (!strcmp(attempt, "trunc-through-link")) return openPath("up_link", O_WRONLY | O_TRUNC);
  if (!strcmp(attempt, "loop")) return openPath("loop_a", O_RDONLY);
  if (!strcmp(attempt, "self-loop")) return openPath("self_link", O_RDONLY);
  // symbolic links the guest makes
  if (!strcmp(attempt, "guest-symlink-dotdot")) return guestSymlink("../outside.txt");
  if (!strcmp(attempt, "guest-symlink-absolute")) return guestSymlink(arg);
  // operations on links that must not touch their targets, and paths that
  // stay inside: these must work
  if (!strcmp(attempt, "rename-onto-link")) {
    if (rename("victim.txt", "up_link") != 0) return failed("rename");
    return done();
  }
  if (!strcmp(attempt, "unlink-link")) {
    if (unlink("up_link") != 0) return failed("unlink");
    return done();
  }
  if (!strcmp(attempt, "inside-dotdot")) return openPath("sub/../victim.txt", O_RDONLY);
  if (!strcmp(attempt, "inside-link")) return openPath("in_link", O_RDONLY);
  if (!strcmp(attempt, "inside-dotdot-link")) return openPath("sub/back_link", O_RDONLY);
  if (!strcmp(attempt, "inside-raw")) return rawOpen("victim.txt", 0, __WASI_RIGHTS_FD_READ);
  fprintf(stderr, "unknown attempt %s\n", attempt);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs("usage: escape ATTEMPT [ARG]\n", stderr);
    return 2;
  }
  if (argc > 2) arg = argv[2];
  return run(argv[1]);
}
