"""deltacpp: read and write Delta Lake tables from Python, on a native C++ core (no Spark, no
JVM, no pyarrow needed).

    from deltacpp import DeltaTable, write_deltalake
    dt = DeltaTable("/data/events")
    df = dt.to_pandas(columns=["id", "ts"], filters=[("id", ">", 100)])
    write_deltalake("/data/copy", df, mode="append")
"""

from . import _native
from .exceptions import (CommitFailedError, DeltaError, DeltaProtocolError, SchemaMismatchError,
                         TableNotFoundError)
from .schema import ArrayType, Field, MapType, PrimitiveType, Schema, StructType
from .table import DeltaReader, DeltaTable, Metadata, ProtocolVersions
from .writer import CommitProperties, Transaction, write_deltalake

__version__ = "0.1.0"

__all__ = [
    "DeltaTable", "DeltaReader", "Metadata", "ProtocolVersions", "write_deltalake", "CommitProperties",
    "Transaction", "Schema", "Field", "PrimitiveType", "ArrayType", "MapType", "StructType", "DeltaError",
    "TableNotFoundError", "DeltaProtocolError", "CommitFailedError", "SchemaMismatchError", "__version__",
]
