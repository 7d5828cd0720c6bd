// Coercion of columns read from a data file to the table's (Delta) types. Our Parquet reader
// maps file types as parquet::ToColumnarSchema does; what it gives can differ from the Delta
// type of the column:
//   - INT96 -> timestamp[ns] (no zone), TIMESTAMP(MILLIS) -> timestamp[ms], TIMESTAMP(NANOS) ->
//     timestamp[ns], isAdjustedToUTC=false -> no zone: converted to microseconds (nanoseconds
//     truncated toward minus infinity, coarser units multiplied, overflow -> CorruptData) and
//     labelled with the Delta type's zone;
//   - decimals stored as INT32 / INT64 / FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY already arrive as
//     decimal128 (the reader converts them); a different precision/scale goes through widening;
//   - integers of another width or signedness (INT32 read for a byte/short column, unsigned
//     logical types): converted when every value fits, else CorruptData naming the column;
//   - string <-> binary, fixed_size_binary -> binary: relabelled / copied;
//   - a file column of the null type (Parquet UNKNOWN) -> all nulls of the Delta type;
//   - nested types: struct fields are matched by name (by physical name / field id under column
//     mapping, see below), a Delta field missing in the file becomes all nulls, extra file fields
//     are dropped; list elements and map keys/values are matched by position;
//   - what is left must be a widening (CastForWidening), else Unsupported naming the column and
//     both types.
// Thread-safety: free functions without shared state.
#pragma once

#include <string>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/schema/column_mapping.h"
#include "delta/util/result.h"

namespace delta::schema {

/// Converts `file_array` (a column as the Parquet reader produced it) to `delta_type`; the result
/// has exactly the type `delta_type` (names, nullability and metadata of nested fields included).
/// Struct children are looked up in the file struct:
///   kNone: by the Delta field name;
///   kName: by the Delta field's delta.columnMapping.physicalName (falling back to its name);
///   kId:   by file field metadata "PARQUET:field_id" == delta.columnMapping.id, falling back
///          to the physical name.
/// `column` names the column in error messages. Equal types return the input unchanged.
/// Errors: Unsupported (no conversion exists, naming the column and both types), CorruptData
/// (a value does not fit the narrower Delta type), OutOfMemory.
Result<columnar::ArrayPtr> CoerceToDeltaType(const columnar::ArrayPtr& file_array, const columnar::TypePtr& delta_type,
                                             const std::string& column = "",
                                             ColumnMappingMode mode = ColumnMappingMode::kNone);

}  // namespace delta::schema
