// What the tests need to know about a sanitized build (-DWAOT_SANITIZE=...):
// a few behaviours differ by design there (docs/reliability.md).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define WAOT_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WAOT_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define WAOT_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WAOT_TEST_TSAN 1
#endif
#endif

#if defined(WAOT_TEST_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

namespace waot::test {

#if defined(WAOT_TEST_ASAN)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#if defined(WAOT_TEST_TSAN)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif
// A sanitizer that installs its own SIGSEGV handler (the runtime forwards
// faults that are not traps to it: it reports them and exits non-zero).
inline constexpr bool kSanitized = kAddressSanitizer || kThreadSanitizer;

// LeakSanitizer ignores what is allocated while this lives: for code that
// leaks by design (LLVM's recovery from a fatal error skips destructors).
class LeaksIgnored {
public:
#if defined(WAOT_TEST_ASAN)
  LeaksIgnored() { __lsan_disable(); }
  ~LeaksIgnored() { __lsan_enable(); }
#else
  LeaksIgnored() = default;
#endif
  LeaksIgnored(const LeaksIgnored &) = delete;
  LeaksIgnored &operator=(const LeaksIgnored &) = delete;
};

} // namespace waot::test
