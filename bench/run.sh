#!/usr/bin/env bash
# bench/run.sh: sync throughput and load of the real `edudesk serve`, on 127.0.0.1 only.
#   1. push 100,000 Ops in batches of 250, pull them all back in pages of 1000 (3 runs, median)
#   2. N concurrent connections pushing 10-Op batches for 10 s each (N = 4, 8, 16)
#   3. one request while 8 other connections sit idle (keep-alive)
#   4. survey statistics over 200,000 responses × 20 questions, native and WASM under node
#      (`bench/run.sh survey` runs only this one, ≈ 1 min with the builds)
#   `bench/run.sh search`: full-text search over 100,000 tickets alone, native and WASM under
#      node (bench/search_bench.cpp, ≈ 30 s with the builds; docs/KB.md)
#   `bench/run.sh analytics`: the ticket analytics benchmark alone (bench/analytics/run.sh,
#      five engines over 100,000 and 1,000,000 tickets, writes bench/RESULTS.md)
#   `bench/run.sh dashboard`: the dashboard benchmark alone (bench/dashboard/run.sh, a filter
#      change and incremental updates over 100,000 and 1,000,000 tickets, native and WASM under
#      node; writes the section "Dashboard" of bench/RESULTS.md)
#   `bench/run.sh warmstart`: a warm start of the desk in headless Chromium with 100,000 tickets
#      in IndexedDB (bench/warmstart/run.sh; writes the section "Warm start" of bench/RESULTS.md)
#   `bench/run.sh snapshot`: restoring the State of 100,000 tickets from a snapshot, native and
#      WASM under node (bench/snapshot/run.sh; the part of a warm start the core owns)
# Every run starts a fresh server on a fresh database in a temporary folder, is bounded
# in count and time, and stops the server it started. Prints a table and writes it
# to bench/results/latest.md. See bench/README.md. Settings (environment):
#   BENCH_REPEATS=3 BENCH_OPS=100000 BENCH_BATCH=250 BENCH_PAGE=1000
#   BENCH_THREADS="4 8 16" BENCH_LOAD_SECONDS=10 BENCH_LOAD_BATCH=10 BENCH_IDLE=8
#   BENCH_SERVER=build/native/edudesk (another server binary, e.g. a patched build)
#   BENCH_OUT=bench/results/latest.md  JOBS=2 (build jobs)
set -euo pipefail
cd "$(dirname "$0")/.."

REPEATS=${BENCH_REPEATS:-3}
OPS=${BENCH_OPS:-100000}
BATCH=${BENCH_BATCH:-250}
PAGE=${BENCH_PAGE:-1000}
THREADS=${BENCH_THREADS:-4 8 16}
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-10}
LOAD_BATCH=${BENCH_LOAD_BATCH:-10}
IDLE=${BENCH_IDLE:-8}
SERVER=${BENCH_SERVER:-build/native/edudesk}
OUT=${BENCH_OUT:-bench/results/latest.md}
JOBS=${JOBS:-2}
started=$(date +%s)

# ---- a benchmark of the core: one JSON line natively, then one as WASM under node ----
core_bench() {  # core_bench TARGET DESCRIPTION
  local target=$1
  [ -f build/native/build.ninja ] || cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  echo "bench: $2 (native, then WASM under node)" >&2
  cmake --build build/native --target "$target" -j "$JOBS" >/dev/null
  "build/native/bench/$target"
  if [ -f build/wasm/build.ninja ]; then
    NODE_PATH=/usr/share/nodejs cmake --build build/wasm --target "$target" -j "$JOBS" >/dev/null
    node --no-experimental-fetch "build/wasm/$target.js"
  else
    echo "bench: no build/wasm (scripts/build.sh makes it): the WASM $target is skipped" >&2
  fi
}
# survey statistics (bench/survey_stats_bench.cpp)
survey_bench() {
  core_bench edudesk_survey_bench "survey statistics, 200,000 responses x 20 questions, 7 runs"
}
if [ "${1:-}" = survey ]; then
  survey_bench
  exit 0
fi
# ticket search (bench/search_bench.cpp, docs/KB.md)
if [ "${1:-}" = search ]; then
  core_bench edudesk_search_bench "ticket search, 100,000 tickets, 31 queries x 7 runs"
  exit 0
fi
# ---- ticket analytics (bench/analytics/): five engines, writes bench/RESULTS.md ----
if [ "${1:-}" = analytics ]; then
  exec bench/analytics/run.sh
fi
# ---- the supervisor's dashboard (bench/dashboard/): native and WASM, a section of bench/RESULTS.md ----
if [ "${1:-}" = dashboard ]; then
  exec bench/dashboard/run.sh
fi
# ---- restoring a snapshot of 100,000 tickets, native and WASM (bench/snapshot/) ----
if [ "${1:-}" = snapshot ]; then
  exec bench/snapshot/run.sh
fi
# ---- a warm start with 100,000 tickets in the browser's IndexedDB (bench/warmstart/) ----
if [ "${1:-}" = warmstart ]; then
  exec bench/warmstart/run.sh
fi

# ---- build: the server and the libraries in build/native, then the load client ----
if [ ! -f build/native/build.ninja ]; then
  echo "bench: configuring build/native" >&2
  cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
echo "bench: building edudesk (build/native, -j $JOBS)" >&2
cmake --build build/native --target edudesk -j "$JOBS" >/dev/null
if ninja -C build/native -t targets all 2>/dev/null | grep -q '^edudesk_sync_bench:'; then
  cmake --build build/native --target edudesk_sync_bench -j "$JOBS" >/dev/null
  CLIENT=build/native/bench/edudesk_sync_bench
else  # bench/ not added to the CMake project: compile the client against build/native's libraries
  CLIENT=build/bench/sync_bench
  libs="build/native/libedudesk_app.a build/native/libedudesk_core.a"
  stale=0
  [ -x "$CLIENT" ] || stale=1
  for f in bench/sync_bench.cpp $libs src/sync/protocol.h src/core/commands.h src/core/state.h src/core/op.h; do
    [ "$f" -nt "$CLIENT" ] && stale=1
  done
  if [ "$stale" = 1 ]; then
    echo "bench: compiling $CLIENT" >&2
    mkdir -p build/bench
    # shellcheck disable=SC2046,SC2086
    g++ -std=c++17 -O2 -Wall -Wextra -Isrc -isystem build/native/third_party_include \
      $(pkg-config --cflags cpp-httplib) bench/sync_bench.cpp $libs $(pkg-config --libs cpp-httplib) -lpthread \
      -o "$CLIENT"
  fi
fi
[ -x "$SERVER" ] || { echo "bench: no server binary at $SERVER" >&2; exit 1; }

# ---- one core for the server, the other for the load client (when there are two) ----
PIN_SERVER=() PIN_CLIENT=() pinning="none"
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  PIN_SERVER=(taskset -c 0) PIN_CLIENT=(taskset -c 1) pinning="server on CPU 0, load client on CPU 1 (taskset)"
fi

# The share of all CPUs busy over one second (other work on the machine makes the
# figures noisy; the report says how busy it was before and after).
cpu_busy() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local busy=0 total=0 i d
  for i in 1 2 3 4 5 6 7 8; do
    d=$((b[i] - a[i]))
    total=$((total + d))
    [ "$i" -eq 4 ] || [ "$i" -eq 5 ] || busy=$((busy + d))  # 4 idle, 5 iowait
  done
  echo $((total > 0 ? 100 * busy / total : 0))
}
busy_before=$(cpu_busy)
[ "$busy_before" -lt 20 ] || echo "bench: warning: the machine is already ${busy_before}% busy; figures will be noisy" >&2

TMP=$(mktemp -d "${TMPDIR:-/tmp}/edudesk-bench.XXXXXX")
mkdir "$TMP/web"
: >"$TMP/web/index.html"; : >"$TMP/web/edudesk.wasm"  # serve wants a web app; the bench uses only /api
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
CLIENT_PID=""
cleanup() {
  [ -z "$CLIENT_PID" ] || kill -TERM "$CLIENT_PID" 2>/dev/null || true  # timeout passes it on
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a fresh server (demo desk, so the agents have accounts) on a free port.
PORT=0
start_server() {
  local db="$TMP/run.sqlite"
  rm -f "$db" "$db-wal" "$db-shm"
  for _ in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 20000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then continue; fi  # taken
    "${PIN_SERVER[@]}" "$SERVER" serve --host 127.0.0.1 --port "$PORT" --db "$db" --web "$TMP/web" --quiet \
      2>>"$TMP/server.log" &
    SERVER_PID=$!
    if "$CLIENT" wait --port "$PORT" --timeout 20 2>/dev/null; then return 0; fi
    stop_server
  done
  echo "bench: the server did not start; its log:" >&2
  cat "$TMP/server.log" >&2
  exit 1
}

# Runs the client with a time bound; its one JSON line goes to $1. In the background
# with `wait`, so an INT or TERM stops the bench at once (the trap runs during wait).
client() {
  local out=$1 bound=$2
  shift 2
  timeout "$bound" "${PIN_CLIENT[@]}" "$CLIENT" "$@" --port "$PORT" >>"$out" &
  CLIENT_PID=$!
  if ! wait "$CLIENT_PID"; then
    CLIENT_PID=""
    echo "bench: client run failed: $*" >&2
    exit 1
  fi
  CLIENT_PID=""
}

for i in $(seq 1 "$REPEATS"); do
  echo "bench: push/pull $OPS ops, run $i of $REPEATS" >&2
  start_server
  client "$TMP/throughput.jsonl" 180 throughput --ops "$OPS" --batch "$BATCH" --page "$PAGE"
  stop_server
done
for n in $THREADS; do
  echo "bench: $n concurrent connections, ${LOAD_BATCH}-op batches, ${LOAD_SECONDS} s" >&2
  start_server
  client "$TMP/load.jsonl" 120 load --threads "$n" --seconds "$LOAD_SECONDS" --batch "$LOAD_BATCH"
  stop_server
done
if [ "$IDLE" -gt 0 ]; then
  echo "bench: one request while $IDLE connections sit idle" >&2
  start_server
  client "$TMP/idle.jsonl" 60 idle --threads "$IDLE" --timeout 30
  stop_server
fi

# ---- the table, on stdout and in $OUT ----
busy_after=$(cpu_busy)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mhz=$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/\..*//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
fs=$(df -T "$TMP" | awk 'NR == 2 {print $2 " on " $1}')
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src 2>/dev/null || rev="$rev + uncommitted changes in src/"
mkdir -p "$(dirname "$OUT")"
python3 bench/report.py --dir "$TMP" --out "$OUT" \
  --fact "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
  --fact "machine=$(nproc) cores ($cpu, ${mhz} MHz), $mem RAM, Linux $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')" \
  --fact "storage=database in $(dirname "$TMP") ($fs; SQLite WAL, synchronous=FULL)" \
  --fact "pinning=$pinning" \
  --fact "background=CPU ${busy_before}% busy in the second before the bench, ${busy_after}% in the second after (other work on the machine)" \
  --fact "server=$SERVER (commit $rev)" \
  --fact "settings=$OPS ops, push batches of $BATCH, pull pages of $PAGE, $REPEATS runs; load: ${LOAD_BATCH}-op batches for ${LOAD_SECONDS} s at $THREADS connections" \
  --fact "duration=$(($(date +%s) - started)) s for bench/run.sh"
survey_bench
