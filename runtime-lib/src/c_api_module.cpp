// The C API (waot/waot.h): errors, value conversion, modules, imports and
// instances. Functions, memories, tables and globals: c_api_objects.cpp;
// loading .so files: c_api_module_load.cpp.
#include "c_api_support.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

namespace waot::capi {
namespace {

// The calling thread's last failure. Trivially initialized, so reading it
// never allocates.
constinit thread_local waot_status lastStatus = WAOT_OK;
constinit thread_local std::uint32_t lastTrap = WAOT_TRAP_NONE;
thread_local std::string lastMessage;

waot_status record(waot_status status, const char *message,
                   std::uint32_t trap = WAOT_TRAP_NONE) noexcept {
  lastStatus = status;
  lastTrap = trap;
  try {
    lastMessage = message;
  } catch (...) {
    lastMessage.clear(); // out of memory: the status still tells what happened
  }
  return status;
}

} // namespace

waot_status recordCurrentException() noexcept {
  try {
    throw;
  } catch (const HostFailure &e) {
    return record(WAOT_ERROR_HOST, e.what());
  } catch (const CompileError &e) {
    return record(WAOT_ERROR_COMPILE, e.what());
  } catch (const LinkError &e) {
    return record(WAOT_ERROR_LINK, e.what());
  } catch (const RuntimeError &e) {
    const auto trap = e.trapKind();
    return record(WAOT_ERROR_RUNTIME, e.what(),
                  trap ? static_cast<std::uint32_t>(*trap) : std::uint32_t{WAOT_TRAP_NONE});
  } catch (const TypeError &e) {
    return record(WAOT_ERROR_TYPE, e.what());
  } catch (const std::bad_alloc &) {
    return record(WAOT_ERROR_OTHER, "out of memory");
  } catch (const std::exception &e) {
    return record(WAOT_ERROR_OTHER, e.what());
  } catch (...) {
    return record(WAOT_ERROR_OTHER, "unknown exception");
  }
}

void require(const void *pointer, const char *what) {
  if (!pointer) throw TypeError(std::string(what) + " is NULL");
}

Value toValue(const waot_value_t &value) {
  switch (value.type) {
  case WAOT_I32: return Value(value.of.i32);
  case WAOT_I64: return Value(value.of.i64);
  case WAOT_F32: return Value(value.of.f32);
  case WAOT_F64: return Value(value.of.f64);
  // A funcref's `ref` is the function's record (see fromValue): the runtime
  // finds the function it belongs to, or fails for an unknown pointer.
  case WAOT_FUNCREF:
    return Value::fromBits(ValType::FuncRef, reinterpret_cast<std::uintptr_t>(value.of.ref));
  case WAOT_EXTERNREF: return Value::externref(value.of.ref);
  case WAOT_V128: {
    std::array<std::uint8_t, 16> bytes;
    std::memcpy(bytes.data(), value.of.v128, bytes.size());
    return Value(V128::fromBytes(bytes));
  }
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(value.type));
  throw TypeError(std::string("invalid value type ") + hex);
}

waot_value_t fromValue(const Value &value) {
  waot_value_t result{};
  result.type = static_cast<std::uint8_t>(value.type());
  switch (value.type()) {
  case ValType::I32: result.of.i32 = value.i32(); break;
  case ValType::I64: result.of.i64 = value.i64(); break;
  case ValType::F32: result.of.f32 = value.f32(); break;
  case ValType::F64: result.of.f64 = value.f64(); break;
  case ValType::V128: {
    const std::array<std::uint8_t, 16> bytes = value.v128().bytes();
    std::memcpy(result.of.v128, bytes.data(), bytes.size());
    break;
  }
  case ValType::FuncRef:
  case ValType::ExternRef:
    result.of.ref = reinterpret_cast<void *>(static_cast<std::uintptr_t>(value.bits()));
    break;
  }
  return result;
}

namespace {

template <class Descriptor> WaotExternReflection reflect(const Descriptor &descriptor) {
  WaotExternReflection reflection;
  for (ValType type : descriptor.funcType.params)
    reflection.params.push_back(static_cast<std::uint8_t>(type));
  for (ValType type : descriptor.funcType.results)
    reflection.results.push_back(static_cast<std::uint8_t>(type));
  reflection.text = describeType(descriptor);
  return reflection;
}

template <class Descriptor>
waot_extern_type_t externType(const Descriptor &descriptor,
                              const WaotExternReflection &reflection) {
  waot_extern_type_t type{};
  type.kind = static_cast<std::uint8_t>(descriptor.kind);
  type.val_type = static_cast<std::uint8_t>(descriptor.valType);
  type.is_mutable = descriptor.isMutable ? 1 : 0;
  type.has_max = descriptor.limits.max ? 1 : 0;
  type.is64 = descriptor.limits.is64 ? 1 : 0;
  type.num_params = static_cast<std::uint32_t>(reflection.params.size());
  type.num_results = static_cast<std::uint32_t>(reflection.results.size());
  type.params = reflection.params.data();
  type.results = reflection.results.data();
  type.min = descriptor.limits.min;
  type.max = descriptor.limits.max.value_or(0);
  type.text = reflection.text.c_str();
  return type;
}

// The C and C++ extern kinds are numbered alike.
static_assert(waot::kMinStackBytes == WAOT_MIN_STACK_BYTES);
static_assert(static_cast<int>(ExternKind::Function) == WAOT_EXTERN_FUNC);
static_assert(static_cast<int>(ExternKind::Table) == WAOT_EXTERN_TABLE);
static_assert(static_cast<int>(ExternKind::Memory) == WAOT_EXTERN_MEMORY);
static_assert(static_cast<int>(ExternKind::Global) == WAOT_EXTERN_GLOBAL);

} // namespace

waot_module_t *newModuleHandle(Module module) {
  auto reflection = std::make_shared<WaotModuleReflection>();
  reflection->imports = module.imports();
  reflection->exports = module.exports();
  for (const auto &import : reflection->imports)
    reflection->importTypes.push_back(reflect(import));
  for (const auto &exported : reflection->exports)
    reflection->exportTypes.push_back(reflect(exported));
  return new waot_module_t{std::move(module), std::move(reflection)};
}

} // namespace waot::capi

using waot::capi::guarded;
using waot::capi::require;

namespace {
// The waot_imports_define_* functions: `get` reads the Extern out of the handle.
waot_status defineImport(waot_imports_t *imports, const char *module, const char *name,
                         const void *handle, waot::Extern (*get)(const void *)) {
  return guarded([&] {
    require(imports, "waot_imports_define: imports");
    require(module, "waot_imports_define: module");
    require(name, "waot_imports_define: name");
    require(handle, "waot_imports_define: value");
    imports->imports.define(module, name, get(handle));
  });
}
} // namespace

// Handles are allocated with new and released by the matching
// waot_*_delete: the C caller owns them.
extern "C" {

const char *waot_last_error_message(void) { return waot::capi::lastMessage.c_str(); }

uint32_t waot_last_error_trap(void) { return waot::capi::lastTrap; }

waot_status waot_module_new_linked(const struct waot_artifact *descriptor, waot_module_t **out) {
  return guarded([&] {
    require(descriptor, "waot_module_new_linked: descriptor");
    require(out, "waot_module_new_linked: out");
    *out = waot::capi::newModuleHandle(waot::Module::linked(*descriptor));
  });
}

waot_module_t *waot_module_copy(const waot_module_t *module) {
  if (!module) return nullptr;
  return new (std::nothrow) waot_module_t{module->module, module->reflection};
}

void waot_module_delete(waot_module_t *module) { delete module; }

size_t waot_module_import_count(const waot_module_t *module) {
  return module ? module->reflection->imports.size() : 0;
}

size_t waot_module_export_count(const waot_module_t *module) {
  return module ? module->reflection->exports.size() : 0;
}

waot_status waot_module_import(const waot_module_t *module, size_t index, waot_import_info_t *out) {
  return guarded([&] {
    require(module, "waot_module_import: module");
    require(out, "waot_module_import: out");
    const WaotModuleReflection &reflection = *module->reflection;
    if (index >= reflection.imports.size())
      throw waot::TypeError("import index " + std::to_string(index) +
                            " out of range (the module has " +
                            std::to_string(reflection.imports.size()) + " imports)");
    const waot::ImportDescriptor &import = reflection.imports[index];
    *out = {import.module.c_str(), import.name.c_str(),
            waot::capi::externType(import, reflection.importTypes[index])};
  });
}

waot_status waot_module_export(const waot_module_t *module, size_t index, waot_export_info_t *out) {
  return guarded([&] {
    require(module, "waot_module_export: module");
    require(out, "waot_module_export: out");
    const WaotModuleReflection &reflection = *module->reflection;
    if (index >= reflection.exports.size())
      throw waot::TypeError("export index " + std::to_string(index) +
                            " out of range (the module has " +
                            std::to_string(reflection.exports.size()) + " exports)");
    const waot::ExportDescriptor &exported = reflection.exports[index];
    *out = {exported.name.c_str(), waot::capi::externType(exported, reflection.exportTypes[index])};
  });
}

waot_imports_t *waot_imports_new(void) { return new (std::nothrow) waot_imports_t{}; }

void waot_imports_delete(waot_imports_t *imports) { delete imports; }

waot_status waot_imports_define_func(waot_imports_t *imports, const char *module, const char *name,
                                     const waot_func_t *func) {
  return defineImport(imports, module, name, func, [](const void *h) -> waot::Extern {
    return static_cast<const waot_func_t *>(h)->function;
  });
}

waot_status waot_imports_define_memory(waot_imports_t *imports, const char *module,
                                       const char *name, const waot_memory_t *memory) {
  return defineImport(imports, module, name, memory, [](const void *h) -> waot::Extern {
    return static_cast<const waot_memory_t *>(h)->memory;
  });
}

waot_status waot_imports_define_table(waot_imports_t *imports, const char *module, const char *name,
                                      const waot_table_t *table) {
  return defineImport(imports, module, name, table, [](const void *h) -> waot::Extern {
    return static_cast<const waot_table_t *>(h)->table;
  });
}

waot_status waot_imports_define_global(waot_imports_t *imports, const char *module,
                                       const char *name, const waot_global_t *global) {
  return defineImport(imports, module, name, global, [](const void *h) -> waot::Extern {
    return static_cast<const waot_global_t *>(h)->global;
  });
}

waot_status waot_imports_define_instance(waot_imports_t *imports, const char *module,
                                         const waot_instance_t *instance) {
  return guarded([&] {
    require(imports, "waot_imports_define_instance: imports");
    require(module, "waot_imports_define_instance: module");
    require(instance, "waot_imports_define_instance: instance");
    imports->imports.define(module, instance->instance.exports());
  });
}

waot_status waot_instance_new(const waot_module_t *module, const waot_imports_t *imports,
                              waot_instance_t **out) {
  return guarded([&] {
    require(module, "waot_instance_new: module");
    require(out, "waot_instance_new: out");
    const waot::Imports none;
    *out = new waot_instance_t{waot::Instance(module->module, imports ? imports->imports : none)};
  });
}

waot_status waot_instance_new_with_limits(const waot_module_t *module,
                                          const waot_imports_t *imports,
                                          const waot_instance_limits_t *limits,
                                          waot_instance_t **out) {
  return guarded([&] {
    require(module, "waot_instance_new_with_limits: module");
    require(out, "waot_instance_new_with_limits: out");
    waot::InstanceLimits cppLimits;
    if (limits && limits->max_memory_pages != WAOT_NO_LIMIT)
      cppLimits.maxMemoryPages = limits->max_memory_pages;
    if (limits && limits->max_table_elements != WAOT_NO_LIMIT)
      cppLimits.maxTableElements = limits->max_table_elements;
    if (limits && limits->max_stack_bytes != WAOT_NO_LIMIT && limits->max_stack_bytes != 0)
      cppLimits.maxStackBytes = limits->max_stack_bytes;
    const waot::Imports none;
    *out = new waot_instance_t{
        waot::Instance(module->module, imports ? imports->imports : none, cppLimits)};
  });
}

void waot_instance_delete(waot_instance_t *instance) { delete instance; }

int waot_instance_interruptible(const waot_instance_t *instance) {
  return instance && instance->instance.interruptible() ? 1 : 0;
}

waot_status waot_instance_interrupt(const waot_instance_t *instance) {
  return guarded([&] {
    require(instance, "waot_instance_interrupt: instance");
    instance->instance.interrupt();
  });
}

waot_status waot_instance_interrupt_after(const waot_instance_t *instance, uint64_t nanoseconds,
                                          waot_deadline_t **out) {
  return guarded([&] {
    require(instance, "waot_instance_interrupt_after: instance");
    require(out, "waot_instance_interrupt_after: out");
    // (saturated: a duration beyond ~292 years is forever anyway)
    const auto timeout = std::chrono::nanoseconds(
        static_cast<std::int64_t>(std::min<uint64_t>(nanoseconds, INT64_MAX / 2)));
    *out = new waot_deadline_t{instance->instance.interruptAfter(timeout)};
  });
}

void waot_deadline_delete(waot_deadline_t *deadline) { delete deadline; }

waot_status waot_instance_export_func(const waot_instance_t *instance, const char *name,
                                      waot_func_t **out) {
  return guarded([&] {
    require(instance, "waot_instance_export_func: instance");
    require(name, "waot_instance_export_func: name");
    require(out, "waot_instance_export_func: out");
    *out = new waot_func_t{instance->instance.exports().function(name)};
  });
}

waot_status waot_instance_export_memory(const waot_instance_t *instance, const char *name,
                                        waot_memory_t **out) {
  return guarded([&] {
    require(instance, "waot_instance_export_memory: instance");
    require(name, "waot_instance_export_memory: name");
    require(out, "waot_instance_export_memory: out");
    *out = new waot_memory_t{instance->instance.exports().memory(name)};
  });
}

waot_status waot_instance_export_table(const waot_instance_t *instance, const char *name,
                                       waot_table_t **out) {
  return guarded([&] {
    require(instance, "waot_instance_export_table: instance");
    require(name, "waot_instance_export_table: name");
    require(out, "waot_instance_export_table: out");
    *out = new waot_table_t{instance->instance.exports().table(name)};
  });
}

waot_status waot_instance_export_global(const waot_instance_t *instance, const char *name,
                                        waot_global_t **out) {
  return guarded([&] {
    require(instance, "waot_instance_export_global: instance");
    require(name, "waot_instance_export_global: name");
    require(out, "waot_instance_export_global: out");
    *out = new waot_global_t{instance->instance.exports().global(name)};
  });
}

} // extern "C"
