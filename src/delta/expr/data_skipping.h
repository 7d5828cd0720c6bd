// File pruning for scans: data skipping with per-file statistics (min / max / null counts of
// PROTOCOL.md "Per-file Statistics") and partition pruning with a file's partition values.
// Both are conservative: a file is only pruned when no row of it can satisfy the predicate.
//
// How NOT is handled: for every node we ask two questions, "may some row make it TRUE?" and "may
// some row make it FALSE?"; NOT p is TRUE exactly where p is FALSE, so NOT swaps the questions
// (NOT (x < 5) becomes "may some non-null x be >= 5"), never negating a "may match" answer.
//
// Statistics caveats applied here:
//   - timestamp maxima are written truncated to milliseconds: a max is widened by 1 ms - 1 unit
//   - string / binary maxima may be truncated prefixes: a max M proves "all values < L" only when
//     M < L and M is not a prefix of L; minima are valid lower bounds as written
//   - float / double maxima are not used: some writers leave NaN (which sorts above everything,
//     and which Spark's comparison semantics can select) out of the statistics
//   - with tightBounds = false only null counts of 0 or numRecords are used (FileStats::NullCount)
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>

#include "delta/columnar/scalar.h"
#include "delta/expr/expression.h"
#include "delta/expr/stats.h"

namespace delta::expr {

/// False only when no row of a file with these statistics can satisfy `bound` (a predicate returned
/// by Bind() against the schema the statistics were parsed with). Unknown statistics, unsupported
/// node kinds and column-vs-column comparisons count as "may match". A file whose numRecords is 0
/// never matches.
bool MayMatch(const ExprPtr& bound, const FileStats& stats);

/// False only when no row of a file with these typed partition values (partition column name ->
/// value, a null Scalar for a null partition value) can satisfy `bound`. Columns missing from the
/// map are unknown (any value); names are matched exactly first, then case-insensitively. Values
/// should have the column's type (numeric values of other numeric types compare correctly).
bool PartitionMayMatch(const ExprPtr& bound, const std::map<std::string, columnar::Scalar>& partition_values);

}  // namespace delta::expr
