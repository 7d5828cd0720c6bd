// Type widening (PROTOCOL.md "Type Widening", table feature typeWidening): which type changes a
// table may have gone through, and the conversion of values read from files written before the
// change to the table's current type.
// Thread-safety: free functions without shared state.
#pragma once

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::schema {

/// True when `from` -> `to` is a widening the protocol allows:
///   byte -> short -> int -> long; float -> double; byte/short/int -> double;
///   date -> timestamp_ntz; decimal(p, s) -> decimal(p + k1, s + k2) with k1 >= k2 >= 0;
///   byte/short/int -> decimal(10 + k1, k2) and long -> decimal(20 + k1, k2) with k1 >= k2 >= 0;
/// and, for nested types, the same shape (struct fields with the same names in the same order,
/// list element, map key and value) with every child equal or widened. Equal types give true
/// (the identity is trivially allowed), so nested checks can recurse.
bool IsWideningAllowed(const columnar::DataType& from, const columnar::DataType& to);

/// Converts `array` (values of an older type) to `to`. An equal type returns the input itself.
/// Nested arrays are rebuilt with their children converted where the child types differ; the
/// result's type is `to`. Values are converted exactly (integers sign-extended, decimals and
/// integers rescaled by powers of ten, dates to midnight in the timestamp's unit).
/// Errors: Unsupported naming both types when the change is not a widening (IsWideningAllowed);
/// OutOfMemory.
Result<columnar::ArrayPtr> CastForWidening(const columnar::ArrayPtr& array, const columnar::TypePtr& to);

}  // namespace delta::schema
