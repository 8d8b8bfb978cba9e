// What a host function can see of the wasm code that called it: the calling
// instance's exports (its memory, above all — WASI reads and writes guest
// memory through it).
#pragma once

#include "waot/externals.hpp"

#include <optional>
#include <string_view>

namespace waot {

namespace detail {
class InstanceImpl;
}

// Passed by reference as the first argument of a host function made with
// Function::wrap of a callable whose first parameter is `waot::Caller &`
// (or the Function constructor taking a CallerHostCallback). It is valid only
// during that call.
//
// The caller is the instance that imported the host function: a call through
// the import, or through a funcref the instance made of it (ref.func, element
// segments), reports that instance. A call from the host (Function::call,
// TypedFunction) or through a table entry the host stored has no instance.
class Caller {
public:
  // False when the host itself called the function.
  bool hasInstance() const noexcept { return instance_ != nullptr; }

  // The calling instance's export `name`; nullopt when it has none of that
  // name or there is no calling instance.
  std::optional<Extern> getExport(std::string_view name) const;

  // The export `name` of the given kind; waot::Error naming it when it is
  // missing, of another kind, or there is no calling instance.
  Memory memory(std::string_view name = "memory") const;
  Function function(std::string_view name) const;

  // For the runtime: a caller on `instance` (nullptr: the host).
  explicit Caller(detail::InstanceImpl *instance) noexcept : instance_(instance) {}

private:
  detail::InstanceImpl *instance_;
};

} // namespace waot
