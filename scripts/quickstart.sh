#!/usr/bin/env bash
# The main job on the local-disk default: sets up (apt, build), then
#  1. runs the C++ quickstart (examples/quickstart.cc): creates a Delta table partitioned by
#     vendor, appends 10,000 trips in two commits, overwrites one partition, and checks that
#     time travel and the latest version read back exactly what was written;
#  2. does the same job with the deltacpp command line on a second table: create, append JSON
#     lines, append CSV, overwrite a partition, checkpoint, read back, time-travel.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=${DELTA_BUILD_DIR:-build}
OUT=${1:-/tmp/deltacpp-quickstart}
D="$BUILD_DIR/tools/cli/deltacpp"
rm -rf "$OUT"
mkdir -p "$OUT"

echo "=== C++ API"
"$BUILD_DIR/examples/quickstart" "$OUT/trips"
"$D" history "$OUT/trips"

echo "=== command line"
T="$OUT/events"
"$D" create "$T" --schema "id long not null, kind string, at timestamp, amount decimal(10,2), day date" \
  --partition-by day --name events
cat > "$OUT/batch1.jsonl" <<'JSON'
{"id": 1, "kind": "view", "at": "2024-05-01T10:00:00Z", "amount": "0.00", "day": "2024-05-01"}
{"id": 2, "kind": "buy", "at": "2024-05-01T10:05:00Z", "amount": "19.99", "day": "2024-05-01"}
{"id": 3, "kind": "view", "at": "2024-05-02T09:00:00Z", "amount": "0.00", "day": "2024-05-02"}
JSON
printf 'id,kind,at,amount,day\n4,buy,2024-05-02T09:30:00Z,5.50,2024-05-02\n5,refund,2024-05-03T12:00:00Z,-5.50,2024-05-03\n' > "$OUT/batch2.csv"
printf '{"id": 3, "kind": "buy", "at": "2024-05-02T09:01:00Z", "amount": "7.25", "day": "2024-05-02"}\n' > "$OUT/fix.jsonl"
echo "--- append JSON lines, append CSV, overwrite the 2024-05-02 partition"
"$D" write "$T" --input "$OUT/batch1.jsonl" --mode append --json
"$D" write "$T" --input "$OUT/batch2.csv" --mode append --json
"$D" write "$T" --input "$OUT/fix.jsonl" --mode overwrite --where "day = DATE '2024-05-02'" --json
"$D" checkpoint "$T"
echo "--- deltacpp info"
"$D" info "$T"
echo "--- deltacpp cat (latest)"
"$D" cat "$T" --format table
echo "--- deltacpp cat --version 2 (before the overwrite)"
"$D" cat "$T" --version 2 --format table
echo "--- deltacpp history"
"$D" history "$T"
