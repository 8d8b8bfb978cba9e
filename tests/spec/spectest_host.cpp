#include "spectest_host.hpp"

namespace waot::spec {

void defineSpectest(Imports &imports) {
  // The print functions only need the right signatures; their output is
  // irrelevant to the assertions.
  auto silent = [](FuncType type) {
    return Function(std::move(type), [](std::span<const Value>, std::span<Value>) {});
  };
  using V = ValType;
  imports.define("spectest", "print", silent({{}, {}}));
  imports.define("spectest", "print_i32", silent({{V::I32}, {}}));
  imports.define("spectest", "print_i64", silent({{V::I64}, {}}));
  imports.define("spectest", "print_f32", silent({{V::F32}, {}}));
  imports.define("spectest", "print_f64", silent({{V::F64}, {}}));
  imports.define("spectest", "print_i32_f32", silent({{V::I32, V::F32}, {}}));
  imports.define("spectest", "print_f64_f64", silent({{V::F64, V::F64}, {}}));
  imports.define("spectest", "global_i32", Global(Value(std::int32_t{666}), false));
  imports.define("spectest", "global_i64", Global(Value(std::int64_t{666}), false));
  imports.define("spectest", "global_f32", Global(Value(666.6f), false));
  imports.define("spectest", "global_f64", Global(Value(666.6), false));
  imports.define("spectest", "table",
                 Table(V::FuncRef, Limits{10, 20}, Value::nullRef(V::FuncRef)));
  // The reference interpreter's 64-bit table (table64 scripts import it).
  imports.define("spectest", "table64",
                 Table(V::FuncRef, Limits{10, 20, /*is64=*/true}, Value::nullRef(V::FuncRef)));
  imports.define("spectest", "memory", Memory(Limits{1, 2}));
}

} // namespace waot::spec
