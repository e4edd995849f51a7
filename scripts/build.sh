#!/usr/bin/env bash
# Builds both targets: build/wasm (the browser app and the WASM unit tests) and
# build/native (the edudesk server/CLI, the native unit tests and the test registry).
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs   # em++ links through node and needs Debian's acorn
JOBS=${JOBS:-$(nproc)}
emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm -j "$JOBS"
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j "$JOBS"
wasm=build/wasm/web/edudesk.wasm js=build/wasm/web/edudesk.js font=build/wasm/web/fonts/edudesk-sc.otf
for f in "$wasm" "$js" "$font"; do
  printf 'build: %-34s %9d bytes, gzip -9 %9d\n' "$f" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)"
done
