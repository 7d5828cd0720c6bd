// Log replay: the one path that turns a LogSegment (JSON commits + a classic, multi-part or v2
// checkpoint with sidecars) into the state of a snapshot (PROTOCOL.md "Action Reconciliation").
//
// Commits are read newest to oldest, then the checkpoint; every file action is keyed by its
// canonical path and deletion-vector id, and the first (newest) action seen for a key wins: an add
// makes the file live, a remove is a tombstone hiding older adds. The newest protocol and
// metaData win; txn keeps the newest version per appId; domainMetadata the newest per domain
// (removed domains dropped). Checkpoint files contribute only what a snapshot needs (removes in a
// checkpoint cannot hide anything older, so they are not decoded).
// Thread-safety: ReplayLog is safe from any thread; it may decode checkpoint parts in parallel.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/log/log_segment.h"
#include "delta/protocol/actions.h"
#include "delta/util/result.h"

namespace delta::log {

struct ReplayOptions {
  /// Keep add.stats (raw JSON). Off: stats are neither read from checkpoints nor kept.
  bool keep_stats = true;
  /// Threads for decoding checkpoint parts / sidecars.
  int num_threads = 2;
  /// Keep the remove actions that are still tombstones of the snapshot (what a checkpoint writer
  /// and vacuum need). Off: checkpoint removes are not decoded beyond their keys.
  bool keep_tombstones = false;
};

struct ReplayState {
  std::optional<protocol::Protocol> protocol;
  std::optional<protocol::Metadata> metadata;
  std::vector<protocol::Add> files;  // live files, no particular order
  /// Removes not superseded by a newer add (only with ReplayOptions::keep_tombstones).
  std::vector<protocol::Remove> tombstones;
  std::map<std::string, protocol::SetTransaction> transactions;
  std::map<std::string, protocol::DomainMetadata> domains;
  /// commitInfo of the snapshot's own version (when that version is a JSON commit with one).
  std::optional<protocol::CommitInfo> latest_commit_info;
};

/// Replays the segment. Errors: CorruptData naming the file (and line or row) for malformed
/// commits, checkpoints or sidecars; NotFound for a missing sidecar; CorruptData when the
/// snapshot has no protocol or no metaData action.
Result<ReplayState> ReplayLog(const storage::Location& table_root, const LogSegment& segment,
                              const ReplayOptions& options = {});

/// The state after applying `new_commits` (ascending, contiguous after the base state's version)
/// on top of `base`: what Snapshot::Refresh needs, reading only the new commit files.
Result<ReplayState> ReplayIncremental(const storage::Location& table_root, const ReplayState& base,
                                      const std::vector<LogFile>& new_commits, const ReplayOptions& options = {});

/// The key two file actions are reconciled by: the path percent-decoded, `file:` URIs reduced to
/// their path, absolute paths inside the table root made relative, then the DV unique id.
std::string FileActionKey(std::string_view table_root_path, std::string_view path,
                          const std::optional<dv::DeletionVectorDescriptor>& dv);

/// Reads the actions of one checkpoint file (classic/multi-part Parquet, v2 JSON or Parquet, or
/// a sidecar Parquet file). For Parquet, only the columns replay needs are decoded.
Result<std::vector<protocol::Action>> ReadCheckpointFile(const storage::Location& file, bool is_json,
                                                         const ReplayOptions& options);

}  // namespace delta::log
