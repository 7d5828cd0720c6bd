#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each one briefly on a copy of its seed corpus.
#   fuzz/run.sh [--seconds N]      N: total fuzzing time, split between the fuzzers (default 60)
# Environment: DELTA_FUZZ_BUILD_DIR (default build-fuzz), DELTA_FUZZ_KEEP=1 keeps the work dir.
# Exit status 1 on a build failure or on any crash, leak, timeout or out-of-memory; the
# reproducer's path is printed (re-run it with: <build dir>/fuzz/<fuzzer> <reproducer>).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TOTAL=60
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_TOTAL="$2"; shift 2 ;;
    --seconds=*) SECONDS_TOTAL="${1#*=}"; shift ;;
    *) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
case "$SECONDS_TOTAL" in
  ''|*[!0-9]*) echo "fuzz/run.sh: --seconds needs a whole number" >&2; exit 2 ;;
esac

BUILD_DIR=${DELTA_FUZZ_BUILD_DIR:-build-fuzz}
for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "fuzz/run.sh: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done

# Every fuzz/<name>_fuzzer.cc is a target; its seeds, if any, are in fuzz/corpus/<name>/.
FUZZERS=()
for src in fuzz/*_fuzzer.cc; do
  FUZZERS+=("$(basename "$src" .cc)")
done
[ ${#FUZZERS[@]} -gt 0 ] || { echo "fuzz/run.sh: no fuzzers" >&2; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  if ! CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DDELTA_BUILD_FUZZERS=ON -DDELTA_BUILD_TESTS=OFF -DDELTA_BUILD_BENCHMARKS=OFF >"$log" 2>&1; then
    cat "$log" >&2
    echo "fuzz/run.sh: configuring $BUILD_DIR failed" >&2
    exit 1
  fi
fi
if ! cmake --build "$BUILD_DIR" --target "${FUZZERS[@]}" -j"$(nproc)" >"$log" 2>&1; then
  grep -v '^\[[0-9]*/[0-9]*\] ' "$log" | tail -n 60 >&2
  echo "fuzz/run.sh: building the fuzzers failed" >&2
  exit 1
fi

per=$(( SECONDS_TOTAL / ${#FUZZERS[@]} ))
[ "$per" -ge 1 ] || per=1
work="$(mktemp -d "${TMPDIR:-/tmp}/delta-fuzz.XXXXXX")"
failed=0
for f in "${FUZZERS[@]}"; do
  name="${f%_fuzzer}"
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "fuzz/corpus/$name" ]; then
    cp -R "fuzz/corpus/$name/." "$corpus/"
  fi
  flog="$work/$name/fuzz.log"
  status=0
  # libFuzzer stops itself after -max_total_time; the outer timeout only guards a wedged run.
  timeout --signal=KILL $(( per + 120 )) "$BUILD_DIR/fuzz/$f" "$corpus" \
    -max_len=65536 -rss_limit_mb=2048 -timeout=10 -max_total_time="$per" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$flog" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$flog" | tail -n 1)
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "$artifacts")" ]; then
    failed=1
    echo "FAIL $f (exit $status) after ${execs:-?} runs" >&2
    grep -E '^==[0-9]+==|ERROR: |SUMMARY: |^ +#[0-9]+ ' "$flog" | head -n 30 >&2 || true
    for a in "$artifacts"/*; do
      [ -e "$a" ] && echo "  reproducer: $a   (run: $BUILD_DIR/fuzz/$f $a)" >&2
    done
    echo "  log: $flog" >&2
  else
    echo "ok   $f: ${per}s, ${execs:-?} runs"
  fi
done

if [ "$failed" -ne 0 ]; then
  echo "fuzz/run.sh: failures; work dir kept at $work" >&2
  exit 1
fi
if [ "${DELTA_FUZZ_KEEP:-0}" = 1 ]; then
  echo "work dir: $work"
else
  rm -rf "$work"
fi
