// Binding: resolves the columns of a parsed predicate against a schema and gives literals the
// types of the columns they are compared with, so the evaluator and the data-skipping code work
// on typed values only.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "delta/columnar/type.h"
#include "delta/expr/expression.h"
#include "delta/util/result.h"

namespace delta::expr {

/// Returns a bound copy of `expr`:
/// - column paths are resolved level by level, case-insensitively as Spark does; the bound
///   column records the field indices, the schema's spelling of the names and the type.
///   InvalidArgument "unknown column 'x' (columns: a, b, c)", "ambiguous column 'x' (matches
///   X, x)", or "'a' is int64, not a struct" for a path through a non-struct.
/// - in `column op literal` (either order; the bound tree always has the column on the left)
///   the literal is converted to the column's type: numbers to any numeric column (exactly; a
///   value with more fractional digits than an integer / decimal column holds turns the
///   comparison into the equivalent range test, e.g. int_col < 1.5 -> int_col <= 1), strings to
///   date / timestamp / binary / boolean columns (parsed), dates to timestamp columns and
///   timestamps to date columns (compared as Spark does, by converting the date), timestamp
///   units converted. Incompatible pairs: InvalidArgument naming both types.
/// - IN lists are converted the same way (entries that can never be equal are dropped).
/// - comparisons of two columns need comparable types (integers, floats, decimals of equal
///   scale, equal date/time types, strings/binary, booleans); comparisons, IS NULL and IN over
///   literals only are folded into literals.
/// - AND / OR / NOT operands and the whole predicate must be boolean (an untyped NULL literal
///   counts as a boolean NULL): InvalidArgument otherwise.
Result<ExprPtr> Bind(const ExprPtr& expr, const columnar::Schema& schema);

/// The column paths referenced by `expr` (bound or not), each once, in order of first use.
/// Take path[0] for the top-level column (projection pushdown, partition-vs-data split).
std::vector<std::vector<std::string>> ReferencedColumns(const ExprPtr& expr);

}  // namespace delta::expr
