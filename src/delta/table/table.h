// Table and Snapshot: the entry points of libdelta's read path.
//
//   DELTA_ASSIGN_OR_RAISE(auto table, delta::table::Table::Open("/data/events"));
//   DELTA_ASSIGN_OR_RAISE(auto snap, table->GetSnapshot());                 // latest
//   DELTA_ASSIGN_OR_RAISE(auto old, table->GetSnapshot({.version = 42}));   // time travel
//   for (const auto& f : snap->files()) ...
//
// A Snapshot is the immutable state of the table at one version: protocol, metadata, schema,
// live files (stats kept raw and parsed only by whoever asks), application transactions, domain
// metadata and the in-commit timestamp. Refresh() reads only the commits after it.
// Thread-safety: Table and Snapshot are immutable after construction and safe to share.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/columnar/scalar.h"
#include "delta/columnar/type.h"
#include "delta/log/log_replay.h"
#include "delta/log/log_segment.h"
#include "delta/protocol/actions.h"
#include "delta/schema/column_mapping.h"
#include "delta/storage/uri.h"
#include "delta/util/result.h"

namespace delta::table {

class Snapshot;
using SnapshotPtr = std::shared_ptr<const Snapshot>;

struct SnapshotOptions {
  /// Snapshot at this version (time travel); latest when unset.
  std::optional<int64_t> version;
  /// Snapshot at the latest version committed at or before this instant (ms since epoch):
  /// in-commit timestamps where the table enables them, else commit file modification times.
  std::optional<int64_t> timestamp_ms;
  /// Keep per-file statistics (raw JSON). Listing files without them is cheaper.
  bool with_stats = true;
  /// Keep the tombstones (removes still in the snapshot): for checkpoints and vacuum.
  bool with_tombstones = false;
  int num_threads = 2;
};

struct HistoryEntry {
  int64_t version = 0;
  /// In-commit timestamp when present, else commitInfo.timestamp, else the file time.
  int64_t timestamp_ms = 0;
  /// The commitInfo action (minified JSON); "{}" when the commit has none.
  std::string commit_info_json = "{}";
  std::optional<std::string> operation;
};

class Table {
 public:
  /// Resolves the table location; does not touch the log (a missing table is reported by
  /// GetSnapshot). InvalidArgument / Unsupported for a URI no store can serve.
  static Result<std::shared_ptr<Table>> Open(std::string_view uri, const storage::StorageOptions& options = {});

  const storage::Location& location() const { return location_; }
  std::string uri() const { return location_.uri(); }

  /// Loads a snapshot. Errors: NotFound (no table / no such version), CorruptData (invalid log,
  /// naming the file and version), InvalidArgument (both version and timestamp given, or a
  /// timestamp before the first commit).
  Result<SnapshotPtr> GetSnapshot(const SnapshotOptions& options = {}) const;

  /// Commit history, newest first, at most `limit` entries (all when unset). Reads commit files
  /// only for the versions returned.
  Result<std::vector<HistoryEntry>> History(std::optional<int64_t> limit = {}) const;

  /// The latest version whose commit timestamp is <= timestamp_ms.
  Result<int64_t> VersionAtTimestamp(int64_t timestamp_ms) const;

 private:
  explicit Table(storage::Location location, storage::StorageOptions options)
      : location_(std::move(location)), options_(std::move(options)) {}
  storage::Location location_;
  storage::StorageOptions options_;
};

class Snapshot : public std::enable_shared_from_this<Snapshot> {
 public:
  int64_t version() const { return segment_.version; }
  /// Commit timestamp of this version (ms): the in-commit timestamp when enabled, else the
  /// modification time of the commit (or checkpoint) file.
  int64_t timestamp_ms() const { return timestamp_ms_; }
  const storage::Location& table_root() const { return table_root_; }
  const protocol::Protocol& protocol() const { return *state_.protocol; }
  const protocol::Metadata& metadata() const { return *state_.metadata; }
  const std::map<std::string, std::string>& configuration() const { return state_.metadata->configuration; }
  /// The logical schema (Delta names; column-mapping metadata kept on the fields).
  const columnar::SchemaPtr& schema() const { return schema_; }
  const std::vector<std::string>& partition_columns() const { return state_.metadata->partition_columns; }
  schema::ColumnMappingMode column_mapping_mode() const { return mapping_mode_; }
  /// Live files after log replay.
  const std::vector<protocol::Add>& files() const { return state_.files; }
  /// Tombstones (only when loaded with SnapshotOptions::with_tombstones; else empty).
  const std::vector<protocol::Remove>& tombstones() const { return state_.tombstones; }
  const SnapshotOptions& options() const { return options_; }
  const log::LogSegment& segment() const { return segment_; }
  /// Sum of live rows (numRecords minus DV cardinalities); nullopt when a file has no stats.
  std::optional<int64_t> NumRows() const;

  /// Last committed version of an application's transactions (txn action), if any.
  std::optional<int64_t> TransactionVersion(const std::string& app_id) const;
  const std::map<std::string, protocol::SetTransaction>& transactions() const { return state_.transactions; }
  const std::map<std::string, protocol::DomainMetadata>& domains() const { return state_.domains; }

  /// Typed partition values of a file, by logical partition column name (the log keys them by
  /// physical name under column mapping). InvalidArgument naming the column and value.
  Result<std::map<std::string, columnar::Scalar>> PartitionValues(const protocol::Add& file) const;

  /// OK when this library can return exactly the table's rows: supported reader version and
  /// features, no variant / unsupported types in the schema. Unsupported naming what is missing.
  Status CheckReadSupported() const;

  /// A snapshot at the latest version, reading only the commits after this one (and re-listing
  /// from this version). Returns this snapshot when nothing new was committed.
  Result<SnapshotPtr> Refresh() const;

  /// For the Table implementation.
  static Result<SnapshotPtr> Make(storage::Location table_root, log::LogSegment segment, log::ReplayState state,
                                  const SnapshotOptions& options);

 private:
  Snapshot() = default;
  storage::Location table_root_;
  log::LogSegment segment_;
  log::ReplayState state_;
  columnar::SchemaPtr schema_;
  schema::ColumnMappingMode mapping_mode_ = schema::ColumnMappingMode::kNone;
  int64_t timestamp_ms_ = 0;
  SnapshotOptions options_;
};

}  // namespace delta::table
