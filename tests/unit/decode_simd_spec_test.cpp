// Every module of the official suite's SIMD scripts (simd_*.wast of
// wasm-2.0) through decodeAndValidate with SIMD allowed: a `module` command
// validates, an `assert_invalid` module is Invalid, an `assert_malformed`
// binary module is Malformed (text-format ones are not the decoder's
// business). The scripts are converted with wabt's wast2json at test time;
// without the suite or wast2json the test is skipped. WAOT_SPEC_DIR (the
// directory holding wasm-2.0/) overrides the default ../shared/spec.
#include "decode_simd_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <unistd.h>

namespace waot::test {
namespace {

namespace fs = std::filesystem;
using namespace waot::frontend;
using Kind = CompileError::Kind;

fs::path specDirectory() {
  if (const char *dir = std::getenv("WAOT_SPEC_DIR")) return fs::path(dir) / "wasm-2.0";
  // This file is tests/unit/ of the source tree, which sits next to shared/.
  return fs::path(__FILE__).parent_path() / ".." / ".." / ".." / "shared" / "spec" / "wasm-2.0";
}

std::vector<fs::path> simdScripts(const fs::path &dir) {
  std::vector<fs::path> scripts;
  std::error_code ec;
  for (const auto &entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("simd_", 0) == 0 && entry.path().extension() == ".wast")
      scripts.push_back(entry.path());
  }
  std::sort(scripts.begin(), scripts.end());
  return scripts;
}

// GCC 12 warns falsely (-Wrestrict) about `"literal" + std::string`: append instead.
std::string quoted(const fs::path &path) {
  return std::string("'").append(path.string()).append("'");
}

// A fresh directory under the system's temporary directory, removed at the end.
class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "waot-simd-spec-XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const fs::path &path() const { return path_; }

private:
  fs::path path_;
};

Bytes readFile(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One command of wast2json's output; it writes one command per line.
struct Command {
  std::string type;
  std::string filename;
  std::string moduleType; // "binary" or "text" for assert_malformed/assert_invalid
  std::string line;
};

std::vector<Command> readCommands(const fs::path &json) {
  static const std::regex typeField(R"re(^\s*\{"type": "([a-z_]+)")re");
  static const std::regex lineField(R"re("line": (\d+))re");
  static const std::regex fileField(R"re("filename": "([^"]+)")re");
  static const std::regex moduleTypeField(R"re("module_type": "([a-z]+)")re");
  std::vector<Command> commands;
  std::ifstream in(json);
  for (std::string text; std::getline(in, text);) {
    std::smatch m;
    if (!std::regex_search(text, m, typeField)) continue;
    Command c;
    c.type = m[1];
    if (std::regex_search(text, m, lineField)) c.line = m[1];
    if (std::regex_search(text, m, fileField)) c.filename = m[1];
    if (std::regex_search(text, m, moduleTypeField)) c.moduleType = m[1];
    commands.push_back(std::move(c));
  }
  return commands;
}

struct Counts {
  int modules = 0, gated = 0, invalid = 0, malformed = 0, textSkipped = 0;
};

void checkCommand(const Command &c, const fs::path &dir, const std::string &script,
                  Counts &counts) {
  const std::string where =
      std::string(script).append(":").append(c.line).append(" (").append(c.filename).append(")");
  if (c.type == "module") {
    const Bytes bytes = readFile(dir / c.filename);
    const auto error = errorOf(bytes);
    EXPECT_FALSE(error) << where << ": " << error->what();
    // Without the option, the same module is either free of SIMD or gated.
    const auto gated = errorOf(bytes);
    if (gated) {
      EXPECT_EQ(gated->kind(), Kind::Unsupported) << where << ": " << gated->what();
      ++counts.gated;
    }
    ++counts.modules;
    return;
  }
  const bool invalid = c.type == "assert_invalid";
  if (!invalid && c.type != "assert_malformed") return;
  if (c.moduleType == "text") {
    ++counts.textSkipped;
    return;
  }
  const auto error = errorOf(readFile(dir / c.filename));
  const Kind expected = invalid ? Kind::Invalid : Kind::Malformed;
  if (!error) {
    ADD_FAILURE() << where << ": accepted, expected " << CompileError::kindName(expected);
    return;
  }
  EXPECT_EQ(error->kind(), expected) << where << ": " << error->what();
  ++(invalid ? counts.invalid : counts.malformed);
}

TEST(DecodeSimdSpec, EveryModuleOfTheSimdScripts) {
  const fs::path dir = specDirectory();
  const std::vector<fs::path> scripts = simdScripts(dir);
  if (scripts.empty()) GTEST_SKIP() << "no simd_*.wast in " << dir << " (set WAOT_SPEC_DIR)";
  if (std::system("wast2json --version >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "wast2json (wabt) not found";
  const TempDir work;
  ASSERT_FALSE(work.path().empty()) << "cannot create a temporary directory";

  Counts counts;
  for (const fs::path &script : scripts) {
    const std::string stem = script.stem().string();
    const fs::path json = work.path() / (stem + ".json");
    const std::string command = std::string("wast2json ")
                                    .append(quoted(script))
                                    .append(" -o ")
                                    .append(quoted(json))
                                    .append(" >/dev/null 2>&1");
    if (std::system(command.c_str()) != 0) {
      ADD_FAILURE() << "wast2json failed on " << script;
      continue;
    }
    for (const Command &c : readCommands(json))
      checkCommand(c, work.path(), stem, counts);
  }
  EXPECT_GT(counts.modules, 0);
  EXPECT_GT(counts.invalid, 0);
  RecordProperty("scripts", static_cast<int>(scripts.size()));
  RecordProperty("modules", counts.modules);
  RecordProperty("assert_invalid", counts.invalid);
  RecordProperty("assert_malformed_binary", counts.malformed);
  RecordProperty("assert_malformed_text_skipped", counts.textSkipped);
  std::printf("%zu simd scripts: %d modules valid (%d of them gated by default), "
              "%d assert_invalid invalid, %d binary assert_malformed malformed, "
              "%d text modules skipped\n",
              scripts.size(), counts.modules, counts.gated, counts.invalid, counts.malformed,
              counts.textSkipped);
}

} // namespace
} // namespace waot::test
