// Scans: plan the files of a snapshot that can hold matching rows (partition pruning and
// statistics-based skipping from a predicate), then read them into record batches of the
// table's logical schema: partition columns materialised with their types, deletion vectors
// applied, column mapping (name and id) resolved, file types coerced to the table's types (type
// widening, timestamp units), columns missing from older files as nulls.
//
//   DELTA_ASSIGN_OR_RAISE(auto scan, ScanBuilder(snapshot).WithColumns({"a", "p"})
//                                        .WithPredicateSql("a > 3 AND p IN ('x', 'y')").Build());
//   DELTA_ASSIGN_OR_RAISE(auto files, scan->PlanFiles());   // metadata only
//   DELTA_ASSIGN_OR_RAISE(auto reader, scan->Execute());    // batches, streaming
//
// Planning is separate from reading so an engine can plan once and read files in parallel
// itself (ReadFile). Execute() reads a bounded number of files ahead (files_in_flight), never
// the whole table.
// Thread-safety: a Scan is immutable and may be shared; each reader it hands out is
// single-threaded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/c_abi.h"
#include "delta/columnar/scalar.h"
#include "delta/dv/deletion_vector.h"
#include "delta/expr/expression.h"
#include "delta/table/table.h"
#include "delta/util/result.h"

namespace delta::scan {

/// One file the scan will read.
struct ScanFile {
  const protocol::Add* add = nullptr;  // points into the snapshot (kept alive by the Scan)
  std::map<std::string, columnar::Scalar> partition_values;  // by logical column name
};

struct ScanMetrics {
  int64_t files_total = 0;
  int64_t files_pruned_by_partition = 0;
  int64_t files_skipped_by_stats = 0;
};

/// Options of Scan::ReadFile beyond the scan's own settings (change data feed and engines that
/// need other row selections than "live rows").
struct ReadFileOptions {
  /// Apply the deletion vector of the file's add action (the default). Off: every physical row
  /// of the file is a candidate.
  bool apply_deletion_vector = true;
  /// Called once per row group, after the deletion vector and before the row filter, with the
  /// file row index of the group's first row, its row count and the keep bitmap (LSB-first, one
  /// bit per row, ceil(n / 8) bytes): clears the bits of rows to drop. An error fails the read.
  std::function<Status(int64_t first_row, int64_t num_rows, uint8_t* keep)> row_mask;
  /// Columns read from the file by exact (physical) name and appended after the output columns,
  /// coerced to the given types; nulls when the file lacks one (e.g. `_change_type` of CDC files).
  std::vector<columnar::FieldPtr> extra_file_columns;
};

/// Loads the deletion vector `d` of `data_file` (named in errors) stored relative to the table
/// `root` or inline (PROTOCOL.md "Deletion Vectors"). NotFound for a missing DV file,
/// CorruptData for undecodable content.
Result<dv::DeletedRows> LoadDeletionVector(const storage::Location& root, const dv::DeletionVectorDescriptor& d,
                                           const std::string& data_file);

class Scan;

class ScanBuilder {
 public:
  explicit ScanBuilder(table::SnapshotPtr snapshot) : snapshot_(std::move(snapshot)) {}
  /// Top-level logical column names, in output order; empty = every column.
  ScanBuilder& WithColumns(std::vector<std::string> columns) {
    columns_ = std::move(columns);
    return *this;
  }
  /// A predicate over logical column names (unbound).
  ScanBuilder& WithPredicate(expr::ExprPtr predicate) {
    predicate_ = std::move(predicate);
    return *this;
  }
  /// A predicate in the SQL-like syntax of expr/parser.h.
  ScanBuilder& WithPredicateSql(std::string sql) {
    predicate_sql_ = std::move(sql);
    return *this;
  }
  /// Apply the predicate to rows too (default). Off: only files are skipped, every row of the
  /// surviving files is returned.
  ScanBuilder& WithRowFiltering(bool on) {
    filter_rows_ = on;
    return *this;
  }
  /// Threads decoding a file's columns; files read ahead concurrently.
  ScanBuilder& WithThreads(int n) {
    num_threads_ = n;
    return *this;
  }
  ScanBuilder& WithFilesInFlight(int n) {
    files_in_flight_ = n;
    return *this;
  }

  /// Validates everything: the table must be readable (CheckReadSupported), columns must exist
  /// (InvalidArgument naming the unknown one), the predicate must parse and bind.
  Result<std::shared_ptr<Scan>> Build() const;

 private:
  table::SnapshotPtr snapshot_;
  std::vector<std::string> columns_;
  expr::ExprPtr predicate_;
  std::optional<std::string> predicate_sql_;
  bool filter_rows_ = true;
  int num_threads_ = 2;
  int files_in_flight_ = 2;
};

class Scan {
 public:
  /// The schema of the batches: the selected logical columns (partition columns included).
  const columnar::SchemaPtr& schema() const { return output_schema_; }
  const table::SnapshotPtr& snapshot() const { return snapshot_; }

  /// The files that may hold matching rows (metadata only; no data file is opened).
  /// Errors: InvalidArgument / CorruptData for malformed partition values, naming the file.
  Result<std::vector<ScanFile>> PlanFiles(ScanMetrics* metrics = nullptr) const;

  /// Reads one planned file completely into batches (one per row group), with deletion vector,
  /// partition columns, mapping and the row filter applied. Errors name the file: NotFound for
  /// a missing data or deletion-vector file, CorruptData for undecodable content.
  Result<std::vector<columnar::RecordBatchPtr>> ReadFile(const ScanFile& file) const;
  /// ReadFile with other row selections / extra file columns (see ReadFileOptions). The batches'
  /// schema is schema() followed by options.extra_file_columns. Same errors as ReadFile.
  Result<std::vector<columnar::RecordBatchPtr>> ReadFile(const ScanFile& file, const ReadFileOptions& options) const;

  /// Plans and streams every matching row; files are read ahead up to files_in_flight.
  Result<std::unique_ptr<columnar::RecordBatchReader>> Execute() const;

  /// Execute() exported through the Arrow C Stream interface; the stream keeps this scan (and
  /// its snapshot) alive until released.
  Status ExportToArrowStream(ArrowArrayStream* out) const;

  // Internal state, built by ScanBuilder::Build().
  struct State;
  explicit Scan(std::shared_ptr<const State> state);

 private:
  std::shared_ptr<const State> state_;
  table::SnapshotPtr snapshot_;
  columnar::SchemaPtr output_schema_;
};

}  // namespace delta::scan
