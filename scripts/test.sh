#!/usr/bin/env bash
# The second README command: install what is missing, build, and run every test
# (native unit tests, the same tests as WASM under node, the browser end-to-end test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build/native
exec ctest --output-on-failure --timeout 900
