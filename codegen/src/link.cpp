#include "link.hpp"

#include "diagnostics.hpp"
#include "fatal_errors.hpp"
#include "files.hpp"
#include "signal_state.hpp"

#include "waot/errors.hpp"

#include <lld/Common/Driver.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/raw_ostream.h>

#include <mutex>
#include <string_view>

LLD_HAS_DRIVER(elf)

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

// lld keeps process-wide state (its context, the error handler), so one link
// runs at a time. After a fatal error inside lld that state may be corrupt and
// lld must not be entered again.
std::mutex linkerMutex;
bool linkerUsable = true; // guarded by linkerMutex

// lld prints "ld.lld: error: <message>" (plus ">>> " context lines); keep the
// error messages, at most three, on one line.
std::string summarizeLinkerOutput(std::string_view output, int exitCode) {
  constexpr llvm::StringLiteral marker = "error: ";
  std::string summary;
  unsigned shown = 0, total = 0;
  llvm::StringRef rest(output.data(), output.size());
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    rest = tail;
    std::size_t at = line.find(marker);
    if (at == llvm::StringRef::npos) continue;
    ++total;
    if (shown == 3) continue;
    summary += (shown++ ? "; " : "") + line.drop_front(at + marker.size()).trim().str();
  }
  if (total > shown) summary += " (and " + std::to_string(total - shown) + " more errors)";
  if (summary.empty()) summary = joinLines(output);
  if (summary.empty()) summary = "lld exited with code " + std::to_string(exitCode);
  return summary;
}

void runLinker(const std::vector<std::string> &arguments) {
  std::vector<const char *> argv;
  argv.reserve(arguments.size());
  for (const std::string &argument : arguments)
    argv.push_back(argument.c_str());

  std::string out, err;
  llvm::raw_string_ostream outStream(out), errStream(err);

  std::lock_guard lock(linkerMutex);
  if (!linkerUsable)
    throw Error("link failed: the in-process linker cannot run again in this process after an "
                "earlier fatal error");
  // lld's fatal errors leave through exitLld() -> sys::Process::Exit(), which
  // returns to lldMain only with crash recovery enabled; otherwise it would
  // _exit() the whole process.
  enableFatalErrorRecovery();
  lld::Result result{};
  {
    // The first output file lld creates installs LLVM's signal handlers and
    // signal stack (signal_state.hpp): put back the process's own.
    const PreservedSignalState signals;
    result = lld::lldMain(argv, outStream, errStream, {{lld::Gnu, &lld::elf::link}});
  }
  // lld reports that it cannot run again after any fatal error, since the
  // longjmp skipped its cleanup.
  if (!result.canRunAgain) linkerUsable = false;
  if (result.retCode != 0)
    throw Error("link failed: " +
                summarizeLinkerOutput(errStream.str() + outStream.str(), result.retCode));
}

// An anonymous version script: `exported` stay global, everything else local.
std::string versionScript(const std::vector<std::string> &exported) {
  std::string script = "{\n  global:\n";
  for (const std::string &name : exported) {
    if (name.empty() || name.find_first_of("\"\n;") != std::string::npos)
      throw Error("link failed: invalid exported symbol name '" + name + "'");
    script += "    \"" + name + "\";\n";
  }
  return script + "  local: *;\n};\n";
}

// Writes each object into `scratch` and appends its path to `arguments`.
void addObjectFiles(std::span<const std::vector<char>> objects, const TemporaryDirectory &scratch,
                    std::vector<std::string> &arguments) {
  for (std::size_t i = 0; i < objects.size(); ++i) {
    fs::path object = scratch.path() / ("part" + std::to_string(i) + ".o");
    writeFile(object, objects[i]);
    arguments.push_back(object.string());
  }
}

} // namespace

void linkRelocatableObject(std::span<const std::vector<char>> objects, const fs::path &output) {
  if (objects.empty()) throw Error("link failed: no object files to link");
  TemporaryDirectory scratch;
  std::vector<std::string> arguments = {
      "ld.lld",      "-r", "--build-id=none", "-nostdlib", "--no-dependent-libraries",
      "--threads=1", "-o", output.string()};
  addObjectFiles(objects, scratch, arguments);
  runLinker(arguments);
}

void linkSharedLibrary(std::span<const std::vector<char>> objects, const fs::path &output,
                       const LinkOptions &options) {
  if (objects.empty()) throw Error("link failed: no object files to link");
  TemporaryDirectory scratch; // lld reads its inputs from files

  std::vector<std::string> arguments = {
      "ld.lld", "-shared", "--no-undefined-version", "-z", "noexecstack", "-z", "relro", "-z",
      "now", "--hash-style=gnu", "--build-id=none", "--eh-frame-hdr",
      // Never pick up host libraries or configuration: the inputs are complete.
      "-nostdlib", "--no-dependent-libraries",
      // A fatal error on one of lld's worker threads would _exit() the process
      // (crash recovery only covers the calling thread), so lld stays
      // single-threaded; linking is a small share of compile time.
      "--threads=1"};
  if (!options.soname.empty()) arguments.push_back("-soname=" + options.soname);
  if (!options.exportedSymbols.empty()) {
    fs::path script = scratch.path() / "exports.map";
    std::string text = versionScript(options.exportedSymbols);
    writeFile(script, std::span<const char>(text.data(), text.size()));
    arguments.push_back("--version-script=" + script.string());
  }
  arguments.push_back("-o");
  arguments.push_back(output.string());
  addObjectFiles(objects, scratch, arguments);
  runLinker(arguments);
}

} // namespace waot::codegen
