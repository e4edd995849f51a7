#!/usr/bin/env bash
# bench/dashboard/run.sh (`bench/run.sh dashboard`): the supervisor's dashboard (src/core/dashboard.h)
# over the seeded tables of bench/analytics/generate.mjs, natively and as WASM under node.
#   1. builds edudesk_dashboard_bench natively and as WASM for node (configuring the build
#      folders when they are missing)
#   2. generates the seeded tables of 100,000 and 1,000,000 tickets into a temporary folder
#      (the analytics benchmark's generator, same seed: the same tables)
#   3. runs each build on each table (bench/dashboard/dashboard_bench.cpp: a full compute after a
#      filter change, the finishing, one new and one changed ticket taken in incrementally and
#      checked against a full compute, the memory of the columns; median of BENCH_RUNS runs)
#   4. writes the section "Dashboard" of bench/RESULTS.md (between its markers; the analytics
#      benchmark's report keeps it) and prints it
# Settings (environment): BENCH_SIZES="100000 1000000" BENCH_RUNS=5 BENCH_SEED=7
#   BENCH_NATIVE_DIR=build/native BENCH_WASM_DIR=build/wasm BENCH_OUT=bench/RESULTS.md JOBS=1
#   BENCH_NICE=-10 runs at that niceness (needs the right to raise priority)
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${BENCH_SIZES:-100000 1000000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-7}
NATIVE_DIR=${BENCH_NATIVE_DIR:-build/native}
WASM_DIR=${BENCH_WASM_DIR:-build/wasm}
OUT=${BENCH_OUT:-bench/RESULTS.md}
JOBS=${JOBS:-1}
NICE=${BENCH_NICE:-}
export NODE_PATH=/usr/share/nodejs  # em++ links through node and needs Debian's acorn
started=$(date +%s)

say() { echo "dashboard bench: $*" >&2; }
die() { say "$*"; exit 1; }
PREFIX=()
if [ -n "$NICE" ]; then
  [ "$(nice -n "$NICE" nice 2>/dev/null)" = "$(($(nice) + NICE))" ] || die "BENCH_NICE=$NICE: not allowed to set that niceness"
  PREFIX=(nice -n "$NICE")
fi

# ---- 1. builds ----
if [ ! -f "$NATIVE_DIR/build.ninja" ]; then
  say "configuring $NATIVE_DIR"
  cmake -S . -B "$NATIVE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building edudesk_dashboard_bench in $NATIVE_DIR (-j $JOBS)"
cmake --build "$NATIVE_DIR" --target edudesk_dashboard_bench -j "$JOBS" >/dev/null
NATIVE_BIN="$NATIVE_DIR/bench/edudesk_dashboard_bench"
WASM_JS=""
if command -v emcmake >/dev/null; then
  if [ ! -f "$WASM_DIR/build.ninja" ]; then
    say "configuring $WASM_DIR (emcmake)"
    emcmake cmake -S . -B "$WASM_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  say "building edudesk_dashboard_bench.js in $WASM_DIR (-j $JOBS)"
  cmake --build "$WASM_DIR" --target edudesk_dashboard_bench -j "$JOBS" >/dev/null
  WASM_JS="$WASM_DIR/edudesk_dashboard_bench.js"
else
  say "no emcmake: the WASM build is skipped"
fi
[ -x "$NATIVE_BIN" ] || die "the build did not produce $NATIVE_BIN"

# ---- 2. tables ----
TMP=$(mktemp -d "${TMPDIR:-/tmp}/edudesk-dashboard.XXXXXX")
RUN_PID=""
cleanup() {
  [ -z "$RUN_PID" ] || kill -TERM "$RUN_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in $SIZES; do
  say "generating $n tickets (seed $SEED)"
  node bench/analytics/generate.mjs --n "$n" --seed "$SEED" --out "$TMP/tickets-$n.csv" 2>/dev/null
done

# ---- 3. runs, one JSON line each ----
for n in $SIZES; do
  for engine in native wasm; do
    case $engine in
      native) cmd=("$NATIVE_BIN") ;;
      wasm) [ -n "$WASM_JS" ] || continue; cmd=(node --no-experimental-fetch "$WASM_JS") ;;
    esac
    say "$engine, $n tickets"
    timeout 600 "${PREFIX[@]}" "${cmd[@]}" --tickets "$TMP/tickets-$n.csv" --runs "$RUNS" >"$TMP/line-$engine-$n.json" &
    RUN_PID=$!
    wait "$RUN_PID" || die "$engine failed on $n tickets"
    RUN_PID=""
    cat "$TMP/line-$engine-$n.json" >&2
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- 4. the section of bench/RESULTS.md ----
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src/core/dashboard.cpp src/core/dashboard.h 2>/dev/null || rev="$rev + uncommitted changes"
node bench/dashboard/report.mjs --dir "$TMP" --sizes "$SIZES" --out "$OUT" \
  --fact "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --fact "machine=$(nproc) cores ($cpu), Linux $(uname -r)" \
  --fact "load=load average $load_before before the runs, $load_after after (other work on the machine)" \
  --fact "tools=node $(node --version), emscripten $(emcc --version 2>/dev/null | head -1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | head -1), g++ $(g++ -dumpversion), Release" \
  --fact "code=commit $rev" \
  --fact "settings=seed $SEED (bench/analytics/generate.mjs), median of $RUNS runs after one warm-up run${NICE:+, at nice $NICE}" \
  --fact "duration=$(($(date +%s) - started)) s for bench/dashboard/run.sh"
say "wrote the section \"Dashboard\" of $OUT"
