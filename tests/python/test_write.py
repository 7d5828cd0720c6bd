"""write_deltalake: modes, partitions, schema evolution, replaceWhere, app transactions, errors,
and round trips checked through to_pandas and the CLI."""

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest

from deltacpp import (CommitProperties, DeltaError, DeltaTable, SchemaMismatchError, Transaction,
                      write_deltalake)


def frame(n=10, start=0):
    return pd.DataFrame({
        "id": np.arange(start, start + n, dtype=np.int64),
        "name": ["n%d" % i for i in range(start, start + n)],
        "score": np.linspace(0, 1, n),
        "p": ["a" if i % 2 else "b" for i in range(start, start + n)],
    })


def test_round_trip_through_pandas_and_cli(tmp_path, cli):
    path = str(tmp_path / "rt")
    df = pd.DataFrame({
        "id": np.arange(5, dtype=np.int64),
        "small": np.array([1, -2, 3, 4, 5], dtype=np.int16),
        "f": [0.5, 1.25, np.nan, 3.0, -0.0],
        "s": ["a", "b'q", None, "ü", ""],
        "ts": pd.to_datetime(["2021-01-01T00:00:00Z", "2021-06-01T12:30:00.5Z", None, "1970-01-01T00:00:00Z",
                              "2030-12-31T23:59:59.999999Z"]),
        "d": [dt.date(2021, 1, 1), dt.date(1970, 1, 1), None, dt.date(2000, 2, 29), dt.date(9999, 12, 31)],
        "dec": [decimal.Decimal("12.34"), None, decimal.Decimal("-0.01"), decimal.Decimal("0"),
                decimal.Decimal("99.99")],
    })
    write_deltalake(path, df)
    back = DeltaTable(path).to_pandas().sort_values("id").reset_index(drop=True)
    pd.testing.assert_series_equal(back["id"], df["id"])
    assert list(back["small"]) == [1, -2, 3, 4, 5] and back["small"].dtype == np.int16
    assert back["f"].isna().tolist() == df["f"].isna().tolist()
    assert back["f"].dropna().tolist() == df["f"].dropna().tolist()
    assert back["s"].tolist() == df["s"].tolist()
    assert back["ts"].isna().tolist() == df["ts"].isna().tolist()
    assert (back["ts"].dropna() == df["ts"].dropna()).all()
    assert back["d"].tolist() == df["d"].tolist()
    assert back["dec"].tolist() == df["dec"].tolist()

    rows = sorted(cli.cat_jsonl(path), key=lambda r: r["id"])
    assert [r["id"] for r in rows] == [0, 1, 2, 3, 4]
    assert [r["s"] for r in rows] == ["a", "b'q", None, "ü", ""]
    assert [r["f"] for r in rows][:2] == [0.5, 1.25] and rows[2]["f"] is None
    assert rows[1]["ts"].startswith("2021-06-01T12:30:00.5")
    assert [r["d"] for r in rows] == ["2021-01-01", "1970-01-01", None, "2000-02-29", "9999-12-31"]
    assert str(rows[0]["dec"]) == "12.34" and str(rows[2]["dec"]) == "-0.01"


def test_modes(tmp_path):
    path = str(tmp_path / "m")
    r = write_deltalake(path, frame(10))
    assert r["version"] == 0 and r["rows"] == 10
    with pytest.raises(DeltaError):
        write_deltalake(path, frame(5))
    assert write_deltalake(path, frame(5), mode="ignore")["status"] == "skipped"
    write_deltalake(path, frame(5, 100), mode="append")
    assert DeltaTable(path).count() == 15
    write_deltalake(path, frame(3), mode="overwrite")
    t = DeltaTable(path)
    assert t.version() == 2 and sorted(t.to_pandas()["id"]) == [0, 1, 2]
    with pytest.raises(ValueError):
        write_deltalake(path, frame(1), mode="upsert")


def test_partitions_and_replace_where(tmp_path, cli):
    path = str(tmp_path / "p")
    write_deltalake(path, frame(10), partition_by="p")
    t = DeltaTable(path)
    assert t.metadata().partition_columns == ["p"]
    assert sorted(d["p"] for d in t.partitions()) == ["a", "b"]
    assert all(f.startswith("p=a/") for f in t.files([("p", "=", "a")]))
    assert len(t.files([("p", "=", "a")])) >= 1 and len(t.file_uris()) == len(t.files())
    with pytest.raises(ValueError):
        t.files([("id", "=", "1")])
    new = pd.DataFrame({"id": np.array([100, 101], dtype=np.int64), "name": ["x", "y"], "score": [0.0, 0.0],
                        "p": ["a", "a"]})
    write_deltalake(path, new, mode="overwrite", predicate="p = 'a'")
    t.update_incremental()
    df = t.to_pandas()
    assert sorted(df[df.p == "a"]["id"]) == [100, 101]
    assert sorted(df[df.p == "b"]["id"]) == [0, 2, 4, 6, 8]
    with pytest.raises(DeltaError):
        write_deltalake(path, frame(2), mode="overwrite", predicate="p = 'a'")  # rows with p = 'b'
    rows = cli.cat_jsonl(path, "--where", "p = 'a'")
    assert sorted(r["id"] for r in rows) == [100, 101]


def test_schema_mismatch_and_merge(tmp_path):
    path = str(tmp_path / "s")
    write_deltalake(path, frame(3))
    extra = frame(2).assign(extra=["u", "v"])
    with pytest.raises(SchemaMismatchError):
        write_deltalake(path, extra, mode="append")
    write_deltalake(path, extra, mode="append", schema_mode="merge")
    t = DeltaTable(path)
    assert [f.name for f in t.schema().fields] == ["id", "name", "score", "p", "extra"]
    df = t.to_pandas().sort_values(["id", "extra"], na_position="first")
    assert df["extra"].isna().sum() == 3
    bad = pd.DataFrame({"id": ["not", "ints"]})
    with pytest.raises(SchemaMismatchError):
        write_deltalake(path, bad, mode="append")
    write_deltalake(path, pd.DataFrame({"z": [1.5]}), mode="overwrite", schema_mode="overwrite")
    assert [f.name for f in DeltaTable(path).schema().fields] == ["z"]


def test_app_transactions_and_table_argument(tmp_path):
    path = str(tmp_path / "txn")
    write_deltalake(path, frame(2))
    t = DeltaTable(path)
    props = CommitProperties(app_transactions=[Transaction("job-1", 7)], max_commit_retries=3)
    assert write_deltalake(t, frame(2, 10), mode="append", commit_properties=props)["status"] == "committed"
    assert t.version() == 1  # the DeltaTable passed in is refreshed
    assert t.transaction_version("job-1") == 7 and t.transaction_version("other") is None
    assert write_deltalake(t, frame(2, 20), mode="append", commit_properties=props)["status"] == "skipped"
    assert t.count() == 4
    meta = CommitProperties(custom_metadata={"userMetadata": "backfill", "run": "42"})
    write_deltalake(t, frame(1, 30), mode="append", commit_properties=meta)
    last = t.history(limit=1)[0]
    assert last["userMetadata"] == "backfill" and last["run"] == "42" and last["operation"] == "WRITE"
    with pytest.raises(TypeError):
        CommitProperties(custom_metadata={"k": 1})
    with pytest.raises(DeltaError, match="operation"):  # a field the writer sets itself
        write_deltalake(t, frame(1, 40), mode="append", commit_properties=CommitProperties(custom_metadata={"operation": "x"}))
    assert t.count() == 5


def test_bad_data_is_rejected_clearly(tmp_path):
    path = str(tmp_path / "bad")
    with pytest.raises(TypeError, match="'mixed'"):
        write_deltalake(path, pd.DataFrame({"mixed": ["a", 1]}))
    with pytest.raises(TypeError):
        write_deltalake(path, [1, 2, 3])
    with pytest.raises(TypeError, match="timedelta"):
        write_deltalake(path, pd.DataFrame({"td": pd.to_timedelta([1, 2], unit="s")}))
    assert not DeltaTable.is_deltatable(path)


def test_nested_round_trip(tmp_path, cli):
    path = str(tmp_path / "n")
    df = pd.DataFrame({"id": [1, 2], "tags": [["a", "b"], None], "info": [{"k": 1.5, "l": [1]}, {"k": None, "l": []}]})
    write_deltalake(path, df)
    back = DeltaTable(path).to_pandas().sort_values("id")
    assert back["tags"].tolist() == [["a", "b"], None]
    assert back["info"].tolist() == [{"k": 1.5, "l": [1]}, {"k": None, "l": []}]
    rows = sorted(cli.cat_jsonl(path), key=lambda r: r["id"])
    assert rows[0]["tags"] == ["a", "b"] and rows[1]["info"] == {"k": None, "l": []}
