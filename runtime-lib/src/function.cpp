// Function: calling wasm functions generically (through their entry
// trampoline) and host functions (directly, or from wasm through their
// binding's invoke).
#include "api_access.hpp"
#include "funcref_registry.hpp"
#include "function_data.hpp"
#include "host_adapters.hpp"
#include "instance_impl.hpp"
#include "slots.hpp"
#include "trap.hpp"
#include "type_registry.hpp"
#include "wasm_stack.hpp"

#include "waot/caller.hpp"
#include "waot/errors.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace waot::detail {
namespace {

void checkArguments(const FuncType &type, std::span<const Value> args) {
  if (args.size() != type.params.size())
    throw TypeError("function " + toString(type) + " expects " +
                    std::to_string(type.params.size()) + " argument(s), got " +
                    std::to_string(args.size()));
  for (std::size_t i = 0; i < args.size(); ++i)
    if (args[i].type() != type.params[i])
      throw TypeError("argument " + std::to_string(i) + " of function " + toString(type) + " is " +
                      std::string(toString(args[i].type())) + ", expected " +
                      std::string(toString(type.params[i])));
}

struct EntryFrame {
  const waot_func *record;
  waot_slot *slots;
};

void runEntry(void *raw) {
  const auto &frame = *static_cast<EntryFrame *>(raw);
  frame.record->entry(frame.record->ctx, frame.record->code, frame.slots);
}

} // namespace

void callRecord(const waot_func &record, waot_slot *slots, std::size_t stackBytes) {
  if (!record.entry || !record.code) throw RuntimeError("function has no native entry point");
  EntryFrame frame{&record, slots};
  callGuarded(&runEntry, &frame, stackBytes);
}

std::shared_ptr<const void> referenceOwner(const Value &value) {
  if (value.type() != ValType::FuncRef || value.isNull()) return nullptr;
  if (const auto &function = ApiAccess::function(value)) return function->owner();
  return functionForRecord(reinterpret_cast<const waot_func *>(value.bits()))->owner();
}

std::vector<Value> WasmFunctionData::call(std::span<const Value> args) {
  std::vector<waot_slot> slots(
      std::max({type_.params.size(), type_.results.size(), std::size_t{1}}));
  for (std::size_t i = 0; i < args.size(); ++i) {
    slots[i] = toSlot(args[i]);
    // The function may store a reference it receives: keep it alive.
    if (auto owner = referenceOwner(args[i]); owner && owner.get() != instance_.get())
      instance_->refOwners().add(std::move(owner));
  }
  callRecord(*record_, slots.data(), instance_->stackBytes());
  std::vector<Value> results;
  results.reserve(type_.results.size());
  for (std::size_t i = 0; i < type_.results.size(); ++i)
    results.push_back(fromSlot(type_.results[i], slots[i]));
  return results;
}

std::shared_ptr<HostFunctionData> HostFunctionData::create(FuncType type,
                                                           Function::CallerHostCallback callback,
                                                           SlotCallback fromWasm,
                                                           bool wantsCaller) {
  if (!callback) throw TypeError("a host function needs a callback");
  auto function = std::make_shared<HostFunctionData>(Token{}, std::move(type), std::move(callback),
                                                     std::move(fromWasm), wantsCaller);
  registerHostRecord(&function->record_, function);
  return function;
}

HostFunctionData::HostFunctionData(Token, FuncType type, Function::CallerHostCallback callback,
                                   SlotCallback fromWasm, bool wantsCaller)
    : type_(std::move(type)), callback_(std::move(callback)), fromWasm_(std::move(fromWasm)),
      wantsCaller_(wantsCaller) {
  binding_.base.invoke = &HostFunctionData::invokeFromWasm;
  binding_.function = this;
  binding_.caller = nullptr;
  record_.ctx = &binding_;
  record_.type_id = internType(type_);
  // code and entry stay null until an artifact provides an adapter.
}

HostFunctionData::~HostFunctionData() { unregisterHostRecord(&record_); }

const waot_func *HostFunctionData::record() {
  {
    std::lock_guard lock(bindMutex_);
    if (record_.code) return &record_;
  }
  auto self = std::static_pointer_cast<HostFunctionData>(shared_from_this());
  if (auto adapter = findAdapterOrWait(record_.type_id, self)) bindAdapter(*adapter);
  return &record_;
}

const waot_func *HostFunctionData::recordForImport(const AdapterSource &adapter,
                                                   InstanceImpl &importer) {
  bindAdapter(adapter);
  if (!wantsCaller_) return &record_;
  return importer.addCallerRecord(std::make_unique<CallerRecord>(
      std::static_pointer_cast<HostFunctionData>(shared_from_this()), adapter, importer));
}

void HostFunctionData::bindAdapter(const AdapterSource &adapter) {
  std::lock_guard lock(bindMutex_);
  if (record_.code) return; // any adapter of the signature will do; keep the first
  record_.code = adapter.adapter;
  record_.entry = adapter.entry;
  adapterLibrary_ = adapter.library;
}

std::vector<Value> HostFunctionData::call(std::span<const Value> args) {
  return runCallback(args, nullptr);
}

std::vector<Value> HostFunctionData::runCallback(std::span<const Value> args,
                                                 InstanceImpl *callerInstance) {
  std::vector<Value> results;
  results.reserve(type_.results.size());
  for (ValType type : type_.results)
    results.push_back(type == ValType::V128 ? Value(V128{}) : Value::fromBits(type, 0));
  Caller caller(callerInstance);
  callback_(caller, args, results);
  for (std::size_t i = 0; i < results.size(); ++i)
    if (results[i].type() != type_.results[i])
      throw TypeError("host function " + toString(type_) + " returned " +
                      std::string(toString(results[i].type())) + " as result " + std::to_string(i) +
                      ", expected " + std::string(toString(type_.results[i])));
  return results;
}

bool HostFunctionData::runFromWasm(waot_slot *slots, InstanceImpl *callerInstance) noexcept {
  try {
    if (fromWasm_) {
      Caller caller(callerInstance);
      fromWasm_(caller, slots); // scalars only: no references to keep alive
      return true;
    }
    std::vector<Value> args;
    args.reserve(type_.params.size());
    for (std::size_t i = 0; i < type_.params.size(); ++i)
      args.push_back(fromSlot(type_.params[i], slots[i]));
    const std::vector<Value> results = runCallback(args, callerInstance);
    for (std::size_t i = 0; i < results.size(); ++i) {
      // Wasm may keep a reference it receives: keep it alive.
      if (auto owner = referenceOwner(results[i]);
          owner && owner.get() != static_cast<const FunctionData *>(this))
        returned_.add(std::move(owner));
      slots[i] = toSlot(results[i]);
    }
    return true;
  } catch (...) {
    storeHostException(std::current_exception());
    return false;
  }
}

void HostFunctionData::invokeFromWasm(waot_host_binding *self, waot_slot *slots) {
  // Everything with a destructor lives in runFromWasm, whose frame is gone
  // before raiseTrap unwinds over this one.
  // Host code has no guard of its own on a nearly full stack: refuse it.
  if (hostStackNearlyExhausted()) raiseTrap(WAOT_TRAP_CALL_STACK_EXHAUSTED);
  auto *binding = reinterpret_cast<HostBinding *>(self);
  if (!binding->function->runFromWasm(slots, binding->caller)) raiseTrap(WAOT_TRAP_HOST_EXCEPTION);
}

CallerRecord::CallerRecord(const std::shared_ptr<HostFunctionData> &function,
                           const AdapterSource &adapter, InstanceImpl &caller)
    : function_(function), adapterLibrary_(adapter.library) {
  binding_.base.invoke = &HostFunctionData::invokeFromWasm;
  binding_.function = function.get();
  binding_.caller = &caller;
  record_.code = adapter.adapter;
  record_.entry = adapter.entry;
  record_.ctx = &binding_;
  record_.type_id = internType(function->type());
  // A funcref the instance makes of its import is this record: the host
  // reading it back gets the host function itself.
  registerHostRecord(&record_, function);
}

CallerRecord::~CallerRecord() { unregisterHostRecord(&record_); }

NativeTarget nativeTarget(const Function &function) {
  const auto &data = ApiAccess::data(function);
  const waot_func *record = data->record();
  if (!record->code)
    throw Error("host function " + toString(data->type()) +
                " has no native entry point: no loaded artifact has a function of this signature");
  std::size_t stackBytes = 0;
  if (const auto *wasm = dynamic_cast<const WasmFunctionData *>(data.get()))
    stackBytes = wasm->instance().stackBytes();
  return {record->code, record->ctx, stackBytes};
}

} // namespace waot::detail

namespace waot {

Function::Function(FuncType type, HostCallback host) {
  if (!host) throw TypeError("a host function needs a callback");
  data_ = detail::HostFunctionData::create(
      std::move(type),
      [host = std::move(host)](Caller &, std::span<const Value> args, std::span<Value> results) {
        host(args, results);
      },
      {}, false);
}

Function::Function(FuncType type, CallerHostCallback host)
    : data_(detail::HostFunctionData::create(std::move(type), std::move(host), {}, true)) {}

Function detail::makeHostFunction(FuncType type, Function::CallerHostCallback callback,
                                  SlotCallback fromWasm, bool wantsCaller) {
  return detail::ApiAccess::function(detail::HostFunctionData::create(
      std::move(type), std::move(callback), std::move(fromWasm), wantsCaller));
}

Function::Function(detail::InternalTag, std::shared_ptr<detail::FunctionData> data) noexcept
    : data_(std::move(data)) {}

const FuncType &Function::type() const noexcept { return data_->type(); }

bool Function::isHost() const noexcept { return data_->isHost(); }

std::vector<Value> Function::call(std::span<const Value> args) const {
  detail::checkArguments(data_->type(), args);
  return data_->call(args);
}

std::vector<Value> Function::call(std::initializer_list<Value> args) const {
  return call(std::span<const Value>(args.begin(), args.size()));
}

bool operator==(const Function &a, const Function &b) noexcept {
  if (a.data_ == b.data_) return true;
  if (a.data_->isHost() || b.data_->isHost()) return false;
  return a.data_->record() == b.data_->record(); // wasm records never need binding
}

} // namespace waot
