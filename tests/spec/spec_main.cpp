// waot-spec-runner: runs official spec test scripts through waot.
//
//   waot-spec-runner --wast FILE.wast --work DIR [--wast2json PATH] [-O N]
//       converts FILE with wast2json into DIR/NAME/, executes every command,
//       prints per-file counts, writes DIR/NAME.result; exit 0 when every
//       executed assertion passed, 1 otherwise, 77 when wast2json cannot
//       convert the file (reported as "not converted", never dropped).
//   waot-spec-runner --wast FILE.wast --work DIR --compat-rewrite ...
//       runs FILE rewritten for wast2json 1.0.32 (see spec_compat.hpp) as
//       NAME-compat: covers the scripts that wast2json cannot convert.
//   waot-spec-runner --report DIR
//       prints the per-file table and the totals of all DIR/*.result files.
#include "spec_compat.hpp"
#include "spec_runner.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

namespace fs = std::filesystem;
using namespace waot::spec;

namespace {

constexpr int kNotConverted = 77;

struct FileResult {
  std::string name, status;
  int passed = 0, failed = 0, skipped = 0, unsupported = 0;
};

void writeResult(const fs::path &dir, const FileResult &r) {
  std::ofstream out(dir / (r.name + ".result"));
  out << r.name << '\t' << r.status << '\t' << r.passed << '\t' << r.failed << '\t' << r.skipped
      << '\t' << r.unsupported << '\n';
}

std::string shellQuote(const std::string &s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// With `compat`, runs the script rewritten by rewriteForWast2json1032 under
// the name NAME-compat (the original keeps its "not converted" entry).
int runFile(const fs::path &originalWast, const fs::path &work, const std::string &wast2json,
            const RunnerOptions &compileOptions, bool compat) {
  const std::string name = originalWast.stem().string() + (compat ? "-compat" : "");
  const fs::path dir = work / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path wast = originalWast;
  if (compat) {
    std::ifstream in(originalWast, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const CompatRewrite rewrite = rewriteForWast2json1032(text);
    if (rewrite.applied.empty())
      throw std::runtime_error("no compatibility rewrite applies to " + originalWast.string());
    for (const auto &what : rewrite.applied)
      std::cout << name << ": rewrite: " << what << "\n";
    wast = dir / (originalWast.stem().string() + ".wast");
    std::ofstream(wast, std::ios::binary) << rewrite.text;
  }
  const fs::path json = dir / (name + ".json");
  const std::string command = shellQuote(wast2json) + " " + shellQuote(wast.string()) + " -o " +
                              shellQuote(json.string()) + " > " +
                              shellQuote((dir / "wast2json.log").string()) + " 2>&1";
  const int status = std::system(command.c_str());
  FileResult result{name, "ok"};
  if (status != 0 || !fs::exists(json)) {
    result.status = "not converted";
    writeResult(work, result);
    std::cout << name << ": not converted (wast2json failed; see " << (dir / "wast2json.log")
              << ")\n";
    return kNotConverted;
  }
  RunnerOptions options = compileOptions;
  options.workDir = dir;
  Runner runner(loadScript(json), options, std::cout);
  const Counts counts = runner.run();
  result.passed = counts.passed;
  result.failed = counts.failed;
  result.skipped = counts.skippedTextModules;
  result.unsupported = counts.unsupported;
  result.status = counts.failed ? "FAIL" : counts.unsupported ? "unsupported feature" : "ok";
  writeResult(work, result);
  std::cout << name << ": " << counts.passed << " passed, " << counts.failed << " failed, "
            << counts.skippedTextModules << " skipped (text-form assert_malformed/assert_invalid), "
            << counts.unsupported << " unsupported feature\n";
  return counts.failed ? 1 : 0;
}

int report(const fs::path &work) {
  std::map<std::string, FileResult> results;
  for (const auto &entry : fs::directory_iterator(work)) {
    if (entry.path().extension() != ".result") continue;
    std::ifstream in(entry.path());
    std::string line;
    std::getline(in, line);
    std::istringstream fields(line);
    FileResult r;
    std::getline(fields, r.name, '\t');
    std::getline(fields, r.status, '\t');
    fields >> r.passed >> r.failed >> r.skipped >> r.unsupported;
    results[r.name] = r;
  }
  int passed = 0, failed = 0, skipped = 0, unsupported = 0;
  std::vector<std::string> notConverted;
  std::cout << "| file | passed | failed | skipped | unsupported | status |\n"
               "|---|---|---|---|---|---|\n";
  for (const auto &[name, r] : results) {
    std::cout << "| " << name << " | " << r.passed << " | " << r.failed << " | " << r.skipped
              << " | " << r.unsupported << " | " << r.status << " |\n";
    passed += r.passed;
    unsupported += r.unsupported;
    failed += r.failed;
    skipped += r.skipped;
    if (r.status == "not converted") notConverted.push_back(name);
  }
  std::cout << "\nfiles: " << results.size()
            << "; not converted by wast2json: " << notConverted.size();
  for (std::size_t i = 0; i < notConverted.size(); ++i)
    std::cout << (i ? ", " : " (") << notConverted[i] << (i + 1 == notConverted.size() ? ")" : "");
  std::cout << "\nskipped = assert_malformed/assert_invalid modules given in text form only\n";
  std::cout << "unsupported = commands on modules using a feature waot does not compile (counted "
               "as failures)\n";
  std::cout << unsupported << " unsupported\n";
  std::cout << passed << " passed, " << failed << " failed, " << skipped << " skipped\n";
  return failed ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string wast, work, wast2json = "wast2json", reportDir;
  RunnerOptions options;
  bool compat = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << arg << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--wast")
      wast = next();
    else if (arg == "--work")
      work = next();
    else if (arg == "--wast2json")
      wast2json = next();
    else if (arg == "-O")
      options.optLevel = static_cast<unsigned>(std::stoul(next()));
    else if (arg == "--cpu")
      options.cpu = next();
    else if (arg == "--report")
      reportDir = next();
    else if (arg == "--compat-rewrite")
      compat = true;
    else {
      std::cerr << "usage: waot-spec-runner --wast FILE --work DIR [--wast2json PATH] [-O N] "
                   "[--cpu CPU] [--compat-rewrite]\n"
                   "       waot-spec-runner --report DIR\n";
      return 2;
    }
  }
  try {
    if (!reportDir.empty()) return report(reportDir);
    if (wast.empty() || work.empty()) {
      std::cerr << "waot-spec-runner: --wast and --work are required\n";
      return 2;
    }
    fs::create_directories(work);
    return runFile(wast, work, wast2json, options, compat);
  } catch (const std::exception &e) {
    std::cerr << "waot-spec-runner: " << e.what() << "\n";
    return 1;
  }
}
