// `waot compile --emit=object --name NAME --header NAME.h`: the link name,
// its default, the header, determinism and the usage errors.
#include "cli_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>

namespace waot::test {
namespace {

using ::testing::HasSubstr;

const std::string kFac = std::string(WAOT_EXAMPLES_DIR) + "/fac.wasm";

std::string readText(const std::filesystem::path &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::vector<unsigned char> &bytes, const std::string &text) {
  return std::search(bytes.begin(), bytes.end(), text.begin(), text.end()) != bytes.end();
}

TEST(LinkedObject, NameAndHeader) {
  ScratchDir dir;
  auto result = runWaot({"compile", kFac, "--emit=object", "-o", (dir / "f.o").string(), "--name",
                         "factorial", "--header", (dir / "f.h").string()});
  ASSERT_EQ(result.exitCode, 0) << result.err;
  const auto object = readBytes(dir / "f.o");
  EXPECT_TRUE(contains(object, "waot_module_factorial"));
  EXPECT_TRUE(contains(object, "waot_code_factorial"));
  EXPECT_FALSE(contains(object, "waot_artifact_v1"));
  const std::string header = readText(dir / "f.h");
  EXPECT_THAT(header, HasSubstr("extern const struct waot_artifact waot_module_factorial;"));
  EXPECT_THAT(header, HasSubstr("namespace waot::linked::factorial {"));
  EXPECT_THAT(header, HasSubstr("waot::TypedFunction<int64_t(int64_t)> fac; // \"fac\""));
  EXPECT_THAT(header, HasSubstr("static inline waot_status factorial_fac(const "
                                "factorial_instance_t *instance, int64_t p0, int64_t *r0)"));
}

TEST(LinkedObject, TheDefaultNameComesFromTheInputFile) {
  ScratchDir dir;
  const auto input = dir / "my-fac.v2.wasm";
  std::filesystem::copy_file(kFac, input);
  auto result = runWaot({"compile", input.string(), "--emit=object", "-o", (dir / "out.o").string(),
                         "--header", (dir / "out.h").string()});
  ASSERT_EQ(result.exitCode, 0) << result.err;
  EXPECT_TRUE(contains(readBytes(dir / "out.o"), "waot_module_my_fac"));
  EXPECT_THAT(readText(dir / "out.h"), HasSubstr("namespace waot::linked::my_fac {"));
}

TEST(LinkedObject, OutputIsDeterministic) {
  ScratchDir dir;
  for (const char *run : {"1", "2"}) {
    auto result = runWaot({"compile", kFac, "--emit=object", "-o", (dir / run).string() + ".o",
                           "--header", (dir / run).string() + ".h", "--name", "fac"});
    ASSERT_EQ(result.exitCode, 0) << result.err;
  }
  EXPECT_EQ(readBytes(dir / "1.o"), readBytes(dir / "2.o"));
  EXPECT_EQ(readText(dir / "1.h"), readText(dir / "2.h"));
}

TEST(LinkedObject, UsageErrors) {
  ScratchDir dir;
  const std::string out = (dir / "x.o").string();
  for (const char *bad : {"1abc", "a-b", "has space", ""}) {
    auto result = runWaot({"compile", kFac, "--emit=object", "-o", out, "--name", bad});
    EXPECT_EQ(result.exitCode, 2) << bad;
    EXPECT_THAT(result.err, HasSubstr("C identifier")) << bad;
  }
  auto shared = runWaot({"compile", kFac, "-o", (dir / "x.so").string(), "--name", "fac"});
  EXPECT_EQ(shared.exitCode, 2);
  EXPECT_THAT(shared.err, HasSubstr("--emit=object"));
  auto header = runWaot({"compile", kFac, "-o", (dir / "x.so").string(), "--header", "x.h"});
  EXPECT_EQ(header.exitCode, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.so"));
}

} // namespace
} // namespace waot::test
