#include "compile_cache.hpp"

#include "compiler_module.hpp"
#include "sha256.hpp"

#include <waot/abi.h>
#include <waot/errors.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace waot::driver {
namespace {

namespace fs = std::filesystem;

constexpr const char *kArtifactSuffix = ".so";
constexpr const char *kDescriptionSuffix = ".info";
constexpr const char *kTemporaryMarker = ".tmp.";
constexpr const char *kLockSuffix = ".lock";
constexpr const char *kBuildingSuffix = ".building";
constexpr const char *kFailedSuffix = ".failed";
constexpr const char *kLogName = "background.log";
constexpr const char *kProfileSuffix = ".profile";
constexpr std::uintmax_t kMaxLogBytes = 1 << 20;

// What code compiled for "the host CPU" depends on, read without LLVM (the
// cached path must not load it): the CPU's identity and feature bits.
std::string hostCpuFingerprint() {
  std::ostringstream out;
#if defined(__x86_64__) || defined(__i386__)
  const auto leaf = [&](unsigned index, unsigned subleaf) {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(index, subleaf, &a, &b, &c, &d)) return;
    // Leaf 1 EBX bits 31..24 are the initial APIC ID: different on every
    // core, so left out (the key must not depend on where waot runs).
    if (index == 1) b &= 0x00ffffffu;
    out << std::hex << index << ':' << a << ',' << b << ',' << c << ',' << d << ';';
  };
  leaf(0, 0);          // vendor, highest leaf
  leaf(1, 0);          // family/model/stepping, SSE..AVX, FMA, ...
  leaf(7, 0);          // AVX2, BMI, AVX-512, ...
  leaf(7, 1);          // AVX-VNNI, ...
  leaf(0x80000001, 0); // LZCNT, SSE4A, ...
#else
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line))
    if (line.rfind("Features", 0) == 0 || line.rfind("CPU part", 0) == 0) out << line << ';';
#endif
  return out.str();
}

void writeAll(int fd, std::span<const std::uint8_t> bytes, const fs::path &path) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw Error("cannot write '" + path.string() + "': " + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
}

// Writes `bytes` to a temporary file in `final`'s directory and renames it
// over `final`: readers see the old file or the whole new one.
void replaceAtomically(const fs::path &final, std::span<const std::uint8_t> bytes) {
  std::string pattern = final.string() + kTemporaryMarker + "XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0) throw Error("cannot create '" + pattern + "': " + std::strerror(errno));
  try {
    writeAll(fd, bytes, pattern);
    if (::fsync(fd) != 0) throw Error("cannot write '" + pattern + "': " + std::strerror(errno));
  } catch (...) {
    ::close(fd);
    ::unlink(pattern.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(pattern.c_str(), final.c_str()) != 0) {
    const int error = errno;
    ::unlink(pattern.c_str());
    throw Error("cannot store '" + final.string() + "': " + std::strerror(error));
  }
}

std::optional<CompileCache::Description> readDescription(const fs::path &path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  CompileCache::Description description;
  std::string line;
  while (std::getline(in, line)) {
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    const std::string name = line.substr(0, equals), value = line.substr(equals + 1);
    if (name == "source") description.source = value;
    if (name == "tier") description.tier = value;
    if (name == "opt") description.optLevel = static_cast<unsigned>(std::atoi(value.c_str()));
    if (name == "compile_s") description.compileSeconds = std::atof(value.c_str());
    if (name == "key") description.key = value;
    if (name == "artifact_bytes")
      description.artifactBytes = std::strtoull(value.c_str(), nullptr, 10);
    if (name == "checksum") description.checksum = std::strtoull(value.c_str(), nullptr, 16);
    if (name == "optimized_functions")
      description.optimizedFunctions = static_cast<std::uint32_t>(std::atol(value.c_str()));
    if (name == "functions")
      description.functions = static_cast<std::uint32_t>(std::atol(value.c_str()));
    if (name == "profile") description.profileDigest = value;
  }
  return description;
}

// The integrity trailer at the end of `bytes` (see waot/abi.h), if any.
std::optional<waot_artifact_trailer> trailerOf(std::span<const std::uint8_t> bytes) {
  waot_artifact_trailer trailer{};
  if (bytes.size() < sizeof trailer) return std::nullopt;
  std::memcpy(&trailer, bytes.data() + bytes.size() - sizeof trailer, sizeof trailer);
  if (std::memcmp(trailer.magic, WAOT_TRAILER_MAGIC, sizeof trailer.magic) != 0)
    return std::nullopt;
  return trailer;
}

// Whether process `pid` exists and is not a zombie (a killed compiler its
// parent has not reaped yet runs nothing).
bool processRunning(long pid) {
  if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto nameEnd = stat.rfind(')'); // "pid (name) STATE ..."
  return nameEnd == std::string::npos || nameEnd + 2 >= stat.size() || stat[nameEnd + 2] != 'Z';
}

bool isKey(const std::string &name) {
  return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

} // namespace

fs::path CompileCache::defaultDirectory() {
  if (const char *dir = std::getenv("WAOT_CACHE_DIR"); dir && *dir) return dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "waot";
  if (const char *home = std::getenv("HOME"); home && *home)
    return fs::path(home) / ".cache" / "waot";
  throw Error("no cache directory: set WAOT_CACHE_DIR (or XDG_CACHE_HOME or HOME), or run with "
              "--no-cache");
}

std::string CompileCache::digestOf(std::span<const std::uint8_t> wasm) {
  Sha256 hash;
  hash.update(wasm);
  return hash.hexDigest();
}

std::string CompileCache::key(const std::string &wasmDigest,
                              const codegen::CompileOptions &options) {
  // Every field ends with a separator that cannot occur inside it. (Built
  // by appending: GCC 12 reports a bogus -Wrestrict for "literal" + string.)
  std::string header = "waot-cache-2\nwaot " WAOT_VERSION "\nabi ";
  header.append(std::to_string(WAOT_ABI_VERSION)).append("\nO");
  header.append(std::to_string(options.optLevel)).append("\ntriple ");
  header.append(options.targetTriple).append("\ncpu ").append(options.cpu);
  header.append("\nfeatures ").append(options.features).append("\npart ");
  header.append(std::to_string(options.partCodeBytes)).append("\ninterruptible ");
  header.append(options.interruptible ? "1" : "0").append("\nentry_profile ");
  // Only the quick tier's profile of every function: a build guided by a
  // profile (unoptimizedFunctions) is stored as the module's optimized
  // artifact, under the key of a full build (its description says which).
  header.append(options.entryProfile && options.unoptimizedFunctions.empty() ? "1" : "0");
  header.append("\nhost ");
  header.append(hostCpuFingerprint()).append("\ncompiler ");
  header.append(compilerIdentity()).append("\nwasm ").append(wasmDigest).append("\n");
  Sha256 hash;
  hash.update(header);
  return hash.hexDigest();
}

namespace {

// "dev ino size mtime ctime" of the file at `path` (nanoseconds), or "".
std::string fileIdentity(const fs::path &path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  std::string identity = std::to_string(info.st_dev);
  for (const auto value :
       {static_cast<long long>(info.st_ino), static_cast<long long>(info.st_size),
        static_cast<long long>(info.st_mtim.tv_sec), static_cast<long long>(info.st_mtim.tv_nsec),
        static_cast<long long>(info.st_ctim.tv_sec), static_cast<long long>(info.st_ctim.tv_nsec)})
    identity.append(" ").append(std::to_string(value));
  return identity;
}

// Where the remembered digest of the file at `path` is kept.
fs::path digestMemo(const fs::path &directory, const fs::path &path) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(path, ec);
  Sha256 hash;
  hash.update((ec ? path : absolute).string());
  return directory / "digests" / hash.hexDigest();
}

} // namespace

std::optional<std::string> CompileCache::rememberedDigest(const fs::path &path) const {
  const std::string identity = fileIdentity(path);
  if (identity.empty()) return std::nullopt;
  std::ifstream in(digestMemo(directory_, path));
  std::string remembered, digest;
  if (!std::getline(in, remembered) || !std::getline(in, digest)) return std::nullopt;
  if (remembered != identity || digest.size() != 64) return std::nullopt;
  return digest;
}

void CompileCache::rememberDigest(const fs::path &path, const std::string &digest) const {
  const std::string identity = fileIdentity(path);
  if (identity.empty()) return;
  const fs::path memo = digestMemo(directory_, path);
  std::error_code ec;
  fs::create_directories(memo.parent_path(), ec);
  const std::string text = identity + "\n" + digest + "\n";
  try {
    replaceAtomically(memo, {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()});
  } catch (const Error &) {
    // Only a lost shortcut: the next run hashes the module again.
  }
}

fs::path CompileCache::artifactPath(const std::string &key) const {
  return directory_ / (key + kArtifactSuffix);
}

void CompileCache::store(const std::string &key, std::span<const std::uint8_t> artifact,
                         const Description &description) const {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec)
    throw Error("cannot create the cache directory '" + directory_.string() + "': " + ec.message());
  const std::optional<waot_artifact_trailer> trailer = trailerOf(artifact);
  if (!trailer) throw Error("the compiled artifact has no integrity trailer");
  std::ostringstream text;
  text << "key=" << key << "\nsource=" << description.source << "\nopt=" << description.optLevel
       << "\ntier=" << description.tier << "\ncompile_s=" << description.compileSeconds
       << "\nartifact_bytes=" << artifact.size() << "\nchecksum=" << std::hex << trailer->checksum
       << std::dec << "\nwaot=" WAOT_VERSION "\n";
  if (description.guided())
    text << "optimized_functions=" << description.optimizedFunctions
         << "\nfunctions=" << description.functions << "\nprofile=" << description.profileDigest
         << "\n";
  const std::string info = text.str();
  // The description first: an artifact is never without one.
  replaceAtomically(directory_ / (key + kDescriptionSuffix),
                    {reinterpret_cast<const std::uint8_t *>(info.data()), info.size()});
  replaceAtomically(artifactPath(key), artifact);
  std::error_code ec2;
  fs::remove(directory_ / (key + kFailedSuffix), ec2); // built after all
}

std::string CompileCache::mismatch(const std::string &key) const {
  const std::optional<Description> description =
      readDescription(directory_ / (key + kDescriptionSuffix));
  if (!description) return "it has no description";
  if (description->key != key) return "its description is another entry's";
  const fs::path artifact = artifactPath(key);
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(artifact, ec);
  if (ec || size != description->artifactBytes || size < sizeof(waot_artifact_trailer))
    return "its size is not the size it was stored with";
  std::ifstream in(artifact, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(size - sizeof(waot_artifact_trailer)));
  std::vector<std::uint8_t> tail(sizeof(waot_artifact_trailer));
  in.read(reinterpret_cast<char *>(tail.data()), static_cast<std::streamsize>(tail.size()));
  const std::optional<waot_artifact_trailer> trailer = in ? trailerOf(tail) : std::nullopt;
  if (!trailer || trailer->checksum != description->checksum ||
      trailer->image_size + sizeof(waot_artifact_trailer) != size)
    return "it is not the artifact stored under its key";
  return {};
}

CompileCache::KeyLock::~KeyLock() {
  if (fd_ >= 0) ::close(fd_); // releases the flock
}

CompileCache::KeyLock CompileCache::lock(const std::string &key) const {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  const fs::path path = directory_ / (key + kLockSuffix);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return KeyLock(); // an unwritable cache: nothing to protect
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    // Only on a terminal, like the progress line: otherwise stderr is the
    // program's, and a note of ours would become part of its output.
    if (::isatty(STDERR_FILENO) == 1)
      std::fprintf(stderr, "waot: waiting for another waot that is compiling this module\n");
    while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
    }
  }
  return KeyLock(fd);
}

std::optional<CompileCache::KeyLock> CompileCache::tryLock(const std::string &key) const {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  const fs::path path = directory_ / (key + kLockSuffix);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return KeyLock();
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return KeyLock(fd);
}

void CompileCache::removeLeftovers(const std::string &key) const noexcept {
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (const auto &file : fs::directory_iterator(directory_, ec)) {
    const std::string name = file.path().filename().string();
    if (name.rfind(key, 0) == 0 && name.find(kTemporaryMarker) != std::string::npos)
      leftovers.push_back(file.path());
  }
  for (const fs::path &path : leftovers)
    fs::remove(path, ec);
}

CompileCache::BuildMarker::~BuildMarker() {
  std::error_code ec;
  if (!path_.empty()) fs::remove(path_, ec);
}

CompileCache::BuildMarker CompileCache::markBuilding(const std::string &key,
                                                     const std::string &source, unsigned optLevel,
                                                     bool background) const {
  const fs::path path = directory_ / (key + kBuildingSuffix);
  std::ostringstream text;
  text << "pid=" << ::getpid() << "\nstarted=" << std::time(nullptr) << "\nopt=" << optLevel
       << "\nbackground=" << (background ? 1 : 0) << "\nsource=" << source << "\n";
  const std::string info = text.str();
  try {
    replaceAtomically(path, {reinterpret_cast<const std::uint8_t *>(info.data()), info.size()});
  } catch (const Error &) {
    return BuildMarker({}); // only `waot cache info` misses it
  }
  return BuildMarker(path);
}

std::vector<CompileCache::Build> CompileCache::buildsInProgress() const {
  std::vector<Build> builds;
  std::error_code ec;
  for (const auto &file : fs::directory_iterator(directory_, ec)) {
    const fs::path &path = file.path();
    if (path.extension() != kBuildingSuffix || !isKey(path.stem().string())) continue;
    std::ifstream in(path);
    Build build;
    build.key = path.stem().string();
    std::time_t started = 0;
    std::string line;
    while (std::getline(in, line)) {
      const auto equals = line.find('=');
      if (equals == std::string::npos) continue;
      const std::string name = line.substr(0, equals), value = line.substr(equals + 1);
      if (name == "pid") build.pid = std::atol(value.c_str());
      if (name == "started") started = static_cast<std::time_t>(std::atoll(value.c_str()));
      if (name == "opt") build.optLevel = static_cast<unsigned>(std::atoi(value.c_str()));
      if (name == "background") build.background = value == "1";
      if (name == "source") build.source = value;
    }
    // A marker whose process is gone is a killed compile's.
    if (!processRunning(build.pid)) continue;
    build.runningSeconds = std::difftime(std::time(nullptr), started);
    builds.push_back(std::move(build));
  }
  return builds;
}

void CompileCache::recordFailure(const std::string &key,
                                 const std::string &message) const noexcept {
  const std::string text = message + "\n";
  try {
    replaceAtomically(directory_ / (key + kFailedSuffix),
                      {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()});
  } catch (const Error &) {
    // The log still has it.
  }
}

std::optional<std::string> CompileCache::failure(const std::string &key) const {
  std::ifstream in(directory_ / (key + kFailedSuffix));
  std::string message;
  if (!in || !std::getline(in, message)) return std::nullopt;
  return message;
}

std::vector<std::pair<std::string, std::string>> CompileCache::failures() const {
  std::vector<std::pair<std::string, std::string>> result;
  std::error_code ec;
  for (const auto &file : fs::directory_iterator(directory_, ec)) {
    const fs::path &path = file.path();
    if (path.extension() != kFailedSuffix || !isKey(path.stem().string())) continue;
    if (auto message = failure(path.stem().string()))
      result.emplace_back(path.stem().string(), std::move(*message));
  }
  return result;
}

fs::path CompileCache::logPath() const { return directory_ / kLogName; }

void CompileCache::log(const std::string &line) const noexcept {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  const fs::path path = logPath();
  // Past its limit the log starts again (losing old lines, never growing).
  const bool full = fs::file_size(path, ec) > kMaxLogBytes && !ec;
  const int fd =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (full ? O_TRUNC : 0), 0644);
  if (fd < 0) return;
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  // One write of one line: O_APPEND keeps concurrent writers' lines whole.
  const std::string text = std::string(stamp) + " " + line + "\n";
  const ssize_t written = ::write(fd, text.data(), text.size());
  (void)written; // a lost log line must not stop a build
  ::close(fd);
}

std::optional<CompileCache::Description> CompileCache::description(const std::string &key) const {
  return readDescription(directory_ / (key + kDescriptionSuffix));
}

namespace {

std::string profileText(const std::vector<bool> &entered) {
  std::string text;
  text.reserve(entered.size() + 1);
  for (const bool flag : entered)
    text.push_back(flag ? '1' : '0');
  return text + "\n";
}

} // namespace

void CompileCache::writeProfile(const std::string &key, const std::vector<bool> &entered) const {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  const std::string text = profileText(entered);
  replaceAtomically(directory_ / (key + kProfileSuffix),
                    {reinterpret_cast<const std::uint8_t *>(text.data()), text.size()});
}

std::optional<std::vector<bool>> CompileCache::readProfile(const std::string &key) const {
  std::ifstream in(directory_ / (key + kProfileSuffix));
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  std::vector<bool> entered;
  entered.reserve(text.size());
  for (const char c : text) {
    if (c != '0' && c != '1') return std::nullopt;
    entered.push_back(c == '1');
  }
  return entered;
}

std::string CompileCache::profileDigest(const std::vector<bool> &entered) {
  Sha256 hash;
  hash.update(profileText(entered));
  return hash.hexDigest();
}

void CompileCache::remove(const std::string &key) const noexcept {
  std::error_code ec;
  fs::remove(artifactPath(key), ec);
  fs::remove(directory_ / (key + kDescriptionSuffix), ec);
}

std::vector<CompileCache::Entry> CompileCache::entries() const {
  std::vector<Entry> result;
  std::error_code ec;
  for (const auto &file : fs::directory_iterator(directory_, ec)) {
    const fs::path &path = file.path();
    if (path.extension() != kArtifactSuffix || !isKey(path.stem().string())) continue;
    Entry entry;
    entry.key = path.stem().string();
    entry.bytes = file.file_size(ec);
    entry.description = readDescription(directory_ / (entry.key + kDescriptionSuffix));
    result.push_back(std::move(entry));
  }
  std::sort(result.begin(), result.end(),
            [](const Entry &a, const Entry &b) { return a.bytes > b.bytes; });
  return result;
}

std::uintmax_t CompileCache::clear() const {
  std::uintmax_t freed = 0;
  std::error_code ec;
  std::vector<fs::path> doomed;
  for (const auto &file : fs::directory_iterator(directory_, ec)) {
    const std::string name = file.path().filename().string();
    const bool ours =
        isKey(name.substr(0, 64)) &&
        (file.path().extension() == kArtifactSuffix ||
         file.path().extension() == kDescriptionSuffix || file.path().extension() == kLockSuffix ||
         file.path().extension() == kBuildingSuffix || file.path().extension() == kFailedSuffix ||
         file.path().extension() == kProfileSuffix ||
         name.find(kTemporaryMarker) != std::string::npos);
    if (ours || name == kLogName) doomed.push_back(file.path());
  }
  if (fs::is_directory(directory_ / "digests", ec)) doomed.push_back(directory_ / "digests");
  for (const fs::path &path : doomed) {
    const std::uintmax_t size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
    if (fs::remove_all(path, ec) > 0 && !ec) freed += size;
  }
  return freed;
}

} // namespace waot::driver
