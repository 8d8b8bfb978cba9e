#!/usr/bin/env bash
# The cost of interruptible code on the bench kernels: each kernel of
# ../shared/bench compiled at -O2 with and without --interruptible, run
# alternately (median of RUNS timed calls of run(n) after one warm-up call),
# side by side in one run; the geomean of the ratios.
#
#   usage: bench/interrupt_overhead.sh [-B BUILD_DIR] [-r RUNS] [--simd]
set -euo pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build="$script_dir/../build"
runs=3
kernels_dir="${BENCH_HOME:-/work/shared/bench}/kernels"
while [[ $# -gt 0 ]]; do
  case "$1" in
    -B) build="$2"; shift 2 ;;
    -r) runs="$2"; shift 2 ;;
    --simd) kernels_dir="${BENCH_HOME:-/work/shared/bench}/kernels-simd"; shift ;;
    *) echo "usage: $0 [-B BUILD_DIR] [-r RUNS] [--simd]" >&2; exit 2 ;;
  esac
done
waot="$build/driver/waot"
expected="$(dirname "$kernels_dir")/expected.txt"
work=$(mktemp -d "${TMPDIR:-/tmp}/waot-interrupt-XXXXXX")
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
timed() { "$waot" run "$1" --invoke run "$2" --warmup 1 --time | sed -n 's/^time_s=//p'; }

printf '| kernel | plain s | interruptible s | ratio |\n|---|---|---|---|\n'
logsum=0
count=0
while read -r name n _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  wasm="$kernels_dir/$name.wasm"
  [[ -f "$wasm" ]] || continue
  "$waot" compile "$wasm" -o "$work/$name.so"
  "$waot" compile "$wasm" --interruptible -o "$work/$name.i.so"
  plain=() interruptible=()
  for _ in $(seq "$runs"); do
    plain+=("$(timed "$work/$name.so" "$n")")
    interruptible+=("$(timed "$work/$name.i.so" "$n")")
  done
  p=$(printf '%s\n' "${plain[@]}" | median)
  i=$(printf '%s\n' "${interruptible[@]}" | median)
  ratio=$(echo "$i / $p" | bc -l)
  logsum=$(echo "$logsum + l($ratio)" | bc -l)
  count=$((count + 1))
  printf '| %s | %.3f | %.3f | %.3fx |\n' "$name" "$p" "$i" "$ratio"
done < "$expected"
printf '| **geomean** | | | **%.3fx** |\n' "$(echo "e($logsum / $count)" | bc -l)"
