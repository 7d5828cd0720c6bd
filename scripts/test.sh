#!/usr/bin/env bash
# Sets up everything the tests need (apt packages, npm peers), builds, and runs every test:
# unit tests (ctest), the cross-checks against DuckDB / parquet-wasm / hyparquet, and a short
# fuzz run. Exit status 0 only when all pass.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --peers
BUILD_DIR=${DELTA_BUILD_DIR:-build}

echo "== unit and integration tests"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" 2>&1 | tail -n 40

if [ -x tests/peers/run.sh ]; then
  echo "== cross-checks against the Parquet peers"
  tests/peers/run.sh "$BUILD_DIR"
fi

# Suites that need running services or another language: each sets up and tears down its own
# (the S3 server, the Kafka broker, the Python package).
for suite in tests/python/run.sh tests/s3/run.sh tests/ingest/run.sh; do
  if [ -x "$suite" ]; then
    echo "== $suite"
    "$suite" "$BUILD_DIR"
  fi
done

if [ -x fuzz/run.sh ]; then
  echo "== short fuzz run"
  fuzz/run.sh --seconds "${DELTA_FUZZ_SECONDS:-60}"
fi
echo "== all tests passed"
