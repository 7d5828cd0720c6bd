#!/usr/bin/env python3
"""Delta writes: our bulk write of the Parquet benchmark's data set against DuckDB's COPY to
Parquet, and the latency of small appends, in one run.

1. Bulk: the data set of benchmarks/parquet_vs_duckdb (id BIGINT, k INT, d DOUBLE, s VARCHAR,
   made by DuckDB, snappy) is decoded into memory by both sides (untimed); then timed:
     ours:   ops::WriteTable of those rows as a new Delta table, one commit, default target file
             size (100 MiB), snappy, 2 encoding threads (our default);
     DuckDB: COPY t TO 'file.parquet' (FORMAT parquet, COMPRESSION snappy) at threads=2.
   DuckDB must read back from our table's data files the same sums as from the source.
   A second, streaming run of ours (decoding the source while writing) shows the peak memory of
   a write is bounded by the files in flight, not by the input size.
2. Small appends: 1,000 appends of one row each to a local table (every one a full WriteTable:
   open, snapshot, write, commit; a checkpoint every 10 commits, the default), p50/p95 latency.

Last line: delta_write_speedup_vs_duckdb=X small_append_p50_ms=Y  (X = DuckDB time / our time).
Goals: X >= 1.0, Y <= 5.

Usage: benchmarks/delta_write.py [--quick] [--rows N] [--runs R] [--appends N] [--build-dir DIR]
                                 [--cache-dir DIR]
  --quick      2 million rows and 1 timed run (under a minute); the default is 50 million, 2 runs.
  --build-dir  the CMake build directory holding benchmarks/delta_write (default: the first of
               build-bench, build that has it). Nothing is built here.
Needs node and tests/peers/node_modules (DuckDB).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)
PEER = os.path.join(HERE, "duckdb_peer.js")
GENERATOR_VERSION = 1  # the data of duckdb_peer.js gen
ROW_GROUP_SIZE = 122880  # DuckDB's default row group size, used for the source file and its COPY
THREADS = 2
SUM_KEYS = ["sum_id", "sum_k", "sum_d", "sum_len_s", "rows"]


def fail(msg):
    sys.stderr.write("delta_write: " + msg + "\n")
    sys.exit(1)


def progress(msg):
    sys.stderr.write("  ... " + msg + "\n")
    sys.stderr.flush()


def run_json(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        fail("command failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr))
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if not lines:
        fail("no output from: " + " ".join(cmd))
    return json.loads(lines[-1])


def peer(*args):
    return run_json(["node", PEER] + [str(a) for a in args])


def find_driver(build_dir):
    candidates = [build_dir] if build_dir else [os.path.join(ROOT, "build-bench"), os.path.join(ROOT, "build")]
    for d in candidates:
        exe = os.path.join(d, "benchmarks", "delta_write")
        if os.access(exe, os.X_OK):
            return exe
    fail("delta_write not found in %s; build it first, e.g.\n"
         "  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDELTA_BUILD_BENCHMARKS=ON "
         "-DDELTA_BUILD_TESTS=OFF && cmake --build build-bench --target delta_write" % " or ".join(candidates))


def ensure_source(cache_dir, rows):
    """The snappy file of the Parquet benchmark's generator (shared cache layout, own stamp)."""
    stamp = {"generator": GENERATOR_VERSION, "rows": rows, "row_group_size": ROW_GROUP_SIZE}
    d = os.path.join(cache_dir, "delta-write-rows-%d" % rows)
    os.makedirs(d, exist_ok=True)
    # parquet_vs_duckdb's file of the same generator and size, when it is there
    shared = os.path.join(cache_dir, "rows-%d" % rows)
    try:
        with open(os.path.join(shared, "stamp.json")) as f:
            if json.load(f) == stamp and os.path.exists(os.path.join(shared, "src_snappy.parquet")):
                return d, os.path.join(shared, "src_snappy.parquet"), True
    except (OSError, ValueError):
        pass
    src = os.path.join(d, "src_snappy.parquet")
    stamp_path = os.path.join(d, "stamp.json")
    try:
        with open(stamp_path) as f:
            if json.load(f) == stamp and os.path.exists(src):
                return d, src, True
    except (OSError, ValueError):
        pass
    progress("generating %s with DuckDB" % src)
    peer("gen", "--rows", rows, "--codec", "snappy", "--out", src, "--row-group-size", ROW_GROUP_SIZE)
    with open(stamp_path, "w") as f:
        json.dump(stamp, f)
    return d, src, False


def same_sums(a, b):
    for k in SUM_KEYS:
        if k == "sum_d":
            if float(a[k]) != float(b[k]):
                return False
        elif str(a[k]) != str(b[k]):
            return False
    return True


def mib(n):
    return "%.1f MiB" % (n / 1048576.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--appends", type=int, default=1000)
    ap.add_argument("--build-dir", default=None)
    ap.add_argument("--cache-dir", default=None)
    args = ap.parse_args()

    rows = args.rows or (2_000_000 if args.quick else 50_000_000)
    runs = args.runs or (1 if args.quick else 2)
    driver = find_driver(args.build_dir)
    cache_dir = args.cache_dir or os.path.join(tempfile.gettempdir(), "deltacpp-bench")

    print("delta_write: %d rows, best of %d runs after a warm-up; %d small appends" % (rows, runs, args.appends))
    print("driver: %s" % driver)
    print("load average at start: %.2f on %d cpus (figures drift when the machine is busy)"
          % (os.getloadavg()[0], os.cpu_count() or 0))
    d, src, reused = ensure_source(cache_dir, rows)
    print("data: %s, %s (%s)" % (src, mib(os.path.getsize(src)), "reused" if reused else "generated by DuckDB"))
    reference = peer("sums", "--file", src)

    # ------------------------------------------------------------------ bulk write
    table = os.path.join(d, "ours_table")
    duck_out = os.path.join(d, "duckdb_out.parquet")
    progress("DuckDB COPY TO parquet (threads=%d)" % THREADS)
    duck = peer("write", "--file", src, "--out", duck_out, "--codec", "snappy", "--threads", THREADS,
                "--runs", runs, "--row-group-size", ROW_GROUP_SIZE)
    progress("our Delta write (in-memory input)")
    ours = run_json([driver, "bulk", src, table, "--runs", str(runs), "--threads", str(THREADS)])
    back = peer("sums", "--file", os.path.join(table, "*.parquet"))
    if not same_sums(back, reference):
        fail("WRONG ANSWER: DuckDB reads different sums from our table's data files:\n  expected: %s\n  got: %s"
             % (reference, back))
    progress("our Delta write (streaming input)")
    stream = run_json([driver, "bulk", src, table, "--runs", "1", "--threads", str(THREADS), "--stream"])
    shutil.rmtree(table, ignore_errors=True)
    os.remove(duck_out)
    speedup = duck["seconds"] / ours["seconds"]

    # ------------------------------------------------------------------ small appends
    progress("%d small appends" % args.appends)
    app_table = os.path.join(d, "append_table")
    app = run_json([driver, "appends", app_table, "--count", str(args.appends)])
    shutil.rmtree(app_table, ignore_errors=True)

    # ------------------------------------------------------------------ report
    print()
    print("bulk write, %d rows, snappy, %d threads:" % (rows, THREADS))
    print("  DuckDB COPY TO parquet     %8.3f s  (cpu %.3f s), one file of %s"
          % (duck["seconds"], duck["cpu_seconds"], mib(duck["bytes"])))
    print("  deltacpp WriteTable        %8.3f s  (cpu %.3f s), %d files, %s, committed version %d"
          % (ours["seconds"], ours["cpu_seconds"], ours["files"], mib(ours["bytes"]), ours["version"]))
    print("  speed-up %.2fx (DuckDB time / ours), size ratio ours/DuckDB %.3f; DuckDB read our files back: sums equal"
          % (speedup, ours["bytes"] / max(1, duck["bytes"])))
    print("  memory, in-memory input:  RSS with the input loaded %s, peak %s (writer's own: %s)"
          % (mib(ours["baseline_rss"]), mib(ours["peak_rss"]), mib(ours["peak_rss"] - ours["baseline_rss"])))
    print("  memory, streaming input:  peak RSS %s for %d rows (%.3f s incl. decoding the source)"
          % (mib(stream["peak_rss"]), stream["rows"], stream["seconds"]))
    print("small appends (1 row each, checkpoint every 10 commits): %d appends, p50 %.2f ms, p95 %.2f ms, "
          "p99 %.2f ms, max %.2f ms, mean %.2f ms; p50 of the first / last tenth %.2f / %.2f ms; "
          "commits that checkpoint p50 %.2f ms; %d checkpoints; peak RSS %s"
          % (app["appends"], app["p50_ms"], app["p95_ms"], app["p99_ms"], app["max_ms"], app["mean_ms"],
             app["p50_first_tenth_ms"], app["p50_last_tenth_ms"], app["checkpoint_commit_p50_ms"],
             app["checkpoints"], mib(app["peak_rss"])))
    print("goals: speed-up >= 1.0 (%s); small append p50 <= 5 ms (%s)"
          % ("met" if speedup >= 1.0 else "NOT met", "met" if app["p50_ms"] <= 5 else "NOT met"))
    print("delta_write_speedup_vs_duckdb=%.2f small_append_p50_ms=%.2f" % (speedup, app["p50_ms"]))


if __name__ == "__main__":
    main()
