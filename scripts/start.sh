#!/usr/bin/env bash
# The first README command: install what is missing, build, and start the desk
# (web app + /api/health) on http://127.0.0.1:${EDUDESK_PORT:-8080}/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec build/native/edudesk serve --port "${EDUDESK_PORT:-8080}" --db "${EDUDESK_DB:-build/edudesk.sqlite}" "$@"
