// The actions of the Delta transaction log (PROTOCOL.md "Actions") as plain C++ values, and the
// parser that turns a JSON commit file (newline-delimited JSON, one action per line) into them.
// Checkpoints decode into the same structs (log/checkpoint_reader.h), so log replay has one path.
//
// Names follow the protocol verbatim (Add, Remove, Metadata, Protocol, CommitInfo, SetTransaction,
// AddCdcFile, DomainMetadata, CheckpointMetadata, Sidecar). Unknown fields and unknown action kinds
// are ignored as the protocol requires; a missing required field is CorruptData naming the file,
// the line and the field.
// Thread-safety: plain values; the parser is stateless and safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "delta/dv/deletion_vector.h"
#include "delta/util/result.h"

namespace delta::protocol {

/// partitionValues: column name (logical, or physical under column mapping) -> serialized value
/// (std::nullopt for a JSON null). Kept in the order of the log.
using PartitionValues = std::vector<std::pair<std::string, std::optional<std::string>>>;
using StringMap = std::map<std::string, std::string>;

struct Add {
  std::string path;  // as written in the log (still percent-encoded)
  PartitionValues partition_values;
  int64_t size = 0;
  int64_t modification_time = 0;
  bool data_change = true;
  std::string stats;  // raw JSON, parsed lazily by whoever needs it; empty when absent
  StringMap tags;
  std::optional<dv::DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
  std::optional<std::string> clustering_provider;

  /// Number of live rows: numRecords from stats minus the DV cardinality; nullopt without stats.
  /// Parses only the numRecords field.
  std::optional<int64_t> NumLiveRecords() const;
};

struct Remove {
  std::string path;
  std::optional<int64_t> deletion_timestamp;
  bool data_change = true;
  bool extended_file_metadata = false;
  PartitionValues partition_values;
  std::optional<int64_t> size;
  std::string stats;
  StringMap tags;
  std::optional<dv::DeletionVectorDescriptor> deletion_vector;
  std::optional<int64_t> base_row_id;
  std::optional<int64_t> default_row_commit_version;
};

struct Format {
  std::string provider = "parquet";
  StringMap options;
};

struct Metadata {
  std::string id;
  std::optional<std::string> name;
  std::optional<std::string> description;
  Format format;
  std::string schema_string;  // may be empty in some historical logs
  std::vector<std::string> partition_columns;
  std::optional<int64_t> created_time;
  StringMap configuration;
};

struct Protocol {
  int32_t min_reader_version = 1;
  int32_t min_writer_version = 2;
  std::optional<std::vector<std::string>> reader_features;
  std::optional<std::vector<std::string>> writer_features;
};

struct CommitInfo {
  std::string json;  // the whole commitInfo object, minified (its content is free-form)
  std::optional<int64_t> timestamp;
  std::optional<int64_t> in_commit_timestamp;
  std::optional<std::string> operation;
  std::optional<bool> is_blind_append;
  // Written by our transactions (parsed back only through `json`):
  /// operationParameters: values are JSON texts (e.g. "\"append\"", "[\"p\"]", "true").
  std::map<std::string, std::string> operation_parameters;
  std::optional<std::string> engine_info;
  std::optional<int64_t> read_version;
  std::optional<std::string> isolation_level;
  std::optional<std::string> txn_id;
  /// operationMetrics: values as JSON texts.
  std::map<std::string, std::string> operation_metrics;
  /// Further top-level string fields chosen by the writer's user (e.g. Spark's userMetadata, or
  /// delta-rs' custom metadata), written after ours.
  std::map<std::string, std::string> custom;
};

struct SetTransaction {
  std::string app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};

struct AddCdcFile {
  std::string path;
  PartitionValues partition_values;
  int64_t size = 0;
  bool data_change = false;
  StringMap tags;
};

struct DomainMetadata {
  std::string domain;
  std::string configuration;
  bool removed = false;
};

struct CheckpointMetadata {
  int64_t version = 0;
  StringMap tags;
};

struct Sidecar {
  std::string path;  // relative to _delta_log/_sidecars/ or an absolute URI
  int64_t size_in_bytes = 0;
  int64_t modification_time = 0;
  StringMap tags;
};

using Action = std::variant<Add, Remove, Metadata, Protocol, CommitInfo, SetTransaction, AddCdcFile,
                            DomainMetadata, CheckpointMetadata, Sidecar>;

/// What to decode. Skipping stats keeps snapshot loading cheap for callers that only list files.
struct ParseOptions {
  bool keep_stats = true;
};

/// Parses one commit (or log-compaction / v2 checkpoint JSON) file: one action object per line;
/// blank lines are skipped. `file` names the file in error messages. Errors: CorruptData naming the
/// file and the 1-based line for invalid JSON, a line that is not an object, or a known action
/// missing a required field / with a field of the wrong JSON type.
Result<std::vector<Action>> ParseJsonActions(std::string_view content, std::string_view file,
                                             const ParseOptions& options = {});

/// Name of the action kind: "add", "remove", "metaData", ...
std::string_view ActionName(const Action& action);

}  // namespace delta::protocol
