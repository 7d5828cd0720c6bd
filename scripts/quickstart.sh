#!/usr/bin/env bash
# The main job on the local-disk default: sets up (apt, build), writes a Parquet file with
# libdelta, reads it back, and shows it with the deltacpp command-line tool.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${DELTA_BUILD_DIR:-build}
OUT=${1:-/tmp/deltacpp-quickstart}
mkdir -p "$OUT"
"$BUILD_DIR/examples/quickstart" "$OUT/trips.parquet"
echo "--- deltacpp parquet schema"
"$BUILD_DIR/tools/cli/deltacpp" parquet schema "$OUT/trips.parquet"
echo "--- deltacpp parquet cat --limit 5"
"$BUILD_DIR/tools/cli/deltacpp" parquet cat "$OUT/trips.parquet" --limit 5 --format table
echo "--- deltacpp parquet copy (zstd) and meta"
"$BUILD_DIR/tools/cli/deltacpp" parquet copy "$OUT/trips.parquet" "$OUT/trips.zstd.parquet" --compression zstd:3
"$BUILD_DIR/tools/cli/deltacpp" parquet meta "$OUT/trips.zstd.parquet" | head -n 20
