// Command line of deltacpp-ingest: `deltacpp-ingest TOPIC TABLE_URI [options]`, with
// kafka-delta-ingest's long names (underscores or dashes), short flags and defaults, each also
// settable by an environment variable (the flag wins):
//   -k --kafka BROKERS                 KAFKA_BROKERS            (localhost:9092)
//   -g --consumer_group_id ID          KAFKA_CONSUMER_GROUP     (kafka_delta_ingest)
//   -a --app_id ID                     APP_ID                   (kafka_delta_ingest)
//   -l --allowed_latency SECONDS       ALLOWED_LATENCY          (300; fractions allowed)
//   -m --max_messages_per_batch N      MAX_MESSAGES_PER_BATCH   (5000)
//   -b --min_bytes_per_file BYTES      MIN_BYTES_PER_FILE       (134217728)
//   -t --transform 'target: SOURCE'    TRANSFORMS               (repeatable; env: one per line)
//   -o --auto_offset_reset earliest|latest  AUTO_OFFSET_RESET   (earliest)
//   -K --kafka_setting key=value       KAFKA_SETTINGS           (repeatable; env: one per line)
//   -c --checkpoints                   WRITE_CHECKPOINTS        (checkpoint at the interval)
//   -e --ends_at_latest_offsets        END_AT_LATEST_OFFSETS    (run once, up to the watermarks)
//      --seek_offsets '{"0":10}'       SEEK_OFFSETS             (start offsets without a txn)
//      --dlq_table_uri URI             DLQ_TABLE_URI            (dead-letter table)
//      --decompress_gzip               DECOMPRESS_GZIP          (gzip payloads; also detected)
//      --auto_create                   AUTO_CREATE              (create the table from messages)
//      --schema_evolution merge|none   SCHEMA_EVOLUTION         (add new fields to the table)
//      --metrics_port PORT             METRICS_PORT             (Prometheus /metrics, /health)
//      --route 'VALUE=TABLE_URI'       ROUTES                   (repeatable; env: one per line)
//      --route_by SOURCE               ROUTE_BY                 (expression giving VALUE)
// Boolean variables take 1/true/yes. TOPIC may list several topics separated by commas.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "delta/util/result.h"

namespace delta::ingest {

struct IngestOptions {
  std::vector<std::string> topics;
  std::string table_uri;
  std::string brokers = "localhost:9092";
  std::string consumer_group = "kafka_delta_ingest";
  std::string app_id = "kafka_delta_ingest";
  double allowed_latency_s = 300;
  int64_t max_messages_per_batch = 5000;
  int64_t min_bytes_per_file = 134217728;
  std::vector<std::string> transforms;
  std::string auto_offset_reset = "earliest";
  std::vector<std::pair<std::string, std::string>> kafka_settings;
  bool checkpoints = false;
  bool end_at_latest_offsets = false;
  /// partition -> first offset to read when the table holds no txn for the partition.
  std::map<int32_t, int64_t> seek_offsets;
  std::optional<std::string> dlq_table_uri;
  bool decompress_gzip = false;
  bool auto_create = false;
  bool schema_evolution_merge = false;
  std::optional<int> metrics_port;
  std::vector<std::pair<std::string, std::string>> routes;  // value -> table URI
  std::optional<std::string> route_by;
  bool help = false;
};

/// The usage text.
std::string Usage();

/// Parses `args` (without the program name) over the environment read through `getenv`.
/// InvalidArgument naming the option and the bad value (unknown option, missing value,
/// non-numeric number, bad offset map, fewer or more than two positional arguments).
Result<IngestOptions> ParseOptions(const std::vector<std::string>& args,
                                   const std::function<std::optional<std::string>(const char*)>& getenv);

}  // namespace delta::ingest
