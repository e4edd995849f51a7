#!/usr/bin/env bash
# bench/analytics/run.sh: the ticket analytics benchmark (docs/ANALYTICS.md), one command.
#   1. npm dependencies into bench/analytics/node_modules when missing (npm ci, package-lock.json)
#   2. builds edudesk_analytics_bench natively and as WASM for node (configuring the build
#      folders when they are missing)
#   3. generates seeded tables of 100,000 and 1,000,000 tickets into a temporary folder
#   4. runs every engine in its own process: our C++ native, our C++ as WASM under node,
#      hand-written typed-array JavaScript, DuckDB-WASM, Arquero (one warm-up run, then the
#      median of BENCH_RUNS runs)
#   5. checks that every engine's answers agree with ours (counts exactly, floats to 1e-9,
#      the planted spike found) and stops with the differences if not
#   6. writes bench/RESULTS.md: load, Q1 … Q5, their sum, peak memory, the target ratios
# Settings (environment): BENCH_SIZES="100000 1000000" BENCH_RUNS=5 BENCH_SEED=7
#   BENCH_NATIVE_DIR=build/native BENCH_WASM_DIR=build/wasm BENCH_OUT=bench/RESULTS.md JOBS=1
#   BENCH_ENGINES="cpp-native cpp-wasm js-typed-arrays duckdb-wasm arquero"
#   BENCH_NICE=-10 runs every engine at that niceness (needs the right to raise priority): on a
#   machine shared with other work, a query of a few milliseconds is otherwise often interrupted
# Takes ≈ 1–2 min on the 2-core machine once built (Arquero's and DuckDB's loads of 1,000,000 rows dominate).
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${BENCH_SIZES:-100000 1000000}
RUNS=${BENCH_RUNS:-5}
SEED=${BENCH_SEED:-7}
NATIVE_DIR=${BENCH_NATIVE_DIR:-build/native}
WASM_DIR=${BENCH_WASM_DIR:-build/wasm}
OUT=${BENCH_OUT:-bench/RESULTS.md}
JOBS=${JOBS:-1}
ENGINES=${BENCH_ENGINES:-cpp-native cpp-wasm js-typed-arrays duckdb-wasm arquero}
NICE=${BENCH_NICE:-}
SPIKE=c0005:2025-07-20  # planted by generate.mjs
HERE=bench/analytics
export NODE_PATH=/usr/share/nodejs  # em++ links through node and needs Debian's acorn
started=$(date +%s)

say() { echo "analytics bench: $*" >&2; }
die() { say "$*"; exit 1; }
PREFIX=()
if [ -n "$NICE" ]; then
  [ "$(nice -n "$NICE" nice 2>/dev/null)" = "$(($(nice) + NICE))" ] || die "BENCH_NICE=$NICE: not allowed to set that niceness"
  PREFIX=(nice -n "$NICE")
fi

# ---- 1. npm dependencies (only from the npm registry, into bench/analytics/node_modules) ----
if [ ! -d "$HERE/node_modules/@duckdb/duckdb-wasm" ] || [ ! -d "$HERE/node_modules/arquero" ]; then
  say "installing npm dependencies into $HERE/node_modules"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

# ---- 2. builds ----
if [ ! -f "$NATIVE_DIR/build.ninja" ]; then
  say "configuring $NATIVE_DIR"
  cmake -S . -B "$NATIVE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building edudesk_analytics_bench in $NATIVE_DIR (-j $JOBS)"
cmake --build "$NATIVE_DIR" --target edudesk_analytics_bench -j "$JOBS" >/dev/null
NATIVE_BIN="$NATIVE_DIR/bench/edudesk_analytics_bench"
if [ ! -f "$WASM_DIR/build.ninja" ]; then
  say "configuring $WASM_DIR (emcmake)"
  emcmake cmake -S . -B "$WASM_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
say "building edudesk_analytics_bench.js in $WASM_DIR (-j $JOBS)"
cmake --build "$WASM_DIR" --target edudesk_analytics_bench -j "$JOBS" >/dev/null
WASM_JS="$WASM_DIR/edudesk_analytics_bench.js"
[ -x "$NATIVE_BIN" ] && [ -f "$WASM_JS" ] || die "the builds did not produce $NATIVE_BIN and $WASM_JS"

# ---- 3. tables ----
TMP=$(mktemp -d "${TMPDIR:-/tmp}/edudesk-analytics.XXXXXX")
ENGINE_PID=""
cleanup() {
  [ -z "$ENGINE_PID" ] || kill -TERM "$ENGINE_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
load_before=$(load_avg)
for n in $SIZES; do
  say "generating $n tickets (seed $SEED)"
  node "$HERE/generate.mjs" --n "$n" --seed "$SEED" --out "$TMP/tickets-$n.csv" 2>/dev/null
done

# ---- 4. engines, each in its own process, one JSON line each ----
run_engine() {  # engine n
  local engine=$1 n=$2 csv="$TMP/tickets-$2.csv" res="$TMP/results-$1-$2.json"
  local cmd
  case $engine in
    cpp-native) cmd=("$NATIVE_BIN") ;;
    cpp-wasm) cmd=(node --no-experimental-fetch "$WASM_JS") ;;
    js-typed-arrays) cmd=(node "$HERE/engine_js.mjs") ;;
    duckdb-wasm) cmd=(node "$HERE/engine_duckdb.mjs") ;;
    arquero) cmd=(node --max-old-space-size=8192 "$HERE/engine_arquero.mjs") ;;
    *) die "unknown engine $engine" ;;
  esac
  say "$engine, $n tickets"
  timeout 900 "${PREFIX[@]}" "${cmd[@]}" --tickets "$csv" --runs "$RUNS" --results "$res" >"$TMP/line-$engine-$n.json" &
  ENGINE_PID=$!
  wait "$ENGINE_PID" || die "$engine failed on $n tickets"
  ENGINE_PID=""
  cat "$TMP/line-$engine-$n.json" >&2
}
for n in $SIZES; do
  for e in $ENGINES; do run_engine "$e" "$n"; done
done
load_after=$(load_avg)

# ---- 5. every engine agrees with ours ----
failed=0
for n in $SIZES; do
  ref="$TMP/results-cpp-native-$n.json"
  for e in $ENGINES; do
    if node "$HERE/compare.mjs" "$ref" "$TMP/results-$e-$n.json" --spike "$SPIKE" >"$TMP/compare-$e-$n.json"; then
      say "$e agrees with cpp-native on $n tickets"
    else
      say "$e DISAGREES with cpp-native on $n tickets (above)"
      failed=1
    fi
  done
done
[ "$failed" = 0 ] || die "the engines disagree: $OUT not written"

# ---- 6. the report ----
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src/core/analytics.cpp src/core/analytics.h 2>/dev/null || rev="$rev + uncommitted changes"
node "$HERE/report.mjs" --dir "$TMP" --sizes "$SIZES" --engines "$ENGINES" --out "$OUT" \
  --fact "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --fact "machine=$(nproc) cores ($cpu), $mem RAM, Linux $(uname -r)" \
  --fact "load=load average $load_before before the runs, $load_after after (other work on the machine)" \
  --fact "tools=node $(node --version), emscripten $(emcc --version 2>/dev/null | head -1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*' | head -1), g++ $(g++ -dumpversion), Release (-O3); DuckDB-WASM $(node -p "require('./$HERE/node_modules/@duckdb/duckdb-wasm/package.json').version"), Arquero $(node -p "require('./$HERE/node_modules/arquero/package.json').version")" \
  --fact "code=commit $rev" \
  --fact "settings=seed $SEED, median of $RUNS runs per query after one warm-up run, each engine in its own process${NICE:+ at nice $NICE}" \
  --fact "duration=$(($(date +%s) - started)) s for bench/analytics/run.sh"
say "wrote $OUT"
