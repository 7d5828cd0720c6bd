#!/usr/bin/env bash
# The main job on the local-disk default: sets up (apt, build), writes a Delta table with
# libdelta (Parquet data files + JSON commits), reads it back through the log, and inspects it
# with the deltacpp command-line tool.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${DELTA_BUILD_DIR:-build}
TABLE=${1:-/tmp/deltacpp-quickstart/trips}
rm -rf "$TABLE"
mkdir -p "$(dirname "$TABLE")"
"$BUILD_DIR/examples/quickstart" "$TABLE"
echo "--- deltacpp info"
"$BUILD_DIR/tools/cli/deltacpp" info "$TABLE"
echo "--- deltacpp history"
"$BUILD_DIR/tools/cli/deltacpp" history "$TABLE"
echo "--- deltacpp cat --where \"vendor = 'green' AND fare > 20\" --limit 5"
"$BUILD_DIR/tools/cli/deltacpp" cat "$TABLE" --where "vendor = 'green' AND fare > 20" --limit 5 --format table
echo "--- deltacpp cat --version 0 --columns trip_id,fare --limit 3"
"$BUILD_DIR/tools/cli/deltacpp" cat "$TABLE" --version 0 --columns trip_id,fare --limit 3 --format table
