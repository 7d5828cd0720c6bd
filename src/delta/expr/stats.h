// Per-file statistics of Delta add actions (PROTOCOL.md "Per-file Statistics"), typed with the
// table's (physical) schema, for data skipping (data_skipping.h).
//
// JSON shape: {"numRecords": N, "tightBounds": bool, "minValues": {...}, "maxValues": {...},
// "nullCount": {...}}; the per-column objects mirror the schema, nested structs as nested objects.
// Value conversion by column type:
//   - integers, floats: JSON numbers (float columns also "NaN" / "Infinity" / "-Infinity"); float32
//     values are read as float so they equal the stored values
//   - decimal: JSON number, read from its text exactly (never through a double); a value with more
//     fractional digits than the column is rounded outward (min down, max up)
//   - date: "YYYY-MM-DD"; timestamp / timestamp_ntz: ISO-8601 text ("2021-01-01T10:00:00.123Z").
//     Writers truncate timestamps to milliseconds, so a max must be widened by 999 us before it can
//     bound values: Max() returns the value as written, data_skipping.h widens it
//   - string / binary: JSON string. Writers may truncate strings to a prefix: a min is still a
//     lower bound; a max M only bounds values when the compared value L satisfies M < L and M is not
//     a prefix of L (data_skipping.h applies that rule)
//   - bool: JSON true/false
// Entries that are missing, of the wrong JSON type or out of range are absent, never an error.
// Thread-safety: FileStats is an immutable value after parsing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/columnar/scalar.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::expr {

struct ColumnStats {
  std::optional<columnar::Scalar> min;
  std::optional<columnar::Scalar> max;
  std::optional<int64_t> null_count;  // as written
};

struct FileStats {
  std::optional<int64_t> num_records;
  /// false: min/max are only bounds (not attained), and null counts other than 0 and
  /// num_records carry no information (PROTOCOL.md, deletion vectors).
  bool tight_bounds = true;
  /// Keyed by the column path in the schema given to ParseStatsJson (physical names).
  std::map<std::vector<std::string>, ColumnStats> columns;

  std::optional<columnar::Scalar> Min(const std::vector<std::string>& path) const;
  std::optional<columnar::Scalar> Max(const std::vector<std::string>& path) const;
  /// The null count when it carries information: always with tight bounds; with wide bounds only
  /// the values 0 and num_records.
  std::optional<int64_t> NullCount(const std::vector<std::string>& path) const;
  /// True when every valid row of the file is null in this column (null count == num_records).
  bool AllNull(const std::vector<std::string>& path) const;
  /// True when no valid row is null in this column (null count == 0).
  bool NoNulls(const std::vector<std::string>& path) const;
};

/// Parses the `stats` JSON string of an add action. CorruptData when the text is not a JSON
/// object; every unusable entry is just left out.
Result<FileStats> ParseStatsJson(std::string_view json, const columnar::Schema& schema);

}  // namespace delta::expr
