#!/usr/bin/env bash
# Runs waot's benchmarks and prints the figures with their targets:
#   1. instantiation time per instance (waot-bench-instantiate) of every
#      benchmark kernel and of synthetic modules (no data, 4 KiB and 8 MiB of
#      data, 5000 functions, a 5000-entry table);
#   2. call overhead (waot-bench-calls): typed host -> wasm call of an empty
#      export against a native indirect call, wasm -> host calls;
#   3. a linked module against the same module as a .so (waot-bench-linked):
#      instantiation and calls side by side;
#   4. with --peers: the peer comparison (bench/run_peers.sh, several minutes).
#
#   usage: bench/run_all.sh [-B BUILD_DIR] [--peers] [--runs N] [-- run_peers.sh options]
#     -B DIR     waot build folder (default: $WAOT_BUILD, else build); the
#                benchmark programs are built there (targets waot, waot-benchmarks)
#     --peers    also run the peer benchmark (5 runs unless -r is passed after --)
#     --runs N   instantiations per module (default 2000)
#   Targets (issue 5): instantiation median <= 10 us per kernel module, independent
#   of code size; typed empty call within 5 ns of a native indirect call.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build="${WAOT_BUILD:-build}"
peers=0
runs=2000
peer_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -B) build="$2"; shift 2 ;;
    --peers) peers=1; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --) shift; peer_args=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_all.sh: unknown option $1 (see -h)" >&2; exit 2 ;;
  esac
done
kernels_dir="${BENCH_HOME:-$script_dir/../../shared/bench}/kernels"
[[ -d "$kernels_dir" ]] || { echo "run_all.sh: no kernels in $kernels_dir (set BENCH_HOME)" >&2; exit 2; }
command -v wat2wasm >/dev/null || { echo "run_all.sh: wat2wasm (wabt) is needed" >&2; exit 2; }

echo "== building waot and the benchmark programs in $build"
cmake --build "$build" -j2 --target waot waot-benchmarks >/dev/null
waot="$build/driver/waot"
work=$(mktemp -d "${TMPDIR:-/tmp}/waot-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== compiling the modules (waot compile -O2)"
"$build/bench/waot-bench-modules" "$work"
for wasm in "$work"/inst_*.wasm "$kernels_dir"/*.wasm; do
  "$waot" compile "$wasm" -o "$work/$(basename "${wasm%.wasm}").so" -O2
done
wat2wasm "$script_dir/calls.wat" -o "$work/calls.wasm"
"$waot" compile "$work/calls.wasm" -o "$work/calls.so" -O2

echo
echo "== instantiation"
mapfile -t modules < <(ls "$work"/inst_*.so; for k in "$kernels_dir"/*.wasm; do echo "$work/$(basename "${k%.wasm}").so"; done)
"$build/bench/waot-bench-instantiate" --runs "$runs" "${modules[@]}" | tee "$work/instantiate.txt" | grep -v '^instantiate_us'
awk '/^instantiate_us/ && $2 !~ /^inst_/ { n++; if ($3 > max) { max = $3; worst = $2 } if ($3 > 10) over++ }
     END { printf "kernel modules: %d, slowest median %.2f us (%s), above the 10 us target: %d\n", n, max, worst, over + 0 }' \
  "$work/instantiate.txt"
awk '/^instantiate_us inst_minimal /{ m = $3 } /^instantiate_us inst_code_large /{ c = $3 }
     END { printf "code size: 5000 functions cost %+.2f us over a minimal module (%.2fx)\n", c - m, c / m }' \
  "$work/instantiate.txt"

echo
echo "== call overhead"
"$build/bench/waot-bench-calls" "$work/calls.so" | tee "$work/calls.txt" | grep -v '^call_ns'
awk '/^call_ns native_indirect /{ n = $3 } /^call_ns typed_empty /{ t = $3 }
     END { printf "typed empty call - native indirect call: %+.2f ns (target <= 5 ns): %s\n", t - n, (t - n <= 5) ? "met" : "NOT met" }' \
  "$work/calls.txt"

echo
echo "== a linked module (object) against the same module as a .so"
"$build/bench/waot-bench-linked" "$work/calls.so" --runs "$runs"

if [[ $peers -eq 1 ]]; then
  echo
  echo "== peers (native clang -O2, wasm2c, node, waot)"
  "$script_dir/run_peers.sh" --waot "$waot" "${peer_args[@]}"
fi
