#!/usr/bin/env bash
# Compile time per benchmark kernel: `waot compile -O2` (a linked, loadable
# shared library) against the wasm2c peer's build of the same kernel
# (`wasm2c K.wasm` + `clang-19 -O2 -c` of the generated C, the flags of
# ../shared/bench/build.sh; wabt's runtime and the driver are not counted).
# Prints wall seconds (median of --runs) and the ratio wasm2c+clang / waot.
#
#   usage: bench/compile_vs_wasm2c.sh [-B BUILD_DIR] [--runs N] [-O LEVEL] [KERNEL...]
#     -B DIR     waot build folder (default: $WAOT_BUILD, else build)
#     --runs N   compilations per kernel and tool (default 11); the median counts
#     -O LEVEL   waot's optimization level (default 2; the peer always uses -O2)
#     KERNEL     kernel names (default: every ../shared/bench/kernels/*.wasm)
#   Environment: BENCH_DIR (default ../shared/bench beside the checkout),
#   CC (default clang-19), WASM2C (default wasm2c), WASM2C_RT_DIR
#   (default /usr/share/wabt/wasm2c).
#   Target (issue 5): waot compiles each kernel faster than wasm2c + clang.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build="${WAOT_BUILD:-build}"
runs=11
level=2
kernels=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -B) build="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -O) level="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) kernels+=("$1"); shift ;;
  esac
done
bench="${BENCH_DIR:-$here/../../shared/bench}"
cc="${CC:-clang-19}"
wasm2c="${WASM2C:-wasm2c}"
rt="${WASM2C_RT_DIR:-/usr/share/wabt/wasm2c}"
waot="$build/driver/waot"
[[ -x "$waot" ]] || { echo "no waot binary at $waot (build it, or pass -B BUILD_DIR)" >&2; exit 2; }
[[ -d "$bench/kernels" ]] || { echo "no benchmark kernels in $bench/kernels (set BENCH_DIR)" >&2; exit 2; }
command -v "$cc" >/dev/null || { echo "$cc not found (apt-get install clang-19)" >&2; exit 2; }
command -v "$wasm2c" >/dev/null || { echo "$wasm2c not found (apt-get install wabt)" >&2; exit 2; }
if [[ ${#kernels[@]} -eq 0 ]]; then
  for f in "$bench"/kernels/*.wasm; do kernels+=("$(basename "$f" .wasm)"); done
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Median wall seconds of $runs runs of "$1" (a command string run by bash).
# The runs of the two tools alternate (see below), so that a slow phase of
# this shared machine hits both.
median() {
  sort -g | awk '{ t[NR] = $1 } END { printf "%.4f", (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2 }'
}
seconds() {
  local start end
  start=$(date +%s.%N)
  bash -c "$1" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}

printf '%-12s %12s %16s %8s\n' kernel "waot s" "wasm2c+clang s" ratio
ratios=()
for k in "${kernels[@]}"; do
  wasm="$bench/kernels/$k.wasm"
  [[ -f "$wasm" ]] || { echo "no kernel $wasm" >&2; exit 2; }
  dir="$scratch/$k"
  mkdir -p "$dir"
  waot_cmd="'$waot' compile '$wasm' -O$level -o '$dir/$k.so'"
  peer_cmd="'$wasm2c' '$wasm' -n kernel -o '$dir/kernel.c' && '$cc' -O2 -ffp-contract=off -I'$dir' -I'$rt' -c '$dir/kernel.c' -o '$dir/kernel.o'"
  : >"$dir/waot.times"
  : >"$dir/peer.times"
  for ((run = 0; run < runs; ++run)); do
    seconds "$waot_cmd" >>"$dir/waot.times"
    seconds "$peer_cmd" >>"$dir/peer.times"
  done
  waot_s=$(median <"$dir/waot.times")
  peer_s=$(median <"$dir/peer.times")
  ratio=$(awk -v a="$peer_s" -v b="$waot_s" 'BEGIN { printf "%.2f", a / b }')
  ratios+=("$ratio")
  printf '%-12s %12s %16s %7sx\n' "$k" "$waot_s" "$peer_s" "$ratio"
done
printf '%s\n' "${ratios[@]}" | awk '{ s += log($1); n++ } END { printf "%-12s %12s %16s %7.2fx\n", "geomean", "", "", exp(s / n) }'
