#include "spec_runner.hpp"
#include "spec_values.hpp"
#include "spectest_host.hpp"

#include <waot/codegen/compiler.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string_view>

namespace waot::spec {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

const std::string *find(const std::map<std::string, std::string> &map, const std::string &key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

} // namespace

bool trapMessageMatches(const std::string &actual, const std::string &expected) {
  // The suite's texts are the reference interpreter's; ours are the same
  // messages, sometimes shorter ("uninitialized element" for
  // "uninitialized element 2").
  const std::string a = lower(actual), e = lower(expected);
  return a.find(e) != std::string::npos || (!a.empty() && e.rfind(a, 0) == 0);
}

Runner::Runner(wast::Script script, RunnerOptions options, std::ostream &log)
    : script_(std::move(script)), options_(std::move(options)), log_(log) {}

Counts Runner::run() {
  for (const Command &command : script_.commands) {
    try {
      if (auto why = dependsOnUnsupported(command)) {
        if (command.kind == Command::Kind::Register) unsupportedNamespaces_[command.as] = *why;
        if (command.kind == Command::Kind::ModuleInstance) {
          current_.reset();
          unsupportedModules_[""] = *why;
          if (command.name) unsupportedModules_[*command.name] = *why;
        }
        unsupported(command, *why);
        continue;
      }
      execute(command);
    } catch (const CompileError &e) {
      if (e.kind() == CompileError::Kind::Unsupported)
        unsupported(command, e.what());
      else
        fail(command, std::string("unexpected compile error: ") + e.what());
    } catch (const text::TextError &e) {
      // A text module the command needs read (not one that must be malformed).
      if (options_.unsupportedFails)
        fail(command, std::string("text module not read: ") + e.what());
      else
        unsupported(command, std::string("text syntax: ") + e.what());
    } catch (const UnsupportedFeature &e) {
      unsupported(command, e.what());
    } catch (const std::exception &e) {
      fail(command, std::string("unexpected error: ") + e.what());
    }
  }
  return counts_;
}

// The feature of the module a command acts on, when that module needs an
// unsupported one (so the command cannot run).
std::optional<std::string> Runner::dependsOnUnsupported(const Command &c) const {
  const std::string *why = nullptr;
  if (c.kind == Command::Kind::Register)
    why = find(unsupportedModules_, c.name.value_or(""));
  else if (c.kind == Command::Kind::ModuleInstance)
    why = find(unsupportedDefinitions_, c.definition.value_or(""));
  else if (c.action)
    why = find(unsupportedModules_, c.action->module.value_or(""));
  if (!why) return std::nullopt;
  return *why;
}

void Runner::unsupported(const Command &command, const std::string &why) {
  ++counts_.unsupported;
  const int seen = counts_.features[featureOf(why)]++;
  taintImported(command, why);
  // Wasm 2.0: every feature is compiled, so this is a failure too.
  if (options_.unsupportedFails) return fail(command, "unsupported feature: " + why);
  if (seen == 0) // the first command of each feature, as an example
    log_ << "  unsupported line " << command.line << " (" << wast::commandName(command.kind)
         << "): " << why << "\n";
}

// A module that would have been instantiated but needs an unsupported
// feature may have changed the instances it imports from (segments, start
// function): later commands on those instances are unsupported too.
void Runner::taintImported(const Command &c, const std::string &why) {
  using K = Command::Kind;
  const wast::ModuleSource *source = nullptr;
  if (c.kind == K::Module || c.kind == K::AssertUninstantiable || c.kind == K::AssertTrap)
    source = c.module ? &*c.module : nullptr;
  else if (c.kind == K::ModuleInstance)
    source = c.definition ? definitionSources_[*c.definition] : lastDefinitionSource_;
  if (!source) return;
  for (const auto &[as, instance] : registeredInstances_) {
    if (!wast::mayImportFrom(*source, as)) continue;
    const std::string taint =
        "state changed by the module of line " + std::to_string(c.line) + ", which needs: " + why;
    if (instance.name) unsupportedModules_.try_emplace(*instance.name, taint);
    if (instance.id == currentId_) unsupportedModules_.try_emplace("", taint);
  }
}

void Runner::fail(const Command &command, const std::string &why) {
  ++counts_.failed;
  log_ << "  FAIL line " << command.line << " (" << wast::commandName(command.kind) << "): " << why
       << "\n";
}

void Runner::execute(const Command &c) {
  using K = Command::Kind;
  switch (c.kind) {
  case K::Module: return moduleCommand(c);
  case K::ModuleDefinition: return definitionCommand(c);
  case K::ModuleInstance: return instanceCommand(c);
  case K::Register: return registerCommand(c);
  case K::Action: perform(*c.action); return pass();
  case K::AssertReturn: return assertReturn(c);
  case K::AssertTrap: return c.module ? assertUninstantiable(c) : assertTrap(c);
  case K::AssertExhaustion: return assertTrap(c);
  case K::AssertException: return assertException(c);
  case K::AssertMalformed: return assertMalformed(c);
  case K::AssertInvalid: return assertInvalid(c);
  case K::AssertUnlinkable: return assertUnlinkable(c);
  case K::AssertUninstantiable: return assertUninstantiable(c);
  }
  fail(c, "unknown command");
}

std::filesystem::path Runner::compile(const wast::ModuleSource &source) {
  try {
    return compileBytes(wast::moduleBytes(source));
  } catch (const CompileError &e) {
    if (options_.unsupportedFails || e.kind() == CompileError::Kind::Unsupported) throw;
    if (auto feature = liftedRestriction(e.message()))
      throw CompileError(CompileError::Kind::Unsupported, *feature + ": " + e.message(),
                         e.offset());
    throw;
  }
}

std::filesystem::path Runner::compileBytes(const std::vector<std::uint8_t> &wasm) {
  codegen::CompileOptions options;
  options.optLevel = options_.optLevel;
  options.cpu = options_.cpu;
  options.entryProfile = options_.entryProfile;
  // The 2.0 suite checks exactly Wasm 2.0's rules (a few of its invalid
  // modules are valid under later features' rules).
  if (options_.unsupportedFails) options.wasmFeatures = frontend::Features::wasm2();
  const auto so = codegen::compileToSharedLibrary(wasm, options);
  // A new name for every module: a loaded artifact's file must never be
  // rewritten in place (its code is mapped from it). Written under a
  // temporary name and renamed.
  const auto path = options_.workDir / ("module" + std::to_string(compiled_++) + ".so");
  const auto temporary = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(so.data()), static_cast<std::streamsize>(so.size()));
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
  return path;
}

std::filesystem::path Runner::compileNamed(const Command &c,
                                           const std::optional<std::string> &name) {
  auto &marks =
      c.kind == Command::Kind::ModuleDefinition ? unsupportedDefinitions_ : unsupportedModules_;
  auto mark = [&](const std::string &why) {
    marks[""] = why;
    if (name) marks[*name] = why;
  };
  try {
    return compile(*c.module);
  } catch (const CompileError &e) {
    if (e.kind() == CompileError::Kind::Unsupported) mark(e.what());
    throw;
  } catch (const text::TextError &e) {
    if (!options_.unsupportedFails) mark(std::string("text syntax: ") + e.what());
    throw;
  }
}

// Instantiates with the spectest module and the registered instances. A
// link failure of a module importing from a registered name whose module
// needed an unsupported feature is that feature's.
Instance Runner::instantiate(const Module &module) {
  try {
    return Instance(module, imports());
  } catch (const Error &e) {
    if (!dynamic_cast<const LinkError *>(&e) && !dynamic_cast<const TypeError *>(&e)) throw;
    for (const ImportDescriptor &import : module.imports())
      if (const std::string *why = find(unsupportedNamespaces_, import.module))
        throw UnsupportedFeature(*why);
    throw;
  }
}

Imports Runner::imports() const {
  Imports imports;
  defineSpectest(imports);
  for (const auto &[name, exports] : registered_)
    imports.define(name, exports);
  return imports;
}

const Instance &Runner::target(const std::optional<std::string> &module) const {
  if (module) {
    auto it = named_.find(*module);
    if (it == named_.end()) throw std::runtime_error("no module named $" + *module);
    return it->second;
  }
  if (!current_) throw std::runtime_error("no current module (its instantiation failed?)");
  return *current_;
}

std::vector<Value> Runner::perform(const wast::Action &action) {
  const Instance &instance = target(action.module);
  if (action.kind == wast::Action::Kind::Get)
    return {instance.exports().global(action.field).get()};
  std::vector<Value> args;
  for (const auto &a : action.args)
    args.push_back(toValue(a));
  return instance.exports().function(action.field).call(args);
}

void Runner::moduleCommand(const Command &c) {
  current_.reset();
  currentId_ = kNoInstance;
  currentName_.reset();
  unsupportedModules_.erase("");
  if (c.name) unsupportedModules_.erase(*c.name);
  const Module module = Module::load(compileNamed(c, c.name));
  std::optional<Instance> instance;
  try {
    instance = instantiate(module);
  } catch (const UnsupportedFeature &e) {
    unsupportedModules_[""] = e.what();
    if (c.name) unsupportedModules_[*c.name] = e.what();
    throw;
  }
  currentId_ = alive_.size();
  currentName_ = c.name;
  alive_.push_back(*instance);
  current_ = *instance;
  if (c.name) named_.insert_or_assign(*c.name, *instance);
  if (c.name) namedIds_[*c.name] = currentId_;
  pass();
}

void Runner::definitionCommand(const Command &c) {
  lastDefinitionSource_ = &*c.module;
  if (c.name) definitionSources_[*c.name] = &*c.module;
  unsupportedDefinitions_.erase("");
  if (c.name) unsupportedDefinitions_.erase(*c.name);
  lastDefinition_.reset();
  // Compiled only: `module instance` loads and instantiates it (a
  // definition need not be instantiable, e.g. a table too large to allocate).
  const std::filesystem::path artifact = compileNamed(c, c.name);
  lastDefinition_ = artifact;
  if (c.name) definitions_.insert_or_assign(*c.name, artifact);
  pass();
}

void Runner::instanceCommand(const Command &c) {
  current_.reset();
  currentId_ = kNoInstance;
  currentName_.reset();
  unsupportedModules_.erase("");
  if (c.name) unsupportedModules_.erase(*c.name);
  const std::filesystem::path *definition = lastDefinition_ ? &*lastDefinition_ : nullptr;
  if (c.definition) {
    auto it = definitions_.find(*c.definition);
    definition = it == definitions_.end() ? nullptr : &it->second;
  }
  if (!definition)
    throw std::runtime_error("no module definition " + c.definition.value_or("(latest)"));
  const Instance instance = instantiate(Module::load(*definition));
  currentId_ = alive_.size();
  currentName_ = c.name;
  alive_.push_back(instance);
  current_ = instance;
  if (c.name) named_.insert_or_assign(*c.name, instance);
  if (c.name) namedIds_[*c.name] = currentId_;
  pass();
}

void Runner::registerCommand(const Command &c) {
  registered_.insert_or_assign(c.as, target(c.name).exports());
  std::size_t id = currentId_;
  std::optional<std::string> name = currentName_;
  if (c.name) {
    name = c.name;
    const auto it = namedIds_.find(*c.name);
    id = it == namedIds_.end() ? kNoInstance : it->second;
  }
  registeredInstances_.insert_or_assign(c.as, RegisteredInstance{name, id});
  unsupportedNamespaces_.erase(c.as);
  pass();
}

void Runner::assertReturn(const Command &c) {
  const auto results = perform(*c.action);
  if (results.size() != c.expected.size())
    return fail(c, "expected " + std::to_string(c.expected.size()) + " results, got " +
                       std::to_string(results.size()));
  for (std::size_t i = 0; i < results.size(); ++i)
    if (!matches(c.expected[i], results[i]))
      return fail(c, c.action->field + ": result " + std::to_string(i) + " is " +
                         toString(results[i]) + ", expected " + describe(c.expected[i]));
  pass();
}

void Runner::assertTrap(const Command &c) {
  try {
    perform(*c.action);
  } catch (const RuntimeError &e) {
    if (trapMessageMatches(e.what(), c.text)) return pass();
    return fail(c, "trapped with '" + std::string(e.what()) + "', expected '" + c.text + "'");
  }
  fail(c, c.action->field + " returned; expected trap '" + c.text + "'");
}

// waot has no exception handling: a module that throws does not compile
// (its commands are unsupported), so this runs only on other modules.
void Runner::assertException(const Command &c) {
  try {
    perform(*c.action);
  } catch (const RuntimeError &e) {
    return fail(c, "trapped with '" + std::string(e.what()) + "', expected an exception");
  }
  fail(c, c.action->field + " returned; expected an exception");
}

// Passes when waot's text reader or the decoder rejects the module.
void Runner::assertMalformed(const Command &c) {
  std::vector<std::uint8_t> wasm;
  try {
    wasm = wast::moduleBytes(*c.module);
  } catch (const text::TextError &) {
    return pass();
  }
  try {
    compileBytes(wasm);
  } catch (const CompileError &e) {
    if (e.kind() == CompileError::Kind::Unsupported) return unsupported(c, e.what());
    return pass();
  }
  fail(c, "module compiled; expected rejection '" + c.text + "'");
}

// A text module must be read (a TextError propagates); the validator must
// reject it.
void Runner::assertInvalid(const Command &c) {
  const auto wasm = wast::moduleBytes(*c.module);
  try {
    compileBytes(wasm);
  } catch (const CompileError &e) {
    if (e.kind() == CompileError::Kind::Unsupported) return unsupported(c, e.what());
    // 3.0: rejected by a 2.0 rule a later feature lifts, not for what the
    // script tests (e.g. a type error in a table with an initializer).
    if (!options_.unsupportedFails)
      if (auto feature = liftedRestriction(e.message()))
        return unsupported(c, *feature + ": " + e.message());
    return pass();
  }
  fail(c, "module compiled; expected rejection '" + c.text + "'");
}

void Runner::assertUnlinkable(const Command &c) {
  const Module module = Module::load(compile(*c.module));
  try {
    Instance instance = instantiate(module);
  } catch (const LinkError &) {
    return pass();
  } catch (const TypeError &) {
    return pass(); // a missing import namespace is a TypeError in the JS API
  }
  fail(c, "module linked; expected '" + c.text + "'");
}

void Runner::assertUninstantiable(const Command &c) {
  const Module module = Module::load(compile(*c.module));
  try {
    alive_.push_back(instantiate(module));
  } catch (const RuntimeError &e) {
    if (trapMessageMatches(e.what(), c.text)) return pass();
    return fail(c, "instantiation trapped with '" + std::string(e.what()) + "', expected '" +
                       c.text + "'");
  }
  fail(c, "module instantiated; expected trap '" + c.text + "'");
}

std::optional<std::string> liftedRestriction(const std::string &message) {
  // Messages of waot's decoder, which implements Wasm 2.0's rule where it
  // does not support the later feature (other decoder messages name the
  // feature as "unsupported" themselves).
  struct Restriction {
    std::string_view says, feature;
  };
  static constexpr Restriction kRestrictions[] = {
      // 0x40 0x00 starts a table type with an initializer expression.
      {"malformed reference type 0x40", "typed function references"},
  };
  for (const Restriction &r : kRestrictions)
    if (message.find(r.says) != std::string::npos) return std::string(r.feature);
  return std::nullopt;
}

} // namespace waot::spec
