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
  // Multi-memory: any number of memories, a memory index in every memory
  // instruction (bit 6 of a memarg's alignment field, a LEB128 index in
  // place of memory.size/grow/fill/copy/init's zero byte) and data segment.
  bool multiMemory = true;
  // memory64 (also 64-bit table indices, "table64"): limits flag bit 2 makes
  // a memory or table use i64 addresses/indices.
  bool memory64 = true;

  // Exactly the Wasm 2.0 rules.
  static constexpr Features wasm2() {
    Features features;
    features.extendedConst = false;
    features.tailCall = false;
    features.multiMemory = false;
    features.memory64 = false;
    return features;
  }
};

} // namespace waot::frontend
