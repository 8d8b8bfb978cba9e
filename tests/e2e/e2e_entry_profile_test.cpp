// The entry profile of `waot run`'s quick tier and the builds it guides:
// code compiled with CompileOptions::entryProfile records which functions
// ran (Module::enteredFunctions), also across the parts of a split module;
// a build with unoptimizedFunctions leaves those functions unoptimized
// (optnone), computes the same results and profiles only them.
#include "e2e_support.hpp"

#include <waot/codegen/compiler.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <unistd.h>

namespace waot::test {
namespace {

// Defined functions of entry_profile.wat, in index order.
enum : unsigned { A, B, C, D, E, kFunctions };

Module compiled(const codegen::CompileOptions &options) {
  return Module::loadFromMemory(
      codegen::compileToSharedLibrary(wasmBytes("entry_profile"), options), "entry_profile");
}

std::vector<bool> entered(const Module &module) {
  const std::optional<std::vector<bool>> flags = module.enteredFunctions();
  EXPECT_TRUE(flags.has_value());
  return flags.value_or(std::vector<bool>());
}

class EntryProfile : public AtOptLevel {
protected:
  codegen::CompileOptions profiled() const {
    codegen::CompileOptions options;
    options.optLevel = GetParam();
    options.entryProfile = true;
    return options;
  }
};

TEST_P(EntryProfile, RecordsTheFunctionsEntered) {
  const Module module = compiled(profiled());
  const Instance instance(module, Imports());
  EXPECT_EQ(entered(module), std::vector<bool>(kFunctions, false));
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t)>("a")(5), 15);
  // b's flag is set even where the optimizer inlined b into a.
  EXPECT_EQ(entered(module), (std::vector<bool>{true, true, false, false, false}));
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t)>("c")(4), 11);
  EXPECT_EQ(entered(module), (std::vector<bool>{true, true, true, true, false}));
  // The flags are the loaded artifact's: another instance adds to them.
  const Instance other(module, Imports());
  EXPECT_EQ(other.exports().function<std::int32_t()>("e")(), 42);
  EXPECT_EQ(entered(module), std::vector<bool>(kFunctions, true));
}

TEST_P(EntryProfile, WorksAcrossTheParts) {
  codegen::CompileOptions options = profiled();
  options.partCodeBytes = 8; // every function a part of its own, and a's call crosses parts
  const Module module = compiled(options);
  const Instance instance(module, Imports());
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t)>("a")(2), 6);
  EXPECT_EQ(entered(module), (std::vector<bool>{true, true, false, false, false}));
}

TEST_P(EntryProfile, NoProfileWithoutTheOption) {
  codegen::CompileOptions options;
  options.optLevel = GetParam();
  EXPECT_FALSE(compiled(options).enteredFunctions().has_value());
}

TEST_P(EntryProfile, GuidedBuildProfilesOnlyItsUnoptimizedFunctions) {
  codegen::CompileOptions options = profiled();
  options.unoptimizedFunctions = {false, false, true, true, true};
  const Module module = compiled(options);
  const Instance instance(module, Imports());
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t)>("a")(7), 21);
  EXPECT_EQ(entered(module), std::vector<bool>(kFunctions, false));
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t)>("c")(100), 5051);
  EXPECT_EQ(entered(module), (std::vector<bool>{false, false, true, true, false}));
}

INSTANTIATE_TEST_SUITE_P(E2E, EntryProfile, ::testing::Values(0u, 2u), optLevelName);

// The IR after the optimizer: the unoptimized functions are optnone and
// keep their loop as written; the optimized ones are optimized.
TEST(GuidedBuild, LeavesTheUnoptimizedFunctionsAlone) {
  codegen::CompileOptions options;
  options.optLevel = 2;
  options.unoptimizedFunctions = {false, false, false, true, false};
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("waot-guided-" + std::to_string(::getpid()) + ".ll");
  codegen::compileToFile(wasmBytes("entry_profile"), options, codegen::EmitKind::LLVM, path);
  std::ifstream in(path);
  const std::string ir{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  std::filesystem::remove(path);
  // d (function index 3) survives, uninlined, as written; c calls it.
  const std::regex dDefinition(R"(define internal [^\n]*@waot_f3[^\n]*#(\d+))");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(ir, match, dDefinition)) << ir;
  EXPECT_TRUE(std::regex_search(ir, std::regex(R"(call [^\n]*@waot_f3\()"))) << ir;
  const std::regex attributes("attributes #" + match[1].str() + " = \\{[^}]*optnone");
  EXPECT_TRUE(std::regex_search(ir, attributes)) << ir;
  // b (index 1) was inlined into a and removed.
  EXPECT_THAT(ir, ::testing::Not(::testing::HasSubstr("@waot_f1")));
}

} // namespace
} // namespace waot::test
