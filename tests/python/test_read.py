"""Reading: the seed snippet on shared and local tables, the pandas type mapping, zero-copy,
the Arrow PyCapsule stream and the GIL."""

import datetime as dt
import decimal
import gc
import os
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

from deltacpp import DeltaReader, DeltaTable, TableNotFoundError, write_deltalake

SEED_TABLES = [
    "kernel-rs-golden/data-reader-partition-values/delta",
    "delta-kernel-java/data-reader-partition-values-column-mapping-name",
]


@pytest.mark.parametrize("rel", SEED_TABLES)
def test_seed_snippet_on_shared_tables(shared_table, cli, rel):
    path = shared_table(rel)
    dt_ = DeltaTable(path)
    assert dt_.version() >= 0
    files = dt_.files()
    assert files and all(isinstance(f, str) for f in files)
    df = dt_.to_pandas()
    odd = df.query('as_int % 2 == 1')
    rows = cli.cat_jsonl(path)
    assert len(df) == len(rows)
    expected_odd = [r for r in rows if r.get("as_int") is not None and r["as_int"] % 2 == 1]
    assert len(odd) == len(expected_odd) > 0
    assert sorted(int(v) for v in odd["as_int"]) == sorted(r["as_int"] for r in expected_odd)


def test_seed_snippet_on_local_table(tmp_path):
    path = str(tmp_path / "t")
    write_deltalake(path, pd.DataFrame({"as_int": np.arange(10, dtype=np.int32), "s": list("abcdefghij")}))
    dt_ = DeltaTable(path)
    assert dt_.version() == 0
    assert len(dt_.files()) == 1
    df = dt_.to_pandas()
    odd = df.query('as_int % 2 == 1')
    assert list(odd["as_int"]) == [1, 3, 5, 7, 9]
    assert list(odd["s"]) == ["b", "d", "f", "h", "j"]


def test_missing_table(tmp_path):
    with pytest.raises(TableNotFoundError):
        DeltaTable(str(tmp_path / "nothing"))
    assert not DeltaTable.is_deltatable(str(tmp_path / "nothing"))


def test_type_mapping(tmp_path):
    path = str(tmp_path / "types")
    ts = pd.to_datetime(["2024-01-02 03:04:05.123456", None, "1999-12-31 23:59:59"]).tz_localize("UTC")
    ntz = pd.to_datetime(["2024-01-02 03:04:05", "2000-02-29 00:00:00", None])
    df = pd.DataFrame({
        "i64": np.array([1, 2, 3], dtype=np.int64),
        "i32n": pd.array([1, None, 3], dtype="Int32"),
        "f": [1.5, np.nan, -2.0],
        "b": [True, False, True],
        "bn": pd.array([True, None, False], dtype="boolean"),
        "s": ["x", None, "üñí"],
        "ts": ts,
        "ntz": ntz,
        "d": [dt.date(2020, 1, 1), None, dt.date(1900, 5, 6)],
        "dec": [decimal.Decimal("1.25"), decimal.Decimal("-100.5"), None],
        "bin": [b"\x00\x01", None, b""],
        "lst": [[1, 2], [], None],
        "st": [{"a": 1, "b": "x"}, None, {"a": None, "b": "z"}],
    })
    write_deltalake(path, df)
    out = DeltaTable(path).to_pandas()
    assert list(out.columns) == list(df.columns)
    assert out["i64"].dtype == np.int64 and list(out["i64"]) == [1, 2, 3]
    assert out["i32n"].dtype == np.float64 and np.isnan(out["i32n"][1]) and out["i32n"][2] == 3
    assert out["f"].dtype == np.float64 and np.isnan(out["f"][1])
    assert out["b"].dtype == np.bool_ and list(out["b"]) == [True, False, True]
    assert out["bn"].dtype == object and list(out["bn"]) == [True, None, False]
    assert list(out["s"]) == ["x", None, "üñí"]
    assert str(out["ts"].dtype) == "datetime64[ns, UTC]"
    assert out["ts"][0] == pd.Timestamp("2024-01-02 03:04:05.123456", tz="UTC") and pd.isna(out["ts"][1])
    assert str(out["ntz"].dtype) == "datetime64[ns]" and out["ntz"][1] == pd.Timestamp("2000-02-29")
    assert list(out["d"]) == [dt.date(2020, 1, 1), None, dt.date(1900, 5, 6)]
    assert out["dec"][0] == decimal.Decimal("1.25") and isinstance(out["dec"][0], decimal.Decimal)
    assert out["dec"][1] == decimal.Decimal("-100.5") and out["dec"][2] is None
    assert list(out["bin"]) == [b"\x00\x01", None, b""]
    assert list(out["lst"]) == [[1, 2], [], None]
    assert list(out["st"]) == [{"a": 1, "b": "x"}, None, {"a": None, "b": "z"}]

    masked = DeltaTable(path).to_pandas(columns=["i32n", "bn"], nullable_dtypes=True)
    assert str(masked["i32n"].dtype) == "Int32" and masked["i32n"].isna().tolist() == [False, True, False]
    assert str(masked["bn"].dtype) == "boolean" and masked["bn"].isna().tolist() == [False, True, False]
    assert bool(masked["bn"][0]) is True and bool(masked["bn"][2]) is False


def test_zero_copy_numeric_column(tmp_path):
    path = str(tmp_path / "z")
    write_deltalake(path, pd.DataFrame({"x": np.arange(1000, dtype=np.int64), "y": np.ones(1000)}))
    df = DeltaTable(path).to_pandas()
    arr = df["x"].to_numpy()
    # A single-chunk non-null column is a read-only view of the decoded buffer, not a copy.
    assert not arr.flags.writeable and not arr.flags.owndata
    assert arr.sum() == 999 * 1000 // 2


def test_columns_and_filters(tmp_path):
    path = str(tmp_path / "f")
    df = pd.DataFrame({"a": np.arange(100, dtype=np.int64), "p": ["x" if i % 2 else "y" for i in range(100)]})
    write_deltalake(path, df, partition_by=["p"])
    t = DeltaTable(path)
    got = t.to_pandas(columns=["a"], filters="a >= 90 AND p = 'x'")
    assert list(got.columns) == ["a"] and sorted(got["a"]) == [91, 93, 95, 97, 99]
    got = t.to_pandas(filters=[("a", "<", 4), ("p", "in", ["y"])])
    assert sorted(got["a"]) == [0, 2]
    got = t.to_pandas(filters=[[("a", "=", 1)], [("a", "=", 2)]])
    assert sorted(got["a"]) == [1, 2]
    got = t.to_pandas(partitions=[("p", "=", "x")])
    assert len(got) == 50 and set(got["p"]) == {"x"}
    with pytest.raises(Exception):
        t.to_pandas(filters="a >>> 3")


def test_arrow_c_stream_capsule(tmp_path):
    path = str(tmp_path / "c")
    write_deltalake(path, pd.DataFrame({"a": [1, 2, 3]}))
    reader = DeltaTable(path).scan()
    cap = reader.__arrow_c_stream__()
    assert type(cap).__name__ == "PyCapsule"
    import ctypes

    ctypes.pythonapi.PyCapsule_GetName.restype = ctypes.c_char_p
    ctypes.pythonapi.PyCapsule_GetName.argtypes = [ctypes.py_object]
    assert ctypes.pythonapi.PyCapsule_GetName(cap) == b"arrow_array_stream"
    with pytest.raises(ValueError):
        reader.__arrow_c_stream__()  # consumed once
    # The capsule is consumed by our own importer: a table copied through the stream.
    copy = str(tmp_path / "copy")
    write_deltalake(copy, DeltaTable(path))
    assert list(DeltaTable(copy).to_pandas()["a"]) == [1, 2, 3]


def test_pyarrow_helpers_say_pyarrow_is_needed(tmp_path):
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("pyarrow installed")
    path = str(tmp_path / "p")
    write_deltalake(path, pd.DataFrame({"a": [1]}))
    with pytest.raises(ImportError, match="pyarrow"):
        DeltaTable(path).to_pyarrow_table()
    with pytest.raises(ImportError, match="pyarrow"):
        DeltaTable(path).to_pyarrow_dataset()


def test_gil_released_while_reading(tmp_path):
    path = str(tmp_path / "big")
    n = 3_000_000
    write_deltalake(path, pd.DataFrame({"a": np.arange(n, dtype=np.int64), "b": np.random.default_rng(1).random(n)}))
    t = DeltaTable(path)
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    th = threading.Thread(target=ticker)
    th.start()
    time.sleep(0.05)
    start = time.perf_counter()
    rows = t.scan().count_rows()
    df = t.to_pandas()
    end = time.perf_counter()
    stop.set()
    th.join()
    assert rows == n and len(df) == n
    during = [x for x in ticks if start <= x <= end]
    gaps = np.diff([start] + during + [end])
    # The other thread kept running: no pause anywhere near the length of the read.
    assert len(during) >= 10, (len(during), end - start)
    assert gaps.max() < max(0.5 * (end - start), 0.05), (gaps.max(), end - start)


def test_multi_chunk_columns_with_late_nulls(tmp_path):
    # Three files: the nulls only come with the later chunks, after values were copied.
    path = str(tmp_path / "chunks")
    parts = [
        pd.DataFrame({"i": pd.array([1, 2], dtype="Int64"), "b": pd.array([True, False], dtype="boolean"),
                      "t": pd.to_datetime(["2020-01-01", "2020-01-02"]).tz_localize("UTC"), "x": [1.0, 2.0]}),
        pd.DataFrame({"i": pd.array([None, 4], dtype="Int64"), "b": pd.array([None, True], dtype="boolean"),
                      "t": pd.to_datetime([None, "2020-01-04"]).tz_localize("UTC"), "x": [np.nan, 4.0]}),
        pd.DataFrame({"i": pd.array([5], dtype="Int64"), "b": pd.array([False], dtype="boolean"),
                      "t": pd.to_datetime(["2020-01-05"]).tz_localize("UTC"), "x": [5.0]}),
    ]
    for i, p in enumerate(parts):
        write_deltalake(path, p, mode="append")
    t = DeltaTable(path)
    df = t.to_pandas().sort_values("x", na_position="first").reset_index(drop=True)
    assert df["i"].isna().tolist() == [True, False, False, False, False]
    assert df["i"].dropna().tolist() == [1.0, 2.0, 4.0, 5.0]
    assert df["b"].tolist() == [None, True, False, True, False]
    assert df["t"].isna().tolist() == [True, False, False, False, False]
    assert df["t"][4] == pd.Timestamp("2020-01-05", tz="UTC")
    m = t.to_pandas(nullable_dtypes=True).sort_values("x", na_position="first").reset_index(drop=True)
    assert str(m["i"].dtype) == "Int64" and m["i"].isna().tolist() == [True, False, False, False, False]
    assert m["i"].dropna().tolist() == [1, 2, 4, 5]
    assert m["b"].isna().tolist() == [True, False, False, False, False]
    # Multi-chunk numeric columns are copied into one writable array.
    assert t.to_pandas(columns=["x"])["x"].to_numpy().flags.writeable


def test_repeated_strings_share_objects_and_stay_exact(tmp_path):
    path = str(tmp_path / "strs")
    rng = np.random.default_rng(7)
    vocab = ["c%d" % i for i in range(300)] + ["ü%d" % i for i in range(50)] + ["x" * 100, ""]
    values = [vocab[i] for i in rng.integers(0, len(vocab), 200_000)]
    values[5] = None
    uniq = ["u%07d" % i for i in range(100_000)]  # far more distinct values than cache slots
    write_deltalake(path, pd.DataFrame({"s": values, "u": uniq * 2}))
    df = DeltaTable(path).to_pandas()
    assert df["s"].tolist() == values
    assert df["u"].tolist() == uniq * 2
    same = [i for i, v in enumerate(values) if v == "c1"]
    assert df["s"][same[0]] is df["s"][same[1]]  # one str object for a repeated value


def test_shared_strings_carry_one_reference_per_row(tmp_path):
    path = str(tmp_path / "refs")
    # Low cardinality first (shared through the deduplicating table), then a stretch of distinct
    # values that makes the column give up sharing midway: both halves must hold exact references.
    vocab = ["val-%d" % i for i in range(10)]
    head = [vocab[i % 10] for i in range(100_000)]
    head[3] = None
    tail = ["distinct-%d" % i for i in range(150_000)]
    write_deltalake(path, pd.DataFrame({"s": head + tail}))
    for _ in range(3):  # conversions repeat; dropped frames give every reference back
        arr = DeltaTable(path).to_pandas()["s"].to_numpy()
        assert arr.tolist() == head + tail
        x = arr[0]
        uses = sum(1 for v in head if v == x)
        assert all(arr[i] is x for i in range(0, 100_000, 10))
        # the array holds `uses` references, x one, getrefcount's argument one
        assert sys.getrefcount(x) == uses + 2
        y = arr[100_000 + 7]
        assert sys.getrefcount(y) == 3
        del arr, x, y
        gc.collect()


def test_invalid_utf8_in_a_shared_string_column_raises(tmp_path):
    path = str(tmp_path / "bad")
    good = [b"ok-%d" % (i % 5) for i in range(20_000)]
    good[12_345] = b"bad-\xff\xfe"
    write_deltalake(path, pd.DataFrame({"s": good}))
    # The same bytes declared a string column (as a foreign writer may do).
    log = os.path.join(path, "_delta_log", "00000000000000000000.json")
    with open(log) as f:
        text = f.read()
    with open(log, "w") as f:
        f.write(text.replace('\\"type\\":\\"binary\\"', '\\"type\\":\\"string\\"'))
    assert DeltaTable(path).schema().fields[0].type.type == "string"
    with pytest.raises(UnicodeDecodeError):
        DeltaTable(path).to_pandas()
    gc.collect()  # the half-made column was released without touching the ids it held


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_string_memory_goes_back_after_the_frame_is_dropped(tmp_path):
    path = str(tmp_path / "mem")
    n = 1_500_000
    write_deltalake(path, pd.DataFrame({"s": ["row-%08d-%s" % (i, "x" * (i % 20)) for i in range(n)]}))
    gc.collect()
    DeltaTable(path).to_pandas()  # warm-up: the allocator is installed, pools exist
    gc.collect()
    before = _rss_bytes()
    df = DeltaTable(path).to_pandas()
    assert df["s"][n - 1] == "row-%08d-%s" % (n - 1, "x" * ((n - 1) % 20))
    grown = _rss_bytes() - before
    assert grown > 100 << 20  # 1.5 M str objects and their array
    del df
    gc.collect()
    # Arenas of emptied regions are unmapped: most of it is given back (pymalloc's own arenas keep
    # about a third here too, held by objects made meanwhile and by the C heap).
    assert _rss_bytes() - before < grown // 2
