// The LLVM mirrors of abi.h's descriptor structs must lay out exactly like the
// C structs the runtime reads: same size, alignment and every field offset.
#include "artifact.hpp"

#include "waot/abi.h"

#include <gtest/gtest.h>
#include <llvm/IR/DataLayout.h>
#include <llvm/IR/LLVMContext.h>

#include <cstddef>
#include <vector>

namespace waot::frontend::lower {
namespace {

constexpr const char *kX86_64DataLayout =
    "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";

class AbiLayoutTest : public ::testing::Test {
protected:
  void SetUp() override {
#if !defined(__x86_64__)
    GTEST_SKIP() << "sizeof/offsetof are the host's; the data layout under test is x86-64";
#endif
  }

  // `offsets` lists offsetof() of every field of the C struct, in order.
  void expectLayout(llvm::StructType *mirror, std::size_t cSize, std::size_t cAlign,
                    const std::vector<std::size_t> &offsets) {
    SCOPED_TRACE(mirror->getName().str());
    ASSERT_EQ(mirror->getNumElements(), offsets.size()) << "field count differs from abi.h";
    const llvm::StructLayout *layout = dataLayout.getStructLayout(mirror);
    EXPECT_EQ(layout->getSizeInBytes(), cSize);
    EXPECT_EQ(layout->getAlignment().value(), cAlign);
    for (unsigned i = 0; i < offsets.size(); ++i)
      EXPECT_EQ(layout->getElementOffset(i), offsets[i]) << "field " << i;
  }

  llvm::LLVMContext context;
  llvm::DataLayout dataLayout{kX86_64DataLayout};
  AbiTypes abi = AbiTypes::get(context);
};

#define WAOT_LAYOUT(mirror, T, ...) expectLayout(mirror, sizeof(T), alignof(T), {__VA_ARGS__})

TEST_F(AbiLayoutTest, FunctypeDesc) {
  WAOT_LAYOUT(abi.functypeDesc, waot_functype_desc, offsetof(waot_functype_desc, num_params),
              offsetof(waot_functype_desc, num_results), offsetof(waot_functype_desc, types));
}

TEST_F(AbiLayoutTest, LimitsDesc) {
  WAOT_LAYOUT(abi.limitsDesc, waot_limits_desc, offsetof(waot_limits_desc, min),
              offsetof(waot_limits_desc, max), offsetof(waot_limits_desc, has_max),
              offsetof(waot_limits_desc, is64), offsetof(waot_limits_desc, reserved));
}

TEST_F(AbiLayoutTest, ConstExpr) {
  WAOT_LAYOUT(abi.constExpr, waot_const_expr, offsetof(waot_const_expr, kind),
              offsetof(waot_const_expr, index), offsetof(waot_const_expr, value),
              offsetof(waot_const_expr, value_hi));
}

TEST_F(AbiLayoutTest, ImportDesc) {
  WAOT_LAYOUT(abi.importDesc, waot_import_desc, offsetof(waot_import_desc, module),
              offsetof(waot_import_desc, name), offsetof(waot_import_desc, module_len),
              offsetof(waot_import_desc, name_len), offsetof(waot_import_desc, kind),
              offsetof(waot_import_desc, val_type), offsetof(waot_import_desc, mutable_),
              offsetof(waot_import_desc, reserved), offsetof(waot_import_desc, type_index),
              offsetof(waot_import_desc, limits));
}

TEST_F(AbiLayoutTest, ExportDesc) {
  WAOT_LAYOUT(abi.exportDesc, waot_export_desc, offsetof(waot_export_desc, name),
              offsetof(waot_export_desc, name_len), offsetof(waot_export_desc, kind),
              offsetof(waot_export_desc, reserved), offsetof(waot_export_desc, index),
              offsetof(waot_export_desc, reserved2));
}

TEST_F(AbiLayoutTest, FunctionDesc) {
  WAOT_LAYOUT(abi.functionDesc, waot_function_desc, offsetof(waot_function_desc, code),
              offsetof(waot_function_desc, name), offsetof(waot_function_desc, name_len),
              offsetof(waot_function_desc, type_index), offsetof(waot_function_desc, tail_code));
}

TEST_F(AbiLayoutTest, TableDesc) {
  WAOT_LAYOUT(abi.tableDesc, waot_table_desc, offsetof(waot_table_desc, limits),
              offsetof(waot_table_desc, elem_type), offsetof(waot_table_desc, reserved));
}

TEST_F(AbiLayoutTest, MemoryDesc) {
  WAOT_LAYOUT(abi.memoryDesc, waot_memory_desc, offsetof(waot_memory_desc, limits));
}

TEST_F(AbiLayoutTest, GlobalDesc) {
  WAOT_LAYOUT(abi.globalDesc, waot_global_desc, offsetof(waot_global_desc, init),
              offsetof(waot_global_desc, val_type), offsetof(waot_global_desc, mutable_),
              offsetof(waot_global_desc, reserved));
}

TEST_F(AbiLayoutTest, DataDesc) {
  WAOT_LAYOUT(abi.dataDesc, waot_data_desc, offsetof(waot_data_desc, bytes),
              offsetof(waot_data_desc, size), offsetof(waot_data_desc, offset),
              offsetof(waot_data_desc, mode), offsetof(waot_data_desc, memory));
}

TEST_F(AbiLayoutTest, ElemDesc) {
  WAOT_LAYOUT(abi.elemDesc, waot_elem_desc, offsetof(waot_elem_desc, items),
              offsetof(waot_elem_desc, count), offsetof(waot_elem_desc, mode),
              offsetof(waot_elem_desc, offset), offsetof(waot_elem_desc, table),
              offsetof(waot_elem_desc, elem_type), offsetof(waot_elem_desc, reserved));
}

TEST_F(AbiLayoutTest, Artifact) {
  WAOT_LAYOUT(abi.artifact, waot_artifact, offsetof(waot_artifact, magic),
              offsetof(waot_artifact, abi_version), offsetof(waot_artifact, descriptor_size),
              offsetof(waot_artifact, start_function), offsetof(waot_artifact, producer),
              offsetof(waot_artifact, target_triple), offsetof(waot_artifact, cpu_features),
              offsetof(waot_artifact, num_types), offsetof(waot_artifact, num_imports),
              offsetof(waot_artifact, num_functions), offsetof(waot_artifact, num_tables),
              offsetof(waot_artifact, num_memories), offsetof(waot_artifact, num_globals),
              offsetof(waot_artifact, num_exports), offsetof(waot_artifact, num_elems),
              offsetof(waot_artifact, num_datas), offsetof(waot_artifact, ctx_size),
              offsetof(waot_artifact, flags), offsetof(waot_artifact, num_const_ops),
              offsetof(waot_artifact, types), offsetof(waot_artifact, entry_trampolines),
              offsetof(waot_artifact, host_adapters), offsetof(waot_artifact, imports),
              offsetof(waot_artifact, functions), offsetof(waot_artifact, tables),
              offsetof(waot_artifact, memories), offsetof(waot_artifact, globals),
              offsetof(waot_artifact, exports), offsetof(waot_artifact, elems),
              offsetof(waot_artifact, datas), offsetof(waot_artifact, link_name),
              offsetof(waot_artifact, code_begin), offsetof(waot_artifact, code_end),
              offsetof(waot_artifact, const_ops), offsetof(waot_artifact, entered));
}

TEST_F(AbiLayoutTest, MirrorsAreCreatedOncePerContext) {
  const AbiTypes again = AbiTypes::get(context);
  EXPECT_EQ(again.artifact, abi.artifact);
  EXPECT_EQ(again.constExpr, abi.constExpr);
  EXPECT_EQ(abi.artifact->getName(), "waot_artifact");
}

} // namespace
} // namespace waot::frontend::lower
