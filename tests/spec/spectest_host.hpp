// The `spectest` host module the suite imports from, built with the public
// import mechanism (waot::Imports) exactly as an embedder would.
#pragma once

#include <waot/waot.hpp>

namespace waot::spec {

// Defines spectest.print*, global_i32/i64/f32/f64 (666 / 666.6), table
// (10..20 funcref) and memory (1..2 pages) in `imports`.
void defineSpectest(Imports &imports);

} // namespace waot::spec
