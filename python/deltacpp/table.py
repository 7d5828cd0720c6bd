"""DeltaTable: a Delta table at one version, read into pandas or handed out as an Arrow stream."""

import datetime as _dt
import json as _json
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._filters import FilterType, to_predicate
from .schema import Schema


def _to_ms(when: Union[_dt.datetime, str]) -> int:
    if isinstance(when, str):
        text = when.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            when = _dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("not an ISO 8601 timestamp: %r" % (when,)) from None
    if isinstance(when, _dt.datetime):
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)  # naive times are UTC, as in deltalake
        return int(when.timestamp() * 1000)
    raise TypeError("expected an int version, a datetime or an ISO 8601 string, got %s" % type(when).__name__)


def _require_pyarrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError("%s needs pyarrow, which is not installed; use to_pandas(), or hand the table to "
                          "polars/duckdb through __arrow_c_stream__" % what) from None
    return pyarrow


class Metadata:
    """The table's metaData action: id, name, description, partition columns, creation time (ms)
    and configuration (table properties)."""

    def __init__(self, d: Dict[str, Any]) -> None:
        self.id: str = d["id"]
        self.name: Optional[str] = d["name"]
        self.description: Optional[str] = d["description"]
        self.partition_columns: List[str] = list(d["partition_columns"])
        self.created_time: Optional[int] = d["created_time"]
        self.configuration: Dict[str, str] = dict(d["configuration"])
        self.format_provider: str = d["format_provider"]

    def __repr__(self) -> str:
        return "Metadata(id=%r, name=%r, partition_columns=%r, configuration=%r)" % (
            self.id, self.name, self.partition_columns, self.configuration)


class ProtocolVersions:
    """The table's protocol action: reader/writer versions and table features."""

    def __init__(self, d: Dict[str, Any]) -> None:
        self.min_reader_version: int = d["min_reader_version"]
        self.min_writer_version: int = d["min_writer_version"]
        self.reader_features: Optional[List[str]] = d["reader_features"]
        self.writer_features: Optional[List[str]] = d["writer_features"]

    def __repr__(self) -> str:
        return "ProtocolVersions(min_reader_version=%r, min_writer_version=%r, reader_features=%r, " \
               "writer_features=%r)" % (self.min_reader_version, self.min_writer_version, self.reader_features,
                                        self.writer_features)


class DeltaReader:
    """The rows of a scan (or a change data feed), not read yet: consume it once, with
    to_pandas(), through the Arrow PyCapsule interface (``__arrow_c_stream__``: pyarrow,
    polars, duckdb), or with to_pyarrow_table() when pyarrow is installed."""

    def __init__(self, native: Any, expected_rows: Optional[int] = None) -> None:
        self._native = native
        self._expected_rows = expected_rows

    def schema(self) -> Schema:
        """The schema of the rows."""
        return Schema.from_json(self._native.schema_json())

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """Arrow PyCapsule interface: the rows as an 'arrow_array_stream' capsule."""
        return self._native.__arrow_c_stream__(requested_schema)

    def to_pandas(self, nullable_dtypes: bool = False) -> Any:
        """The rows as a pandas DataFrame (type mapping in docs/python.md)."""
        from ._pandas import frame_from_columns

        return frame_from_columns(self._native.read_pandas(nullable_dtypes, self._expected_rows or 0))

    def to_pyarrow_table(self) -> Any:
        """The rows as a pyarrow.Table (needs pyarrow)."""
        pa = _require_pyarrow("to_pyarrow_table()")
        return pa.RecordBatchReader.from_stream(self).read_all()

    def count_rows(self) -> int:
        """Reads every row without converting anything and returns how many there were."""
        return int(self._native.drain()[0])


class DeltaTable:
    """A Delta table at one version (the latest unless `version` is given).

    table_uri: a local path, a file:// URI, or another scheme with a registered store
    (storage_options are passed to it). Raises TableNotFoundError when there is no table.
    """

    def __init__(self, table_uri: str, version: Optional[int] = None,
                 storage_options: Optional[Dict[str, str]] = None, without_files: bool = False) -> None:
        if not isinstance(table_uri, str) or not table_uri:
            raise TypeError("table_uri must be a non-empty string")
        if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 0):
            raise ValueError("version must be a non-negative int")
        self._storage_options = dict(storage_options or {})
        self._table = _native.Table.open(table_uri, version, None, self._storage_options)
        self._uri = table_uri

    # ----- construction ------------------------------------------------------------------------

    @staticmethod
    def is_deltatable(table_uri: str, storage_options: Optional[Dict[str, str]] = None) -> bool:
        """True when a Delta table (a readable _delta_log) is at `table_uri`."""
        return _native.is_deltatable(table_uri, dict(storage_options or {}))

    @classmethod
    def create(cls, table_uri: str, schema: Any, partition_by: Optional[Union[str, List[str]]] = None,
               mode: str = "error", name: Optional[str] = None, description: Optional[str] = None,
               configuration: Optional[Mapping[str, Optional[str]]] = None,
               storage_options: Optional[Dict[str, str]] = None) -> "DeltaTable":
        """Creates an empty table (version 0) and returns it.

        schema: a deltacpp Schema, Delta schema JSON, the short form
        "id long not null, name string, ts timestamp", a list of (name, type) pairs, or any
        object with ``__arrow_c_schema__`` (e.g. a pyarrow schema). mode: "error" (DeltaError
        when a table exists) or "ignore" (keep the existing table)."""
        if isinstance(schema, Schema):
            schema_arg: Any = schema.to_json()
        elif isinstance(schema, (list, tuple)):
            parts = []
            for item in schema:
                if not isinstance(item, (list, tuple)) or len(item) != 2:
                    raise ValueError("schema list items must be (name, type) pairs")
                parts.append("`%s` %s" % (str(item[0]).replace("`", "``"), item[1]))
            schema_arg = ", ".join(parts)
        else:
            schema_arg = schema
        if isinstance(partition_by, str):
            partition_by = [partition_by]
        config = {str(k): ("" if v is None else str(v)) for k, v in (configuration or {}).items()}
        _native.create_table(table_uri, schema_arg, list(partition_by or []), config, name, description, mode,
                             dict(storage_options or {}))
        return cls(table_uri, storage_options=storage_options)

    # ----- state -------------------------------------------------------------------------------

    @property
    def table_uri(self) -> str:
        """The table's location as given."""
        return self._uri

    def version(self) -> int:
        """The version of the loaded snapshot."""
        return self._table.version()

    def _types(self) -> Dict[str, str]:
        out = {}
        for f in self.schema().fields:
            t = f.type.to_json_value()
            out[f.name] = t if isinstance(t, str) else t["type"]
        return out

    def _partition_predicate(self, partition_filters: Optional[FilterType]) -> Optional[str]:
        if partition_filters is None:
            return None
        cols = set(self.metadata().partition_columns)
        terms = partition_filters if isinstance(partition_filters, list) else []
        flat = [t for conj in terms for t in (conj if isinstance(conj, list) else [conj])]
        for t in flat:
            if isinstance(t, (tuple, list)) and len(t) == 3 and t[0] not in cols:
                raise ValueError("%r is not a partition column (partition columns: %s)" % (t[0], sorted(cols)))
        return to_predicate(partition_filters, self._types())

    def files(self, partition_filters: Optional[FilterType] = None) -> List[str]:
        """Paths (relative to the table root, decoded) of the live data files, optionally only
        those whose partition values match `partition_filters` ([("p", "=", "x"), ...])."""
        return self._table.files(self._partition_predicate(partition_filters))

    def file_uris(self, partition_filters: Optional[FilterType] = None) -> List[str]:
        """Absolute URIs of the live data files (same filters as files())."""
        return self._table.file_uris(self._partition_predicate(partition_filters))

    def schema(self) -> Schema:
        """The table schema."""
        return Schema.from_json(self._table.schema_json())

    def metadata(self) -> Metadata:
        """The table's metadata."""
        return Metadata(self._table.metadata())

    def protocol(self) -> ProtocolVersions:
        """The table's protocol versions and features."""
        return ProtocolVersions(self._table.protocol())

    def history(self, limit: Optional[int] = None) -> List[Dict[str, Any]]:
        """Commit information, newest first: each commitInfo with "version" and "timestamp"
        (ms) added."""
        out = []
        for version, ts, info in self._table.history(limit):
            d = _json.loads(info) if info else {}
            if not isinstance(d, dict):
                d = {}
            d["version"] = version
            d["timestamp"] = ts
            out.append(d)
        return out

    def load_as_version(self, version: Union[int, _dt.datetime, str]) -> None:
        """Time travel: loads `version` (an int), or the latest version committed at or before a
        datetime / ISO 8601 string (naive times are UTC)."""
        if isinstance(version, int) and not isinstance(version, bool):
            self._table.load(version, None)
        else:
            self._table.load(None, _to_ms(version))

    def update_incremental(self) -> None:
        """Loads the commits made since this snapshot (no-op when there are none)."""
        self._table.refresh()

    def transaction_version(self, app_id: str) -> Optional[int]:
        """The last version committed by application `app_id` (txn action), or None."""
        return self._table.transaction_version(app_id)

    def partitions(self, partition_filters: Optional[FilterType] = None) -> List[Dict[str, Optional[str]]]:
        """The distinct partition values of the live files, as dicts of strings (None = null)."""
        if partition_filters is None:
            return self._table.partitions()
        keep = set(self.files(partition_filters))
        out: List[Dict[str, Optional[str]]] = []
        for a in self._table.add_actions():
            if a["path"] in keep and a["partition_values"] not in out:
                out.append(a["partition_values"])
        return out

    def get_add_actions(self, flatten: bool = False) -> Any:
        """The live files as a pandas DataFrame: path, size_bytes, modification_time,
        data_change, partition values, num_records, null_count / min / max statistics and
        whether a deletion vector applies. With flatten=True, partition values and statistics
        are columns ("partition.p", "min.a", ...); otherwise dicts."""
        import pandas as pd

        rows = []
        for a in self._table.add_actions():
            stats = _json.loads(a["stats"]) if a["stats"] else {}
            row: Dict[str, Any] = {
                "path": a["path"],
                "size_bytes": a["size_bytes"],
                "modification_time": pd.Timestamp(a["modification_time"], unit="ms"),
                "data_change": a["data_change"],
                "num_records": stats.get("numRecords"),
                "has_deletion_vector": a["deletion_vector"],
            }
            if flatten:
                for k, v in a["partition_values"].items():
                    row["partition." + k] = v
                for kind in ("nullCount", "minValues", "maxValues"):
                    prefix = {"nullCount": "null_count.", "minValues": "min.", "maxValues": "max."}[kind]
                    for k, v in _flatten(stats.get(kind) or {}).items():
                        row[prefix + k] = v
            else:
                row["partition_values"] = a["partition_values"]
                row["null_count"] = stats.get("nullCount")
                row["min"] = stats.get("minValues")
                row["max"] = stats.get("maxValues")
            rows.append(row)
        return pd.DataFrame(rows)

    def count(self) -> int:
        """Number of rows: from file statistics when every file has them, else by reading."""
        n = self._table.num_rows()
        if n is not None:
            return int(n)
        first = [self.schema().fields[0].name] if self.schema().fields else []
        return DeltaReader(self._table.scan(first, None)).count_rows()

    # ----- reading -----------------------------------------------------------------------------

    def scan(self, columns: Optional[Sequence[str]] = None, partitions: Optional[FilterType] = None,
             filters: Optional[FilterType] = None, threads: int = 0) -> DeltaReader:
        """The rows (of `columns`, matching `partitions` and `filters`) as a DeltaReader."""
        if columns is not None and (isinstance(columns, str) or not all(isinstance(c, str) for c in columns)):
            raise TypeError("columns must be a list of column names")
        preds = [p for p in (self._partition_predicate(partitions), to_predicate(filters, self._types())) if p]
        predicate = " AND ".join("(%s)" % p for p in preds) if preds else None
        # The live row count from statistics bounds the rows of the scan (a reservation hint).
        return DeltaReader(self._table.scan(list(columns or []), predicate, threads), self._table.num_rows())

    def to_pandas(self, columns: Optional[Sequence[str]] = None, partitions: Optional[FilterType] = None,
                  filters: Optional[FilterType] = None, nullable_dtypes: bool = False) -> Any:
        """The table (or the selected columns / matching rows) as a pandas DataFrame.

        filters: a predicate string ("a > 3 AND p IN ('x', 'y')") or tuples
        [("a", ">", 3), ...] (a list of lists for OR). partitions: tuples on partition columns.
        nullable_dtypes: integers and bools with nulls as pandas Int64/boolean instead of
        float64 (NaN) / object. The GIL is released while files are read and decoded."""
        return self.scan(columns, partitions, filters).to_pandas(nullable_dtypes)

    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """Arrow PyCapsule interface: every row of the loaded version."""
        return self.scan().__arrow_c_stream__(requested_schema)

    def to_pyarrow_table(self, columns: Optional[Sequence[str]] = None, partitions: Optional[FilterType] = None,
                         filters: Optional[FilterType] = None) -> Any:
        """The rows as a pyarrow.Table (needs pyarrow)."""
        _require_pyarrow("to_pyarrow_table()")
        return self.scan(columns, partitions, filters).to_pyarrow_table()

    def to_pyarrow_dataset(self, partitions: Optional[FilterType] = None) -> Any:
        """The rows as an in-memory pyarrow.dataset.Dataset (needs pyarrow)."""
        _require_pyarrow("to_pyarrow_dataset()")
        import pyarrow.dataset as ds

        return ds.dataset(self.to_pyarrow_table(partitions=partitions))

    def load_cdf(self, starting_version: int = 0, ending_version: Optional[int] = None,
                 columns: Optional[Sequence[str]] = None) -> DeltaReader:
        """The change data feed of versions [starting_version, ending_version] (the latest when
        None): the rows with _change_type, _commit_version and _commit_timestamp. The table must
        have delta.enableChangeDataFeed=true (DeltaProtocolError otherwise)."""
        return DeltaReader(self._table.cdf(starting_version, ending_version, list(columns or [])))

    def __repr__(self) -> str:
        return "DeltaTable(%r, version=%d)" % (self._uri, self.version())


def _flatten(d: Dict[str, Any], prefix: str = "") -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out
