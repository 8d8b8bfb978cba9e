// waot's error classes. Header-only so that every layer (frontend, codegen,
// runtime, driver) throws the same types without linking each other.
// The hierarchy mirrors the WebAssembly JavaScript API's error classes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace waot {

// Base of every error waot throws.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Bad module bytes (malformed, invalid, unsupported feature, implementation
// limit) or a compiled artifact the runtime cannot accept.
class CompileError : public Error {
public:
  enum class Kind { Malformed, Invalid, Unsupported, Limit, Artifact };

  CompileError(Kind kind, std::string message, std::optional<std::size_t> offset = std::nullopt,
               std::optional<std::uint32_t> function = std::nullopt)
      : Error(format(kind, message, offset, function)), kind_(kind), message_(std::move(message)),
        offset_(offset), function_(function) {}

  Kind kind() const noexcept { return kind_; }
  // The message without the kind and location decorations.
  const std::string &message() const noexcept { return message_; }
  // Byte offset in the module where the problem was found, when known.
  std::optional<std::size_t> offset() const noexcept { return offset_; }
  // Function index (in the module's function index space) for code errors.
  std::optional<std::uint32_t> function() const noexcept { return function_; }

  static const char *kindName(Kind kind) noexcept {
    switch (kind) {
    case Kind::Malformed: return "malformed module";
    case Kind::Invalid: return "invalid module";
    case Kind::Unsupported: return "unsupported feature";
    case Kind::Limit: return "implementation limit";
    case Kind::Artifact: return "bad artifact";
    }
    return "compile error";
  }

private:
  static std::string format(Kind kind, const std::string &message,
                            std::optional<std::size_t> offset,
                            std::optional<std::uint32_t> function) {
    std::string text = std::string(kindName(kind)) + ": " + message;
    if (offset || function) {
      text += " (";
      if (function) text += "in function " + std::to_string(*function);
      if (offset && function) text += ", ";
      if (offset) text += "at byte offset " + std::to_string(*offset);
      text += ")";
    }
    return text;
  }

  Kind kind_;
  std::string message_;
  std::optional<std::size_t> offset_;
  std::optional<std::uint32_t> function_;
};

// Imports that do not satisfy the module's declared imports.
class LinkError : public Error {
public:
  using Error::Error;
};

// Why wasm code trapped. Numbered exactly as `waot_trap_kind` in abi.h (the
// runtime static_asserts this), so a kind crosses the ABI as its number.
enum class TrapKind : std::uint32_t {
  Unreachable = 1,
  MemoryOutOfBounds,
  TableOutOfBounds,
  UndefinedElement,
  UninitializedElement,
  IndirectCallTypeMismatch,
  IntegerDivideByZero,
  IntegerOverflow,
  InvalidConversion,
  CallStackExhausted,
  NullReference,
  // Not a wasm trap: the embedder stopped the code (Instance::interrupt,
  // Instance::interruptAfter) of a module compiled interruptible.
  Interrupted,
};

// The WebAssembly specification's message for each trap kind (what the spec
// test suite's assert_trap expects).
inline const char *trapMessage(TrapKind kind) noexcept {
  switch (kind) {
  case TrapKind::Unreachable: return "unreachable";
  case TrapKind::MemoryOutOfBounds: return "out of bounds memory access";
  case TrapKind::TableOutOfBounds: return "out of bounds table access";
  case TrapKind::UndefinedElement: return "undefined element";
  case TrapKind::UninitializedElement: return "uninitialized element";
  case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
  case TrapKind::IntegerDivideByZero: return "integer divide by zero";
  case TrapKind::IntegerOverflow: return "integer overflow";
  case TrapKind::InvalidConversion: return "invalid conversion to integer";
  case TrapKind::CallStackExhausted: return "call stack exhausted";
  case TrapKind::NullReference: return "null reference";
  case TrapKind::Interrupted: return "interrupted";
  }
  return "trap";
}

// The wasm function code was running when it trapped (the outermost one,
// when the trapping code was inlined into it).
struct TrapSite {
  std::uint32_t functionIndex = 0; // in the module's function index space
  // From the name section, as the artifact's symbol has it (characters other
  // than [A-Za-z0-9_] replaced by '_', long names cut); empty without one.
  std::string functionName;
};

// A trap, or a failure while running wasm code or instantiating. Traps carry
// their kind; other runtime failures (e.g. out of address space) do not.
class RuntimeError : public Error {
public:
  // "in wasm function 12 `main`" for messages, or "" without a site.
  std::string siteText() const {
    if (!site_) return {};
    std::string text = "in wasm function " + std::to_string(site_->functionIndex);
    if (!site_->functionName.empty()) text.append(" `").append(site_->functionName).append("`");
    return text;
  }

  using Error::Error;
  explicit RuntimeError(TrapKind kind, std::optional<TrapSite> site = std::nullopt)
      : Error(trapMessage(kind)), trapKind_(kind), site_(std::move(site)) {}

  // The trap kind when this error is a trap.
  std::optional<TrapKind> trapKind() const noexcept { return trapKind_; }
  // Where the trap happened, when the runtime could tell (the artifact's
  // symbol table names every function that was not inlined).
  const std::optional<TrapSite> &site() const noexcept { return site_; }

private:
  std::optional<TrapKind> trapKind_;
  std::optional<TrapSite> site_;
};

// Arguments of the wrong shape (e.g. a missing import namespace, wrong
// argument count or types for a call).
class TypeError : public Error {
public:
  using Error::Error;
};

} // namespace waot
