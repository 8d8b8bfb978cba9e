// Executes a converted spec script through the real pipeline: every module
// is compiled by waot (frontend -> LLVM -> native .so), loaded by the runtime
// and instantiated with the spectest host module and registered instances.
#pragma once

#include "spec_script.hpp"

#include <waot/waot.hpp>

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace waot::spec {

struct Counts {
  int passed = 0;
  int failed = 0;
  int skippedTextModules = 0; // assert_malformed/assert_invalid given as text
  int unsupported = 0;        // commands on modules using an unsupported feature (SIMD)
};

struct RunnerOptions {
  unsigned optLevel = 1;
  std::string cpu;               // empty: this machine's; "generic": SSE2 only on x86-64
  std::filesystem::path workDir; // where compiled .so files go
};

class Runner {
public:
  Runner(Script script, RunnerOptions options, std::ostream &log);
  Counts run();

private:
  struct Failure {
    std::string message;
  };

  void execute(const Command &command);
  void moduleCommand(const Command &command);
  void registerCommand(const Command &command);
  void assertReturn(const Command &command);
  void assertTrap(const Command &command, const std::string &expectedText);
  void assertModuleRejected(const Command &command);
  void assertUnlinkable(const Command &command);
  void assertUninstantiable(const Command &command);

  Module compile(const std::string &filename);
  Imports imports() const;
  const Instance &target(const std::optional<std::string> &module) const;
  std::vector<Value> perform(const Action &action);

  void pass() { ++counts_.passed; }
  void unsupported(const Command &command, const std::string &why);
  bool dependsOnUnsupportedModule(const Command &command) const;
  void fail(const Command &command, const std::string &why);

  Script script_;
  RunnerOptions options_;
  std::ostream &log_;
  Counts counts_;
  std::optional<Instance> current_;
  std::map<std::string, Instance> named_;
  std::map<std::string, Exports> registered_;
  // Every instance of the script stays alive until the end: tables and
  // globals of other instances may hold references into it.
  std::vector<Instance> alive_;
  bool currentUnsupported_ = false;
  std::set<std::string> unsupportedNames_;
};

// Whether a trap message satisfies the message the script expects.
bool trapMessageMatches(const std::string &actual, const std::string &expected);

} // namespace waot::spec
