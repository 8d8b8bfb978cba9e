// The compile cache of `waot run`: a .wasm is compiled once per content,
// waot version, options and host CPU, and later runs load the stored
// artifact. Entries are written to a temporary file and renamed into place,
// so concurrent runs never see a partial one; an entry the loader refuses
// (corrupt, truncated, foreign) is replaced, never run.
#pragma once

#include <waot/codegen/compiler.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace waot::driver {

class CompileCache {
public:
  // $WAOT_CACHE_DIR, else $XDG_CACHE_HOME/waot, else $HOME/.cache/waot;
  // waot::Error when none of them is set.
  static std::filesystem::path defaultDirectory();

  explicit CompileCache(std::filesystem::path directory) : directory_(std::move(directory)) {}
  const std::filesystem::path &directory() const noexcept { return directory_; }

  // SHA-256 of a module's bytes (64 hex digits).
  static std::string digestOf(std::span<const std::uint8_t> wasm);
  // The key (64 hex digits) of the module with digest `wasmDigest` compiled
  // with `options` by this waot for this machine's CPU: SHA-256 of all of them.
  static std::string key(const std::string &wasmDigest, const codegen::CompileOptions &options);

  // The digest of the file at `path` when this cache saw the very same file
  // before: same device, inode, size, and modification and status-change
  // times to the nanosecond (any write changes the latter). Saves reading
  // and hashing a large module on every run.
  std::optional<std::string> rememberedDigest(const std::filesystem::path &path) const;
  // Remembers `digest` for the file at `path` as it is now (best effort).
  void rememberDigest(const std::filesystem::path &path, const std::string &digest) const;

  // Where the artifact of `key` is (whether or not it exists yet).
  std::filesystem::path artifactPath(const std::string &key) const;

  // What `waot cache info` shows beside an entry.
  struct Description {
    std::string source; // the .wasm's path when it was compiled
    unsigned optLevel = 2;
    std::string tier; // "optimized" (-O1 and up) or "quick" (-O0)
    double compileSeconds = 0;
    std::string key;                 // the entry's own key
    std::uint64_t artifactBytes = 0; // the artifact's size, trailer included
    std::uint64_t checksum = 0;      // its trailer's checksum
    // A build guided by an entry profile (0 functions: a full build):
    // `optimizedFunctions` of `functions` optimized, from the profile with
    // this SHA-256 (its text, see writeProfile).
    std::uint32_t optimizedFunctions = 0, functions = 0;
    std::string profileDigest;
    bool guided() const { return functions != 0; }
  };
  std::optional<Description> description(const std::string &key) const;

  // Stores `artifact` under `key` atomically (temporary file + rename), and
  // its description beside it. Creates the directory. waot::Error on I/O
  // failure (the cache is then left as it was).
  void store(const std::string &key, std::span<const std::uint8_t> artifact,
             const Description &description) const;
  // Why the stored artifact of `key` is not the one compiled for it, or ""
  // when it is. Its description records the key and the artifact's integrity
  // trailer (size and checksum); the artifact must carry that same trailer
  // (the loader then checks the bytes against it). This catches an entry
  // copied or renamed from another key, a truncated file and a foreign
  // artifact, reading only the description and the artifact's last bytes.
  std::string mismatch(const std::string &key) const;
  // Held while one process compiles the module of `key`: a concurrent run of
  // the same module waits for it (and then loads its entry) instead of
  // compiling it again. An flock on `<key>.lock`, released when the object
  // goes (or the process ends); empty when the lock file cannot be created.
  class KeyLock {
  public:
    explicit KeyLock(int fd = -1) noexcept : fd_(fd) {}
    KeyLock(KeyLock &&other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    KeyLock &operator=(KeyLock &&) = delete;
    ~KeyLock();

  private:
    int fd_;
  };
  // Waits (saying so on stderr) while another process holds it.
  KeyLock lock(const std::string &key) const;
  // The lock of `key` if no other process holds it, else nullopt (a
  // background build leaves the module to whoever is compiling it already).
  std::optional<KeyLock> tryLock(const std::string &key) const;
  // Removes what a killed compile of `key` left behind (temporary files).
  // Call it holding the key's lock: then no one else is writing them.
  void removeLeftovers(const std::string &key) const noexcept;

  // `<key>.building`, while one process compiles the module of `key`: its
  // pid, start time, level and source, for `waot cache info`. Removed when
  // the object goes; a killed compiler's marker names a dead process and is
  // ignored (and replaced by the next compile).
  class BuildMarker {
  public:
    BuildMarker(std::filesystem::path path) noexcept : path_(std::move(path)) {}
    BuildMarker(BuildMarker &&other) noexcept : path_(std::exchange(other.path_, {})) {}
    BuildMarker &operator=(BuildMarker &&) = delete;
    ~BuildMarker();

  private:
    std::filesystem::path path_;
  };
  BuildMarker markBuilding(const std::string &key, const std::string &source, unsigned optLevel,
                           bool background) const;
  struct Build {
    std::string key, source;
    unsigned optLevel = 2;
    bool background = false;
    long pid = 0;
    double runningSeconds = 0;
  };
  // The compiles running now (their process is alive).
  std::vector<Build> buildsInProgress() const;

  // A background build that failed leaves its message in `<key>.failed`:
  // tiered runs then stop retrying it (until the entry is built in the
  // foreground or the cache is cleared); `waot cache info` shows it.
  void recordFailure(const std::string &key, const std::string &message) const noexcept;
  std::optional<std::string> failure(const std::string &key) const;
  // (key, message) of every recorded failure.
  std::vector<std::pair<std::string, std::string>> failures() const;

  // Background builds have no terminal: they report to `background.log` in
  // the cache directory (one line per event, kept under a megabyte).
  std::filesystem::path logPath() const;
  void log(const std::string &line) const noexcept;

  // The entry profile a guided build of `key` uses: per defined function,
  // whether a run entered it. Stored as text ('0'/'1' per function) in
  // `<key>.profile`; written atomically; nullopt when there is none (or it
  // is unreadable).
  void writeProfile(const std::string &key, const std::vector<bool> &entered) const;
  std::optional<std::vector<bool>> readProfile(const std::string &key) const;
  static std::string profileDigest(const std::vector<bool> &entered);

  // Removes the entry of `key`, if any.
  void remove(const std::string &key) const noexcept;

  struct Entry {
    std::string key;
    std::uintmax_t bytes = 0;
    std::optional<Description> description;
  };
  // Every complete entry, largest first.
  std::vector<Entry> entries() const;
  // Removes every entry and leftover temporary file; returns the bytes freed.
  std::uintmax_t clear() const;

private:
  std::filesystem::path directory_;
};

} // namespace waot::driver
