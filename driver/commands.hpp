// The `waot` subcommands. Each returns the process exit code:
// 0 success, 1 compile/link/trap error, 2 usage error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace waot::driver {

// Wrong command-line usage: reported with a hint and exit code 2.
class UsageError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

int compileCommand(const std::vector<std::string> &args);
int runCommand(const std::vector<std::string> &args);
int validateCommand(const std::vector<std::string> &args);
int cacheCommand(const std::vector<std::string> &args);

// Reads a whole file; throws waot::Error naming the path on failure.
std::vector<std::uint8_t> readFile(const std::filesystem::path &path);
// At most the first `count` bytes of a file (same errors).
std::vector<std::uint8_t> readFilePrefix(const std::filesystem::path &path, std::size_t count);

// Writes `text` to `path` through a temporary file renamed over it (readers
// see the old file or the whole new one); permissions as the umask allows.
void writeTextFile(const std::filesystem::path &path, const std::string &text);

// What a file holds, judged by its first bytes: the binary magic, ELF, or
// text whose first non-blank character opens a form or a comment (`(`, `;`).
enum class FileKind { Wasm, Text, SharedObject, Unknown };
FileKind detectFileKind(const std::vector<std::uint8_t> &bytes);

// A module's binary bytes from a .wasm file, or from a .wat file (decided by
// content) through waot's own text reader: CompileError (Malformed) naming
// the path, line and column for a malformed text module.
std::vector<std::uint8_t> readModuleBytes(const std::filesystem::path &path);

} // namespace waot::driver
