// Checkpoints and log cleanup (PROTOCOL.md "Checkpoints", "Last Checkpoint File",
// "Metadata Cleanup"): writing the state of a snapshot as a Parquet checkpoint (classic single
// file, multi-part, or a v2 UUID-named checkpoint when the table has the v2Checkpoint feature),
// updating `_delta_log/_last_checkpoint`, and deleting log files past the log retention.
//
// The checkpoint schema is the one Spark writes (top-level nullable structs txn, add, remove,
// metaData, protocol, domainMetadata, and checkpointMetadata for v2; one action per row with
// exactly one struct non-null), so other engines read our checkpoints and we read theirs.
// Thread-safety: the functions are safe from any thread. Concurrent writers of the same
// checkpoint version are harmless (each file appears atomically with identical content).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "delta/table/table.h"
#include "delta/util/result.h"

namespace delta::txn {

struct CheckpointOptions {
  /// Write add.stats as the JSON string. Default: table configuration
  /// delta.checkpoint.writeStatsAsJson (true when absent).
  std::optional<bool> write_stats_as_json;
  /// Write add.stats_parsed (typed by the physical data schema) and add.partitionValues_parsed.
  /// Default: delta.checkpoint.writeStatsAsStruct (false when absent).
  std::optional<bool> write_stats_as_struct;
  /// 0: one file (classic, or v2). > 0: a multi-part checkpoint with at most this many actions
  /// per part (ignored for v2 checkpoints, which are always one file here).
  int64_t rows_per_part = 0;
};

/// Writes a checkpoint of `snapshot` at its version and then `_last_checkpoint` (unless the hint
/// already names a newer checkpoint). The snapshot must have been loaded with with_stats=true and
/// with_tombstones=true. Tombstones older than delta.deletedFileRetentionDuration (default
/// "interval 1 week") are dropped. A checkpoint that already exists at that version is left
/// alone. Returns the checkpointed version.
/// Errors: InvalidArgument for a null snapshot, one loaded without stats or tombstones, or an
/// unparsable retention / boolean setting in the table configuration; IOError from the store.
Result<int64_t> WriteCheckpoint(const table::SnapshotPtr& snapshot, const CheckpointOptions& options = {});

/// Deletes the commit, checksum, compaction and checkpoint files whose version is below the
/// newest complete checkpoint at or before the newest commit older than
/// now - delta.logRetentionDuration (default "interval 30 days"), so that every version kept
/// stays reconstructible (PROTOCOL.md "Metadata Cleanup"). Only checkpoints at or before the
/// snapshot's version are considered. Sidecar files are not touched. On the local store it also
/// deletes the temporary files crashed writes left in the table directory tree (commits,
/// _last_checkpoint, checkpoints, data files: storage::RemoveStaleTempFiles) that are older than
/// the same retention. Returns the number of files deleted (log files plus temporary files).
/// `now_ms` (ms since the epoch) defaults to the current time. Transactions run it after each
/// interval checkpoint unless delta.enableExpiredLogCleanup is false (as Spark does).
/// Errors: InvalidArgument for a null snapshot or an unparsable retention; IOError from the store.
Result<int64_t> CleanupExpiredLogs(const table::SnapshotPtr& snapshot, std::optional<int64_t> now_ms = {});

/// Parses a Spark calendar interval as used by the retention settings: "interval 30 days",
/// "interval 1 week", "2 hours", "interval 1 day 12 hours" (units week, day, hour, minute, second,
/// millisecond, microsecond, singular or plural, case-insensitive). Returns milliseconds.
/// InvalidArgument naming the text for anything else, a negative amount, or an overflow.
Result<int64_t> ParseIntervalMs(std::string_view text);

}  // namespace delta::txn
