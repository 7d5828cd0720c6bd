#!/bin/sh
# Launches WRITERS concurrent_writer processes that each append COMMITS one-row commits to one
# fresh table, then checks: every process succeeded, the log holds exactly versions
# 0..WRITERS*COMMITS with no gap, and the table reads back every (writer, seq) row exactly once.
#   run_writers.sh CONCURRENT_WRITER DELTACPP WORK_DIR WRITERS COMMITS
set -eu
writer_bin=$1
cli=$2
work=$3
writers=$4
commits=$5
table="$work/table"

rm -rf "$work"
mkdir -p "$work"
"$writer_bin" create "$table"

start=$(date +%s)
pids=""
w=0
while [ "$w" -lt "$writers" ]; do
  "$writer_bin" append "$table" "$w" "$commits" 2>"$work/writer_$w.log" &
  pids="$pids $!"
  w=$((w + 1))
done
failed=0
for pid in $pids; do
  wait "$pid" || failed=1
done
cat "$work"/writer_*.log >&2
if [ "$failed" -ne 0 ]; then
  echo "FAIL: a writer process failed" >&2
  exit 1
fi
echo "writers done in $(( $(date +%s) - start )) s" >&2

# Versions: exactly 0..total, contiguous.
total=$((writers * commits))
ls "$work/table/_delta_log" | grep -E '^[0-9]{20}\.json$' | sed 's/\.json$//' | sort > "$work/versions.txt"
seq -f '%020g' 0 "$total" > "$work/expected_versions.txt"
if ! cmp -s "$work/versions.txt" "$work/expected_versions.txt"; then
  echo "FAIL: log versions are not exactly 0..$total" >&2
  diff "$work/expected_versions.txt" "$work/versions.txt" | head -20 >&2
  exit 1
fi

# Rows: every (writer, seq) exactly once, read through the Delta reader.
"$cli" cat "$table" --format jsonl | tr -d ' ' | sort > "$work/rows.txt"
w=0
: > "$work/expected_rows.txt"
while [ "$w" -lt "$writers" ]; do
  s=0
  while [ "$s" -lt "$commits" ]; do
    echo "{\"writer\":$w,\"seq\":$s}" >> "$work/expected_rows.txt"
    s=$((s + 1))
  done
  w=$((w + 1))
done
sort "$work/expected_rows.txt" -o "$work/expected_rows.txt"
if ! cmp -s "$work/rows.txt" "$work/expected_rows.txt"; then
  echo "FAIL: rows differ from the expected $total (writer, seq) pairs" >&2
  diff "$work/expected_rows.txt" "$work/rows.txt" | head -20 >&2
  exit 1
fi
echo "OK: $total commits at versions 1..$total, $total rows, each once" >&2
