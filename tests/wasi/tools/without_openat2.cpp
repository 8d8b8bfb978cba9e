// without_openat2 PROGRAM [ARGS...]: runs PROGRAM with the openat2 system
// call failing with ENOSYS, as on a Linux kernel older than 5.6. The WASI
// library then resolves paths with its user-space walk instead of
// openat2(RESOLVE_BENEATH); the WASI tests run the sandbox through both.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

#if defined(__x86_64__)
#define WAOT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define WAOT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fputs("usage: without_openat2 PROGRAM [ARGS...]\n", stderr);
    return 2;
  }
#if defined(WAOT_AUDIT_ARCH) && defined(SYS_openat2)
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, WAOT_AUDIT_ARCH, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    std::fprintf(stderr, "without_openat2: cannot install the seccomp filter: %s\n",
                 std::strerror(errno));
    return 125;
  }
#else
  std::fputs("without_openat2: not supported on this architecture\n", stderr);
  return 125;
#endif
  execv(argv[1], argv + 1);
  std::fprintf(stderr, "without_openat2: cannot run %s: %s\n", argv[1], std::strerror(errno));
  return 127;
}
