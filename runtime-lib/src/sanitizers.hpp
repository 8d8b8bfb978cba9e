// Which sanitizer this code is built with (-DWAOT_SANITIZE=...), for GCC
// (__SANITIZE_*__) and clang (__has_feature): the few places where the
// runtime must behave differently under one (docs/reliability.md).
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define WAOT_RUNTIME_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WAOT_RUNTIME_ASAN 1
#endif
#endif

#if defined(__SANITIZE_THREAD__)
#define WAOT_RUNTIME_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WAOT_RUNTIME_TSAN 1
#endif
#endif
