// Column mapping (PROTOCOL.md "Column Mapping"): the table property delta.columnMapping.mode and
// the per-field metadata delta.columnMapping.id / delta.columnMapping.physicalName, and the
// physical schema the data files of a column-mapped table use.
//
// What the scan must do with PhysicalSchema's result:
//  - mode kName: data files name their columns by physical name; project the Parquet file by the
//    physical names (parquet::ProjectSchema takes names) and rename the result back to the
//    logical names position by position.
//  - mode kId: data files carry Parquet field ids; the physical schema's fields have
//    "PARQUET:field_id" = delta.columnMapping.id. Our Parquet reader matches columns by name only
//    (ProjectSchema) but exposes each file field's id as the same "PARQUET:field_id" metadata
//    (parquet::kParquetFieldIdKey), so the scan must resolve each wanted field to the file field
//    with the same id (recursively for struct children), falling back to the physical name when
//    the file has no ids, and then project by the file's names.
//  - Nested ids of list elements / map keys and values ("delta.columnMapping.nested.ids",
//    IcebergCompatV2 "parquet.field.nested.ids") are ignored: elements, keys and values are matched
//    by position.
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::schema {

inline constexpr const char* kColumnMappingModeKey = "delta.columnMapping.mode";
inline constexpr const char* kColumnMappingIdKey = "delta.columnMapping.id";
inline constexpr const char* kPhysicalNameKey = "delta.columnMapping.physicalName";
/// The metadata key our Parquet reader/writer use for field ids (= parquet::kParquetFieldIdKey).
inline constexpr const char* kParquetFieldIdKey = "PARQUET:field_id";

enum class ColumnMappingMode { kNone, kId, kName };

/// "none", "id", "name".
const char* ColumnMappingModeName(ColumnMappingMode mode);

/// delta.columnMapping.mode from the table configuration: absent -> kNone; "none" | "id" |
/// "name" (case-insensitive); anything else -> InvalidArgument naming the value.
Result<ColumnMappingMode> ParseColumnMappingMode(const std::map<std::string, std::string>& configuration);

/// The field's delta.columnMapping.id, when present and a valid integer (nullopt otherwise).
std::optional<int64_t> ColumnMappingId(const columnar::Field& f);
/// The field's delta.columnMapping.physicalName, when present.
std::optional<std::string> PhysicalName(const columnar::Field& f);

/// The schema the data files use. kNone: a schema with the same fields. kName/kId: every struct
/// field (top level, nested structs, structs inside list elements and map keys/values,
/// recursively) renamed to its physical name; in kId mode each such field also gets
/// "PARQUET:field_id" = its column mapping id (replacing an existing one). Other metadata is kept.
/// Errors: CorruptData naming the field path when a field has no physical name (or, in kId mode,
/// no valid column mapping id, or an id outside int32).
Result<columnar::SchemaPtr> PhysicalSchema(const columnar::Schema& logical, ColumnMappingMode mode);

/// The physical type of one logical type (same rules as PhysicalSchema, for nested types).
Result<columnar::TypePtr> PhysicalType(const columnar::TypePtr& logical, ColumnMappingMode mode,
                                       const std::string& path = "");

}  // namespace delta::schema
