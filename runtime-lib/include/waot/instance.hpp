// Loading compiled artifacts and instantiating them: Module, Imports,
// Exports, Instance (the WebAssembly JavaScript API's shapes).
#pragma once

#include "waot/externals.hpp"
#include "waot/function.hpp"
#include "waot/types.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct waot_artifact; // waot/abi.h: a compiled module's descriptor

namespace waot {

namespace detail {
struct ModuleData;
class InstanceImpl;
struct ExportsData;
struct DeadlineState;
} // namespace detail

// A pending interrupt of an instance at a point in time, from
// Instance::interruptAfter. Destroying it (or cancel()) withdraws the
// interrupt if it has not fired yet, and clears a fired one that no code has
// taken yet, so that a deadline never stops a later call. Movable, not
// copyable; keeps its instance alive.
class Deadline {
public:
  Deadline() noexcept = default;
  Deadline(Deadline &&) noexcept = default;
  Deadline &operator=(Deadline &&other) noexcept;
  ~Deadline();
  Deadline(const Deadline &) = delete;
  Deadline &operator=(const Deadline &) = delete;

  void cancel() noexcept;
  // Whether the time came (and the interrupt was requested).
  bool fired() const noexcept;

private:
  friend class Instance;
  std::shared_ptr<detail::DeadlineState> state_;
};

class Exports;

// Resource limits of one instance (the JS API has none; cf. wasmtime's
// ResourceLimiter): the most pages each memory and the most elements each
// table the instance defines may have. memory.grow / table.grow (also from
// the host) beyond them return -1, as the spec allows a failed grow; an
// instance whose memory or table starts larger cannot be created
// (RuntimeError naming it). Imported memories and tables are limited by the
// instance that defined them.
//
// maxStackBytes: the size of the stack the instance's code runs on when the
// host calls it (its exports, its start function). Without it, wasm runs on
// the calling thread's stack, as deep as that allows. With it, the outermost
// call on a thread runs on a stack of that many bytes of its own (per thread,
// reused), and everything it calls stays there: other instances' code, host
// functions (which need 64 KiB, or half a smaller stack, left: otherwise the
// call traps), nested calls into wasm. Exhausting it traps with "call stack
// exhausted", as the thread's own stack does.
// maxStackBytes below kMinStackBytes is a TypeError.
inline constexpr std::uint64_t kMinStackBytes = 16384;
struct InstanceLimits {
  std::optional<std::uint64_t> maxMemoryPages;
  std::optional<std::uint64_t> maxTableElements;
  std::optional<std::uint64_t> maxStackBytes;
};

// A loaded artifact (a .so compiled by waot). Immutable, cheap to copy
// (shared ownership) and safe to use from several threads.
class Module {
public:
  // Loads the artifact at `so`. CompileError (Kind::Artifact) naming the path
  // for a file that is not a loadable waot artifact: not an ELF object for
  // this machine, no descriptor, another ABI version, a corrupt descriptor,
  // code for CPU features this machine lacks, or a changed file at a path
  // whose previous version is still loaded (write new artifacts to new paths).
  static Module load(const std::filesystem::path &so);

  // Loads an artifact held in memory (the bytes of a .so compiled by waot,
  // e.g. embedded in the application or received over the network), with
  // the same checks and errors as load(); `name` stands for the file in
  // messages. The bytes are copied into a sealed in-memory file (memfd) that
  // stays open while the module is loaded, so `artifact` may be freed
  // afterwards; each such module holds one file descriptor.
  // (To compile wasm bytes, see waot::compile in waot/compiler.hpp.)
  static Module loadFromMemory(std::span<const std::uint8_t> artifact,
                               std::string_view name = "in-memory artifact");

  // A module linked into this program: compiled with `waot compile
  // --emit=object --name NAME` (or CMake's waot_add_module), its descriptor
  // is the symbol waot_module_NAME, which the generated header declares.
  // No dlopen, no file: the code is already part of the program. The same
  // checks and errors as load() (naming "linked module 'NAME'"); every call
  // with the same descriptor returns the same module.
  static Module linked(const waot_artifact &descriptor);

  // Like WebAssembly.Module.imports() / exports(), with the full types.
  std::vector<ImportDescriptor> imports() const;
  std::vector<ExportDescriptor> exports() const;
  // The producer and target recorded in the artifact.
  std::string producer() const;
  std::string targetTriple() const;
  // For a module compiled with an entry profile (codegen's
  // CompileOptions::entryProfile, `waot run`'s quick tier): per defined
  // function (in index order, imports not counted), whether code of this
  // artifact loaded in this process has entered it so far, in any instance.
  // nullopt for a module compiled without one.
  std::optional<std::vector<bool>> enteredFunctions() const;

private:
  friend struct detail::ApiAccess;
  Module(detail::InternalTag, std::shared_ptr<const detail::ModuleData> data) noexcept;
  std::shared_ptr<const detail::ModuleData> data_;
};

// The values offered to an instance's imports, by module and name.
class Imports {
public:
  // Defines (or replaces) module.name.
  void define(std::string_view module, std::string_view name, Extern value);
  // Defines every export of an instance under `module` (like registering an
  // instance by name in the spec test suite).
  void define(std::string_view module, const Exports &exports);

  bool hasModule(std::string_view module) const;
  // nullptr when module.name is not defined.
  const Extern *find(std::string_view module, std::string_view name) const;

private:
  std::map<std::string, std::map<std::string, Extern, std::less<>>, std::less<>> modules_;
};

// An instance's exports, read-only. Cheap to copy.
class Exports {
public:
  // Each throws waot::Error naming the export when it is missing or of
  // another kind.
  Function function(std::string_view name) const;
  Memory memory(std::string_view name) const;
  Table table(std::string_view name) const;
  Global global(std::string_view name) const;

  // A natively callable function, e.g. function<int32_t(int32_t, int32_t)>("add").
  // TypeError when the export's signature differs.
  template <class Sig> TypedFunction<Sig> function(std::string_view name) const {
    return TypedFunction<Sig>(function(name));
  }

  // nullptr when there is no such export.
  const Extern *find(std::string_view name) const;
  // Every export in declaration order.
  std::vector<std::pair<std::string, Extern>> all() const;

private:
  friend struct detail::ApiAccess;
  const Extern &lookup(std::string_view name, ExternKind kind) const;
  std::shared_ptr<const detail::ExportsData> data_;
};

// An instantiated module. Construction follows the spec: imports are read
// (TypeError for a missing namespace, LinkError for a missing or mismatched
// import), globals, tables and memories are created, element then data
// segments applied, the start function run. A trap while doing so is a
// RuntimeError; writes made before it into imported tables and memories stay.
// An instance may be used by one thread at a time; distinct instances of the
// same module run concurrently.
//
// Lifetime (there is no garbage collector, so references keep what they
// point at alive by shared ownership):
// - an instance keeps alive everything it imports; an exported Function,
//   Global or Table keeps its instance alive (a Memory only its memory);
// - function references the host stores (Table::set/grow, Global::set, the
//   constructors) live as long as the table or global; references the host
//   passes into an instance's functions, or a host function returns to wasm,
//   live as long as that instance or host function;
// - function references an instance puts into tables or globals it imports
//   (element segments, or running code) do not extend its life: keep the
//   instance alive while they may be called. Reading such a reference from
//   the host after its instance is gone throws RuntimeError. The exception is
//   a failed instantiation: the imported tables its element segments wrote
//   keep that instance alive, so the functions stay callable as the spec
//   requires (and, as the instance holds those tables, it is never freed).
// Ownership cycles (e.g. the host storing an instance's function into a
// table that instance imports) are never freed.
class Instance {
public:
  // new WebAssembly.Instance(module, imports).
  explicit Instance(const Module &module, const Imports &imports = {});
  // The same with resource limits.
  Instance(const Module &module, const Imports &imports, const InstanceLimits &limits);

  const Exports &exports() const noexcept { return exports_; }
  const Module &module() const noexcept { return module_; }

  // Interruptible execution, for modules compiled interruptible
  // (CompileOptions::interruptible, `waot compile --interruptible`): their
  // code checks a word of the instance on entry to every function that calls
  // and in every loop. interrupt() (from any thread) sets it: the instance's
  // code stops at its next check with RuntimeError "interrupted"
  // (TrapKind::Interrupted), which the call into the instance throws; the
  // instance stays usable. Every thread running the instance's code when it
  // checks stops; the first clears the request. If no code of the instance
  // runs, the next call stops at its first check. Code of other instances
  // that this one calls runs until it returns here (give those instances
  // their own interrupt). waot::Error for an instance whose module was not
  // compiled interruptible.
  bool interruptible() const noexcept;
  void interrupt() const;
  // interrupt() once `timeout` has passed (measured from now on a monotonic
  // clock), unless the returned Deadline is destroyed or cancelled first:
  //   { waot::Deadline limit = instance.interruptAfter(100ms); run(); }
  // One process-wide watchdog thread (started on first use) fires them.
  [[nodiscard]] Deadline interruptAfter(std::chrono::nanoseconds timeout) const;

private:
  Module module_;
  std::shared_ptr<detail::InstanceImpl> impl_;
  Exports exports_;
};

// WebAssembly.instantiate(module, imports): the same as Instance(module, imports).
Instance instantiate(const Module &module, const Imports &imports = {});

// The asynchronous form: instantiates on another thread (the start function
// runs there too). `imports` is copied (its values are shared handles), so it
// need not outlive the call. Errors arrive through the future's get().
std::future<Instance> instantiateAsync(const Module &module, const Imports &imports = {});

} // namespace waot
