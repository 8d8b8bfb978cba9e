#include "wasm_stack.hpp"

#include "sanitizers.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#if defined(WAOT_RUNTIME_ASAN)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(WAOT_RUNTIME_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

// waot_detail_call_on_stack(fn, arg, top): calls fn(arg) with the stack
// pointer at `top` (16-byte aligned) and returns with the caller's stack
// back. The frame pointer links the new stack's first frame to the caller's,
// and the CFI says so too, so debuggers and unwinders see one call chain.
// A trap leaves fn by a jump to a frame on the caller's stack, never through
// here.
extern "C" void waot_detail_call_on_stack(void (*fn)(void *), void *arg, void *top);

#if defined(__x86_64__)
asm(R"(
  .text
  .p2align 4
  .globl waot_detail_call_on_stack
  .hidden waot_detail_call_on_stack
  .type waot_detail_call_on_stack, @function
waot_detail_call_on_stack:
  .cfi_startproc
  pushq %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  movq %rsp, %rbp
  .cfi_def_cfa_register %rbp
  movq %rdx, %rsp
  movq %rdi, %rax
  movq %rsi, %rdi
  callq *%rax
  movq %rbp, %rsp
  popq %rbp
  .cfi_def_cfa %rsp, 8
  retq
  .cfi_endproc
  .size waot_detail_call_on_stack, .-waot_detail_call_on_stack
)");
#elif defined(__aarch64__)
asm(R"(
  .text
  .p2align 2
  .globl waot_detail_call_on_stack
  .hidden waot_detail_call_on_stack
  .type waot_detail_call_on_stack, %function
waot_detail_call_on_stack:
  .cfi_startproc
  stp x29, x30, [sp, #-16]!
  .cfi_def_cfa_offset 16
  .cfi_offset x29, -16
  .cfi_offset x30, -8
  mov x29, sp
  .cfi_def_cfa x29, 16
  mov sp, x2
  mov x3, x0
  mov x0, x1
  blr x3
  mov sp, x29
  .cfi_def_cfa sp, 16
  ldp x29, x30, [sp], #16
  .cfi_def_cfa_offset 0
  .cfi_restore x29
  .cfi_restore x30
  ret
  .cfi_endproc
  .size waot_detail_call_on_stack, .-waot_detail_call_on_stack
)");
#else
#error "waot's wasm stacks support x86-64 and AArch64"
#endif

namespace waot::detail {

constinit thread_local ActiveStack activeStack;

namespace {

// Faults up to this far below a wasm stack are its overflow. Every generated
// function probes its frame page by page, so one page would do; the rest is
// margin for host code (whose frames are not probed) on the wasm stack.
constexpr std::size_t kGuardBytes = 64u << 10;

std::uintptr_t roundUp(std::uintptr_t value, std::uintptr_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

} // namespace

WasmStack::~WasmStack() {
  if (mapping_) munmap(reinterpret_cast<void *>(mapping_), mappingSize_);
}

bool WasmStack::reserve(std::size_t bytes) noexcept {
  if (bytes <= usable_) return true;
  pageSize_ = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const std::size_t usable = roundUp(bytes, pageSize_);
  const std::size_t guard = roundUp(kGuardBytes, pageSize_);
  // MAP_NORESERVE: only the pages the code touches take memory.
  void *mapping = mmap(nullptr, guard + usable, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (mapping == MAP_FAILED) return false;
  if (mprotect(mapping, guard, PROT_NONE) != 0) {
    munmap(mapping, guard + usable);
    return false;
  }
  if (mapping_) munmap(reinterpret_cast<void *>(mapping_), mappingSize_);
  mapping_ = reinterpret_cast<std::uintptr_t>(mapping);
  mappingSize_ = guard + usable;
  low_ = mapping_ + guard;
  usable_ = usable;
  return true;
}

StackSwitch::StackSwitch(const WasmStack &stack, std::size_t bytes) noexcept
    : low_(stack.low()), size_(bytes), saved_(activeStack) {}

void StackSwitch::onWasmStack(void *self) noexcept {
  auto &stackSwitch = *static_cast<StackSwitch *>(self);
#if defined(WAOT_RUNTIME_ASAN)
  __sanitizer_finish_switch_fiber(nullptr, &stackSwitch.nativeBottom_, &stackSwitch.nativeSize_);
#endif
  stackSwitch.fn_(stackSwitch.arg_);
#if defined(WAOT_RUNTIME_ASAN)
  // Leaving this stack for good (the next entry starts afresh): no fake
  // stack to keep.
  __sanitizer_start_switch_fiber(nullptr, stackSwitch.nativeBottom_, stackSwitch.nativeSize_);
#endif
}

void StackSwitch::run(void (*fn)(void *), void *arg) noexcept {
  fn_ = fn;
  arg_ = arg;
  // Host code called from wasm keeps the smaller of the usual headroom and
  // half the stack.
  const std::uintptr_t headroom = std::min<std::uintptr_t>(kHostStackHeadroom, size_ / 2);
  activeStack = ActiveStack{low_, low_ + headroom, true};
  const std::uintptr_t top = (low_ + size_) & ~std::uintptr_t{15};
#if defined(WAOT_RUNTIME_TSAN)
  // TSan keeps its setjmp buffers per thread and drops those whose stack
  // pointer is below a new one's: with two stacks in one thread that would
  // drop the native stack's buffers. The wasm stack is a fiber of its own.
  nativeFiber_ = __tsan_get_current_fiber();
  wasmFiber_ = __tsan_create_fiber(0);
  __tsan_switch_to_fiber(wasmFiber_, 0);
  waot_detail_call_on_stack(&StackSwitch::onWasmStack, this, reinterpret_cast<void *>(top));
  __tsan_switch_to_fiber(nativeFiber_, 0);
  __tsan_destroy_fiber(wasmFiber_);
#elif defined(WAOT_RUNTIME_ASAN)
  void *fakeStack = nullptr;
  __sanitizer_start_switch_fiber(&fakeStack, reinterpret_cast<const void *>(low_), size_);
  waot_detail_call_on_stack(&StackSwitch::onWasmStack, this, reinterpret_cast<void *>(top));
  __sanitizer_finish_switch_fiber(fakeStack, nullptr, nullptr);
#else
  waot_detail_call_on_stack(&StackSwitch::onWasmStack, this, reinterpret_cast<void *>(top));
#endif
  activeStack = saved_;
}

void StackSwitch::beforeJumpOut() noexcept {
#if defined(WAOT_RUNTIME_TSAN)
  // The buffer the jump goes to is the native fiber's.
  __tsan_switch_to_fiber(nativeFiber_, 0);
#endif
}

void StackSwitch::returnedByJump() noexcept {
#if defined(WAOT_RUNTIME_TSAN)
  __tsan_destroy_fiber(wasmFiber_);
#endif
#if defined(WAOT_RUNTIME_ASAN)
  // The jump left the wasm stack without the switch back: tell ASan that
  // this is the native stack again, and clear what the frames left behind
  // on the wasm stack poisoned (the next entry reuses it).
  __sanitizer_start_switch_fiber(nullptr, nativeBottom_, nativeSize_);
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
  __asan_unpoison_memory_region(reinterpret_cast<void *>(low_), size_);
#endif
  activeStack = saved_;
}

} // namespace waot::detail
