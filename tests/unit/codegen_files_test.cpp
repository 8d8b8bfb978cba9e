// Scratch directories and atomic output writing.
#include "codegen_test_support.hpp"

#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <sys/stat.h>

namespace waot::codegen {
namespace {

namespace fs = std::filesystem;

std::string readText(const fs::path &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> directoryEntries(const fs::path &directory) {
  std::vector<std::string> names;
  for (const auto &entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CodegenFiles, TemporaryDirectoryIsPrivateAndRemovedWithItsContents) {
  fs::path path;
  {
    TemporaryDirectory directory;
    path = directory.path();
    ASSERT_TRUE(fs::is_directory(path));
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_all);
    writeFile(path / "inside.o", std::string("data"));
    fs::create_directory(path / "nested");
    writeFile(path / "nested" / "deeper", std::string("more"));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(CodegenFiles, TemporaryDirectoriesAreUnique) {
  TemporaryDirectory first, second;
  EXPECT_NE(first.path(), second.path());
}

TEST(CodegenFiles, AtomicWriteCreatesAndReplaces) {
  TemporaryDirectory directory;
  fs::path output = directory.path() / "out.bin";
  writeFileAtomically(output, std::string("first version"));
  EXPECT_EQ(readText(output), "first version");
  writeFileAtomically(output, std::string("second"));
  EXPECT_EQ(readText(output), "second");
  EXPECT_EQ(directoryEntries(directory.path()), std::vector<std::string>{"out.bin"})
      << "no temporary file may be left behind";
}

TEST(CodegenFiles, AtomicWriteAppliesPermissionsMinusUmask) {
  TemporaryDirectory directory;
  mode_t mask = ::umask(022); // the test owns the process: read the mask by setting it
  ::umask(mask);
  fs::path output = directory.path() / "lib.so";
  writeFileAtomically(output, std::string("x"), fs::perms(0755));
  EXPECT_EQ(static_cast<unsigned>(fs::status(output).permissions() & fs::perms::all),
            0755u & ~static_cast<unsigned>(mask));
}

TEST(CodegenFiles, FailedAtomicWriteLeavesTheTargetAndDirectoryUntouched) {
  TemporaryDirectory directory;
  // Replacing a non-empty directory fails at rename, after the data was written.
  fs::path blocked = directory.path() / "blocked";
  fs::create_directory(blocked);
  writeFile(blocked / "keep", std::string("kept"));
  EXPECT_THROW(writeFileAtomically(blocked, std::string("new data")), waot::Error);
  EXPECT_EQ(readText(blocked / "keep"), "kept");
  EXPECT_EQ(directoryEntries(directory.path()), std::vector<std::string>{"blocked"});

  // A missing parent directory fails up front, naming the output.
  fs::path nowhere = directory.path() / "missing" / "out.so";
  try {
    writeFileAtomically(nowhere, std::string("data"));
    FAIL() << "expected an error";
  } catch (const waot::Error &error) {
    EXPECT_NE(std::string(error.what()).find(nowhere.string()), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(directory.path() / "missing"));
}

TEST(CodegenFiles, ReadsBackWhatWasWritten) {
  TemporaryDirectory directory;
  std::string data("\0\x01\x02binary\xff", 10);
  writeFile(directory.path() / "data", data);
  std::vector<std::uint8_t> bytes = readFileBytes(directory.path() / "data");
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), data);
  EXPECT_THROW(readFileBytes(directory.path() / "absent"), waot::Error);
}

} // namespace
} // namespace waot::codegen
