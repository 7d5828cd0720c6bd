// Change data feed (CDF) reads: the row-level changes of a table between two versions
// (PROTOCOL.md "Add CDC File", "Change Data Files", "Writer Requirements for Change Data Feed").
//
//   DELTA_ASSIGN_OR_RAISE(auto table, delta::table::Table::Open("/data/events"));
//   DELTA_ASSIGN_OR_RAISE(auto reader, ReadChangeDataFeed(table, {.start_version = 3}));
//   while (true) { DELTA_ASSIGN_OR_RAISE(auto batch, reader->Next()); if (!batch) break; ... }
//
// Per commit in [start, end] (the rules of Delta Spark and delta-kernel-rs):
//   - a commit with `cdc` actions: its changes are exactly the rows of those change data files,
//     which carry `_change_type` (insert, delete, update_preimage, update_postimage) themselves;
//   - otherwise `add` actions with dataChange=true are inserts (live rows: the add's deletion
//     vector applied) and `remove` actions with dataChange=true are deletes (the removed file is
//     read, its own deletion vector applied);
//   - an add and a remove of the same path in one commit (a deletion vector update): rows the
//     new DV deletes that the old one did not are deletes, rows the old DV deleted that the new
//     one does not are inserts (restores); nothing else of that file is a change.
// Actions with dataChange=false (compaction, ...) are not changes.
//
// `_commit_timestamp` is the commit's in-commit timestamp when its commitInfo carries one
// (PROTOCOL.md "In-Commit Timestamps"), else the modification time of the commit file, as Delta
// Spark and delta-kernel-rs do. delta-rs instead uses commitInfo.timestamp (the writer's clock,
// which survives copying the table); CommitTimestampSource::kCommitInfo selects that.
// Thread-safety: ReadChangeDataFeed may be called from any thread; each reader it returns is
// single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/dv/deletion_vector.h"
#include "delta/protocol/actions.h"
#include "delta/table/table.h"
#include "delta/util/result.h"

namespace delta::scan {

inline constexpr char kChangeTypeColumn[] = "_change_type";
inline constexpr char kCommitVersionColumn[] = "_commit_version";
inline constexpr char kCommitTimestampColumn[] = "_commit_timestamp";

/// Where `_commit_timestamp` comes from when a commit has no in-commit timestamp.
enum class CommitTimestampSource {
  kFileModificationTime,  // Delta Spark, delta-kernel-rs (the default)
  kCommitInfo,            // delta-rs: commitInfo.timestamp, else the file time
};

struct ChangeDataFeedOptions {
  /// First commit whose changes are returned (inclusive).
  int64_t start_version = 0;
  /// Last commit (inclusive); the latest version when unset.
  std::optional<int64_t> end_version;
  /// Columns in output order: table columns (logical names, as of the end version) and/or
  /// `_change_type`, `_commit_version`, `_commit_timestamp`. Empty: every table column followed
  /// by the three change columns.
  std::vector<std::string> columns;
  CommitTimestampSource timestamp_source = CommitTimestampSource::kFileModificationTime;
  /// Decoding threads per file, and files read ahead.
  int num_threads = 2;
  int files_in_flight = 2;
};

/// How the rows of one change file are selected.
enum class ChangeRowSelection {
  kLiveRows,   // every row the file's deletion vector (if any) does not delete
  kDvChanges,  // rows deleted by `rows_in` and not by `rows_not_in` (deletion-vector updates)
};

/// One file whose rows (or some of them) are changes of one commit.
struct ChangeFile {
  int64_t commit_version = 0;
  int64_t commit_timestamp_ms = 0;
  /// "insert" or "delete"; empty for change data (cdc) files, whose rows carry the type.
  std::string change_type;
  /// The file as an add action: path, partition values (as in the log), size, and for
  /// kLiveRows the deletion vector to apply.
  protocol::Add file;
  ChangeRowSelection selection = ChangeRowSelection::kLiveRows;
  /// kDvChanges only: the DV whose rows are selected (never empty) and the DV whose rows are
  /// excluded (absent: none).
  std::optional<dv::DeletionVectorDescriptor> rows_in;
  std::optional<dv::DeletionVectorDescriptor> rows_not_in;
};

/// The resolved change data feed of a version range: the end snapshot (whose schema and
/// partitioning the rows take) and the change files in commit order.
struct ChangeDataFeedPlan {
  table::SnapshotPtr end_snapshot;
  int64_t start_version = 0;
  int64_t end_version = 0;
  std::vector<ChangeFile> files;
};

/// Reads the commits of the range and lists the change files (no data file is opened).
/// Errors:
///  - InvalidArgument: a negative start, start > end, or a start / end beyond the latest version
///    (naming it and the latest);
///  - NotFound: no table, or a commit of the range no longer in the log (naming the version);
///  - Unsupported: change data feed (delta.enableChangeDataFeed) not enabled at the start
///    version or by a metadata action in the range, or a schema in the range that cannot be
///    read as the end version's schema (a column dropped or renamed, its type changed other
///    than by type widening, or its nullability tightened) — each naming the version;
///    a table this library cannot read (Snapshot::CheckReadSupported);
///  - CorruptData: an invalid commit file.
Result<ChangeDataFeedPlan> PlanChangeDataFeed(const std::shared_ptr<table::Table>& table,
                                              const ChangeDataFeedOptions& options);

/// Batches of the selected table columns (logical, at the end version's schema, partition
/// columns materialised, column mapping resolved) plus `_change_type` (string, non-null),
/// `_commit_version` (int64) and `_commit_timestamp` (timestamp[us, UTC]), in commit order.
/// Errors: those of PlanChangeDataFeed; InvalidArgument for an unknown column; while reading,
/// NotFound for a data / change / deletion-vector file that no longer exists (the removed files
/// of a range must still be present) and CorruptData for a change file without a valid
/// `_change_type`, each naming the file and version.
Result<std::unique_ptr<columnar::RecordBatchReader>> ReadChangeDataFeed(const std::shared_ptr<table::Table>& table,
                                                                        const ChangeDataFeedOptions& options);

}  // namespace delta::scan
