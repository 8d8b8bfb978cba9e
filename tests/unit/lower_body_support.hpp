// Helpers for the function-body lowering tests: hand-built Modules (no
// decoder involved), lowering of their bodies through lowerFunctionBody()
// exactly as module_lowering.cpp drives it, and IR inspection utilities.
#pragma once

#include "module_env.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/frontend/module.hpp"
#include "waot/frontend/opcode.hpp"

#include <gtest/gtest.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/InstIterator.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/IntrinsicInst.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace waot::test::lowerbody {

using frontend::FuncType;
using frontend::LocalDecl;
using frontend::Opcode;
using frontend::ValType;

inline constexpr const char *kTriple = "x86_64-unknown-linux-gnu";
inline constexpr const char *kDataLayout =
    "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";

// Instruction bytes of one function body, built fluently.
class Code {
public:
  Code &byte(std::uint8_t b) {
    bytes_.push_back(b);
    return *this;
  }
  Code &u32(std::uint64_t v) {
    do {
      std::uint8_t b = v & 0x7F;
      v >>= 7;
      if (v != 0) b |= 0x80;
      bytes_.push_back(b);
    } while (v != 0);
    return *this;
  }
  Code &s64(std::int64_t v) {
    for (;;) {
      const std::uint8_t b = v & 0x7F;
      v >>= 7;
      const bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      bytes_.push_back(done ? b : static_cast<std::uint8_t>(b | 0x80));
      if (done) return *this;
    }
  }
  Code &fixed(std::uint64_t bits, int count) {
    for (int i = 0; i < count; ++i)
      bytes_.push_back(static_cast<std::uint8_t>(bits >> (8 * i)));
    return *this;
  }
  Code &op(Opcode o) {
    const auto &facts = frontend::info(o);
    if (facts.prefix != 0) return byte(facts.prefix).u32(facts.code);
    return byte(static_cast<std::uint8_t>(facts.code));
  }

  // Frequent instructions.
  Code &i32(std::int32_t v) { return op(Opcode::I32Const).s64(v); }
  Code &i64(std::int64_t v) { return op(Opcode::I64Const).s64(v); }
  Code &f32Bits(std::uint32_t bits) { return op(Opcode::F32Const).fixed(bits, 4); }
  Code &f64Bits(std::uint64_t bits) { return op(Opcode::F64Const).fixed(bits, 8); }
  Code &get(std::uint32_t local) { return op(Opcode::LocalGet).u32(local); }
  Code &set(std::uint32_t local) { return op(Opcode::LocalSet).u32(local); }
  Code &tee(std::uint32_t local) { return op(Opcode::LocalTee).u32(local); }
  Code &call(std::uint32_t function) { return op(Opcode::Call).u32(function); }
  Code &br(std::uint32_t depth) { return op(Opcode::Br).u32(depth); }
  Code &brIf(std::uint32_t depth) { return op(Opcode::BrIf).u32(depth); }
  Code &end() { return op(Opcode::End); }
  Code &memArg(std::uint32_t offset) { return u32(0).u32(offset); }
  // Structured instructions: empty block type, a value type, or a type index.
  Code &open(Opcode o) { return op(o).byte(0x40); }
  Code &open(Opcode o, ValType result) { return op(o).byte(static_cast<std::uint8_t>(result)); }
  Code &openTyped(Opcode o, std::uint32_t typeIndex) { return op(o).s64(typeIndex); }

  const std::vector<std::uint8_t> &bytes() const { return bytes_; }

private:
  std::vector<std::uint8_t> bytes_;
};

// The result of lowering: owns everything ModuleEnv refers to.
struct Lowered {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<frontend::Module> wasm;
  std::unique_ptr<llvm::Module> module;
  std::unique_ptr<frontend::lower::ModuleEnv> env;
  std::string verifierErrors; // empty when the module verifies

  llvm::Function &function(std::uint32_t definedIndex) const {
    return *env->functions.at(definedIndex);
  }
  std::string text(std::uint32_t definedIndex) const {
    std::string out;
    llvm::raw_string_ostream os(out);
    function(definedIndex).print(os);
    return out;
  }
};

// Builds a frontend::Module by hand. Imports must be added before the
// defined entities of the same kind (index spaces put imports first).
class ModuleBuilder {
public:
  std::uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    wasm_.types.push_back(FuncType{std::move(params), std::move(results)});
    return static_cast<std::uint32_t>(wasm_.types.size() - 1);
  }
  std::uint32_t importFunction(std::uint32_t typeIndex) {
    frontend::Import import;
    import.module = "env";
    import.name = "f" + std::to_string(wasm_.numImportedFunctions);
    import.kind = frontend::ExternKind::Func;
    import.typeIndex = typeIndex;
    wasm_.imports.push_back(import);
    wasm_.functionTypes.push_back(typeIndex);
    return wasm_.numImportedFunctions++;
  }
  std::uint32_t function(std::uint32_t typeIndex, const Code &code,
                         std::vector<LocalDecl> locals = {}) {
    wasm_.functionTypes.push_back(typeIndex);
    codes_.push_back(code.bytes());
    locals_.push_back(std::move(locals));
    return static_cast<std::uint32_t>(wasm_.functionTypes.size() - 1);
  }
  void memory() { wasm_.memories.push_back(frontend::MemoryType{frontend::Limits{1, 2}}); }
  void importMemory() {
    frontend::Import import;
    import.module = "env";
    import.name = "memory";
    import.kind = frontend::ExternKind::Memory;
    import.memory = frontend::MemoryType{frontend::Limits { 1, 2 }};
    wasm_.imports.push_back(import);
    wasm_.memories.push_back(import.memory);
    ++wasm_.numImportedMemories;
  }
  std::uint32_t table(ValType elemType = ValType::FuncRef, std::uint32_t size = 4) {
    wasm_.tables.push_back(frontend::TableType{elemType, frontend::Limits{size, std::nullopt}});
    return static_cast<std::uint32_t>(wasm_.tables.size() - 1);
  }
  std::uint32_t importGlobal(ValType type, bool isMutable) {
    frontend::Import import;
    import.module = "env";
    import.name = "g" + std::to_string(wasm_.numImportedGlobals);
    import.kind = frontend::ExternKind::Global;
    import.global = frontend::GlobalType{type, isMutable};
    wasm_.imports.push_back(import);
    wasm_.globalTypes.push_back(import.global);
    return wasm_.numImportedGlobals++;
  }
  std::uint32_t global(ValType type, bool isMutable) {
    frontend::Global global;
    global.type = frontend::GlobalType{type, isMutable};
    wasm_.globals.push_back(global);
    wasm_.globalTypes.push_back(global.type);
    return static_cast<std::uint32_t>(wasm_.globalTypes.size() - 1);
  }
  void dataSegments(std::size_t count) {
    wasm_.datas.resize(count);
    for (auto &data : wasm_.datas)
      data.mode = frontend::SegmentMode::Passive;
    wasm_.dataCount = static_cast<std::uint32_t>(count);
  }
  // An active segment putting `functions` into `table` from `offset`.
  void activeElems(std::uint32_t table, std::uint32_t offset,
                   const std::vector<std::uint32_t> &functions) {
    frontend::ElemSegment segment;
    segment.table = table;
    segment.offset.kind = frontend::ConstExpr::Kind::I32;
    segment.offset.bits = offset;
    for (std::uint32_t function : functions) {
      frontend::ConstExpr item;
      item.kind = frontend::ConstExpr::Kind::RefFunc;
      item.index = function;
      segment.items.push_back(item);
    }
    wasm_.elems.push_back(segment);
  }
  void exportTable(std::uint32_t table) {
    wasm_.exports.push_back(frontend::Export{"table", frontend::ExternKind::Table, table, 0});
  }
  // What validation would have found: which tables instructions write.
  void codeFacts(std::vector<bool> tablesWrittenByCode) {
    wasm_.codeFacts = frontend::CodeFacts{std::move(tablesWrittenByCode), {}};
  }
  void elemSegments(std::size_t count) {
    wasm_.elems.resize(count);
    for (auto &elem : wasm_.elems)
      elem.mode = frontend::SegmentMode::Passive;
  }

  // Lays the bodies out in one byte buffer, declares every defined function
  // like module_lowering.cpp and lowers each body. Lowering errors propagate.
  Lowered lower(const char *targetTriple = kTriple) {
    Lowered out;
    out.context = std::make_unique<llvm::LLVMContext>();
    out.wasm = std::make_unique<frontend::Module>(wasm_);
    auto bytes = std::make_shared<std::vector<std::uint8_t>>();
    for (std::size_t i = 0; i < codes_.size(); ++i) {
      frontend::FunctionBody body;
      body.locals = locals_[i];
      for (const LocalDecl &decl : body.locals)
        body.numLocals += decl.count;
      body.bodyOffset = bytes->size();
      body.codeOffset = bytes->size();
      bytes->insert(bytes->end(), codes_[i].begin(), codes_[i].end());
      body.endOffset = bytes->size();
      out.wasm->bodies.push_back(body);
    }
    out.wasm->bytes = bytes;

    out.module = std::make_unique<llvm::Module>("test", *out.context);
    out.module->setTargetTriple(targetTriple);
    out.module->setDataLayout(kDataLayout);
    out.env = std::make_unique<frontend::lower::ModuleEnv>(*out.wasm, *out.module);
    for (std::uint32_t d = 0; d < out.wasm->numDefinedFunctions(); ++d) {
      const std::uint32_t index = out.wasm->functionIndex(d);
      // (std::string += rather than "f" + ...: GCC 12 raises a false -Wrestrict on the latter.)
      std::string symbol = "f";
      symbol += std::to_string(index);
      llvm::Function *f = llvm::Function::Create(
          out.env->definedFunctionType(d), llvm::GlobalValue::InternalLinkage, symbol, *out.module);
      f->setCallingConv(out.env->definedCallingConv(d));
      f->getArg(0)->setName("ctx");
      out.env->functions.push_back(f);
    }
    for (std::uint32_t d = 0; d < out.wasm->numDefinedFunctions(); ++d)
      frontend::lower::lowerFunctionBody(*out.env, d);

    llvm::raw_string_ostream errors(out.verifierErrors);
    if (llvm::verifyModule(*out.module, &errors)) {
      errors << "\n--- module ---\n";
      out.module->print(errors, nullptr);
    }
    return out;
  }

  frontend::Module &wasm() { return wasm_; }

private:
  frontend::Module wasm_;
  std::vector<std::vector<std::uint8_t>> codes_;
  std::vector<std::vector<LocalDecl>> locals_;
};

// One defined function with signature (params) -> (results) and body `code`,
// in a module with one memory, two tables, two data and two elem segments.
inline Lowered lowerSingle(std::vector<ValType> params, std::vector<ValType> results,
                           const Code &code, std::vector<LocalDecl> locals = {}) {
  ModuleBuilder builder;
  builder.memory();
  builder.table();
  builder.table();
  builder.dataSegments(2);
  builder.elemSegments(2);
  builder.function(builder.type(std::move(params), std::move(results)), code, std::move(locals));
  return builder.lower();
}

// ---- IR inspection --------------------------------------------------------------

template <class T> std::vector<T *> instructions(llvm::Function &f) {
  std::vector<T *> out;
  for (llvm::Instruction &inst : llvm::instructions(f))
    if (auto *typed = llvm::dyn_cast<T>(&inst)) out.push_back(typed);
  return out;
}

inline std::size_t countOpcode(llvm::Function &f, unsigned opcode) {
  std::size_t n = 0;
  for (llvm::Instruction &inst : llvm::instructions(f))
    n += inst.getOpcode() == opcode;
  return n;
}

// Byte offset of `address` from the function's context argument, when it is
// the context itself or a constant GEP from it.
inline std::optional<std::uint64_t> contextOffset(llvm::Function &f, llvm::Value *address) {
  if (address == f.getArg(0)) return 0;
  auto *gep = llvm::dyn_cast<llvm::GetElementPtrInst>(address);
  if (gep == nullptr || gep->getPointerOperand() != f.getArg(0) || gep->getNumIndices() != 1)
    return std::nullopt;
  auto *index = llvm::dyn_cast<llvm::ConstantInt>(gep->getOperand(1));
  if (index == nullptr || !gep->getSourceElementType()->isIntegerTy(8)) return std::nullopt;
  return index->getZExtValue();
}

inline bool isInvariantLoad(const llvm::LoadInst *load) {
  return load->getMetadata(llvm::LLVMContext::MD_invariant_load) != nullptr;
}

// Loads of type `type` straight from ctx + offset.
inline std::vector<llvm::LoadInst *> contextLoads(llvm::Function &f, std::uint64_t offset) {
  std::vector<llvm::LoadInst *> out;
  for (llvm::LoadInst *load : instructions<llvm::LoadInst>(f))
    if (contextOffset(f, load->getPointerOperand()) == offset) out.push_back(load);
  return out;
}

// The kind argument of every call of builtins->trap (an indirect noreturn call).
inline std::vector<std::uint32_t> trapKinds(llvm::Function &f) {
  std::vector<std::uint32_t> kinds;
  for (llvm::CallInst *call : instructions<llvm::CallInst>(f)) {
    if (call->getCalledFunction() != nullptr || call->isInlineAsm() || !call->doesNotReturn())
      continue;
    if (call->arg_size() != 2) continue;
    llvm::Value *kind = call->getArgOperand(1);
    // A cold block shared by two kinds picks one with a select.
    std::vector<llvm::Value *> candidates{kind};
    if (auto *select = llvm::dyn_cast<llvm::SelectInst>(kind))
      candidates = {select->getTrueValue(), select->getFalseValue()};
    for (llvm::Value *candidate : candidates)
      if (auto *constant = llvm::dyn_cast<llvm::ConstantInt>(candidate))
        kinds.push_back(static_cast<std::uint32_t>(constant->getZExtValue()));
  }
  return kinds;
}

inline std::vector<llvm::CallInst *> inlineAsmCalls(llvm::Function &f) {
  std::vector<llvm::CallInst *> out;
  for (llvm::CallInst *call : instructions<llvm::CallInst>(f))
    if (call->isInlineAsm()) out.push_back(call);
  return out;
}

// Calls that are neither inline asm, intrinsics nor traps: wasm calls and builtins.
inline std::vector<llvm::CallInst *> plainCalls(llvm::Function &f) {
  std::vector<llvm::CallInst *> out;
  for (llvm::CallInst *call : instructions<llvm::CallInst>(f)) {
    if (call->isInlineAsm() || call->doesNotReturn()) continue;
    if (llvm::Function *callee = call->getCalledFunction(); callee && callee->isIntrinsic())
      continue;
    out.push_back(call);
  }
  return out;
}

inline bool contains(const std::string &haystack, const std::string &needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace waot::test::lowerbody
