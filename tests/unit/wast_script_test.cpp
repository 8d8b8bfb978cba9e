// The script reader (waot/frontend/wast.hpp): commands, positions, values,
// module forms, errors; and every script of the official suites is read.
#include "waot/frontend/wast.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using waot::text::TextError;
using waot::text::watToBinary;
using namespace waot::wast;
using K = Command::Kind;
using VK = Value::Kind;

TEST(WastScript, CommandsWithLinesAndNames) {
  const Script s = parseScript(R"wast((module $m (func (export "f") (result i32) (i32.const 7)))
(register "lib" $m)
(invoke "f")
  (get $m "g")
(assert_return (invoke $m "f" (i32.const -1) (i64.const 0x10)) (i32.const 7))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (func unreachable) (start 0)) "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_malformed (module quote "(func") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
(assert_uninstantiable (module binary "\00asm" "\01\00\00\00") "trap")
(assert_exception (invoke "throw"))
(module definition $d (memory 1))
(module instance $i $d)
(module instance)
)wast");
  ASSERT_EQ(s.commands.size(), 16u);
  const auto &c = s.commands;
  EXPECT_EQ(c[0].kind, K::Module);
  EXPECT_EQ(c[0].name, "m");
  EXPECT_EQ(c[0].line, 1u);
  EXPECT_EQ(c[1].kind, K::Register);
  EXPECT_EQ(c[1].as, "lib");
  EXPECT_EQ(c[1].name, "m");
  EXPECT_EQ(c[2].kind, K::Action);
  EXPECT_EQ(c[2].action->kind, Action::Kind::Invoke);
  EXPECT_FALSE(c[2].action->module);
  EXPECT_EQ(c[3].action->kind, Action::Kind::Get);
  EXPECT_EQ(c[3].action->module, "m");
  EXPECT_EQ(c[3].action->field, "g");
  EXPECT_EQ(c[3].line, 4u);
  EXPECT_EQ(c[3].column, 3u);
  EXPECT_EQ(c[4].kind, K::AssertReturn);
  ASSERT_EQ(c[4].action->args.size(), 2u);
  EXPECT_EQ(c[4].action->args[0].kind, VK::I32);
  EXPECT_EQ(c[4].action->args[0].num.bits, 0xffffffffu);
  EXPECT_EQ(c[4].action->args[1].kind, VK::I64);
  EXPECT_EQ(c[4].action->args[1].num.bits, 16u);
  ASSERT_EQ(c[4].expected.size(), 1u);
  EXPECT_EQ(c[4].expected[0].num.bits, 7u);
  EXPECT_EQ(c[5].kind, K::AssertTrap);
  EXPECT_TRUE(c[5].action);
  EXPECT_EQ(c[5].text, "unreachable");
  EXPECT_EQ(c[6].kind, K::AssertTrap);
  EXPECT_TRUE(c[6].module);
  EXPECT_FALSE(c[6].action);
  EXPECT_EQ(c[7].kind, K::AssertExhaustion);
  EXPECT_EQ(c[8].kind, K::AssertMalformed);
  EXPECT_EQ(c[8].module->form, ModuleSource::Form::Quote);
  EXPECT_EQ(c[8].module->source, "(func");
  EXPECT_EQ(c[9].kind, K::AssertInvalid);
  EXPECT_EQ(c[10].kind, K::AssertUnlinkable);
  EXPECT_EQ(c[11].kind, K::AssertUninstantiable);
  EXPECT_EQ(c[11].module->form, ModuleSource::Form::Binary);
  EXPECT_EQ(c[11].module->source, std::string("\0asm\1\0\0\0", 8));
  EXPECT_EQ(c[12].kind, K::AssertException);
  EXPECT_EQ(c[12].action->field, "throw");
  EXPECT_EQ(c[13].kind, K::ModuleDefinition);
  EXPECT_EQ(c[13].name, "d");
  EXPECT_EQ(c[14].kind, K::ModuleInstance);
  EXPECT_EQ(c[14].name, "i");
  EXPECT_EQ(c[14].definition, "d");
  EXPECT_EQ(c[15].kind, K::ModuleInstance);
  EXPECT_FALSE(c[15].name);
  EXPECT_FALSE(c[15].definition);
  EXPECT_STREQ(commandName(c[13].kind), "module definition");
}

TEST(WastScript, ResultPatternsAndReferences) {
  const Script s = parseScript(R"wast((assert_return (invoke "f")
  (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const -0x1p-1)
  (v128.const f32x4 nan:canonical 1.0 -0 nan:arithmetic)
  (v128.const i8x16 -1 0 1 2 3 4 5 6 7 8 9 10 11 12 13 255)
  (ref.null func) (ref.null) (ref.extern 3) (ref.extern) (ref.func)
  (ref.i31 5) (ref.struct) (ref.host 1)
  (either (i32.const 1) (i32.const 2)))
)wast");
  ASSERT_EQ(s.commands.size(), 1u);
  const auto &e = s.commands[0].expected;
  ASSERT_EQ(e.size(), 14u);
  EXPECT_EQ(e[0].kind, VK::F32);
  EXPECT_EQ(e[0].num.nan, NanPattern::Canonical);
  EXPECT_EQ(e[1].num.nan, NanPattern::Arithmetic);
  EXPECT_EQ(e[2].num.nan, NanPattern::None);
  EXPECT_EQ(e[2].num.bits, 0xbf000000u);
  EXPECT_EQ(e[0].line, 2u);
  EXPECT_EQ(e[0].column, 3u);
  EXPECT_EQ(e[3].kind, VK::V128);
  EXPECT_EQ(e[3].laneType, "f32");
  ASSERT_EQ(e[3].lanes.size(), 4u);
  EXPECT_EQ(e[3].lanes[0].nan, NanPattern::Canonical);
  EXPECT_EQ(e[3].lanes[1].bits, 0x3f800000u);
  EXPECT_EQ(e[3].lanes[2].bits, 0x80000000u);
  EXPECT_EQ(e[3].lanes[3].nan, NanPattern::Arithmetic);
  ASSERT_EQ(e[4].lanes.size(), 16u);
  EXPECT_EQ(e[4].lanes[0].bits, 0xffu);
  EXPECT_EQ(e[4].lanes[15].bits, 0xffu);
  EXPECT_EQ(e[5].kind, VK::RefNull);
  EXPECT_EQ(e[5].heapType, "func");
  EXPECT_EQ(e[6].heapType, "");
  EXPECT_EQ(e[7].kind, VK::RefExtern);
  EXPECT_EQ(e[7].payload, 3u);
  EXPECT_FALSE(e[8].payload);
  EXPECT_EQ(e[9].kind, VK::RefFunc);
  EXPECT_EQ(e[10].kind, VK::RefOther);
  EXPECT_EQ(e[10].name, "ref.i31");
  EXPECT_EQ(e[10].payload, 5u);
  EXPECT_EQ(e[11].name, "ref.struct");
  EXPECT_EQ(e[12].name, "ref.host");
  EXPECT_EQ(e[13].kind, VK::Either);
  ASSERT_EQ(e[13].alternatives.size(), 2u);
  EXPECT_EQ(e[13].alternatives[1].num.bits, 2u);
}

TEST(WastScript, ModuleFormsGiveTheReadersBytes) {
  const std::string wat = R"wast((module $m
  (memory 1) ;; a comment
  (func (export "f") (param i32) (result i32) local.get 0))
(module binary "\00asm" "\01\00\00\00")
(module quote "(memory 1)" "(func (export \"f\") (param i32) (result i32) local.get 0)")
(module))wast";
  const Script s = parseScript(wat);
  ASSERT_EQ(s.commands.size(), 4u);
  const auto expected = watToBinary(R"wast((module (memory 1)
    (func (export "f") (param i32) (result i32) local.get 0)))wast");
  EXPECT_EQ(s.commands[0].module->form, ModuleSource::Form::Text);
  EXPECT_EQ(s.commands[0].module->line, 2u);
  EXPECT_EQ(s.commands[0].module->column, 3u);
  EXPECT_EQ(moduleBytes(*s.commands[0].module), expected);
  EXPECT_EQ(moduleBytes(*s.commands[1].module),
            (std::vector<std::uint8_t>{0, 'a', 's', 'm', 1, 0, 0, 0}));
  EXPECT_EQ(moduleBytes(*s.commands[2].module), expected);
  EXPECT_EQ(moduleBytes(*s.commands[3].module), watToBinary("(module)"));
}

// A malformed module is the result of its command, with script positions.
TEST(WastScript, MalformedModuleIsACommandResult) {
  const Script s = parseScript("(module $ok)\n(assert_malformed\n  (module\n    (func (i32.const "
                               "0x1_0000_0000))) \"constant out of range\")\n"
                               "(assert_malformed (module quote \"(func\" \" (nop\") \"x\")\n");
  ASSERT_EQ(s.commands.size(), 3u);
  try {
    moduleBytes(*s.commands[1].module);
    FAIL() << "an out-of-range constant was read";
  } catch (const TextError &e) {
    EXPECT_EQ(e.line, 4u);
    EXPECT_EQ(e.column, 22u);
    EXPECT_NE(e.message.find("out of range"), std::string::npos) << e.message;
  }
  try {
    moduleBytes(*s.commands[2].module);
    FAIL() << "an unterminated quoted module was read";
  } catch (const TextError &e) {
    EXPECT_EQ(e.line, 5u); // at the `(module`
    EXPECT_EQ(e.column, 19u);
    EXPECT_NE(e.message.find("quoted module"), std::string::npos) << e.message;
  }
}

// A script of module fields is one module (the spec's inline module).
TEST(WastScript, InlineModule) {
  const Script s = parseScript(";; fields only\n(func) (memory 0) (func (export \"f\"))\n");
  ASSERT_EQ(s.commands.size(), 1u);
  EXPECT_EQ(s.commands[0].kind, K::Module);
  EXPECT_EQ(s.commands[0].line, 2u);
  EXPECT_EQ(moduleBytes(*s.commands[0].module),
            watToBinary("(module (func) (memory 0) (func (export \"f\")))"));
}

// mayImportFrom: which registered names a module (that may not compile)
// imports from.
TEST(WastScript, ImportsOfAModule) {
  const Script s = parseScript(R"wast((module (memory $m (import "M" "mem") 1) (memory 2))
(module quote "(import \"spectest\" \"print\" (func))")
(module binary "\00asm" "\01\00\00\00"
  "\02\0c\01" "\03lib" "\03mem" "\02\00\01")
(module (func (export "M")) (data "M")))wast");
  ASSERT_EQ(s.commands.size(), 4u);
  EXPECT_TRUE(mayImportFrom(*s.commands[0].module, "M"));
  EXPECT_FALSE(mayImportFrom(*s.commands[0].module, "mem"));
  EXPECT_TRUE(mayImportFrom(*s.commands[1].module, "spectest"));
  EXPECT_FALSE(mayImportFrom(*s.commands[1].module, "M"));
  EXPECT_TRUE(mayImportFrom(*s.commands[2].module, "lib"));
  EXPECT_FALSE(mayImportFrom(*s.commands[2].module, "li"));
  EXPECT_FALSE(mayImportFrom(*s.commands[3].module, "M")); // an export and data, no import
}

// Annotations hold tokens: a control or non-ASCII character outside a
// string, an empty or malformed id are malformed (3.0's annotations.wast).
TEST(WastScript, MalformedAnnotationsAreRejected) {
  const Script s =
      parseScript(R"wast((assert_malformed (module quote "(@a \01)") "illegal character")
(assert_malformed (module quote "(@a Heiße)") "illegal character")
(assert_malformed (module quote "(@\"\")") "empty annotation id")
(assert_malformed (module quote "(@\"\\ef\")") "malformed UTF-8")
(module quote "(@a \"Heiße\" (x y) 1) (func)"))wast");
  ASSERT_EQ(s.commands.size(), 5u);
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_THROW(moduleBytes(*s.commands[i].module), TextError) << "command " << i;
  EXPECT_EQ(moduleBytes(*s.commands[4].module), watToBinary("(module (func))"));
}

struct BadScript {
  const char *source;
  std::uint32_t line, column;
  const char *says;
};

TEST(WastScript, ScriptSyntaxErrorsHavePositions) {
  const BadScript cases[] = {
      {"(module)\n  (assert_nothing (invoke \"f\"))", 2, 4, "script command"},
      {"(module)\n(invoke \"f\" (i32.const 0x1_0000_0000))", 2, 24, "out of range"},
      {"(assert_return (invoke \"f\" (f32.const nan:canonical)))", 1, 39, "NaN pattern"},
      {"(assert_return (invoke \"f\") (i32.add))", 1, 30, "a result"},
      {"(assert_trap (invoke \"f\"))", 1, 26, "failure message"},
      {"(register $m)", 1, 11, "registered name"},
      {"(assert_return (invoke \"f\") (v128.const i32x4 1 2 3))", 1, 52, "i32 literal"},
      {"(module (func)", 1, 15, "`)`"},
      {"(assert_invalid (invoke \"f\") \"x\")", 1, 17, "a module"},
      {"i32.const", 1, 1, "script command"},
      {"(assert_return (invoke \"f\") (ref.bogus))", 1, 30, "a reference"},
  };
  for (const BadScript &c : cases) {
    try {
      parseScript(c.source);
      ADD_FAILURE() << "read: " << c.source;
    } catch (const TextError &e) {
      EXPECT_EQ(e.line, c.line) << c.source << ": " << e.what();
      EXPECT_EQ(e.column, c.column) << c.source << ": " << e.what();
      EXPECT_NE(e.message.find(c.says), std::string::npos) << c.source << ": " << e.what();
    }
  }
}

// Top-level forms of a script, counted by a scanner independent of the
// lexer (parentheses, strings and comments only).
std::size_t topLevelForms(const std::string &s) {
  std::size_t forms = 0;
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i)
        if (s[i] == '\\') ++i;
    } else if (s.compare(i, 2, ";;") == 0) {
      while (i < s.size() && s[i] != '\n')
        ++i;
    } else if (s.compare(i, 2, "(;") == 0) {
      int nest = 0;
      for (; i < s.size(); ++i) {
        if (s.compare(i, 2, "(;") == 0)
          ++nest, ++i;
        else if (s.compare(i, 2, ";)") == 0 && --nest == 0) {
          ++i;
          break;
        } else if (s.compare(i, 2, ";)") == 0) {
          ++i;
        }
      }
    } else if (s[i] == '(') {
      if (depth++ == 0) ++forms;
    } else if (s[i] == ')') {
      --depth;
    }
  }
  return forms;
}

void readsEveryScript(const std::filesystem::path &dir, std::size_t atLeast) {
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "spec suite not found at " << dir;
  std::size_t scripts = 0, commands = 0;
  for (const auto &entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".wast") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    try {
      const Script s = parseScript(text.str());
      // A script without `(module` is one inline module (inline-module.wast).
      const bool inlineModule = text.str().find("(module") == std::string::npos;
      EXPECT_EQ(s.commands.size(), inlineModule ? 1 : topLevelForms(text.str())) << entry.path();
      commands += s.commands.size();
      ++scripts;
    } catch (const TextError &e) {
      ADD_FAILURE() << entry.path() << ":" << e.what();
    }
  }
  EXPECT_GE(scripts, atLeast);
  std::cout << dir << ": " << scripts << " scripts, " << commands << " commands\n";
}

TEST(WastScript, ReadsEveryWasm20Script) { readsEveryScript(WAOT_TEXT_SPEC_DIR, 148); }

TEST(WastScript, ReadsEveryWasm30Script) {
  readsEveryScript(std::filesystem::path(WAOT_TEXT_SPEC_DIR) / ".." / "wasm-3.0", 257);
}

} // namespace
