// partitionModule() and lowerModulePart(): how a large module is split into
// parts that are compiled separately, and what each part's LLVM module holds.
#include "decode_test_builder.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/frontend/decoder.hpp"
#include "waot/frontend/lower.hpp"

#include <gtest/gtest.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <set>
#include <string>

namespace waot::frontend {
namespace {

using test::Bytes;
using test::cat;
using test::kI32;
using test::sleb;
using test::uleb;

constexpr const char *kX86_64DataLayout =
    "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";
constexpr std::uint64_t KiB = 1024;

// A module of `bodySizes.size()` defined functions whose bodies span the given
// numbers of bytes. Only the offsets matter to partitionModule().
Module moduleWithBodySizes(const std::vector<std::uint64_t> &bodySizes) {
  // Real bodies (no locals, nops, `end`): partitioning also reads the code to
  // find which functions other parts call.
  Module m;
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(100, 0);
  for (std::uint64_t size : bodySizes) {
    FunctionBody body;
    body.bodyOffset = bytes->size();
    body.codeOffset = body.bodyOffset + 1;
    body.endOffset = body.bodyOffset + size;
    bytes->push_back(0x00);                  // no local declarations
    bytes->resize(body.endOffset - 1, 0x01); // nop ...
    bytes->push_back(test::kEnd);
    m.bodies.push_back(body);
    m.functionTypes.push_back(0);
  }
  m.bytes = std::move(bytes);
  return m;
}

// A validated module of `count` functions (i32) -> i32: function i adds
// `padding` constants to its argument and, for i > 0, passes the sum to
// function i - 1. Exported: the last function, as "run".
Module chainModule(std::uint32_t count, std::uint32_t padding) {
  test::ModuleBuilder builder;
  const std::uint32_t type = builder.addType({kI32}, {kI32});
  for (std::uint32_t i = 0; i < count; ++i) {
    Bytes code = {0x20, 0x00}; // local.get 0
    for (std::uint32_t p = 0; p < padding; ++p)
      code = cat({code, {0x41}, sleb(static_cast<std::int32_t>(i * 7 + p)), {0x6A}}); // +const
    if (i > 0) code = cat({code, {0x10}, uleb(i - 1)});                               // call
    code.push_back(test::kEnd);
    builder.addFunction(type, code);
  }
  builder.exports.push_back(cat({test::name("run"), {0x00}, uleb(count - 1)}));
  return decodeAndValidate(builder.build());
}

std::uint64_t totalCodeBytes(const Module &m) {
  std::uint64_t total = 0;
  for (const FunctionBody &body : m.bodies)
    total += body.endOffset - body.bodyOffset;
  return total;
}

// Checks the invariants every partition has: function parts cover the
// defined functions in order without gaps, exactly one part (the last)
// carries the artifact, and the cost estimates add up.
void expectWellFormed(const Module &m, const ModulePartition &partition) {
  ASSERT_FALSE(partition.parts.empty());
  std::uint32_t next = 0;
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < partition.parts.size(); ++i) {
    const ModulePart &part = partition.parts[i];
    EXPECT_EQ(part.firstDefined, next) << "part " << i;
    EXPECT_LE(part.firstDefined, part.endDefined) << "part " << i;
    EXPECT_EQ(part.carriesArtifact, i + 1 == partition.parts.size()) << "part " << i;
    if (partition.isSplit() && !part.carriesArtifact) {
      EXPECT_LT(part.firstDefined, part.endDefined) << "function part " << i << " is empty";
    }
    next = part.endDefined;
    bytes += part.codeBytes;
  }
  EXPECT_EQ(next, m.numDefinedFunctions());
  EXPECT_EQ(bytes, totalCodeBytes(m));
  if (partition.isSplit()) {
    EXPECT_EQ(partition.parts.back().firstDefined, partition.parts.back().endDefined)
        << "the artifact part of a split module holds no bodies";
    EXPECT_GE(partition.parts.size(), 3u) << "a split module has two function parts or more";
  }
}

TEST(PartitionModule, SmallModulesStayInOnePart) {
  const Module m = chainModule(50, 4);
  const ModulePartition partition = partitionModule(m);
  expectWellFormed(m, partition);
  ASSERT_EQ(partition.parts.size(), 1u);
  EXPECT_FALSE(partition.isSplit());
  EXPECT_EQ(partition.parts[0].endDefined, 50u);
  EXPECT_TRUE(partition.parts[0].carriesArtifact);
}

TEST(PartitionModule, CodeForLessThanTwoPartsIsNotSplit) {
  const Module m = moduleWithBodySizes(std::vector<std::uint64_t>(70, 10 * KiB));
  const ModulePartition partition = partitionModule(m, 512 * KiB);
  expectWellFormed(m, partition);
  EXPECT_EQ(partition.parts.size(), 1u);
  // Twice the part size is enough for two parts.
  EXPECT_EQ(partitionModule(m, 350 * KiB).parts.size(), 3u);
}

TEST(PartitionModule, TheDefaultSplitsFromTwoPartsOfCode) {
  const std::uint64_t twoParts = 2 * kDefaultPartCodeBytes;
  const Module whole =
      moduleWithBodySizes({twoParts / 4, twoParts / 4, twoParts / 4, twoParts / 4 - 1});
  EXPECT_EQ(partitionModule(whole).parts.size(), 1u);
  const Module split =
      moduleWithBodySizes({twoParts / 4, twoParts / 4, twoParts / 4, twoParts / 4});
  EXPECT_EQ(partitionModule(split).parts.size(), 3u);
}

TEST(PartitionModule, OneFunctionWithNearlyAllTheCodeIsNotSplit) {
  // The huge body fills the first part; the rest is too small for a second.
  const Module m = moduleWithBodySizes({900 * KiB, 10 * KiB, 10 * KiB});
  const ModulePartition partition = partitionModule(m, 100 * KiB);
  expectWellFormed(m, partition);
  EXPECT_EQ(partition.parts.size(), 1u);
}

TEST(PartitionModule, LargeModulesSplitIntoRunsOfTheTargetSize) {
  const Module m = moduleWithBodySizes(std::vector<std::uint64_t>(100, 10 * KiB));
  const ModulePartition partition = partitionModule(m, 256 * KiB);
  expectWellFormed(m, partition);
  // 26 bodies reach 256 KiB: parts [0,26) [26,52) [52,78), then 22 bodies
  // (220 KiB, more than half a part) form a part of their own.
  ASSERT_EQ(partition.parts.size(), 5u);
  EXPECT_EQ(partition.parts[0].endDefined, 26u);
  EXPECT_EQ(partition.parts[1].endDefined, 52u);
  EXPECT_EQ(partition.parts[2].endDefined, 78u);
  EXPECT_EQ(partition.parts[3].endDefined, 100u);
  EXPECT_EQ(partition.parts[3].codeBytes, 220 * KiB);
}

TEST(PartitionModule, ASmallRemainderJoinsThePreviousPart) {
  // 3 x 100 KiB fill a part each; the last 40 KiB join the third part.
  const Module m = moduleWithBodySizes({100 * KiB, 100 * KiB, 100 * KiB, 40 * KiB});
  const ModulePartition partition = partitionModule(m, 100 * KiB);
  expectWellFormed(m, partition);
  ASSERT_EQ(partition.parts.size(), 4u);
  EXPECT_EQ(partition.parts[2].firstDefined, 2u);
  EXPECT_EQ(partition.parts[2].endDefined, 4u);
  EXPECT_EQ(partition.parts[2].codeBytes, 140 * KiB);
}

TEST(PartitionModule, AFunctionLargerThanAPartEndsItsPart) {
  const Module m = moduleWithBodySizes({10 * KiB, 900 * KiB, 10 * KiB, 95 * KiB});
  const ModulePartition partition = partitionModule(m, 100 * KiB);
  expectWellFormed(m, partition);
  ASSERT_EQ(partition.parts.size(), 3u);
  EXPECT_EQ(partition.parts[0].endDefined, 2u); // the small first body and the huge one
  EXPECT_EQ(partition.parts[1].endDefined, 4u);
}

TEST(PartitionModule, ModulesWithoutFunctionsHaveOnePart) {
  const Module m = moduleWithBodySizes({});
  const ModulePartition partition = partitionModule(m, 1);
  expectWellFormed(m, partition);
  EXPECT_EQ(partition.parts.size(), 1u);
}

TEST(PartitionModule, ATargetSizeOfZeroIsAnError) {
  EXPECT_THROW(partitionModule(moduleWithBodySizes({10}), 0), Error);
}

class LowerModulePart : public ::testing::Test {
protected:
  std::unique_ptr<llvm::Module> lowerPart(const ModulePartition &partition, std::size_t part) {
    LowerOptions options;
    options.targetTriple = "x86_64-unknown-linux-gnu";
    auto module = lowerModulePart(wasm, partition, part, context,
                                  llvm::DataLayout(kX86_64DataLayout), options);
    std::string problems;
    llvm::raw_string_ostream out(problems);
    EXPECT_FALSE(llvm::verifyModule(*module, &out)) << problems;
    return module;
  }

  static std::string print(const llvm::Module &module) {
    std::string text;
    llvm::raw_string_ostream out(text);
    module.print(out, nullptr);
    return text;
  }

  // 40 chained functions of ~50 bytes each.
  Module wasm = chainModule(40, 8);
  llvm::LLVMContext context;
};

TEST_F(LowerModulePart, EachPartDefinesItsFunctionsAndDeclaresItsCallees) {
  const ModulePartition partition = partitionModule(wasm, 400);
  expectWellFormed(wasm, partition);
  ASSERT_GE(partition.parts.size(), 4u);

  std::set<std::string> definedNames;
  for (std::size_t p = 0; p + 1 < partition.parts.size(); ++p) {
    const ModulePart &part = partition.parts[p];
    auto module = lowerPart(partition, p);
    EXPECT_EQ(module->getModuleIdentifier(), "wasm.part" + std::to_string(p));
    EXPECT_EQ(module->getNamedGlobal(WAOT_ARTIFACT_SYMBOL), nullptr) << "part " << p;
    std::set<std::string> defined, declared;
    for (const llvm::Function &function : *module) {
      const std::string name = function.getName().str();
      // Shared between the parts' objects (never exported from the library):
      // the last function of a part, which the next part's first one calls,
      // and the exported f39, whose address the artifact part records. The
      // others are internal to their part.
      const bool shared = name == "waot_f" + std::to_string(part.endDefined - 1) ||
                          name == "waot_f39" || function.isDeclaration();
      EXPECT_EQ(function.hasExternalLinkage(), shared) << name;
      EXPECT_EQ(function.hasInternalLinkage(), !shared) << name;
      if (shared) {
        EXPECT_TRUE(function.hasHiddenVisibility()) << name;
        EXPECT_TRUE(function.isDSOLocal()) << name;
      }
      (function.isDeclaration() ? declared : defined).insert(name);
    }
    std::set<std::string> expectedDefined;
    for (std::uint32_t d = part.firstDefined; d < part.endDefined; ++d)
      expectedDefined.insert("waot_f" + std::to_string(d));
    EXPECT_EQ(defined, expectedDefined) << "part " << p;
    // Only the function that the part's first function calls lives elsewhere.
    const std::set<std::string> expectedDeclared =
        p == 0 ? std::set<std::string>{}
               : std::set<std::string>{"waot_f" + std::to_string(part.firstDefined - 1)};
    EXPECT_EQ(declared, expectedDeclared) << "part " << p;
    definedNames.insert(defined.begin(), defined.end());
  }
  EXPECT_EQ(definedNames.size(), wasm.numDefinedFunctions()) << "every function defined once";
}

// The descriptor records the code address of the functions a reference can
// name (here only the exported last one); the others are only called directly.
TEST_F(LowerModulePart, TheArtifactPartRefersToTheFunctionsReferencesCanName) {
  const ModulePartition partition = partitionModule(wasm, 400);
  ASSERT_TRUE(partition.isSplit());
  auto module = lowerPart(partition, partition.parts.size() - 1);
  ASSERT_NE(module->getNamedGlobal(WAOT_ARTIFACT_SYMBOL), nullptr);
  std::set<std::string> declaredWasmFunctions;
  for (const llvm::Function &function : *module) {
    if (function.getName().starts_with("waot_f")) {
      EXPECT_TRUE(function.isDeclaration()) << function.getName().str();
      EXPECT_TRUE(function.hasHiddenVisibility()) << function.getName().str();
      declaredWasmFunctions.insert(function.getName().str());
    } else {
      // Trampolines are only used by this part's descriptor.
      EXPECT_FALSE(function.isDeclaration()) << function.getName().str();
      EXPECT_TRUE(function.hasInternalLinkage()) << function.getName().str();
    }
  }
  EXPECT_EQ(declaredWasmFunctions, std::set<std::string>{"waot_f39"});
}

TEST_F(LowerModulePart, LoweringOnePartIsLowerModule) {
  const ModulePartition partition = partitionModule(wasm);
  ASSERT_FALSE(partition.isSplit());
  const std::string whole = print(*lowerPart(partition, 0));
  llvm::LLVMContext otherContext;
  LowerOptions options;
  options.targetTriple = "x86_64-unknown-linux-gnu";
  const std::string expected =
      print(*lowerModule(wasm, otherContext, llvm::DataLayout(kX86_64DataLayout), options));
  EXPECT_EQ(whole, expected);
  EXPECT_NE(whole.find("define internal i32 @waot_f0("), std::string::npos) << whole;
}

TEST_F(LowerModulePart, LoweringTheSamePartTwiceGivesTheSameIR) {
  const ModulePartition partition = partitionModule(wasm, 400);
  for (std::size_t p = 0; p < partition.parts.size(); ++p) {
    llvm::LLVMContext otherContext;
    LowerOptions options;
    options.targetTriple = "x86_64-unknown-linux-gnu";
    auto again = lowerModulePart(wasm, partition, p, otherContext,
                                 llvm::DataLayout(kX86_64DataLayout), options);
    EXPECT_EQ(print(*lowerPart(partition, p)), print(*again)) << "part " << p;
  }
}

TEST_F(LowerModulePart, PartsOutsideThePartitionAreErrors) {
  const ModulePartition partition = partitionModule(wasm, 400);
  EXPECT_THROW(lowerPart(partition, partition.parts.size()), Error);
  ModulePartition tooLong = partition;
  tooLong.parts.front().endDefined = wasm.numDefinedFunctions() + 1;
  EXPECT_THROW(lowerPart(tooLong, 0), Error);
}

} // namespace
} // namespace waot::frontend
