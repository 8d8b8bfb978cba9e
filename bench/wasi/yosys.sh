#!/usr/bin/env bash
# A large real-world WASI program built by someone else: Yosys from the npm
# package @yowasp/yosys (a 30.8 MB wasm32-wasip1 module), synthesizing
# bench/wasi/mac.v. Runs it under `waot run` and under node's node:wasi with
# the same preopened directories, checks that the outputs are byte-identical,
# then times both (the waot module comes from the compile cache; the first
# run compiles it at -O2, which takes minutes on 2 cores).
#
#   usage: bench/wasi/yosys.sh [--waot PATH] [--runs N] [--work DIR]
# Needs npm (registry access), node, hyperfine, jq.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project_root=$(cd "$script_dir/../.." && pwd)
waot="$project_root/build/driver/waot"
runs=5
work=/tmp/waot-yosys
version=0.55.944
while [[ $# -gt 0 ]]; do
  case "$1" in
    --waot) waot=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$work"
cd "$work"
if [[ ! -f package/gen/yosys.core.wasm ]]; then
  npm pack "@yowasp/yosys@$version" > /dev/null
  tar xzf "yowasp-yosys-$version.tgz"
fi
[[ -d root/share ]] || node "$script_dir/yowasp_extract.mjs" package root
export WAOT_CACHE_DIR="${WAOT_CACHE_DIR:-$work/cache}"
module=package/gen/yosys.core.wasm
script="read_verilog /work/mac.v; synth -top mac; tee -o /work/stat.txt stat; write_verilog -noattr /work/out.v"

run_peer() { # NAME COMMAND...: a fresh work and tmp directory for each run
  local name=$1; shift
  rm -rf "$name" && mkdir -p "$name/work" "$name/tmp" && cp "$script_dir/mac.v" "$name/work/"
  "$@" --dir root/share::/share --dir "$name/work::/work" --dir "$name/tmp::/tmp" \
    "$module" -q -p "$script" > "$name/stdout" 2> "$name/stderr.raw"
  grep -v "ExperimentalWarning\|trace-warnings" "$name/stderr.raw" > "$name/stderr" || true
}
echo "compiling (first run only) and checking the outputs..."
run_peer waot "$waot" run --tier optimized
run_peer node node "$script_dir/node_wasi_run.mjs"
for file in stdout stderr work/out.v work/stat.txt; do
  cmp "waot/$file" "node/$file"
done
echo "identical: stdout, stderr, out.v ($(wc -c < waot/work/out.v) bytes), stat.txt" \
     "($(grep 'Number of cells' waot/work/stat.txt | head -1 | tr -s ' '))"
"$waot" cache info | grep yosys || true

hyperfine -N -w 1 -r "$runs" --export-json "$work/yosys.json" \
  -n "waot run (cached -O2)" "bash -c 'cd $work && rm -rf t && mkdir -p t/w t/t && cp $script_dir/mac.v t/w && $waot run --tier optimized --dir root/share::/share --dir t/w::/work --dir t/t::/tmp $module -q -p \"$script\"'" \
  -n "node node:wasi" "bash -c 'cd $work && rm -rf t && mkdir -p t/w t/t && cp $script_dir/mac.v t/w && node $script_dir/node_wasi_run.mjs --dir root/share::/share --dir t/w::/work --dir t/t::/tmp $module -q -p \"$script\" 2>/dev/null'" \
  > /dev/null
awk -v w="$(jq '.results[0].median' "$work/yosys.json")" -v n="$(jq '.results[1].median' "$work/yosys.json")" \
  'BEGIN { printf "| Yosys synth of mac.v (median) | waot %.3f s | node %.3f s | waot/node %.2f× |\n", w, n, w / n }'
