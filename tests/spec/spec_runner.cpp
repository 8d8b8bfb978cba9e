#include "spec_runner.hpp"
#include "spec_values.hpp"
#include "spectest_host.hpp"

#include <waot/codegen/compiler.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>

namespace waot::spec {

namespace {

std::vector<std::uint8_t> readModuleFile(const std::filesystem::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing module file " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

} // namespace

bool trapMessageMatches(const std::string &actual, const std::string &expected) {
  // The suite's texts are the reference interpreter's; ours are the same
  // messages, sometimes shorter ("uninitialized element" for
  // "uninitialized element 2").
  const std::string a = lower(actual), e = lower(expected);
  return a.find(e) != std::string::npos || (!a.empty() && e.rfind(a, 0) == 0);
}

Runner::Runner(Script script, RunnerOptions options, std::ostream &log)
    : script_(std::move(script)), options_(std::move(options)), log_(log) {}

Counts Runner::run() {
  for (const Command &command : script_.commands) {
    try {
      if (dependsOnUnsupportedModule(command)) {
        unsupported(command, "its module uses an unsupported feature");
        continue;
      }
      execute(command);
    } catch (const CompileError &e) {
      if (e.kind() == CompileError::Kind::Unsupported)
        unsupported(command, e.what());
      else
        fail(command, std::string("unexpected compile error: ") + e.what());
    } catch (const std::exception &e) {
      fail(command, std::string("unexpected error: ") + e.what());
    }
  }
  return counts_;
}

bool Runner::dependsOnUnsupportedModule(const Command &c) const {
  if (c.type == "register")
    return c.name ? unsupportedNames_.count(*c.name) > 0 : currentUnsupported_;
  if (!c.action) return false;
  return c.action->module ? unsupportedNames_.count(*c.action->module) > 0 : currentUnsupported_;
}

// Every feature of Wasm 2.0 is compiled: a command on a module rejected as
// "unsupported feature" is counted in its own column and as a failure.
void Runner::unsupported(const Command &command, const std::string &why) {
  ++counts_.unsupported;
  fail(command, "unsupported feature: " + why);
}

void Runner::fail(const Command &command, const std::string &why) {
  ++counts_.failed;
  log_ << "  FAIL line " << command.line << " (" << command.type << "): " << why << "\n";
}

void Runner::execute(const Command &c) {
  if (c.type == "module") return moduleCommand(c);
  if (c.type == "register") return registerCommand(c);
  if (c.type == "action") {
    perform(*c.action);
    return pass();
  }
  if (c.type == "assert_return") return assertReturn(c);
  if (c.type == "assert_trap") return assertTrap(c, c.text);
  if (c.type == "assert_exhaustion") return assertTrap(c, c.text);
  if (c.type == "assert_invalid" || c.type == "assert_malformed") return assertModuleRejected(c);
  if (c.type == "assert_unlinkable") return assertUnlinkable(c);
  if (c.type == "assert_uninstantiable") return assertUninstantiable(c);
  fail(c, "unknown command type '" + c.type + "'");
}

Module Runner::compile(const std::string &filename) {
  const auto wasm = readModuleFile(script_.directory / filename);
  codegen::CompileOptions options;
  options.optLevel = options_.optLevel;
  options.cpu = options_.cpu;
  const auto so = codegen::compileToSharedLibrary(wasm, options);
  // Write under a temporary name and rename: a loaded artifact's file must
  // never be rewritten in place (its code is mapped from it).
  const auto path = options_.workDir / (std::filesystem::path(filename).stem().string() + ".so");
  const auto temporary = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(so.data()), static_cast<std::streamsize>(so.size()));
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
  return Module::load(path);
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
    if (it == named_.end()) throw std::runtime_error("no module named " + *module);
    return it->second;
  }
  if (!current_) throw std::runtime_error("no current module (its instantiation failed?)");
  return *current_;
}

std::vector<Value> Runner::perform(const Action &action) {
  const Instance &instance = target(action.module);
  if (action.kind == Action::Kind::Get) return {instance.exports().global(action.field).get()};
  std::vector<Value> args;
  for (const auto &a : action.args)
    args.push_back(toValue(a));
  return instance.exports().function(action.field).call(args);
}

void Runner::moduleCommand(const Command &c) {
  current_.reset();
  currentUnsupported_ = false;
  if (c.name) unsupportedNames_.erase(*c.name);
  std::optional<Module> module;
  try {
    module = compile(c.filename);
  } catch (const CompileError &e) {
    if (e.kind() != CompileError::Kind::Unsupported) throw;
    currentUnsupported_ = true;
    if (c.name) unsupportedNames_.insert(*c.name);
    throw;
  }
  Instance instance(*module, imports());
  alive_.push_back(instance);
  current_ = instance;
  if (c.name) named_.insert_or_assign(*c.name, instance);
  pass();
}

void Runner::registerCommand(const Command &c) {
  registered_.insert_or_assign(c.as, target(c.name).exports());
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

void Runner::assertTrap(const Command &c, const std::string &expectedText) {
  try {
    perform(*c.action);
  } catch (const RuntimeError &e) {
    if (trapMessageMatches(e.what(), expectedText)) return pass();
    return fail(c, "trapped with '" + std::string(e.what()) + "', expected '" + expectedText + "'");
  }
  fail(c, c.action->field + " returned; expected trap '" + expectedText + "'");
}

void Runner::assertModuleRejected(const Command &c) {
  if (c.moduleType == "text") {
    ++counts_.skippedTextModules; // text-format parsing is not waot's job
    return;
  }
  try {
    compile(c.filename);
  } catch (const CompileError &e) {
    if (e.kind() == CompileError::Kind::Unsupported) return unsupported(c, e.what());
    return pass();
  }
  fail(c, "module " + c.filename + " compiled; expected rejection '" + c.text + "'");
}

void Runner::assertUnlinkable(const Command &c) {
  const Module module = compile(c.filename);
  try {
    Instance instance(module, imports());
  } catch (const LinkError &) {
    return pass();
  } catch (const TypeError &) {
    return pass(); // a missing import namespace is a TypeError in the JS API
  }
  fail(c, "module " + c.filename + " linked; expected '" + c.text + "'");
}

void Runner::assertUninstantiable(const Command &c) {
  const Module module = compile(c.filename);
  try {
    alive_.push_back(Instance(module, imports()));
  } catch (const RuntimeError &e) {
    if (trapMessageMatches(e.what(), c.text)) return pass();
    return fail(c, "instantiation trapped with '" + std::string(e.what()) + "', expected '" +
                       c.text + "'");
  }
  fail(c, "module " + c.filename + " instantiated; expected trap '" + c.text + "'");
}

} // namespace waot::spec
