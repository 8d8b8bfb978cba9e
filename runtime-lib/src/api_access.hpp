// Access to the private parts of the public API classes (their handles to
// runtime data), for the runtime's implementation files only.
#pragma once

#include "waot/waot.hpp"

#include <memory>
#include <utility>

namespace waot::detail {

struct ApiAccess {
  static const std::shared_ptr<FunctionData> &data(const Function &f) noexcept { return f.data_; }
  static Function function(std::shared_ptr<FunctionData> data) noexcept {
    return Function(InternalTag{}, std::move(data));
  }

  static const std::shared_ptr<MemoryImpl> &impl(const Memory &m) noexcept { return m.impl_; }
  static Memory memory(std::shared_ptr<MemoryImpl> impl) noexcept {
    return Memory(InternalTag{}, std::move(impl));
  }

  static const std::shared_ptr<TableImpl> &impl(const Table &t) noexcept { return t.impl_; }
  static Table table(std::shared_ptr<TableImpl> impl) noexcept {
    return Table(InternalTag{}, std::move(impl));
  }

  static const std::shared_ptr<GlobalData> &data(const Global &g) noexcept { return g.data_; }
  static Global global(std::shared_ptr<GlobalData> data) noexcept {
    return Global(InternalTag{}, std::move(data));
  }

  static const std::shared_ptr<const ModuleData> &data(const Module &m) noexcept { return m.data_; }
  static Module module(std::shared_ptr<const ModuleData> data) noexcept {
    return Module(InternalTag{}, std::move(data));
  }

  static Exports exports(std::shared_ptr<const ExportsData> data) noexcept {
    Exports exports;
    exports.data_ = std::move(data);
    return exports;
  }

  static Value value(ValType type, std::uint64_t bits,
                     std::shared_ptr<FunctionData> function) noexcept {
    return Value(type, bits, std::move(function));
  }
  static const std::shared_ptr<FunctionData> &function(const Value &v) noexcept {
    return v.function_;
  }
};

} // namespace waot::detail
