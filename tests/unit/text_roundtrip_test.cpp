// Round trip against wabt: every module of the repository's .wat files and
// every text module of the official Wasm 2.0 spec scripts must give the same
// bytes from waot::text::watToBinary as from wat2wasm / wast2json.
#include "waot/frontend/decoder.hpp"
#include "waot/frontend/text.hpp"

#include "text_wabt_compat.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::uint8_t> readBytes(const fs::path &p) {
  std::string s = readFile(p);
  return {s.begin(), s.end()};
}

int run(const std::string &command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

// A module form of a script, found by a scanner independent of the lexer
// under test (parentheses, strings and comments only).
struct ScriptModule {
  std::size_t line;    // line of its `(`, as wast2json reports it
  std::string text;    // `(module ...)`
  std::string kind;    // "text", "binary" or "quote"
  std::string command; // enclosing command keyword ("module" when top level)
};

std::string wordAt(const std::string &s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j])) && s[j] != '(' &&
         s[j] != ')')
    ++j;
  return s.substr(i, j - i);
}

std::size_t skipSpace(const std::string &s, std::size_t i) {
  for (;;) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (s.compare(i, 2, ";;") == 0) {
      while (i < s.size() && s[i] != '\n')
        ++i;
    } else if (s.compare(i, 2, "(;") == 0) {
      int depth = 0;
      do {
        if (s.compare(i, 2, "(;") == 0)
          ++depth, i += 2;
        else if (s.compare(i, 2, ";)") == 0)
          --depth, i += 2;
        else
          ++i;
      } while (depth > 0 && i < s.size());
    } else {
      return i;
    }
  }
}

std::vector<ScriptModule> scriptModules(const std::string &s) {
  std::vector<ScriptModule> out;
  struct Open {
    std::size_t pos, line;
    std::string word;
  };
  std::vector<Open> stack;
  std::size_t line = 1;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\n')
      ++line, ++i;
    else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\')
          ++i;
        else if (s[i] == '\n')
          ++line;
      }
      ++i;
    } else if (s.compare(i, 2, ";;") == 0) {
      while (i < s.size() && s[i] != '\n')
        ++i;
    } else if (s.compare(i, 2, "(;") == 0) {
      std::size_t end = skipSpace(s, i);
      line += static_cast<std::size_t>(
          std::count(s.begin() + static_cast<long>(i), s.begin() + static_cast<long>(end), '\n'));
      i = end;
    } else if (c == '(') {
      stack.push_back({i, line, wordAt(s, i + 1)});
      ++i;
    } else if (c == ')') {
      Open o = stack.back();
      stack.pop_back();
      ++i;
      if (o.word != "module" || stack.size() > 1) continue;
      ScriptModule m{o.line, s.substr(o.pos, i - o.pos), "text",
                     stack.empty() ? "module" : stack.back().word};
      std::size_t k = skipSpace(s, o.pos + 7);
      if (k < s.size() && s[k] == '$') k = skipSpace(s, k + wordAt(s, k).size());
      std::string w = wordAt(s, k);
      if (w == "binary" || w == "quote") m.kind = w;
      out.push_back(std::move(m));
    } else {
      ++i;
    }
  }
  return out;
}

struct Counts {
  int identical = 0, differing = 0, waotError = 0, wabtCannotRead = 0, waotReadsUnconverted = 0;
  // Differences where wabt 1.0.32 departs from the spec, each checked to be
  // the only difference (see explainDifference).
  int dataCountDiffs = 0, emptySelectDiffs = 0;
  int binaryIdentical = 0, malformedRejected = 0, malformedAccepted = 0;
  // Valid 3.0 text whose binary 2.0's decoder rejects (64-bit sizes, offsets).
  int malformedBy30Text = 0;
  std::vector<std::string> failures;
};

// The module without its data count section (id 12).
std::vector<std::uint8_t> withoutDataCount(const std::vector<std::uint8_t> &m) {
  std::vector<std::uint8_t> out(m.begin(), m.begin() + 8);
  for (std::size_t i = 8; i < m.size();) {
    std::size_t start = i++;
    std::uint64_t size = 0;
    for (int shift = 0;; shift += 7) {
      std::uint8_t b = m[i++];
      size |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) break;
    }
    i += size;
    if (m[start] != 12)
      out.insert(out.end(), m.begin() + static_cast<long>(start), m.begin() + static_cast<long>(i));
  }
  return out;
}

// wabt 1.0.32 differs from the spec in two places met by the suite:
//  * it writes no data count section when the module has no data segment,
//    even if `memory.init`/`data.drop` is used (the spec requires one then;
//    without it such a module is malformed rather than invalid);
//  * it writes `select (result)` (typed, no types: 0x1C 0x00) as the
//    untyped `select` (0x1B), which makes an invalid module valid.
// True (and counted) when the difference is exactly one of those.
bool explainDifference(Counts &c, const std::string &text, const std::vector<std::uint8_t> &got,
                       const std::vector<std::uint8_t> &expected) {
  if (withoutDataCount(got) == expected && withoutDataCount(expected) == expected) {
    ++c.dataCountDiffs;
    return true;
  }
  std::string untyped =
      std::regex_replace(text, std::regex(R"(\(select\s+\(result\s*\))"), "(select");
  if (untyped != text && waot::text::watToBinary(untyped) == expected) {
    ++c.emptySelectDiffs;
    return true;
  }
  return false;
}

void compare(Counts &c, const std::string &where, const std::string &text,
             const std::vector<std::uint8_t> &expected) {
  try {
    auto got = waot::text::watToBinary(text);
    if (got == expected) {
      ++c.identical;
    } else if (!explainDifference(c, text, got, expected)) {
      ++c.differing;
      c.failures.push_back(where + ": bytes differ (" + std::to_string(got.size()) + " vs " +
                           std::to_string(expected.size()) + ")");
    }
  } catch (const waot::text::TextError &e) {
    ++c.waotError;
    c.failures.push_back(where + ": " + e.what());
  }
}

bool toolMissing(const char *tool) { return std::string(tool).empty(); }

} // namespace

TEST(TextRoundTrip, RepositoryWatFiles) {
  if (toolMissing(WAOT_TEXT_WAT2WASM)) GTEST_SKIP() << "wat2wasm not found";
  fs::path work = fs::path(WAOT_TEXT_WORK_DIR) / "wat";
  fs::create_directories(work);
  Counts c;
  int files = 0;
  for (const auto &entry :
       fs::recursive_directory_iterator(fs::path(WAOT_TEXT_SOURCE_DIR) / "tests")) {
    if (entry.path().extension() != ".wat") continue;
    ++files;
    fs::path out = work / (std::to_string(files) + ".wasm");
    // --enable-all makes `ref.func` typed (function references), which some
    // of these files do not type-check under: then the 2.0 default features.
    std::string args = " '" + entry.path().string() + "' -o '" + out.string() + "'";
    if (run(std::string(WAOT_TEXT_WAT2WASM) + " --enable-all" + args) != 0 &&
        run(std::string(WAOT_TEXT_WAT2WASM) + args) != 0) {
      ++c.wabtCannotRead;
      continue;
    }
    compare(c, entry.path().string(), readFile(entry.path()), readBytes(out));
  }
  std::cout << "repository .wat files: " << files << ", identical " << c.identical << ", differing "
            << c.differing << ", waot errors " << c.waotError << ", wabt cannot read "
            << c.wabtCannotRead << "\n";
  for (const auto &f : c.failures)
    ADD_FAILURE() << f;
  EXPECT_GT(c.identical, 20);
}

// wast2json's output for a script: emitted module file by line of its
// `(module`; nullopt when wast2json cannot convert the script.
std::optional<std::map<std::size_t, std::string>> convert(const fs::path &wast, const fs::path &dir,
                                                          const std::string &stem) {
  if (run(std::string(WAOT_TEXT_WAST2JSON) + " '" + wast.string() + "' -o '" +
          (dir / (stem + ".json")).string() + "'") != 0)
    return std::nullopt;
  static const std::regex entryRe(
      R"re("line": (\d+), (?:"name": "[^"]*", )?"filename": "([^"]+)")re");
  std::map<std::size_t, std::string> files;
  std::string json = readFile(dir / (stem + ".json"));
  for (std::sregex_iterator it(json.begin(), json.end(), entryRe), end; it != end; ++it)
    files[std::stoul((*it)[1])] = (*it)[2];
  return files;
}

TEST(TextRoundTrip, SpecSuiteModules) {
  if (toolMissing(WAOT_TEXT_WAST2JSON)) GTEST_SKIP() << "wast2json not found";
  fs::path spec(WAOT_TEXT_SPEC_DIR);
  if (!fs::is_directory(spec)) GTEST_SKIP() << "spec suite not found at " << spec;
  std::vector<fs::path> wasts;
  for (const auto &e : fs::directory_iterator(spec))
    if (e.path().extension() == ".wast") wasts.push_back(e.path());
  std::sort(wasts.begin(), wasts.end());
  fs::path work = fs::path(WAOT_TEXT_WORK_DIR) / "spec";
  Counts c, viaRewrite;
  int filesUnconverted = 0;
  for (const fs::path &wast : wasts) {
    std::string stem = wast.stem().string();
    fs::path dir = work / stem;
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string script = readFile(wast);
    std::vector<ScriptModule> modules = scriptModules(script);
    // Where each module's bytes are looked up: the script itself, or for the
    // 7 scripts wast2json 1.0.32 cannot read, the same script rewritten into
    // forms it reads (text_wabt_compat.hpp: same modules, same bytes).
    std::vector<ScriptModule> lookup = modules;
    Counts *counts = &c;
    auto files = convert(wast, dir, stem);
    if (!files) {
      ++filesUnconverted;
      fs::path rewritten = dir / (stem + ".compat.wast");
      std::ofstream(rewritten) << waot::texttest::rewriteForWast2json1032(script).text;
      files = convert(rewritten, dir, stem);
      lookup = scriptModules(readFile(rewritten));
      counts = &viaRewrite;
      if (!files || lookup.size() != modules.size()) {
        ADD_FAILURE() << stem << ": the rewritten script does not convert module for module";
        files = std::map<std::size_t, std::string>{};
        lookup = modules;
      }
    }
    for (std::size_t i = 0; i < modules.size(); ++i) {
      const ScriptModule &m = modules[i];
      std::string where = stem + ".wast:" + std::to_string(m.line);
      if (m.command == "assert_malformed" && m.kind != "binary") {
        // wabt writes the text of these; waot must reject them.
        std::vector<std::uint8_t> bytes;
        try {
          bytes = waot::text::watToBinary(m.text);
        } catch (const waot::text::TextError &) {
          ++c.malformedRejected;
          continue;
        }
        // The 3.0 text format reads u64 sizes and offsets (memory64) that
        // 2.0's calls malformed: the 2.0 binary format still cannot hold them.
        try {
          waot::frontend::DecodeOptions wasm2;
          wasm2.features = waot::frontend::Features::wasm2();
          (void)waot::frontend::decodeAndValidate(bytes, wasm2);
        } catch (const waot::CompileError &e) {
          if (e.kind() == waot::CompileError::Kind::Malformed) {
            ++c.malformedBy30Text;
            continue;
          }
        }
        ++c.malformedAccepted;
        c.failures.push_back(where + ": assert_malformed module accepted");
        continue;
      }
      auto f = files->find(lookup[i].line);
      if (f == files->end() || f->second.ends_with(".wat")) {
        if (m.kind == "binary" || m.command == "assert_malformed") continue;
        ++c.wabtCannotRead; // left: waot must at least read it
        std::cout << "  not compared: " << where << " (" << m.command << ")\n";
        try {
          waot::text::watToBinary(m.text);
          ++c.waotReadsUnconverted;
        } catch (const waot::text::TextError &e) {
          c.failures.push_back(where + " (not converted by wabt): " + e.what());
        }
        continue;
      }
      auto expected = readBytes(dir / f->second);
      if (m.kind == "binary") {
        if (m.command == "assert_malformed") continue;
        Counts b;
        compare(b, where, m.text, expected);
        c.binaryIdentical += b.identical;
        c.failures.insert(c.failures.end(), b.failures.begin(), b.failures.end());
        continue;
      }
      compare(*counts, where, m.text, expected);
    }
  }
  std::cout << "spec 2.0 text modules: identical " << c.identical << ", differing " << c.differing
            << " (explained: " << c.dataCountDiffs << " data count, " << c.emptySelectDiffs
            << " empty select), waot errors " << c.waotError << "\n"
            << "  in the " << filesUnconverted << " scripts wast2json cannot convert, compared "
            << "with the rewritten script: identical " << viaRewrite.identical << ", differing "
            << viaRewrite.differing << ", waot errors " << viaRewrite.waotError
            << "; not compared at all: " << c.wabtCannotRead << " (waot reads "
            << c.waotReadsUnconverted << ")\n"
            << "  binary modules identical: " << c.binaryIdentical
            << "; assert_malformed text modules rejected: " << c.malformedRejected << " (+ "
            << c.malformedBy30Text << " read as 3.0 text, rejected by the 2.0 decoder)"
            << ", accepted: " << c.malformedAccepted << "\n";
  for (const auto &f : c.failures)
    ADD_FAILURE() << f;
  for (const auto &f : viaRewrite.failures)
    ADD_FAILURE() << f;
  EXPECT_GT(c.identical, 3000);
  EXPECT_GT(viaRewrite.identical, 100);
}
