// A spec test script as converted by wabt's wast2json: the commands of one
// .wast file with their modules written next to the JSON.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace waot::spec {

// A value as written in the JSON: type name and decimal bits, or a pattern
// such as "nan:canonical" / "nan:arithmetic" / "null".
struct ScriptValue {
  std::string type;
  std::optional<std::string> value;
  // v128: the lane type ("i8", "i16", "i32", "i64", "f32", "f64") and one
  // entry per lane, each decimal bits or a NaN pattern.
  std::string laneType;
  std::vector<std::string> lanes;
};

struct Action {
  enum class Kind { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module; // a named module, else the latest one
  std::string field;
  std::vector<ScriptValue> args;
};

struct Command {
  std::string type; // module, register, action, assert_return, assert_trap, ...
  int line = 0;
  std::string filename;            // module file (module, assert_invalid, ...)
  std::optional<std::string> name; // module: its $name; register: the module registered
  std::string as;                  // register: the import namespace
  std::string moduleType;          // "binary" or "text" for assert_* on modules
  std::string text;                // expected failure message
  std::optional<Action> action;
  std::vector<ScriptValue> expected;
};

struct Script {
  std::filesystem::path directory; // where the module files are
  std::vector<Command> commands;
};

// Parses a wast2json output file. Throws std::runtime_error on bad JSON.
Script loadScript(const std::filesystem::path &json);

} // namespace waot::spec
