// File skipping for scans: partition pruning and statistics-based skipping from one predicate.
// Under column mapping the statistics of an add action are keyed by physical column names, so
// the predicate is rewritten to physical names before it is bound for statistics.
// Thread-safety: immutable after Make(); safe to share.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "delta/columnar/scalar.h"
#include "delta/expr/expression.h"
#include "delta/expr/stats.h"
#include "delta/table/table.h"
#include "delta/util/result.h"

namespace delta::scan {

/// The parsed statistics of one live file (PROTOCOL.md "Per-file Statistics"), keyed by the
/// physical column paths of the snapshot's schema. Parsing happens here, on demand: snapshots
/// keep the raw JSON. CorruptData for a malformed stats document; empty stats when the file has
/// none (or the snapshot was loaded without stats).
Result<expr::FileStats> ParseFileStats(const table::Snapshot& snapshot, const protocol::Add& file);

class FileSkipping {
 public:
  /// Binds `predicate` (logical names) for partition pruning and for statistics. InvalidArgument
  /// when it does not bind against the table schema.
  static Result<std::unique_ptr<FileSkipping>> Make(const table::SnapshotPtr& snapshot, const expr::ExprPtr& predicate);

  /// False only when no row of a file with these partition values can match.
  bool PartitionMayMatch(const std::map<std::string, columnar::Scalar>& values) const;
  /// False only when the file's statistics prove no row can match. Files without statistics
  /// (or with malformed ones) may match.
  Result<bool> StatsMayMatch(const protocol::Add& add) const;

 private:
  FileSkipping() = default;
  expr::ExprPtr partition_bound_;  // bound against the logical schema
  expr::ExprPtr stats_bound_;      // bound against the physical data schema, or null
  columnar::SchemaPtr stats_schema_;
};

}  // namespace delta::scan
