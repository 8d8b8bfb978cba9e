#!/usr/bin/env bash
# Kernels written with clang's vector extensions (bench/vector/*.c): the same
# source compiled natively (clang-19 -O2: SSE/AVX) and to wasm SIMD
# (clang-19 --target=wasm32 -msimd128), the wasm run by waot; checksums must
# match, then the median time of one run(n) call after one warm-up call
# (native and waot runs alternated).
#
#   usage: bench/vector/run.sh [-B BUILD_DIR] [-r RUNS]
# Needs clang-19, lld-19 (wasm-ld) and the shared harness's bench.h and native
# driver ($BENCH_HOME, default /work/shared/bench).
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build="${WAOT_BUILD:-$script_dir/../../build}"
runs=5
bench_home="${BENCH_HOME:-/work/shared/bench}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -B) build="$2"; shift 2 ;;
    -r) runs="$2"; shift 2 ;;
    *) echo "usage: $0 [-B BUILD_DIR] [-r RUNS]" >&2; exit 2 ;;
  esac
done
waot="$build/driver/waot"
work=$(mktemp -d "${TMPDIR:-/tmp}/waot-vector-XXXXXX")
trap 'rm -rf "$work"' EXIT
export WAOT_CACHE_DIR="$work/cache"

declare -A n=([dot]=100000 [blend]=12000 [ascii]=10000)
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

printf '| kernel | n | native s | waot s | waot / native |\n|---|---|---|---|---|\n'
for k in dot blend ascii; do
  clang-19 -O2 -ffp-contract=off -I"$bench_home/kernels" "$script_dir/$k.c" \
    "$bench_home/drivers/native_main.c" -o "$work/$k"
  clang-19 --target=wasm32 -O2 -msimd128 -ffp-contract=off -nostdlib -Wl,--no-entry \
    -Wl,--export=run -I"$bench_home/kernels" "$script_dir/$k.c" -o "$work/$k.wasm"
  want=$("$work/$k" "${n[$k]}" | sed -n 's/^checksum=//p')
  got=$("$waot" run "$work/$k.wasm" --invoke run "${n[$k]}" | sed -n 's/^i64://p')
  [[ "$want" == "$got" ]] || { echo "$k: checksum mismatch: native $want, waot $got" >&2; exit 1; }
  # Alternated, so that a change of the machine's state during the runs
  # affects both sides alike.
  native_times=() wasm_times=()
  for r in $(seq "$runs"); do
    native_times+=("$("$work/$k" "${n[$k]}" 2 | sed -n 's/^time_s=//p')")
    wasm_times+=("$("$waot" run "$work/$k.wasm" --invoke run "${n[$k]}" --warmup 1 --time |
      sed -n 's/^time_s=//p')")
  done
  native=$(printf '%s\n' "${native_times[@]}" | median)
  wasm=$(printf '%s\n' "${wasm_times[@]}" | median)
  printf '| %s | %s | %.3f | %.3f | %.2fx |\n' "$k" "${n[$k]}" "$native" "$wasm" \
    "$(echo "$wasm / $native" | bc -l)"
done
