// Maps a columnar schema to the flattened Parquet schema (a depth-first list of SchemaElements,
// apache/parquet-format LogicalTypes.md) and describes every leaf column the writer produces:
// its path, physical type, maximum definition/repetition levels and how to reach its values
// from the top-level array (the steps the level shredder follows).
// Thread-safety: plain values, immutable once built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "delta/columnar/type.h"
#include "delta/parquet/statistics.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet::writer {

/// One node on the way from a top-level column to a leaf. The shredder visits these in order.
struct ShredStep {
  enum Kind : uint8_t { kLeaf, kStruct, kList, kMap };
  Kind kind = kLeaf;
  /// Whether this node's field is nullable (adds one definition level).
  bool nullable = false;
  /// kStruct: index of the child on the path. kMap: 0 = key, 1 = value.
  int child = 0;
  /// kList/kMap: repetition level of the repeated group this node introduces.
  int16_t rep_level = 0;
};

/// How the columnar values of a leaf are turned into Parquet physical values.
enum class ValueKind : uint8_t {
  kNull,         // null type: no values, every slot null
  kBool,         // bitmap -> BOOLEAN
  kInt8,         // -> INT32 (sign-extended)
  kInt16,
  kInt32,        // int32, date32, time32(ms)
  kUInt8,        // -> INT32 (zero-extended)
  kUInt16,
  kUInt32,       // -> INT32 (bit pattern)
  kInt64,        // int64, uint64, timestamp, time64
  kTime32Sec,    // time32(s) -> INT32 millis
  kTimestampSec, // timestamp(s) -> INT64 millis
  kFloat,
  kDouble,
  kDecimalInt32,  // decimal128 with precision <= 9
  kDecimalInt64,  // decimal128 with precision <= 18
  kDecimalFlba,   // decimal128 -> big-endian FIXED_LEN_BYTE_ARRAY of type_length bytes
  kFixedBinary,   // fixed_size_binary -> FLBA
  kBinary,        // string/binary, int32 offsets
  kLargeBinary,   // large_string/large_binary, int64 offsets
};

struct LeafColumn {
  /// path_in_schema, e.g. {"a", "list", "element"}.
  std::vector<std::string> path;
  /// Dot-joined path (the key of WriterProperties::column_encodings).
  std::string dotted_path;
  /// Index of the top-level field this leaf belongs to.
  int top_level_field = 0;
  std::vector<ShredStep> steps;  // last one is kLeaf
  Type physical_type = Type::INT32;
  int32_t type_length = 0;  // FIXED_LEN_BYTE_ARRAY only
  int16_t max_def = 0;
  int16_t max_rep = 0;
  columnar::TypePtr leaf_type;
  bool leaf_nullable = false;
  ValueKind value_kind = ValueKind::kInt32;
  /// Order used for min/max statistics (LogicalTypes.md "Sort Order"; shared with the reader).
  StatsSortOrder stats_order = StatsSortOrder::kUnknown;
  /// Whether the column's string values are UTF-8 (statistics truncation keeps them valid).
  bool is_utf8 = false;
  /// Index into ParquetSchema::elements of the leaf element.
  int element_index = 0;
};

struct ParquetSchema {
  std::vector<SchemaElement> elements;  // elements[0] is the root
  std::vector<LeafColumn> leaves;       // in schema (depth-first) order
  /// For each top-level field, the range [first, first+count) of its leaves.
  std::vector<std::pair<int, int>> field_leaves;
};

/// Builds the Parquet schema. InvalidArgument for a struct without fields, a map whose entries
/// are not a two-field struct, a decimal precision outside 1..38, a bad "PARQUET:field_id";
/// Unsupported for types Parquet cannot represent.
Result<ParquetSchema> ToParquetSchema(const columnar::Schema& schema);

/// Smallest number of bytes holding a two's complement decimal of `precision` digits.
int32_t DecimalBytesForPrecision(int32_t precision);

}  // namespace delta::parquet::writer
