// Python data to record batches for writes: the columns of a pandas DataFrame as prepared by
// deltacpp/_pandas.py (numpy buffers for numbers, dates and timestamps; Python objects for the
// rest, with a Delta type inferred on the Python side), and Arrow C streams (PyCapsule
// "arrow_array_stream") from any producer.
// Thread-safety: needs the GIL; the returned batches and readers are plain C++ values.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "delta/columnar/array.h"

namespace delta::python {

namespace py = pybind11;

/// `columns`: a list of (name, kind, values, mask, type_json) tuples.
///   kind "primitive": values a 1-d numpy array whose dtype matches the Delta type (long int64,
///     integer int32, short int16, byte int8, float float32, double float64, boolean bool, date
///     int32 days, timestamp / timestamp_ntz int64 microseconds); mask None or a bool array
///     (True = null) of the same length.
///   kind "object": values a sequence of Python objects (None = null) of the Delta type
///     `type_json` (any type, nested included).
/// Raises ValueError / TypeError naming the column and row for values that do not fit.
columnar::RecordBatchPtr BatchFromColumns(const py::list& columns);

/// Takes over the C stream inside a PyCapsule named "arrow_array_stream" (the capsule's stream
/// is marked released). Raises ValueError for another capsule or a released stream, and a
/// DeltaError when the stream's schema cannot be imported.
std::shared_ptr<columnar::RecordBatchReader> ReaderFromCapsule(const py::capsule& capsule);

}  // namespace delta::python
