#include "harness.hpp"

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace waot::fuzz {
namespace {

Value zeroOf(ValType type) {
  switch (type) {
  case ValType::I32: return Value(std::int32_t{0});
  case ValType::I64: return Value(std::int64_t{0});
  case ValType::F32: return Value(0.0f);
  case ValType::F64: return Value(0.0);
  case ValType::V128: return Value(V128{});
  case ValType::FuncRef:
  case ValType::ExternRef: return Value::nullRef(type);
  }
  return Value(std::int32_t{0});
}

std::string joinValues(std::span<const Value> values) {
  std::string text;
  for (const Value &value : values) {
    if (!text.empty()) text += ", ";
    text += formatValue(value);
  }
  return text;
}

// A function import that logs "called host module.name(args) =>" and
// returns zeros, as wasm-interp's --dummy-import-func does.
Function loggingStandIn(const ImportDescriptor &import, RunLog &log) {
  const std::string name = import.module + "." + import.name;
  const FuncType type = import.funcType;
  return Function(type, [name, type, &log](std::span<const Value> args, std::span<Value> results) {
    log.lines.push_back("called host " + name + "(" + joinValues(args) + ") =>");
    for (std::size_t i = 0; i < results.size(); ++i)
      results[i] = zeroOf(type.results[i]);
  });
}

Imports standInImports(const Module &module, RunLog &log) {
  Imports imports;
  for (const ImportDescriptor &import : module.imports()) {
    switch (import.kind) {
    case ExternKind::Function:
      imports.define(import.module, import.name, loggingStandIn(import, log));
      break;
    case ExternKind::Memory:
      imports.define(import.module, import.name, Memory(import.limits));
      break;
    case ExternKind::Table:
      imports.define(import.module, import.name,
                     Table(import.valType, import.limits, Value::nullRef(import.valType)));
      break;
    case ExternKind::Global:
      imports.define(import.module, import.name, Global(zeroOf(import.valType), import.isMutable));
      break;
    }
  }
  return imports;
}

// wasm-interp's words for each trap.
std::string trapText(const RuntimeError &error) {
  const std::optional<TrapKind> kind = error.trapKind();
  if (!kind) return std::string("error: ") + error.what();
  switch (*kind) {
  case TrapKind::Unreachable: return "error: unreachable executed";
  case TrapKind::MemoryOutOfBounds: return "error: out of bounds memory access";
  case TrapKind::TableOutOfBounds: return "error: out of bounds table access";
  case TrapKind::UndefinedElement: return "error: undefined table index";
  case TrapKind::UninitializedElement: return "error: uninitialized table element";
  case TrapKind::IndirectCallTypeMismatch: return "error: indirect call signature mismatch";
  case TrapKind::IntegerDivideByZero: return "error: integer divide by zero";
  case TrapKind::IntegerOverflow: return "error: integer overflow";
  case TrapKind::InvalidConversion: return "error: invalid conversion to integer";
  case TrapKind::CallStackExhausted: return "error: call stack exhausted";
  case TrapKind::NullReference: return "error: null reference";
  case TrapKind::Interrupted: return "error: interrupted";
  }
  return std::string("error: ") + error.what();
}

} // namespace

std::string formatValue(const Value &value) {
  char text[512];
  switch (value.type()) {
  case ValType::I32:
    std::snprintf(text, sizeof text, "i32:%" PRIu32, static_cast<std::uint32_t>(value.i32()));
    return text;
  case ValType::I64:
    std::snprintf(text, sizeof text, "i64:%" PRIu64, static_cast<std::uint64_t>(value.i64()));
    return text;
  case ValType::F32:
    if (std::isnan(value.f32())) return "f32:nan";
    std::snprintf(text, sizeof text, "f32:%f", static_cast<double>(value.f32()));
    return text;
  case ValType::F64:
    if (std::isnan(value.f64())) return "f64:nan";
    std::snprintf(text, sizeof text, "f64:%f", value.f64());
    return text;
  case ValType::V128: {
    const auto lanes = value.v128().lanes<std::uint32_t>();
    std::snprintf(text, sizeof text,
                  "v128 i32x4:0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32,
                  lanes[0], lanes[1], lanes[2], lanes[3]);
    return text;
  }
  case ValType::FuncRef: return value.isNull() ? "funcref:null" : "funcref";
  case ValType::ExternRef: return value.isNull() ? "externref:null" : "externref";
  }
  return "?";
}

// Two imports of one module and name with different types: an import object
// (one value per name, as in the JS API) can satisfy at most one, so such a
// module cannot be instantiated (a LinkError, correctly).
static bool importsClash(const std::vector<ImportDescriptor> &imports) {
  std::map<std::pair<std::string, std::string>, std::string> types;
  for (const ImportDescriptor &import : imports) {
    const auto [at, inserted] =
        types.try_emplace({import.module, import.name}, describeType(import));
    if (!inserted && at->second != describeType(import)) return true;
  }
  return false;
}

RunLog runExports(const Module &module, const RunOptions &options) {
  RunLog log;
  if (importsClash(module.imports())) {
    log.lines.push_back("not instantiable: one import name with two types");
    return log;
  }
  InstanceLimits limits;
  limits.maxMemoryPages = options.maxMemoryPages;
  std::optional<Instance> instance;
  try {
    instance.emplace(module, standInImports(module, log), limits);
  } catch (const RuntimeError &error) {
    // A trap in the start function or a segment out of bounds.
    log.lines.push_back("instantiation " + trapText(error));
    log.cutShort = error.trapKind() == TrapKind::Interrupted ||
                   error.trapKind() == TrapKind::CallStackExhausted;
    return log;
  }
  for (const ExportDescriptor &exported : module.exports()) {
    if (exported.kind != ExternKind::Function) continue;
    if (options.onlyWithoutParameters && !exported.funcType.params.empty()) continue;
    std::vector<Value> args;
    for (ValType type : exported.funcType.params)
      args.push_back(zeroOf(type));
    const Function function = instance->exports().function(exported.name);
    std::string line = exported.name + "(" + joinValues(args) + ") => ";
    try {
      const Deadline deadline = instance->interruptAfter(options.callTimeout);
      line += joinValues(function.call(args));
    } catch (const RuntimeError &error) {
      line += trapText(error);
      if (error.trapKind() == TrapKind::Interrupted ||
          error.trapKind() == TrapKind::CallStackExhausted) {
        log.lines.push_back(line);
        log.cutShort = true;
        return log;
      }
    }
    // wasm-interp prints "name() =>" with a trailing space only before values.
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    log.lines.push_back(line);
  }
  return log;
}

} // namespace waot::fuzz
