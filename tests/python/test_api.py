"""The DeltaTable surface: create, metadata, protocol, schema, history, time travel,
incremental updates, add actions, count and the change data feed."""

import datetime as dt
import json
import os
import time

import numpy as np
import pandas as pd
import pytest

import deltacpp
from deltacpp import (DeltaError, DeltaProtocolError, DeltaTable, Field, Schema, TableNotFoundError,
                      write_deltalake)


def test_create_and_describe(tmp_path):
    path = str(tmp_path / "c")
    t = DeltaTable.create(path, "id long not null, p string, ts timestamp", partition_by=["p"], name="events",
                          description="test table", configuration={"delta.appendOnly": "false"})
    assert t.version() == 0 and t.files() == [] and t.count() == 0
    assert DeltaTable.is_deltatable(path)
    s = t.schema()
    assert [(f.name, f.type.type, f.nullable) for f in s.fields] == [("id", "long", False), ("p", "string", True),
                                                                        ("ts", "timestamp", True)]
    assert json.loads(s.to_json())["fields"][0]["name"] == "id"
    assert Schema.from_json(s.to_json()) == s
    m = t.metadata()
    assert m.name == "events" and m.description == "test table" and m.partition_columns == ["p"]
    assert m.configuration.get("delta.appendOnly") == "false" and m.id
    pr = t.protocol()
    assert pr.min_reader_version >= 1 and pr.min_writer_version >= 2
    with pytest.raises(DeltaError):
        DeltaTable.create(path, "id long")
    assert DeltaTable.create(path, "id long", mode="ignore").version() == 0
    schema = Schema([Field("a", "integer"), Field("b", "string")])
    t2 = DeltaTable.create(str(tmp_path / "c2"), schema)
    assert [f.name for f in t2.schema().fields] == ["a", "b"]
    t3 = DeltaTable.create(str(tmp_path / "c3"), [("x", "double"), ("y", "date")])
    assert [f.type.type for f in t3.schema().fields] == ["double", "date"]
    df = t3.to_pandas()
    assert list(df.columns) == ["x", "y"] and len(df) == 0


def test_history_time_travel_and_updates(tmp_path):
    path = str(tmp_path / "h")
    write_deltalake(path, pd.DataFrame({"a": [1]}))
    time.sleep(0.02)
    middle = dt.datetime.now(dt.timezone.utc)
    time.sleep(0.02)
    write_deltalake(path, pd.DataFrame({"a": [2]}), mode="append")
    write_deltalake(path, pd.DataFrame({"a": [3]}), mode="append")
    t = DeltaTable(path)
    assert t.version() == 2
    h = t.history()
    assert [e["version"] for e in h] == [2, 1, 0] and h[0]["operation"] == "WRITE" and h[0]["timestamp"] > 0
    assert [e["version"] for e in t.history(limit=1)] == [2]
    t.load_as_version(0)
    assert t.version() == 0 and t.to_pandas()["a"].tolist() == [1]
    t.load_as_version(middle)
    assert t.version() == 0
    t.load_as_version(middle.isoformat())
    assert t.version() == 0
    t.update_incremental()
    assert t.version() == 2 and sorted(t.to_pandas()["a"]) == [1, 2, 3]
    assert DeltaTable(path, version=1).count() == 2
    with pytest.raises(TableNotFoundError):
        DeltaTable(path, version=9)
    with pytest.raises(ValueError):
        t.load_as_version("not a date")


def test_add_actions_and_count(tmp_path):
    path = str(tmp_path / "a")
    write_deltalake(path, pd.DataFrame({"x": np.arange(10, dtype=np.int64), "p": ["u"] * 5 + ["v"] * 5}),
                    partition_by=["p"])
    t = DeltaTable(path)
    aa = t.get_add_actions()
    assert len(aa) == 2 and set(aa.columns) >= {"path", "size_bytes", "num_records", "min", "max", "partition_values"}
    assert aa["num_records"].sum() == 10 and (aa["size_bytes"] > 0).all()
    flat = t.get_add_actions(flatten=True).sort_values("partition.p")
    assert flat["partition.p"].tolist() == ["u", "v"]
    assert flat["min.x"].tolist() == [0, 5] and flat["max.x"].tolist() == [4, 9]
    assert t.count() == 10


def test_change_data_feed(tmp_path):
    path = str(tmp_path / "cdf")
    write_deltalake(path, pd.DataFrame({"a": [1, 2]}), configuration={"delta.enableChangeDataFeed": "true"})
    write_deltalake(path, pd.DataFrame({"a": [3]}), mode="append")
    t = DeltaTable(path)
    changes = t.load_cdf(starting_version=1).to_pandas()
    assert changes["a"].tolist() == [3] and changes["_change_type"].tolist() == ["insert"]
    assert changes["_commit_version"].tolist() == [1]
    assert str(changes["_commit_timestamp"].dtype) == "datetime64[ns, UTC]"
    all_changes = t.load_cdf(0, 1, columns=["a", "_commit_version"]).to_pandas()
    assert sorted(all_changes["a"]) == [1, 2, 3]
    plain = str(tmp_path / "plain")
    write_deltalake(plain, pd.DataFrame({"a": [1]}))
    with pytest.raises(DeltaProtocolError):
        DeltaTable(plain).load_cdf(0).to_pandas()


def test_public_names_are_documented():
    for name in deltacpp.__all__:
        obj = getattr(deltacpp, name)
        if name.startswith("__"):
            continue
        assert obj.__doc__, name
        for attr, member in vars(obj).items() if isinstance(obj, type) else []:
            if callable(member) and not attr.startswith("_"):
                assert member.__doc__, "%s.%s" % (name, attr)
    here = os.path.dirname(deltacpp.__file__)
    assert os.path.exists(os.path.join(here, "__init__.pyi")) and os.path.exists(os.path.join(here, "_native.pyi"))
