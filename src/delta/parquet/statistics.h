// Column-chunk statistics: decoding min/max values from their PLAIN byte form
// (parquet.thrift "Statistics"), comparing them in the column's sort order (LogicalTypes.md
// "Sort Order"), encoding values into that byte form (for the writer), and selecting the row
// groups that may contain rows matching a simple predicate.
//
// Which min/max a reader may trust (parquet.thrift notes on Statistics and ColumnOrder):
//   - min_value/max_value follow the column's sort order when the file declares TYPE_ORDER for
//     the column in FileMetaData.column_orders. Without column_orders we trust them only where
//     the sort order is signed (no writer ever disagreed there).
//   - the deprecated min/max were computed with signed comparison: used only for columns whose
//     sort order is signed (never for BYTE_ARRAY/FLBA/unsigned, where it may disagree).
//   - INT96 has no defined order: never used. Float min/max containing NaN are ignored.
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "delta/parquet/schema.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

/// How statistics of a column compare (LogicalTypes.md "Sort Order").
enum class StatsSortOrder : uint8_t {
  kUnknown,        // no usable order (INT96, INTERVAL, unknown logical types)
  kBoolean,        // false < true
  kSigned32,       // INT32 (incl. INT_8/16/32, DATE, TIME_MILLIS, DECIMAL)
  kUnsigned32,     // INT32 with UINT_8/16/32
  kSigned64,       // INT64
  kUnsigned64,     // INT64 with UINT_64
  kFloat,          // IEEE 754 float, NaN excluded
  kDouble,
  kBytesUnsigned,  // BYTE_ARRAY / FLBA: lexicographic unsigned bytes (strings, binary, UUID)
  kBytesSigned,    // DECIMAL on BYTE_ARRAY / FLBA: big-endian two's complement
};

/// The sort order of a leaf column.
StatsSortOrder SortOrderOf(const ColumnDescriptor& column);
/// Whether the sort order is "signed" in the sense of the deprecated min/max fields.
bool IsSignedOrder(StatsSortOrder order);

/// Compares two encoded statistic values (PLAIN bytes, no length prefix for byte arrays) in
/// `order`: negative, zero or positive. CorruptData when a fixed-width value has the wrong size;
/// Unsupported for kUnknown.
Result<int> CompareStatValues(StatsSortOrder order, std::string_view a, std::string_view b);

// ---- encoding values into statistics bytes (what the writer stores in min_value/max_value)
inline std::string EncodeStatBool(bool v) { return std::string(1, v ? '\1' : '\0'); }
std::string EncodeStatInt32(int32_t v);
std::string EncodeStatInt64(int64_t v);
std::string EncodeStatFloat(float v);
std::string EncodeStatDouble(double v);
/// BYTE_ARRAY / FLBA values are stored as their raw bytes.
inline std::string EncodeStatBytes(std::string_view v) { return std::string(v); }
/// A decimal's unscaled value as big-endian two's complement in `width` bytes (FLBA), or in the
/// fewest bytes that hold it when width is 0 (BYTE_ARRAY).
std::string EncodeStatDecimal(__int128 unscaled, int width = 0);

/// A predicate literal. Integers (incl. dates, timestamps, decimals' unscaled values) are
/// int64 or, for values beyond int64 (unsigned 64 / wide decimals), __int128; strings/binary are
/// std::string.
using StatValue = std::variant<bool, int64_t, __int128, double, std::string>;

/// Encodes `value` in the statistics byte form of `column` (INT32 range-checked, decimals
/// rescaled nowhere: pass the unscaled value). InvalidArgument when the literal does not fit the
/// column's type.
Result<std::string> EncodeStatValue(const ColumnDescriptor& column, const StatValue& value);

enum class CompareOp : uint8_t { kEq, kLt, kLe, kGt, kGe, kIsNull, kIsNotNull };

/// The statistics of one column chunk as a reader may use them.
struct ColumnChunkStats {
  std::optional<std::string> min;  // only set when trustworthy (see the header comment)
  std::optional<std::string> max;
  std::optional<int64_t> null_count;
  int64_t num_values = 0;  // ColumnMetaData.num_values (levels, incl. nulls)
};

/// Extracts the trustworthy statistics of leaf `column_index` in `row_group`.
ColumnChunkStats GetChunkStats(const FileMetaData& md, const SchemaDescriptor& descr, int row_group, int column_index);

/// Whether rows of a row group with statistics `stats` may satisfy `column op value`
/// (true = must read; false = may skip). Conservative: missing or untrusted statistics mean true.
Result<bool> MayMatch(const ColumnDescriptor& column, const ColumnChunkStats& stats, CompareOp op, const StatValue& value);

/// A simple predicate on one leaf column, by dotted Parquet path.
struct ColumnPredicate {
  std::string column;
  CompareOp op = CompareOp::kEq;
  StatValue value;
};

/// Indices of the row groups that may contain rows satisfying every predicate (AND).
/// InvalidArgument naming an unknown column or a literal that does not fit it; CorruptData for a
/// malformed schema.
Result<std::vector<int>> SelectRowGroups(const FileMetaData& md, const std::vector<ColumnPredicate>& predicates);
Result<std::vector<int>> SelectRowGroups(const FileMetaData& md, const std::string& column, CompareOp op,
                                         const StatValue& value);

}  // namespace delta::parquet
