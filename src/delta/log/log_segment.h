// The files of `_delta_log/` and the log segment of one snapshot (PROTOCOL.md "Delta Log
// Entries", "Checkpoints", "Log Compaction Files", "Version Checksum File", "Last Checkpoint File").
//
// A LogSegment holds exactly what a snapshot at `version` needs, and states its invariants:
//   - checkpoint_parts is empty (replay from version 0) or is one complete checkpoint at
//     checkpoint_version <= version: a classic single file, every part of a multi-part
//     checkpoint, or one v2 checkpoint (UUID-named, JSON or Parquet top-level file);
//   - commits are the JSON commits checkpoint_version+1 .. version (0 .. version without a
//     checkpoint), ascending and contiguous.
// Building one lists the log once (from the `_last_checkpoint` hint when it helps), tolerates
// stale or corrupt hints, and refuses version gaps, missing checkpoint parts and versions that
// cannot be reconstructed with a message naming the version and the log directory.
// Thread-safety: plain values; BuildLogSegment is safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/storage/uri.h"
#include "delta/util/result.h"

namespace delta::log {

enum class LogFileType {
  kCommit,               // 00000000000000000010.json
  kClassicCheckpoint,    // 00000000000000000010.checkpoint.parquet
  kMultiPartCheckpoint,  // 00000000000000000010.checkpoint.0000000001.0000000003.parquet
  kV2Checkpoint,         // 00000000000000000010.checkpoint.<uuid>.json|parquet
  kCompaction,           // 00000000000000000004.00000000000000000006.compacted.json
  kChecksum,             // 00000000000000000010.crc
};

struct LogFile {
  storage::ObjectMeta meta;  // key is the full key in the store
  LogFileType type = LogFileType::kCommit;
  int64_t version = 0;
  int64_t end_version = 0;  // compaction files: last version covered
  int32_t part = 0;         // multi-part: 1-based part number
  int32_t num_parts = 0;    // multi-part: total parts
  bool is_json = false;     // v2 checkpoints: JSON (else Parquet) top-level file
  std::string_view file_name() const;
};

/// Parses a file name inside `_delta_log/` (no directory). nullopt for names that are not log
/// files (temporary files, `_last_checkpoint`, unknown extensions).
std::optional<LogFile> ParseLogFileName(std::string_view file_name, const storage::ObjectMeta& meta);

/// "00000000000000000010.json"
std::string CommitFileName(int64_t version);

struct LastCheckpointHint {
  int64_t version = 0;
  int64_t size = 0;
  std::optional<int64_t> parts;
};

/// Reads `_delta_log/_last_checkpoint`. nullopt when it is absent or cannot be parsed (the hint
/// is only an optimisation: PROTOCOL.md "Last Checkpoint File").
std::optional<LastCheckpointHint> ReadLastCheckpointHint(const storage::Location& log_root);

struct LogSegment {
  storage::Location log_root;  // the `_delta_log` directory
  int64_t version = -1;
  std::optional<int64_t> checkpoint_version;
  std::vector<LogFile> checkpoint_parts;  // sorted by part; one file for classic / v2
  std::vector<LogFile> commits;           // ascending, contiguous
  std::optional<LogFile> checksum;        // the .crc of `version`, when present
  /// Latest version present in the log when the segment was built (>= version).
  int64_t latest_version = -1;

  /// Modification time (ms) of the file that defines `version`: its commit, or the checkpoint
  /// for checkpoint-only logs.
  int64_t VersionFileModificationTime() const;
};

/// Builds the segment for the latest version, or for `version` (time travel). Errors:
/// NotFound when there is no `_delta_log` or it holds no commit or checkpoint, or when `version`
/// is beyond the latest; CorruptData for a version gap after the newest usable checkpoint, an
/// incomplete checkpoint at the requested version, or a version that cannot be reconstructed
/// (earlier commits removed and no checkpoint at or before it).
Result<LogSegment> BuildLogSegment(const storage::Location& table_root, std::optional<int64_t> version = {});

/// Lists the commits of versions > `after_version` up to the latest (for refreshing a snapshot
/// without re-listing the whole log); ascending, contiguous from after_version+1, CorruptData on
/// a gap.
Result<std::vector<LogFile>> ListCommitsAfter(const storage::Location& log_root, int64_t after_version);

/// Every commit file (and its version) present in the log, ascending (history and timestamp
/// time travel). Versions need not start at 0 when old commits were cleaned up.
Result<std::vector<LogFile>> ListAllCommits(const storage::Location& log_root);

}  // namespace delta::log
