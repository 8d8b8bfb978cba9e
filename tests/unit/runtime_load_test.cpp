// Module::load: refusing everything that is not a loadable waot artifact
// with a clear CompileError, and describing the imports and exports of one
// that is.
#include "waot/abi.h"
#include "waot/waot.hpp"

#include <gtest/gtest.h>

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using waot::CompileError;

fs::path artifact(const std::string &name) {
  return fs::path(WAOT_TEST_ARTIFACT_DIR) / (name + ".so");
}

// The message of the CompileError(Kind::Artifact) that loading `path` throws.
std::string loadError(const fs::path &path) {
  try {
    waot::Module::load(path);
  } catch (const CompileError &e) {
    EXPECT_EQ(e.kind(), CompileError::Kind::Artifact);
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos)
        << "the message names the path";
    return e.message();
  }
  ADD_FAILURE() << path << " loaded";
  return {};
}

// A scratch directory removed at the end of the test.
class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "waot-load-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path &path() const { return path_; }

private:
  fs::path path_;
};

TEST(RuntimeLoad, LoadsAValidArtifact) {
  waot::Module module = waot::Module::load(artifact("basic"));
  EXPECT_EQ(module.producer(), "hand-written test artifact");
  EXPECT_EQ(module.targetTriple(), "x86_64-unknown-linux-gnu");
  EXPECT_TRUE(module.imports().empty());
  const auto exports = module.exports();
  ASSERT_EQ(exports.size(), 20u);
  EXPECT_EQ(exports[0].name, "add");
  EXPECT_EQ(exports[0].kind, waot::ExternKind::Function);
  EXPECT_EQ(exports[13].name, "counter_g");
  EXPECT_EQ(exports[13].kind, waot::ExternKind::Global);
}

TEST(RuntimeLoad, DescribesImports) {
  const auto imports = waot::Module::load(artifact("imports")).imports();
  ASSERT_EQ(imports.size(), 7u);
  EXPECT_EQ(imports[0].module, "env");
  EXPECT_EQ(imports[0].name, "add_host");
  EXPECT_EQ(waot::describeType(imports[0]), "function (i32, i32) -> (i32)");
  EXPECT_EQ(waot::describeType(imports[1]), "function (i32) -> ()");
  EXPECT_EQ(imports[2].kind, waot::ExternKind::Memory);
  EXPECT_EQ(imports[2].limits, (waot::Limits{1, 2}));
  EXPECT_EQ(waot::describeType(imports[2]), "memory {min 1, max 2}");
  EXPECT_EQ(waot::describeType(imports[3]), "table funcref {min 2}");
  EXPECT_EQ(waot::describeType(imports[4]), "global const i32");
  EXPECT_EQ(waot::describeType(imports[5]), "global mut i64");
  EXPECT_TRUE(imports[5].isMutable);
  EXPECT_EQ(imports[6].name, "reenter");
}

TEST(RuntimeLoad, RefusesAMissingFile) {
  EXPECT_NE(loadError(artifact("does_not_exist")).find("cannot open"), std::string::npos);
}

TEST(RuntimeLoad, RefusesADirectory) {
  TempDir dir;
  EXPECT_NE(loadError(dir.path()).find("not a regular file"), std::string::npos);
}

TEST(RuntimeLoad, RefusesANonElfFile) {
  TempDir dir;
  const fs::path path = dir.path() / "text.so";
  std::ofstream out(path);
  for (int line = 0; line < 20; ++line)
    out << "this is a text file, not an ELF shared object\n";
  out.close();
  const std::string message = loadError(path);
  // Refused by the file check, before the dynamic loader sees it.
  EXPECT_NE(message.find("not an ELF shared library"), std::string::npos) << message;
}

TEST(RuntimeLoad, RefusesATruncatedLibraryBeforeDlopen) {
  // dlopen() of a truncated shared object can crash inside the dynamic
  // loader: the file check must refuse it first.
  TempDir dir;
  const fs::path path = dir.path() / "truncated.so";
  std::ifstream in(artifact("basic"), std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(bytes.size(), 8192u);
  // Cut inside the code segment (it starts at the second page; debug info
  // at the end of a sanitized build's artifact makes a third of the file
  // too long to cut any segment).
  std::ofstream(path, std::ios::binary).write(bytes.data(), 4096 + 512);
  const std::string message = loadError(path);
  EXPECT_NE(message.find("truncated or corrupt"), std::string::npos) << message;
}

TEST(RuntimeLoad, RefusesALibraryWithoutDescriptor) {
  EXPECT_NE(loadError(artifact("no_descriptor")).find("not a waot artifact"), std::string::npos);
}

TEST(RuntimeLoad, RefusesAnotherAbiVersion) {
  const std::string message = loadError(artifact("bad_abi_version"));
  EXPECT_NE(message.find("artifact built for ABI version 99, this runtime supports " +
                         std::to_string(WAOT_ABI_VERSION)),
            std::string::npos)
      << message;
}

TEST(RuntimeLoad, RefusesAChangedFileAtAStillLoadedPath) {
  TempDir dir;
  const fs::path path = dir.path() / "module.so";
  fs::copy_file(artifact("basic"), path);
  {
    waot::Module first = waot::Module::load(path);
    // Replace the file (new inode, like a compiler writing a new output).
    fs::remove(path);
    fs::copy_file(artifact("memory"), path);
    EXPECT_NE(loadError(path).find("a different artifact was loaded from this path"),
              std::string::npos);
    // The same unchanged file can be loaded any number of times.
    fs::copy_file(artifact("basic"), dir.path() / "again.so");
    waot::Module again = waot::Module::load(dir.path() / "again.so");
    waot::Module againToo = waot::Module::load(dir.path() / "again.so");
    EXPECT_EQ(againToo.exports().size(), 20u);
  }
  // Once the first is gone, the new file loads with its own contents.
  waot::Module second = waot::Module::load(path);
  EXPECT_EQ(second.exports().back().name, "mem");
}

// Corrupts one field of mutable_desc's descriptor at a time (through our own
// dlopen handle of the same library) and restores everything afterwards.
class CorruptDescriptor : public ::testing::Test {
protected:
  void SetUp() override {
    handle_ = dlopen(artifact("mutable_desc").c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    descriptor_ = static_cast<waot_artifact *>(dlsym(handle_, WAOT_ARTIFACT_SYMBOL));
    ASSERT_NE(descriptor_, nullptr);
    saved_ = *descriptor_;
  }
  void TearDown() override {
    for (auto &restore : restores_)
      restore();
    restores_.clear();
    *descriptor_ = saved_;
    // The restored descriptor loads again: no corruption leaked into the runtime.
    EXPECT_NO_THROW(waot::Module::load(artifact("mutable_desc")));
    dlclose(handle_);
  }

  std::string error() { return loadError(artifact("mutable_desc")); }

  template <class T> static T &writable(const T &field) { return const_cast<T &>(field); }

  // Sets `field` to `value` for the rest of the test.
  template <class T, class V> void patch(const T &field, V value) {
    T &target = writable(field);
    const T old = target;
    target = static_cast<T>(value);
    restores_.push_back([&target, old] { target = old; });
  }

  void *handle_ = nullptr;
  waot_artifact *descriptor_ = nullptr;
  waot_artifact saved_{};
  std::vector<std::function<void()>> restores_;
};

TEST_F(CorruptDescriptor, BadMagic) {
  descriptor_->magic = 0x12345678;
  EXPECT_NE(error().find("bad descriptor magic"), std::string::npos);
}

TEST_F(CorruptDescriptor, WrongDescriptorSize) {
  descriptor_->descriptor_size = 8;
  EXPECT_NE(error().find("size 8, expected " + std::to_string(sizeof(waot_artifact))),
            std::string::npos);
}

TEST_F(CorruptDescriptor, CountBeyondLimit) {
  descriptor_->num_types = 5'000'000;
  EXPECT_NE(error().find("5000000 types (limit 1000000)"), std::string::npos);
}

TEST_F(CorruptDescriptor, MissingArray) {
  descriptor_->functions = nullptr;
  EXPECT_NE(error().find("functions array is missing"), std::string::npos);
}

TEST_F(CorruptDescriptor, InvalidValueType) {
  patch(descriptor_->types[0].types[0], 0x42);
  EXPECT_NE(error().find("type 0 has invalid value type 0x42"), std::string::npos);
}

TEST_F(CorruptDescriptor, AContextSizeOtherThanTheRuntimesIsRefused) {
  descriptor_->ctx_size += 8;
  EXPECT_NE(error().find("the compiled code expects an instance context of " +
                         std::to_string(saved_.ctx_size + 8) +
                         " bytes, this runtime lays it out in " + std::to_string(saved_.ctx_size)),
            std::string::npos)
      << error();
}

TEST_F(CorruptDescriptor, ImportTypeIndexOutOfRange) {
  patch(descriptor_->imports[0].type_index, 9);
  EXPECT_NE(error().find("import 0 has type index 9"), std::string::npos);
}

TEST_F(CorruptDescriptor, InvalidImportKind) {
  patch(descriptor_->imports[0].kind, 7);
  EXPECT_NE(error().find("import 0 has invalid kind 7"), std::string::npos);
}

// A function without a code address may only be called directly; anything
// that could make a reference to it needs the address.
TEST_F(CorruptDescriptor, ExportedFunctionWithoutCode) {
  patch(descriptor_->functions[0].code, nullptr);
  const std::string message = error();
  EXPECT_NE(message.find("export \"id\" refers to function 1, which has no code address"),
            std::string::npos)
      << message;
}

TEST_F(CorruptDescriptor, TableElementWithoutCode) {
  patch(descriptor_->functions[0].code, nullptr);
  patch(descriptor_->num_exports, 0u); // function 1 stays in element segment 0
  const std::string message = error();
  EXPECT_NE(message.find("element segment 0"), std::string::npos) << message;
  EXPECT_NE(message.find("refers to function 1, which has no code address"), std::string::npos)
      << message;
}

TEST_F(CorruptDescriptor, MissingEntryTrampoline) {
  patch(descriptor_->entry_trampolines[0], nullptr);
  EXPECT_NE(error().find("type 0 has no entry trampoline"), std::string::npos);
}

TEST_F(CorruptDescriptor, MissingHostAdapterForAnImport) {
  patch(descriptor_->host_adapters, nullptr);
  const std::string message = error();
  EXPECT_NE(message.find("type 0 has no host adapter"), std::string::npos) << message;
}

TEST_F(CorruptDescriptor, TrampolinesAreOnlyNeededWhereUsed) {
  patch(descriptor_->entry_trampolines[1], nullptr); // type 1 has no function
  patch(descriptor_->host_adapters[1], nullptr);
  EXPECT_NO_THROW(waot::Module::load(artifact("mutable_desc")));
}

TEST_F(CorruptDescriptor, ExportOfMissingFunction) {
  patch(descriptor_->exports[0].index, 5);
  EXPECT_NE(error().find("export \"id\" refers to function 5, which does not exist"),
            std::string::npos);
}

TEST_F(CorruptDescriptor, DuplicateExport) {
  patch(descriptor_->exports[1].name, "id");
  patch(descriptor_->exports[1].name_len, 2);
  EXPECT_NE(error().find("duplicate export \"id\""), std::string::npos);
}

TEST_F(CorruptDescriptor, MemoryBeyond4GiB) {
  patch(descriptor_->memories[0].limits.min, 70000);
  EXPECT_NE(error().find("memory 0 has an initial size beyond 65536"), std::string::npos);
}

TEST_F(CorruptDescriptor, MemoryMaximumBeyond4GiB) {
  patch(descriptor_->memories[0].limits.max, 70000);
  patch(descriptor_->memories[0].limits.has_max, 1);
  EXPECT_NE(error().find("memory 0 has a maximum beyond 65536"), std::string::npos);
}

TEST_F(CorruptDescriptor, MaxBelowMin) {
  patch(descriptor_->memories[0].limits.max, 0);
  EXPECT_NE(error().find("memory 0 has max < min"), std::string::npos);
}

TEST_F(CorruptDescriptor, GlobalInitializerOfWrongType) {
  patch(descriptor_->globals[0].init.kind, WAOT_CONST_I64);
  EXPECT_NE(error().find("global 0 initializer is i64, expected i32"), std::string::npos);
}

TEST_F(CorruptDescriptor, GlobalInitializerReadingALaterGlobal) {
  patch(descriptor_->globals[0].init.kind, WAOT_CONST_GLOBAL_GET);
  patch(descriptor_->globals[0].init.index, 0);
  EXPECT_NE(error().find("global 0 initializer reads global 0"), std::string::npos);
}

TEST_F(CorruptDescriptor, ElementOfMissingFunction) {
  patch(descriptor_->elems[0].items[0].index, 99);
  EXPECT_NE(error().find("element segment 0 item 0 refers to function 99"), std::string::npos);
}

TEST_F(CorruptDescriptor, ElementSegmentForMissingTable) {
  patch(descriptor_->elems[0].table, 3);
  EXPECT_NE(error().find("element segment 0 targets table 3"), std::string::npos);
}

TEST_F(CorruptDescriptor, DataSegmentForMissingMemory) {
  patch(descriptor_->datas[0].memory, 3);
  EXPECT_NE(error().find("data segment 0 targets memory 3"), std::string::npos);
}

TEST_F(CorruptDescriptor, InvalidSegmentMode) {
  patch(descriptor_->datas[0].mode, WAOT_SEGMENT_DECLARATIVE);
  EXPECT_NE(error().find("data segment 0 has invalid mode 2"), std::string::npos);
}

TEST_F(CorruptDescriptor, StartFunctionWithParameters) {
  descriptor_->start_function = 0; // the import, (i32) -> (i32)
  EXPECT_NE(error().find("start function has type (i32) -> (i32)"), std::string::npos);
}

TEST_F(CorruptDescriptor, MissingStartFunction) {
  descriptor_->start_function = 50;
  EXPECT_NE(error().find("start function 50 does not exist"), std::string::npos);
}

TEST_F(CorruptDescriptor, NonBooleanMutability) {
  patch(descriptor_->globals[0].mutable_, 2);
  EXPECT_NE(error().find("global 0 mutability is neither 0 nor 1"), std::string::npos);
}

TEST_F(CorruptDescriptor, CpuFeaturesThisMachineLacks) {
  // No CPU has all of AMD's dropped XOP/FMA4/TBM and AVX-512 FP16.
  descriptor_->cpu_features = "+sse2,+xop,+fma4,+tbm,+avx512fp16";
  const std::string message = error();
  EXPECT_NE(message.find("compiled for CPU feature +"), std::string::npos) << message;
  EXPECT_NE(message.find("which this CPU lacks"), std::string::npos) << message;
}

TEST_F(CorruptDescriptor, DisabledAndUnknownCpuFeaturesAreAccepted) {
  descriptor_->cpu_features = "-xop,-avx512f,+some-future-feature";
  EXPECT_NO_THROW(waot::Module::load(artifact("mutable_desc")));
}

} // namespace
