// Option parsing by hand (no exceptions, exact error messages, KDI's names with either '_' or
// '-', environment fallbacks applied before flags so that a flag always wins).
#include "ingest/options.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "delta/util/macros.h"

namespace delta::ingest {

std::string Usage() {
  return R"(usage: deltacpp-ingest TOPIC[,TOPIC...] TABLE_URI [options]

Consumes JSON messages from Kafka and appends one row per message to a Delta table, exactly
once (one txn action per partition in every commit; offsets are read back from the table).

  -k, --kafka BROKERS                  bootstrap servers [KAFKA_BROKERS] (localhost:9092)
  -g, --consumer_group_id ID           consumer group [KAFKA_CONSUMER_GROUP] (kafka_delta_ingest)
  -a, --app_id ID                      txn appId prefix [APP_ID] (kafka_delta_ingest)
  -l, --allowed_latency SECONDS        flush deadline [ALLOWED_LATENCY] (300)
  -m, --max_messages_per_batch N       flush after N messages [MAX_MESSAGES_PER_BATCH] (5000)
  -b, --min_bytes_per_file BYTES       flush after BYTES of messages [MIN_BYTES_PER_FILE] (128 MiB)
  -t, --transform 'target: SOURCE'     computed field, repeatable [TRANSFORMS, one per line]
  -o, --auto_offset_reset earliest|latest   where to start without a txn [AUTO_OFFSET_RESET]
  -K, --kafka_setting key=value        librdkafka setting, repeatable [KAFKA_SETTINGS]
  -c, --checkpoints                    write checkpoints at the table's interval [WRITE_CHECKPOINTS]
  -e, --ends_at_latest_offsets         stop at the high watermarks seen at start [END_AT_LATEST_OFFSETS]
      --seek_offsets '{"0":10,...}'    start offsets for partitions without a txn [SEEK_OFFSETS]
      --dlq_table_uri URI              dead-letter table for bad messages [DLQ_TABLE_URI]
      --decompress_gzip                payloads are gzip-compressed [DECOMPRESS_GZIP]
      --auto_create                    create the table from the first messages [AUTO_CREATE]
      --schema_evolution merge|none    add new message fields to the table [SCHEMA_EVOLUTION]
      --metrics_port PORT              Prometheus /metrics and /health [METRICS_PORT]
      --route_by SOURCE                expression whose value picks the table [ROUTE_BY]
      --route VALUE=TABLE_URI          table for one value, repeatable [ROUTES, one per line]
  -h, --help
)";
}

namespace {

Result<int64_t> ParseInt(const std::string& name, const std::string& text, int64_t min) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < min) {
    return Status::InvalidArgument(fmt::format("option {}: '{}' is not an integer >= {}", name, text, min));
  }
  return v;
}

Result<bool> ParseBool(const std::string& name, const std::string& text) {
  if (text == "1" || text == "true" || text == "yes" || text == "TRUE" || text == "True") return true;
  if (text == "0" || text == "false" || text == "no" || text == "" || text == "FALSE" || text == "False") return false;
  return Status::InvalidArgument(fmt::format("{}: '{}' is not a boolean (1/0, true/false, yes/no)", name, text));
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) out.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

Result<std::pair<std::string, std::string>> SplitKeyValue(const std::string& name, const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    return Status::InvalidArgument(fmt::format("option {}: '{}' is not key=value", name, text));
  }
  return std::make_pair(text.substr(0, eq), text.substr(eq + 1));
}

Result<std::map<int32_t, int64_t>> ParseSeekOffsets(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(text).get(obj)) {
    return Status::InvalidArgument(fmt::format("option --seek_offsets: '{}' is not a JSON object", text));
  }
  std::map<int32_t, int64_t> out;
  for (auto kv : obj) {
    int64_t offset = 0;
    DELTA_ASSIGN_OR_RAISE(int64_t partition, ParseInt("--seek_offsets", std::string(kv.key), 0));
    if (partition > INT32_MAX || kv.value.get_int64().get(offset) || offset < 0) {
      return Status::InvalidArgument(
          fmt::format("option --seek_offsets: partition '{}' needs a non-negative integer offset", kv.key));
    }
    out[static_cast<int32_t>(partition)] = offset;
  }
  return out;
}

std::vector<std::string> SplitTopics(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t c = text.find(',', start);
    std::string t = text.substr(start, c == std::string::npos ? std::string::npos : c - start);
    if (!t.empty()) out.push_back(t);
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

// One option: its names, environment variable, and whether it takes a value.
struct Spec {
  char short_name;
  const char* long_name;
  const char* env;
  bool takes_value;
};

constexpr Spec kSpecs[] = {
    {'k', "kafka", "KAFKA_BROKERS", true},
    {'g', "consumer_group_id", "KAFKA_CONSUMER_GROUP", true},
    {'a', "app_id", "APP_ID", true},
    {'l', "allowed_latency", "ALLOWED_LATENCY", true},
    {'m', "max_messages_per_batch", "MAX_MESSAGES_PER_BATCH", true},
    {'b', "min_bytes_per_file", "MIN_BYTES_PER_FILE", true},
    {'t', "transform", "TRANSFORMS", true},
    {'o', "auto_offset_reset", "AUTO_OFFSET_RESET", true},
    {'K', "kafka_setting", "KAFKA_SETTINGS", true},
    {'c', "checkpoints", "WRITE_CHECKPOINTS", false},
    {'e', "ends_at_latest_offsets", "END_AT_LATEST_OFFSETS", false},
    {0, "seek_offsets", "SEEK_OFFSETS", true},
    {0, "dlq_table_uri", "DLQ_TABLE_URI", true},
    {0, "decompress_gzip", "DECOMPRESS_GZIP", false},
    {0, "auto_create", "AUTO_CREATE", false},
    {0, "schema_evolution", "SCHEMA_EVOLUTION", true},
    {0, "metrics_port", "METRICS_PORT", true},
    {0, "route", "ROUTES", true},
    {0, "route_by", "ROUTE_BY", true},
    {'h', "help", nullptr, false},
};

// Applies one option value. `from_env` values of repeatable options hold one item per line.
Status Apply(IngestOptions* o, const Spec& s, const std::string& value, bool from_env) {
  const std::string name = fmt::format("--{}", s.long_name);
  const std::string what = from_env ? std::string(s.env) : name;
  std::string_view n = s.long_name;
  auto flag = [&](bool* target) -> Status {
    if (!from_env) {
      *target = true;
      return Status::OK();
    }
    DELTA_ASSIGN_OR_RAISE(*target, ParseBool(what, value));
    return Status::OK();
  };
  if (n == "kafka") {
    o->brokers = value;
  } else if (n == "consumer_group_id") {
    o->consumer_group = value;
  } else if (n == "app_id") {
    if (value.empty()) return Status::InvalidArgument(fmt::format("{}: the app id must not be empty", what));
    o->app_id = value;
  } else if (n == "allowed_latency") {
    double v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || p != value.data() + value.size() || !(v >= 0) || !std::isfinite(v)) {
      return Status::InvalidArgument(fmt::format("{}: '{}' is not a number of seconds", what, value));
    }
    o->allowed_latency_s = v;
  } else if (n == "max_messages_per_batch") {
    DELTA_ASSIGN_OR_RAISE(o->max_messages_per_batch, ParseInt(what, value, 1));
  } else if (n == "min_bytes_per_file") {
    DELTA_ASSIGN_OR_RAISE(o->min_bytes_per_file, ParseInt(what, value, 1));
  } else if (n == "transform") {
    if (from_env) {
      for (auto& l : Lines(value)) o->transforms.push_back(l);
    } else {
      o->transforms.push_back(value);
    }
  } else if (n == "auto_offset_reset") {
    if (value != "earliest" && value != "latest") {
      return Status::InvalidArgument(fmt::format("{}: '{}' is neither earliest nor latest", what, value));
    }
    o->auto_offset_reset = value;
  } else if (n == "kafka_setting") {
    for (auto& l : from_env ? Lines(value) : std::vector<std::string>{value}) {
      DELTA_ASSIGN_OR_RAISE(auto kv, SplitKeyValue(what, l));
      o->kafka_settings.push_back(std::move(kv));
    }
  } else if (n == "checkpoints") {
    return flag(&o->checkpoints);
  } else if (n == "ends_at_latest_offsets") {
    return flag(&o->end_at_latest_offsets);
  } else if (n == "seek_offsets") {
    DELTA_ASSIGN_OR_RAISE(o->seek_offsets, ParseSeekOffsets(value));
  } else if (n == "dlq_table_uri") {
    o->dlq_table_uri = value;
  } else if (n == "decompress_gzip") {
    return flag(&o->decompress_gzip);
  } else if (n == "auto_create") {
    return flag(&o->auto_create);
  } else if (n == "schema_evolution") {
    if (value != "merge" && value != "none") {
      return Status::InvalidArgument(fmt::format("{}: '{}' is neither merge nor none", what, value));
    }
    o->schema_evolution_merge = value == "merge";
  } else if (n == "metrics_port") {
    DELTA_ASSIGN_OR_RAISE(int64_t port, ParseInt(what, value, 0));
    if (port > 65535) return Status::InvalidArgument(fmt::format("{}: {} is not a port", what, port));
    o->metrics_port = static_cast<int>(port);
  } else if (n == "route") {
    for (auto& l : from_env ? Lines(value) : std::vector<std::string>{value}) {
      size_t eq = l.rfind('=');
      if (eq == std::string::npos || eq + 1 == l.size()) {
        return Status::InvalidArgument(fmt::format("{}: '{}' is not VALUE=TABLE_URI", what, l));
      }
      o->routes.emplace_back(l.substr(0, eq), l.substr(eq + 1));
    }
  } else if (n == "route_by") {
    o->route_by = value;
  } else if (n == "help") {
    o->help = true;
  }
  return Status::OK();
}

}  // namespace

Result<IngestOptions> ParseOptions(const std::vector<std::string>& args,
                                   const std::function<std::optional<std::string>(const char*)>& getenv) {
  IngestOptions o;
  for (const auto& s : kSpecs) {
    if (s.env == nullptr) continue;
    if (auto v = getenv(s.env)) DELTA_RETURN_NOT_OK(Apply(&o, s, *v, true));
  }
  // Repeatable options given on the command line replace the environment's list.
  bool cli_transforms = false, cli_settings = false, cli_routes = false;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const Spec* spec = nullptr;
    std::optional<std::string> inline_value;
    if (a.size() > 2 && a[0] == '-' && a[1] == '-') {
      std::string name = a.substr(2);
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      for (char& c : name) c = c == '-' ? '_' : c;
      for (const auto& s : kSpecs) {
        if (name == s.long_name) spec = &s;
      }
      if (spec == nullptr) return Status::InvalidArgument(fmt::format("unknown option '{}'", a));
    } else if (a.size() >= 2 && a[0] == '-' && a[1] != '-') {
      for (const auto& s : kSpecs) {
        if (s.short_name == a[1]) spec = &s;
      }
      if (spec == nullptr) return Status::InvalidArgument(fmt::format("unknown option '{}'", a));
      if (a.size() > 2) inline_value = a.substr(2);
    } else {
      positional.push_back(a);
      continue;
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::InvalidArgument(fmt::format("option '{}' needs a value", a));
      }
    } else if (inline_value) {
      return Status::InvalidArgument(fmt::format("option '{}' takes no value", a));
    }
    std::string_view n = spec->long_name;
    if (n == "transform" && !cli_transforms) {
      o.transforms.clear();
      cli_transforms = true;
    }
    if (n == "kafka_setting" && !cli_settings) {
      o.kafka_settings.clear();
      cli_settings = true;
    }
    if (n == "route" && !cli_routes) {
      o.routes.clear();
      cli_routes = true;
    }
    DELTA_RETURN_NOT_OK(Apply(&o, *spec, value, false));
  }
  if (o.help) return o;
  if (positional.size() != 2) {
    return Status::InvalidArgument(
        fmt::format("expected TOPIC and TABLE_URI, got {} positional argument(s)", positional.size()));
  }
  o.topics = SplitTopics(positional[0]);
  if (o.topics.empty()) return Status::InvalidArgument("TOPIC is empty");
  o.table_uri = positional[1];
  if (!o.routes.empty() && !o.route_by) return Status::InvalidArgument("--route needs --route_by");
  return o;
}

}  // namespace delta::ingest
