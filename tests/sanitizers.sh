#!/usr/bin/env bash
# Sanitizer jobs (docs/reliability.md). CI runs `address` and `thread-runtime`
# after the README's test command.
#
#   tests/sanitizers.sh address         clang-19, ASan+UBSan and libFuzzer's coverage
#       instrumentation on everything: the whole test suite, then each fuzz target
#       briefly (FUZZ_SECONDS each, default 30) seeded from the tests' modules.
#   tests/sanitizers.sh thread          GCC, TSan: every test that runs wasm, compiles
#       or loads on many threads at once (8 threads x 10,000 instantiate-call-trap
#       cycles, stack exhaustion and interruption on every thread, parallel builds).
#   tests/sanitizers.sh thread-runtime  the same for the runtime's own threaded tests
#       only (no compiler to build: minutes instead of a quarter of an hour).
#
# The build directory is build-asan / build-tsan, or $BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:?usage: tests/sanitizers.sh address|thread|thread-runtime}
jobs=$(nproc)
# -O1, as ASan's documentation recommends (the tests themselves build at -O0:
# tests/CMakeLists.txt).
optimize=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG"
  "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG")

case "$kind" in
address)
  build=${BUILD_DIR:-build-asan}
  CC=clang-19 CXX=clang++-19 cmake -S . -B "$build" -G Ninja "${optimize[@]}" \
    -DWAOT_SANITIZE=address,undefined -DWAOT_FUZZ=ON
  cmake --build "$build"
  ctest --test-dir "$build" --output-on-failure -j"$jobs"
  # Each fuzz target briefly; a finding fails the job (libFuzzer exits non-zero).
  # The module targets start from the tests' modules; the differential one's
  # input is the generator's seed, so it starts from nothing.
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/seeds"
  find "$build/tests/wasm" "$build/examples" -name '*.wasm' -size -64k -exec cp {} "$work/seeds/" \;
  for target in decode compile-run differential; do
    # fuzz/regressions/<target>: every input that ever found something.
    seeds=(fuzz/regressions/"$target")
    if [[ $target != differential ]]; then seeds+=("$work/seeds"); fi
    mkdir -p "$work/corpus-$target"
    "$build/fuzz/waot-fuzz-$target" -max_total_time="${FUZZ_SECONDS:-30}" -max_len=65536 \
      -timeout=60 -rss_limit_mb=4096 -print_final_stats=1 "$work/corpus-$target" "${seeds[@]}" \
      2>&1 | tail -n 12
  done
  ;;
thread | thread-runtime)
  build=${BUILD_DIR:-build-tsan}
  cmake -S . -B "$build" -G Ninja "${optimize[@]}" -DWAOT_SANITIZE=thread
  # A report fails the job at once.
  export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
  if [[ $kind == thread-runtime ]]; then
    cmake --build "$build" --target runtime_tests
    "$build/tests/runtime_tests" --gtest_filter='RuntimeThreads.*'
    exit 0
  fi
  cmake --build "$build" --target e2e_tests runtime_tests codegen_tests api_tests
  "$build/tests/e2e_tests" --gtest_filter='Threads.*:*Interrupt*:*ParallelBuild*'
  "$build/tests/runtime_tests" --gtest_filter='RuntimeThreads.*'
  "$build/tests/codegen_tests" \
    --gtest_filter='CodegenCompiler.IndependentCompilationsRunConcurrently:TaskPool.*:CodegenLink.Concurrent*'
  "$build/tests/api/api_tests" --gtest_filter='*Async*:ApiThreads.*'
  ;;
*)
  echo "usage: tests/sanitizers.sh address|thread|thread-runtime" >&2
  exit 2
  ;;
esac
