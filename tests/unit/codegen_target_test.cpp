// Target selection and TargetMachine configuration.
#include "codegen_test_support.hpp"

#include "waot/errors.hpp"

#include <gtest/gtest.h>

#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

namespace waot::codegen {
namespace {

using test::hostTarget;

std::string errorMessage(const auto &action) {
  try {
    action();
  } catch (const waot::Error &error) {
    return error.what();
  }
  return "<no error>";
}

bool hostIsX86_64() {
  return llvm::Triple(llvm::sys::getProcessTriple()).getArch() == llvm::Triple::x86_64;
}

TEST(CodegenTarget, EmptyTripleIsTheDefaultTriple) {
  EXPECT_EQ(resolvedTargetTriple({}), llvm::Triple::normalize(llvm::sys::getDefaultTargetTriple()));
}

TEST(CodegenTarget, ExplicitTripleIsNormalized) {
  CompileOptions options;
  options.targetTriple = "x86_64-linux-gnu";
  EXPECT_EQ(resolvedTargetTriple(options), "x86_64-unknown-linux-gnu");
}

TEST(CodegenTarget, UnknownTripleIsACleanError) {
  CompileOptions options;
  options.targetTriple = "xyz";
  EXPECT_EQ(errorMessage([&] { resolvedTargetTriple(options); }), "unknown target triple 'xyz'");
  options.targetTriple = "nonsense-arch-linux-gnu";
  EXPECT_EQ(errorMessage([&] { selectTarget(options); }),
            "unknown target triple 'nonsense-arch-linux-gnu'");
}

TEST(CodegenTarget, HostCpuComesWithDetectedFeatures) {
  TargetSelection target = hostTarget();
  EXPECT_EQ(target.cpu, llvm::sys::getHostCPUName().str());
  ASSERT_FALSE(target.features.empty());
  // Every entry is signed, and the list is sorted by name (deterministic artifacts).
  std::vector<std::string> names;
  llvm::StringRef rest = target.features;
  while (!rest.empty()) {
    auto [item, tail] = rest.split(',');
    rest = tail;
    ASSERT_TRUE(item.starts_with("+") || item.starts_with("-")) << item.str();
    names.push_back(item.drop_front().str());
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  if (hostIsX86_64()) {
    EXPECT_NE(target.features.find("+sse2"), std::string::npos);
  }
}

TEST(CodegenTarget, GenericCpuHasNoExtraFeatures) {
  CompileOptions options;
  options.cpu = "generic";
  TargetSelection target = selectTarget(options);
  EXPECT_EQ(target.cpu, "generic");
  EXPECT_EQ(target.features, "");
}

TEST(CodegenTarget, ForeignArchitectureDefaultsToGeneric) {
  CompileOptions options;
  options.targetTriple = hostIsX86_64() ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  TargetSelection target = selectTarget(options);
  EXPECT_EQ(target.cpu, "generic");
  EXPECT_EQ(target.features, "");
}

TEST(CodegenTarget, UserFeaturesAreCheckedAndNormalized) {
  if (!hostIsX86_64()) GTEST_SKIP() << "uses x86 feature names";
  CompileOptions options;
  options.cpu = "generic";
  options.features = "avx2, -sse4.1,,+popcnt";
  EXPECT_EQ(selectTarget(options).features, "+avx2,-sse4.1,+popcnt");

  options.features = "+avx2,+notafeature";
  EXPECT_EQ(errorMessage([&] { selectTarget(options); }),
            "unknown target feature 'notafeature' for " + resolvedTargetTriple({}));
}

TEST(CodegenTarget, UserFeaturesOverrideHostFeatures) {
  if (!hostIsX86_64()) GTEST_SKIP() << "uses x86 feature names";
  CompileOptions options;
  options.features = "-avx";
  std::string features = selectTarget(options).features;
  ASSERT_GT(features.size(), 5u);
  EXPECT_EQ(features.substr(features.size() - 5), ",-avx");
}

TEST(CodegenTarget, UnknownCpuIsRejected) {
  CompileOptions options;
  options.cpu = "pentium9000";
  EXPECT_EQ(errorMessage([&] { selectTarget(options); }),
            "unknown CPU 'pentium9000' for target " + resolvedTargetTriple({}));
}

TEST(CodegenTarget, OptimizationLevelIsBounded) {
  EXPECT_EQ(errorMessage([] { checkOptLevel(4); }),
            "invalid optimization level 4 (expected 0 to 3)");
  EXPECT_EQ(errorMessage([] { test::machineFor(hostTarget(), 7); }),
            "invalid optimization level 7 (expected 0 to 3)");
  EXPECT_EQ(errorMessage([] { checkOptLevel(3); }), "<no error>");
}

TEST(CodegenTarget, MachineIsPositionIndependentAndIeeeExact) {
  const llvm::CodeGenOptLevel expected[] = {
      llvm::CodeGenOptLevel::None, llvm::CodeGenOptLevel::Less, llvm::CodeGenOptLevel::Default,
      llvm::CodeGenOptLevel::Aggressive};
  TargetSelection target = hostTarget();
  for (unsigned level = 0; level <= 3; ++level) {
    auto machine = test::machineFor(target, level);
    EXPECT_EQ(machine->getOptLevel(), expected[level]);
    EXPECT_EQ(machine->getRelocationModel(), llvm::Reloc::PIC_);
    EXPECT_EQ(machine->Options.AllowFPOpFusion, llvm::FPOpFusion::Strict);
    EXPECT_FALSE(machine->Options.UnsafeFPMath);
    EXPECT_FALSE(machine->Options.NoNaNsFPMath);
    EXPECT_FALSE(machine->Options.NoInfsFPMath);
    EXPECT_FALSE(machine->Options.NoSignedZerosFPMath);
    EXPECT_EQ(machine->Options.getRawFPDenormalMode(), llvm::DenormalMode::getIEEE());
    EXPECT_EQ(machine->Options.getRawFP32DenormalMode(), llvm::DenormalMode::getIEEE());
    EXPECT_EQ(machine->getTargetCPU().str(), target.cpu);
    EXPECT_EQ(machine->getTargetFeatureString().str(), target.features);
  }
}

TEST(CodegenTarget, BindingSetsTripleAndDataLayout) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  auto machine = test::machineFor(hostTarget());
  bindModuleToTarget(*module, *machine);
  EXPECT_EQ(module->getTargetTriple(), machine->getTargetTriple().str());
  EXPECT_EQ(module->getDataLayout(), machine->createDataLayout());
}

TEST(CodegenTarget, BindingRejectsAModuleLaidOutForAnotherTarget) {
  llvm::LLVMContext context;
  auto module = test::makeArithmeticModule(context);
  module->setDataLayout("e-p:32:32-i64:64-n32-S128"); // a 32-bit layout
  auto machine = test::machineFor(hostTarget());
  EXPECT_NE(errorMessage([&] {
              bindModuleToTarget(*module, *machine);
            }).find("internal compiler error: module data layout"),
            std::string::npos);
}

} // namespace
} // namespace waot::codegen
