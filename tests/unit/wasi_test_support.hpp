// Shared fixtures of the WASI unit tests: a temporary directory tree and a
// fake guest memory (a byte vector) with a bump allocator for arguments.
#pragma once

#include "guest_memory.hpp"
#include "host.hpp"
#include "sandbox.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace waot::wasi::test {

namespace fs = std::filesystem;
using detail::Errno;
using detail::u32;
using detail::u64;

class TempTree {
public:
  TempTree() {
    std::string pattern = (fs::temp_directory_path() / "waot-wasi-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempTree() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempTree(const TempTree &) = delete;
  TempTree &operator=(const TempTree &) = delete;
  const fs::path &path() const { return path_; }

private:
  fs::path path_;
};

inline void writeFile(const fs::path &path, std::string_view content) {
  std::ofstream(path, std::ios::binary) << content;
}

inline std::string readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A guest memory of `size` bytes; alloc() hands out consecutive regions
// (from 1024 on, so that low addresses stay free for tests).
class FakeMemory {
public:
  explicit FakeMemory(std::size_t size = 65536) : bytes_(size, 0) {}
  detail::GuestMemory view() { return {bytes_.data(), bytes_.size()}; }
  std::vector<std::uint8_t> &bytes() { return bytes_; }

  u32 alloc(u32 size) {
    const u32 at = next_;
    next_ += (size + 7) & ~7u;
    return at;
  }
  // A string copied into memory: {pointer, length}.
  std::pair<u32, u32> string(std::string_view text) {
    const u32 at = alloc(static_cast<u32>(text.size()) + 1);
    std::copy(text.begin(), text.end(), bytes_.begin() + at);
    return {at, static_cast<u32>(text.size())};
  }
  template <class T> T load(u32 at) { return view().load<T>(at); }
  template <class T> void store(u32 at, T value) { view().store<T>(at, value); }

private:
  std::vector<std::uint8_t> bytes_;
  u32 next_ = 1024;
};

// A Host whose fd 3 is `root` preopened as "/".
inline detail::Host makeHost(const fs::path &root) {
  Config config;
  config.args = {"test.wasm"};
  config.preopens = {{root, "/"}};
  return detail::Host(config);
}

// Both resolution methods, for parameterized tests.
inline std::string methodName(const testing::TestParamInfo<detail::ResolveMethod> &info) {
  return info.param == detail::ResolveMethod::Auto ? "Openat2" : "Fallback";
}

// Sets the resolution method for the test's duration.
class MethodScope {
public:
  explicit MethodScope(detail::ResolveMethod method) { detail::setResolveMethod(method); }
  ~MethodScope() { detail::setResolveMethod(detail::ResolveMethod::Auto); }
};

} // namespace waot::wasi::test
