"""Type stubs of the deltacpp package (public API)."""

import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import pandas

FilterLiteral = Tuple[str, str, Any]
FilterType = Union[str, List[FilterLiteral], List[List[FilterLiteral]]]

__version__: str

class DeltaError(Exception):
    """Base class of every deltacpp error."""

class TableNotFoundError(DeltaError):
    """No Delta table (or no such version) at the location."""

class DeltaProtocolError(DeltaError):
    """A protocol feature deltacpp does not support, or an unsupported operation."""

class CommitFailedError(DeltaError):
    """Concurrent commits conflicted and the retries ran out."""

class SchemaMismatchError(DeltaError):
    """The data does not match the table's schema or partitioning."""

class PrimitiveType:
    """A primitive Delta type ("long", "string", "decimal(10,2)", ...)."""
    type: str
    def __init__(self, type: str) -> None: ...
    def to_json_value(self) -> Any: ...

class ArrayType:
    """An array type."""
    type: str
    element_type: DataType
    contains_null: bool
    def __init__(self, element_type: DataType, contains_null: bool = ...) -> None: ...
    def to_json_value(self) -> Any: ...

class MapType:
    """A map type."""
    type: str
    key_type: DataType
    value_type: DataType
    value_contains_null: bool
    def __init__(self, key_type: DataType, value_type: DataType, value_contains_null: bool = ...) -> None: ...
    def to_json_value(self) -> Any: ...

class Field:
    """A named column or struct field."""
    name: str
    type: DataType
    nullable: bool
    metadata: Dict[str, Any]
    def __init__(self, name: str, type: Union[DataType, str], nullable: bool = ...,
                 metadata: Optional[Dict[str, Any]] = ...) -> None: ...
    def to_json_value(self) -> Dict[str, Any]: ...

class StructType:
    """A struct type."""
    type: str
    fields: List[Field]
    def __init__(self, fields: List[Field]) -> None: ...
    def field(self, name: str) -> Field: ...
    def to_json_value(self) -> Dict[str, Any]: ...

DataType = Union[PrimitiveType, ArrayType, MapType, StructType]

class Schema(StructType):
    """A table schema."""
    def to_json(self) -> str: ...
    def json(self) -> Dict[str, Any]: ...
    @staticmethod
    def from_json(text: str) -> Schema: ...

class Metadata:
    """The table's metaData action."""
    id: str
    name: Optional[str]
    description: Optional[str]
    partition_columns: List[str]
    created_time: Optional[int]
    configuration: Dict[str, str]
    format_provider: str

class ProtocolVersions:
    """The table's protocol action."""
    min_reader_version: int
    min_writer_version: int
    reader_features: Optional[List[str]]
    writer_features: Optional[List[str]]

class DeltaReader:
    """Rows not read yet; consume once."""
    def schema(self) -> Schema: ...
    def __arrow_c_stream__(self, requested_schema: Any = ...) -> Any: ...
    def to_pandas(self, nullable_dtypes: bool = ...) -> pandas.DataFrame: ...
    def to_pyarrow_table(self) -> Any: ...
    def count_rows(self) -> int: ...

class DeltaTable:
    """A Delta table at one version."""
    def __init__(self, table_uri: str, version: Optional[int] = ..., storage_options: Optional[Dict[str, str]] = ...,
                 without_files: bool = ...) -> None: ...
    @staticmethod
    def is_deltatable(table_uri: str, storage_options: Optional[Dict[str, str]] = ...) -> bool: ...
    @classmethod
    def create(cls, table_uri: str, schema: Any, partition_by: Optional[Union[str, List[str]]] = ...,
               mode: str = ..., name: Optional[str] = ..., description: Optional[str] = ...,
               configuration: Optional[Mapping[str, Optional[str]]] = ...,
               storage_options: Optional[Dict[str, str]] = ...) -> DeltaTable: ...
    @property
    def table_uri(self) -> str: ...
    def version(self) -> int: ...
    def files(self, partition_filters: Optional[FilterType] = ...) -> List[str]: ...
    def file_uris(self, partition_filters: Optional[FilterType] = ...) -> List[str]: ...
    def schema(self) -> Schema: ...
    def metadata(self) -> Metadata: ...
    def protocol(self) -> ProtocolVersions: ...
    def history(self, limit: Optional[int] = ...) -> List[Dict[str, Any]]: ...
    def load_as_version(self, version: Union[int, datetime.datetime, str]) -> None: ...
    def update_incremental(self) -> None: ...
    def transaction_version(self, app_id: str) -> Optional[int]: ...
    def partitions(self, partition_filters: Optional[FilterType] = ...) -> List[Dict[str, Optional[str]]]: ...
    def get_add_actions(self, flatten: bool = ...) -> pandas.DataFrame: ...
    def count(self) -> int: ...
    def scan(self, columns: Optional[Sequence[str]] = ..., partitions: Optional[FilterType] = ...,
             filters: Optional[FilterType] = ..., threads: int = ...) -> DeltaReader: ...
    def to_pandas(self, columns: Optional[Sequence[str]] = ..., partitions: Optional[FilterType] = ...,
                  filters: Optional[FilterType] = ..., nullable_dtypes: bool = ...) -> pandas.DataFrame: ...
    def __arrow_c_stream__(self, requested_schema: Any = ...) -> Any: ...
    def to_pyarrow_table(self, columns: Optional[Sequence[str]] = ..., partitions: Optional[FilterType] = ...,
                         filters: Optional[FilterType] = ...) -> Any: ...
    def to_pyarrow_dataset(self, partitions: Optional[FilterType] = ...) -> Any: ...
    def load_cdf(self, starting_version: int = ..., ending_version: Optional[int] = ...,
                 columns: Optional[Sequence[str]] = ...) -> DeltaReader: ...

class Transaction:
    """An idempotent application transaction (app_id, version)."""
    app_id: str
    version: int
    last_updated: Optional[int]
    def __init__(self, app_id: str, version: int, last_updated: Optional[int] = ...) -> None: ...

class CommitProperties:
    """Commit options of a write: custom_metadata (extra commitInfo fields), retries, an
    application transaction."""
    custom_metadata: Optional[Dict[str, str]]
    max_commit_retries: Optional[int]
    app_transactions: List[Transaction]
    def __init__(self, custom_metadata: Optional[Dict[str, str]] = ..., max_commit_retries: Optional[int] = ...,
                 app_transactions: Optional[List[Transaction]] = ...) -> None: ...

def write_deltalake(table_or_uri: Union[str, DeltaTable], data: Any, *,
                    partition_by: Optional[Union[str, List[str]]] = ..., mode: str = ...,
                    schema_mode: Optional[str] = ..., predicate: Optional[str] = ..., name: Optional[str] = ...,
                    description: Optional[str] = ..., configuration: Optional[Mapping[str, Optional[str]]] = ...,
                    storage_options: Optional[Dict[str, str]] = ...,
                    commit_properties: Optional[CommitProperties] = ...) -> Dict[str, Any]: ...
