// Vectorised evaluation of bound predicates over record batches (row filtering of scans) and
// FilterBatch, which keeps the rows of a selection bitmap (used for predicates and for deletion
// vectors alike).
//
// Semantics: SQL three-valued logic. A row is selected when the predicate is TRUE; NULL and FALSE
// rows are dropped. Floating-point comparisons follow Spark: NaN equals NaN and is greater than
// every other value (including +inf); -0.0 equals 0.0.
// Work is done 64 rows at a time into bit words, with one type switch per column and operator
// outside the loops.
// Thread-safety: pure functions; batches are only read.
#pragma once

#include <cstdint>

#include "delta/columnar/array.h"
#include "delta/columnar/buffer.h"
#include "delta/expr/expression.h"
#include "delta/util/result.h"

namespace delta::expr {

/// The rows that passed: bitmap (LSB order, bit i = row i, bits past `length` zero) of
/// ceil(length / 8) bytes, and the number of set bits.
struct Selection {
  columnar::BufferPtr bitmap;
  int64_t length = 0;
  int64_t count = 0;
};

/// Evaluates a predicate returned by Bind() against a batch with the schema it was bound to.
/// InvalidArgument when the tree is not bound or a column index / type does not match the batch;
/// Unsupported for node kinds the evaluator does not know yet.
Result<Selection> EvaluatePredicate(const ExprPtr& bound, const columnar::RecordBatch& batch);

/// A new batch with the rows i of `batch` whose bit keep_bitmap[i] is set; keep_count must be the
/// number of set bits among the first batch.num_rows bits (InvalidArgument otherwise). Works for
/// every column type, nested struct / list / map included, and honours slice offsets. When every
/// row is kept the columns are shared, not copied. The bitmap is borrowed for the call.
Result<columnar::RecordBatch> FilterBatch(const columnar::RecordBatch& batch, const uint8_t* keep_bitmap,
                                          int64_t keep_count);

/// FilterBatch for one array: `keep_bitmap` has a bit per element of `array` (starting at bit 0).
Result<columnar::ArrayPtr> FilterArray(const columnar::ArrayData& array, const uint8_t* keep_bitmap, int64_t keep_count);

}  // namespace delta::expr
