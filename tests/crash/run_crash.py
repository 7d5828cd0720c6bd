#!/usr/bin/env python3
"""Crash recovery: a Delta writer killed with SIGKILL at random moments never corrupts the table.

  run_crash.py CRASH_WRITER DELTACPP WORK_DIR [--kills N] [--max-sleep-ms MS] [--seed S]

Creates a table (delta.checkpointInterval=2, so checkpoints are written every second commit),
then N times: starts `crash_writer append` with a new writer id, sleeps a random 0..MS ms,
SIGKILLs it, and checks the table with our reader. The writer logs (writer, seq) after each
commit it saw succeed, with fsync. Checks, after every kill and at the end:
  - every _delta_log/NNN.json parses as JSON lines (no partial commit), versions are contiguous
    from 0, _last_checkpoint (when present) parses and names an existing checkpoint, and every
    checkpoint file is a readable Parquet file;
  - `deltacpp cat` opens and reads the table; every row (writer, seq, i) is present at most once
    and every seq's rows are all there or all absent;
  - every seq logged as committed is present (rows present but not logged are allowed: the kill
    came between the commit and the log line);
  - files in the table directory that the log does not reference are only data files
    (*.parquet outside _delta_log), never log entries.
Exit status 0 when every check passed.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

ROWS_PER_APPEND = 4  # crash_writer.cc kRowsPerAppend
COMMIT_RE = re.compile(r"^(\d{20})\.json$")
TEMP_DATA_RE = re.compile(r"^\..+\.parquet\.tmp-[0-9a-f]+$")
CHECKPOINT_RE = re.compile(r"^(\d{20})\.checkpoint(\.\d{10}\.\d{10})?\.parquet$")


class Failure(Exception):
    pass


def run(args, timeout=60):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if p.returncode != 0:
        raise Failure("%s exited %d: %s" % (" ".join(args[:3]), p.returncode, p.stderr.decode(errors="replace").strip()))
    return p.stdout.decode()


_checked_checkpoints = set()


def check_log(table, cli):
    """Every commit parses, versions are contiguous; returns (versions, checkpoints)."""
    log = os.path.join(table, "_delta_log")
    versions, checkpoints, others = [], [], []
    for name in sorted(os.listdir(log)):
        path = os.path.join(log, name)
        m = COMMIT_RE.match(name)
        if m:
            with open(path, "rb") as f:
                text = f.read()
            if not text.strip():
                raise Failure("empty commit file %s" % name)
            for n, line in enumerate(text.decode("utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    json.loads(line)
                except ValueError as e:
                    raise Failure("partial or corrupt commit %s line %d: %s" % (name, n, e))
            versions.append(int(m.group(1)))
        elif CHECKPOINT_RE.match(name):
            checkpoints.append(name)
        elif name == "_last_checkpoint":
            with open(path) as f:
                try:
                    hint = json.loads(f.read())
                except ValueError as e:
                    raise Failure("_last_checkpoint does not parse: %s" % e)
            if not any(c.startswith("%020d.checkpoint" % hint["version"]) for c in os.listdir(log)):
                raise Failure("_last_checkpoint names version %d with no checkpoint file" % hint["version"])
        elif name.startswith(".") and ".tmp-" in name:
            others.append(name)  # an interrupted put-if-absent / replace: hidden, never a log entry
        else:
            raise Failure("unexpected file in _delta_log: %s" % name)
    if versions != list(range(len(versions))):
        raise Failure("commit versions are not contiguous from 0: %s" % versions[:20])
    for c in checkpoints:
        # a checkpoint visible under its final name must be complete (checked once per file)
        key = (c, os.path.getsize(os.path.join(log, c)))
        if key not in _checked_checkpoints:
            run([cli, "parquet", "meta", os.path.join(log, c)])
            _checked_checkpoints.add(key)
    return versions, checkpoints, others


def read_rows(table, cli):
    rows = {}
    for line in run([cli, "cat", table, "--format", "jsonl"]).splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        key = (r["writer"], r["seq"], r["i"])
        if key in rows:
            raise Failure("row %s present twice" % (key,))
        if r["part"] != str(r["seq"] % 3):
            raise Failure("row %s has partition value %r" % (key, r["part"]))
        if not r["payload"].startswith("w%d-s%d-i%d-" % key):
            raise Failure("row %s has a wrong payload %r" % (key, r["payload"][:40]))
        rows[key] = r
    seqs = {}
    for (w, s, i) in rows:
        seqs.setdefault((w, s), set()).add(i)
    for ws, ids in seqs.items():
        if ids != set(range(ROWS_PER_APPEND)):
            raise Failure("append %s is partially present: rows %s" % (ws, sorted(ids)))
    return set(seqs)


def logged_commits(path):
    out = set()
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:  # a torn last line cannot happen after fsync, but be lenient
                out.add((int(parts[0]), int(parts[1])))
    return out


def check_leftovers(table, cli):
    referenced = set()
    for line in run([cli, "files", table, "--json"]).splitlines():
        if line.strip():
            referenced.add(os.path.normpath(json.loads(line)["path"]))
    unreferenced, partial = [], []
    for root, dirs, files in os.walk(table):
        rel_root = os.path.relpath(root, table)
        if rel_root.split(os.sep)[0] == "_delta_log":
            continue
        for f in files:
            rel = os.path.normpath(os.path.join(rel_root, f))
            if rel in referenced:
                continue
            if f.endswith(".parquet"):
                unreferenced.append(rel)
            elif TEMP_DATA_RE.match(f):
                # a data file whose write was interrupted (the store writes a hidden temp file and
                # renames it into place): not referenced, invisible to readers
                partial.append(rel)
            else:
                raise Failure("unreferenced file that is not a data file: %s" % rel)
    missing = [p for p in referenced if not os.path.exists(os.path.join(table, p))]
    if missing:
        raise Failure("files referenced by the log are missing: %s" % missing[:5])
    return len(referenced), unreferenced, partial


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("writer")
    ap.add_argument("cli")
    ap.add_argument("work")
    ap.add_argument("--kills", type=int, default=60)
    ap.add_argument("--max-sleep-ms", type=int, default=300)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time())
    rng = random.Random(seed)
    print("crash_recovery: seed %d, %d kills, sleeps 0..%d ms" % (seed, a.kills, a.max_sleep_ms), flush=True)

    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    table = os.path.join(a.work, "table")
    commit_log = os.path.join(a.work, "committed.txt")
    run([a.writer, "create", table])

    t0 = time.time()
    killed_while_running = 0
    due_checkpoint_missing = 0
    try:
        for k in range(a.kills):
            p = subprocess.Popen([a.writer, "append", table, commit_log, str(k)], stderr=subprocess.PIPE)
            time.sleep(rng.uniform(0, a.max_sleep_ms / 1000.0))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                killed_while_running += 1
            p.wait()
            err = p.stderr.read().decode(errors="replace").strip()
            p.stderr.close()
            if p.returncode not in (0, -signal.SIGKILL):
                raise Failure("writer %d failed (exit %d): %s" % (k, p.returncode, err))
            # the table must be consistent after every kill
            versions, checkpoints, _ = check_log(table, a.cli)
            last = versions[-1]
            if last > 0 and last % 2 == 0 and not any(c.startswith("%020d." % last) for c in checkpoints):
                due_checkpoint_missing += 1  # killed after the commit, before/while checkpointing
            present = read_rows(table, a.cli)
            lost = logged_commits(commit_log) - present
            if lost:
                raise Failure("after kill %d: appends logged as committed are missing: %s" % (k, sorted(lost)[:10]))
        versions, checkpoints, others = check_log(table, a.cli)
        kinds = {}
        for o in others:
            kind = re.sub(r"^\.\d{20}", ".NNN", o.split(".tmp-")[0])
            kinds[kind] = kinds.get(kind, 0) + 1
        others = ", ".join("%d %s.tmp-*" % (n, k) for k, n in sorted(kinds.items()))
        present = read_rows(table, a.cli)
        logged = logged_commits(commit_log)
        lost = logged - present
        if lost:
            raise Failure("appends logged as committed are missing: %s" % sorted(lost)[:10])
        n_ref, unref, partial = check_leftovers(table, a.cli)
    except Failure as e:
        print("FAIL: %s (seed %d; table kept at %s)" % (e, seed, table))
        return 1
    print("crash_recovery: %d kills (%d while running, %d between a commit and the end of its checkpoint) "
          "in %.1f s; %d versions, %d checkpoints; "
          "%d appends present (%d logged, %d committed but unlogged); %d live data files, "
          "%d unreferenced data files and %d hidden temp data files left over; hidden temp files in the log: %s"
          % (a.kills, killed_while_running, due_checkpoint_missing, time.time() - t0, len(versions), len(checkpoints), len(present),
             len(logged), len(present - logged), n_ref, len(unref), len(partial), others or "none"))
    if killed_while_running < a.kills // 2:
        print("FAIL: most writers finished before the kill; the test did not test crashes")
        return 1
    if len(checkpoints) == 0:
        print("FAIL: no checkpoint was ever written")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
