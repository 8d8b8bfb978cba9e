// lowerModule() on a hand-built module with one of everything: the LLVM
// module verifies, functions are declared with readable names, and the
// artifact descriptor's initializer holds the module's data.
#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/frontend/lower.hpp"

#include <gtest/gtest.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/GlobalVariable.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <bit>
#include <memory>
#include <string>

namespace waot::frontend {
namespace {

constexpr const char *kX86_64DataLayout =
    "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";
constexpr const char *kTriple = "x86_64-unknown-linux-gnu";

ConstExpr constExpr(ConstExpr::Kind kind, std::uint64_t bits = 0, std::uint32_t index = 0,
                    ValType refType = ValType::FuncRef) {
  ConstExpr e;
  e.kind = kind;
  e.bits = bits;
  e.index = index;
  e.refType = refType;
  return e;
}
ConstExpr i32Const(std::uint32_t v) { return constExpr(ConstExpr::Kind::I32, v); }
ConstExpr refFunc(std::uint32_t f) { return constExpr(ConstExpr::Kind::RefFunc, 0, f); }
ConstExpr refNull(ValType t) { return constExpr(ConstExpr::Kind::RefNull, 0, 0, t); }
ConstExpr globalGet(std::uint32_t g) { return constExpr(ConstExpr::Kind::GlobalGet, 0, g); }

Import import(std::string name, ExternKind kind) {
  Import i;
  i.module = "env";
  i.name = std::move(name);
  i.kind = kind;
  return i;
}

// Types: 0 [] -> [], 1 [i32 i64] -> [f32], 2 [f64 funcref externref] -> [i32 i64],
// 3 = same signature as 0. Function 0 is an imported (type 1), function 1 a
// defined [] -> [] function whose body is just `end`.
Module makeModule() {
  Module m;
  m.bytes =
      std::make_shared<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{0x02, 0x00, 0x0B});
  m.types = {
      FuncType{}, FuncType{{ValType::I32, ValType::I64}, {ValType::F32}},
      FuncType{{ValType::F64, ValType::FuncRef, ValType::ExternRef}, {ValType::I32, ValType::I64}},
      FuncType{}};

  Import func = import("host", ExternKind::Func);
  func.typeIndex = 1;
  Import table = import("tab", ExternKind::Table);
  table.table = {ValType::FuncRef, {1, 10}};
  Import memory = import("mem", ExternKind::Memory);
  memory.memory = {{1, std::nullopt}};
  Import global = import("g", ExternKind::Global);
  global.global = {ValType::I32, true};
  m.imports = {func, table, memory, global};
  m.numImportedFunctions = m.numImportedTables = m.numImportedMemories = m.numImportedGlobals = 1;

  m.functionTypes = {1, 0};
  m.tables = {table.table, TableType{ValType::ExternRef, {2, std::nullopt}}};
  m.memories = {memory.memory, MemoryType{{1, 2}}};
  m.globalTypes = {global.global, GlobalType{ValType::F64, false}};
  m.globals = {Global{{ValType::F64, false},
                      constExpr(ConstExpr::Kind::F64, std::bit_cast<std::uint64_t>(1.5))}};
  m.exports = {{.name = "run", .kind = ExternKind::Func, .index = 1},
               {.name = "mem2", .kind = ExternKind::Memory, .index = 1},
               {.name = "g2", .kind = ExternKind::Global, .index = 1}};
  m.start = 1;

  ElemSegment active;
  active.offset = i32Const(0);
  active.items = {refFunc(1), refNull(ValType::FuncRef)};
  ElemSegment passive;
  passive.mode = SegmentMode::Passive;
  passive.elemType = ValType::ExternRef;
  passive.items = {refNull(ValType::ExternRef)};
  ElemSegment declarative;
  declarative.mode = SegmentMode::Declarative;
  declarative.items = {refFunc(0)};
  m.elems = {active, passive, declarative};

  DataSegment hello;
  hello.memory = 1;
  hello.offset = globalGet(0);
  hello.bytes = {'h', 'e', 'l', 'l', 'o'};
  DataSegment passiveData;
  passiveData.mode = SegmentMode::Passive;
  passiveData.bytes = {0, 1, 2};
  DataSegment emptyData;
  emptyData.mode = SegmentMode::Passive;
  m.datas = {hello, passiveData, emptyData};
  m.dataCount = 3;

  FunctionBody body;
  body.bodyOffset = 0; // size 2, no local declarations, then `end`
  body.codeOffset = 2;
  body.endOffset = 3;
  m.bodies = {body};
  m.moduleName = "test";
  m.functionNames = {{1, "run me!"}};
  return m;
}

// Field indices of waot_artifact (see AbiTypes::artifact).
enum ArtifactField : unsigned {
  kMagic,
  kAbiVersion,
  kDescriptorSize,
  kStart,
  kProducer,
  kTargetTriple,
  kCpuFeatures,
  kNumTypes,
  kNumImports,
  kNumFunctions,
  kNumTables,
  kNumMemories,
  kNumGlobals,
  kNumExports,
  kNumElems,
  kNumDatas,
  kCtxSize,
  kFlags,
  kReserved,
  kTypes,
  kEntryTrampolines,
  kHostAdapters,
  kImports,
  kFunctions,
  kTables,
  kMemories,
  kGlobals,
  kExports,
  kElems,
  kDatas,
};

const llvm::Constant *field(const llvm::Constant *aggregate, unsigned index) {
  const llvm::Constant *element = aggregate->getAggregateElement(index);
  EXPECT_NE(element, nullptr) << "no field " << index;
  return element;
}

std::uint64_t intField(const llvm::Constant *aggregate, unsigned index) {
  const auto *value = llvm::dyn_cast_or_null<llvm::ConstantInt>(field(aggregate, index));
  EXPECT_NE(value, nullptr) << "field " << index << " is not an integer";
  return value ? value->getZExtValue() : ~0ull;
}

// The initializer of the global a pointer field points to (null if none).
const llvm::Constant *pointee(const llvm::Constant *aggregate, unsigned index) {
  const auto *global = llvm::dyn_cast_or_null<llvm::GlobalVariable>(field(aggregate, index));
  return global ? global->getInitializer() : nullptr;
}

std::string bytesField(const llvm::Constant *aggregate, unsigned index, std::uint64_t length) {
  const auto *bytes =
      llvm::dyn_cast_or_null<llvm::ConstantDataSequential>(pointee(aggregate, index));
  if (!bytes) return "<not a byte array>";
  return bytes->getRawDataValues().substr(0, length).str();
}

class LowerModuleTest : public ::testing::Test {
protected:
  void lower(bool interruptible = false) {
    LowerOptions options;
    options.interruptible = interruptible;
    options.targetTriple = kTriple;
    options.cpuFeatures = "+sse4.2,+popcnt";
    options.producer = "waot-test";
    llvmModule = lowerModule(wasm, context, llvm::DataLayout(kX86_64DataLayout), options);
    ASSERT_NE(llvmModule, nullptr);
    std::string problems;
    llvm::raw_string_ostream out(problems);
    ASSERT_FALSE(llvm::verifyModule(*llvmModule, &out)) << problems;
    const llvm::GlobalVariable *global = llvmModule->getNamedGlobal(WAOT_ARTIFACT_SYMBOL);
    ASSERT_NE(global, nullptr);
    descriptorGlobal = global;
    descriptor = global->getInitializer();
  }

  Module wasm = makeModule();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule;
  const llvm::GlobalVariable *descriptorGlobal = nullptr;
  const llvm::Constant *descriptor = nullptr;
};

TEST_F(LowerModuleTest, ModuleCarriesTargetAndDataLayout) {
  lower();
  EXPECT_EQ(llvmModule->getTargetTriple(), kTriple);
  EXPECT_EQ(llvmModule->getDataLayoutStr(), kX86_64DataLayout);
  EXPECT_EQ(llvmModule->getModuleIdentifier(), "test");
}

TEST_F(LowerModuleTest, DefinedFunctionIsDeclaredWithSanitizedName) {
  lower();
  const llvm::Function *function = llvmModule->getFunction("waot_f1_run_me_");
  ASSERT_NE(function, nullptr);
  EXPECT_TRUE(function->hasInternalLinkage());
  EXPECT_FALSE(function->isDeclaration());
  EXPECT_TRUE(function->doesNotThrow());
  EXPECT_EQ(function->getFnAttribute("probe-stack").getValueAsString(), "inline-asm");
  const llvm::FunctionType *type = function->getFunctionType();
  EXPECT_TRUE(type->getReturnType()->isVoidTy());
  ASSERT_EQ(type->getNumParams(), 1u);
  EXPECT_TRUE(type->getParamType(0)->isPointerTy());
}

TEST_F(LowerModuleTest, ContextParameterIsDereferenceable) {
  lower();
  const llvm::Function *function = llvmModule->getFunction("waot_f1_run_me_");
  ASSERT_NE(function, nullptr);
  // The context of this module: 4 types, 2 memories, 2 tables, 1 + 1 globals,
  // 1 imported and 1 defined function.
  waot_ctx_counts counts{4, 2, 2, 1, 1, 1, 1};
  const waot_ctx_layout layout = waot_compute_ctx_layout(&counts);
  EXPECT_EQ(function->getParamDereferenceableBytes(0), layout.total_size);
  EXPECT_EQ(function->getParamAlign(0).valueOrOne().value(), alignof(waot_ctx_header));
  EXPECT_TRUE(function->hasParamAttribute(0, llvm::Attribute::NonNull));
}

TEST_F(LowerModuleTest, LongAndUnnamedFunctionNames) {
  wasm.functionNames = {{1, std::string(500, 'x') + "::<y>"}};
  lower();
  // Cut to 96 characters before the "::<y>" that would have been sanitized.
  EXPECT_NE(llvmModule->getFunction("waot_f1_" + std::string(96, 'x')), nullptr);

  wasm.functionNames.clear();
  llvmModule.reset();
  lower();
  EXPECT_NE(llvmModule->getFunction("waot_f1"), nullptr);
}

TEST_F(LowerModuleTest, DescriptorHeader) {
  lower();
  EXPECT_TRUE(descriptorGlobal->isConstant());
  EXPECT_TRUE(descriptorGlobal->hasExternalLinkage());
  EXPECT_TRUE(descriptorGlobal->hasDefaultVisibility());
  EXPECT_EQ(descriptorGlobal->getValueType()->getStructName(), "waot_artifact");

  EXPECT_EQ(intField(descriptor, kMagic), WAOT_ARTIFACT_MAGIC);
  EXPECT_EQ(intField(descriptor, kAbiVersion), WAOT_ABI_VERSION);
  EXPECT_EQ(intField(descriptor, kDescriptorSize), sizeof(waot_artifact));
  EXPECT_EQ(intField(descriptor, kStart), 1u);
  // The three header strings are NUL-terminated.
  EXPECT_EQ(bytesField(descriptor, kProducer, 10), std::string("waot-test\0", 10));
  EXPECT_EQ(bytesField(descriptor, kTargetTriple, 25),
            std::string("x86_64-unknown-linux-gnu\0", 25));
  EXPECT_EQ(bytesField(descriptor, kCpuFeatures, 16), std::string("+sse4.2,+popcnt\0", 16));
}

TEST_F(LowerModuleTest, DescriptorCounts) {
  lower();
  EXPECT_EQ(intField(descriptor, kNumTypes), 4u);
  EXPECT_EQ(intField(descriptor, kNumImports), 4u);
  EXPECT_EQ(intField(descriptor, kNumFunctions), 1u);
  EXPECT_EQ(intField(descriptor, kNumTables), 1u);   // defined only
  EXPECT_EQ(intField(descriptor, kNumMemories), 1u); // defined only
  EXPECT_EQ(intField(descriptor, kNumGlobals), 1u);  // defined only
  EXPECT_EQ(intField(descriptor, kNumExports), 3u);
  EXPECT_EQ(intField(descriptor, kNumElems), 3u);
  EXPECT_EQ(intField(descriptor, kNumDatas), 3u);
}

TEST_F(LowerModuleTest, FlagsRecordInterruptibleCode) {
  lower();
  EXPECT_EQ(intField(descriptor, kFlags), 0u);
  EXPECT_EQ(intField(descriptor, kReserved), 0u);
  llvmModule.reset();
  lower(/*interruptible=*/true);
  EXPECT_EQ(intField(descriptor, kFlags), WAOT_ARTIFACT_INTERRUPTIBLE);
}

TEST_F(LowerModuleTest, NoStartFunctionIsUint32Max) {
  wasm.start.reset();
  lower();
  EXPECT_EQ(intField(descriptor, kStart), UINT32_MAX);
}

TEST_F(LowerModuleTest, TypeDescriptors) {
  lower();
  const llvm::Constant *types = pointee(descriptor, kTypes);
  ASSERT_NE(types, nullptr);
  const llvm::Constant *multi = field(types, 2);
  EXPECT_EQ(intField(multi, 0), 3u);
  EXPECT_EQ(intField(multi, 1), 2u);
  EXPECT_EQ(bytesField(multi, 2, 5), std::string("\x7C\x70\x6F\x7F\x7E"));
  EXPECT_EQ(intField(field(types, 0), 0), 0u);
  EXPECT_EQ(intField(field(types, 0), 1), 0u);
}

TEST_F(LowerModuleTest, EntryTrampolinesHaveTheGenericSignature) {
  lower();
  const llvm::Constant *entries = pointee(descriptor, kEntryTrampolines);
  ASSERT_NE(entries, nullptr);
  ASSERT_EQ(entries->getType()->getArrayNumElements(), 4u);
  for (unsigned t = 0; t < 4; ++t) {
    const auto *entry = llvm::dyn_cast<llvm::Function>(field(entries, t));
    ASSERT_NE(entry, nullptr) << "type " << t;
    EXPECT_TRUE(entry->hasInternalLinkage());
    EXPECT_TRUE(entry->getReturnType()->isVoidTy());
    ASSERT_EQ(entry->arg_size(), 3u);
    for (const llvm::Argument &arg : entry->args())
      EXPECT_TRUE(arg.getType()->isPointerTy());
    EXPECT_EQ(entry->getFnAttribute("probe-stack").getValueAsString(), "inline-asm");
    EXPECT_TRUE(entry->doesNotThrow());
  }
  EXPECT_EQ(field(entries, 1)->getName(), "waot_entry_t1");
  // Type 3 repeats type 0's signature and shares its trampoline.
  EXPECT_EQ(field(entries, 3), field(entries, 0));
  EXPECT_NE(field(entries, 1), field(entries, 0));
}

TEST_F(LowerModuleTest, HostAdaptersHaveTheWasmSignature) {
  lower();
  const llvm::Constant *adapters = pointee(descriptor, kHostAdapters);
  ASSERT_NE(adapters, nullptr);
  const auto *multi = llvm::dyn_cast<llvm::Function>(field(adapters, 2));
  ASSERT_NE(multi, nullptr);
  EXPECT_EQ(multi->getName(), "waot_host_t2");
  EXPECT_TRUE(multi->doesNotThrow());
  llvm::Type *i32 = llvm::Type::getInt32Ty(context);
  llvm::Type *i64 = llvm::Type::getInt64Ty(context);
  llvm::Type *ptr = llvm::PointerType::get(context, 0);
  auto *expected =
      llvm::FunctionType::get(llvm::StructType::get(context, {i32, i64}),
                              {ptr, llvm::Type::getDoubleTy(context), ptr, ptr}, false);
  EXPECT_EQ(multi->getFunctionType(), expected);
  const auto *single = llvm::dyn_cast<llvm::Function>(field(adapters, 1));
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->getFunctionType(),
            llvm::FunctionType::get(llvm::Type::getFloatTy(context), {ptr, i32, i64}, false));
}

TEST_F(LowerModuleTest, ImportDescriptors) {
  lower();
  const llvm::Constant *imports = pointee(descriptor, kImports);
  ASSERT_NE(imports, nullptr);
  const llvm::Constant *func = field(imports, 0);
  EXPECT_EQ(bytesField(func, 0, 3), "env");
  EXPECT_EQ(bytesField(func, 1, 4), "host");
  EXPECT_EQ(intField(func, 2), 3u);
  EXPECT_EQ(intField(func, 3), 4u);
  EXPECT_EQ(intField(func, 4), WAOT_EXTERN_FUNC);
  EXPECT_EQ(intField(func, 8), 1u); // type index
  // Every import's module name "env" is one interned array.
  EXPECT_EQ(field(func, 0), field(field(imports, 3), 0));

  const llvm::Constant *table = field(imports, 1);
  EXPECT_EQ(intField(table, 4), WAOT_EXTERN_TABLE);
  EXPECT_EQ(intField(table, 5), WAOT_FUNCREF);
  const llvm::Constant *tableLimits = field(table, 9);
  EXPECT_EQ(intField(tableLimits, 0), 1u);
  EXPECT_EQ(intField(tableLimits, 1), 10u);
  EXPECT_EQ(intField(tableLimits, 2), 1u);

  const llvm::Constant *memoryLimits = field(field(imports, 2), 9);
  EXPECT_EQ(intField(field(imports, 2), 4), WAOT_EXTERN_MEMORY);
  EXPECT_EQ(intField(memoryLimits, 0), 1u);
  EXPECT_EQ(intField(memoryLimits, 2), 0u); // no maximum

  const llvm::Constant *global = field(imports, 3);
  EXPECT_EQ(intField(global, 4), WAOT_EXTERN_GLOBAL);
  EXPECT_EQ(intField(global, 5), WAOT_I32);
  EXPECT_EQ(intField(global, 6), 1u);
}

TEST_F(LowerModuleTest, FunctionTableMemoryGlobalDescriptors) {
  lower();
  const llvm::Constant *function = field(pointee(descriptor, kFunctions), 0);
  EXPECT_EQ(field(function, 0), llvmModule->getFunction("waot_f1_run_me_"));
  EXPECT_EQ(bytesField(function, 1, 7), "run me!");
  EXPECT_EQ(intField(function, 2), 7u);
  EXPECT_EQ(intField(function, 3), 0u);

  const llvm::Constant *table = field(pointee(descriptor, kTables), 0);
  EXPECT_EQ(intField(field(table, 0), 0), 2u);
  EXPECT_EQ(intField(field(table, 0), 2), 0u);
  EXPECT_EQ(intField(table, 1), WAOT_EXTERNREF);

  const llvm::Constant *memory = field(pointee(descriptor, kMemories), 0);
  EXPECT_EQ(intField(field(memory, 0), 0), 1u);
  EXPECT_EQ(intField(field(memory, 0), 1), 2u);
  EXPECT_EQ(intField(field(memory, 0), 2), 1u);

  const llvm::Constant *global = field(pointee(descriptor, kGlobals), 0);
  EXPECT_EQ(intField(field(global, 0), 0), WAOT_CONST_F64);
  EXPECT_EQ(intField(field(global, 0), 2), std::bit_cast<std::uint64_t>(1.5));
  EXPECT_EQ(intField(global, 1), WAOT_F64);
  EXPECT_EQ(intField(global, 2), 0u);
}

// Function 1 is exported, an element and the start function; each of these
// alone keeps its code address in the descriptor. Without any, no reference
// can ever name it: the address is null and the function is not address-taken.
TEST_F(LowerModuleTest, OnlyFunctionsAReferenceCanNameHaveACodeAddress) {
  const Module original = wasm;
  const auto codeAddress = [&](const char *variant) -> const llvm::Value * {
    lower();
    const llvm::Constant *code = field(field(pointee(descriptor, kFunctions), 0), 0);
    const llvm::Function *function = llvmModule->getFunction("waot_f1_run_me_");
    EXPECT_NE(function, nullptr) << variant;
    if (function) {
      EXPECT_EQ(function->hasAddressTaken(), code == function) << variant;
    }
    return code;
  };
  const auto expectRecorded = [&](const char *variant) {
    const llvm::Value *code = codeAddress(variant);
    EXPECT_EQ(code, llvmModule->getFunction("waot_f1_run_me_")) << variant;
    wasm = original;
  };

  wasm.exports.erase(wasm.exports.begin());
  wasm.elems[0].items[0] = refNull(ValType::FuncRef);
  wasm.start.reset();
  EXPECT_TRUE(llvm::isa<llvm::ConstantPointerNull>(codeAddress("no reference")));
  wasm = original;

  wasm.elems[0].items[0] = refNull(ValType::FuncRef);
  wasm.start.reset();
  expectRecorded("exported");

  wasm.exports.erase(wasm.exports.begin());
  wasm.start.reset();
  expectRecorded("an element");

  wasm.exports.erase(wasm.exports.begin());
  wasm.elems[0].items[0] = refNull(ValType::FuncRef);
  expectRecorded("the start function");

  wasm.exports.erase(wasm.exports.begin());
  wasm.elems[0].items[0] = refNull(ValType::FuncRef);
  wasm.start.reset();
  wasm.globals.push_back(Global{{ValType::FuncRef, false}, refFunc(1)});
  wasm.globalTypes.push_back({ValType::FuncRef, false});
  expectRecorded("a global's initializer");
}

TEST_F(LowerModuleTest, ExportDescriptors) {
  lower();
  const llvm::Constant *exports = pointee(descriptor, kExports);
  ASSERT_NE(exports, nullptr);
  EXPECT_EQ(bytesField(field(exports, 1), 0, 4), "mem2");
  EXPECT_EQ(intField(field(exports, 1), 1), 4u);
  EXPECT_EQ(intField(field(exports, 1), 2), WAOT_EXTERN_MEMORY);
  EXPECT_EQ(intField(field(exports, 1), 4), 1u);
  EXPECT_EQ(intField(field(exports, 0), 2), WAOT_EXTERN_FUNC);
}

TEST_F(LowerModuleTest, ElemSegmentDescriptors) {
  lower();
  const llvm::Constant *elems = pointee(descriptor, kElems);
  ASSERT_NE(elems, nullptr);
  const llvm::Constant *active = field(elems, 0);
  EXPECT_EQ(intField(active, 1), 2u);
  EXPECT_EQ(intField(active, 2), WAOT_SEGMENT_ACTIVE);
  EXPECT_EQ(intField(field(active, 3), 0), WAOT_CONST_I32);
  EXPECT_EQ(intField(active, 5), WAOT_FUNCREF);
  const llvm::Constant *items = pointee(active, 0);
  ASSERT_NE(items, nullptr);
  EXPECT_EQ(intField(field(items, 0), 0), WAOT_CONST_REF_FUNC);
  EXPECT_EQ(intField(field(items, 0), 1), 1u);
  EXPECT_EQ(intField(field(items, 1), 0), WAOT_CONST_REF_NULL);
  EXPECT_EQ(intField(field(items, 1), 1), WAOT_FUNCREF);

  const llvm::Constant *passive = field(elems, 1);
  EXPECT_EQ(intField(passive, 2), WAOT_SEGMENT_PASSIVE);
  EXPECT_EQ(intField(passive, 5), WAOT_EXTERNREF);
  EXPECT_EQ(intField(field(pointee(passive, 0), 0), 1), WAOT_EXTERNREF);
  EXPECT_EQ(intField(field(elems, 2), 2), WAOT_SEGMENT_DECLARATIVE);
}

TEST_F(LowerModuleTest, DataSegmentDescriptors) {
  lower();
  const llvm::Constant *datas = pointee(descriptor, kDatas);
  ASSERT_NE(datas, nullptr);
  const llvm::Constant *hello = field(datas, 0);
  EXPECT_EQ(bytesField(hello, 0, 5), "hello");
  EXPECT_EQ(intField(hello, 1), 5u);
  EXPECT_EQ(intField(field(hello, 2), 0), WAOT_CONST_GLOBAL_GET);
  EXPECT_EQ(intField(hello, 3), WAOT_SEGMENT_ACTIVE);
  EXPECT_EQ(intField(hello, 4), 1u);

  const llvm::Constant *passive = field(datas, 1);
  EXPECT_EQ(bytesField(passive, 0, 3), std::string("\0\1\2", 3));
  EXPECT_EQ(intField(passive, 3), WAOT_SEGMENT_PASSIVE);
  // An empty segment still points at valid (constant) storage.
  const llvm::Constant *empty = field(datas, 2);
  EXPECT_EQ(intField(empty, 1), 0u);
  EXPECT_TRUE(llvm::isa<llvm::GlobalVariable>(field(empty, 0)));
}

TEST_F(LowerModuleTest, LargeDataSegmentIsOneByteArray) {
  wasm.datas[1].bytes.assign(4 << 20, 0xAB);
  lower();
  const llvm::Constant *passive = field(pointee(descriptor, kDatas), 1);
  const auto *bytes = llvm::dyn_cast_or_null<llvm::ConstantDataArray>(pointee(passive, 0));
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(bytes->getNumElements(), 4u << 20);
  EXPECT_EQ(bytes->getElementAsInteger(12345), 0xABu);
}

TEST_F(LowerModuleTest, EmptyModuleHasNullArrays) {
  wasm = Module{};
  wasm.bytes = std::make_shared<std::vector<std::uint8_t>>();
  lower();
  EXPECT_EQ(intField(descriptor, kNumTypes), 0u);
  EXPECT_TRUE(field(descriptor, kTypes)->isNullValue());
  EXPECT_TRUE(field(descriptor, kDatas)->isNullValue());
  EXPECT_EQ(llvmModule->getModuleIdentifier(), "wasm");
}

TEST_F(LowerModuleTest, InconsistentModuleIsRejected) {
  wasm.functionTypes.push_back(0); // a function without a body
  EXPECT_THROW(lowerModule(wasm, context, llvm::DataLayout(kX86_64DataLayout), {}), CompileError);
  wasm = makeModule();
  wasm.functionTypes[1] = 9; // type index out of range
  EXPECT_THROW(lowerModule(wasm, context, llvm::DataLayout(kX86_64DataLayout), {}), CompileError);
}

TEST_F(LowerModuleTest, V128IsOneVectorOfTwoI64) {
  wasm.types.push_back(FuncType{{ValType::V128}, {ValType::V128}});
  std::unique_ptr<llvm::Module> module;
  ASSERT_NO_THROW(module = lowerModule(wasm, context, llvm::DataLayout(kX86_64DataLayout), {}));
  ASSERT_NE(module, nullptr);
  const std::string adapterName = "waot_host_t" + std::to_string(wasm.types.size() - 1);
  const llvm::Function *adapter = module->getFunction(adapterName);
  ASSERT_NE(adapter, nullptr);
  EXPECT_TRUE(adapter->getReturnType()->isVectorTy());
  EXPECT_EQ(adapter->getReturnType()->getPrimitiveSizeInBits().getFixedValue(), 128u);
}

} // namespace
} // namespace waot::frontend
