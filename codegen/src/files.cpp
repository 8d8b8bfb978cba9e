#include "files.hpp"

#include "waot/errors.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void throwFileError(const char *action, const fs::path &path, int error) {
  throw Error(std::string("cannot ") + action + " '" + path.string() +
              "': " + std::strerror(error));
}

// Owns a POSIX file descriptor.
class FileDescriptor {
public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  ~FileDescriptor() { close(); }
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Closes now and reports the error: close() can report a failed delayed write.
  int close() noexcept {
    if (fd_ < 0) return 0;
    int result = ::close(std::exchange(fd_, -1));
    return result == 0 ? 0 : errno;
  }

private:
  int fd_;
};

// Writes the whole buffer, retrying short writes and EINTR. Returns 0 or errno.
int writeAll(int fd, std::span<const char> bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(written));
  }
  return 0;
}

// A temporary file that is unlinked on destruction unless it was renamed.
class PendingFile {
public:
  explicit PendingFile(fs::path path) : path_(std::move(path)) {}
  ~PendingFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  PendingFile(const PendingFile &) = delete;
  PendingFile &operator=(const PendingFile &) = delete;

  const fs::path &path() const noexcept { return path_; }
  void renameTo(const fs::path &target) {
    if (::rename(path_.c_str(), target.c_str()) != 0) throwFileError("write", target, errno);
    path_.clear();
  }

private:
  fs::path path_;
};

// The process umask, read without changing it (umask(2) can only be read by
// setting it, which would race with other threads creating files).
mode_t currentUmask() {
  FileDescriptor fd(::open("/proc/self/status", O_RDONLY | O_CLOEXEC));
  char buffer[4096];
  ssize_t size = fd.valid() ? ::read(fd.get(), buffer, sizeof buffer - 1) : -1;
  if (size > 0) {
    buffer[size] = '\0';
    if (const char *line = std::strstr(buffer, "\nUmask:"))
      return static_cast<mode_t>(std::strtoul(line + 7, nullptr, 8));
  }
  return 022; // the usual default when /proc is not available
}

} // namespace

TemporaryDirectory::TemporaryDirectory() {
  std::error_code ec;
  fs::path base = fs::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / "waot-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throwFileError("create a temporary directory in", base, errno);
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored; // a destructor must not throw; a leftover directory is harmless
  fs::remove_all(path_, ignored);
}

void writeFile(const fs::path &path, std::span<const char> bytes) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) throwFileError("create", path, errno);
  if (int error = writeAll(fd.get(), bytes)) throwFileError("write", path, error);
  if (int error = fd.close()) throwFileError("write", path, error);
}

void writeFileAtomically(const fs::path &path, std::span<const char> bytes, fs::perms permissions) {
  fs::path directory = path.parent_path();
  if (directory.empty()) directory = ".";
  // A hidden sibling, so that the rename stays on one file system. (Built with
  // append rather than operator+ to sidestep a GCC 12 -Wrestrict false positive.)
  std::string hiddenName(".");
  hiddenName.append(path.filename().string()).append(".tmp-XXXXXX");
  std::string pattern = (directory / hiddenName).string();
  FileDescriptor fd(::mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd.valid()) throwFileError("create a temporary file for", path, errno);
  PendingFile pending(pattern);

  // mkostemp creates the file 0600; give the output the permissions open()
  // would have given a new file (requested mode minus the umask).
  mode_t mode = static_cast<mode_t>(permissions & fs::perms::all) & ~currentUmask();
  if (::fchmod(fd.get(), mode) != 0) throwFileError("write", path, errno);
  if (int error = writeAll(fd.get(), bytes)) throwFileError("write", path, error);
  if (int error = fd.close()) throwFileError("write", path, error);
  pending.renameTo(path);
}

std::vector<std::uint8_t> readFileBytes(const fs::path &path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) throwFileError("read", path, errno);
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) throwFileError("read", path, errno);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(info.st_size));
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t got = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      throwFileError("read", path, errno);
    }
    if (got == 0) break; // the file shrank while being read
    filled += static_cast<std::size_t>(got);
  }
  bytes.resize(filled);
  return bytes;
}

} // namespace waot::codegen
