// `waot run`: a WASI command's _start, or (--invoke) one exported function.
//
//   waot run [OPTIONS] MODULE [--] [ARGS...]     ARGS go to the guest
//   waot run MODULE --invoke NAME [VALUES...] [OPTIONS]   (also: --invoke before MODULE)
#include "background_optimization.hpp"
#include "commands.hpp"
#include "module_source.hpp"
#include "value_text.hpp"

#include <waot/waot.hpp>
#include <waot/wasi.hpp>

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <thread>

extern char **environ;

namespace po = boost::program_options;

namespace waot::driver {

namespace {

struct RunOptions {
  std::string modulePath, exportName;
  std::vector<std::string> trailing; // guest arguments, or the values of --invoke
  unsigned optLevel = 2, warmups = 0;
  bool time = false, noCache = false, inheritEnv = false, interruptible = false;
  bool verbose = false, optGiven = false;
  std::string tier;          // "": auto, or the level -O chose (see tierOf)
  double timeoutSeconds = 0; // 0: none
  InstanceLimits limits;
  std::vector<std::string> dirs, env;
};

// Negative numbers ("-1", "-inf", "-nan") are call arguments, not options:
// mark them so that the option parser passes them through as positionals.
constexpr char kNegativeMark = '\x01';

bool looksLikeNegativeNumber(const std::string &arg) {
  return arg.size() > 1 && arg[0] == '-' &&
         (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.' ||
          arg.compare(1, 3, "nan") == 0 || arg.compare(1, 3, "inf") == 0);
}

po::options_description optionsOf(RunOptions &run) {
  po::options_description options(
      "usage: waot run [options] MODULE [--] [ARGS...]   (a WASI command; ARGS go to it)\n"
      "       waot run MODULE --invoke NAME [VALUES...] [options]\n"
      "MODULE is a .wasm (compiled once, then taken from the cache) or a compiled .so");
  options.add_options()("help,h", "show this help")(
      "dir", po::value(&run.dirs)->composing(),
      "HOST[::GUEST]: give the guest a host directory (repeatable; GUEST defaults to HOST)")(
      "env", po::value(&run.env)->composing(),
      "K=V: a guest environment variable (repeatable; K alone takes the host's value)")(
      "inherit-env", po::bool_switch(&run.inheritEnv),
      "the guest also sees the host's environment (--env entries win)")(
      "invoke", po::value(&run.exportName), "call this exported function instead of _start")(
      "opt,O", po::value(&run.optLevel)->default_value(2),
      "optimization level when MODULE is a .wasm (alone, it implies --tier optimized)")(
      "tier", po::value(&run.tier),
      "auto|tiered|quick|optimized: what runs while a .wasm has no optimized artifact in the "
      "cache — tiered: the quick tier (-O0) now and the optimized build in the background for "
      "the next run; quick: the quick tier only; optimized: compile at -O first; auto (the "
      "default): tiered for modules with 64 KiB of code or more, else optimized")(
      "verbose,v", po::bool_switch(&run.verbose),
      "say on stderr which tier runs and what is built in the background")(
      "timeout", po::value(&run.timeoutSeconds),
      "SECONDS: stop the guest after this long (exit status 124); a .wasm is compiled "
      "interruptible for it")("interruptible", po::bool_switch(&run.interruptible),
                              "compile a .wasm with interruption checks (implied by --timeout)")(
      "max-memory-pages", po::value<std::uint64_t>()->notifier([&run](std::uint64_t pages) {
        run.limits.maxMemoryPages = pages;
      }),
      "N: no memory of the guest grows past N pages of 64 KiB (memory.grow returns -1)")(
      "max-table-elements", po::value<std::uint64_t>()->notifier([&run](std::uint64_t elements) {
        run.limits.maxTableElements = elements;
      }),
      "N: no table of the guest grows past N elements (table.grow returns -1)")(
      "max-wasm-stack", po::value<std::uint64_t>()->notifier([&run](std::uint64_t bytes) {
        run.limits.maxStackBytes = bytes;
      }),
      "BYTES: the guest runs on a stack of this size (deeper recursion traps: call stack "
      "exhausted)")("no-cache", po::bool_switch(&run.noCache),
                    "compile a .wasm without reading or writing the compile cache")(
      "warmup", po::value(&run.warmups)->default_value(0),
      "--invoke: untimed calls made before the timed one")(
      "time", po::bool_switch(&run.time),
      "--invoke: print time_s=<seconds of the last call> and instantiate_s=<seconds>");
  return options;
}

bool takesValue(const std::string &option) {
  return option == "--dir" || option == "--env" || option == "--invoke" || option == "-O" ||
         option == "--opt" || option == "--warmup" || option == "--timeout" ||
         option == "--max-memory-pages" || option == "--max-table-elements" ||
         option == "--max-wasm-stack" || option == "--tier";
}

// Index of MODULE in `args`: the first argument that is not an option or an
// option's value (after "--", the next one). args.size() when there is none.
std::size_t findModule(const std::vector<std::string> &args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "--") return i + 1;
    if (arg.size() > 1 && arg[0] == '-') {
      if (takesValue(arg)) ++i;
      continue;
    }
    return i;
  }
  return args.size();
}

void parse(const std::vector<std::string> &args, RunOptions &run, po::options_description &options,
           bool &help) {
  const std::size_t module = findModule(args);
  const bool legacyInvoke =
      module + 1 < args.size() &&
      (args[module + 1] == "--invoke" || args[module + 1].rfind("--invoke=", 0) == 0);
  std::vector<std::string> waotArgs;
  po::positional_options_description positional;
  po::options_description all(options);
  std::string modulePath;
  std::vector<std::string> values;
  all.add_options()("module", po::value(&modulePath))("values", po::value(&values));
  if (legacyInvoke || (module < args.size() && std::count(args.begin(), args.begin() + module,
                                                          std::string("--invoke")) > 0)) {
    // --invoke: the values after MODULE are the call's (negative numbers too).
    for (const auto &arg : args)
      waotArgs.push_back(looksLikeNegativeNumber(arg) ? kNegativeMark + arg : arg);
    positional.add("module", 1).add("values", -1);
  } else {
    // A command: waot's options end at MODULE, the rest is the guest's.
    waotArgs.assign(args.begin(), args.begin() + std::min(module, args.size()));
    if (!waotArgs.empty() && waotArgs.back() == "--") waotArgs.pop_back();
    if (module < args.size()) {
      modulePath = args[module];
      // One "--" right after MODULE separates too (`-- --` passes one).
      const std::size_t first =
          module + 1 < args.size() && args[module + 1] == "--" ? module + 2 : module + 1;
      run.trailing.assign(args.begin() + std::min(first, args.size()), args.end());
    }
  }
  po::variables_map vm;
  po::store(
      po::command_line_parser(waotArgs)
          .options(all)
          .positional(positional)
          .style(po::command_line_style::default_style ^ po::command_line_style::allow_guessing)
          .run(),
      vm);
  po::notify(vm);
  help = vm.count("help") != 0;
  run.optGiven = !vm["opt"].defaulted();
  if (run.trailing.empty()) run.trailing = values;
  if (run.modulePath.empty()) run.modulePath = modulePath;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool importsWasi(const Module &module) {
  for (const ImportDescriptor &import : module.imports())
    if (import.module == "wasi_snapshot_preview1") return true;
  return false;
}

wasi::Config wasiConfig(const RunOptions &run) {
  wasi::Config config;
  // argv[0] is the module's file name, as wasmtime gives it.
  config.args.push_back(std::filesystem::path(run.modulePath).filename().string());
  config.args.insert(config.args.end(), run.trailing.begin(), run.trailing.end());
  if (run.inheritEnv)
    for (char **entry = environ; *entry; ++entry)
      config.env.emplace_back(*entry);
  for (const std::string &entry : run.env) {
    std::string assignment = entry;
    if (entry.find('=') == std::string::npos) {
      const char *value = std::getenv(entry.c_str());
      if (!value) continue; // as wasmtime: an unset host variable is left out
      assignment += std::string("=") + value;
    }
    const std::string name = assignment.substr(0, assignment.find('='));
    if (name.empty()) throw UsageError("--env needs a variable name: '" + entry + "'");
    std::erase_if(config.env, [&](const std::string &e) { return e.rfind(name + "=", 0) == 0; });
    config.env.push_back(std::move(assignment));
  }
  for (const std::string &dir : run.dirs) {
    const auto separator = dir.find("::");
    wasi::Preopen preopen;
    preopen.host = dir.substr(0, separator);
    preopen.guest = separator == std::string::npos ? dir : dir.substr(separator + 2);
    if (preopen.host.empty() || preopen.guest.empty())
      throw UsageError("--dir takes HOST or HOST::GUEST, not '" + dir + "'");
    config.preopens.push_back(std::move(preopen));
  }
  return config;
}

// The --timeout deadline for everything `instance` runs (none without one).
Deadline deadlineFor(const RunOptions &run, const Instance &instance) {
  if (run.timeoutSeconds <= 0) return {};
  if (!instance.interruptible())
    throw UsageError("--timeout needs a module compiled with --interruptible ('" + run.modulePath +
                     "' was not)");
  return instance.interruptAfter(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(run.timeoutSeconds)));
}

int invoke(const RunOptions &run, const Module &module, const Imports &imports) {
  const auto instantiateStart = std::chrono::steady_clock::now();
  const Instance instance(module, imports, run.limits);
  const double instantiateSeconds = secondsSince(instantiateStart);

  const Function function = instance.exports().function(run.exportName);
  const FuncType &type = function.type();
  if (run.trailing.size() != type.params.size())
    throw TypeError("'" + run.exportName + "' takes " + std::to_string(type.params.size()) +
                    " argument(s) " + toString(type) + ", " + std::to_string(run.trailing.size()) +
                    " given");
  std::vector<Value> values;
  for (std::size_t i = 0; i < run.trailing.size(); ++i) {
    std::string_view text = run.trailing[i];
    if (!text.empty() && text[0] == kNegativeMark) text.remove_prefix(1);
    values.push_back(parseValue(text, type.params[i], i));
  }

  const Deadline deadline = deadlineFor(run, instance);
  for (unsigned i = 0; i < run.warmups; ++i)
    function.call(values);
  const auto callStart = std::chrono::steady_clock::now();
  const std::vector<Value> results = function.call(values);
  const double callSeconds = secondsSince(callStart);

  for (const Value &result : results)
    std::cout << formatValue(result) << "\n";
  if (run.time) std::printf("time_s=%.9f\ninstantiate_s=%.9f\n", callSeconds, instantiateSeconds);
  std::cout.flush();
  return 0;
}

// Starts a BackgroundOptimization after kProfileSeconds, or when it goes.
class OptimizationStarter {
public:
  OptimizationStarter(BackgroundOptimization *optimization, const std::string &modulePath,
                      bool verbose)
      : optimization_(optimization), name_(std::filesystem::path(modulePath).filename()),
        verbose_(verbose) {
    if (!optimization_) return;
    timer_ = std::jthread([this](std::stop_token stop) {
      std::mutex mutex;
      std::unique_lock lock(mutex);
      std::condition_variable_any wake;
      if (!wake.wait_for(lock, stop, profileDelay(), [] { return false; }) &&
          !stop.stop_requested())
        start();
    });
  }
  ~OptimizationStarter() {
    if (!optimization_) return;
    timer_.request_stop();
    timer_.join();
    start(); // again: the functions first entered since the timer's update
  }
  OptimizationStarter(const OptimizationStarter &) = delete;
  OptimizationStarter &operator=(const OptimizationStarter &) = delete;

private:
  void start() const noexcept {
    try {
      const std::string what = optimization_->update();
      if (verbose_ && !what.empty())
        std::fprintf(stderr, "waot: %s: %s\n", name_.c_str(), what.c_str());
    } catch (const std::exception &) {
      // Only the next run's speed is at stake.
    }
  }

  BackgroundOptimization *optimization_;
  std::string name_;
  bool verbose_;
  std::jthread timer_;
};

// --tier, or what -O alone implies: a level asked for is compiled up front.
Tier tierOf(const RunOptions &run) {
  if (run.tier.empty()) return run.optGiven ? Tier::Optimized : Tier::Auto;
  if (run.tier == "auto") return Tier::Auto;
  if (run.tier == "tiered") return Tier::Tiered;
  if (run.tier == "quick") return Tier::Quick;
  if (run.tier == "optimized") return Tier::Optimized;
  throw UsageError("--tier takes auto, tiered, quick or optimized, not '" + run.tier + "'");
}

} // namespace

int runCommand(const std::vector<std::string> &args) {
  RunOptions run;
  po::options_description options = optionsOf(run);
  bool help = false;
  parse(args, run, options, help);
  if (help) {
    std::cout << options;
    return 0;
  }
  if (run.modulePath.empty()) throw UsageError("run needs a module (.wasm or .so)");
  if (run.optLevel > 3) throw UsageError("optimization level must be 0..3");
  if (!(run.timeoutSeconds >= 0) || run.timeoutSeconds > 1e9)
    throw UsageError("--timeout takes a number of seconds (> 0)");

  ModuleRequest request;
  request.path = run.modulePath;
  request.options.optLevel = run.optLevel;
  request.options.interruptible = run.interruptible || run.timeoutSeconds > 0;
  request.useCache = !run.noCache;
  request.tier = tierOf(run);
  request.verbose = run.verbose;
  LoadedModule loaded = loadModule(request);
  const Module &module = loaded.module;
  // A tiered run's optimized build starts once the program has shown what
  // it runs: when it ends (however: exit, trap, error), or after
  // kProfileSeconds of running, whichever comes first.
  const OptimizationStarter optimizationStarter(loaded.optimization.get(), run.modulePath,
                                                run.verbose);

  const bool command = run.exportName.empty();
  if (command) {
    const auto exports = module.exports();
    const bool hasStart = std::any_of(exports.begin(), exports.end(), [](const auto &e) {
      return e.name == "_start" && e.kind == ExternKind::Function;
    });
    if (!hasStart)
      throw UsageError("'" + run.modulePath +
                       "' exports no _start function (it is not a WASI command): call one of "
                       "its functions with --invoke NAME");
  }
  Imports imports;
  if (importsWasi(module)) {
    // A write to a closed pipe is the guest's EPIPE, not the end of waot.
    std::signal(SIGPIPE, SIG_IGN);
    wasi::Context(wasiConfig(run)).define(imports);
  }

  try {
    if (!command) return invoke(run, module, imports);
    const Instance instance(module, imports, run.limits);
    const Deadline deadline = deadlineFor(run, instance);
    return wasi::runStart(instance);
  } catch (const RuntimeError &e) {
    if (e.trapKind() == TrapKind::Interrupted && run.timeoutSeconds > 0) {
      std::cout.flush();
      std::cerr << "waot: error: timed out after " << run.timeoutSeconds << " s (the guest was "
                << "interrupted" << (e.site() ? ", " + e.siteText() : std::string()) << ")\n";
      return 124; // as timeout(1)
    }
    // As wasmtime: a trap ends the process like an abort.
    std::cout.flush();
    std::cerr << "waot: error: RuntimeError: " << e.what()
              << (e.site() ? ", " + e.siteText() : std::string()) << "\n";
    return 134;
  }
}

} // namespace waot::driver
