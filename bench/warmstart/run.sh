#!/usr/bin/env bash
# bench/warmstart/run.sh (`bench/run.sh warmstart`): a warm start with BENCH_TICKETS tickets in the
# browser's IndexedDB (issue 8: 100,000 tickets, first interactive frame within 1 s).
#   1. builds the server (build/native) and the web app (build/wasm) when missing
#   2. writes the op log of `edudesk demo --tickets N` once (cached in build/bench/; ≈ 5 min for
#      100,000 tickets, 1.27 million Ops)
#   3. copies the built web app to a temporary folder (a rebuild during the run changes nothing)
#      and runs bench/warmstart/warmstart.mjs: the log into IndexedDB, a cold visit, BENCH_RELOADS
#      reloads, each timed from navigation start
#   4. writes the section "Warm start" of bench/RESULTS.md (between its markers; the analytics
#      benchmark's report keeps it) and prints it
# Settings (environment): BENCH_TICKETS=100000 BENCH_RELOADS=5 BENCH_NATIVE_DIR=build/native
#   BENCH_WASM_DIR=build/wasm BENCH_OUT=bench/RESULTS.md JOBS=1
set -euo pipefail
cd "$(dirname "$0")/../.."
TICKETS=${BENCH_TICKETS:-100000}
RELOADS=${BENCH_RELOADS:-5}
NATIVE_DIR=${BENCH_NATIVE_DIR:-build/native}
WASM_DIR=${BENCH_WASM_DIR:-build/wasm}
OUT=${BENCH_OUT:-bench/RESULTS.md}
JOBS=${JOBS:-1}
export NODE_PATH=/usr/share/nodejs
say() { echo "warmstart bench: $*" >&2; }

[ -f "$NATIVE_DIR/build.ninja" ] || cmake -S . -B "$NATIVE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$NATIVE_DIR" --target edudesk -j "$JOBS" >/dev/null
[ -f "$WASM_DIR/build.ninja" ] || emcmake cmake -S . -B "$WASM_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$WASM_DIR" --target edudesk_web_budget -j "$JOBS" >/dev/null

OPS="build/bench/warmstart-ops-$TICKETS.jsonl"
if [ ! -s "$OPS" ]; then
  say "writing the op log of $TICKETS demo tickets to $OPS (once)"
  mkdir -p build/bench
  "$NATIVE_DIR/edudesk" demo --tickets "$TICKETS" --out "$OPS.tmp" >&2
  mv "$OPS.tmp" "$OPS"
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/edudesk-warmbench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cp -r "$WASM_DIR/web" "$TMP/web"
say "$(wc -l < "$OPS") Ops of $TICKETS tickets into IndexedDB, a cold visit and $RELOADS reloads"
node bench/warmstart/warmstart.mjs --server "$NATIVE_DIR/edudesk" --web "$TMP/web" --ops "$OPS" \
  --reloads "$RELOADS" > "$TMP/result.json"
node bench/warmstart/report.mjs --result "$TMP/result.json" --out "$OUT" --tickets "$TICKETS" \
  --machine "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), load average $(cut -d' ' -f1-3 /proc/loadavg)" \
  --chromium "$(/usr/bin/chromium --version 2>/dev/null | head -1)"
