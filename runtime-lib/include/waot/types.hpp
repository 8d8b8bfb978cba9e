// Types of the waot runtime API: value types, function types, limits and the
// descriptors of a module's imports and exports. They mirror the WebAssembly
// JavaScript API's type reflection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace waot {

// Value types, with their wasm binary encodings.
enum class ValType : std::uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

// "i32", "i64", "f32", "f64", "v128", "funcref", "externref".
std::string_view toString(ValType type);

constexpr bool isReference(ValType type) noexcept {
  return type == ValType::FuncRef || type == ValType::ExternRef;
}

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType &) const = default;
};

// "(i32, i32) -> (i64)"; "() -> ()" for no parameters and results.
std::string toString(const FuncType &type);

enum class ExternKind { Function, Table, Memory, Global };

// "function", "table", "memory", "global".
std::string_view toString(ExternKind kind);

// Sizes of memories (in 64 KiB pages) and tables (in elements), and their
// address type: `is64` for a memory64 memory (i64 addresses) or a 64-bit
// table (i64 indices), which an import must match exactly.
struct Limits {
  constexpr Limits(std::uint64_t min = 0, std::optional<std::uint64_t> max = std::nullopt,
                   bool is64 = false) noexcept
      : min(min), max(max), is64(is64) {}
  std::uint64_t min;
  std::optional<std::uint64_t> max;
  bool is64;
  bool operator==(const Limits &) const = default;
};

// "{min 1, max 2}" or "{min 1}"; "i64 {min 1}" for a 64-bit one.
std::string toString(const Limits &limits);

// One import a module declares. Only the fields of its kind are meaningful:
// Function: funcType; Table: valType (the element type) and limits;
// Memory: limits; Global: valType and isMutable.
struct ImportDescriptor {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Function;
  FuncType funcType;
  ValType valType = ValType::I32;
  bool isMutable = false;
  Limits limits;
};

// The type an import expects, as used in link error messages, e.g.
// "function (i32) -> ()", "table funcref {min 1}", "global mut i64".
std::string describeType(const ImportDescriptor &import);

// One export a module declares, with its type (the fields of its kind are
// meaningful, as in ImportDescriptor). For a table or memory the limits are
// the ones the module declares (or imports it with); an instance's table or
// memory may have grown since.
struct ExportDescriptor {
  std::string name;
  ExternKind kind = ExternKind::Function;
  FuncType funcType;
  ValType valType = ValType::I32;
  bool isMutable = false;
  Limits limits;
};

// The export's type in the same notation as describeType(ImportDescriptor).
std::string describeType(const ExportDescriptor &exported);

} // namespace waot
