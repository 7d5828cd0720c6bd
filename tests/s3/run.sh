#!/usr/bin/env bash
# The S3 suite: starts moto_server (an S3 server) on free loopback ports, then runs
#  1. the ObjectStore contract of the S3 store (s3_store_integration_test), moto reset per test;
#  2. table-level checks through the CLI on s3:// URIs: a missing table fails cleanly and fast,
#     8 writer processes append concurrently to one table (contiguous versions, every row once),
#     committing with conditional PUT and through the DynamoDB coordinator;
#  3. the shared conformance suite over tables uploaded to a bucket (a representative subset by
#     default; DELTA_S3_CONFORMANCE=full for every table, =off to skip);
#  4. the fault-injection suite (tests/s3/faults.sh; DELTA_S3_FAULTS=off skips it);
# and stops the servers. Usage: tests/s3/run.sh [BUILD_DIR]. Exit status 0 only when all pass.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
build="$(cd "$build" && pwd)"
here="$root/tests/s3"
cli="$build/tools/cli/deltacpp"
itest="$build/tests/s3/s3_store_integration_test"
tool="$build/tests/s3/s3_tool"
for b in "$cli" "$itest" "$tool"; do
  [ -x "$b" ] || { echo "missing $b: build first" >&2; exit 1; }
done
if ! command -v moto_server >/dev/null 2>&1; then
  echo "SKIP: moto_server is not on PATH (see the S3 section of the README)" >&2
  exit 0
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/deltacpp-s3.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_moto PORT [ENV=VALUE...]: starts a moto server and waits until it answers.
start_moto() {
  local port=$1; shift
  env "$@" moto_server -H 127.0.0.1 -p "$port" >"$work/moto-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    if curl -s -o /dev/null -X POST "http://127.0.0.1:$port/moto-api/reset"; then return 0; fi
    sleep 0.1
  done
  echo "moto_server did not start on port $port:" >&2
  cat "$work/moto-$port.log" >&2
  return 1
}

port="$(free_port)"
auth_port="$(free_port)"
start_moto "$port"
# A second server that checks credentials (moto enforces IAM auth when this count is 0).
start_moto "$auth_port" INITIAL_NO_AUTH_ACTION_COUNT=0
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="$endpoint" AWS_ALLOW_HTTP=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION || true
export DELTA_S3_BACKOFF_BASE_MS=20
failed=0

# A proxy that answers everything with 301 PermanentRedirect (bucket in another region).
region_port="$(free_port)"
python3 "$here/fault_proxy.py" --port "$region_port" --upstream "127.0.0.1:$port" >"$work/region-proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$region_port/__proxy/stats" && break; sleep 0.1; done
curl -s -o /dev/null -X POST -d '{"rate": 1.0, "faults": ["wrong_region"]}' "http://127.0.0.1:$region_port/__proxy/config"

echo "-- S3 store contract against moto ($endpoint)"
if ! DELTA_S3_TEST_ENDPOINT="$endpoint" DELTA_S3_TEST_AUTH_ENDPOINT="http://127.0.0.1:$auth_port" \
    DELTA_S3_TEST_WRONG_REGION_ENDPOINT="http://127.0.0.1:$region_port" \
    "$itest" --gtest_brief=1 2>&1 | tail -n 30; then
  failed=1
fi

curl -s -o /dev/null -X POST "$endpoint/moto-api/reset"
"$tool" mb s3://tables

echo "-- table errors are clean and fast"
t0=$(date +%s%N)
if "$cli" info s3://tables/missing --json >"$work/out" 2>"$work/err"; then
  echo "FAIL: info on a missing table succeeded" >&2; failed=1
elif ! grep -qi "s3://tables/missing" "$work/err"; then
  echo "FAIL: the error does not name the table: $(cat "$work/err")" >&2; failed=1
fi
if "$cli" info s3://no-such-bucket/t --json >"$work/out" 2>"$work/err"; then
  echo "FAIL: info in a missing bucket succeeded" >&2; failed=1
elif ! grep -q "no-such-bucket" "$work/err"; then
  echo "FAIL: the error does not name the bucket: $(cat "$work/err")" >&2; failed=1
fi
if AWS_ENDPOINT_URL="http://127.0.0.1:$auth_port" AWS_ACCESS_KEY_ID=AKIANOTAREALKEY00000 \
    AWS_SECRET_ACCESS_KEY=Sekr1tValue42 "$cli" info s3://tables/t --json >"$work/out" 2>"$work/err"; then
  echo "FAIL: bad credentials were accepted" >&2; failed=1
elif ! grep -q "access denied" "$work/err" || grep -q "Sekr1tValue42" "$work/err"; then
  echo "FAIL: unclear bad-credentials error: $(cat "$work/err")" >&2; failed=1
fi
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "three failing opens took $ms ms"
[ "$ms" -lt 10000 ] || { echo "FAIL: error paths are slow ($ms ms)" >&2; failed=1; }

# writers_test TABLE LABEL [ENV=VALUE...]: 8 writer processes append to one table; checks the
# log versions are exactly 0..total and every row is there exactly once.
writers_test() {
  local table=$1 label=$2; shift 2
  local writers=8 commits=${DELTA_S3_WRITER_COMMITS:-4}
  echo "-- 8 writer processes append to one s3:// table ($label)"
  rm -f "$work"/gaveup-*
  env "$@" "$cli" create "$table" --schema "writer int not null, seq int not null" >/dev/null
  local wpids=() w s
  for w in $(seq 0 $((writers - 1))); do
    (
      for s in $(seq 0 $((commits - 1))); do
        echo "{\"writer\":$w,\"seq\":$s}" >"$work/row-$w-$s.jsonl"
        # A writer that loses the commit race at every one of the write path's attempts gives
        # up with CommitConflict having committed nothing; the application then tries again
        # (counted below). Any other failure fails the test.
        for try in 1 2 3 4; do
          if env "$@" "$cli" write "$table" --mode append --input "$work/row-$w-$s.jsonl" --format jsonl \
              >/dev/null 2>"$work/write-$w-$s.err"; then
            break
          fi
          grep -q "CommitConflict: gave up" "$work/write-$w-$s.err" && [ "$try" -lt 4 ] || {
            cat "$work/write-$w-$s.err" >&2; exit 1; }
          echo "retry" >>"$work/gaveup-$w"
        done
      done
    ) 2>"$work/writer-$w.log" &
    wpids+=($!)
  done
  local wfail=0 p
  for p in "${wpids[@]}"; do wait "$p" || wfail=1; done
  local gaveup
  gaveup=$( (cat "$work"/gaveup-* 2>/dev/null || true) | wc -l)
  [ "$gaveup" -eq 0 ] || echo "  ($gaveup writes gave up after the write path's commit attempts and were re-run)"
  if [ "$wfail" -ne 0 ]; then
    echo "FAIL: a writer failed:" >&2; cat "$work"/writer-*.log >&2; failed=1
  fi
  local total=$((writers * commits))
  "$tool" ls "$table/_delta_log/" | awk '{print $2}' | sed -n 's#.*/\([0-9]\{20\}\)\.json$#\1#p' | sort >"$work/versions"
  seq -f '%020g' 0 "$total" >"$work/expected_versions"
  if ! cmp -s "$work/versions" "$work/expected_versions"; then
    echo "FAIL: log versions are not exactly 0..$total" >&2
    diff "$work/expected_versions" "$work/versions" | head >&2 || true; failed=1
  fi
  env "$@" "$cli" cat "$table" --format jsonl | tr -d ' ' | sort >"$work/rows"
  for w in $(seq 0 $((writers - 1))); do for s in $(seq 0 $((commits - 1))); do
    echo "{\"writer\":$w,\"seq\":$s}"; done; done | sort >"$work/expected_rows"
  if ! cmp -s "$work/rows" "$work/expected_rows"; then
    echo "FAIL: rows differ from the $total appended rows" >&2
    diff "$work/expected_rows" "$work/rows" | head >&2 || true; failed=1
  else
    echo "$writers writers x $commits commits: versions 0..$total contiguous, $total rows exactly once"
  fi
}

writers_test s3://tables/concurrent "conditional PUT"
writers_test s3://tables/dynamo "DynamoDB coordinator" AWS_CONDITIONAL_PUT=disabled AWS_S3_LOCKING_PROVIDER=dynamodb \
  DELTA_DYNAMO_TABLE_NAME=delta_log
# The coordinator's entries have the layout of Delta's S3DynamoDBLogStore (checked with boto3).
if python3 -c 'import boto3' 2>/dev/null; then
  if ! python3 - "$endpoint" <<'PY'
import sys, boto3
db = boto3.client("dynamodb", endpoint_url=sys.argv[1], region_name="us-east-1")
keys = {k["AttributeName"]: k["KeyType"] for k in db.describe_table(TableName="delta_log")["Table"]["KeySchema"]}
assert keys == {"tablePath": "HASH", "fileName": "RANGE"}, keys
items = db.query(TableName="delta_log", KeyConditionExpression="tablePath = :p",
                 ExpressionAttributeValues={":p": {"S": "s3://tables/dynamo"}}, ConsistentRead=True)["Items"]
assert len(items) == 33, len(items)
for it in items:
    assert it["complete"] == {"S": "true"}, it
    assert it["tempPath"]["S"].startswith(".tmp/" + it["fileName"]["S"] + "."), it
    assert int(it["expireTime"]["N"]) > 0, it
print("DynamoDB entries: %d, layout tablePath/fileName/tempPath/complete/expireTime" % len(items))
PY
  then
    echo "FAIL: DynamoDB entries do not have the S3DynamoDBLogStore layout" >&2; failed=1
  fi
fi

mode="${DELTA_S3_CONFORMANCE:-subset}"
shared="${DELTA_SHARED_DIR:-$root/../shared}"
if [ "$mode" != off ] && [ -f "$shared/conformance/run" ] && [ -d "$shared/delta-tables" ]; then
  echo "-- conformance suite through s3:// ($mode)"
  "$tool" mb s3://conformance
  "$tool" upload "$shared/delta-tables" s3://conformance/tables
  only=()
  if [ "$mode" = subset ]; then
    # One or more tables of every kind: checkpoints (classic, multi-part, v2 with sidecars),
    # deletion vectors, column mapping, CDF, URL-encoded paths, time travel, broken logs.
    only=(--only "$(cat "$here/conformance_subset.txt" | grep -v '^#' | paste -sd'|')")
  fi
  # A small speculative tail read sends data files through ranged reads, with the column chunks
  # of each row group coalesced (the Parquet reader's read-ahead hints).
  if ! DELTA_S3_TAIL_READ_BYTES=512 python3 "$shared/conformance/run" --cli "$cli" --tables s3://conformance/tables --jobs 4 \
      --report "$work/conformance.json" "${only[@]}" >"$work/conformance.out" 2>&1; then
    grep '^FAIL' "$work/conformance.out" | head -20 >&2
    failed=1
  fi
  tail -n 1 "$work/conformance.out"
else
  echo "-- conformance suite through s3:// skipped (mode $mode or no $shared/conformance)"
fi

if [ -x "$here/faults.sh" ] && [ "${DELTA_S3_FAULTS:-on}" != off ]; then
  echo "-- fault injection"
  curl -s -o /dev/null -X POST "$endpoint/moto-api/reset"
  "$here/faults.sh" "$build" "$endpoint" || failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "S3 suite: FAILED" >&2
  exit 1
fi
echo "S3 suite: all passed"
