// DropRedundantKeepAlivesPass on hand-written IR shaped like the frontend's
// output after optimization: which keep-alive uses of loads it drops, which
// it must keep, and what happens to the load sums.
#include "inert_asm.hpp"
#include "redundant_keep_alive.hpp"

#include <gtest/gtest.h>

#include <llvm/AsmParser/Parser.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/raw_ostream.h>

#include <memory>
#include <regex>
#include <string>

namespace waot::codegen {
namespace {

// Parses `body` as the function @f(ptr %memory, i32 %index, ...) and runs the
// two keep-alive cleanup passes on it, as at the end of the pipeline.
class KeepAliveCleanup : public ::testing::Test {
protected:
  llvm::Function &run(const std::string &ir) {
    llvm::SMDiagnostic error;
    module_ = llvm::parseAssemblyString(ir, error, context_);
    if (module_ == nullptr) throw std::runtime_error("unparsable IR: " + error.getMessage().str());
    llvm::Function &function = *module_->getFunction("f");
    llvm::FunctionAnalysisManager analyses;
    DropRedundantKeepAlivesPass().run(function, analyses);
    DropInertAsmPass().run(function, analyses);
    std::string problems;
    llvm::raw_string_ostream stream(problems);
    EXPECT_FALSE(llvm::verifyFunction(function, &stream)) << problems;
    return function;
  }

  // How many keep-alive asm calls read a non-constant value.
  static unsigned liveKeepAlives(const llvm::Function &function) {
    unsigned count = 0;
    for (const llvm::BasicBlock &block : function)
      for (const llvm::Instruction &instruction : block)
        if (isKeepAliveAsm(instruction))
          for (const llvm::Use &arg : llvm::cast<llvm::CallInst>(instruction).args())
            count += !llvm::isa<llvm::Constant>(arg.get());
    return count;
  }

  llvm::LLVMContext context_;
  std::unique_ptr<llvm::Module> module_;
};

TEST_F(KeepAliveCleanup, AByteLoadDecidingABranchNeedsNoAsm) {
  const llvm::Function &f = run(R"(
    define i32 @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %byte = load i8, ptr %slot
      call void asm sideeffect "", "r"(i8 %byte)
      %zero = icmp eq i8 %byte, 0
      br i1 %zero, label %yes, label %no
    yes:
      ret i32 1
    no:
      ret i32 2
    })");
  EXPECT_EQ(liveKeepAlives(f), 0u);
}

TEST_F(KeepAliveCleanup, SumsOfLoadsWithFullUsesBecomeZeroAndDisappear) {
  // A summing loop: an i32 load compared (kept by the compare), a double
  // load multiplied and stored (kept by the arithmetic); the sums and the
  // asm reading them at the return go away entirely.
  const llvm::Function &f = run(R"(
    define void @f(ptr %memory, i32 %n) {
    entry:
      br label %loop
    loop:
      %i = phi i32 [ 0, %entry ], [ %next, %loop ]
      %sum32 = phi i32 [ 0, %entry ], [ %sum32.next, %loop ]
      %sum64 = phi i64 [ 0, %entry ], [ %sum64.next, %loop ]
      %offset = zext i32 %i to i64
      %wordslot = getelementptr i8, ptr %memory, i64 %offset
      %word = load i32, ptr %wordslot
      %sum32.next = add i32 %sum32, %word
      %floatslot = getelementptr i8, ptr %wordslot, i64 4096
      %x = load double, ptr %floatslot
      %bits = bitcast double %x to i64
      %sum64.next = add i64 %sum64, %bits
      %doubled = fmul double %x, 2.0
      store double %doubled, ptr %floatslot
      %next = add i32 %i, 1
      %small = icmp ult i32 %word, %n
      br i1 %small, label %loop, label %exit
    exit:
      call void asm sideeffect "", "r,r"(i32 %sum32.next, i64 %sum64.next)
      ret void
    })");
  EXPECT_EQ(liveKeepAlives(f), 0u);
  for (const llvm::BasicBlock &block : f)
    for (const llvm::Instruction &instruction : block)
      EXPECT_FALSE(instruction.getName().starts_with("sum")) << instruction.getName().str();
}

TEST_F(KeepAliveCleanup, TermsPackedIntoAVectorReductionAreDropped) {
  // The SLP vectorizer's form of `sum + bits(x) + bits(y)`.
  const llvm::Function &f = run(R"(
    define void @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %xslot = getelementptr i8, ptr %memory, i64 %address
      %yslot = getelementptr i8, ptr %xslot, i64 8
      %x = load double, ptr %xslot
      %y = load double, ptr %yslot
      %product = fmul double %x, %y
      store double %product, ptr %memory
      %packed.0 = insertelement <2 x double> poison, double %x, i64 0
      %packed.1 = insertelement <2 x double> %packed.0, double %y, i64 1
      %bits = bitcast <2 x double> %packed.1 to <2 x i64>
      %sum = call i64 @llvm.vector.reduce.add.v2i64(<2 x i64> %bits)
      call void asm sideeffect "", "r"(i64 %sum)
      ret void
    }
    declare i64 @llvm.vector.reduce.add.v2i64(<2 x i64>))");
  EXPECT_EQ(liveKeepAlives(f), 0u);
}

TEST_F(KeepAliveCleanup, AStoredValueNeedsNoAsmUnlessStoredBackInPlace) {
  // Copied elsewhere: the store needs every byte. Written back where it was
  // read: the back end deletes such a store, and then the load.
  const llvm::Function &copied = run(R"(
    define void @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %word = load i32, ptr %slot
      call void asm sideeffect "", "r"(i32 %word)
      store i32 %word, ptr %memory
      ret void
    })");
  EXPECT_EQ(liveKeepAlives(copied), 0u);
  const llvm::Function &inPlace = run(R"(
    define void @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %word = load i32, ptr %slot
      call void asm sideeffect "", "r"(i32 %word)
      store i32 %word, ptr %slot
      ret void
    })");
  EXPECT_EQ(liveKeepAlives(inPlace), 1u);
}

TEST_F(KeepAliveCleanup, ATermWithoutAFullUseStaysInTheSum) {
  // %word is compared (dropped from the sum); %low only has its low byte
  // stored, which the back end could narrow to a one-byte load: kept.
  const llvm::Function &f = run(R"(
    define void @f(ptr %memory, i32 %n) {
    entry:
      br label %loop
    loop:
      %i = phi i32 [ 0, %entry ], [ %next, %loop ]
      %sum = phi i32 [ 0, %entry ], [ %sum.next, %loop ]
      %offset = zext i32 %i to i64
      %slot = getelementptr i8, ptr %memory, i64 %offset
      %word = load i32, ptr %slot
      %lowslot = getelementptr i8, ptr %slot, i64 64
      %low = load i32, ptr %lowslot
      %partial = add i32 %sum, %word
      %sum.next = add i32 %partial, %low
      %byte = trunc i32 %low to i8
      store i8 %byte, ptr %memory
      %next = add i32 %i, 1
      %small = icmp ult i32 %word, %n
      br i1 %small, label %loop, label %exit
    exit:
      call void asm sideeffect "", "r"(i32 %sum.next)
      ret void
    })");
  EXPECT_EQ(liveKeepAlives(f), 1u);
  const llvm::Instruction *word = nullptr;
  for (const llvm::BasicBlock &block : f)
    for (const llvm::Instruction &instruction : block)
      if (instruction.getName() == "word") word = &instruction;
  ASSERT_NE(word, nullptr);
  for (const llvm::User *user : word->users())
    EXPECT_FALSE(llvm::isa<llvm::BinaryOperator>(user) &&
                 llvm::cast<llvm::BinaryOperator>(user)->getOpcode() == llvm::Instruction::Add)
        << "the compared load is no longer summed";
}

TEST_F(KeepAliveCleanup, NarrowableUsesKeepTheAsm) {
  // Only the low half of the i64 is used: the back end would load 4 bytes.
  const llvm::Function &f = run(R"(
    define i32 @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %wide = load i64, ptr %slot
      call void asm sideeffect "", "r"(i64 %wide)
      %low = trunc i64 %wide to i32
      %zero = icmp eq i32 %low, 0
      %result = zext i1 %zero to i32
      ret i32 %result
    })");
  EXPECT_EQ(liveKeepAlives(f), 1u);
}

TEST_F(KeepAliveCleanup, AUseOnlyInAnotherBlockKeepsTheAsm) {
  // The back end could sink the load into %then, where it would no longer
  // trap on the path through %else.
  const llvm::Function &f = run(R"(
    define i32 @f(ptr %memory, i32 %index, i1 %c) {
    entry:
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %byte = load i8, ptr %slot
      call void asm sideeffect "", "r"(i8 %byte)
      br i1 %c, label %then, label %else
    then:
      store i32 1, ptr %memory
      %zero = icmp eq i8 %byte, 0
      %result = zext i1 %zero to i32
      ret i32 %result
    else:
      ret i32 7
    })");
  EXPECT_EQ(liveKeepAlives(f), 1u);
}

TEST_F(KeepAliveCleanup, AUseWhoseResultIsNeverUsedKeepsTheAsm) {
  // The comparison leads nowhere: the back end may delete it and the load.
  const llvm::Function &f = run(R"(
    define void @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %byte = load i8, ptr %slot
      call void asm sideeffect "", "r"(i8 %byte)
      %zero = icmp eq i8 %byte, 0
      %widened = zext i1 %zero to i32
      ret void
    })");
  EXPECT_EQ(liveKeepAlives(f), 1u);
}

// A summing loop over v128 loads in the optimizer's form: the loads' halves
// packed by a shuffle into an add reduction. `USE` is what the loop does with
// the two loads %x and %y (it defines %acc.next, the accumulator's next
// value, which the function returns).
std::string vectorLoop(const std::string &use) {
  return R"(
    define <4 x float> @f(ptr %memory, i32 %n) {
    entry:
      br label %loop
    loop:
      %i = phi i32 [ 0, %entry ], [ %next, %loop ]
      %sum = phi i64 [ 0, %entry ], [ %sum.next, %loop ]
      %acc = phi <4 x float> [ zeroinitializer, %entry ], [ %acc.next, %loop ]
      %offset = zext i32 %i to i64
      %xslot = getelementptr i8, ptr %memory, i64 %offset
      %yslot = getelementptr i8, ptr %xslot, i64 65536
      %x = load <2 x i64>, ptr %xslot
      %y = load <2 x i64>, ptr %yslot
      %packed = shufflevector <2 x i64> %x, <2 x i64> %y, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
      %terms = call i64 @llvm.vector.reduce.add.v4i64(<4 x i64> %packed)
      %sum.next = add i64 %sum, %terms
      %xf = bitcast <2 x i64> %x to <4 x float>
      %yf = bitcast <2 x i64> %y to <4 x float>
)" + use +
         R"(
      %next = add i32 %i, 16
      %more = icmp ult i32 %next, %n
      br i1 %more, label %loop, label %exit
    exit:
      call void asm sideeffect "", "r"(i64 %sum.next)
      ret <4 x float> %acc.next
    }
    declare i64 @llvm.vector.reduce.add.v4i64(<4 x i64>))";
}

TEST_F(KeepAliveCleanup, VectorLoadsFeedingLaneWiseArithmeticLeaveTheSum) {
  // A dot product: every lane of both loads reaches the accumulator phi.
  const llvm::Function &f = run(vectorLoop(R"(
      %product = fmul <4 x float> %xf, %yf
      %acc.next = fadd <4 x float> %acc, %product)"));
  EXPECT_EQ(liveKeepAlives(f), 0u);
  for (const llvm::BasicBlock &block : f)
    for (const llvm::Instruction &instruction : block)
      EXPECT_FALSE(llvm::isa<llvm::ShuffleVectorInst>(instruction)) << "the packing shuffle stays";
}

TEST_F(KeepAliveCleanup, VectorLoadsNarrowableByTheirUsesStayInTheSum) {
  // Only some lanes reach the accumulator: the back end could load fewer
  // bytes. (A shuffle that drops lanes; a multiplication by a NaN lane,
  // which folds that lane to NaN; an integer mask.)
  for (const char *use : {R"(
      %half = shufflevector <4 x float> %xf, <4 x float> %yf, <4 x i32> <i32 0, i32 1, i32 4, i32 5>
      %acc.next = fadd <4 x float> %acc, %half)",
                          R"(
      %xscaled = fmul <4 x float> %xf, <float 1.0, float 0x7FF8000000000000, float 1.0, float 1.0>
      %yscaled = fmul <4 x float> %yf, <float 1.0, float 0x7FF8000000000000, float 1.0, float 1.0>
      %product = fmul <4 x float> %xscaled, %yscaled
      %acc.next = fadd <4 x float> %acc, %product)",
                          R"(
      %xmasked = and <2 x i64> %x, <i64 -1, i64 0>
      %ymasked = and <2 x i64> %y, <i64 -1, i64 0>
      %both = add <2 x i64> %xmasked, %ymasked
      %bothf = bitcast <2 x i64> %both to <4 x float>
      %acc.next = fadd <4 x float> %acc, %bothf)"}) {
    SCOPED_TRACE(use);
    EXPECT_EQ(liveKeepAlives(run(vectorLoop(use))), 1u);
  }
}

TEST_F(KeepAliveCleanup, AStoredVectorNeedsNoAsmUnlessStoredBackInPlace) {
  // Copied elsewhere, once as it is and once plus a constant: every byte
  // is needed.
  const std::string copy = R"(
    define void @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %vector = load <2 x i64>, ptr %slot
      call void asm sideeffect "", "x"(<2 x i64> %vector)
      %sum = add <2 x i64> %vector, <i64 1, i64 2>
      store <2 x i64> %sum, ptr %memory
      ret void
    })";
  EXPECT_EQ(liveKeepAlives(run(copy)), 0u);
  EXPECT_EQ(liveKeepAlives(run(std::regex_replace(copy, std::regex("%sum, "), "%vector, "))), 0u);
  const std::string inPlace = R"(
    define void @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %vector = load <2 x i64>, ptr %slot
      call void asm sideeffect "", "x"(<2 x i64> %vector)
      store <2 x i64> %vector, ptr %slot
      ret void
    })";
  EXPECT_EQ(liveKeepAlives(run(inPlace)), 1u);
  const std::string oneLane = R"(
    define i64 @f(ptr %memory, i32 %index) {
      %address = zext i32 %index to i64
      %slot = getelementptr i8, ptr %memory, i64 %address
      %vector = load <2 x i64>, ptr %slot
      call void asm sideeffect "", "x"(<2 x i64> %vector)
      %doubled = add <2 x i64> %vector, %vector
      %low = extractelement <2 x i64> %doubled, i64 0
      ret i64 %low
    })";
  EXPECT_EQ(liveKeepAlives(run(oneLane)), 1u);
}

} // namespace
} // namespace waot::codegen
