#!/usr/bin/env python3
"""Cross-checks our Parquet reader and writer against DuckDB, parquet-wasm and hyparquet.

  run.py --cli BUILD_DIR/tools/cli/deltacpp --tmp TMPDIR [--jobs 2] [--quick]

1. gen.js writes a matrix of Parquet files with the three peers plus the expected rows.
2. READ: `deltacpp parquet cat FILE --format jsonl` must print the expected rows (also with
   --columns projections on some files).
3. WRITE: `deltacpp parquet copy` rewrites one file per distinct data set with several codecs,
   row-group sizes, page versions and dictionary settings; DuckDB, parquet-wasm, hyparquet and
   our own cat must all read the copy back as the expected rows.
Prints one line per failing check and ends with `peers: N passed, M failed, K skipped`.
Exit status 0 only when nothing failed.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import compare  # noqa: E402

PEERS = ["duckdb", "parquet-wasm", "hyparquet"]
TIMEOUT = 120

# Copy variants of the WRITE check: name -> extra arguments of `deltacpp parquet copy`.
COPY_VARIANTS = {
    "snappy": ["--compression", "snappy"],
    "zstd_rg500": ["--compression", "zstd:3", "--row-group-rows", "500"],
    "gzip_v2": ["--compression", "gzip", "--page-v2"],
    "lz4raw_nodict": ["--compression", "lz4_raw", "--no-dictionary"],
    "brotli_rg999_v2_nodict": ["--compression", "brotli", "--row-group-rows", "999", "--page-v2", "--no-dictionary"],
    "uncompressed": ["--compression", "uncompressed"],
}

def data_sets(manifest):
    """Files grouped by identical expected rows (the same data under other codecs/encodings)."""
    groups = {}
    for m in manifest:
        with open(m["expected"], "rb") as f:
            key = hashlib.sha1(f.read()).hexdigest()
        groups.setdefault(key, []).append(m)
    return list(groups.values())


# Known limits of a peer as a reader: (peer, predicate(column name, column type tag), reason).
# Columns matching are left out of that peer's comparison and reported as skipped.
PEER_LIMITS = [
]


class Results:
    def __init__(self):
        self.counts = defaultdict(lambda: [0, 0, 0])  # group -> [pass, fail, skip]
        self.failures = []
        self.skips = defaultdict(set)  # (peer, reason) -> cases

    def ok(self, group):
        self.counts[group][0] += 1

    def fail(self, group, label, msg):
        self.counts[group][1] += 1
        line = f"FAIL {label}: {msg}"
        if len(line) > 600:
            line = line[:600] + "..."
        self.failures.append(line)
        print(line, flush=True)

    def skip(self, group, peer, reason, case):
        self.counts[group][2] += 1
        self.skips[(peer, reason)].add(case)


def run_cmd(args, stdout_path=None, timeout=TIMEOUT):
    t0 = time.time()
    try:
        if stdout_path:
            with open(stdout_path, "wb") as f:
                p = subprocess.run(args, stdout=f, stderr=subprocess.PIPE, timeout=timeout)
        else:
            p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 999, f"timed out after {timeout}s", time.time() - t0
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    msg = err[-1] if err else ""
    if p.returncode < 0:
        msg = f"killed by signal {-p.returncode}; {msg}"
    return p.returncode, msg, time.time() - t0


def limits_for(peer, columns):
    """Columns a peer must be excused from, with reasons."""
    out = {}
    for lp, pred, reason in PEER_LIMITS:
        if lp != peer:
            continue
        for name, tag in columns.items():
            if pred(name, str(tag)):
                out[name] = reason
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated case-name substrings")
    a = ap.parse_args()
    jobs = max(1, min(a.jobs, 2))
    t_start = time.time()
    res = Results()

    gen_dir = os.path.join(a.tmp, "gen")
    rc, msg, dt = run_cmd(["node", os.path.join(HERE, "gen.js"), gen_dir], timeout=600)
    if rc != 0:
        print(f"FAIL generating the peer files: {msg}")
        print("peers: 0 passed, 1 failed, 0 skipped")
        return 1
    with open(os.path.join(gen_dir, "manifest.json")) as f:
        manifest = json.load(f)
    if a.only:
        subs = a.only.split(",")
        manifest = [m for m in manifest if any(s in m["case"] for s in subs)]
    print(f"peers: {len(manifest)} files generated in {dt:.1f}s", flush=True)

    # ---------------------------------------------------------------- READ check
    read_dir = os.path.join(a.tmp, "read")
    os.makedirs(read_dir)

    def read_job(m, columns=None):
        tag = "" if not columns else "_cols"
        out = os.path.join(read_dir, m["case"] + tag + ".jsonl")
        args = [a.cli, "parquet", "cat", m["file"], "--format", "jsonl"]
        if columns:
            args += ["--columns", ",".join(columns)]
        rc, msg, _ = run_cmd(args, out)
        group = f"read {m['writer']} files"
        label = f"read {m['case']}{' --columns ' + ','.join(columns) if columns else ''}"
        if rc != 0:
            res.fail(group, label, f"deltacpp parquet cat exit {rc}: {msg}")
            return
        try:
            diff = compare.compare_files(m["expected"], out, ordered=True, columns=columns)
        except (OSError, ValueError) as e:
            diff = f"unreadable output: {e}"
        if diff:
            res.fail(group, label, diff)
        else:
            res.ok(group)
            if not columns:
                read_ok.add(m["case"])

    read_ok = set()
    groups = data_sets(manifest)
    tasks = [(m, None) for m in manifest]
    for g in groups:
        # projections on one file per data set: the last column and one in the middle
        m = g[min(1, len(g) - 1)]
        names = list(m["columns"].keys())
        tasks.append((m, [names[-1], names[len(names) // 2]]))
    with ThreadPoolExecutor(jobs) as ex:
        list(ex.map(lambda t: read_job(*t), tasks))
    print(f"peers: read check done ({time.time() - t_start:.0f}s)", flush=True)

    # ---------------------------------------------------------------- WRITE check
    copy_dir = os.path.join(a.tmp, "copy")
    peer_dir = os.path.join(a.tmp, "peer")
    os.makedirs(copy_dir)
    os.makedirs(peer_dir)
    copies = []  # (copy file, source manifest entry, variant)

    def copy_job(src, variant):
        dst = os.path.join(copy_dir, f"{src['case']}__{variant}.parquet")
        rc, msg, _ = run_cmd([a.cli, "parquet", "copy", src["file"], dst] + COPY_VARIANTS[variant])
        if rc != 0:
            res.fail("write: copy", f"copy {src['case']} [{variant}]", f"deltacpp parquet copy exit {rc}: {msg}")
            return None
        return (dst, src, variant)

    # one source per data set, preferably a file our reader got right (a read failure is
    # already reported; the write check should still cover that data)
    sources = [next((m for m in g if m["case"] in read_ok), g[0]) for g in groups]
    with ThreadPoolExecutor(jobs) as ex:
        plan = [(s, v) for s in sources for v in COPY_VARIANTS]
        for r in ex.map(lambda t: copy_job(*t), plan):
            if r:
                copies.append(r)
                res.ok("write: copy")

    def check_copy(dst, src, variant, reader, actual_path, error_path):
        group = f"write: read by {reader}"
        label = f"write {src['case']} [{variant}] read by {reader}"
        if error_path and os.path.exists(error_path):
            with open(error_path) as f:
                res.fail(group, label, f"cannot read our file: {f.read().strip()}")
            return
        skip = limits_for(reader, src["columns"])
        for col, reason in skip.items():
            res.skip(group, reader, f"{reason} (column {col})", src["case"])
        try:
            diff = compare.compare_files(src["expected"], actual_path, ordered=True, skip=set(skip))
        except (OSError, ValueError) as e:
            diff = f"unreadable output: {e}"
        if diff:
            res.fail(group, label, diff)
        else:
            res.ok(group)

    def peer_job(peer):
        files = [c[0] for c in copies]
        if not files:
            return
        rc, msg, dt = run_cmd(["node", os.path.join(HERE, "read.js"), "--with", peer, "--out-dir", peer_dir] + files, timeout=900)
        peer_times[peer] = dt
        if rc != 0:
            for dst, src, variant in copies:
                res.fail(f"write: read by {peer}", f"write {src['case']} [{variant}] read by {peer}", f"read.js failed: {msg}")
            return
        for dst, src, variant in copies:
            base = os.path.join(peer_dir, os.path.basename(dst) + "." + peer)
            check_copy(dst, src, variant, peer, base + ".jsonl", base + ".error")

    def ours_job(c):
        dst, src, variant = c
        out = dst + ".ours.jsonl"
        rc, msg, _ = run_cmd([a.cli, "parquet", "cat", dst, "--format", "jsonl"], out)
        if rc != 0:
            res.fail("write: read by deltacpp", f"write {src['case']} [{variant}] read by deltacpp", f"deltacpp parquet cat exit {rc}: {msg}")
            return
        check_copy(dst, src, variant, "deltacpp", out, None)

    peer_times = {}
    with ThreadPoolExecutor(jobs) as ex:
        futs = [ex.submit(peer_job, p) for p in PEERS]
        for f in futs:
            f.result()
    with ThreadPoolExecutor(jobs) as ex:
        list(ex.map(ours_job, copies))

    # ---------------------------------------------------------------- summary
    print("peers: summary")
    total = [0, 0, 0]
    for group in sorted(res.counts):
        p, f, s = res.counts[group]
        total[0] += p
        total[1] += f
        total[2] += s
        print(f"  {group}: {p} passed, {f} failed" + (f", {s} column skips" if s else ""))
    for (peer, reason), cases in sorted(res.skips.items()):
        print(f"  skipped for {peer}: {reason}; in {len(cases)} source file(s)")
    times = ", ".join(f"{p} {t:.0f}s" for p, t in sorted(peer_times.items()))
    print(f"  time: {time.time() - t_start:.0f}s (peers reading {len(copies)} copies: {times})")
    print(f"peers: {total[0]} passed, {total[1]} failed, {total[2]} skipped")
    return 1 if total[1] else 0


if __name__ == "__main__":
    sys.exit(main())
