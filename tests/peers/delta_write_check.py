#!/usr/bin/env python3
"""Peers read what we write: Delta tables written by ops::WriteTable, checked with DuckDB,
parquet-wasm and hyparquet, and our checkpoint layout against Spark's.

  delta_write_check.py BUILD_DIR [--tmp DIR] [--keep] [--skip-unbuilt]

1. tests/crash's `delta_write_check` helper (built in BUILD_DIR) writes an unpartitioned and a
   partitioned table (every primitive Delta type, struct / array / map, nulls, partition values
   needing escaping and a null partition) plus a checkpoint of each.
2. Every data file of each table (`deltacpp files --json`) is read by each peer (read.js); the
   partition columns must not be in the files (they come from the log), so each peer's rows get
   the file's partition values from the log, and the union must equal `deltacpp cat` of the
   table as a multiset (compare.py rules).
3. Each of our checkpoints' Parquet schema (`deltacpp parquet schema`) is compared with Spark
   checkpoints from the shared tables: for the top-level structs add, remove, metaData, protocol
   and txn, every field Spark has must be in ours with the same repetition, physical type and
   annotation. Differences are printed; a missing or differently-typed field fails.
Ends with `delta_write_check: N passed, M failed`; exit status 0 only when nothing failed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import compare  # noqa: E402

PEERS = ["duckdb", "parquet-wasm", "hyparquet"]
PARTITION_TYPES = {"p_str": str, "p_int": int}
# Spark-written checkpoints (engineInfo "Apache-Spark/..."), newest writer first. The first one
# found is the reference that fails the check; the others are compared for information.
SPARK_CHECKPOINTS = [
    "kernel-rs-golden/checkpoint/delta/_delta_log/00000000000000000010.checkpoint.parquet",
    "delta-spark/delta-1.2.1/_delta_log/00000000000000000004.checkpoint.parquet",
]
ACTIONS = ["txn", "add", "remove", "metaData", "protocol"]


def shared_tables_dir():
    for d in [os.environ.get("DELTA_SHARED_TABLES", ""), os.path.join(ROOT, "..", "shared", "delta-tables")]:
        if d and os.path.isdir(d):
            return os.path.abspath(d)
    return None


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def ok(self, label):
        self.passed += 1
        print("ok   " + label, flush=True)

    def fail(self, label, msg):
        self.failed += 1
        print("FAIL %s: %s" % (label, msg[:2000]), flush=True)


def run(args, timeout=300):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(args[:3]), p.returncode,
                                                  p.stderr.decode(errors="replace").strip()[-1000:]))
    return p.stdout.decode()


# ---------------------------------------------------------------------------------- data files

def check_table(cli, table, work, res):
    name = os.path.basename(table)
    files = [json.loads(l) for l in run([cli, "files", table, "--json"]).splitlines() if l.strip()]
    if not files:
        res.fail(name, "no data files")
        return
    expected = os.path.join(work, name + ".expected.jsonl")
    with open(expected, "w") as f:
        f.write(run([cli, "cat", table, "--format", "jsonl"]))
    n_expected = len(compare.load_rows(expected))
    print("%s: %d data files, %d rows" % (name, len(files), n_expected), flush=True)
    paths = [os.path.join(table, f["path"]) for f in files]
    check_file_schemas(cli, name, files, paths, res)
    if len(set(os.path.basename(p) for p in paths)) != len(paths):
        res.fail(name, "data file names are not unique (the peer output would collide)")
        return
    for peer in PEERS:
        label = "%s read by %s" % (name, peer)
        out_dir = os.path.join(work, name + "." + peer)
        os.makedirs(out_dir, exist_ok=True)
        try:
            run(["node", os.path.join(HERE, "read.js"), "--with", peer, "--out-dir", out_dir] + paths, timeout=600)
        except RuntimeError as e:
            res.fail(label, str(e))
            continue
        rows, problems = [], []
        for f, p in zip(files, paths):
            base = os.path.join(out_dir, os.path.basename(p) + "." + peer)
            if os.path.exists(base + ".error"):
                with open(base + ".error") as ef:
                    problems.append("cannot read %s: %s" % (f["path"], ef.read().strip()[:300]))
                continue
            file_rows = compare.load_rows(base + ".jsonl")
            if f.get("num_records") is not None and f["num_records"] != len(file_rows):
                problems.append("%s: %d rows, the add action says %d" % (f["path"], len(file_rows), f["num_records"]))
            for r in file_rows:
                for col, typ in PARTITION_TYPES.items():
                    if col in f["partition_values"]:
                        # DuckDB adds hive partition columns from the path by itself; whether the
                        # file holds them is checked on the file's own schema (check_file_schemas)
                        if col in r and peer != "duckdb":
                            problems.append("%s holds partition column %s" % (f["path"], col))
                        v = f["partition_values"][col]
                        r[col] = None if v is None else typ(v)
            rows.extend(file_rows)
        if problems:
            res.fail(label, "; ".join(problems[:5]))
            continue
        actual = os.path.join(work, "%s.%s.jsonl" % (name, peer))
        with open(actual, "w") as out:
            for r in rows:
                out.write(json.dumps(r) + "\n")
        diff = compare.compare_files(expected, actual, ordered=False)
        if diff:
            res.fail(label, diff)
        else:
            res.ok("%s (%d files, %d rows equal to deltacpp cat)" % (label, len(files), len(rows)))


def check_file_schemas(cli, name, files, paths, res):
    """Partition columns live in the log and the path only, never in the data file."""
    bad = []
    for f, p in zip(files, paths):
        top = [k[0] for k in parse_parquet_schema(run([cli, "parquet", "schema", p])) if len(k) == 1]
        for col in f["partition_values"]:
            if col in top:
                bad.append("%s holds partition column %s" % (f["path"], col))
    if bad:
        res.fail(name + " data file schemas", "; ".join(bad[:5]))
    else:
        res.ok("%s data file schemas (%d files; no partition column inside a file)" % (name, len(files)))


# ---------------------------------------------------------------------------- checkpoint layout

# A signed INTEGER annotation of the physical width says nothing more than the bare physical type.
EQUIVALENT_ANNOTATIONS = {"int64 (INTEGER(64,true))": "int64", "int32 (INTEGER(32,true))": "int32"}


def same_type(a, b):
    for k, v in EQUIVALENT_ANNOTATIONS.items():
        a = a.replace(k, v)
        b = b.replace(k, v)
    return a == b


def parse_parquet_schema(text):
    """`deltacpp parquet schema` text -> {path tuple: "repetition type (annotation)"}."""
    fields = {}
    stack = []
    in_schema = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("message "):
            in_schema = True
            continue
        if not in_schema:
            continue
        if s == "}":
            if not stack:
                break
            stack.pop()
            continue
        if not s:
            continue
        opens = s.endswith("{")
        s = s.rstrip("{;").strip()
        annotation = ""
        if "(" in s and s.endswith(")"):
            i = s.index(" (")
            s, annotation = s[:i], s[i + 1:]
        parts = s.split()
        rep, typ, fname = parts[0], parts[1], parts[2]
        path = tuple(stack + [fname])
        fields[path] = ("%s %s %s" % (rep, typ, annotation)).strip()
        if opens:
            stack.append(fname)
    return fields


def compare_checkpoint(cli, ours_path, spark_path, reference, res, label):
    ours = parse_parquet_schema(run([cli, "parquet", "schema", ours_path]))
    spark = parse_parquet_schema(run([cli, "parquet", "schema", spark_path]))
    missing, different, extra, equivalent = [], [], [], []
    for path, desc in sorted(spark.items()):
        if path[0] not in ACTIONS:
            continue
        # stats_parsed / partitionValues_parsed depend on each table's schema and settings
        if len(path) > 1 and path[1] in ("stats_parsed", "partitionValues_parsed"):
            continue
        if path not in ours:
            missing.append(".".join(path) + " [" + desc + "]")
        elif not same_type(ours[path], desc):
            different.append("%s: Spark %s, ours %s" % (".".join(path), desc, ours[path]))
        elif ours[path] != desc:
            equivalent.append(".".join(path))
    for path, desc in sorted(ours.items()):
        if path[0] in ACTIONS and path not in spark:
            if len(path) > 1 and path[1] in ("stats_parsed", "partitionValues_parsed"):
                continue
            extra.append(".".join(path))
    tops = sorted(p[0] for p in ours if len(p) == 1)
    print("%s: our top-level columns %s; Spark's %s" % (label, tops, sorted(p[0] for p in spark if len(p) == 1)))
    if extra:
        print("  fields we write that this Spark checkpoint lacks (allowed): " + ", ".join(extra))
    if equivalent:
        print("  %d integer fields carry an INTEGER(n,signed) annotation Spark omits (same type): %s"
              % (len(equivalent), ", ".join(equivalent[:4]) + (", ..." if len(equivalent) > 4 else "")))
    problems = (["missing: " + m for m in missing] + ["different: " + d for d in different])
    if not problems:
        res.ok(label + " (every add/remove/metaData/protocol/txn field Spark has, same types)")
    elif reference:
        res.fail(label, "; ".join(problems))
    else:
        print("  differences (informational, older Spark): " + "; ".join(problems))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--skip-unbuilt", action="store_true",
                    help="exit 0 with a note when the helper or the CLI is not built")
    a = ap.parse_args()
    build = os.path.abspath(a.build_dir)
    cli = os.path.join(build, "tools", "cli", "deltacpp")
    helper = os.path.join(build, "tests", "crash", "delta_write_check")
    for exe in (cli, helper):
        if not os.access(exe, os.X_OK):
            print("delta_write_check: %s not built" % exe)
            if a.skip_unbuilt:
                print("delta_write_check: skipped")
                return 0
            print("delta_write_check: 0 passed, 1 failed")
            return 1
    work = a.tmp or tempfile.mkdtemp(prefix="deltacpp-delta-write-")
    os.makedirs(work, exist_ok=True)
    res = Results()
    try:
        tables = os.path.join(work, "tables")
        shutil.rmtree(tables, ignore_errors=True)
        try:
            run([helper, tables])
        except RuntimeError as e:
            res.fail("writing the tables", str(e))
            raise SystemExit
        for name in ("unpartitioned", "partitioned"):
            try:
                check_table(cli, os.path.join(tables, name), work, res)
            except (RuntimeError, ValueError, OSError) as e:
                res.fail(name, str(e))
        shared = shared_tables_dir()
        spark = [os.path.join(shared, p) for p in SPARK_CHECKPOINTS if shared and os.path.exists(os.path.join(shared, p))]
        if not spark:
            print("skip checkpoint layout: no Spark checkpoint found (shared tables absent)")
        for name in ("unpartitioned", "partitioned"):
            log = os.path.join(tables, name, "_delta_log")
            ours = sorted(f for f in os.listdir(log) if f.endswith(".checkpoint.parquet"))
            if not ours:
                res.fail(name + " checkpoint", "no checkpoint written")
                continue
            for k, sp in enumerate(spark):
                label = "%s checkpoint layout vs %s" % (name, os.path.relpath(sp, shared))
                try:
                    compare_checkpoint(cli, os.path.join(log, ours[-1]), sp, k == 0, res, label)
                except (RuntimeError, IndexError) as e:
                    res.fail(label, str(e))
    except SystemExit:
        pass
    finally:
        if not a.keep and not a.tmp:
            shutil.rmtree(work, ignore_errors=True)
    print("delta_write_check: %d passed, %d failed" % (res.passed, res.failed))
    return 0 if res.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
