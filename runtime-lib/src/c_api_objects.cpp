// The C API (waot/waot.h): functions (host callbacks, calls), memories,
// tables and globals.
#include "c_api_support.hpp"

#include <cstdio>
#include <memory>
#include <new>
#include <optional>

namespace waot::capi {
namespace {

ValType valueType(std::uint8_t code, const char *what) {
  switch (code) {
  case WAOT_I32:
  case WAOT_I64:
  case WAOT_F32:
  case WAOT_F64:
  case WAOT_V128:
  case WAOT_FUNCREF:
  case WAOT_EXTERNREF: return static_cast<ValType>(code);
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(code));
  throw TypeError(std::string(what) + " has invalid value type " + hex);
}

std::vector<ValType> valueTypes(const std::uint8_t *codes, std::size_t count, const char *what) {
  if (count != 0) require(codes, what);
  std::vector<ValType> types;
  types.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    types.push_back(valueType(codes[i], what));
  return types;
}

// A C host function's callback and environment. The finalizer runs when the
// last reference to the function goes away.
struct HostCallback {
  waot_host_callback callback = nullptr; // one of these two
  waot_host_caller_callback callerCallback = nullptr;
  void *env = nullptr;
  void (*finalizer)(void *) = nullptr;

  HostCallback() = default;
  HostCallback(const HostCallback &) = delete;
  HostCallback &operator=(const HostCallback &) = delete;
  ~HostCallback() {
    if (finalizer) finalizer(env);
  }

  void operator()(Caller &caller, std::span<const Value> args, std::span<Value> results) const {
    std::vector<waot_value_t> cArgs;
    cArgs.reserve(args.size());
    for (const Value &arg : args)
      cArgs.push_back(fromValue(arg));
    // Pre-typed zero results, so a callback that forgets one returns zero.
    std::vector<waot_value_t> cResults;
    cResults.reserve(results.size());
    for (const Value &result : results)
      cResults.push_back(fromValue(result));
    waot_caller_t cCaller{&caller};
    if (const char *failure =
            callerCallback
                ? callerCallback(env, &cCaller, cArgs.data(), cArgs.size(), cResults.data(),
                                 cResults.size())
                : callback(env, cArgs.data(), cArgs.size(), cResults.data(), cResults.size()))
      throw HostFailure(failure);
    for (std::size_t i = 0; i < results.size(); ++i)
      results[i] = toValue(cResults[i]);
  }
};

std::optional<std::uint64_t> maximum(int hasMax, std::uint64_t max) {
  return hasMax ? std::optional<std::uint64_t>(max) : std::nullopt;
}

Value initialValue(const waot_value_t *init, ValType refType) {
  return init ? toValue(*init) : Value::nullRef(refType);
}

} // namespace
} // namespace waot::capi

using waot::capi::guarded;
using waot::capi::require;

// Handles are allocated with new and released by the matching
// waot_*_delete: the C caller owns them.
extern "C" {

namespace {

// waot_func_new and waot_func_new_with_caller: `host` has its callback set.
waot_status newHostFunction(const char *what, const uint8_t *params, size_t num_params,
                            const uint8_t *results, size_t num_results,
                            std::shared_ptr<waot::capi::HostCallback> host,
                            void (*finalizer)(void *env), waot_func_t **out) {
  return guarded([&] {
    if (!host->callback && !host->callerCallback)
      throw waot::TypeError(std::string(what) + ": callback is NULL");
    require(out, (std::string(what) + ": out").c_str());
    waot::FuncType type{waot::capi::valueTypes(params, num_params, what),
                        waot::capi::valueTypes(results, num_results, what)};
    auto call = [host](waot::Caller &caller, std::span<const waot::Value> a,
                       std::span<waot::Value> r) { (*host)(caller, a, r); };
    auto handle = host->callerCallback
                      ? std::make_unique<waot_func_t>(waot_func_t{waot::Function(
                            std::move(type), waot::Function::CallerHostCallback(std::move(call)))})
                      : std::make_unique<waot_func_t>(waot_func_t{
                            waot::Function(std::move(type), [call](std::span<const waot::Value> a,
                                                                   std::span<waot::Value> r) {
                              waot::Caller none(nullptr);
                              call(none, a, r);
                            })});
    // Only now: on failure the caller still owns `env` and no finalizer runs.
    host->finalizer = finalizer;
    *out = handle.release();
  });
}

} // namespace

waot_status waot_func_new(const uint8_t *params, size_t num_params, const uint8_t *results,
                          size_t num_results, waot_host_callback callback, void *env,
                          void (*finalizer)(void *env), waot_func_t **out) {
  auto host = std::make_shared<waot::capi::HostCallback>();
  host->callback = callback;
  host->env = env;
  return newHostFunction("waot_func_new", params, num_params, results, num_results, std::move(host),
                         finalizer, out);
}

waot_status waot_func_new_with_caller(const uint8_t *params, size_t num_params,
                                      const uint8_t *results, size_t num_results,
                                      waot_host_caller_callback callback, void *env,
                                      void (*finalizer)(void *env), waot_func_t **out) {
  auto host = std::make_shared<waot::capi::HostCallback>();
  host->callerCallback = callback;
  host->env = env;
  return newHostFunction("waot_func_new_with_caller", params, num_params, results, num_results,
                         std::move(host), finalizer, out);
}

int waot_caller_has_instance(const waot_caller_t *caller) {
  return caller && caller->caller->hasInstance() ? 1 : 0;
}

waot_status waot_caller_export_memory(const waot_caller_t *caller, const char *name,
                                      waot_memory_t **out) {
  return guarded([&] {
    require(caller, "waot_caller_export_memory: caller");
    require(name, "waot_caller_export_memory: name");
    require(out, "waot_caller_export_memory: out");
    *out = new waot_memory_t{caller->caller->memory(name)};
  });
}

waot_status waot_caller_export_func(const waot_caller_t *caller, const char *name,
                                    waot_func_t **out) {
  return guarded([&] {
    require(caller, "waot_caller_export_func: caller");
    require(name, "waot_caller_export_func: name");
    require(out, "waot_caller_export_func: out");
    *out = new waot_func_t{caller->caller->function(name)};
  });
}

void waot_func_delete(waot_func_t *func) { delete func; }

size_t waot_func_param_count(const waot_func_t *func) {
  return func ? func->function.type().params.size() : 0;
}

size_t waot_func_result_count(const waot_func_t *func) {
  return func ? func->function.type().results.size() : 0;
}

uint8_t waot_func_param_type(const waot_func_t *func, size_t index) {
  if (!func || index >= func->function.type().params.size()) return 0;
  return static_cast<uint8_t>(func->function.type().params[index]);
}

uint8_t waot_func_result_type(const waot_func_t *func, size_t index) {
  if (!func || index >= func->function.type().results.size()) return 0;
  return static_cast<uint8_t>(func->function.type().results[index]);
}

waot_status waot_func_call(const waot_func_t *func, const waot_value_t *args, size_t num_args,
                           waot_value_t *results, size_t num_results) {
  return guarded([&] {
    require(func, "waot_func_call: func");
    if (num_args != 0) require(args, "waot_func_call: args");
    if (num_results != 0) require(results, "waot_func_call: results");
    const waot::FuncType &type = func->function.type();
    if (num_results != type.results.size())
      throw waot::TypeError("function " + waot::toString(type) + " has " +
                            std::to_string(type.results.size()) +
                            " result(s), the call has room for " + std::to_string(num_results));
    std::vector<waot::Value> values;
    values.reserve(num_args);
    for (size_t i = 0; i < num_args; ++i)
      values.push_back(waot::capi::toValue(args[i]));
    const std::vector<waot::Value> returned = func->function.call(values);
    for (size_t i = 0; i < returned.size(); ++i)
      results[i] = waot::capi::fromValue(returned[i]);
  });
}

waot_status waot_func_as_value(const waot_func_t *func, waot_value_t *out) {
  return guarded([&] {
    require(func, "waot_func_as_value: func");
    require(out, "waot_func_as_value: out");
    *out = waot::capi::fromValue(waot::Value::funcref(func->function));
  });
}

waot_status waot_value_func(const waot_value_t *value, waot_func_t **out) {
  return guarded([&] {
    require(value, "waot_value_func: value");
    require(out, "waot_value_func: out");
    if (value->type != WAOT_FUNCREF)
      throw waot::TypeError("waot_value_func: the value is not a funcref");
    const std::optional<waot::Function> function = waot::capi::toValue(*value).funcref();
    *out = function ? new waot_func_t{*function} : nullptr;
  });
}

waot_status waot_memory_new(uint32_t min_pages, int has_max, uint32_t max_pages,
                            waot_memory_t **out) {
  return guarded([&] {
    require(out, "waot_memory_new: out");
    *out = new waot_memory_t{
        waot::Memory(waot::Limits(min_pages, waot::capi::maximum(has_max, max_pages)))};
  });
}

waot_status waot_memory_new64(uint64_t min_pages, int has_max, uint64_t max_pages,
                              waot_memory_t **out) {
  return guarded([&] {
    require(out, "waot_memory_new64: out");
    *out = new waot_memory_t{waot::Memory(
        waot::Limits(min_pages, waot::capi::maximum(has_max, max_pages), /*is64=*/true))};
  });
}

void waot_memory_delete(waot_memory_t *memory) { delete memory; }

int waot_memory_is64(const waot_memory_t *memory) {
  return memory && memory->memory.limits().is64 ? 1 : 0;
}

uint8_t *waot_memory_data(const waot_memory_t *memory) {
  return memory ? memory->memory.data() : nullptr;
}

size_t waot_memory_size(const waot_memory_t *memory) { return memory ? memory->memory.size() : 0; }

waot_status waot_memory_grow(waot_memory_t *memory, uint32_t delta_pages, uint32_t *old_pages) {
  return guarded([&] {
    require(memory, "waot_memory_grow: memory");
    const uint32_t old = memory->memory.grow(delta_pages);
    if (old_pages) *old_pages = old;
  });
}

waot_status waot_table_new(uint8_t elem_type, uint32_t min, int has_max, uint32_t max,
                           const waot_value_t *init, waot_table_t **out) {
  return guarded([&] {
    require(out, "waot_table_new: out");
    const waot::ValType type = waot::capi::valueType(elem_type, "waot_table_new: element type");
    *out = new waot_table_t{waot::Table(type, waot::Limits(min, waot::capi::maximum(has_max, max)),
                                        waot::capi::initialValue(init, type))};
  });
}

waot_status waot_table_new64(uint8_t elem_type, uint64_t min, int has_max, uint64_t max,
                             const waot_value_t *init, waot_table_t **out) {
  return guarded([&] {
    require(out, "waot_table_new64: out");
    const waot::ValType type = waot::capi::valueType(elem_type, "waot_table_new64: element type");
    *out = new waot_table_t{
        waot::Table(type, waot::Limits(min, waot::capi::maximum(has_max, max), /*is64=*/true),
                    waot::capi::initialValue(init, type))};
  });
}

void waot_table_delete(waot_table_t *table) { delete table; }

uint32_t waot_table_size(const waot_table_t *table) { return table ? table->table.size() : 0; }

waot_status waot_table_get(const waot_table_t *table, uint32_t index, waot_value_t *out) {
  return guarded([&] {
    require(table, "waot_table_get: table");
    require(out, "waot_table_get: out");
    *out = waot::capi::fromValue(table->table.get(index));
  });
}

waot_status waot_table_set(waot_table_t *table, uint32_t index, const waot_value_t *value) {
  return guarded([&] {
    require(table, "waot_table_set: table");
    require(value, "waot_table_set: value");
    table->table.set(index, waot::capi::toValue(*value));
  });
}

waot_status waot_table_grow(waot_table_t *table, uint32_t delta, const waot_value_t *init,
                            uint32_t *old_size) {
  return guarded([&] {
    require(table, "waot_table_grow: table");
    const uint32_t old =
        table->table.grow(delta, waot::capi::initialValue(init, table->table.elementType()));
    if (old_size) *old_size = old;
  });
}

waot_status waot_global_new(const waot_value_t *init, int is_mutable, waot_global_t **out) {
  return guarded([&] {
    require(init, "waot_global_new: init");
    require(out, "waot_global_new: out");
    *out = new waot_global_t{waot::Global(waot::capi::toValue(*init), is_mutable != 0)};
  });
}

void waot_global_delete(waot_global_t *global) { delete global; }

uint8_t waot_global_type(const waot_global_t *global) {
  return global ? static_cast<uint8_t>(global->global.type()) : 0;
}

int waot_global_is_mutable(const waot_global_t *global) {
  return global && global->global.isMutable() ? 1 : 0;
}

waot_status waot_global_get(const waot_global_t *global, waot_value_t *out) {
  return guarded([&] {
    require(global, "waot_global_get: global");
    require(out, "waot_global_get: out");
    *out = waot::capi::fromValue(global->global.get());
  });
}

waot_status waot_global_set(waot_global_t *global, const waot_value_t *value) {
  return guarded([&] {
    require(global, "waot_global_set: global");
    require(value, "waot_global_set: value");
    global->global.set(waot::capi::toValue(*value));
  });
}

} // extern "C"
