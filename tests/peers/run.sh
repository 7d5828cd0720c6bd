#!/usr/bin/env bash
# Cross-checks our Parquet reader and writer against independent implementations (DuckDB,
# parquet-wasm, hyparquet): reads the files they write, and has them read the files we write.
#   tests/peers/run.sh BUILD_DIR
# Exit status 0 only when every check passes. Writes only into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir="$(cd "$1" 2>/dev/null && pwd)" || { echo "peers: build directory $1 not found" >&2; exit 1; }
cli="$build_dir/tools/cli/deltacpp"
if [ ! -x "$cli" ]; then
  echo "peers: $cli not built" >&2
  echo "peers: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
if [ ! -d "$here/node_modules/@duckdb/node-api" ] || [ ! -d "$here/node_modules/parquet-wasm" ] || [ ! -d "$here/node_modules/hyparquet" ]; then
  echo "peers: npm peers not installed (run scripts/setup.sh --peers)" >&2
  echo "peers: 0 passed, 1 failed, 0 skipped"
  exit 1
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/deltacpp-peers.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
rc=0
python3 "$here/run.py" --cli "$cli" --tmp "$tmp" --jobs 2 "${@:2}" || rc=$?
python3 "$here/delta_write_check.py" "$build_dir" --tmp "$tmp/delta_write" --skip-unbuilt || rc=$?
exit "$rc"
