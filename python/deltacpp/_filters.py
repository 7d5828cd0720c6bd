"""Filters in the tuple form of deltalake/pyarrow (``[("col", "=", 3), ...]`` for AND, a list
of such lists for OR) and plain predicate strings, turned into the predicate language of the
C++ scan (see docs/python.md)."""

import datetime as _dt
import decimal as _decimal
import math as _math
import re as _re
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

FilterLiteral = Tuple[str, str, Any]
FilterConjunction = List[FilterLiteral]
FilterType = Union[str, FilterConjunction, List[FilterConjunction]]

_NUMERIC_TYPES = {"byte", "short", "integer", "long", "float", "double"}
_NUMBER = _re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _quote_name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError("filter column names must be non-empty strings, got %r" % (name,))
    return "`" + name.replace("`", "``") + "`"


def _quote_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _literal(value: Any, column: str, col_type: Optional[str]) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if _math.isnan(value) or _math.isinf(value):
            return "DOUBLE '%s'" % ("NaN" if _math.isnan(value) else ("Infinity" if value > 0 else "-Infinity"))
        text = repr(value)
        return text if ("e" in text or "E" in text) else text + "e0"
    if isinstance(value, _decimal.Decimal):
        if not value.is_finite():
            raise ValueError("filter on %r: decimal %s is not finite" % (column, value))
        return format(value, "f")
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
            return "TIMESTAMP '%s'" % value.isoformat(sep=" ")
        keyword = "TIMESTAMP_NTZ" if col_type == "timestamp_ntz" else "TIMESTAMP"
        return "%s '%s'" % (keyword, value.isoformat(sep=" "))
    if isinstance(value, _dt.date):
        return "DATE '%s'" % value.isoformat()
    if isinstance(value, str):
        # Partition filters are written with string values whatever the column's type, as in
        # deltalake: give them the column's type here.
        if col_type in _NUMERIC_TYPES or (col_type or "").startswith("decimal"):
            if not _NUMBER.match(value.strip()):
                raise ValueError("filter on %r: %r is not a number (the column is %s)" % (column, value, col_type))
            v = value.strip()
            return v + "e0" if col_type in ("float", "double") and "e" not in v.lower() else v
        if col_type == "boolean":
            if value.lower() not in ("true", "false"):
                raise ValueError("filter on %r: %r is not a boolean" % (column, value))
            return value.upper()
        if col_type == "date":
            return "DATE " + _quote_str(value)
        if col_type == "timestamp":
            return "TIMESTAMP " + _quote_str(value)
        if col_type == "timestamp_ntz":
            return "TIMESTAMP_NTZ " + _quote_str(value)
        return _quote_str(value)
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    raise TypeError("filter on %r: unsupported value %r of type %s" % (column, value, type(value).__name__))


def _conjunction(terms: Sequence[Any], types: Dict[str, str]) -> str:
    parts = []
    for term in terms:
        if not isinstance(term, (tuple, list)) or len(term) != 3:
            raise ValueError("a filter must be a (column, op, value) tuple, got %r" % (term,))
        col, op, value = term
        name = _quote_name(col)
        ctype = types.get(col)
        op_n = str(op).strip().lower()
        if op_n in ("in", "not in"):
            if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
                raise ValueError("filter %r: %r needs a list of values" % (term, op))
            values = list(value)
            if not values:
                parts.append("FALSE" if op_n == "in" else "TRUE")
                continue
            lits = ", ".join(_literal(v, col, ctype) for v in values)
            parts.append("%s %s (%s)" % (name, "IN" if op_n == "in" else "NOT IN", lits))
            continue
        if op_n not in ("=", "==", "!=", "<>", "<", "<=", ">", ">="):
            raise ValueError("filter %r: unknown operator %r (=, !=, <, <=, >, >=, in, not in)" % (term, op))
        if value is None:
            if op_n in ("=", "=="):
                parts.append(name + " IS NULL")
            elif op_n in ("!=", "<>"):
                parts.append(name + " IS NOT NULL")
            else:
                raise ValueError("filter %r: None only works with = and !=" % (term,))
            continue
        parts.append("%s %s %s" % (name, op_n, _literal(value, col, ctype)))
    return " AND ".join("(%s)" % p for p in parts) if parts else "TRUE"


def to_predicate(filters: Optional[FilterType], types: Dict[str, str]) -> Optional[str]:
    """Turns filters into a predicate string (None when there are none). `types` maps column
    names to their Delta type names, used to type the string values of partition filters."""
    if filters is None:
        return None
    if isinstance(filters, str):
        return filters if filters.strip() else None
    if not isinstance(filters, (list, tuple)):
        raise TypeError("filters must be a predicate string or a list of (column, op, value) tuples")
    if not filters:
        return None
    if all(isinstance(f, (list,)) and (not f or isinstance(f[0], (tuple, list))) for f in filters):
        return " OR ".join("(%s)" % _conjunction(f, types) for f in filters)
    return _conjunction(filters, types)
