"""pandas <-> the C++ core: DataFrames from the columns _native.Reader.read_pandas returns, and
the columns _native.write takes from a DataFrame (type inference for object columns included).
See docs/python.md for the type mapping."""

import datetime as _dt
import decimal as _decimal
import json as _json
from typing import Any, Dict, List, Tuple

import numpy as np
import pandas as pd

# ----- read ------------------------------------------------------------------------------------


def _column_array(kind: str, values: Any, mask: Any, tz: Any) -> Any:
    if kind == "numpy":
        return values
    if kind == "masked":
        if values.dtype == np.bool_:
            return pd.arrays.BooleanArray(values, mask)
        return pd.arrays.IntegerArray(values, mask)
    if kind == "datetime":
        dt = values.view("datetime64[ns]")
        if tz is None:
            return dt
        return pd.arrays.DatetimeArray(dt, dtype=pd.DatetimeTZDtype("ns", tz))
    raise ValueError("internal: unknown column kind %r" % kind)


def frame_from_columns(columns: List[Tuple[str, str, Any, Any, Any]]) -> "pd.DataFrame":
    """One pandas column per (name, kind, values, mask, tz) tuple, without copying numpy data."""
    names = [c[0] for c in columns]
    arrays = [_column_array(kind, values, mask, tz) for (_, kind, values, mask, tz) in columns]
    n = len(arrays[0]) if arrays else 0
    try:
        # One block per column: pandas' DataFrame(dict) would consolidate same-dtype columns into
        # 2-d blocks, copying every zero-copy array we made.
        from pandas.core.internals import BlockManager
        from pandas.core.internals.api import make_block

        blocks = []
        for i, a in enumerate(arrays):
            if isinstance(a, np.ndarray):
                blocks.append(make_block(a.reshape(1, -1), placement=[i], ndim=2))
            else:
                blocks.append(make_block(a, placement=[i], ndim=2))
        mgr = BlockManager(blocks, [pd.Index(names, dtype=object), pd.RangeIndex(n)], verify_integrity=False)
        if hasattr(pd.DataFrame, "_from_mgr"):
            return pd.DataFrame._from_mgr(mgr, axes=mgr.axes)
        return pd.DataFrame(mgr)
    except Exception:  # pragma: no cover - other pandas versions
        return pd.DataFrame({n_: a for n_, a in zip(names, arrays)}, columns=names, copy=False)


# ----- write -----------------------------------------------------------------------------------

_INT_TYPES = {
    np.dtype("int8"): ("byte", np.int8),
    np.dtype("int16"): ("short", np.int16),
    np.dtype("int32"): ("integer", np.int32),
    np.dtype("int64"): ("long", np.int64),
    # Delta has no unsigned types: the next wider signed type holds every value.
    np.dtype("uint8"): ("short", np.int16),
    np.dtype("uint16"): ("integer", np.int32),
    np.dtype("uint32"): ("long", np.int64),
}


def _decimal_type(values: List[_decimal.Decimal], column: str) -> Dict[str, Any]:
    int_digits, scale = 1, 0
    for d in values:
        if not d.is_finite():
            raise ValueError("column %r: decimal %s is not finite" % (column, d))
        t = d.as_tuple()
        exp = t.exponent
        s = max(0, -exp)
        i = max(0, len(t.digits) + exp)
        scale, int_digits = max(scale, s), max(int_digits, i)
    precision = int_digits + scale
    if precision > 38:
        raise ValueError("column %r: decimals need %d digits, more than Delta's 38" % (column, precision))
    return "decimal(%d,%d)" % (precision, scale)


def _is_null(v: Any) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    return isinstance(v, float) and v != v


def infer_type(values: List[Any], column: str) -> Any:
    """The Delta type (JSON value) of a list of Python objects (nulls ignored)."""
    present = [v for v in values if not _is_null(v)]
    if not present:
        return "string"  # all null: no better guess; schema merge or the table's type decides
    kind = pd.api.types.infer_dtype(present, skipna=True)
    if kind == "string":
        return "string"
    if kind == "bytes":
        return "binary"
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "long"
    if kind in ("floating", "mixed-integer-float"):
        return "double"
    if kind == "decimal":
        return _decimal_type(present, column)
    if kind == "date":
        return "date"
    if kind in ("datetime", "datetime64"):
        aware = any(getattr(v, "tzinfo", None) is not None for v in present)
        return "timestamp" if aware else "timestamp_ntz"
    if all(isinstance(v, dict) for v in present):
        names: List[str] = []
        for v in present:
            for k in v:
                if not isinstance(k, str):
                    raise TypeError("column %r: struct (dict) keys must be strings, got %r" % (column, k))
                if k not in names:
                    names.append(k)
        fields = []
        for k in names:
            fields.append({"name": k, "type": infer_type([v.get(k) for v in present], column + "." + k),
                           "nullable": True, "metadata": {}})
        return {"type": "struct", "fields": fields}
    if all(isinstance(v, (list, tuple, np.ndarray)) for v in present):
        flat = [x for v in present for x in v]
        return {"type": "array", "elementType": infer_type(flat, column + ".element"), "containsNull": True}
    found = sorted({type(v).__name__ for v in present})
    raise TypeError("column %r: cannot write a column of %s values" % (column, ", ".join(found)))


def columns_from_frame(df: "pd.DataFrame") -> List[Tuple[str, str, Any, Any, str]]:
    """The (name, kind, values, mask, type_json) tuples of _native.write for a DataFrame."""
    if not df.columns.is_unique:
        raise ValueError("the DataFrame has duplicate column names")
    out = []
    for name in df.columns:
        if not isinstance(name, str):
            raise TypeError("column names must be strings, got %r" % (name,))
        s = df[name]
        dtype = s.dtype
        isna = s.isna().to_numpy()
        mask = isna if isna.any() else None
        if isinstance(dtype, pd.DatetimeTZDtype):
            ns = s.dt.tz_convert("UTC").array.asi8 if hasattr(s.array, "asi8") else s.astype("int64").to_numpy()
            us = np.floor_divide(np.where(isna, 0, ns), 1000).astype(np.int64)
            out.append((name, "primitive", us, mask, '"timestamp"'))
        elif dtype.kind == "M":
            ns = s.to_numpy().astype("datetime64[ns]").view(np.int64)
            us = np.floor_divide(np.where(isna, 0, ns), 1000).astype(np.int64)
            out.append((name, "primitive", us, mask, '"timestamp_ntz"'))
        elif isinstance(dtype, np.dtype) and dtype in _INT_TYPES:
            tname, np_type = _INT_TYPES[dtype]
            out.append((name, "primitive", s.to_numpy().astype(np_type, copy=False), None, _json.dumps(tname)))
        elif isinstance(dtype, np.dtype) and dtype == np.dtype("uint64"):
            v = s.to_numpy()
            if len(v) and v.max() > np.iinfo(np.int64).max:
                raise ValueError("column %r: uint64 values above 2**63-1 do not fit Delta's long" % name)
            out.append((name, "primitive", v.astype(np.int64), None, '"long"'))
        elif isinstance(dtype, np.dtype) and dtype.kind == "f":
            tname = "float" if dtype.itemsize == 4 else "double"
            v = s.to_numpy()
            if dtype.itemsize not in (4, 8):
                v, tname = v.astype(np.float64), "double"
            out.append((name, "primitive", v, mask, _json.dumps(tname)))
        elif isinstance(dtype, np.dtype) and dtype.kind == "b":
            out.append((name, "primitive", s.to_numpy(), None, '"boolean"'))
        elif pd.api.types.is_extension_array_dtype(dtype) and dtype.kind in "iub":
            # pandas' nullable Int*/UInt*/boolean arrays: values with the mask.
            if dtype.kind == "b":
                out.append((name, "primitive", s.to_numpy(dtype=bool, na_value=False), mask, '"boolean"'))
            else:
                np_dtype = np.dtype(dtype.numpy_dtype)
                if np_dtype == np.dtype("uint64"):
                    tname, np_type = "long", np.int64
                else:
                    tname, np_type = _INT_TYPES[np_dtype]
                v = s.to_numpy(dtype=np_dtype, na_value=0).astype(np_type)
                out.append((name, "primitive", v, mask, _json.dumps(tname)))
        elif pd.api.types.is_extension_array_dtype(dtype) and dtype.kind == "f":
            v = s.to_numpy(dtype=np.float64, na_value=np.nan)
            out.append((name, "primitive", v, mask, '"double"'))
        elif dtype.kind == "m":
            raise TypeError("column %r: Delta has no interval/timedelta type" % name)
        else:
            values = s.to_numpy(dtype=object)
            if mask is not None:
                values = values.copy()
                values[isna] = None
            out.append((name, "object", values, None, _json.dumps(infer_type(list(values), name))))
    return out
