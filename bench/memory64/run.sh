#!/usr/bin/env bash
# The bench kernels built for memory64 against their memory32 build, side by
# side, both compiled by waot (docs/performance.md "memory64").
#
#   usage: bench/memory64/run.sh [--waot PATH] [-O N] [-r RUNS] [-k K1,K2] [--quick]
#
# Each kernel of the shared bench (BENCH_HOME, default /work/shared/bench) is
# compiled twice from its C source with the same toolchain: `clang-19
# --target=wasm32|wasm64 -O2 -c`, then `wasm-ld-19 -m wasm32|wasm64` (clang's
# driver would run binaryen's wasm-opt, whose version 108 cannot read the
# 64-bit tables clang emits for wasm64). waot compiles both at -O N (default
# 2); every run's checksum is checked against expected.txt; the table gives
# the median of RUNS (default 5) timed calls of run(n) after one warm-up call,
# the two builds alternating, and the ratio memory64 / memory32.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project_root=$(cd "$script_dir/../.." && pwd)
bench_home="${BENCH_HOME:-/work/shared/bench}"
waot="${WAOT:-$project_root/build/driver/waot}"
opt=2
runs=5
only=""
quick=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --waot) waot="$2"; shift 2 ;;
    -O) opt="$2"; shift 2 ;;
    -r) runs="$2"; shift 2 ;;
    -k) only="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cflags=(-O2 -mbulk-memory -ffp-contract=off -nostdlib)

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-11s %12s %12s %8s\n' kernel memory32_s memory64_s ratio
ratios=()
while read -r kernel n checksum quick_n quick_checksum; do
  [[ -z "$kernel" || "$kernel" == \#* ]] && continue
  if [[ -n "$only" && ",$only," != *",$kernel,"* ]]; then continue; fi
  if ((quick)); then n=$quick_n; checksum=$quick_checksum; fi
  declare -A seconds=()
  for bits in 32 64; do
    clang-19 --target=wasm$bits "${cflags[@]}" -c "$bench_home/kernels/$kernel.c" \
      -o "$work/$kernel.$bits.o"
    wasm-ld-19 -m wasm$bits --no-entry --export=run "$work/$kernel.$bits.o" \
      -o "$work/$kernel.$bits.wasm"
    "$waot" compile -O"$opt" "$work/$kernel.$bits.wasm" -o "$work/$kernel.$bits.so"
    : >"$work/$kernel.$bits.times"
  done
  for ((r = 0; r < runs; ++r)); do
    for bits in 32 64; do
      out=$("$waot" run "$work/$kernel.$bits.so" --invoke run "$n" --warmup 1 --time)
      got=$(sed -n 's/^i64://p' <<<"$out")
      if [[ "$got" != "$checksum" ]]; then
        echo "run.sh: $kernel (memory$bits): checksum $got, expected $checksum" >&2
        exit 1
      fi
      sed -n 's/^time_s=//p' <<<"$out" >>"$work/$kernel.$bits.times"
    done
  done
  t32=$(median <"$work/$kernel.32.times")
  t64=$(median <"$work/$kernel.64.times")
  ratio=$(awk -v a="$t64" -v b="$t32" 'BEGIN { printf "%.3f", a / b }')
  ratios+=("$ratio")
  printf '%-11s %12.4f %12.4f %8s\n' "$kernel" "$t32" "$t64" "$ratio"
done <"$bench_home/expected.txt"
printf '%s\n' "${ratios[@]}" | awk '{ s += log($1); n++ } END { if (n) printf "geomean memory64/memory32: %.3f over %d kernels\n", exp(s / n), n }'
