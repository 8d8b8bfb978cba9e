// Round trip against wabt: every module of the repository's .wat files and
// every text module of the official Wasm 2.0 and 3.0 spec scripts must give
// the same bytes from waot::text::watToBinary as from wat2wasm / wast2json
// (for 3.0: where wast2json 1.0.32 converts the script or the module alone;
// see Spec3SuiteModules).
#include "waot/frontend/decoder.hpp"
#include "waot/frontend/text.hpp"

#include "spec/spec_features.hpp"
#include "text_wabt_compat.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
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

// Runs a command, its output discarded (its errors kept in `errors` if given).
int run(const std::string &command, const std::string &errors = "") {
  return std::system(
      (command + " >/dev/null 2>" + (errors.empty() ? "&1" : "'" + errors + "'")).c_str());
}

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
      // 3.0 scripts: `(module instance ...)` instantiates a definition (no
      // module of its own); `(module definition ...)` is the module without
      // that word.
      if (wordAt(s, k) == "instance") continue;
      if (wordAt(s, k) == "definition") {
        m.text = s.substr(o.pos, k - o.pos) + s.substr(k + 10, i - k - 10);
        k = skipSpace(s, k + 10);
      }
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
  // 2.0 only: valid 3.0 text whose binary 2.0's decoder rejects (64-bit
  // sizes and offsets, which 2.0's text format calls malformed).
  int malformedBy30Text = 0;
  // 3.0 only: modules the reader rejects with an error that names a feature
  // it does not read yet (featureOf), compared with wabt's bytes or not.
  int unsupported = 0, unsupportedUnconverted = 0;
  std::map<std::string, int> features;
  std::vector<std::string> failures;
};

// The feature a reader's error names (the spec runner's naming), if any.
std::optional<std::string> namedFeature(const waot::text::TextError &e) {
  std::string feature = waot::spec::featureOf(std::string("text syntax: ") + e.what());
  if (feature.starts_with("text syntax: ")) return std::nullopt;
  return feature;
}

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

// `unsupportedTolerated`: a reader error naming a feature is counted, not a
// failure (the 3.0 suite).
void compare(Counts &c, const std::string &where, const std::string &text,
             const std::vector<std::uint8_t> &expected, bool unsupportedTolerated = false) {
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
    if (auto feature = namedFeature(e); feature && unsupportedTolerated) {
      ++c.unsupported;
      ++c.features[*feature];
      return;
    }
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
// `(module`; nullopt when wast2json cannot convert the script (its messages
// then in `errors`, if given).
std::optional<std::map<std::size_t, std::string>> convert(const fs::path &wast, const fs::path &dir,
                                                          const std::string &stem,
                                                          const std::string &flags,
                                                          const std::string &errors = "") {
  if (run(std::string(WAOT_TEXT_WAST2JSON) + flags + " '" + wast.string() + "' -o '" +
              (dir / (stem + ".json")).string() + "'",
          errors) != 0)
    return std::nullopt;
  static const std::regex entryRe(
      R"re("line": (\d+), (?:"name": "[^"]*", )?"filename": "([^"]+)")re");
  std::map<std::size_t, std::string> files;
  std::string json = readFile(dir / (stem + ".json"));
  for (std::sregex_iterator it(json.begin(), json.end(), entryRe), end; it != end; ++it)
    files[std::stoul((*it)[1])] = (*it)[2];
  return files;
}

// wast2json's bytes for text modules of a script it cannot convert, each
// module alone: written one per line as `(assert_invalid MODULE "")`, which
// wast2json converts without validating; the modules at the lines it reports
// are dropped until it converts the rest. When it stops without naming a
// line (wabt 1.0.32 aborts on some GC forms), each module is converted by
// itself. Result: the binary of each module it converts, by index in `texts`.
std::map<std::size_t, fs::path> convertAlone(const std::vector<std::string> &texts,
                                             const fs::path &dir, const std::string &stem,
                                             const std::string &flags) {
  std::map<std::size_t, fs::path> out;
  auto attempt = [&](const std::vector<std::size_t> &modules, const std::string &name,
                     std::vector<std::size_t> &failedAt) {
    std::vector<std::size_t> lines;
    std::string script;
    std::size_t line = 1;
    for (std::size_t k : modules) {
      lines.push_back(line);
      script += "(assert_invalid " + texts[k] + " \"\")\n";
      line += static_cast<std::size_t>(std::count(texts[k].begin(), texts[k].end(), '\n')) + 1;
    }
    fs::path wast = dir / (name + ".wast"), errors = dir / (name + ".err");
    std::ofstream(wast) << script;
    auto files = convert(wast, dir, name, flags, errors.string());
    if (!files) {
      std::string messages = readFile(errors);
      static const std::regex lineRe(R"(\.wast:(\d+):\d+: error)");
      for (std::sregex_iterator it(messages.begin(), messages.end(), lineRe), end; it != end;
           ++it) {
        std::size_t at = std::stoul((*it)[1]);
        auto next = std::upper_bound(lines.begin(), lines.end(), at);
        if (next != lines.begin()) failedAt.push_back(modules[next - lines.begin() - 1]);
      }
      return false;
    }
    for (std::size_t j = 0; j < modules.size(); ++j)
      if (auto f = files->find(lines[j]); f != files->end() && f->second.ends_with(".wasm"))
        out[modules[j]] = dir / f->second;
    return true;
  };
  std::vector<std::size_t> left(texts.size());
  std::iota(left.begin(), left.end(), std::size_t{0});
  for (int round = 0; !left.empty(); ++round) {
    std::vector<std::size_t> failedAt;
    if (attempt(left, stem + ".alone" + std::to_string(round), failedAt)) return out;
    if (failedAt.empty()) break;
    std::erase_if(left, [&](std::size_t k) {
      return std::find(failedAt.begin(), failedAt.end(), k) != failedAt.end();
    });
  }
  for (std::size_t k : left) {
    std::vector<std::size_t> ignored;
    attempt({k}, stem + ".single" + std::to_string(k), ignored);
  }
  return out;
}

// One suite of spec scripts: where to find them, how wast2json converts them
// and what the test tolerates.
struct Suite {
  std::string version; // "2.0", "3.0"
  fs::path dir;
  std::string flags; // wast2json's feature options
  // 3.0: scripts wast2json converts neither as they are nor rewritten have
  // their modules compared one by one where it converts the module alone;
  // a module the reader rejects with an error naming a feature it does not
  // read yet (GC, typed function references, ...; featureOf) is counted
  // rather than a failure. 2.0: every script must convert and every module
  // must be read.
  bool unsupportedTolerated = false;
};

struct SuiteResult {
  Counts direct;     // compared with wast2json's output for the script itself
  Counts viaRewrite; // ... for the script rewritten (text_wabt_compat.hpp)
  Counts alone;      // ... for the module alone (convertAlone)
  int scripts = 0, rewritten = 0;
  int aloneNotConverted = 0; // modules waot reads whose script and self wast2json cannot convert
  std::vector<std::string> notConverted; // scripts wast2json converts in neither form
};

std::string describe(const Counts &c, bool unsupportedTolerated) {
  std::string s = "identical " + std::to_string(c.identical) + ", differing " +
                  std::to_string(c.differing) + " (explained: " + std::to_string(c.dataCountDiffs) +
                  " data count, " + std::to_string(c.emptySelectDiffs) +
                  " empty select), waot errors " + std::to_string(c.waotError);
  if (unsupportedTolerated) s += ", rejected naming a feature " + std::to_string(c.unsupported);
  return s;
}

// An assert_malformed text module (wabt writes its text): waot must reject it.
void checkMalformedText(Counts &c, const Suite &suite, const std::string &where,
                        const std::string &text) {
  std::vector<std::uint8_t> bytes;
  try {
    bytes = waot::text::watToBinary(text);
  } catch (const waot::text::TextError &) {
    ++c.malformedRejected;
    return;
  }
  // The 3.0 text format reads u64 sizes and offsets (memory64) that 2.0's
  // calls malformed: the 2.0 binary format still cannot hold them.
  if (suite.version == "2.0") {
    try {
      waot::frontend::DecodeOptions wasm2;
      wasm2.features = waot::frontend::Features::wasm2();
      (void)waot::frontend::decodeAndValidate(bytes, wasm2);
    } catch (const waot::CompileError &e) {
      if (e.kind() == waot::CompileError::Kind::Malformed) {
        ++c.malformedBy30Text;
        return;
      }
    }
  }
  ++c.malformedAccepted;
  c.failures.push_back(where + ": assert_malformed module accepted");
}

// Every module of every top-level script of the suite, compared with
// wast2json's bytes; failures are added to the running test.
SuiteResult runSuite(const Suite &suite) {
  SuiteResult r;
  std::vector<fs::path> wasts;
  for (const auto &e : fs::directory_iterator(suite.dir))
    if (e.path().extension() == ".wast") wasts.push_back(e.path());
  std::sort(wasts.begin(), wasts.end());
  fs::path work = fs::path(WAOT_TEXT_WORK_DIR) / ("spec-" + suite.version);
  Counts &c = r.direct;
  // A text module no binary of wast2json's is compared with: waot must read
  // it, or (3.0) reject it naming a feature. True when read.
  auto readAlone = [&](const std::string &where, const std::string &text) {
    try {
      waot::text::watToBinary(text);
      return true;
    } catch (const waot::text::TextError &e) {
      if (auto feature = namedFeature(e); feature && suite.unsupportedTolerated) {
        ++c.unsupportedUnconverted;
        ++c.features[*feature];
      } else {
        c.failures.push_back(where +
                             " (not compared with wabt): valid module rejected: " + e.what());
      }
      return false;
    }
  };
  for (const fs::path &wast : wasts) {
    ++r.scripts;
    std::string stem = wast.stem().string();
    fs::path dir = work / stem;
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string script = readFile(wast);
    std::vector<ScriptModule> modules = scriptModules(script);
    // Where each module's bytes are looked up: the script itself, or for
    // scripts wast2json 1.0.32 cannot read, the same script rewritten into
    // forms it reads (text_wabt_compat.hpp: same modules, same bytes).
    std::vector<ScriptModule> lookup = modules;
    Counts *counts = &c;
    auto files = convert(wast, dir, stem, suite.flags);
    if (!files) {
      fs::path rewritten = dir / (stem + ".compat.wast");
      std::ofstream(rewritten) << waot::texttest::rewriteForWast2json1032(script).text;
      files = convert(rewritten, dir, stem, suite.flags);
      lookup = scriptModules(readFile(rewritten));
      counts = &r.viaRewrite;
      ++r.rewritten;
      if (!files || lookup.size() != modules.size()) {
        if (!suite.unsupportedTolerated)
          ADD_FAILURE() << stem << ": the rewritten script does not convert module for module";
        --r.rewritten;
        r.notConverted.push_back(stem);
        files.reset();
      }
    }
    std::vector<std::size_t> readable; // of a script not converted, the modules waot reads
    for (std::size_t i = 0; i < modules.size(); ++i) {
      const ScriptModule &m = modules[i];
      std::string where = stem + ".wast:" + std::to_string(m.line);
      if (m.command == "assert_malformed" && m.kind != "binary") {
        checkMalformedText(c, suite, where, m.text);
        continue;
      }
      if (m.kind == "binary" && m.command == "assert_malformed") continue;
      if (!files) {
        if (m.kind != "binary" && readAlone(where, m.text)) readable.push_back(i);
        continue;
      }
      auto f = files->find(lookup[i].line);
      if (f == files->end() || f->second.ends_with(".wat")) {
        if (m.kind == "binary") continue;
        ++c.wabtCannotRead; // left: waot must at least read it
        if (readAlone(where, m.text)) ++c.waotReadsUnconverted;
        continue;
      }
      auto expected = readBytes(dir / f->second);
      if (m.kind == "binary") {
        Counts b;
        compare(b, where, m.text, expected);
        c.binaryIdentical += b.identical;
        c.failures.insert(c.failures.end(), b.failures.begin(), b.failures.end());
        continue;
      }
      compare(*counts, where, m.text, expected, suite.unsupportedTolerated);
    }
    if (files) continue;
    std::vector<std::string> texts;
    for (std::size_t i : readable)
      texts.push_back(modules[i].text);
    auto alone = convertAlone(texts, dir, stem, suite.flags);
    for (std::size_t j = 0; j < readable.size(); ++j) {
      const ScriptModule &m = modules[readable[j]];
      if (auto f = alone.find(j); f != alone.end())
        compare(r.alone, stem + ".wast:" + std::to_string(m.line) + " (converted alone)", m.text,
                readBytes(f->second));
      else
        ++r.aloneNotConverted;
    }
  }
  const Counts &v = r.viaRewrite, &a = r.alone;
  const bool tolerant = suite.unsupportedTolerated;
  std::cout << "spec " << suite.version << " text modules: " << describe(c, tolerant) << "\n"
            << "  in the " << r.rewritten
            << " scripts wast2json converts only rewritten: " << describe(v, tolerant) << "\n";
  if (tolerant)
    std::cout << "  in the " << r.notConverted.size()
              << " scripts wast2json cannot convert, modules waot reads compared with the module "
                 "converted alone: "
              << describe(a, false)
              << "; wast2json cannot convert it alone: " << r.aloneNotConverted << "\n";
  std::cout << "  text modules wast2json writes no binary for: " << c.wabtCannotRead
            << ", waot reads " << c.waotReadsUnconverted << "\n";
  if (tolerant)
    std::cout << "  modules not compared that waot rejects naming a feature: "
              << c.unsupportedUnconverted << "\n";
  std::cout << "  binary modules identical: " << c.binaryIdentical
            << "; assert_malformed text modules rejected: " << c.malformedRejected;
  if (!tolerant)
    std::cout << " (+ " << c.malformedBy30Text << " read as 3.0 text, rejected by the 2.0 decoder)";
  std::cout << ", accepted: " << c.malformedAccepted << "\n";
  if (!r.notConverted.empty()) {
    std::cout << "  scripts wast2json cannot convert:";
    for (const auto &stem : r.notConverted)
      std::cout << " " << stem;
    std::cout << "\n";
  }
  std::map<std::string, int> features;
  for (const Counts *counts : {&r.direct, &r.viaRewrite, &r.alone})
    for (const auto &[feature, n] : counts->features)
      features[feature] += n;
  if (!features.empty()) {
    std::cout << "  modules rejected naming a feature, by feature:";
    for (const auto &[feature, n] : features)
      std::cout << " " << feature << " " << n << ";";
    std::cout << "\n";
  }
  for (const Counts *counts : {&r.direct, &r.viaRewrite, &r.alone})
    for (const auto &f : counts->failures)
      ADD_FAILURE() << f;
  return r;
}

TEST(TextRoundTrip, SpecSuiteModules) {
  if (toolMissing(WAOT_TEXT_WAST2JSON)) GTEST_SKIP() << "wast2json not found";
  fs::path spec(WAOT_TEXT_SPEC_DIR);
  if (!fs::is_directory(spec)) GTEST_SKIP() << "spec suite not found at " << spec;
  SuiteResult r = runSuite({"2.0", spec, ""});
  EXPECT_GT(r.direct.identical, 3000);
  EXPECT_GT(r.viaRewrite.identical, 100);
}

// The 3.0 suite, converted by wast2json with every 3.0 feature wabt 1.0.32
// knows (the same 187 scripts convert, to the same bytes, with --enable-all;
// --enable-annotations converts no more). Its 63 other scripts (GC, typed
// function references, exnref, `module definition`, ...) have each module
// compared where wast2json converts the module alone. A module the reader
// rejects must be one whose error names a feature it does not read yet; any
// other rejection of a module that is not assert_malformed is a failure.
TEST(TextRoundTrip, Spec3SuiteModules) {
  if (toolMissing(WAOT_TEXT_WAST2JSON)) GTEST_SKIP() << "wast2json not found";
  fs::path spec(WAOT_TEXT_SPEC3_DIR);
  if (!fs::is_directory(spec)) GTEST_SKIP() << "spec suite not found at " << spec;
  SuiteResult r = runSuite({"3.0", spec,
                            " --enable-tail-call --enable-multi-memory --enable-memory64"
                            " --enable-extended-const --enable-exceptions"
                            " --enable-function-references --enable-gc --enable-relaxed-simd",
                            true});
  EXPECT_GT(r.direct.identical, 3200);
  EXPECT_GT(r.viaRewrite.identical, 130);
  EXPECT_GT(r.alone.identical, 780);
  EXPECT_GT(r.direct.binaryIdentical, 70);
  EXPECT_GT(r.direct.malformedRejected, 1200);
}
