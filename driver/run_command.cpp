#include "commands.hpp"
#include "value_text.hpp"

#include <waot/codegen/compiler.hpp>
#include <waot/waot.hpp>

#include <boost/program_options.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace po = boost::program_options;

namespace waot::driver {

namespace {

// A uniquely named temporary file, removed when this object goes away.
class TemporaryFile {
public:
  explicit TemporaryFile(const std::vector<std::uint8_t> &contents) {
    const char *dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir && *dir ? dir : "/tmp") + "/waot-run-XXXXXX.so";
    const int fd = ::mkstemps(pattern.data(), 3);
    if (fd < 0) throw Error("cannot create a temporary file in " + pattern);
    path_ = pattern;
    std::size_t written = 0;
    while (written < contents.size()) {
      const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
      if (n <= 0) {
        ::close(fd);
        throw Error("cannot write temporary file " + path_.string());
      }
      written += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  ~TemporaryFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TemporaryFile(const TemporaryFile &) = delete;
  TemporaryFile &operator=(const TemporaryFile &) = delete;
  const std::filesystem::path &path() const { return path_; }

private:
  std::filesystem::path path_;
};

// MODULE is either a .wasm (compiled in-process now) or a compiled .so.
Module loadModule(const std::string &path, unsigned optLevel) {
  const auto bytes = readFile(path);
  switch (detectFileKind(bytes)) {
  case FileKind::SharedObject: return Module::load(path);
  case FileKind::Wasm: {
    codegen::CompileOptions options;
    options.optLevel = optLevel;
    const TemporaryFile so(codegen::compileToSharedLibrary(bytes, options));
    return Module::load(so.path()); // the loader maps the file; it may be removed now
  }
  case FileKind::Unknown: break;
  }
  throw CompileError(CompileError::Kind::Malformed,
                     "'" + path + "' is neither a WebAssembly module nor a compiled waot artifact",
                     0);
}

// Negative numbers ("-1", "-inf", "-nan") are call arguments, not options:
// mark them so that the option parser passes them through as positionals.
constexpr char kNegativeMark = '\x01';

bool looksLikeNegativeNumber(const std::string &arg) {
  return arg.size() > 1 && arg[0] == '-' &&
         (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.' ||
          arg.compare(1, 3, "nan") == 0 || arg.compare(1, 3, "inf") == 0);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int runCommand(const std::vector<std::string> &rawArgs) {
  std::vector<std::string> args;
  for (const auto &arg : rawArgs)
    args.push_back(looksLikeNegativeNumber(arg) ? kNegativeMark + arg : arg);

  po::options_description options("usage: waot run MODULE --invoke NAME [ARGS...] [options]");
  std::string modulePath, exportName;
  std::vector<std::string> callArgs;
  unsigned optLevel = 2, warmups = 0;
  options.add_options()("help,h", "show this help")("invoke", po::value(&exportName),
                                                    "exported function to call")(
      "opt,O", po::value(&optLevel)->default_value(2), "optimization level when MODULE is a .wasm")(
      "warmup", po::value(&warmups)->default_value(0), "untimed calls made before the timed one")(
      "time", "print time_s=<seconds of the last call> and instantiate_s=<seconds>")(
      "module", po::value(&modulePath), "a .wasm or a compiled .so")("args", po::value(&callArgs),
                                                                     "arguments of the call");
  po::positional_options_description positional;
  positional.add("module", 1).add("args", -1);
  po::variables_map vm;
  po::store(
      po::command_line_parser(args)
          .options(options)
          .positional(positional)
          .style(po::command_line_style::default_style ^ po::command_line_style::allow_guessing)
          .run(),
      vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (modulePath.empty()) throw UsageError("run needs a module (.wasm or .so)");
  if (exportName.empty()) throw UsageError("run needs --invoke NAME");
  if (optLevel > 3) throw UsageError("optimization level must be 0..3");

  const Module module = loadModule(modulePath, optLevel);
  const auto instantiateStart = std::chrono::steady_clock::now();
  const Instance instance(module);
  const double instantiateSeconds = secondsSince(instantiateStart);

  const Function function = instance.exports().function(exportName);
  const FuncType &type = function.type();
  if (callArgs.size() != type.params.size())
    throw TypeError("'" + exportName + "' takes " + std::to_string(type.params.size()) +
                    " argument(s) " + toString(type) + ", " + std::to_string(callArgs.size()) +
                    " given");
  std::vector<Value> values;
  for (std::size_t i = 0; i < callArgs.size(); ++i) {
    std::string_view text = callArgs[i];
    if (!text.empty() && text[0] == kNegativeMark) text.remove_prefix(1);
    values.push_back(parseValue(text, type.params[i], i));
  }

  for (unsigned i = 0; i < warmups; ++i)
    function.call(values);
  const auto callStart = std::chrono::steady_clock::now();
  const std::vector<Value> results = function.call(values);
  const double callSeconds = secondsSince(callStart);

  for (const Value &result : results)
    std::cout << formatValue(result) << "\n";
  if (vm.count("time")) {
    std::printf("time_s=%.9f\ninstantiate_s=%.9f\n", callSeconds, instantiateSeconds);
  }
  std::cout.flush();
  return 0;
}

} // namespace waot::driver
