// Modules: Module::load / loadFromMemory refusing what is not a loadable
// waot artifact, reflection of imports and exports with their types, and
// compile / validate from bytes.
#include "api_support.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace waot::apitest {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<std::uint8_t> fileBytes(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// provider.wat and other.wat compiled by `waot compile` at build time.
fs::path precompiled(const std::string &name) {
  return fs::path(WAOT_API_TEST_SO_DIR) / (name + ".so");
}

fs::path unitArtifact(const std::string &name) {
  return fs::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

TEST(ApiLoad, AFileThatIsNotAnArtifactIsACompileErrorNamingIt) {
  const fs::path path =
      fs::path(testing::TempDir()) / ("waot-api-not-elf-" + std::to_string(getpid()) + ".so");
  std::ofstream(path) << "just some text, not a shared library";
  const std::string message = errorOf<CompileError>([&] { Module::load(path); });
  fs::remove(path);
  EXPECT_THAT(message, HasSubstr(path.string()));
  EXPECT_THAT(message, HasSubstr("not an ELF"));
}

TEST(ApiLoad, ASharedLibraryWithoutDescriptorIsACompileError) {
  const std::string message =
      errorOf<CompileError>([] { Module::load(unitArtifact("no_descriptor")); });
  EXPECT_THAT(message, HasSubstr("no_descriptor.so"));
  EXPECT_THAT(message, HasSubstr("not a waot artifact"));
}

TEST(ApiLoad, AnotherAbiVersionIsACompileError) {
  const std::string message =
      errorOf<CompileError>([] { Module::load(unitArtifact("bad_abi_version")); });
  EXPECT_THAT(message, HasSubstr("bad_abi_version.so"));
  EXPECT_THAT(message, HasSubstr("ABI version"));
}

TEST(ApiLoad, LoadsWhatTheCompileCommandWrote) {
  Module module = Module::load(precompiled("provider"));
  Instance instance(module);
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(40, 2),
            42);
  EXPECT_THAT(module.producer(), HasSubstr("waot"));
}

TEST(ApiLoad, FromMemoryLikeFromAFile) {
  Module module = Module::loadFromMemory(fileBytes(precompiled("provider")), "provider image");
  EXPECT_EQ(module.exports().size(), Module::load(precompiled("provider")).exports().size());
  Instance instance(module);
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(40, 2),
            42);
}

TEST(ApiLoad, FromMemoryChecksTheBytesBeforeTheDynamicLoader) {
  const std::vector<std::uint8_t> good = fileBytes(precompiled("provider"));

  std::vector<std::uint8_t> flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  EXPECT_THAT(errorOf<CompileError>([&] { Module::loadFromMemory(flipped, "flipped image"); }),
              AllOf(HasSubstr("flipped image"), HasSubstr("checksum mismatch")));

  const std::vector<std::uint8_t> truncated(
      good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 3));
  EXPECT_THAT(errorOf<CompileError>([&] { Module::loadFromMemory(truncated, "truncated image"); }),
              HasSubstr("truncated image"));

  EXPECT_THAT(errorOf<CompileError>([] { Module::loadFromMemory({}, "empty image"); }),
              AllOf(HasSubstr("empty image"), HasSubstr("not an ELF")));
}

TEST(ApiLoad, InMemoryModulesNeverServeEachOthersCode) {
  // Each load gets its own in-memory file; unloading one must not let a
  // later load (possibly with the same descriptor number) run its code.
  const std::vector<std::uint8_t> provider = fileBytes(precompiled("provider"));
  const std::vector<std::uint8_t> other = fileBytes(precompiled("other"));
  for (int round = 0; round < 20; ++round) {
    const bool useOther = round % 3 == 1;
    Instance instance(Module::loadFromMemory(useOther ? other : provider));
    const std::int32_t result =
        instance.exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(5, 3);
    EXPECT_EQ(result, useOther ? 2 : 8) << "round " << round;
  }
  // Several alive at once stay distinct too.
  Module a = Module::loadFromMemory(provider);
  Module b = Module::loadFromMemory(other);
  EXPECT_EQ(Instance(a).exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(5, 3),
            8);
  EXPECT_EQ(Instance(b).exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(5, 3),
            2);
}

TEST(ApiLoad, ExportsListNameKindAndType) {
  const std::vector<ExportDescriptor> exports = module("provider").exports();
  std::vector<std::string> described;
  for (const ExportDescriptor &e : exports)
    described.push_back(e.name + ": " + describeType(e));
  EXPECT_THAT(described,
              ::testing::ElementsAre(
                  "add: function (i32, i32) -> (i32)", "memory: memory {min 1, max 4}",
                  "table: table funcref {min 2}", "counter: global mut i32", "pi: global const f64",
                  "load8: function (i32) -> (i32)", "counter_value: function () -> (i32)",
                  "call_slot: function (i32, i32, i32) -> (i32)",
                  "div: function (i32, i32) -> (i32)"));
  EXPECT_EQ(exports[0].kind, ExternKind::Function);
  EXPECT_EQ(exports[0].funcType, (FuncType{{ValType::I32, ValType::I32}, {ValType::I32}}));
  EXPECT_EQ(exports[1].kind, ExternKind::Memory);
  EXPECT_EQ(exports[1].limits, (Limits{1, 4}));
  EXPECT_EQ(exports[2].kind, ExternKind::Table);
  EXPECT_EQ(exports[2].valType, ValType::FuncRef);
  EXPECT_EQ(exports[3].kind, ExternKind::Global);
  EXPECT_TRUE(exports[3].isMutable);
  EXPECT_EQ(exports[4].valType, ValType::F64);
  EXPECT_FALSE(exports[4].isMutable);
}

TEST(ApiLoad, ImportsListModuleNameKindAndType) {
  const std::vector<ImportDescriptor> imports = module("consumer").imports();
  std::vector<std::string> described;
  for (const ImportDescriptor &i : imports)
    described.push_back(i.module + "." + i.name + ": " + describeType(i));
  EXPECT_THAT(described, ::testing::ElementsAre("provider.add: function (i32, i32) -> (i32)",
                                                "provider.memory: memory {min 1, max 4}",
                                                "provider.table: table funcref {min 2}",
                                                "provider.counter: global mut i32"));
}

TEST(ApiCompile, CompilesBytesInProcess) {
  Module module = compile(wasmBytes("provider"));
  Instance instance(module);
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(2, 3), 5);
}

// (module (func (result i32))): the body leaves nothing for its i32 result.
const std::vector<std::uint8_t> kInvalidModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00,
    0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};
const std::vector<std::uint8_t> kGarbage = {'n', 'o', 't', ' ', 'w', 'a', 's', 'm'};

TEST(ApiCompile, BadBytesAreCompileErrors) {
  try {
    compile(kGarbage);
    ADD_FAILURE() << "garbage compiled";
  } catch (const CompileError &e) {
    EXPECT_EQ(e.kind(), CompileError::Kind::Malformed);
    EXPECT_EQ(e.offset(), 0u);
  }
  try {
    compile(kInvalidModule);
    ADD_FAILURE() << "an invalid module compiled";
  } catch (const CompileError &e) {
    EXPECT_EQ(e.kind(), CompileError::Kind::Invalid);
    EXPECT_EQ(e.function(), 0u);
  }
}

TEST(ApiCompile, BadOptionsAreErrors) {
  CompileOptions options;
  options.optLevel = 9;
  EXPECT_THAT(errorOf<Error>([&] { compile(wasmBytes("other"), options); }), HasSubstr("9"));
  options = {};
  options.cpu = "no-such-cpu";
  EXPECT_THAT(errorOf<Error>([&] { compile(wasmBytes("other"), options); }),
              HasSubstr("no-such-cpu"));
}

TEST(ApiCompile, ValidateTellsWhetherCompileWouldAccept) {
  EXPECT_TRUE(validate(wasmBytes("provider")));
  EXPECT_FALSE(validate(kGarbage));
  EXPECT_FALSE(validate(kInvalidModule));
}

TEST(ApiCompile, CompileAsyncCopiesTheBytes) {
  std::vector<std::uint8_t> bytes = wasmBytes("other");
  std::future<Module> pending = compileAsync(bytes);
  std::fill(bytes.begin(), bytes.end(), std::uint8_t{0}); // the caller's buffer may change at once
  Instance instance(pending.get());
  EXPECT_EQ(instance.exports().function<std::int32_t(std::int32_t, std::int32_t)>("add")(5, 3), 2);

  std::future<Module> failing = compileAsync(kInvalidModule);
  EXPECT_THROW(failing.get(), CompileError);
}

} // namespace
} // namespace waot::apitest
