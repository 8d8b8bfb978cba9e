// waot-spec-runner: runs official spec test scripts through waot.
//
//   waot-spec-runner --wast FILE.wast --work DIR [-O N] [--cpu CPU] [--suite 2.0|3.0]
//       reads FILE with waot's script reader (waot/frontend/wast.hpp),
//       executes every command (modules given as text are converted by
//       waot's text reader), prints per-file counts, writes
//       DIR/NAME.result; exit 0 when no command failed, 1 otherwise.
//       --suite 2.0 (the default): an unsupported command is a failure
//       too. --suite 3.0: unsupported commands (features waot does not
//       compile, by name) are not failures.
//   waot-spec-runner --report DIR
//       prints the per-file table, the unsupported features and the totals
//       of all DIR/*.result files.
#include "spec_runner.hpp"

#include <waot/frontend/wast.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace waot::spec;

namespace {

struct FileResult {
  std::string name, status;
  int passed = 0, failed = 0, unsupported = 0;
  std::map<std::string, int> features;
};

// NAME.result: "name status passed failed unsupported", then one line
// "feature count" per unsupported feature (tab-separated).
void writeResult(const fs::path &dir, const FileResult &r) {
  std::ofstream out(dir / (r.name + ".result"));
  out << r.name << '\t' << r.status << '\t' << r.passed << '\t' << r.failed << '\t' << r.unsupported
      << '\n';
  for (const auto &[feature, count] : r.features)
    out << feature << '\t' << count << '\n';
}

FileResult readResult(const fs::path &file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  std::istringstream fields(line);
  FileResult r;
  std::getline(fields, r.name, '\t');
  std::getline(fields, r.status, '\t');
  fields >> r.passed >> r.failed >> r.unsupported;
  while (std::getline(in, line)) {
    const auto tab = line.rfind('\t');
    if (tab != std::string::npos) r.features[line.substr(0, tab)] = std::stoi(line.substr(tab + 1));
  }
  return r;
}

int runFile(const fs::path &wast, const fs::path &work, RunnerOptions options) {
  const std::string name = wast.stem().string();
  const fs::path dir = work / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  FileResult result;
  result.name = name;
  result.status = "ok";
  std::ifstream in(wast, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + wast.string());
  const std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  waot::wast::Script script;
  try {
    script = waot::wast::parseScript(source);
  } catch (const waot::wast::TextError &e) {
    result.status = "script not read";
    result.failed = 1;
    writeResult(work, result);
    std::cout << name << ": script not read: " << wast.string() << ":" << e.what() << "\n";
    return 1;
  }
  options.workDir = dir;
  Runner runner(std::move(script), options, std::cout);
  const Counts counts = runner.run();
  result.passed = counts.passed;
  result.failed = counts.failed;
  result.unsupported = counts.unsupported;
  result.features = counts.features;
  result.status = counts.failed ? "FAIL" : counts.unsupported ? "unsupported feature" : "ok";
  writeResult(work, result);
  std::cout << name << ": " << counts.passed << " passed, " << counts.failed << " failed, "
            << counts.unsupported << " unsupported\n";
  for (const auto &[feature, count] : counts.features)
    std::cout << "  unsupported: " << count << " x " << feature << "\n";
  return counts.failed ? 1 : 0;
}

int report(const fs::path &work) {
  std::map<std::string, FileResult> results;
  for (const auto &entry : fs::directory_iterator(work))
    if (entry.path().extension() == ".result") {
      FileResult r = readResult(entry.path());
      results[r.name] = r;
    }
  int passed = 0, failed = 0, unsupported = 0, clean = 0, withUnsupported = 0, failing = 0;
  std::map<std::string, std::pair<int, int>> features; // commands, files
  std::cout << "| file | passed | failed | unsupported | status |\n|---|---|---|---|---|\n";
  for (const auto &[name, r] : results) {
    std::cout << "| " << name << " | " << r.passed << " | " << r.failed << " | " << r.unsupported
              << " | " << r.status << " |\n";
    passed += r.passed;
    failed += r.failed;
    unsupported += r.unsupported;
    (r.failed ? failing : r.unsupported ? withUnsupported : clean) += 1;
    for (const auto &[feature, count] : r.features) {
      features[feature].first += count;
      features[feature].second += 1;
    }
  }
  if (!features.empty()) {
    std::cout << "\n| unsupported feature | commands | files |\n|---|---|---|\n";
    for (const auto &[feature, n] : features)
      std::cout << "| " << feature << " | " << n.first << " | " << n.second << " |\n";
  }
  std::cout << "\nfiles: " << results.size() << " (" << clean << " ok, " << withUnsupported
            << " with unsupported commands, " << failing << " failing)\n"
            << "every command is counted: passed, failed, or unsupported (needs a feature waot "
               "does not compile; a failure too in the 2.0 suite); nothing is skipped\n"
            << passed << " passed, " << failed << " failed, 0 skipped, " << unsupported
            << " unsupported\n";
  return failed ? 1 : 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string wast, work, reportDir;
  RunnerOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << arg << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--wast") {
      wast = next();
    } else if (arg == "--work") {
      work = next();
    } else if (arg == "-O") {
      options.optLevel = static_cast<unsigned>(std::stoul(next()));
    } else if (arg == "--quick-tier") {
      // What `waot run` compiles first: -O0 with an entry profile.
      options.optLevel = 0;
      options.entryProfile = true;
    } else if (arg == "--cpu") {
      options.cpu = next();
    } else if (arg == "--report") {
      reportDir = next();
    } else if (arg == "--suite") {
      const std::string suite = next();
      if (suite != "2.0" && suite != "3.0") {
        std::cerr << "waot-spec-runner: --suite is 2.0 or 3.0\n";
        return 2;
      }
      options.unsupportedFails = suite == "2.0";
    } else {
      std::cerr
          << "usage: waot-spec-runner --wast FILE --work DIR [-O N | --quick-tier] [--cpu CPU] "
             "[--suite 2.0|3.0]\n"
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
    return runFile(wast, work, options);
  } catch (const std::exception &e) {
    std::cerr << "waot-spec-runner: " << e.what() << "\n";
    return 1;
  }
}
