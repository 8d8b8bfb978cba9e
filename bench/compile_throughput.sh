#!/usr/bin/env bash
# Compile throughput of `waot compile` (shared library output) per module,
# optimization level and thread count: wall and CPU time, peak memory, wasm
# bytes (KB = 1000 bytes) and functions per second, the speedup over one thread, and whether
# the output is byte-identical to the one-thread build.
#
#   usage: bench/compile_throughput.sh [-B BUILD_DIR] [-O "0 2"] [-j "1 2"] [--runs N] FILE.wasm...
#     -B DIR     waot build folder (default: $WAOT_BUILD, else build); uses DIR/driver/waot
#     -O LEVELS  optimization levels (default "0 2")
#     -j JOBS    thread counts (default "1 2"); the first one is the speedup reference
#     --runs N   compilations per configuration (default 1); the fastest is reported
#   Target (issue 5): Yosys (@yowasp/yosys 0.55.944, gen/yosys.core.wasm) at -O2
#   with 2 threads >= 1.7x faster than with 1, under 3 minutes and 6 GiB.
#   Times are only comparable on an otherwise idle machine.
set -euo pipefail

build="${WAOT_BUILD:-build}"
levels="0 2"
jobs="1 2"
runs=1
files=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -B) build="$2"; shift 2 ;;
    -O) levels="$2"; shift 2 ;;
    -j) jobs="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) files+=("$1"); shift ;;
  esac
done
waot="$build/driver/waot"
[[ -x "$waot" ]] || { echo "no waot binary at $waot (build it, or pass -B BUILD_DIR)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }
[[ ${#files[@]} -gt 0 ]] || { echo "no .wasm file given (see --help)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# Prints "wall user sys peak_kib" of the fastest of $runs compilations; the
# output goes to $scratch/j<jobs>/out.so (same file name for every thread
# count: the name is recorded as the library's soname).
measure() {
  local file="$1" level="$2" threads="$3" best="" line
  mkdir -p "$scratch/j$threads"
  for ((run = 0; run < runs; ++run)); do
    /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" \
      "$waot" compile "$file" -o "$scratch/j$threads/out.so" -O"$level" -j"$threads"
    line=$(tail -n 1 "$scratch/time")
    if [[ -z "$best" ]] || awk -v a="$line" -v b="$best" \
        'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] < y[1]) }'; then
      best="$line"
    fi
  done
  echo "$best"
}

printf '%-22s %3s %4s %9s %9s %9s %9s %11s %8s %9s\n' \
  module opt jobs "wall s" "cpu s" "RSS MiB" "KB/s" "functions/s" speedup identical
for file in "${files[@]}"; do
  bytes=$(stat -c %s "$file")
  # "NAME: valid (T types, I imports, F functions, E exports)"
  functions=$("$waot" validate "$file" | sed -n 's/.* \([0-9][0-9]*\) functions.*/\1/p')
  for level in $levels; do
    reference_wall=""
    reference_jobs=""
    for threads in $jobs; do
      read -r wall user sys peak < <(measure "$file" "$level" "$threads")
      if [[ -z "$reference_wall" ]]; then
        reference_wall="$wall"
        reference_jobs="$threads"
        identical="-"
      elif cmp -s "$scratch/j$reference_jobs/out.so" "$scratch/j$threads/out.so"; then
        identical="yes"
      else
        identical="NO"
      fi
      awk -v name="$(basename "$file")" -v level="$level" -v threads="$threads" \
        -v wall="$wall" -v user="$user" -v sys="$sys" -v peak="$peak" -v bytes="$bytes" \
        -v functions="$functions" -v reference="$reference_wall" -v identical="$identical" \
        'BEGIN {
           w = wall > 0 ? wall : 0.01 # GNU time rounds to 10 ms
           printf "%-22s %3s %4s %9.2f %9.2f %9.1f %9.0f %11.0f %7.2fx %9s\n",
             name, "-O" level, threads, wall, user + sys, peak / 1024, bytes / w / 1e3,
             functions / w, (reference > 0 ? reference : 0.01) / w, identical
         }'
    done
  done
done
