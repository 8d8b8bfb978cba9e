// The WebAssembly script format (`.wast`, the spec interpreter's test
// scripts): a script is read into its commands with their positions, on the
// lexer and literal parsers of waot's text reader (waot/frontend/text.hpp).
//
// Module bodies are kept as written (text, the bytes of `binary`, the
// strings of `quote`) and converted by moduleBytes() when a command runs, so
// that a malformed module is the result of its command, not an error of the
// whole script. Script-level syntax errors are waot::text::TextError values
// with the script's line:column.
#pragma once

#include "waot/frontend/text.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waot::wast {

using text::TextError;

// A module as written in a script.
struct ModuleSource {
  enum class Form : std::uint8_t {
    Text,   // `(module $id? field*)`: `source` holds the fields' text
    Binary, // `(module $id? binary "..."*)`: `source` holds the bytes
    Quote,  // `(module $id? quote "..."*)`: `source` holds the concatenated strings
  };
  Form form = Form::Text;
  std::string source;
  // Where `source` starts in the script (Text), or of the `(module` (the others).
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// The module's binary encoding. Text and quoted modules go through
// waot::text::watToBinary; its TextError is rethrown with script positions
// (a quoted module's error: at the `(module`, with the position inside the
// quoted text in the message).
std::vector<std::uint8_t> moduleBytes(const ModuleSource &module);

// Whether the module imports from the module named `name` (a registered
// instance): a text or quoted module with an `(import "name" ...)` form,
// inline ones included; a binary module whose import section holds `name`
// as a name. Made for modules waot cannot compile, so nothing else of the
// module is read; false when the module's text is not even tokens.
bool mayImportFrom(const ModuleSource &module, std::string_view name);

// Result patterns of floats: `nan:canonical`, `nan:arithmetic`.
enum class NanPattern : std::uint8_t { None, Canonical, Arithmetic };

// One number (a scalar or a v128 lane): its bits (two's complement for
// integers, IEEE bits for floats; lanes narrower than 64 bits zero-extended),
// or a NaN pattern in an expected result.
struct Lane {
  std::uint64_t bits = 0;
  NanPattern nan = NanPattern::None;
};

// An argument `(i32.const 1)` or an expected result (which also allows NaN
// patterns, `(ref.extern)` / `(ref.func)` for any non-null reference,
// `(ref.null)` for any null and `(either ...)`).
struct Value {
  enum class Kind : std::uint8_t {
    I32,
    I64,
    F32,
    F64,
    V128,      // laneType and lanes
    RefNull,   // heapType
    RefExtern, // `(ref.extern N)`; without N (results): any non-null externref
    RefFunc,   // `(ref.func)` (results: any non-null funcref); `name` the index given, if any
    RefOther,  // a reference of a later feature: `ref.i31`, `ref.struct`, `ref.array`,
               // `ref.eq`, `ref.any`, `ref.host`, `ref.exn`, ...: `name` says which
    Either,    // `(either ...)`: any of `alternatives`
  };
  Kind kind = Kind::I32;
  Lane num;                             // I32, I64, F32, F64
  std::string laneType;                 // V128: "i8", "i16", "i32", "i64", "f32", "f64"
  std::vector<Lane> lanes;              // V128: one per lane
  std::string heapType;                 // RefNull: `func`, `extern`, `any`, `$t`, ...; "" = any
  std::string name;                     // RefOther: e.g. "ref.i31"; RefFunc: its index
  std::optional<std::uint64_t> payload; // RefExtern, RefOther: the number given
  std::vector<Value> alternatives;      // Either
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

// `(invoke $m? "name" arg*)` or `(get $m? "name")`.
struct Action {
  enum class Kind : std::uint8_t { Invoke, Get };
  Kind kind = Kind::Invoke;
  std::optional<std::string> module; // a named module (without `$`), else the latest one
  std::string field;
  std::vector<Value> args;
};

struct Command {
  enum class Kind : std::uint8_t {
    Module,           // `(module $id? ...)`: compile and instantiate
    ModuleDefinition, // `(module definition $id? ...)`: compile only
    ModuleInstance,   // `(module instance $inst? $def?)`: instantiate a definition
    Register,         // `(register "as" $id?)`
    Action,           // a bare `(invoke ...)` / `(get ...)`
    AssertReturn,
    AssertTrap, // on `action`, or on `module` (instantiation traps)
    AssertExhaustion,
    AssertException,
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,
  };
  Kind kind = Kind::Module;
  std::uint32_t line = 0; // of the command's `(`
  std::uint32_t column = 0;
  // Module, ModuleDefinition: the module's $id; ModuleInstance: the
  // instance's; Register: the module registered (none: the latest).
  std::optional<std::string> name;
  std::optional<std::string> definition; // ModuleInstance: the definition's $id
  std::string as;                        // Register: the import namespace
  std::optional<ModuleSource> module;    // module commands and assertions on modules
  std::optional<Action> action;          // actions and assertions on actions
  std::vector<Value> expected;           // AssertReturn
  std::string text;                      // the expected failure message
};

struct Script {
  std::vector<Command> commands;
};

// Reads a whole script. Throws TextError (script line:column) for what is
// not a script: unbalanced parentheses, an unknown command, a malformed
// argument or result.
Script parseScript(std::string_view source);

// "module", "assert_return", ...: the command's keyword (for messages).
const char *commandName(Command::Kind kind);

} // namespace waot::wast
