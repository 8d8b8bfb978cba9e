// Refuses artifacts compiled for CPU features this machine lacks: running
// them would die with SIGILL somewhere in the middle of a call instead.
#include "module_data.hpp"

#include "waot/errors.hpp"

#include <string_view>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace waot::detail {
namespace {

struct FeatureCheck {
  std::string_view llvmName;
  bool (*present)();
};

#if defined(__x86_64__)
// LLVM feature names and how to test them (GCC's names where they differ).
#define WAOT_FEATURE(llvm, gcc)                                                                    \
  FeatureCheck {                                                                                   \
    llvm, [] { return __builtin_cpu_supports(gcc) != 0; }                                          \
  }
constexpr FeatureCheck kFeatureChecks[] = {
    WAOT_FEATURE("cmov", "cmov"),
    WAOT_FEATURE("mmx", "mmx"),
    WAOT_FEATURE("sse", "sse"),
    WAOT_FEATURE("sse2", "sse2"),
    WAOT_FEATURE("sse3", "sse3"),
    WAOT_FEATURE("ssse3", "ssse3"),
    WAOT_FEATURE("sse4.1", "sse4.1"),
    WAOT_FEATURE("sse4.2", "sse4.2"),
    WAOT_FEATURE("sse4a", "sse4a"),
    WAOT_FEATURE("popcnt", "popcnt"),
    WAOT_FEATURE("lzcnt", "lzcnt"),
    // LAHF/SAHF in 64-bit mode: GCC calls it "lahf_lm", clang has no name for
    // it, so CPUID leaf 0x80000001 (ECX bit 0) answers.
    FeatureCheck{"sahf",
                 [] {
                   unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
                   return __get_cpuid(0x80000001, &eax, &ebx, &ecx, &edx) != 0 && (ecx & 1u) != 0;
                 }},
    WAOT_FEATURE("prfchw", "prfchw"),
    WAOT_FEATURE("movbe", "movbe"),
    WAOT_FEATURE("aes", "aes"),
    WAOT_FEATURE("pclmul", "pclmul"),
    WAOT_FEATURE("avx", "avx"),
    WAOT_FEATURE("avx2", "avx2"),
    WAOT_FEATURE("fma", "fma"),
    WAOT_FEATURE("fma4", "fma4"),
    WAOT_FEATURE("xop", "xop"),
    WAOT_FEATURE("f16c", "f16c"),
    WAOT_FEATURE("bmi", "bmi"),
    WAOT_FEATURE("bmi2", "bmi2"),
    WAOT_FEATURE("tbm", "tbm"),
    WAOT_FEATURE("adx", "adx"),
    WAOT_FEATURE("rdrnd", "rdrnd"),
    WAOT_FEATURE("rdseed", "rdseed"),
    WAOT_FEATURE("sha", "sha"),
    WAOT_FEATURE("xsave", "xsave"),
    WAOT_FEATURE("xsavec", "xsavec"),
    WAOT_FEATURE("xsaveopt", "xsaveopt"),
    WAOT_FEATURE("clflushopt", "clflushopt"),
    WAOT_FEATURE("clwb", "clwb"),
    WAOT_FEATURE("rtm", "rtm"),
    WAOT_FEATURE("gfni", "gfni"),
    WAOT_FEATURE("vaes", "vaes"),
    WAOT_FEATURE("vpclmulqdq", "vpclmulqdq"),
    WAOT_FEATURE("avx512f", "avx512f"),
    WAOT_FEATURE("avx512vl", "avx512vl"),
    WAOT_FEATURE("avx512bw", "avx512bw"),
    WAOT_FEATURE("avx512dq", "avx512dq"),
    WAOT_FEATURE("avx512cd", "avx512cd"),
    WAOT_FEATURE("avx512vbmi", "avx512vbmi"),
    WAOT_FEATURE("avx512vbmi2", "avx512vbmi2"),
    WAOT_FEATURE("avx512ifma", "avx512ifma"),
    WAOT_FEATURE("avx512vnni", "avx512vnni"),
    WAOT_FEATURE("avx512bitalg", "avx512bitalg"),
    WAOT_FEATURE("avx512vpopcntdq", "avx512vpopcntdq"),
    WAOT_FEATURE("avx512bf16", "avx512bf16"),
    WAOT_FEATURE("avx512fp16", "avx512fp16"),
};
#undef WAOT_FEATURE
#else
constexpr FeatureCheck kFeatureChecks[] = {{"", [] { return true; }}};
#endif

bool featurePresent(std::string_view name) {
  for (const FeatureCheck &check : kFeatureChecks)
    if (check.llvmName == name) return check.present();
  return true; // unknown here: trust the compiler's choice
}

} // namespace

void checkCpuFeatures(const std::string &path, const char *features) {
  if (!features) return;
#if defined(__x86_64__)
  __builtin_cpu_init();
#endif
  std::string_view rest(features);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view feature = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (feature.size() < 2 || feature.front() != '+') continue; // disabled features need nothing
    if (!featurePresent(feature.substr(1)))
      throw CompileError(CompileError::Kind::Artifact, path + ": compiled for CPU feature " +
                                                           std::string(feature) +
                                                           ", which this CPU lacks");
  }
}

} // namespace waot::detail
