// Executes a spec script (read by waot::wast::parseScript) through the real
// pipeline: every module is converted by waot's text reader when given as
// text, compiled by waot (frontend -> LLVM -> native .so), loaded by the
// runtime and instantiated with the spectest host module and registered
// instances.
#pragma once

#include "spec_features.hpp"

#include <waot/frontend/wast.hpp>
#include <waot/waot.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace waot::spec {

// Every command is counted once: passed, failed, or unsupported (it needs
// a feature waot does not support, by name in `features`).
struct Counts {
  int passed = 0;
  int failed = 0;
  int unsupported = 0;
  std::map<std::string, int> features; // unsupported commands by feature
};

struct RunnerOptions {
  unsigned optLevel = 1;
  // Code as `waot run`'s quick tier compiles it: with an entry profile.
  bool entryProfile = false;
  std::string cpu;               // empty: this machine's; "generic": SSE2 only on x86-64
  std::filesystem::path workDir; // where compiled .so files go
  // Wasm 2.0 suite: modules are compiled with exactly the 2.0 rules
  // (frontend::Features::wasm2()); every feature is supported, so an
  // unsupported command also counts as failed, and a text module waot's
  // reader rejects where the script needs it read is a failure. Wasm 3.0
  // suite (false): every feature waot implements is on; both are
  // "unsupported" only (the reader does not read the syntax of later features).
  bool unsupportedFails = true;
};

class Runner {
public:
  Runner(wast::Script script, RunnerOptions options, std::ostream &log);
  Counts run();

private:
  using Command = wast::Command;

  void execute(const Command &command);
  void moduleCommand(const Command &command);
  void definitionCommand(const Command &command);
  void instanceCommand(const Command &command);
  void registerCommand(const Command &command);
  void assertReturn(const Command &command);
  void assertTrap(const Command &command);
  void assertException(const Command &command);
  void assertMalformed(const Command &command);
  void assertInvalid(const Command &command);
  void assertUnlinkable(const Command &command);
  void assertUninstantiable(const Command &command);

  // The module compiled into a new .so in the work directory. compile()
  // reads the module's text first and, in the 3.0 suite, makes a decoder
  // error that a later feature lifts (liftedRestriction) an unsupported one.
  std::filesystem::path compile(const wast::ModuleSource &source);
  std::filesystem::path compileBytes(const std::vector<std::uint8_t> &wasm);
  // compile() for a module the script names (or makes current): on an
  // unsupported feature, later commands on it are unsupported too.
  std::filesystem::path compileNamed(const Command &command,
                                     const std::optional<std::string> &name);
  Instance instantiate(const Module &module);
  Imports imports() const;
  const Instance &target(const std::optional<std::string> &module) const;
  std::vector<Value> perform(const wast::Action &action);

  void pass() { ++counts_.passed; }
  void unsupported(const Command &command, const std::string &why);
  std::optional<std::string> dependsOnUnsupported(const Command &command) const;
  void taintImported(const Command &command, const std::string &why);
  void fail(const Command &command, const std::string &why);

  wast::Script script_;
  RunnerOptions options_;
  std::ostream &log_;
  Counts counts_;
  unsigned compiled_ = 0; // names the .so files
  std::optional<Instance> current_;
  std::map<std::string, Instance> named_;
  std::map<std::string, Exports> registered_;
  std::map<std::string, std::filesystem::path> definitions_; // compiled, not loaded
  std::optional<std::filesystem::path> lastDefinition_;
  // Every instance of the script stays alive until the end: tables and
  // globals of other instances may hold references into it.
  std::vector<Instance> alive_;
  // Modules (by name; "" the current one), definitions and registered
  // namespaces that need an unsupported feature, with that feature.
  std::map<std::string, std::string> unsupportedModules_;
  std::map<std::string, std::string> unsupportedDefinitions_;
  std::map<std::string, std::string> unsupportedNamespaces_;
  // Instances are numbered by their index in alive_: the current one, the
  // latest of each name, the one each namespace registers.
  static constexpr std::size_t kNoInstance = ~std::size_t{0};
  struct RegisteredInstance {
    std::optional<std::string> name;
    std::size_t id = kNoInstance;
  };
  std::size_t currentId_ = kNoInstance;
  std::optional<std::string> currentName_;
  std::map<std::string, std::size_t> namedIds_;
  std::map<std::string, RegisteredInstance> registeredInstances_;
  // Sources of the module definitions (in script_), for taintImported.
  std::map<std::string, const wast::ModuleSource *> definitionSources_;
  const wast::ModuleSource *lastDefinitionSource_ = nullptr;
};

// Whether a trap message satisfies the message the script expects.
bool trapMessageMatches(const std::string &actual, const std::string &expected);

// The feature whose rules would make valid a module waot's decoder rejects
// with this message (it implements Wasm 2.0's rule there), e.g.
// "typed function references" for a table type with an initializer.
std::optional<std::string> liftedRestriction(const std::string &message);

} // namespace waot::spec
