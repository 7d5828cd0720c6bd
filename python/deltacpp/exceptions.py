"""Exceptions raised by deltacpp.

Every error of the C++ core reaches Python through one translator, as one of these classes,
with the C++ message (which names the table, file, version or column involved).
"""

__all__ = [
    "DeltaError",
    "TableNotFoundError",
    "DeltaProtocolError",
    "CommitFailedError",
    "SchemaMismatchError",
]


class DeltaError(Exception):
    """Base class of every deltacpp error (also raised as such for I/O errors, corrupt data,
    invalid arguments and a table that already exists)."""


class TableNotFoundError(DeltaError):
    """No Delta table (or no such version of it) at the given location."""


class DeltaProtocolError(DeltaError):
    """The table needs a protocol feature (reader or writer) that deltacpp does not support,
    or the operation is not supported on this table."""


class CommitFailedError(DeltaError):
    """A commit could not be made: concurrent commits conflicted with it and the retries ran out."""


class SchemaMismatchError(DeltaError):
    """The data written does not match the table's schema (use schema_mode="merge" or
    "overwrite" to change it), or the partition columns differ from the table's."""
