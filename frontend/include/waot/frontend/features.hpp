// Which WebAssembly proposals past 2.0 the frontend accepts. Every feature
// waot implements is on by default (Wasm 3.0 is the standard); the official
// 2.0 test suite runs with Features::wasm2(), because a few of its modules
// that 2.0 rejects are valid under 3.0's rules.
#pragma once

namespace waot::frontend {

struct Features {
  // Extended constant expressions: i32/i64 add, sub and mul in constant
  // expressions, and global.get of immutable globals the module defines
  // (earlier ones in a global's initializer, any in a segment offset).
  bool extendedConst = true;
  // Tail calls: return_call and return_call_indirect.
  bool tailCall = true;

  // Exactly the Wasm 2.0 rules.
  static constexpr Features wasm2() {
    Features features;
    features.extendedConst = false;
    features.tailCall = false;
    return features;
  }
};

} // namespace waot::frontend
