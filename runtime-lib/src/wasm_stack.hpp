// The stack wasm code runs on when its instance has a stack limit
// (InstanceLimits::maxStackBytes).
//
// Wasm code does not count its stack use: exhaustion is a fault in a guard
// region, which the fault handler turns into "call stack exhausted". On the
// thread's own stack the limit is whatever the host left. With a limit, the
// outermost host->wasm entry on a thread switches to a stack of that size of
// its own (one mapping per thread, grown on demand, a guard region below) and
// switches back when the call returns or traps. Everything the call runs,
// other instances' code and host functions called from wasm included, stays
// on that stack: the limit of the instance entered first applies.
#pragma once

#include <cstddef>
#include <cstdint>

namespace waot::detail {

// The bounds of the stack this thread runs on now: the lowest usable address
// and the floor below which a host function called from wasm (or a nested
// host->wasm entry) is refused, so host code always has room of its own.
struct ActiveStack {
  std::uintptr_t low = 0;       // 0: unknown (no checks)
  std::uintptr_t hostFloor = 0; // low + the headroom kept for host code
  bool isWasmStack = false;
};

// Trivially initialized: the fault handler reads it.
extern constinit thread_local ActiveStack activeStack;

// A host function called from wasm, or a nested host->wasm entry, needs at
// least this much stack (or half a wasm stack smaller than twice this).
inline constexpr std::uintptr_t kHostStackHeadroom = 64u << 10;

// True when the stack pointer is below the active stack's host floor.
inline bool hostStackNearlyExhausted() noexcept {
  const auto sp = reinterpret_cast<std::uintptr_t>(__builtin_frame_address(0));
  return activeStack.low != 0 && sp < activeStack.hostFloor;
}

// One thread's wasm stack mapping: [guard | usable], the stack growing down
// from the top of the usable part chosen by each entry.
class WasmStack {
public:
  WasmStack() = default;
  ~WasmStack();
  WasmStack(const WasmStack &) = delete;
  WasmStack &operator=(const WasmStack &) = delete;

  // Makes the usable part at least `bytes` (page-rounded; only while no code
  // runs on it). False when the mapping cannot be made.
  bool reserve(std::size_t bytes) noexcept;

  std::uintptr_t low() const noexcept { return low_; }
  // A fault at `address` is an overflow of this stack.
  bool inGuard(std::uintptr_t address) const noexcept {
    return mapping_ != 0 && address >= mapping_ && address < low_ + pageSize_;
  }

private:
  std::uintptr_t mapping_ = 0; // start of the mapping (the guard region)
  std::size_t mappingSize_ = 0;
  std::uintptr_t low_ = 0; // lowest usable address
  std::size_t usable_ = 0;
  std::uintptr_t pageSize_ = 4096;
};

// One switch onto a wasm stack and back, for one outermost entry. Sets
// activeStack while the call runs and tells the sanitizers about the stacks.
class StackSwitch {
public:
  // `bytes` of `stack` (reserved) from its low end upwards.
  StackSwitch(const WasmStack &stack, std::size_t bytes) noexcept;

  // Runs fn(arg) on the wasm stack and returns on this one.
  void run(void (*fn)(void *), void *arg) noexcept;
  // Before a trap jumps from the wasm stack to the frame that called run().
  void beforeJumpOut() noexcept;
  // After a trap jumped from the wasm stack (or the signal stack) back to the
  // frame that called run(): restores what run() would have on return.
  void returnedByJump() noexcept;

private:
  static void onWasmStack(void *self) noexcept;

  std::uintptr_t low_;
  std::size_t size_;
  ActiveStack saved_; // the thread's stack bounds before the switch
  void (*fn_)(void *) = nullptr;
  void *arg_ = nullptr;
  // The native stack's bounds as the address sanitizer knew them.
  const void *nativeBottom_ = nullptr;
  std::size_t nativeSize_ = 0;
  // The thread sanitizer's fibers: the native stack's and the wasm stack's.
  void *nativeFiber_ = nullptr;
  void *wasmFiber_ = nullptr;
};

} // namespace waot::detail
