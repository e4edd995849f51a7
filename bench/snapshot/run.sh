#!/usr/bin/env bash
# bench/snapshot/run.sh (`bench/run.sh snapshot`): restoring the State from a snapshot, the core of
# issue 8's warm start, natively and as WASM under node (the same bench/snapshot/snapshot_bench.cpp).
#   1. builds edudesk_snapshot_bench in build/native and build/wasm, and the server (for `demo`)
#   2. writes the op log of `edudesk demo --tickets N` once (cached in build/bench/, shared with
#      bench/run.sh warmstart; ≈ 5 min for 100,000 tickets)
#   3. natively: replays the log, writes the snapshot (with the bytes each part of the State takes)
#   4. reads it BENCH_RUNS times natively, then as WASM: on a fresh heap (what a page's first
#      restore meets), on a heap grown and touched beforehand (the share of page faults), and warm;
#      then once in steps of 256 tickets, as the web app does (when the newest tickets are in)
# Settings (environment): BENCH_TICKETS=100000 BENCH_RUNS=5 JOBS=2
set -euo pipefail
cd "$(dirname "$0")/../.."
TICKETS=${BENCH_TICKETS:-100000}
RUNS=${BENCH_RUNS:-5}
JOBS=${JOBS:-2}
export NODE_PATH=/usr/share/nodejs  # em++ links through node and needs Debian's acorn
say() { echo "snapshot bench: $*" >&2; }

[ -f build/native/build.ninja ] || cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native --target edudesk edudesk_snapshot_bench -j "$JOBS" >/dev/null
[ -f build/wasm/build.ninja ] || emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm --target edudesk_snapshot_bench -j "$JOBS" >/dev/null

OPS="build/bench/warmstart-ops-$TICKETS.jsonl"
if [ ! -s "$OPS" ]; then
  say "writing the op log of $TICKETS demo tickets to $OPS (once)"
  mkdir -p build/bench
  build/native/edudesk demo --tickets "$TICKETS" --out "$OPS.tmp" >&2
  mv "$OPS.tmp" "$OPS"
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/edudesk-snapbench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
say "replaying $OPS natively and writing its snapshot"
build/native/bench/edudesk_snapshot_bench --ops "$OPS" --snapshot "$TMP/state.snap" --runs "$RUNS" > "$TMP/native.json"
node --no-experimental-fetch build/wasm/edudesk_snapshot_bench.js --snapshot "$TMP/state.snap" --runs "$RUNS" > "$TMP/wasm.json"
bytes=$(node -e 'console.log(require(process.argv[1]).bytes)' "$TMP/native.json")
node --no-experimental-fetch build/wasm/edudesk_snapshot_bench.js --snapshot "$TMP/state.snap" --runs 1 \
  --pregrow-mb $(( bytes * 2 / 1048576 )) > "$TMP/wasm-pregrown.json"
build/native/bench/edudesk_snapshot_bench --snapshot "$TMP/state.snap" --steps 1 > "$TMP/native-steps.json"
node --no-experimental-fetch build/wasm/edudesk_snapshot_bench.js --snapshot "$TMP/state.snap" --steps 1 > "$TMP/wasm-steps.json"
node - "$TMP/native.json" "$TMP/wasm.json" "$TMP/wasm-pregrown.json" "$TMP/native-steps.json" "$TMP/wasm-steps.json" <<'JS'
const [n, w, g, ns, ws] = process.argv.slice(2).map((f) => require(f));
const mb = (b) => (b / 1048576).toFixed(1) + ' MB';
console.log(`${n.tickets.toLocaleString('en-US')} tickets, ${n.ops.toLocaleString('en-US')} Ops: snapshot ${mb(n.bytes)}, written in ${n.write_ms.toFixed(0)} ms natively`);
console.log('bytes by part: ' + Object.entries(n.parts).map(([k, v]) => `${k} ${mb(v)}`).join(', '));
console.log(`in steps of 256 tickets, as a browser's start (fresh heap): the first tickets after ${ns.first_tickets_ms.toFixed(1)} ms natively, ${ws.first_tickets_ms.toFixed(1)} ms in WASM; the longest step ${ns.longest_step_ms.toFixed(0)} / ${ws.longest_step_ms.toFixed(0)} ms; all of it in ${ns.whole_ms.toFixed(0)} / ${ws.whole_ms.toFixed(0)} ms (${ws.steps} steps)`);
console.log(`restore (median): native ${n.read_ms.toFixed(0)} ms; WASM ${w.read_ms.toFixed(0)} ms warm, ${w.first_read_ms.toFixed(0)} ms on a fresh heap, ${g.first_read_ms.toFixed(0)} ms after growing and touching the heap first (${g.pregrow_ms.toFixed(0)} ms): the page faults a fresh heap costs`);
JS
