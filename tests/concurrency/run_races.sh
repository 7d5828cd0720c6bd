#!/bin/sh
# Overwrite-vs-append races between processes on one partitioned table (part a..d), under the
# isolation level given: APPENDERS processes append one-row commits to every partition while
# three overwriters replace partitions with replaceWhere, two of them overlapping on 'a'
# (part = 'a' / part IN ('a', 'b')) and one disjoint (part = 'c'). Every process must exit 0
# (a CommitConflict is a reported outcome, any other error fails it); then race_writer check
# verifies every version of the log (contiguous, readable, no duplicate rows, no file removed by
# a commit that had not read it, committed writes present, conflicted writes absent).
#   run_races.sh RACE_WRITER WORK_DIR ISOLATION APPENDERS COMMITS
set -eu
bin=$1
work=$2
isolation=$3
appenders=$4
commits=$5
table="$work/table"

rm -rf "$work"
mkdir -p "$work"
"$bin" create "$table" "$isolation"

pids=""
w=0
while [ "$w" -lt "$appenders" ]; do
  "$bin" append "$table" "$w" "$commits" >"$work/out_$w.txt" 2>"$work/err_$w.txt" &
  pids="$pids $!"
  w=$((w + 1))
done
over=$((commits / 2))
"$bin" overwrite "$table" 100 "$over" "part = 'a'" a >"$work/out_100.txt" 2>"$work/err_100.txt" &
pids="$pids $!"
"$bin" overwrite "$table" 101 "$over" "part IN ('a', 'b')" b >"$work/out_101.txt" 2>"$work/err_101.txt" &
pids="$pids $!"
"$bin" overwrite "$table" 102 "$over" "part = 'c'" c >"$work/out_102.txt" 2>"$work/err_102.txt" &
pids="$pids $!"
failed=0
for pid in $pids; do
  wait "$pid" || failed=1
done
cat "$work"/err_*.txt >&2
if [ "$failed" -ne 0 ]; then
  echo "FAIL: a writer process failed" >&2
  exit 1
fi
conflicts=$(cat "$work"/out_*.txt | grep -c '^conflict' || true)
"$bin" check "$table" "$work"/out_*.txt
echo "OK ($isolation): $conflicts writes ended in CommitConflict, history consistent" >&2
