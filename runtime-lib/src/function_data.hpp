// The runtime side of Function: a wasm function of an instance, or a host
// function together with the waot_func record generated code calls it by.
#pragma once

#include "library.hpp"
#include "owner_set.hpp"

#include "waot/abi.h"
#include "waot/function.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace waot::detail {

class InstanceImpl;

// A native host adapter for one signature, and the artifact it lives in.
struct AdapterSource {
  void *adapter = nullptr;
  waot_entry_fn entry = nullptr;
  std::shared_ptr<const Library> library;
};

class FunctionData : public std::enable_shared_from_this<FunctionData> {
public:
  virtual ~FunctionData() = default;

  virtual const FuncType &type() const noexcept = 0;
  virtual bool isHost() const noexcept = 0;
  // The record generated code calls this function through. A host function
  // gets the native adapter of any loaded artifact with its signature (or,
  // if there is none yet, of the next one loaded).
  virtual const waot_func *record() = 0;
  // The record for an import by `importer`, an instance of an artifact that
  // provides `adapter`.
  virtual const waot_func *recordForImport(const AdapterSource &adapter,
                                           InstanceImpl &importer) = 0;
  // What keeps record() valid: the instance, or the host function itself.
  virtual std::shared_ptr<const void> owner() = 0;
  // Function::call after the argument checks.
  virtual std::vector<Value> call(std::span<const Value> args) = 0;
};

class WasmFunctionData final : public FunctionData {
public:
  WasmFunctionData(std::shared_ptr<InstanceImpl> instance, const waot_func *record,
                   const FuncType &type) noexcept
      : instance_(std::move(instance)), record_(record), type_(type) {}

  const FuncType &type() const noexcept override { return type_; }
  bool isHost() const noexcept override { return false; }
  const waot_func *record() override { return record_; }
  const waot_func *recordForImport(const AdapterSource &, InstanceImpl &) override {
    return record_;
  }
  std::shared_ptr<const void> owner() override { return instance_; }
  std::vector<Value> call(std::span<const Value> args) override;
  const InstanceImpl &instance() const noexcept { return *instance_; }

private:
  std::shared_ptr<InstanceImpl> instance_;
  const waot_func *record_;
  const FuncType &type_; // owned by the instance's module
};

class HostFunctionData;

// The callee context of a host function's record (see waot_host_binding).
struct HostBinding {
  waot_host_binding base; // first, so a waot_host_binding* is a HostBinding*
  HostFunctionData *function;
  InstanceImpl *caller; // the importing instance; null in the shared record
};

// The record through which one instance calls a host function that wants
// its caller. Owned by that instance (its address is in the instance's
// context and in any funcref the instance makes of the import).
class CallerRecord {
public:
  CallerRecord(const std::shared_ptr<HostFunctionData> &function, const AdapterSource &adapter,
               InstanceImpl &caller);
  ~CallerRecord();
  CallerRecord(const CallerRecord &) = delete;
  CallerRecord &operator=(const CallerRecord &) = delete;
  const waot_func *record() const noexcept { return &record_; }

private:
  waot_func record_{};
  HostBinding binding_{};
  std::shared_ptr<HostFunctionData> function_;
  std::shared_ptr<const Library> adapterLibrary_;
};

class HostFunctionData final : public FunctionData {
  struct Token {};

public:
  // `fromWasm`, when given, serves calls from generated code (it must do what
  // `callback` does, on raw slots).
  static std::shared_ptr<HostFunctionData> create(FuncType type,
                                                  Function::CallerHostCallback callback,
                                                  SlotCallback fromWasm, bool wantsCaller);
  HostFunctionData(Token, FuncType type, Function::CallerHostCallback callback,
                   SlotCallback fromWasm, bool wantsCaller);
  ~HostFunctionData() override;

  const FuncType &type() const noexcept override { return type_; }
  bool isHost() const noexcept override { return true; }
  const waot_func *record() override;
  const waot_func *recordForImport(const AdapterSource &adapter, InstanceImpl &importer) override;
  std::shared_ptr<const void> owner() override { return shared_from_this(); }
  std::vector<Value> call(std::span<const Value> args) override;

  // Makes the record callable through `adapter` unless it already is.
  void bindAdapter(const AdapterSource &adapter);

  // waot_host_binding::invoke: runs the callback for generated code.
  static void invokeFromWasm(waot_host_binding *self, waot_slot *slots);

private:
  // False when the callback threw (the exception is stored for the trap).
  bool runFromWasm(waot_slot *slots, InstanceImpl *caller) noexcept;
  std::vector<Value> runCallback(std::span<const Value> args, InstanceImpl *caller);

  FuncType type_;
  Function::CallerHostCallback callback_;
  SlotCallback fromWasm_;
  bool wantsCaller_;
  std::mutex bindMutex_;
  waot_func record_{};
  HostBinding binding_{};
  std::shared_ptr<const Library> adapterLibrary_; // keeps the bound adapter's code loaded
  // Functions this host function returned to wasm: wasm may keep them.
  OwnerSet returned_;
};

// Calls `record` through its generic entry trampoline inside the trap
// boundary: parameters in slots[0..], results written back to slots[0..].
// `stackBytes`: the callee instance's stack limit (0: none).
void callRecord(const waot_func &record, waot_slot *slots, std::size_t stackBytes);

// The owner to keep alive for a reference value stored somewhere, or null
// (numbers, externrefs, null references).
std::shared_ptr<const void> referenceOwner(const Value &value);

} // namespace waot::detail
