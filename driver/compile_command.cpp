#include "commands.hpp"
#include "compiler_module.hpp"
#include "module_header.hpp"

#include <waot/frontend/decoder.hpp>
#include <waot/frontend/lower.hpp>

#include <waot/codegen/compiler.hpp>

#include <boost/program_options.hpp>

#include <iostream>
#include <limits>
#include <thread>

namespace po = boost::program_options;

namespace waot::driver {

namespace {

codegen::EmitKind parseEmitKind(const std::string &text) {
  if (text == "shared") return codegen::EmitKind::Shared;
  if (text == "object") return codegen::EmitKind::Object;
  if (text == "llvm") return codegen::EmitKind::LLVM;
  if (text == "asm") return codegen::EmitKind::Asm;
  throw UsageError("--emit must be one of shared, object, llvm, asm (got '" + text + "')");
}

} // namespace

int compileCommand(const std::vector<std::string> &args) {
  po::options_description options("usage: waot compile IN.wasm -o OUT [options]");
  std::string input, output, emit = "shared", name, header;
  codegen::CompileOptions compile;
  // Signed, so that "-j -1" is an error rather than four billion threads.
  long long jobs = 0;
  options.add_options()("help,h", "show this help")("output,o", po::value(&output), "output file")(
      "emit", po::value(&emit), "what to write: shared (default), object, llvm, asm")(
      "opt,O", po::value(&compile.optLevel)->default_value(2),
      "optimization level 0..3 (-O0 .. -O3)")("target", po::value(&compile.targetTriple),
                                              "target triple (default: the host)")(
      "cpu", po::value(&compile.cpu),
      "target CPU (default: the host CPU; 'generic' for portable code)")(
      "features", po::value(&compile.features), "extra LLVM target features, e.g. +sse4.1")(
      "interruptible", po::bool_switch(&compile.interruptible),
      "code an embedder can stop (Instance::interrupt, deadlines): a check at every function "
      "entry that calls and in every loop")(
      "jobs,j", po::value(&jobs)->default_value(0),
      "code generation threads for shared libraries (0: all cores); the output is the same "
      "for any number")("name", po::value(&name),
                        "with --emit=object: the module's link name, a C identifier carried "
                        "by every symbol of the object (default: from the input file name)")(
      "header", po::value(&header),
      "with --emit=object: also write a C/C++ header for the linked module")(
      "input", po::value(&input), "input .wasm");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (input.empty()) throw UsageError("compile needs an input .wasm file");
  if (output.empty()) throw UsageError("compile needs an output file (-o OUT)");
  if (compile.optLevel > 3) throw UsageError("optimization level must be 0..3");
  if (jobs < 0 || jobs > std::numeric_limits<unsigned>::max())
    throw UsageError("--jobs must be 0 (all cores) or a number of threads");
  compile.threads = static_cast<unsigned>(jobs);

  const auto kind = parseEmitKind(emit);
  if (kind != codegen::EmitKind::Object && (vm.count("name") || vm.count("header")))
    throw UsageError("--name and --header apply to --emit=object (a module linked into an "
                     "application)");
  if (kind == codegen::EmitKind::Object) {
    compile.linkName = vm.count("name") ? name : linkNameFromFile(input);
    if (!frontend::isValidLinkName(compile.linkName))
      throw UsageError("--name must be a C identifier ([A-Za-z_][A-Za-z0-9_]*, at most " +
                       std::to_string(frontend::kMaxLinkNameLength) + " characters), not '" +
                       compile.linkName + "'");
  }
  const auto bytes = readModuleBytes(input);
  compiler().compileToFile(bytes, compile, kind, output);
  if (!header.empty()) {
    const frontend::Module module = frontend::decodeAndValidate(bytes);
    const std::string source = std::filesystem::path(input).filename().string();
    writeTextFile(header, generateModuleHeader(module, compile.linkName, source));
  }
  return 0;
}

} // namespace waot::driver
