#!/usr/bin/env bash
# Ingest suite: a mock Kafka broker of our own on loopback, a real producer, deltacpp-ingest as
# separate processes, and the table checked row by row (every (partition, offset) exactly once).
#   tests/ingest/run.sh BUILD_DIR
# Phases: 1 worker in run-once mode; 3 workers in one group; bad messages to the dead-letter
# table; chaos (SIGKILL + restart of workers while producing, >= 30 kills, then no unreferenced
# files). INGEST_CHAOS_KILLS overrides the number of kills.
set -euo pipefail

BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cmake --build "$BUILD" --target deltacpp-ingest deltacpp ingest_mock_broker ingest_json_producer >/dev/null

INGEST=$BUILD/tools/ingest/deltacpp-ingest
CLI=$BUILD/tools/cli/deltacpp
BROKER=$BUILD/tests/ingest/ingest_mock_broker
PRODUCER=$BUILD/tests/ingest/ingest_json_producer
CHECK="python3 $SRC/tests/ingest/check.py"
KILLS=${INGEST_CHAOS_KILLS:-32}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/deltacpp-ingest-test.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if [[ "${KEEP_WORK:-0}" == 1 ]]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

"$BROKER" --brokers 3 --topic one:4 --topic three:6 --topic bad:2 --topic chaos:6 \
  --bootstrap-file "$WORK/bootstrap" >"$WORK/broker.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [[ -s "$WORK/bootstrap" ]] && break; sleep 0.1; done
[[ -s "$WORK/bootstrap" ]] || fail "mock broker did not start"
BOOT=$(cat "$WORK/bootstrap")
echo "mock broker at $BOOT"

SCHEMA="id long not null, name string, score double, ts timestamp, epoch_ms long, tags array<string>, attrs string, kpartition int not null, koffset long not null, date string, ts_from_ms timestamp"
TRANSFORMS=(-t 'kpartition: kafka.partition' -t 'koffset: kafka.offset' -t 'date: substr(ts, `0`, `10`)'
            -t 'ts_from_ms: epoch_millis_to_iso8601(epoch_ms)')
COMMON=(-k "$BOOT" -K session.timeout.ms=6000 -K heartbeat.interval.ms=500 -K log_level=3 -c "${TRANSFORMS[@]}")

# check TABLE TOPIC [extra check.py args]
check_table() {
  local table=$1 topic=$2; shift 2
  "$PRODUCER" --brokers "$BOOT" --topic "$topic" --watermarks >"$WORK/$topic.wm"
  "$CLI" cat "$table" --format jsonl >"$WORK/$topic.rows"
  $CHECK --rows "$WORK/$topic.rows" --watermarks "$WORK/$topic.wm" "$@"
}

# ---- 1. one worker, run-once, gzip payloads mixed in ----
echo "== 1 worker (run-once)"
"$CLI" create "$WORK/one" --schema "$SCHEMA" >/dev/null
"$PRODUCER" --brokers "$BOOT" --topic one --count 20000 --gzip-every 7
timeout 120 "$INGEST" one "$WORK/one" "${COMMON[@]}" -g g-one -a app -l 2 -m 3000 -e 2>"$WORK/one.log" \
  || { tail -20 "$WORK/one.log"; fail "run-once worker failed"; }
check_table "$WORK/one" one || fail "1 worker: not exactly once"
# A second run-once finds everything committed and writes nothing.
v1=$("$CLI" history "$WORK/one" --limit 1 | head -1)
timeout 60 "$INGEST" one "$WORK/one" "${COMMON[@]}" -g g-one-again -a app -l 2 -e 2>>"$WORK/one.log" || fail "rerun failed"
v2=$("$CLI" history "$WORK/one" --limit 1 | head -1)
[[ "$v1" == "$v2" ]] || fail "a rerun over a fully ingested topic committed again"

# ---- 2. three workers in one group ----
echo "== 3 workers in one group"
"$CLI" create "$WORK/three" --schema "$SCHEMA" >/dev/null
"$PRODUCER" --brokers "$BOOT" --topic three --count 30000 --rate 6000 &
PRODUCER_PID=$!
WPIDS=()
for i in 1 2 3; do
  "$INGEST" three "$WORK/three" "${COMMON[@]}" -g g-three -a app -l 1 -m 2000 2>"$WORK/three-$i.log" &
  WPIDS+=($!); PIDS+=($!)
done
wait $PRODUCER_PID
"$PRODUCER" --brokers "$BOOT" --topic three --watermarks >"$WORK/three.wm"
want=$(awk '{s+=$2} END {print s}' "$WORK/three.wm")
for _ in $(seq 120); do
  have=$("$CLI" cat "$WORK/three" --columns koffset --format jsonl | wc -l)
  [[ "$have" -ge "$want" ]] && break
  sleep 1
done
for p in "${WPIDS[@]}"; do kill -TERM "$p"; done
for p in "${WPIDS[@]}"; do wait "$p" || fail "a worker did not stop cleanly on SIGTERM"; done
check_table "$WORK/three" three || fail "3 workers: not exactly once"
for i in 1 2 3; do
  grep -q '"msg":"committed"' "$WORK/three-$i.log" || echo "note: worker $i committed nothing"
done

# ---- 3. bad messages go to the dead-letter table ----
echo "== dead letters"
"$CLI" create "$WORK/bad" --schema "$SCHEMA" >/dev/null
"$PRODUCER" --brokers "$BOOT" --topic bad --count 2000 --bad-every 50
timeout 60 "$INGEST" bad "$WORK/bad" "${COMMON[@]}" -g g-bad -a app -l 1 -e --dlq_table_uri "$WORK/bad_dlq" \
  2>"$WORK/bad.log" || { tail -5 "$WORK/bad.log"; fail "dead-letter run failed"; }
"$CLI" cat "$WORK/bad_dlq" --format jsonl >"$WORK/bad.dlq"
check_table "$WORK/bad" bad --bad-every 50 --dlq-rows "$WORK/bad.dlq" || fail "dead letters"
[[ $(wc -l <"$WORK/bad.dlq") -eq 40 ]] || fail "expected 40 dead letters, got $(wc -l <"$WORK/bad.dlq")"

# ---- 4. chaos: SIGKILL workers at random moments while producing ----
echo "== chaos: $KILLS kills"
"$CLI" create "$WORK/chaos" --schema "$SCHEMA" >/dev/null
"$PRODUCER" --brokers "$BOOT" --topic chaos --count 60000 --rate 1500 &
PRODUCER_PID=$!
start_worker() {
  "$INGEST" chaos "$WORK/chaos" "${COMMON[@]}" -g g-chaos -a app -l 0.5 -m 1500 2>>"$WORK/chaos-$1.log" &
  CHAOS[$1]=$!
  PIDS+=($!)
}
declare -a CHAOS
for i in 0 1 2; do start_worker $i; done
kills=0
while [[ $kills -lt $KILLS ]]; do
  sleep "$(awk -v r=$RANDOM 'BEGIN {printf "%.2f", 0.4 + (r % 1200) / 1000}')"
  i=$((RANDOM % 3))
  kill -KILL "${CHAOS[$i]}" 2>/dev/null || true
  wait "${CHAOS[$i]}" 2>/dev/null || true
  kills=$((kills + 1))
  start_worker $i
done
echo "killed $kills times"
wait $PRODUCER_PID
"$PRODUCER" --brokers "$BOOT" --topic chaos --watermarks >"$WORK/chaos.wm"
want=$(awk '{s+=$2} END {print s}' "$WORK/chaos.wm")
for _ in $(seq 150); do
  have=$("$CLI" cat "$WORK/chaos" --columns koffset --format jsonl | wc -l)
  [[ "$have" -ge "$want" ]] && break
  sleep 1
done
for i in 0 1 2; do kill -TERM "${CHAOS[$i]}"; done
for i in 0 1 2; do wait "${CHAOS[$i]}" || fail "a chaos worker did not stop cleanly"; done
"$CLI" files "$WORK/chaos" >"$WORK/chaos.files"
check_table "$WORK/chaos" chaos --files "$WORK/chaos.files" --dir "$WORK/chaos" || fail "chaos: not exactly once / orphan files"
echo "ingest suite passed"
