#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks for edudesk, idempotently:
# Debian packages, the Dear ImGui 1.90.1 source (from Debian's source package,
# never committed), and the npm packages of the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

PKGS=(cmake ninja-build g++ emscripten nlohmann-json3-dev catch2 libsqlite3-dev
      libcpp-httplib-dev chromium python3-fonttools fonts-noto-cjk xz-utils)
missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# Dear ImGui source: Debian's binary package lacks imgui.cpp, so take trixie's
# source package through a private apt state, using the machine's own mirror.
IMGUI_DIR="$ROOT/build/_deps/imgui"
if [ ! -f "$IMGUI_DIR/imgui.cpp" ]; then
  work="$ROOT/build/_deps/apt-src"
  rm -rf "$work"; mkdir -p "$work/lists/partial" "$work/parts" "$work/dl"
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  cat > "$work/parts/trixie-src.sources" <<SRC
Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  APT_OPTS=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$work/parts"
            -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" -o APT::Sandbox::User=root)
  apt-get "${APT_OPTS[@]}" update -q
  (cd "$work/dl" && apt-get "${APT_OPTS[@]}" source --download-only imgui=1.90.1+ds-1)
  tarball=$(ls "$work"/dl/imgui_1.90.1+ds.orig.tar.* | head -1)
  rm -rf "$IMGUI_DIR.tmp"; mkdir -p "$IMGUI_DIR.tmp"
  tar -xf "$tarball" -C "$IMGUI_DIR.tmp" --strip-components=1
  rm -rf "$IMGUI_DIR"; mv "$IMGUI_DIR.tmp" "$IMGUI_DIR"
  rm -rf "$work"
fi

# Browser-test driver: playwright-core drives Debian's Chromium (never its own download).
if [ ! -d "$ROOT/tests/e2e/node_modules/playwright-core" ]; then
  (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: ok"
