#include "trap.hpp"

#include "guard_ranges.hpp"
#include "sanitizers.hpp"
#include "trap_site.hpp"
#include "wasm_stack.hpp"

#include "waot/abi.h"
#include "waot/errors.hpp"
#include "waot/function.hpp"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace waot::detail {

static_assert(static_cast<std::uint32_t>(TrapKind::Unreachable) == WAOT_TRAP_UNREACHABLE);
static_assert(static_cast<std::uint32_t>(TrapKind::MemoryOutOfBounds) ==
              WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
static_assert(static_cast<std::uint32_t>(TrapKind::TableOutOfBounds) ==
              WAOT_TRAP_TABLE_OUT_OF_BOUNDS);
static_assert(static_cast<std::uint32_t>(TrapKind::UndefinedElement) ==
              WAOT_TRAP_UNDEFINED_ELEMENT);
static_assert(static_cast<std::uint32_t>(TrapKind::UninitializedElement) ==
              WAOT_TRAP_UNINITIALIZED_ELEMENT);
static_assert(static_cast<std::uint32_t>(TrapKind::IndirectCallTypeMismatch) ==
              WAOT_TRAP_INDIRECT_CALL_TYPE_MISMATCH);
static_assert(static_cast<std::uint32_t>(TrapKind::IntegerDivideByZero) ==
              WAOT_TRAP_INTEGER_DIVIDE_BY_ZERO);
static_assert(static_cast<std::uint32_t>(TrapKind::IntegerOverflow) == WAOT_TRAP_INTEGER_OVERFLOW);
static_assert(static_cast<std::uint32_t>(TrapKind::InvalidConversion) ==
              WAOT_TRAP_INVALID_CONVERSION);
static_assert(static_cast<std::uint32_t>(TrapKind::CallStackExhausted) ==
              WAOT_TRAP_CALL_STACK_EXHAUSTED);
static_assert(static_cast<std::uint32_t>(TrapKind::NullReference) == WAOT_TRAP_NULL_REFERENCE);
static_assert(static_cast<std::uint32_t>(TrapKind::Interrupted) == WAOT_TRAP_INTERRUPTED);
static_assert(WAOT_TRAP_INTERRUPTED + 1 == WAOT_TRAP_HOST_EXCEPTION);

namespace {

// raiseTrap() with a kind that is not a trap (0 or out of range) unwinds
// with this, so that it cannot be mistaken for a normal return.
constexpr std::uint32_t kInvalidTrapKind = UINT32_MAX;

// Faults this far below the lowest usable stack address are stack
// overflows: Linux keeps a 1 MiB gap below a growing main stack, and thread
// stacks have their guard pages just below the usable range.
constexpr std::uintptr_t kStackGuardZoneBelow = 1u << 20;
constexpr std::size_t kAltStackSize = 64u << 10;

// The non-local return of a trap. On x86-64 the compiler's own setjmp: it
// saves only the frame and stack pointers and the resume address (the
// compiler saves the callee-saved registers of the function that calls it in
// that function's frame), which makes every host->wasm call about 1 ns
// cheaper than glibc's sigsetjmp (pointer mangling, shadow-stack and mask
// bookkeeping). Jumping out of the fault handler is the same for both: the
// handler runs with SA_NODEFER and an empty sa_mask, so no signal mask has
// to be restored. Elsewhere: sigsetjmp without the mask.
//
// Sanitized builds use sigsetjmp *with* the mask. The sanitizers intercept
// sigsetjmp/siglongjmp (not the builtins) to learn that the frames in
// between are gone: ASan unpoisons their stack, TSan unwinds its shadow
// stack and leaves its "inside a signal handler" state (without that it
// reports everything after a fault trap as signal-unsafe). And TSan installs
// our handler with every signal blocked (it fills sa_mask), so leaving the
// handler by a jump must restore the mask, or the next fault would meet a
// blocked SIGSEGV and kill the process.
#if defined(WAOT_RUNTIME_ASAN) || defined(WAOT_RUNTIME_TSAN)
using JumpBuffer = sigjmp_buf;
#define WAOT_SET_JUMP(buffer) sigsetjmp(buffer, 1)
#define WAOT_LONG_JUMP(buffer) siglongjmp(buffer, 1)
#elif defined(__x86_64__)
using JumpBuffer = void *[5];
#define WAOT_SET_JUMP(buffer) __builtin_setjmp(buffer)
#define WAOT_LONG_JUMP(buffer) __builtin_longjmp(buffer, 1)
#else
using JumpBuffer = sigjmp_buf;
#define WAOT_SET_JUMP(buffer) sigsetjmp(buffer, 0)
#define WAOT_LONG_JUMP(buffer) siglongjmp(buffer, 1)
#endif

struct Activation {
  JumpBuffer env;
  Activation *previous = nullptr;
  volatile std::uint32_t trapKind = WAOT_TRAP_NONE;
  // The generated code's address at the trap (0: unknown).
  volatile std::uintptr_t trapAddress = 0;
  std::exception_ptr hostException;
  // Set when this activation runs on a wasm stack of its own.
  StackSwitch *stackSwitch = nullptr;
};

// A signal stack for this thread (the fault handler must run somewhere when
// the thread's own stack is exhausted). Keeps one the host installed if it
// is big enough.
class AltStack {
public:
  AltStack() {
    stack_t current{};
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
        current.ss_size >= kAltStackSize)
      return;
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t size = std::max<std::size_t>(kAltStackSize, SIGSTKSZ);
    void *mapping =
        mmap(nullptr, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
      return; // no altstack: stack overflows then crash instead of trapping
    mprotect(mapping, page, PROT_NONE); // guard page below the signal stack
    stack_t ours{};
    ours.ss_sp = static_cast<char *>(mapping) + page;
    ours.ss_size = size;
    if (sigaltstack(&ours, &previous_) != 0) {
      munmap(mapping, size + page);
      return;
    }
    mapping_ = mapping;
    mappingSize_ = size + page;
    stack_ = ours.ss_sp;
  }

  ~AltStack() {
    if (!mapping_) return;
    stack_t current{};
    if (sigaltstack(nullptr, &current) == 0 && current.ss_sp == stack_) {
      // Put back what was there (a sanitizer's runtime, say, unmaps its own
      // signal stack at thread exit and must find it installed again).
      if (previous_.ss_flags & SS_DISABLE) {
        stack_t disable{};
        disable.ss_flags = SS_DISABLE;
        sigaltstack(&disable, nullptr);
      } else {
        sigaltstack(&previous_, nullptr);
      }
    }
    munmap(mapping_, mappingSize_);
  }

  AltStack(const AltStack &) = delete;
  AltStack &operator=(const AltStack &) = delete;

private:
  void *mapping_ = nullptr;
  std::size_t mappingSize_ = 0;
  void *stack_ = nullptr;
  stack_t previous_{nullptr, SS_DISABLE, 0}; // the signal stack ours replaced
};

// Per-thread state, created by the first host->wasm entry on the thread and
// destroyed at thread exit.
class ThreadState {
public:
  static ThreadState &current();

  ThreadState();
  ~ThreadState();
  ThreadState(const ThreadState &) = delete;
  ThreadState &operator=(const ThreadState &) = delete;

  // The thread's own stack: from 1 MiB below its lowest usable address to
  // one page above it (the page of slack covers glibc versions that count a
  // thread's guard page as part of its stack). Its wasm stack: its guard.
  bool inStackGuardZone(std::uintptr_t address) const noexcept {
    if (wasmStack_.inGuard(address)) return true;
    if (stackLow_ == 0) return false;
    const std::uintptr_t zoneBegin =
        stackLow_ > kStackGuardZoneBelow ? stackLow_ - kStackGuardZoneBelow : 0;
    return address >= zoneBegin && address < stackLow_ + pageSize_;
  }

  WasmStack &wasmStack() noexcept { return wasmStack_; }

private:
  std::uintptr_t stackLow_ = 0; // lowest usable address of this thread's stack (0: unknown)
  std::uintptr_t pageSize_ = 4096;
  AltStack altStack_;
  WasmStack wasmStack_;
};

// Trivially initialized thread-locals: the fault handler reads them, so they
// must not need lazy construction.
constinit thread_local Activation *innermostActivation = nullptr;
constinit thread_local const ThreadState *currentThreadState = nullptr;

ThreadState &ThreadState::current() {
  thread_local ThreadState state;
  return state;
}

ThreadState::ThreadState() {
  pageSize_ = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  pthread_attr_t attributes;
  if (pthread_getattr_np(pthread_self(), &attributes) == 0) {
    void *low = nullptr;
    std::size_t size = 0;
    if (pthread_attr_getstack(&attributes, &low, &size) == 0)
      stackLow_ = reinterpret_cast<std::uintptr_t>(low);
    pthread_attr_destroy(&attributes);
  }
  installFaultHandlers();
  if (stackLow_ != 0) activeStack = ActiveStack{stackLow_, stackLow_ + kHostStackHeadroom, false};
  currentThreadState = this;
}

ThreadState::~ThreadState() { currentThreadState = nullptr; }

struct sigaction previousSegvAction;
struct sigaction previousBusAction;

std::uintptr_t programCounter(const void *signalContext) noexcept {
  const auto *context = static_cast<const ucontext_t *>(signalContext);
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(context->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  return static_cast<std::uintptr_t>(context->uc_mcontext.pc);
#else
#error "waot's fault handler supports x86-64 and AArch64 Linux"
#endif
}

// A fault we do not own: behave as if we had never been installed.
void forwardFault(int signal, siginfo_t *info, void *context) noexcept {
  const struct sigaction &previous = signal == SIGBUS ? previousBusAction : previousSegvAction;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  // Restore the default action and return: the faulting instruction runs
  // again and now kills the process (with a core dump) as a plain crash.
  struct sigaction defaultAction {};
  defaultAction.sa_handler = SIG_DFL;
  sigemptyset(&defaultAction.sa_mask);
  sigaction(signal, &defaultAction, nullptr);
  if (info->si_code <= 0) raise(signal); // sent by kill(): no instruction to re-run
}

// Claims a fault only when this thread runs generated code (an activation is
// active and the faulting instruction is in an artifact's code) and the
// address is in a linear memory's reservation or this thread's stack guard
// zone. Everything else is a real crash and is forwarded.
void handleFault(int signal, siginfo_t *info, void *context) {
  Activation *activation = innermostActivation;
  if (activation && info->si_code > 0 && rangeContains(RangeKind::Code, programCounter(context))) {
    const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    std::uint32_t kind = WAOT_TRAP_NONE;
    if (rangeContains(RangeKind::Memory, address))
      kind = WAOT_TRAP_MEMORY_OUT_OF_BOUNDS;
    else if (currentThreadState && currentThreadState->inStackGuardZone(address))
      kind = WAOT_TRAP_CALL_STACK_EXHAUSTED;
    if (kind != WAOT_TRAP_NONE) {
      activation->trapKind = kind;
      activation->trapAddress = programCounter(context);
      if (activation->stackSwitch) activation->stackSwitch->beforeJumpOut();
      WAOT_LONG_JUMP(activation->env);
    }
  }
  forwardFault(signal, info, context);
}

// Runs thunk(frame) as the innermost activation. Returns the trap kind, or
// WAOT_TRAP_NONE when it returned normally. Kept out of line so that the
// frame the jump returns to is this small one.
[[gnu::noinline]] std::uint32_t runActivation(void (*thunk)(void *), void *frame,
                                              Activation &activation) noexcept {
  activation.previous = innermostActivation;
  if (WAOT_SET_JUMP(activation.env) != 0) {
    innermostActivation = activation.previous;
    if (activation.stackSwitch) activation.stackSwitch->returnedByJump();
    return activation.trapKind;
  }
  innermostActivation = &activation;
  if (activation.stackSwitch)
    activation.stackSwitch->run(thunk, frame);
  else
    thunk(frame);
  innermostActivation = activation.previous;
  return WAOT_TRAP_NONE;
}

[[noreturn]] void throwTrap(std::uint32_t kind, const std::exception_ptr &hostException,
                            std::uintptr_t trapAddress) {
  if (kind == WAOT_TRAP_HOST_EXCEPTION) {
    if (hostException) std::rethrow_exception(hostException);
    throw RuntimeError("a host function failed without an exception");
  }
  if (kind >= WAOT_TRAP_UNREACHABLE && kind < WAOT_TRAP_HOST_EXCEPTION)
    throw RuntimeError(static_cast<TrapKind>(kind), locateTrapSite(trapAddress));
  throw RuntimeError("trap of unknown kind" +
                     (kind == kInvalidTrapKind ? std::string() : " " + std::to_string(kind)));
}

} // namespace

void installFaultHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = handleFault;
    // SA_NODEFER: the jump leaves the handler without restoring the mask,
    // so the signal must not be blocked while it runs. sa_mask stays empty
    // for the same reason.
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGSEGV, &action, &previousSegvAction) != 0 ||
        sigaction(SIGBUS, &action, &previousBusAction) != 0)
      throw RuntimeError("cannot install the SIGSEGV/SIGBUS handlers that turn faults into traps");
  });
}

void raiseTrap(std::uint32_t kind, const void *returnAddress) noexcept {
  Activation *activation = innermostActivation;
  if (!activation) {
    std::fprintf(stderr, "waot: trap %u raised outside of any wasm call\n", kind);
    std::abort();
  }
  activation->trapKind =
      (kind == WAOT_TRAP_NONE || kind >= WAOT_TRAP_KIND_COUNT) ? kInvalidTrapKind : kind;
  // The return address is just past the call: one byte back is inside it.
  const auto address = reinterpret_cast<std::uintptr_t>(returnAddress);
  activation->trapAddress = rangeContains(RangeKind::Code, address) ? address - 1 : 0;
  if (activation->stackSwitch) activation->stackSwitch->beforeJumpOut();
  WAOT_LONG_JUMP(activation->env);
}

void storeHostException(std::exception_ptr exception) noexcept {
  if (Activation *activation = innermostActivation)
    activation->hostException = std::move(exception);
}

void callGuarded(void (*thunk)(void *frame), void *frame, std::size_t stackBytes) {
  ThreadState &thread = ThreadState::current();
  if (hostStackNearlyExhausted()) throw RuntimeError(TrapKind::CallStackExhausted);
  Activation activation;
  // Only the outermost entry with a limit switches: nested entries stay on
  // the wasm stack they are on.
  std::optional<StackSwitch> stackSwitch;
  if (stackBytes != 0 && !activeStack.isWasmStack) {
    if (!thread.wasmStack().reserve(stackBytes))
      throw RuntimeError("cannot map a wasm stack of " + std::to_string(stackBytes) + " bytes");
    activation.stackSwitch = &stackSwitch.emplace(thread.wasmStack(), stackBytes);
  }
  const std::uint32_t kind = runActivation(thunk, frame, activation);
  if (kind != WAOT_TRAP_NONE) throwTrap(kind, activation.hostException, activation.trapAddress);
}

} // namespace waot::detail
