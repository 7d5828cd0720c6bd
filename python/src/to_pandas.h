// Record batches (our Arrow-layout columns) to pandas-ready Python objects, without pyarrow.
//
// Per column, Finish() returns a tuple (name, kind, values, mask, tz) that deltacpp/_pandas.py
// turns into a pandas column:
//   "numpy":    values is the final numpy array (numbers, bools, objects);
//   "masked":   values + boolean mask (True = null) for pandas' nullable Int*/boolean arrays;
//   "datetime": values is int64 nanoseconds (NaT = INT64_MIN), tz the zone or None.
// Mapping (documented in docs/python.md): integers and floats without nulls -> their numpy
// dtype, zero-copy when the column is one contiguous chunk (the array is then read-only and
// keeps the batch alive); integers with nulls -> float64 with NaN, or masked arrays when asked;
// floats with nulls -> NaN; bool with nulls -> object (True/False/None) or masked; timestamp ->
// datetime64[ns, UTC]; timestamp_ntz -> naive datetime64[ns]; date -> datetime.date; decimal ->
// decimal.Decimal; string -> str; binary -> bytes; struct -> dict; list -> list; map -> dict
// (list of (key, value) tuples when the key type is nested); null -> None.
// Thread-safety: one converter per conversion. Append() and Finish() need the GIL (Finish
// releases it around bulk copies).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "delta/columnar/array.h"

namespace delta::python {

namespace py = pybind11;

class StringDeduper;

struct PandasOptions {
  /// Integers and bools with nulls as values + mask (pandas Int64/boolean) instead of float64
  /// NaN / object.
  bool masked_nullable = false;
};

class PandasConverter {
 public:
  /// `expected_rows`: an upper bound of the rows to come (0 if unknown), so that columns
  /// allocate their final room once (untouched room costs address space, not memory).
  PandasConverter(columnar::SchemaPtr schema, PandasOptions options, int64_t expected_rows = 0);
  ~PandasConverter();
  PandasConverter(const PandasConverter&) = delete;
  PandasConverter& operator=(const PandasConverter&) = delete;

  /// Takes one batch: numbers are copied into their final buffers and the batch is dropped
  /// (so the scan reuses its memory), Python objects are made now for object columns (so that
  /// conversion overlaps the scan's read-ahead). The first batch of a numeric column is kept
  /// instead, so that a single-chunk column can be handed to numpy without a copy. Raises
  /// ValueError for a batch of another schema and Python errors (invalid UTF-8, dates beyond
  /// year 9999).
  void Append(const columnar::RecordBatchPtr& batch);
  /// The columns as described above, in schema order.
  py::list Finish();

 private:
  enum class Kind { kNumeric, kBool, kTimestamp, kString, kObject };
  struct Column {
    columnar::FieldPtr field;
    Kind kind = Kind::kObject;
    int width = 0;                      // bytes per value in `data` (kNumeric, kBool, kTimestamp)
    columnar::ArrayPtr first;           // the first chunk, not copied yet
    py::array buffer;                   // the final numpy values (bools as bytes, timestamps raw)
    int64_t capacity = 0;               // rows `buffer` has room for
    int64_t filled = 0;                 // rows in `buffer`
    std::vector<uint8_t> mask;          // 1 at nulls, once has_mask (the first null) is set
    bool has_mask = false;
    std::vector<PyObject*> objects;     // owned references (kObject)
    // kString: `buffer` is the final object array. While `dedup` is set, its filled rows hold
    // value ids (StringDeduper::kNullId for nulls), not objects yet, and `uniques` holds one
    // owned str per id; afterwards (too many distinct values, or finished) they hold owned
    // references.
    std::unique_ptr<StringDeduper> dedup;
    std::vector<PyObject*> uniques;
    int64_t length = 0;
    int64_t null_count = 0;
  };
  /// Grows c.buffer to hold `rows` (needs the GIL: numpy allocates it, with huge pages).
  void Reserve(Column& c, int64_t rows);
  /// Copies a chunk's values behind the filled rows (room reserved; no GIL needed).
  void CopyChunk(Column& c, const columnar::ArrayData& a);
  /// c.buffer cut to the filled rows.
  py::array TakeBuffer(Column& c);
  py::tuple FinishColumn(Column& c);
  template <typename T>
  py::tuple FinishNumeric(Column& c);
  py::tuple FinishBool(Column& c);
  py::tuple FinishTimestamp(Column& c);
  void AppendStrings(Column& c, const columnar::ArrayData& a);
  /// Turns the ids of a deduplicated column into references (refcounts added in bulk) and drops
  /// the deduper.
  void ResolveStrings(Column& c);

  columnar::SchemaPtr schema_;
  PandasOptions options_;
  int64_t expected_rows_ = 0;
  std::vector<Column> columns_;
};

/// Value i of `a` as a new Python object (the mapping above, for one value). Throws
/// py::error_already_set when Python rejects a value.
PyObject* ValueToPython(const columnar::ArrayData& a, int64_t i);

}  // namespace delta::python
