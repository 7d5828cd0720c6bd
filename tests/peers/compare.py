#!/usr/bin/env python3
"""Compares two files of canonical JSON rows (one object per line).

Rules (conformance FORMAT.md section 3): integers exactly; where either side is a float,
relative tolerance 1e-6 (so 5 and 5.0 are equal); "NaN"/"Infinity"/"-Infinity" only equal
themselves; arrays of {"key","value"} objects (maps) are sorted by key first; struct field
order is free. Rows are compared in order with --ordered, otherwise as multisets.

  compare.py EXPECTED ACTUAL [--ordered] [--skip-columns a,b] [--columns a,b] [--label TEXT]

Exit status 0 when equal, 1 when different (the first difference and the differing columns
are printed on stdout), 2 on unreadable input.
"""
import argparse
import json
import math
import sys
from collections import Counter

REL_TOL = 1e-6


def load_rows(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                v = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not JSON ({e}): {line[:200]}")
            if not isinstance(v, dict):
                raise ValueError(f"{path}:{n}: not a JSON object: {line[:200]}")
            rows.append(v)
    return rows


def _is_map(v):
    return (
        isinstance(v, list)
        and len(v) > 0
        and all(isinstance(e, dict) and set(e.keys()) == {"key", "value"} for e in v)
    )


def normalize(v):
    """Sorts map entries by key (recursively); everything else unchanged."""
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    if isinstance(v, list):
        items = [normalize(x) for x in v]
        if _is_map(items):
            items.sort(key=lambda e: json.dumps(e["key"], sort_keys=True))
        return items
    return v


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def values_equal(a, b):
    if _num(a) and _num(b):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        fa, fb = float(a), float(b)
        if fa == fb:
            return True
        if math.isinf(fa) or math.isinf(fb):
            return False
        return abs(fa - fb) <= REL_TOL * max(abs(fa), abs(fb))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        return all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))
    return a == b


def first_value_diff(a, b, where=""):
    """Path and values of the first place where a and b differ (None when equal)."""
    if values_equal(a, b):
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a.keys()) + [k for k in b.keys() if k not in a]:
            if k not in a:
                return (f"{where}.{k}", "<missing>", b[k])
            if k not in b:
                return (f"{where}.{k}", a[k], "<missing>")
            d = first_value_diff(a[k], b[k], f"{where}.{k}")
            if d:
                return d
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return (f"{where} (length {len(a)} vs {len(b)})", a, b)
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_value_diff(x, y, f"{where}[{i}]")
            if d:
                return d
    return (where or ".", a, b)


def _short(v, limit=160):
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) or v != "<missing>" else v
    return s if len(s) <= limit else s[:limit] + "..."


def _round_key(v):
    """Hashable key with floats rounded so near-equal values usually land together."""
    if isinstance(v, dict):
        return tuple(sorted((k, _round_key(x)) for k, x in v.items()))
    if isinstance(v, list):
        return tuple(_round_key(x) for x in v)
    if isinstance(v, float):
        if v == 0 or math.isinf(v) or math.isnan(v):
            return ("f", 0.0 if v == 0 else v)
        return ("f", float(f"{v:.5g}"))
    if isinstance(v, int) and not isinstance(v, bool):
        # ints and floats may be compared with each other: same key space as floats when small
        return ("f", float(f"{float(v):.5g}")) if abs(v) < 2**53 else ("i", v)
    return ("o", v)


def project(rows, columns=None, skip=()):
    out = []
    for r in rows:
        if columns is not None:
            r = {k: r.get(k, "<missing>") for k in columns}
        if skip:
            r = {k: v for k, v in r.items() if k not in skip}
        out.append(normalize(r))
    return out


def compare_rows(expected, actual, ordered=True):
    """None when equal, else a human-readable description of the difference."""
    if len(expected) != len(actual):
        msg = f"row count: expected {len(expected)}, got {len(actual)}"
        if ordered:
            n = min(len(expected), len(actual))
            for i in range(n):
                d = first_value_diff(expected[i], actual[i])
                if d:
                    msg += f"; first differing row {i} at {d[0]}: expected {_short(d[1])}, got {_short(d[2])}"
                    break
        return msg
    if ordered:
        bad_cols = Counter()
        first = None
        for i, (e, a) in enumerate(zip(expected, actual)):
            if values_equal(e, a):
                continue
            for k in set(e.keys()) | set(a.keys()):
                if not values_equal(e.get(k, "<missing>"), a.get(k, "<missing>")):
                    bad_cols[k] += 1
            if first is None:
                d = first_value_diff(e, a)
                first = f"row {i} at {d[0]}: expected {_short(d[1])}, got {_short(d[2])}"
        if first is None:
            return None
        cols = ", ".join(f"{k} ({n} rows)" for k, n in sorted(bad_cols.items()))
        return f"{first}; differing columns: {cols}"
    # multiset: exact-ish bucket match, then pairwise tolerance on the leftovers
    buckets = {}
    for r in expected:
        buckets.setdefault(_round_key(r), []).append(r)
    left_actual = []
    for r in actual:
        b = buckets.get(_round_key(r))
        hit = None
        if b:
            for j, e in enumerate(b):
                if values_equal(e, r):
                    hit = j
                    break
        if hit is None:
            left_actual.append(r)
        else:
            b.pop(hit)
    left_expected = [r for b in buckets.values() for r in b]
    still = []
    for r in left_actual:
        for j, e in enumerate(left_expected):
            if values_equal(e, r):
                left_expected.pop(j)
                break
        else:
            still.append(r)
    if not still and not left_expected:
        return None
    msg = f"{len(left_expected)} expected rows not found, {len(still)} unexpected rows"
    if left_expected:
        msg += f"; first missing: {_short(left_expected[0], 300)}"
    if still:
        msg += f"; first unexpected: {_short(still[0], 300)}"
    return msg


def _lines(path):
    with open(path, encoding="utf-8") as f:
        return [l for l in (x.strip() for x in f) if l]


def compare_files(expected_path, actual_path, ordered=True, columns=None, skip=()):
    if ordered and columns is None and not skip:
        # fast path: identical lines need no parsing; only differing pairs are compared by value
        el, al = _lines(expected_path), _lines(actual_path)
        if len(el) == len(al):
            pairs = [(i, e, a) for i, (e, a) in enumerate(zip(el, al)) if e != a]
            if not pairs:
                return None
            try:
                if all(values_equal(normalize(json.loads(e)), normalize(json.loads(a))) for _, e, a in pairs):
                    return None
            except json.JSONDecodeError:
                pass  # the full path below names the bad line
    expected = project(load_rows(expected_path), columns, skip)
    actual = project(load_rows(actual_path), columns, skip)
    return compare_rows(expected, actual, ordered)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("expected")
    p.add_argument("actual")
    p.add_argument("--ordered", action="store_true")
    p.add_argument("--columns", default=None)
    p.add_argument("--skip-columns", default="")
    p.add_argument("--label", default="")
    a = p.parse_args()
    columns = a.columns.split(",") if a.columns else None
    skip = set(x for x in a.skip_columns.split(",") if x)
    try:
        diff = compare_files(a.expected, a.actual, a.ordered, columns, skip)
    except (OSError, ValueError) as e:
        print(f"{a.label}{': ' if a.label else ''}cannot compare: {e}")
        return 2
    if diff:
        print(f"{a.label}{': ' if a.label else ''}{diff}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
