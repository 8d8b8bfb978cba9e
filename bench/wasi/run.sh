#!/usr/bin/env bash
# WASI speed, in one run: a cached `waot run` of a hello-world (process start to
# exit) against node's node:wasi on the same module, and a WASI-heavy program
# (100 MiB written to a file in 4 KiB writes, read back) against the same C
# program built natively.
#
#   usage: bench/wasi/run.sh [--waot PATH] [--runs N] [--size-mb N]
# Needs clang-19 with wasi-libc (the README's packages), node, hyperfine, jq.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project_root=$(cd "$script_dir/../.." && pwd)
waot="$project_root/build/driver/waot"
runs=30
size_mb=100
while [[ $# -gt 0 ]]; do
  case "$1" in
    --waot) waot=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --size-mb) size_mb=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in clang-19 node hyperfine jq; do
  command -v "$tool" > /dev/null || { echo "bench/wasi/run.sh needs $tool" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WAOT_CACHE_DIR="$work/cache"
wasi_flags=(--target=wasm32-wasi --sysroot=/usr -O2)
clang-19 "${wasi_flags[@]}" "$project_root/examples/wasi/hello.c" -o "$work/hello.wasm"
clang-19 "${wasi_flags[@]}" "$script_dir/io_heavy.c" -o "$work/io_heavy.wasm"
clang-19 -O2 "$script_dir/io_heavy.c" -o "$work/io_heavy"
mkdir -p "$work/data"

# Fill the cache (compile once), and check that every peer gives the same output.
"$waot" run "$work/hello.wasm" > "$work/hello.waot"
node "$script_dir/node_wasi_run.mjs" "$work/hello.wasm" > "$work/hello.node"
cmp "$work/hello.waot" "$work/hello.node"
"$waot" run --dir "$work/data::/data" "$work/io_heavy.wasm" /data "$size_mb" > "$work/io.waot"
"$work/io_heavy" "$work/data" "$size_mb" > "$work/io.native"
cmp "$work/io.waot" "$work/io.native"

median() { jq ".results[$2].median" "$1"; }

echo "== hello-world, process start to exit ($runs runs each) =="
hyperfine -N -w 3 -r "$runs" --export-json "$work/hello.json" \
  -n "waot run (cached)" "$waot run $work/hello.wasm" \
  -n "node node:wasi" "node $script_dir/node_wasi_run.mjs $work/hello.wasm" > /dev/null
waot_hello=$(median "$work/hello.json" 0)
node_hello=$(median "$work/hello.json" 1)

io_runs=$(( runs < 10 ? runs : 10 ))
echo "== $size_mb MiB in 4 KiB writes, read back ($io_runs runs each) =="
hyperfine -N -w 1 -r "$io_runs" --export-json "$work/io.json" \
  -n "native (clang-19 -O2)" "$work/io_heavy $work/data $size_mb" \
  -n "waot run (cached)" "$waot run --dir $work/data::/data $work/io_heavy.wasm /data $size_mb" \
  -n "node node:wasi" "node $script_dir/node_wasi_run.mjs --dir $work/data::/data $work/io_heavy.wasm /data $size_mb" \
  > /dev/null
native_io=$(median "$work/io.json" 0)
waot_io=$(median "$work/io.json" 1)
node_io=$(median "$work/io.json" 2)

awk -v wh="$waot_hello" -v nh="$node_hello" -v ni="$native_io" -v wi="$waot_io" -v no="$node_io" 'BEGIN {
  printf "| program | waot | node | native | waot vs node | waot vs native |\n"
  printf "|---|---|---|---|---|---|\n"
  printf "| hello-world (median) | %.1f ms | %.1f ms | — | %.2f× | — |\n", wh * 1000, nh * 1000, wh / nh
  printf "| 4 KiB writes + read back (median) | %.3f s | %.3f s | %.3f s | %.2f× | %.2f× |\n", wi, no, ni, wi / no, wi / ni
}'
