// Per-file statistics of the data files we write (PROTOCOL.md "Per-file Statistics"): numRecords,
// minValues, maxValues and nullCount, collected batch by batch while a file is written and
// rendered as the JSON string of add.stats, in the shape Spark writes:
//   {"numRecords":3,"minValues":{"a":1,"s":{"x":"abc"}},"maxValues":{...},"nullCount":{...}}
//
// Which columns: the first `num_indexed_cols` leaf columns of the data schema in schema order
// (a field of a nested struct is a leaf; a list or map counts as one leaf; -1 = all), or exactly
// the columns named by `stats_columns` when given (a struct name selects all its leaves).
// Partition columns are not in the data schema, so never get statistics (like Spark).
//
// Values, keyed by PHYSICAL names (the names in the data files):
//   - byte/short/int/long: JSON numbers; float/double: shortest round-trip numbers; NaN makes
//     the max "NaN" (Spark orders NaN above everything) and is skipped for the min unless every
//     value is NaN; infinities as "Infinity" / "-Infinity" strings (what our reader and Spark
//     accept);
//   - decimal: JSON number with exactly `scale` fraction digits;
//   - date: "YYYY-MM-DD"; timestamp: "YYYY-MM-DDTHH:MM:SS.mmmZ", timestamp_ntz the same without
//     'Z'. Stats carry milliseconds: the min is truncated down, the max rounded UP to the next
//     millisecond when it has sub-millisecond digits, so both stay bounds for every reader;
//   - string: at most 32 code points. The min is the prefix (a lower bound). A longer max becomes
//     prefix + U+FFFD, where the prefix is extended (up to 64 code points) until the next
//     character is below U+FFFD so the result is an upper bound in UTF-8 byte order; when no
//     such character exists the max is left out. Strings that are not valid UTF-8 get no min/max;
//   - boolean, binary, list, map: nullCount only.
// nullCount counts a nested leaf as null when it or any enclosing struct is null.
// Thread-safety: one collector per file being written, used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::txn {

/// Maximum number of code points kept in string min/max statistics (Spark's default
/// spark.databricks.delta.stats.prefixLength... = 32).
inline constexpr int kStatsStringPrefixLength = 32;

class StatsCollector {
 public:
  /// `logical_data_schema` and `physical_data_schema` describe the same data-file columns (same
  /// order and shape; the physical one has the physical names under column mapping).
  /// `stats_columns` are logical column names, dot-separated for nested fields (backticks quote a
  /// name containing dots). InvalidArgument naming a stats column that does not exist or a
  /// num_indexed_cols below -1.
  static Result<std::unique_ptr<StatsCollector>> Make(const columnar::Schema& logical_data_schema,
                                                      const columnar::Schema& physical_data_schema,
                                                      int num_indexed_cols,
                                                      const std::optional<std::vector<std::string>>& stats_columns);
  ~StatsCollector();

  /// Adds the rows of `batch` (columns in the data schema's order and types; names are not
  /// checked). InvalidArgument when the column count or a column type does not fit.
  Status Update(const columnar::RecordBatch& batch);

  /// The add.stats JSON of everything added since construction / the last Reset().
  std::string ToJson() const;
  /// Forgets every value (for the next file).
  void Reset();
  int64_t num_records() const { return num_records_; }

  /// Physical paths of the leaves that get statistics, in schema order (for tests/diagnostics).
  std::vector<std::vector<std::string>> StatsColumnPaths() const;

  struct Leaf;
  struct Node;

 private:
  StatsCollector();
  std::vector<Leaf> leaves_;
  std::unique_ptr<Node> root_;
  int64_t num_records_ = 0;
};

/// Renders `s` as a JSON string literal (quotes included; control characters, '"' and '\\'
/// escaped; other bytes copied).
void AppendJsonString(std::string* out, std::string_view s);

}  // namespace delta::txn
