// Parallel compilation of a module split into parts: the shared library is
// byte-identical for every thread count, and the code, whose calls, table
// entries, globals and memory cross the parts, computes what it should.
#include "e2e_support.hpp"

#include "../unit/decode_test_builder.hpp"

#include <waot/codegen/compiler.hpp>
#include <waot/frontend/decoder.hpp>
#include <waot/frontend/lower.hpp>

#include "link.hpp" // codegen's in-process lld

#include <waot/abi.h>

#include <llvm/Object/ObjectFile.h>

#include <bit>
#include <cstdlib>
#include <dlfcn.h>
#include <fstream>
#include <iterator>
#include <set>
#include <unistd.h>

namespace waot::test {
namespace {

constexpr std::uint32_t kChainLength = 300; // functions 0 .. kChainLength-1
constexpr std::uint32_t kLeafCount = 24;    // functions after the chain
constexpr std::uint32_t kDispatch = kChainLength + kLeafCount;
constexpr std::uint32_t kCount = kDispatch + 1;
constexpr std::uint32_t kLoad = kDispatch + 2;
constexpr std::uint32_t kDispatchFew = kDispatch + 3;
// The elements of a second, small table: chain functions from parts all over
// the module and one leaf. Nothing writes or exports it, so call_indirect
// through it calls these directly, each declared in the caller's part.
constexpr std::uint32_t kFewTargets[] = {10, 150, kChainLength + 3, kChainLength - 10};
// About 35 bytes per chain function: parts of 1 KiB give ten or more parts.
constexpr std::uint64_t kSmallPartBytes = 1024;

std::uint32_t chainConstant(std::uint32_t i) { return (i * 0x9E3779B1u) >> 3; }

// Function i of the chain, (i32 x) -> i32:
//   v = (i > 0 ? chain[i-1](x) : x * 31 + 7); v = (v ^ K(i)) * 3 + i;
//   every 7th function: v = leaf[i % kLeafCount](v), a forward call;
//   counter += 1; memory[4i] = v; return v.
// The calls go from every part into earlier and later parts.
Bytes chainFunction(std::uint32_t i) {
  Bytes code = {0x20, 0x00}; // local.get 0
  if (i > 0)
    code = cat({code, {0x10}, uleb(i - 1)}); // call chain[i-1]
  else
    code = cat({code, {0x41}, sleb(31), {0x6C, 0x41}, sleb(7), {0x6A}}); // * 31 + 7
  const auto i32Const = [](std::uint32_t value) {
    return cat({{0x41}, sleb(static_cast<std::int32_t>(value))});
  };
  code = cat({code, i32Const(chainConstant(i)), {0x73}});       // ^ K(i)
  code = cat({code, i32Const(3), {0x6C}, i32Const(i), {0x6A}}); // * 3 + i
  if (i % 7 == 0) code = cat({code, {0x10}, uleb(kChainLength + i % kLeafCount)});
  code = cat({code, {0x21, 0x01}});                                    // local.set 1
  code = cat({code, {0x23, 0x00, 0x41, 0x01, 0x6A, 0x24, 0x00}});      // counter += 1
  code = cat({code, i32Const(4 * i), {0x20, 0x01, 0x36, 0x02, 0x00}}); // memory[4i] = v
  return cat({code, {0x20, 0x01, kEnd}});                              // return v
}

// Leaf k, (i32 x) -> i32: rotl(x, k + 1) + k.
Bytes leafFunction(std::uint32_t k) {
  return cat({{0x20, 0x00, 0x41}, sleb(k + 1), {0x77, 0x41}, sleb(k), {0x6A, kEnd}});
}

Bytes exportFunction(const char *exportName, std::uint32_t function) {
  return cat({name(exportName), {0x00}, uleb(function)});
}

// The chain, the leaves, a table holding every chain function, a table of
// kFewTargets, and dispatch(i, x) = table[i](x), count() = counter,
// load(a) = memory[a], dispatch_few(i, x) = few[i](x).
Bytes chainModule() {
  ModuleBuilder builder;
  const std::uint32_t unary = builder.addType({kI32}, {kI32});
  const std::uint32_t binary = builder.addType({kI32, kI32}, {kI32});
  const std::uint32_t nullary = builder.addType({}, {kI32});
  const Bytes oneLocal = {0x01, 0x01, kI32};
  for (std::uint32_t i = 0; i < kChainLength; ++i)
    builder.addFunction(unary, chainFunction(i), oneLocal);
  for (std::uint32_t k = 0; k < kLeafCount; ++k)
    builder.addFunction(unary, leafFunction(k));
  builder.addFunction(binary, cat({{0x20, 0x01, 0x20, 0x00, 0x11}, uleb(unary), {0x00, kEnd}}));
  builder.addFunction(nullary, {0x23, 0x00, kEnd});
  builder.addFunction(unary, {0x20, 0x00, 0x28, 0x02, 0x00, kEnd});
  builder.addFunction(binary, cat({{0x20, 0x01, 0x20, 0x00, 0x11}, uleb(unary), {0x01, kEnd}}));

  builder.memories.push_back({0x00, 0x01});
  builder.globals.push_back({kI32, 0x01, 0x41, 0x00, kEnd});
  builder.tables.push_back(cat({{kFuncRef, 0x00}, uleb(kChainLength)}));
  std::vector<Bytes> entries;
  for (std::uint32_t i = 0; i < kChainLength; ++i)
    entries.push_back(uleb(i));
  builder.elems.push_back(cat({{0x00, 0x41, 0x00, kEnd}, vec(entries)}));
  builder.tables.push_back(cat({{kFuncRef, 0x00}, uleb(std::size(kFewTargets))}));
  std::vector<Bytes> few;
  for (std::uint32_t target : kFewTargets)
    few.push_back(uleb(target));
  builder.elems.push_back(cat({{0x02, 0x01, 0x41, 0x00, kEnd, 0x00}, vec(few)}));
  builder.exports = {exportFunction("run", kChainLength - 1), exportFunction("dispatch", kDispatch),
                     exportFunction("count", kCount), exportFunction("load", kLoad),
                     exportFunction("dispatch_few", kDispatchFew)};
  return builder.build();
}

// The same computation in C++.
struct Expected {
  std::uint32_t counter = 0;
  std::vector<std::uint32_t> memory = std::vector<std::uint32_t>(kChainLength, 0);

  std::uint32_t chain(std::uint32_t i, std::uint32_t x) {
    std::uint32_t v = i > 0 ? chain(i - 1, x) : x * 31 + 7;
    v = (v ^ chainConstant(i)) * 3 + i;
    if (i % 7 == 0) v = std::rotl(v, static_cast<int>(i % kLeafCount + 1)) + i % kLeafCount;
    ++counter;
    memory[i] = v;
    return v;
  }
};

codegen::CompileOptions options(unsigned optLevel, unsigned threads, std::uint64_t partBytes) {
  codegen::CompileOptions result;
  result.optLevel = optLevel;
  result.threads = threads;
  result.partCodeBytes = partBytes;
  return result;
}

std::vector<char> readBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Module load(const std::vector<std::uint8_t> &library) {
  std::string path = testing::TempDir() + "waot-e2e-parallel-XXXXXX.so";
  const int fd = ::mkstemps(path.data(), 3);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  const bool written =
      ::write(fd, library.data(), library.size()) == static_cast<ssize_t>(library.size());
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + path);
  Module module = Module::load(path);
  ::unlink(path.c_str()); // the loader keeps it mapped
  return module;
}

// Runs the module's exports and compares every result with Expected.
void expectComputesTheChain(const Module &module) {
  Instance instance(module);
  const Exports &exports = instance.exports();
  auto run = exports.function<std::int32_t(std::int32_t)>("run");
  auto dispatch = exports.function<std::int32_t(std::int32_t, std::int32_t)>("dispatch");
  auto count = exports.function<std::int32_t()>("count");
  auto load = exports.function<std::int32_t(std::int32_t)>("load");
  auto dispatchFew = exports.function<std::int32_t(std::int32_t, std::int32_t)>("dispatch_few");

  Expected expected;
  for (std::uint32_t x : {0u, 1u, 12345u, 0xdeadbeefu})
    EXPECT_EQ(static_cast<std::uint32_t>(run(static_cast<std::int32_t>(x))),
              expected.chain(kChainLength - 1, x))
        << "run(" << x << ")";
  for (std::uint32_t i : {0u, 1u, 7u, 100u, 149u, 150u, 222u, kChainLength - 2})
    EXPECT_EQ(static_cast<std::uint32_t>(dispatch(static_cast<std::int32_t>(i), 99)),
              expected.chain(i, 99))
        << "dispatch(" << i << ", 99)";
  for (std::uint32_t slot = 0; slot < std::size(kFewTargets); ++slot) {
    const std::uint32_t target = kFewTargets[slot];
    const std::uint32_t leaf = target - kChainLength;
    const std::uint32_t want = target < kChainLength
                                   ? expected.chain(target, 5)
                                   : std::rotl(5u, static_cast<int>(leaf + 1)) + leaf;
    EXPECT_EQ(static_cast<std::uint32_t>(dispatchFew(static_cast<std::int32_t>(slot), 5)), want)
        << "dispatch_few(" << slot << ", 5)";
  }
  EXPECT_EQ(static_cast<std::uint32_t>(count()), expected.counter);
  for (std::uint32_t i = 0; i < kChainLength; i += 13)
    EXPECT_EQ(static_cast<std::uint32_t>(load(static_cast<std::int32_t>(4 * i))),
              expected.memory[i])
        << "memory[" << 4 * i << "]";
}

class ParallelBuild : public AtOptLevel {};

TEST_P(ParallelBuild, TheTestModuleIsSplitIntoManyParts) {
  const frontend::Module decoded = frontend::decodeAndValidate(chainModule());
  EXPECT_GE(frontend::partitionModule(decoded, kSmallPartBytes).parts.size(), 8u);
  EXPECT_EQ(frontend::partitionModule(decoded).parts.size(), 1u)
      << "at the default part size a module this small stays whole";
}

TEST_P(ParallelBuild, OutputIsByteIdenticalForEveryThreadCount) {
  const Bytes wasm = chainModule();
  const std::vector<std::uint8_t> reference =
      codegen::compileToSharedLibrary(wasm, options(GetParam(), 1, kSmallPartBytes));
  for (unsigned threads : {2u, 3u, 8u, 0u})
    EXPECT_TRUE(codegen::compileToSharedLibrary(
                    wasm, options(GetParam(), threads, kSmallPartBytes)) == reference)
        << "threads=" << threads;
  EXPECT_TRUE(codegen::compileToSharedLibrary(wasm, options(GetParam(), 2, kSmallPartBytes)) ==
              reference)
      << "a second build with the same options";
}

TEST_P(ParallelBuild, SplitCodeComputesWhatTheWholeModuleComputes) {
  const Bytes wasm = chainModule();
  const std::vector<std::uint8_t> split =
      codegen::compileToSharedLibrary(wasm, options(GetParam(), 2, kSmallPartBytes));
  const std::vector<std::uint8_t> whole =
      codegen::compileToSharedLibrary(wasm, options(GetParam(), 2, 0));
  EXPECT_FALSE(split == whole) << "the split build must differ from the one-part build";
  expectComputesTheChain(load(split));
  expectComputesTheChain(load(whole));
}

TEST_P(ParallelBuild, EveryPartSizeGivesWorkingCode) {
  // From one function per part to two parts.
  const Bytes wasm = chainModule();
  for (std::uint64_t partBytes : {1ull, 300ull, 4000ull})
    expectComputesTheChain(
        load(codegen::compileToSharedLibrary(wasm, options(GetParam(), 2, partBytes))));
}

// A module compiled for linking into an application is compiled in parts
// too, joined into one object (ld -r) whose every defined symbol carries the
// link name; linked into a program (here: a shared library made by the same
// in-process lld) its descriptor instantiates through Module::linked.
TEST_P(ParallelBuild, ALinkableObjectIsCompiledInPartsAndJoined) {
  const Bytes wasm = chainModule();
  codegen::CompileOptions linkable = options(GetParam(), 2, kSmallPartBytes);
  linkable.linkName = "chain_mod";
  const std::string directory = testing::TempDir();
  const std::string objectPath = directory + "waot-e2e-chain_mod.o";
  codegen::compileToFile(wasm, linkable, codegen::EmitKind::Object, objectPath);
  const std::vector<char> object = readBytes(objectPath);
  linkable.threads = 1;
  const std::string again = directory + "waot-e2e-chain_mod-1.o";
  codegen::compileToFile(wasm, linkable, codegen::EmitKind::Object, again);
  EXPECT_TRUE(readBytes(again) == object) << "the object depends on the thread count";

  auto file = llvm::object::ObjectFile::createObjectFile(
      llvm::MemoryBufferRef(llvm::StringRef(object.data(), object.size()), "chain_mod.o"));
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  std::size_t shared = 0;
  std::set<std::string> undefined;
  for (const llvm::object::SymbolRef &symbol : (*file)->symbols()) {
    const std::uint32_t flags = llvm::cantFail(symbol.getFlags());
    if (!(flags & llvm::object::SymbolRef::SF_Global)) continue;
    const std::string name = llvm::cantFail(symbol.getName()).str();
    if (flags & llvm::object::SymbolRef::SF_Undefined) {
      undefined.insert(name);
      continue;
    }
    if (name == "waot_module_chain_mod") continue;
    EXPECT_EQ(name.rfind("chain_mod.", 0), 0u) << name << " does not carry the link name";
    ++shared;
  }
  EXPECT_GT(shared, 0u) << "a split module shares functions between its parts";
  EXPECT_EQ(undefined,
            (std::set<std::string>{"__start_waot_code_chain_mod", "__stop_waot_code_chain_mod"}));

  const std::string library = directory + "waot-e2e-chain_mod.so";
  codegen::LinkOptions link;
  link.exportedSymbols = {"waot_module_chain_mod"};
  codegen::linkSharedLibrary(std::vector<std::vector<char>>{object}, library, link);
  void *handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << dlerror();
  const auto *descriptor =
      static_cast<const waot_artifact *>(dlsym(handle, "waot_module_chain_mod"));
  ASSERT_NE(descriptor, nullptr);
  expectComputesTheChain(Module::linked(*descriptor));
  // Kept loaded: the runtime may still refer to the module's code.
}

INSTANTIATE_TEST_SUITE_P(OptLevels, ParallelBuild, ::testing::Values(0u, 2u), optLevelName);

} // namespace
} // namespace waot::test
