#!/usr/bin/env bash
# Runs the shared peer benchmark (native clang -O2, wasm2c+clang, node) with
# waot plugged in as the project column.
#
#   usage: bench/run_peers.sh [--waot PATH] [--opt N] [run.sh options...]
#     --waot PATH   the waot CLI (default: $WAOT, else <build>/driver/waot of the
#                   first build folder found: $WAOT_BUILD, /tmp/build-perf, ./build)
#     --opt N       waot's optimization level for the AOT compile (default 2)
#     --bench DIR   the peer harness (default: $BENCH_HOME, else /work/shared/bench)
#   Every other option goes to the harness's run.sh unchanged, e.g.
#     -q              quick correctness run (every checksum must match)
#     -k fib,sort     a subset of kernels
#     -r 5            timed runs per kernel and peer
#     -b DIR --keep   keep the peers' build folder between runs
#     -p native       only these peers (waot is always added)
#
# waot compiles each kernel ahead of time once (PROJECT_PREPARE, reported in the
# harness's start-up table), then `waot run --warmup {warmups} --time` times one
# call of run(n) after the same number of warm-up calls as the other peers.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project_root=$(cd "$script_dir/.." && pwd)

waot="${WAOT:-}"
opt=2
bench_home="${BENCH_HOME:-/work/shared/bench}"
harness_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --waot) waot="$2"; shift 2 ;;
    --opt) opt="$2"; shift 2 ;;
    --bench) bench_home="$2"; shift 2 ;;
    -h|--help)
      sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
      exit 0 ;;
    *) harness_args+=("$1"); shift ;;
  esac
done

if [[ -z "$waot" ]]; then
  for build in "${WAOT_BUILD:-}" /tmp/build-perf "$project_root/build"; do
    if [[ -n "$build" && -x "$build/driver/waot" ]]; then
      waot="$build/driver/waot"
      break
    fi
  done
fi
if [[ -z "$waot" || ! -x "$waot" ]]; then
  echo "run_peers.sh: no waot binary found; build it or pass --waot PATH" >&2
  exit 2
fi
if [[ ! -x "$bench_home/run.sh" ]]; then
  echo "run_peers.sh: peer harness not found at $bench_home (set --bench DIR)" >&2
  exit 2
fi
for tool in clang-19 wasm2c node; do
  command -v "$tool" >/dev/null || echo "run_peers.sh: warning: $tool missing, its peer is skipped" >&2
done

waot=$(cd "$(dirname "$waot")" && pwd)/$(basename "$waot")
quoted_waot=$(printf '%q' "$waot")
echo "waot: $waot (-O$opt)"

export PROJECT_NAME=waot
export PROJECT_PREPARE="$quoted_waot compile {wasm} -o {out}/{name}.so -O$opt"
# `waot run` prints results as TYPE:VALUE ("i64:-42"); the harness wants the
# checksum as "checksum=<int>". pipefail keeps a trap's non-zero exit status.
export PROJECT_RUN="set -o pipefail; $quoted_waot run {out}/{name}.so --invoke run {n} \
--warmup {warmups} --time | sed -e 's/^i64:/checksum=/'"
exec "$bench_home/run.sh" "${harness_args[@]}"
