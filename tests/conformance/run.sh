#!/usr/bin/env bash
# Runs the shared Delta reader conformance suite (real tables written by Spark, Databricks,
# delta-rs and Delta's generators, with their expected contents) against our CLI.
# Usage: tests/conformance/run.sh [BUILD_DIR]. The suite lives next to the project in
# ../shared/conformance (or $DELTA_SHARED_DIR/conformance); without it the check is skipped with
# exit status 77 (ctest's SKIP_RETURN_CODE).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
shared="${DELTA_SHARED_DIR:-$root/../shared}"
runner="$shared/conformance/run"
if [ ! -x "$runner" ] && [ ! -f "$runner" ]; then
  echo "SKIP: no conformance suite at $shared/conformance (set DELTA_SHARED_DIR)"
  exit 77
fi
cli="$build/tools/cli/deltacpp"
[ -x "$cli" ] || { echo "missing $cli: build first"; exit 1; }
report="$build/conformance-report.json"
jobs="$(nproc)"
python3 "$runner" --cli "$cli" --report "$report" --jobs "$jobs" | tail -n 25
