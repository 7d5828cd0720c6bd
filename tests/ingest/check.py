#!/usr/bin/env python3
"""Checks an ingest table against the topic: every (partition, offset) below the high watermark
exactly once, nothing beyond, the transformed columns right, and (with --files) no data file in
the table directory that the snapshot does not reference.

usage: check.py --rows ROWS.jsonl --watermarks WM.txt [--bad-every K] [--files LISTED.txt --dir TABLE]
"""
import argparse
import json
import os
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", required=True)
    ap.add_argument("--watermarks", required=True)
    ap.add_argument("--bad-every", type=int, default=0)
    ap.add_argument("--dlq-rows")
    ap.add_argument("--files")
    ap.add_argument("--dir")
    a = ap.parse_args()

    wm = {}
    with open(a.watermarks) as f:
        for line in f:
            p, hi = line.split()
            wm[int(p)] = int(hi)
    seen = {}
    errors = []
    n = 0
    with open(a.rows) as f:
        for line in f:
            r = json.loads(line)
            n += 1
            key = (r["kpartition"], r["koffset"])
            seen[key] = seen.get(key, 0) + 1
            if r["date"] != r["ts"][:10]:
                errors.append(f"date {r['date']} does not match ts {r['ts']}")
            if r["ts_from_ms"] != r["ts"]:
                errors.append(f"ts_from_ms {r['ts_from_ms']} != ts {r['ts']}")
            attrs = json.loads(r["attrs"])
            if attrs.get("k") != r["id"] or attrs.get("nested") != {"x": True}:
                errors.append(f"attrs {r['attrs']} of id {r['id']}")
            if r["name"] != f"user-{r['id']}":
                errors.append(f"name {r['name']} of id {r['id']}")
    dlq = set()
    if a.dlq_rows:
        with open(a.dlq_rows) as f:
            for line in f:
                r = json.loads(line)
                key = (r["partition"], r["offset"])
                if key in dlq:
                    errors.append(f"dead letter {key} twice")
                dlq.add(key)
                if not r["error"] or not r["raw"] or not r["timestamp"]:
                    errors.append(f"dead letter {key} lacks raw/error/timestamp")
    dups = [k for k, c in seen.items() if c > 1]
    if dups:
        errors.append(f"{len(dups)} (partition, offset) pairs written more than once, e.g. {sorted(dups)[:5]}")
    missing = []
    extra = [k for k in seen if k[0] not in wm or k[1] >= wm[k[0]]]
    for p, hi in wm.items():
        for o in range(hi):
            if (p, o) not in seen and (p, o) not in dlq:
                missing.append((p, o))
    if a.bad_every and len(dlq) == 0:
        errors.append("no dead letters although bad messages were produced")
    both = [k for k in dlq if k in seen]
    if both:
        errors.append(f"{len(both)} messages both in the table and dead-lettered")
    if missing:
        errors.append(f"{len(missing)} messages missing, e.g. {missing[:5]}")
    if extra:
        errors.append(f"{len(extra)} rows beyond the watermarks, e.g. {extra[:5]}")
    if a.files:
        listed = set(os.path.basename(l.strip()) for l in open(a.files) if l.strip())
        on_disk = []
        for root, dirs, files in os.walk(a.dir):
            dirs[:] = [d for d in dirs if not d.startswith("_delta")]
            on_disk += [fn for fn in files if fn.endswith(".parquet") or ".parquet.tmp-" in fn]
        orphans = [fn for fn in on_disk if fn not in listed]
        if orphans:
            errors.append(f"{len(orphans)} unreferenced files in the table, e.g. {orphans[:3]}")
        print(f"files: {len(on_disk)} on disk, {len(listed)} in the snapshot")
    print(f"rows: {n}, distinct (partition, offset): {len(seen)}, dead letters: {len(dlq)}, "
          f"expected: {sum(wm.values())}")
    if errors:
        for e in errors[:20]:
            print("FAIL:", e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
