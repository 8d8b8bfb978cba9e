#include "background_build.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace waot::driver {
namespace {

// In the forked child, before exec: only async-signal-safe calls (the
// parent may have had other threads, e.g. the compiler's).
[[noreturn]] void becomeBuilder(const char *executable, char *const argv[]) {
  ::setsid(); // no terminal signals from the run's session
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
  }
  // Any other inherited descriptor (a pipe the run's caller reads until end
  // of file, say) must not stay open for the build's lifetime.
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, 3u, ~0u, 0u) != 0)
#endif
    for (int fd = 3; fd < 1024; ++fd)
      ::close(fd);
  // Nice 10: where the program and the build share a core, the program gets
  // about 90% of it; a lower priority (19) starves the build for as long as
  // anything else keeps the machine busy.
  ::setpriority(PRIO_PROCESS, 0, 10);
  ::execv(executable, argv);
  ::_exit(127);
}

} // namespace

std::string startBackgroundBuild(const std::string &modulePath,
                                 const codegen::CompileOptions &options, bool guided) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "cannot find the waot executable: " + ec.message();
  const std::filesystem::path module = std::filesystem::absolute(modulePath, ec);
  if (ec) return "cannot resolve '" + modulePath + "': " + ec.message();

  // Everything the child needs, built before fork.
  std::vector<std::string> args = {"waot",         "cache", "build",
                                   "--background", "-O",    std::to_string(options.optLevel)};
  if (options.interruptible) args.emplace_back("--interruptible");
  if (guided) args.emplace_back("--profile");
  args.emplace_back("--");
  args.push_back(module.string());
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string executable = self.string();

  // Forked twice: the builder is adopted by init (or the nearest subreaper)
  // at once, so this process never has to reap it.
  const pid_t child = ::fork();
  if (child < 0) return std::string("cannot start a process: ") + std::strerror(errno);
  if (child == 0) {
    const pid_t builder = ::fork();
    if (builder == 0) becomeBuilder(executable.c_str(), argv.data());
    ::_exit(builder < 0 ? 1 : 0);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "cannot start a process";
  return {};
}

} // namespace waot::driver
