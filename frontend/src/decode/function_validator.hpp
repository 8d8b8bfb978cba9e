// Validation of one function body: the operand-stack / control-stack
// algorithm of the spec's appendix ("Validation Algorithm"), driven by
// InstrReader. Internal to the decode library.
//
// function_validator.cpp: the stacks, control instructions, calls.
// function_validator_ops.cpp: every other instruction (uniform signatures
// from opcodes.def, variables, memory, tables, references, select).
// function_validator_simd.cpp: what SIMD adds to the uniform instructions
// (lane indices, lane loads/stores) and the record of the first SIMD use.
#pragma once

#include "waot/errors.hpp"
#include "waot/frontend/features.hpp"
#include "waot/frontend/instr_reader.hpp"
#include "waot/frontend/module.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace waot::frontend::detail {

class FunctionValidator {
public:
  // `declaredFunctions[f]`: whether `ref.func f` is allowed (the function is
  // referenced outside function bodies: elements, exports, globals). What
  // the body does that the lowering cares about is added to `facts`; its
  // first use of SIMD to `firstSimd`, unless that already holds one.
  FunctionValidator(const Module &module, const Features &features,
                    const std::vector<bool> &declaredFunctions, std::uint32_t definedIndex,
                    CodeFacts &facts, std::optional<SimdUse> &firstSimd);

  // Throws CompileError: Invalid for typing errors, Malformed for encoding
  // and structure errors, Unsupported for later features.
  void run();

private:
  // An operand's type; nullopt is the spec's "Unknown": any type, produced by
  // popping from the polymorphic stack of unreachable code.
  using Operand = std::optional<ValType>;

  struct BlockSignature {
    std::span<const ValType> params;
    std::span<const ValType> results;
  };

  struct Frame {
    Opcode opcode = Opcode::Block; // Block, Loop, If or Else; the function body is a Block
    BlockSignature signature;
    std::size_t height = 0;   // operand stack height when the frame was entered
    bool unreachable = false; // the rest of the frame is dead code
    // Branches to a loop go back to its start; to anything else, to its end.
    std::span<const ValType> labelTypes() const {
      return opcode == Opcode::Loop ? signature.params : signature.results;
    }
  };

  // Operand stack.
  void push(Operand type) { operands_.push_back(type); }
  void pushValues(std::span<const ValType> types);
  Operand pop();
  Operand pop(ValType expected);
  void popValues(std::span<const ValType> types);

  // Control stack.
  void pushFrame(Opcode opcode, BlockSignature signature);
  Frame popFrame();
  void markUnreachable();
  const Frame &label(std::uint32_t depth) const;

  void validate(const Instr &in);
  void validateBlockStart(const Instr &in);
  void validateElse();
  void validateEnd();
  void validateBrTable(const Instr &in);
  void validateCallIndirect(const Instr &in);
  void validateUniform(const Instr &in); // function_validator_ops.cpp
  // The address types of memory instructions (i64 for a 64-bit memory).
  void applyAddressTypes(const Instr &in, std::array<ValType, 3> &params,
                         std::optional<ValType> &result) const;
  void checkUniformImmediates(const Instr &in);
  void checkMemArg(const Instr &in) const;
  void checkSimdImmediates(const Instr &in) const; // function_validator_simd.cpp
  // Records the first SIMD use in code (see the constructor).
  void noteSimd(const Instr &in, std::string what);
  void noteSimdInstruction(const Instr &in);
  void validateVariable(const Instr &in);
  void validateTable(const Instr &in);
  void noteTableWrite(std::uint32_t table);
  void validateReference(const Instr &in);
  void validateSelect(const Instr &in);
  // return_call, return_call_indirect: the callee's results are the caller's.
  void validateTailCall(const Instr &in);

  // Index checks, each failing with the spec's "unknown ..." message.
  BlockSignature blockSignature(const BlockType &block) const;
  const FuncType &typeAt(std::uint32_t index) const;
  const TableType &tableAt(std::uint32_t index) const;
  void requireMemory(std::uint32_t index) const;
  ValType addressType(std::uint32_t memory) const; // of a known memory
  void requireDataSegment(std::uint32_t index) const;
  const ElemSegment &elemAt(std::uint32_t index) const;

  [[noreturn]] void fail(const std::string &message) const;
  [[noreturn]] void failMalformed(const std::string &message) const;
  [[noreturn]] void typeMismatch(const std::string &expected, const std::string &found) const;

  const Module &module_;
  const Features &features_;
  const std::vector<bool> &declaredFunctions_;
  CodeFacts &facts_;
  std::optional<SimdUse> &firstSimd_;
  const std::uint32_t function_;
  const FuncType &signature_;
  std::vector<ValType> locals_; // parameters, then declared locals
  InstrReader reader_;
  std::vector<Operand> operands_;
  std::vector<Frame> frames_;
  std::vector<Operand> scratch_; // br_table: operands checked against one target
  Opcode currentOpcode_ = Opcode::Nop;
  std::size_t currentOffset_ = 0;
};

// The single value type of a `block (result t)`, as a one-element span.
std::span<const ValType> singleValueType(ValType type);

} // namespace waot::frontend::detail
