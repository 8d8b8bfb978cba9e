#include "commands.hpp"

#include <waot/errors.hpp>
#include <waot/frontend/text.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

namespace waot::driver {

namespace {

// `path` opened for reading; waot::Error naming it when that is impossible.
std::ifstream openForReading(const std::filesystem::path &path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error("cannot read '" + path.string() + "': is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path.string() + "': " + std::strerror(errno));
  return in;
}

} // namespace

std::vector<std::uint8_t> readFile(const std::filesystem::path &path) {
  std::ifstream in = openForReading(path);
  std::error_code ec;
  // In blocks (a byte-wise read costs milliseconds on a large module).
  std::vector<std::uint8_t> bytes;
  const auto expected = std::filesystem::file_size(path, ec);
  if (!ec) bytes.reserve(static_cast<std::size_t>(expected));
  char block[1 << 16];
  while (in.read(block, sizeof block) || in.gcount() > 0)
    bytes.insert(bytes.end(), block, block + in.gcount());
  if (in.bad()) throw Error("cannot read '" + path.string() + "': read error");
  return bytes;
}

std::vector<std::uint8_t> readFilePrefix(const std::filesystem::path &path, std::size_t count) {
  std::ifstream in = openForReading(path);
  std::vector<std::uint8_t> bytes(count);
  in.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(count));
  if (in.bad()) throw Error("cannot read '" + path.string() + "': read error");
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

void writeTextFile(const std::filesystem::path &path, const std::string &text) {
  std::string temporary = path.string();
  temporary.append(".tmp-").append(std::to_string(::getpid()));
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw Error("cannot write '" + path.string() + "': " + std::strerror(errno));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw Error("cannot write '" + path.string() + "': " + std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    throw Error("cannot write '" + path.string() + "': " + std::strerror(error));
  }
}

FileKind detectFileKind(const std::vector<std::uint8_t> &bytes) {
  static constexpr std::uint8_t wasmMagic[] = {0x00, 0x61, 0x73, 0x6D};
  static constexpr std::uint8_t elfMagic[] = {0x7F, 'E', 'L', 'F'};
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), wasmMagic, 4) == 0) return FileKind::Wasm;
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), elfMagic, 4) == 0)
    return FileKind::SharedObject;
  for (const std::uint8_t byte : bytes) {
    if (byte == ' ' || byte == '\t' || byte == '\n' || byte == '\r') continue;
    return byte == '(' || byte == ';' ? FileKind::Text : FileKind::Unknown;
  }
  return FileKind::Unknown;
}

std::vector<std::uint8_t> readModuleBytes(const std::filesystem::path &path) {
  std::vector<std::uint8_t> bytes = readFile(path);
  if (detectFileKind(bytes) != FileKind::Text) return bytes;
  try {
    return text::watToBinary(
        std::string_view(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
  } catch (const text::TextError &e) {
    throw CompileError(CompileError::Kind::Malformed, path.string() + ":" + e.what());
  }
}

} // namespace waot::driver
