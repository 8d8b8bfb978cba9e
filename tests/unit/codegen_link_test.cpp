// In-process lld: shared libraries from hand-built modules, loaded with dlopen.
#include "codegen_test_support.hpp"

#include "signal_state.hpp"

#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/Object/ELF.h>

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;
using test::LoadedLibrary;
using BinaryFunction = int32_t (*)(int32_t, int32_t);

std::string errorMessage(const auto &action) {
  try {
    action();
  } catch (const waot::Error &error) {
    return error.what();
  }
  return "<no error>";
}

std::vector<char> arithmeticObject(bool withSub = false) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context, withSub);
  return test::hostObject(*module);
}

TEST(CodegenLink, LinksALoadableSharedLibrary) {
  TemporaryDirectory directory;
  fs::path library = directory.path() / "arith.so";
  std::vector<std::vector<char>> objects = {arithmeticObject()};
  linkSharedLibrary(objects, library);
  LoadedLibrary loaded(library);
  auto add = loaded.function<BinaryFunction>("add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add(2, 3), 5);
  EXPECT_EQ(add(-7, 7), 0);
}

void applicationHandler(int) {}

// lld's first output file makes LLVM install its signal handlers (SIGINT,
// SIGTERM, SIGSEGV, ...) and its own signal stack on the linking thread; an
// application compiling in process keeps its own. Checked in a fresh child
// process, where the link is the first.
TEST(CodegenLinkDeathTest, LinkingKeepsTheProcessSignalHandlersAndSignalStack) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto stateSurvives = [] {
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGSEGV, SIGBUS, SIGPIPE};
    struct sigaction action {};
    action.sa_handler = applicationHandler;
    sigemptyset(&action.sa_mask);
    for (int signal : signals)
      ::sigaction(signal, &action, nullptr);
    static char stackMemory[1 << 16];
    stack_t ours{};
    ours.ss_sp = stackMemory;
    ours.ss_size = sizeof stackMemory; // smaller than LLVM wants: it would replace it
    if (::sigaltstack(&ours, nullptr) != 0) return false;
    TemporaryDirectory directory;
    std::vector<std::vector<char>> objects = {arithmeticObject()};
    linkSharedLibrary(objects, directory.path() / "arith.so");
    for (int signal : signals) {
      struct sigaction current {};
      ::sigaction(signal, nullptr, &current);
      if (current.sa_handler != applicationHandler) return false;
    }
    stack_t current{};
    ::sigaltstack(nullptr, &current);
    return current.ss_sp == stackMemory && current.ss_size == sizeof stackMemory;
  };
  EXPECT_EXIT(std::_Exit(stateSurvives() ? 42 : 1), ::testing::ExitedWithCode(42), "");
}

// Only LLVM's handlers are put back: a handler someone else installs while
// LLVM runs (the runtime's fault handler, when an instance is created on
// another thread during a compile) stays.
TEST(CodegenLinkDeathTest, HandlersInstalledMeanwhileByOthersStay) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto survives = [] {
    {
      const PreservedSignalState guard;
      struct sigaction action {};
      action.sa_handler = applicationHandler;
      sigemptyset(&action.sa_mask);
      ::sigaction(SIGUSR2, &action, nullptr);
    }
    struct sigaction current {};
    ::sigaction(SIGUSR2, nullptr, &current);
    return current.sa_handler == applicationHandler;
  };
  EXPECT_EXIT(std::_Exit(survives() ? 42 : 1), ::testing::ExitedWithCode(42), "");
}

TEST(CodegenLink, LinksSeveralTimesInARow) {
  TemporaryDirectory directory;
  std::vector<std::vector<char>> objects = {arithmeticObject()};
  for (int i = 0; i < 3; ++i) {
    fs::path library = directory.path() / ("again" + std::to_string(i) + ".so");
    linkSharedLibrary(objects, library);
    LoadedLibrary loaded(library);
    EXPECT_EQ(loaded.function<BinaryFunction>("add")(40, i), 40 + i);
  }
}

TEST(CodegenLink, LinksSeveralObjectsIntoOneLibrary) {
  // The shape of a partitioned module: one object per partition, one link.
  llvm::LLVMContext context;
  llvm::Module first("first", context), second("second", context);
  test::addBinaryFunction(first, "add", llvm::Instruction::Add);
  test::addBinaryFunction(second, "mul", llvm::Instruction::Mul);
  std::vector<std::vector<char>> objects = {test::hostObject(first), test::hostObject(second)};
  TemporaryDirectory directory;
  linkSharedLibrary(objects, directory.path() / "parts.so");
  LoadedLibrary loaded(directory.path() / "parts.so");
  EXPECT_EQ(loaded.function<BinaryFunction>("add")(6, 7), 13);
  EXPECT_EQ(loaded.function<BinaryFunction>("mul")(6, 7), 42);
}

TEST(CodegenLink, ExportListHidesEveryOtherSymbol) {
  TemporaryDirectory directory;
  fs::path library = directory.path() / "exports.so";
  std::vector<std::vector<char>> objects = {arithmeticObject(/*withSub=*/true)};
  LinkOptions options;
  options.exportedSymbols = {"add"};
  linkSharedLibrary(objects, library, options);
  LoadedLibrary loaded(library);
  ASSERT_NE(loaded.symbol("add"), nullptr);
  EXPECT_EQ(loaded.function<BinaryFunction>("add")(1, 2), 3);
  EXPECT_EQ(loaded.symbol("sub"), nullptr);
}

TEST(CodegenLink, MissingExportedSymbolFailsTheLink) {
  TemporaryDirectory directory;
  fs::path library = directory.path() / "missing.so";
  std::vector<std::vector<char>> objects = {arithmeticObject()};
  LinkOptions options;
  options.exportedSymbols = {"waot_artifact_v1"};
  std::string message = errorMessage([&] { linkSharedLibrary(objects, library, options); });
  EXPECT_EQ(message.rfind("link failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("waot_artifact_v1"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(library));
}

TEST(CodegenLink, BadInputFailsCleanlyAndTheLinkerStaysUsable) {
  TemporaryDirectory directory;
  std::string garbage = "this is not an ELF object";
  std::vector<std::vector<char>> bad = {std::vector<char>(garbage.begin(), garbage.end())};
  std::string message = errorMessage([&] { linkSharedLibrary(bad, directory.path() / "bad.so"); });
  EXPECT_EQ(message.rfind("link failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("part0.o"), std::string::npos) << message;

  std::vector<std::vector<char>> good = {arithmeticObject()};
  linkSharedLibrary(good, directory.path() / "good.so");
  LoadedLibrary loaded(directory.path() / "good.so");
  EXPECT_EQ(loaded.function<BinaryFunction>("add")(20, 22), 42);
}

TEST(CodegenLink, NoObjectsIsAnError) {
  TemporaryDirectory directory;
  EXPECT_EQ(errorMessage([&] { linkSharedLibrary({}, directory.path() / "none.so"); }),
            "link failed: no object files to link");
}

TEST(CodegenLink, LibcallsAreLeftToTheDynamicLoader) {
  // frem has no x86 instruction: the back end calls fmod from the C library.
  llvm::LLVMContext context;
  llvm::Module module("libcall", context);
  llvm::Type *f64 = llvm::Type::getDoubleTy(context);
  auto *function = llvm::Function::Create(llvm::FunctionType::get(f64, {f64, f64}, false),
                                          llvm::Function::ExternalLinkage, "remainder_of", module);
  llvm::IRBuilder<> builder(llvm::BasicBlock::Create(context, "entry", function));
  builder.CreateRet(builder.CreateFRem(function->getArg(0), function->getArg(1)));
  std::vector<std::vector<char>> objects = {test::hostObject(module)};

  TemporaryDirectory directory;
  linkSharedLibrary(objects, directory.path() / "libcall.so");
  LoadedLibrary loaded(directory.path() / "libcall.so");
  auto remainderOf = loaded.function<double (*)(double, double)>("remainder_of");
  ASSERT_NE(remainderOf, nullptr);
  EXPECT_EQ(remainderOf(7.5, 2.0), 1.5);
  EXPECT_EQ(remainderOf(-7.5, 2.0), -1.5);
}

TEST(CodegenLink, ConcurrentLinksAreSerializedAndAllSucceed) {
  std::vector<std::vector<char>> objects = {arithmeticObject()};
  TemporaryDirectory directory;
  std::vector<std::string> failures(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < failures.size(); ++i)
    threads.emplace_back([&, i] {
      failures[i] = errorMessage([&] {
        linkSharedLibrary(objects, directory.path() / ("thread" + std::to_string(i) + ".so"));
      });
    });
  for (std::thread &thread : threads)
    thread.join();
  for (std::size_t i = 0; i < failures.size(); ++i) {
    EXPECT_EQ(failures[i], "<no error>");
    LoadedLibrary loaded(directory.path() / ("thread" + std::to_string(i) + ".so"));
    EXPECT_EQ(loaded.function<BinaryFunction>("add")(static_cast<int32_t>(i), 1),
              static_cast<int32_t>(i) + 1);
  }
}

// An ELF header promising sections past the end of the file makes lld call
// fatal(), which without crash recovery would _exit() the process. Run in a
// child process: afterwards lld refuses to run again in that process.
TEST(CodegenLinkDeathTest, FatalLinkerErrorIsReportedWithoutEndingTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // Runs in the child; returns whether the messages are the expected ones.
  auto linkAfterFatalError = [] {
    TemporaryDirectory directory; // destroyed before _Exit, which skips destructors
    std::vector<char> truncated = arithmeticObject();
    truncated.resize(64); // just the ELF header
    std::vector<std::vector<char>> bad = {truncated};
    std::vector<std::vector<char>> good = {arithmeticObject()};
    std::string first = errorMessage([&] { linkSharedLibrary(bad, directory.path() / "a.so"); });
    std::string second = errorMessage([&] { linkSharedLibrary(good, directory.path() / "b.so"); });
    std::fprintf(stderr, "first: %s\nsecond: %s\n", first.c_str(), second.c_str());
    return first.rfind("link failed: ", 0) == 0 && first.find("part0.o") != std::string::npos &&
           second == "link failed: the in-process linker cannot run again in this process "
                     "after an earlier fatal error";
  };
  EXPECT_EXIT(std::_Exit(linkAfterFatalError() ? 42 : 1), ::testing::ExitedWithCode(42),
              "first: link failed: .*part0.o");
}

// The link flags show up in the ELF file: DT_SONAME, BIND_NOW, RELRO, a
// non-executable stack, only a GNU hash table and no build id.
TEST(CodegenLink, SharedLibraryHasTheRequestedProperties) {
  TemporaryDirectory directory;
  fs::path path = directory.path() / "props.so";
  std::vector<std::vector<char>> objects = {arithmeticObject()};
  LinkOptions options;
  options.soname = "props-soname.so";
  linkSharedLibrary(objects, path, options);
  std::vector<std::uint8_t> bytes = readFileBytes(path);

  auto file = llvm::object::ELF64LEFile::create(
      llvm::StringRef(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
  ASSERT_TRUE(static_cast<bool>(file));
  EXPECT_EQ(file->getHeader().e_type, llvm::ELF::ET_DYN);

  auto headers = file->program_headers();
  ASSERT_TRUE(static_cast<bool>(headers));
  bool relro = false, stack = false, note = false;
  for (const auto &header : *headers) {
    relro |= header.p_type == llvm::ELF::PT_GNU_RELRO;
    note |= header.p_type == llvm::ELF::PT_NOTE;
    if (header.p_type == llvm::ELF::PT_GNU_STACK) {
      stack = true;
      EXPECT_EQ(header.p_flags & llvm::ELF::PF_X, 0u) << "stack must not be executable";
    }
  }
  EXPECT_TRUE(relro);
  EXPECT_TRUE(stack);
  EXPECT_FALSE(note) << "--build-id=none: no note segment";

  auto entries = file->dynamicEntries();
  ASSERT_TRUE(static_cast<bool>(entries));
  bool soname = false, gnuHash = false, sysvHash = false, bindNow = false;
  for (const auto &entry : *entries) {
    soname |= entry.d_tag == llvm::ELF::DT_SONAME;
    gnuHash |= entry.d_tag == llvm::ELF::DT_GNU_HASH;
    sysvHash |= entry.d_tag == llvm::ELF::DT_HASH;
    bindNow |= entry.d_tag == llvm::ELF::DT_FLAGS && (entry.d_un.d_val & llvm::ELF::DF_BIND_NOW);
  }
  EXPECT_TRUE(soname);
  EXPECT_TRUE(gnuHash);
  EXPECT_FALSE(sysvHash);
  EXPECT_TRUE(bindNow);
  std::string text(bytes.begin(), bytes.end());
  EXPECT_NE(text.find("props-soname.so"), std::string::npos);
}

} // namespace
} // namespace waot::codegen
