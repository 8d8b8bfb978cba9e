#include "commands.hpp"

#include <waot/frontend/decoder.hpp>

#include <boost/program_options.hpp>

#include <iostream>

namespace po = boost::program_options;

namespace waot::driver {

int validateCommand(const std::vector<std::string> &args) {
  po::options_description options("usage: waot validate IN.wasm");
  std::string input;
  options.add_options()("help,h", "show this help")("input", po::value(&input), "input .wasm");
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << options;
    return 0;
  }
  if (input.empty()) throw UsageError("validate needs an input .wasm file");
  const auto bytes = readModuleBytes(input);
  const auto module = frontend::decodeAndValidate(bytes);
  std::cout << input << ": valid (" << module.types.size() << " types, " << module.imports.size()
            << " imports, " << module.numDefinedFunctions() << " functions, "
            << module.exports.size() << " exports)\n";
  return 0;
}

} // namespace waot::driver
