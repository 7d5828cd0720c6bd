#!/usr/bin/env bash
# Fault injection between the client and the S3 server (called by run.sh with a running moto):
# fault_proxy.py drops connections (before and after forwarding), answers 500/503, stalls and
# truncates responses. Checks that
#  - reads succeed through retries and give exactly the fault-free results;
#  - concurrent appends either commit exactly once or fail cleanly: log versions contiguous,
#    every row of a successful write exactly once, no row twice, no torn commit file.
# Usage: faults.sh BUILD_DIR MOTO_ENDPOINT
set -euo pipefail
build=$1
upstream=$2
here="$(cd "$(dirname "$0")" && pwd)"
cli="$build/tools/cli/deltacpp"
tool="$build/tests/s3/s3_tool"
work="$(mktemp -d "${TMPDIR:-/tmp}/deltacpp-s3-faults.XXXXXX")"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
python3 "$here/fault_proxy.py" --port "$port" --upstream "${upstream#http://}" >"$work/proxy.log" 2>&1 &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null || true; wait $proxy_pid 2>/dev/null || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
proxy="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -s -o /dev/null "$proxy/__proxy/stats" && break; sleep 0.1; done
config() { curl -s -o /dev/null -X POST -d "$1" "$proxy/__proxy/config"; }
failed=0

# Retries are quick here; stalls are detected after 1 s without a byte.
export DELTA_S3_MAX_ATTEMPTS=10 DELTA_S3_BACKOFF_BASE_MS=10 DELTA_S3_BACKOFF_MAX_MS=200
export DELTA_S3_STALL_TIMEOUT_MS=1000

# A table with a checkpoint, partitions and several data files, written without faults.
"$tool" mb s3://faults
table=s3://faults/t
"$cli" create "$table" --schema "id long not null, p string, v double" --partition-by p >/dev/null
for i in 0 1 2 3 4 5; do
  python3 -c "
import json
for k in range(200):
    print(json.dumps({'id': $i*1000+k, 'p': 'p%d' % (k % 3), 'v': k * 0.5}))" >"$work/in-$i.jsonl"
  "$cli" write "$table" --mode append --input "$work/in-$i.jsonl" --format jsonl >/dev/null
  if [ "$i" = 3 ]; then "$cli" checkpoint "$table" >/dev/null; fi
done
"$cli" cat "$table" --format jsonl | sort >"$work/expected"
"$cli" info "$table" --json >"$work/expected_info"

echo "reads through faults (every kind, 30% of requests)"
config '{"rate": 0.3, "seed": 7, "stall_seconds": 20, "faults": ["drop_before", "drop_after", "error_500", "slowdown_503", "stall", "truncate"]}'
for round in 1 2 3; do
  if ! AWS_ENDPOINT_URL="$proxy" "$cli" cat "$table" --format jsonl 2>"$work/read.err" | sort >"$work/got"; then
    echo "FAIL: read round $round failed: $(cat "$work/read.err")" >&2; failed=1; continue
  fi
  if ! cmp -s "$work/got" "$work/expected"; then
    echo "FAIL: read round $round gave different rows" >&2; failed=1
  fi
  if ! AWS_ENDPOINT_URL="$proxy" "$cli" info "$table" --json >"$work/got_info" 2>"$work/read.err" ||
     ! cmp -s "$work/got_info" "$work/expected_info"; then
    echo "FAIL: info round $round: $(cat "$work/read.err")" >&2; failed=1
  fi
done
curl -s "$proxy/__proxy/stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("  requests", d["requests"], "faults", d["faults"])'

echo "concurrent appends through faults (connection drops before/after forwarding, 500, 503; 20%)"
config '{"rate": 0.2, "seed": 11, "faults": ["drop_before", "drop_after", "error_500", "slowdown_503"]}'
curl -s -o /dev/null -X POST "$proxy/__proxy/reset"
wt=s3://faults/w
"$cli" create "$wt" --schema "writer int not null, seq int not null" >/dev/null
writers=4
commits=4
pids=()
for w in $(seq 0 $((writers - 1))); do
  (
    for s in $(seq 0 $((commits - 1))); do
      echo "{\"writer\":$w,\"seq\":$s}" >"$work/w-$w-$s.jsonl"
      if AWS_ENDPOINT_URL="$proxy" "$cli" write "$wt" --mode append --input "$work/w-$w-$s.jsonl" --format jsonl \
          >/dev/null 2>"$work/w-$w-$s.err"; then
        echo "{\"writer\":$w,\"seq\":$s}" >>"$work/ok-$w"
      else
        echo "{\"writer\":$w,\"seq\":$s}" >>"$work/failed-$w"
      fi
    done
  ) &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
config '{"rate": 0}'
cat "$work"/ok-* 2>/dev/null | sort >"$work/ok_rows" || true
cat "$work"/failed-* 2>/dev/null | sort >"$work/failed_rows" || true
"$cli" cat "$wt" --format jsonl | tr -d ' ' | sort >"$work/rows"
nok=$(wc -l <"$work/ok_rows"); nfail=$(wc -l <"$work/failed_rows"); nrows=$(wc -l <"$work/rows")
echo "  $nok writes reported success, $nfail reported failure; the table holds $nrows rows"
curl -s "$proxy/__proxy/stats" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("  requests", d["requests"], "faults", d["faults"])'
if [ -n "$(uniq -d "$work/rows")" ]; then
  echo "FAIL: duplicated rows: $(uniq -d "$work/rows" | head -3)" >&2; failed=1
fi
if [ -n "$(comm -23 "$work/ok_rows" "$work/rows")" ]; then
  echo "FAIL: rows of successful writes are missing: $(comm -23 "$work/ok_rows" "$work/rows" | head -3)" >&2; failed=1
fi
if [ -n "$(comm -13 <(sort "$work/ok_rows" "$work/failed_rows") "$work/rows")" ]; then
  echo "FAIL: rows nobody wrote" >&2; failed=1
fi
for f in "$work"/w-*.err; do
  [ -s "$f" ] && echo "  failed write: $(head -c 300 "$f")"
  if [ -s "$f" ] && ! grep -q "error" "$f"; then echo "FAIL: a failed write without a clear message: $f" >&2; failed=1; fi
done
# Versions contiguous and every commit file complete (parses as the reader opens each version).
nv=$("$tool" ls "$wt/_delta_log/" | awk '{print $2}' | grep -c '/[0-9]\{20\}\.json$')
last=$((nv - 1))
"$tool" ls "$wt/_delta_log/" | awk '{print $2}' | sed -n 's#.*/\([0-9]\{20\}\)\.json$#\1#p' >"$work/versions"
if ! cmp -s "$work/versions" <(seq -f '%020g' 0 "$last"); then
  echo "FAIL: log versions are not contiguous" >&2; failed=1
fi
for v in $(seq 0 "$last"); do
  "$cli" info "$wt" --version "$v" --json >/dev/null 2>"$work/v.err" || {
    echo "FAIL: version $v does not open: $(cat "$work/v.err")" >&2; failed=1; }
done
# No commit twice: every data file is added by exactly one commit.
for v in $(seq 1 "$last"); do
  "$tool" get "$wt/_delta_log/$(printf '%020d' "$v").json" | grep -o '"add":{"path":"[^"]*"' || true
done | sort | uniq -d >"$work/dup_adds"
if [ -s "$work/dup_adds" ]; then
  echo "FAIL: data files committed twice: $(head -3 "$work/dup_adds")" >&2; failed=1
fi
[ "$((last))" -eq "$nrows" ] || { echo "FAIL: $last commits after create but $nrows rows" >&2; failed=1; }
exit "$failed"
