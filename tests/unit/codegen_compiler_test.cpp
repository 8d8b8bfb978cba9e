// The whole pipeline on real wasm modules: compile, load with dlopen, inspect
// the artifact descriptor and call compiled code.
#include "codegen_test_support.hpp"

#include "waot/abi.h"
#include "waot/codegen/compiler.hpp"
#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;
using test::LoadedLibrary;

// (module (func (export "add") (param i32 i32) (result i32)
//   local.get 0 local.get 1 i32.add))
const std::vector<std::uint8_t> kAddModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f,
    0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x61, 0x64, 0x64,
    0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};

// (module
//   (func $helper (param i32) (result i32) local.get 0 i32.const 1 i32.add)
//   (func (export "inc") (param i32) (result i32) local.get 0 call $helper)
//   (func (export "muladd") (param f64 f64 f64) (result f64)
//     local.get 0 local.get 1 f64.mul local.get 2 f64.add)
//   (func (export "floordiv") (param f64 f64) (result f64)
//     local.get 0 local.get 1 f64.div f64.floor))
const std::vector<std::uint8_t> kNumericModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x03, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x60, 0x03, 0x7c, 0x7c, 0x7c, 0x01, 0x7c, 0x60, 0x02, 0x7c, 0x7c, 0x01, 0x7c, 0x03,
    0x05, 0x04, 0x00, 0x00, 0x01, 0x02, 0x07, 0x1b, 0x03, 0x03, 0x69, 0x6e, 0x63, 0x00, 0x01,
    0x06, 0x6d, 0x75, 0x6c, 0x61, 0x64, 0x64, 0x00, 0x02, 0x08, 0x66, 0x6c, 0x6f, 0x6f, 0x72,
    0x64, 0x69, 0x76, 0x00, 0x03, 0x0a, 0x24, 0x04, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a,
    0x0b, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x0a, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa2,
    0x20, 0x02, 0xa0, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x20, 0x01, 0xa3, 0x9c, 0x0b};

using AddCode = int32_t (*)(void *, int32_t, int32_t);

std::string errorMessage(const auto &action) {
  try {
    action();
  } catch (const waot::Error &error) {
    return error.what();
  }
  return "<no error>";
}

std::string readText(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string asString(const char *text, std::uint32_t length) { return std::string(text, length); }

// Writes an in-memory artifact to `directory` and loads it.
std::unique_ptr<LoadedLibrary> loadArtifact(const TemporaryDirectory &directory,
                                            const std::vector<std::uint8_t> &library,
                                            const std::string &name = "module.so") {
  fs::path path = directory.path() / name;
  writeFile(path,
            std::span<const char>(reinterpret_cast<const char *>(library.data()), library.size()));
  return std::make_unique<LoadedLibrary>(path);
}

const waot_artifact &descriptorOf(const LoadedLibrary &library) {
  auto *artifact = static_cast<const waot_artifact *>(library.symbol(WAOT_ARTIFACT_SYMBOL));
  if (artifact == nullptr) throw std::runtime_error("no " WAOT_ARTIFACT_SYMBOL " in the artifact");
  return *artifact;
}

// The index of export `name` in the function index space (no imports here).
std::uint32_t exportedFunction(const waot_artifact &artifact, const std::string &name) {
  for (std::uint32_t i = 0; i < artifact.num_exports; ++i) {
    const waot_export_desc &entry = artifact.exports[i];
    if (entry.kind == WAOT_EXTERN_FUNC && asString(entry.name, entry.name_len) == name)
      return entry.index;
  }
  throw std::runtime_error("no exported function " + name);
}

TEST(CodegenCompiler, AddModuleBecomesALoadableArtifact) {
  std::vector<std::uint8_t> library = compileToSharedLibrary(kAddModule, CompileOptions{});
  TemporaryDirectory directory;
  auto loaded = loadArtifact(directory, library);
  const waot_artifact &artifact = descriptorOf(*loaded);

  EXPECT_EQ(artifact.magic, WAOT_ARTIFACT_MAGIC);
  EXPECT_EQ(artifact.abi_version, WAOT_ABI_VERSION);
  EXPECT_EQ(artifact.descriptor_size, sizeof(waot_artifact));
  EXPECT_EQ(artifact.start_function, UINT32_MAX);
  EXPECT_EQ(std::string(artifact.target_triple), resolvedTargetTriple({}));
  EXPECT_EQ(std::string(artifact.cpu_features), selectTarget({}).features);
  EXPECT_EQ(std::string(artifact.producer).rfind("waot", 0), 0u) << artifact.producer;
  ASSERT_EQ(artifact.num_functions, 1u);
  ASSERT_EQ(artifact.num_exports, 1u);
  EXPECT_EQ(asString(artifact.exports[0].name, artifact.exports[0].name_len), "add");
  EXPECT_EQ(artifact.exports[0].kind, WAOT_EXTERN_FUNC);
  EXPECT_EQ(artifact.exports[0].index, 0u);

  ASSERT_NE(artifact.functions[0].code, nullptr);
  auto add = reinterpret_cast<AddCode>(artifact.functions[0].code);
  EXPECT_EQ(add(nullptr, 2, 3), 5);
  EXPECT_EQ(add(nullptr, INT32_MAX, 1), INT32_MIN) << "i32.add wraps";
}

TEST(CodegenCompiler, EveryOptimizationLevelProducesWorkingCode) {
  TemporaryDirectory directory;
  for (unsigned level = 0; level <= 3; ++level) {
    CompileOptions options;
    options.optLevel = level;
    std::string name = std::to_string(level);
    name.append(".so");
    auto loaded = loadArtifact(directory, compileToSharedLibrary(kAddModule, options), name);
    const waot_artifact &artifact = descriptorOf(*loaded);
    auto add = reinterpret_cast<AddCode>(artifact.functions[0].code);
    EXPECT_EQ(add(nullptr, 40, 2), 42) << "at O" << level;
  }
}

TEST(CodegenCompiler, PortableCodeRecordsNoHostFeatures) {
  CompileOptions options;
  options.cpu = "generic";
  TemporaryDirectory directory;
  auto loaded = loadArtifact(directory, compileToSharedLibrary(kAddModule, options));
  EXPECT_STREQ(descriptorOf(*loaded).cpu_features, "");
}

TEST(CodegenCompiler, OnlyTheDescriptorIsExported) {
  std::vector<std::uint8_t> library = compileToSharedLibrary(kNumericModule, CompileOptions{});
  auto object = llvm::object::ObjectFile::createELFObjectFile(llvm::MemoryBufferRef(
      llvm::StringRef(reinterpret_cast<const char *>(library.data()), library.size()), "artifact"));
  ASSERT_TRUE(static_cast<bool>(object)) << llvm::toString(object.takeError());
  auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object->get());
  ASSERT_NE(elf, nullptr);
  std::set<std::string> defined;
  for (const llvm::object::ELFSymbolRef &symbol : elf->getDynamicSymbolIterators()) {
    auto flags = symbol.getFlags();
    ASSERT_TRUE(static_cast<bool>(flags));
    auto name = symbol.getName();
    ASSERT_TRUE(static_cast<bool>(name));
    if (!(*flags & llvm::object::SymbolRef::SF_Undefined) && !name->empty())
      defined.insert(name->str());
  }
  EXPECT_EQ(defined, std::set<std::string>{WAOT_ARTIFACT_SYMBOL});
}

TEST(CodegenCompiler, CompiledCodeIsExactAndCallsInternalFunctions) {
  TemporaryDirectory directory;
  auto loaded = loadArtifact(directory, compileToSharedLibrary(kNumericModule, CompileOptions{}));
  const waot_artifact &artifact = descriptorOf(*loaded);
  ASSERT_EQ(artifact.num_functions, 4u);

  auto inc = reinterpret_cast<int32_t (*)(void *, int32_t)>(
      artifact.functions[exportedFunction(artifact, "inc")].code);
  EXPECT_EQ(inc(nullptr, 41), 42);

  // a*b rounds to exactly 1.0, so a*b-1 is 0; a fused multiply-add would give -2^-54.
  auto muladd = reinterpret_cast<double (*)(void *, double, double, double)>(
      artifact.functions[exportedFunction(artifact, "muladd")].code);
  double a = 1.0 + std::ldexp(1.0, -27), b = 1.0 - std::ldexp(1.0, -27);
  EXPECT_EQ(muladd(nullptr, a, b, -1.0), 0.0);
  EXPECT_EQ(muladd(nullptr, 2.0, 3.0, 4.0), 10.0);

  auto floordiv = reinterpret_cast<double (*)(void *, double, double)>(
      artifact.functions[exportedFunction(artifact, "floordiv")].code);
  EXPECT_EQ(floordiv(nullptr, 7.0, 2.0), 3.0);
  EXPECT_EQ(floordiv(nullptr, -7.0, 2.0), -4.0);
}

TEST(CodegenCompiler, IndependentCompilationsRunConcurrently) {
  // Each compilation has its own LLVMContext and TargetMachine; only the
  // link is serialized.
  std::vector<std::vector<std::uint8_t>> libraries(3);
  std::vector<std::string> failures(libraries.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < libraries.size(); ++i)
    threads.emplace_back([&, i] {
      failures[i] = errorMessage([&] {
        CompileOptions options;
        options.optLevel = static_cast<unsigned>(i + 1);
        libraries[i] = compileToSharedLibrary(kNumericModule, options);
      });
    });
  for (std::thread &thread : threads) thread.join();

  TemporaryDirectory directory;
  for (std::size_t i = 0; i < libraries.size(); ++i) {
    ASSERT_EQ(failures[i], "<no error>");
    std::string name = std::to_string(i);
    name.append(".so");
    auto loaded = loadArtifact(directory, libraries[i], name);
    const waot_artifact &artifact = descriptorOf(*loaded);
    auto inc = reinterpret_cast<int32_t (*)(void *, int32_t)>(
        artifact.functions[exportedFunction(artifact, "inc")].code);
    EXPECT_EQ(inc(nullptr, static_cast<int32_t>(i)), static_cast<int32_t>(i) + 1);
  }
}

TEST(CodegenCompiler, WritesEveryOutputKind) {
  TemporaryDirectory directory;
  const fs::path shared = directory.path() / "add.so", object = directory.path() / "add.o",
                 ir = directory.path() / "add.ll", assembly = directory.path() / "add.s";
  compileToFile(kAddModule, {}, EmitKind::Shared, shared);
  compileToFile(kAddModule, {}, EmitKind::Object, object);
  compileToFile(kAddModule, {}, EmitKind::LLVM, ir);
  compileToFile(kAddModule, {}, EmitKind::Asm, assembly);

  std::string library = readText(shared), relocatable = readText(object);
  ASSERT_GT(library.size(), 64u);
  ASSERT_GT(relocatable.size(), 64u);
  EXPECT_EQ(library.substr(0, 4), "\x7f"
                                  "ELF");
  EXPECT_EQ(library[16], llvm::ELF::ET_DYN);
  EXPECT_EQ(relocatable.substr(0, 4), "\x7f"
                                      "ELF");
  EXPECT_EQ(relocatable[16], llvm::ELF::ET_REL);
  EXPECT_NE(library.find("add.so"), std::string::npos) << "the soname is the output's file name";

  std::string text = readText(ir);
  EXPECT_NE(text.find("@" WAOT_ARTIFACT_SYMBOL), std::string::npos);
  EXPECT_NE(text.find("target triple = \"" + resolvedTargetTriple({}) + "\""), std::string::npos);
  EXPECT_NE(readText(assembly).find(WAOT_ARTIFACT_SYMBOL ":"), std::string::npos);

  LoadedLibrary loaded(shared);
  auto add = reinterpret_cast<AddCode>(descriptorOf(loaded).functions[0].code);
  EXPECT_EQ(add(nullptr, -5, 8), 3);
}

TEST(CodegenCompiler, InvalidModuleFailsWithCompileErrorAndKeepsTheOldOutput) {
  TemporaryDirectory directory;
  const fs::path output = directory.path() / "kept.so";
  writeFile(output, std::string("previous build"));
  std::vector<std::uint8_t> truncated(kAddModule.begin(), kAddModule.end() - 3);
  EXPECT_THROW(compileToFile(truncated, {}, EmitKind::Shared, output), waot::CompileError);
  std::vector<std::uint8_t> notWasm = {'n', 'o', 'p', 'e'};
  EXPECT_THROW(compileToSharedLibrary(notWasm, {}), waot::CompileError);
  EXPECT_EQ(readText(output), "previous build");
  EXPECT_EQ(std::distance(fs::directory_iterator(directory.path()), fs::directory_iterator()), 1);
}

TEST(CodegenCompiler, BadOptionsFailBeforeAnyOutput) {
  TemporaryDirectory directory;
  const fs::path output = directory.path() / "never.so";
  CompileOptions options;
  options.targetTriple = "xyz";
  EXPECT_EQ(errorMessage([&] { compileToFile(kAddModule, options, EmitKind::Shared, output); }),
            "unknown target triple 'xyz'");
  EXPECT_EQ(errorMessage([&] { compileToSharedLibrary(kAddModule, options); }),
            "unknown target triple 'xyz'");
  options = {};
  options.optLevel = 9;
  EXPECT_EQ(errorMessage([&] { compileToFile(kAddModule, options, EmitKind::Object, output); }),
            "invalid optimization level 9 (expected 0 to 3)");
  EXPECT_FALSE(fs::exists(output));
}

TEST(CodegenCompiler, SharedLibrariesNeedAnElfTarget) {
  CompileOptions options;
  options.targetTriple = "x86_64-apple-macosx14.0.0";
  std::string message = errorMessage([&] { compileToSharedLibrary(kAddModule, options); });
  EXPECT_EQ(message.rfind("shared library output needs an ELF target", 0), 0u) << message;
}

TEST(CodegenCompiler, CrossCompilesASharedLibraryForAArch64) {
  CompileOptions options;
  options.targetTriple = "aarch64-unknown-linux-gnu";
  std::vector<std::uint8_t> library = compileToSharedLibrary(kAddModule, options);
  ASSERT_GT(library.size(), 64u);
  std::uint16_t machine = 0;
  std::memcpy(&machine, library.data() + 18, sizeof machine);
  EXPECT_EQ(machine, llvm::ELF::EM_AARCH64);
  EXPECT_EQ(library[16], llvm::ELF::ET_DYN);
}

} // namespace
} // namespace waot::codegen
