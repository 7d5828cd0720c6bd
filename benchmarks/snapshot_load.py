#!/usr/bin/env python3
"""Snapshot loading against DuckDB's raw read of the same log files, in one run.

Generates (with `snapshot_load generate`) a Delta table whose log holds a multi-part checkpoint of
N add actions with stats and M JSON commits after it (each: commitInfo, 3 adds, 2 removes, with
stats), then compares:
  ours:   `snapshot_load load DIR`: Table::Open + GetSnapshot(with_stats = false) + listing the
          live files, one process per run (peak RSS = ru_maxrss of that process); the live file
          count must equal adds - removes, or the run fails;
  DuckDB: CREATE TABLE AS SELECT * FROM read_parquet([checkpoint parts]) plus
          CREATE TABLE AS SELECT * FROM read_json([commits], newline_delimited, union_by_name),
          every column materialised, one process per run.
Both sides use 2 threads; the best wall time of --runs runs is kept (the files are in the page
cache after generation). The last line is
  snapshot_load_ratio_vs_duckdb_raw=X snapshot_load_peak_rss_mb=Y
with X = our best time / DuckDB's best time (below 1 means we are faster) and Y our largest peak
RSS in MiB. Goals: X <= 1.5, Y <= 1024.

Usage: benchmarks/snapshot_load.py [--quick] [--adds N] [--commits M] [--parts P] [--runs R]
                                   [--build-dir DIR] [--cache-dir DIR] [--verbose]
  --quick       100,000 adds, 100 commits, 2 parts (under a minute); default 1,000,000 adds,
                1,000 commits, 5 parts.
  --build-dir   the CMake build directory holding benchmarks/snapshot_load (default: $BUILD_DIR,
                else the first of build-bench, build under the repository root that has it).
                Nothing is built here.
  --cache-dir   where generated tables live (default $TMPDIR/deltacpp-snapshot-bench); a table of
                the same parameters and generator version is reused.
  --verbose     also time the phases of loading (listing, JSON, checkpoint decode, reconciliation).
Needs node and tests/peers/node_modules (see tests/peers/package.json).
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
PEER = os.path.join(HERE, "snapshot_load_duckdb.js")
THREADS = 2  # SnapshotOptions::num_threads default; DuckDB gets the same


def fail(msg):
    sys.stderr.write("snapshot_load: " + msg + "\n")
    sys.exit(1)


def progress(msg):
    sys.stderr.write("  ... " + msg + "\n")
    sys.stderr.flush()


def run_json(cmd, echo_stderr=False):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        fail("command failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr))
    if echo_stderr and p.stderr:
        sys.stdout.write(p.stderr)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if not lines:
        fail("no output from: " + " ".join(cmd))
    return json.loads(lines[-1])


def find_driver(build_dir):
    if build_dir:
        candidates = [build_dir]
    elif os.environ.get("BUILD_DIR"):
        candidates = [os.environ["BUILD_DIR"]]
    else:
        candidates = [os.path.join(ROOT, "build-bench"), os.path.join(ROOT, "build")]
    for d in candidates:
        exe = os.path.join(d, "benchmarks", "snapshot_load")
        if os.access(exe, os.X_OK):
            return exe
    fail("snapshot_load not found in %s; build it first, e.g.\n"
         "  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DDELTA_BUILD_BENCHMARKS=ON "
         "-DDELTA_BUILD_TESTS=OFF && cmake --build build-bench --target snapshot_load"
         % " or ".join(candidates))


def ensure_table(driver, cache_dir, adds, commits, parts):
    d = os.path.join(cache_dir, "adds-%d-commits-%d-parts-%d" % (adds, commits, parts))
    layout_path = os.path.join(d, "layout.json")
    try:
        with open(layout_path) as f:
            layout = json.load(f)
        ok = (layout["adds"], layout["commits"], layout["parts"]) == (adds, commits, parts)
        ok = ok and all(os.path.exists(p) for p in layout["checkpoint_parts"] + layout["commit_files"])
        if ok:
            return d, layout_path, layout, True
    except (OSError, ValueError, KeyError):
        pass
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    progress("generating %d adds, %d commits, %d parts in %s" % (adds, commits, parts, d))
    layout = run_json([driver, "generate", d, "--adds", str(adds), "--commits", str(commits), "--parts", str(parts)])
    with open(layout_path, "w") as f:
        json.dump(layout, f)
    return d, layout_path, layout, False


def mib(n):
    return n / 1048576.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--adds", type=int, default=None)
    ap.add_argument("--commits", type=int, default=None)
    ap.add_argument("--parts", type=int, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build-dir", default=None)
    ap.add_argument("--cache-dir", default=None)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    adds = args.adds or (100_000 if args.quick else 1_000_000)
    commits = args.commits if args.commits is not None else (100 if args.quick else 1_000)
    parts = args.parts or (2 if args.quick else 5)
    driver = find_driver(args.build_dir)
    cache_dir = args.cache_dir or os.path.join(tempfile.gettempdir(), "deltacpp-snapshot-bench")

    print("snapshot_load: %d adds in a %d-part checkpoint + %d JSON commits, best of %d runs, %d threads"
          % (adds, parts, commits, args.runs, THREADS))
    print("driver: %s" % driver)
    print("load average at start: %.2f on %d cpus (figures drift when the machine is busy)"
          % (os.getloadavg()[0], os.cpu_count() or 0))
    d, layout_path, layout, reused = ensure_table(driver, cache_dir, adds, commits, parts)
    print("table: %s (%s): checkpoint %.1f MiB, commits %.1f MiB, %d live files expected"
          % (d, "reused" if reused else "generated", mib(layout["checkpoint_bytes"]), mib(layout["commit_bytes"]),
             layout["expected_files"]))

    # Our runs and DuckDB's alternate, so that a change in the machine's load affects both sides.
    ours, duck = [], []
    for r in range(args.runs):
        progress("our load, run %d" % (r + 1))
        res = run_json([driver, "load", d])
        if res["files"] != layout["expected_files"]:
            fail("WRONG ANSWER: the snapshot lists %d live files, expected %d (adds %d - removes %d)"
                 % (res["files"], layout["expected_files"], layout["total_adds"], layout["removed"]))
        if res["version"] != layout["version"]:
            fail("WRONG ANSWER: snapshot version %d, expected %d" % (res["version"], layout["version"]))
        ours.append(res)
        progress("DuckDB raw read, run %d" % (r + 1))
        res = run_json(["node", PEER, "--layout", layout_path, "--threads", str(THREADS), "--runs", "1"])
        if res["checkpoint_rows"] != layout["adds"] + 2:
            fail("DuckDB read %d checkpoint rows, expected %d" % (res["checkpoint_rows"], layout["adds"] + 2))
        duck.append(res)
    progress("our load with stats (for information)")
    with_stats = run_json([driver, "load", d, "--with-stats"])
    if with_stats["files"] != layout["expected_files"] or with_stats["files_with_stats"] != layout["expected_files"]:
        fail("WRONG ANSWER with stats: %d files, %d with stats, expected %d"
             % (with_stats["files"], with_stats["files_with_stats"], layout["expected_files"]))

    best_ours = min(ours, key=lambda x: x["seconds"])
    best_duck = min(duck, key=lambda x: x["seconds"])
    peak = max(x["peak_rss"] for x in ours)
    ratio = best_ours["seconds"] / best_duck["seconds"]
    cpu_ours = min(x["cpu_seconds"] for x in ours)
    cpu_duck = min(x["cpu_seconds"] for x in duck)
    print()
    print("%-44s %8s %8s   %s" % ("case", "wall s", "cpu s", "notes"))
    print("%-44s %8.3f %8.3f   runs %s; peak RSS %.1f MiB; %d minor faults; %d live files (verified)"
          % ("ours: open snapshot + list files (no stats)", best_ours["seconds"], cpu_ours,
             ", ".join("%.3f" % x["seconds"] for x in ours), mib(peak), best_ours["minor_faults"], best_ours["files"]))
    print("%-44s %8.3f %8.3f   peak RSS %.1f MiB (stats kept for every file)"
          % ("ours: the same with stats", with_stats["seconds"], with_stats["cpu_seconds"],
             mib(with_stats["peak_rss"])))
    print("%-44s %8.3f %8.3f   runs %s; read_parquet %.3f s + read_json %.3f s; node peak RSS %.1f MiB"
          % ("DuckDB: materialise checkpoint + commits", best_duck["seconds"], cpu_duck,
             ", ".join("%.3f" % x["seconds"] for x in duck), best_duck["parquet_seconds"],
             best_duck["json_seconds"], mib(max(x["peak_rss"] for x in duck))))
    if args.verbose:
        print()
        run_json([driver, "load", d, "--verbose"], echo_stderr=True)
    print()
    print("ratio = our wall time / DuckDB's raw read wall time (below 1: we are faster); the same with CPU "
          "seconds: %.2f; peak RSS of our process." % (cpu_ours / cpu_duck))
    print("goals: ratio <= 1.5 (%.2f: %s); peak RSS <= 1024 MiB (%.0f: %s)"
          % (ratio, "met" if ratio <= 1.5 else "NOT met", mib(peak), "met" if mib(peak) <= 1024 else "NOT met"))
    print("snapshot_load_ratio_vs_duckdb_raw=%.2f snapshot_load_peak_rss_mb=%.0f" % (ratio, mib(peak)))


if __name__ == "__main__":
    main()
