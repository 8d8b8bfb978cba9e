// waot: ahead-of-time WebAssembly compiler and runner.
//
//   waot compile IN.wasm -o OUT [--emit=shared|object|llvm|asm] [-O0..3] [--target T]
//   waot run [OPTIONS] MODULE [--] [ARGS...]   (a WASI command)
//   waot run MODULE --invoke NAME [ARGS...]
//   waot validate IN.wasm
//   waot cache info|clear|dir   waot cache build [-O N] MODULE
//
// Exit codes: 0 success, 1 compile/link/other error (one line on stderr),
// 2 usage error; `run` exits with the guest's exit code, or 134 on a trap.
#include "commands.hpp"

#include <waot/abi.h>
#include <waot/errors.hpp>

#include <boost/program_options/errors.hpp>

#include <iostream>
#include <string_view>

namespace {

constexpr const char *kUsage = R"(usage: waot <command> [options]

commands:
  compile IN.wasm -o OUT   compile a module to a shared library (or object, IR, asm)
  run [options] MODULE [--] [ARGS...]
                           run a WASI command (its _start) from a .wasm (compiled once,
                           then cached) or a compiled .so; ARGS go to the program
  run MODULE --invoke NAME [ARGS...]
                           call one exported function and print its results
  validate IN.wasm         decode and validate a module
  cache info|clear|dir     the compile cache of `waot run`
  cache build MODULE       compile a module into that cache

options:
  -h, --help               show this help (also: waot <command> --help)
  --version                show the version
)";

} // namespace

int main(int argc, char **argv) {
  using namespace waot::driver;
  if (argc < 2) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "--version" || command == "version") {
    std::cout << "waot " << WAOT_VERSION << " (LLVM 19, artifact ABI " << WAOT_ABI_VERSION << ")\n";
    return 0;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "compile") return compileCommand(args);
    if (command == "run") return runCommand(args);
    if (command == "validate") return validateCommand(args);
    if (command == "cache") return cacheCommand(args);
    throw UsageError("unknown command '" + std::string(command) + "'");
  } catch (const UsageError &e) {
    std::cerr << "waot: usage error: " << e.what() << "\n(try 'waot --help')\n";
    return 2;
  } catch (const boost::program_options::error &e) {
    std::cerr << "waot: usage error: " << e.what() << "\n(try 'waot " << command << " --help')\n";
    return 2;
  } catch (const waot::TypeError &e) {
    std::cerr << "waot: error: TypeError: " << e.what() << "\n";
    return 1;
  } catch (const waot::LinkError &e) {
    std::cerr << "waot: error: LinkError: " << e.what() << "\n";
    return 1;
  } catch (const waot::RuntimeError &e) {
    std::cerr << "waot: error: RuntimeError: " << e.what()
              << (e.site() ? ", " + e.siteText() : std::string()) << "\n";
    return 134; // a trap ends the process like an abort, as in wasmtime
  } catch (const waot::CompileError &e) {
    std::cerr << "waot: error: CompileError: " << e.what() << "\n";
    return 1;
  } catch (const std::exception &e) {
    std::cerr << "waot: error: " << e.what() << "\n";
    return 1;
  }
}
