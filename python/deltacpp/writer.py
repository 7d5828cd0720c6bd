"""write_deltalake: writes a pandas DataFrame or any Arrow C stream producer to a Delta table."""

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Union

from . import _native

if TYPE_CHECKING:  # pragma: no cover
    from .table import DeltaTable


class Transaction:
    """An application transaction (PROTOCOL.md "Transaction Identifiers"): a write with the same
    app_id and a version not above the last committed one is skipped (idempotent writes)."""

    def __init__(self, app_id: str, version: int, last_updated: Optional[int] = None) -> None:
        if not isinstance(app_id, str) or not app_id:
            raise ValueError("Transaction.app_id must be a non-empty string")
        if not isinstance(version, int) or version < 0:
            raise ValueError("Transaction.version must be a non-negative int")
        self.app_id = app_id
        self.version = version
        self.last_updated = last_updated


class CommitProperties:
    """Commit options of a write: extra commitInfo fields, retries on conflicts and an
    application transaction. custom_metadata: string keys and values added to the commit's
    commitInfo (as delta-rs does; Spark's userMetadata is one such key), shown by history()."""

    def __init__(self, custom_metadata: Optional[Dict[str, str]] = None, max_commit_retries: Optional[int] = None,
                 app_transactions: Optional[List[Transaction]] = None) -> None:
        if custom_metadata is not None:
            if not isinstance(custom_metadata, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in custom_metadata.items()):
                raise TypeError("custom_metadata must be a dict of str to str")
        if app_transactions is not None and len(app_transactions) > 1:
            raise ValueError("deltacpp writes at most one application transaction per commit")
        if max_commit_retries is not None and (not isinstance(max_commit_retries, int) or max_commit_retries < 0):
            raise ValueError("max_commit_retries must be a non-negative int")
        self.custom_metadata = custom_metadata
        self.max_commit_retries = max_commit_retries
        self.app_transactions = list(app_transactions or [])


def _source(data: Any) -> Any:
    if hasattr(data, "__arrow_c_stream__"):
        return data.__arrow_c_stream__()
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(data, pd.DataFrame):
        from ._pandas import columns_from_frame

        return columns_from_frame(data)
    raise TypeError("write_deltalake: data must be a pandas DataFrame or an object with __arrow_c_stream__ "
                    "(pyarrow, polars, duckdb, a deltacpp reader), got %s" % type(data).__name__)


def write_deltalake(
    table_or_uri: Union[str, "DeltaTable"],
    data: Any,
    *,
    partition_by: Optional[Union[str, List[str]]] = None,
    mode: str = "error",
    schema_mode: Optional[str] = None,
    predicate: Optional[str] = None,
    name: Optional[str] = None,
    description: Optional[str] = None,
    configuration: Optional[Mapping[str, Optional[str]]] = None,
    storage_options: Optional[Dict[str, str]] = None,
    commit_properties: Optional[CommitProperties] = None,
) -> Dict[str, Any]:
    """Writes `data` to the Delta table at `table_or_uri` in one commit, creating the table when
    it does not exist.

    data: a pandas DataFrame or any object with ``__arrow_c_stream__``.
    mode: "error" (fail if the table exists), "append", "overwrite", "ignore" (do nothing if
    the table exists). partition_by: partition columns of a new table (must match an existing
    table's). schema_mode: None (the data must fit the table's schema), "merge" (add new
    columns) or "overwrite" (replace the schema; mode="overwrite" only). predicate: with
    mode="overwrite", replace only the rows matching it (every written row must match).
    name, description, configuration: of a new table. commit_properties: retries and an
    idempotent application transaction.

    Returns a dict with status ("committed" or "skipped"), version, files_added,
    files_removed, rows and bytes. Raises SchemaMismatchError, DeltaError (table exists with
    mode="error", ...), CommitFailedError, DeltaProtocolError, ValueError / TypeError for data
    that cannot be converted (naming the column and row).
    """
    from .table import DeltaTable

    table = table_or_uri if isinstance(table_or_uri, DeltaTable) else None
    uri = table.table_uri if table is not None else table_or_uri
    if not isinstance(uri, str) or not uri:
        raise TypeError("table_or_uri must be a path/URI string or a DeltaTable")
    if storage_options is None and table is not None:
        storage_options = table._storage_options
    if isinstance(partition_by, str):
        partition_by = [partition_by]
    if mode not in ("error", "append", "overwrite", "ignore"):
        raise ValueError("mode must be 'error', 'append', 'overwrite' or 'ignore', got %r" % (mode,))
    config = {str(k): ("" if v is None else str(v)) for k, v in (configuration or {}).items()}
    app_id = app_version = max_attempts = None
    commit_metadata = {}
    if commit_properties is not None:
        if commit_properties.app_transactions:
            app_id = commit_properties.app_transactions[0].app_id
            app_version = commit_properties.app_transactions[0].version
        if commit_properties.max_commit_retries is not None:
            max_attempts = commit_properties.max_commit_retries + 1
        commit_metadata = dict(commit_properties.custom_metadata or {})
    result = _native.write(uri, _source(data), mode, list(partition_by or []), schema_mode, predicate, name,
                           description, config, app_id, app_version, max_attempts, dict(storage_options or {}),
                           commit_metadata)
    if table is not None:
        table.update_incremental()
    return result
