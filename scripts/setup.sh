#!/usr/bin/env bash
# Installs what deltacpp needs to build and test on Debian 12, then configures and builds.
# Idempotent and quiet when everything is already there.
#   scripts/setup.sh [--no-build] [--peers]
#     --peers     also install the npm Parquet peers used by the cross-check tests/benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=1
PEERS=0
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    --peers) PEERS=1 ;;
    *) echo "setup.sh: unknown option $a" >&2; exit 2 ;;
  esac
done

APT_PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  libzstd-dev libsnappy-dev liblz4-dev libbrotli-dev zlib1g-dev
  libfmt-dev libcli11-dev libsimdjson-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  libcurl4-openssl-dev libssl-dev librdkafka-dev kcat
  python3 python3-dev pybind11-dev python3-pybind11 python3-numpy python3-pandas python3-pytest
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the Parquet peers; a machine may already have it from another source (whose
# nodejs package bundles npm and conflicts with Debian's npm), so only the commands are checked.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null || true
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$PEERS" -eq 1 ] && [ ! -d tests/peers/node_modules/@duckdb/node-api ]; then
  echo "setup: installing the npm Parquet peers (DuckDB, parquet-wasm, hyparquet)"
  (cd tests/peers && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ "$BUILD" -eq 1 ]; then
  BUILD_DIR=${DELTA_BUILD_DIR:-build}
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  log="$BUILD_DIR/build.log"
  if ! cmake --build "$BUILD_DIR" -j"$(nproc)" >"$log" 2>&1; then
    grep -v '^\[[0-9]*/[0-9]*\] ' "$log" | tail -n 60 >&2
    echo "setup: build failed (full log: $log)" >&2
    exit 1
  fi
fi
