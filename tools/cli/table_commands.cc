// `deltacpp info|files|history TABLE`: describe a Delta table's log. `info --json` follows the
// conformance contract (docs: the shared conformance FORMAT.md): one JSON object with version,
// protocol, partition columns, live files, row count and top-level schema fields.
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_util.h"
#include "commands.h"
#include "delta/protocol/table_features.h"
#include "delta/scan/scan.h"
#include "delta/storage/path.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"
#include "row_format.h"

namespace delta::cli {

namespace {

void AppendStringList(const std::vector<std::string>& v, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(v[i], out);
  }
  out->push_back(']');
}

// Parses --timestamp: an integer of milliseconds since the epoch, or an ISO-8601 date/time
// ("2024-01-02", "2024-01-02T03:04:05[.fff][Z]", space instead of T), read as UTC.
Result<int64_t> ParseTimestampArg(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) {
    try {
      return static_cast<int64_t>(std::stoll(s));
    } catch (...) {
      return Status::InvalidArgument(fmt::format("invalid --timestamp '{}'", s));
    }
  }
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  int consumed = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &consumed) != 3) {
    return Status::InvalidArgument(fmt::format("invalid --timestamp '{}': expected milliseconds or YYYY-MM-DD[THH:MM:SS[.fff]][Z]", s));
  }
  int64_t millis = 0;
  std::string rest = s.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && (rest[0] == 'T' || rest[0] == ' ')) {
    int c2 = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &c2) != 3) {
      return Status::InvalidArgument(fmt::format("invalid --timestamp '{}'", s));
    }
    rest = rest.substr(static_cast<size_t>(1 + c2));
    if (!rest.empty() && rest[0] == '.') {
      size_t i = 1;
      int64_t scale = 100;
      while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
        millis += (rest[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      rest = rest.substr(i);
    }
  }
  if (!rest.empty() && rest != "Z" && rest != "+00:00") {
    return Status::InvalidArgument(fmt::format("invalid --timestamp '{}': only UTC ('Z') is accepted", s));
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

struct SnapshotArgs {
  std::string table;
  int64_t version = -1;
  std::string timestamp;
};

void AddSnapshotArgs(CLI::App* cmd, SnapshotArgs* args) {
  cmd->add_option("table", args->table, "Table root (path or URI)")->required();
  cmd->add_option("--version", args->version, "Snapshot at this version");
  cmd->add_option("--timestamp", args->timestamp, "Snapshot at this time (ms since epoch or ISO-8601 UTC)");
}

Result<table::SnapshotPtr> LoadSnapshot(const SnapshotArgs& args, bool with_stats) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(args.table));
  table::SnapshotOptions opts;
  opts.with_stats = with_stats;
  if (args.version >= 0) opts.version = args.version;
  if (!args.timestamp.empty()) {
    DELTA_ASSIGN_OR_RAISE(auto ts, ParseTimestampArg(args.timestamp));
    opts.timestamp_ms = ts;
  }
  return t->GetSnapshot(opts);
}

std::string DecodedPath(const std::string& path) {
  auto d = storage::PercentDecode(path);
  return d.ok() ? *d : path;
}

Status RunInfo(const SnapshotArgs& args, bool json) {
  DELTA_ASSIGN_OR_RAISE(auto snap, LoadSnapshot(args, /*with_stats=*/true));
  const auto& proto = snap->protocol();
  std::vector<std::string> fields;
  for (const auto& f : snap->schema()->fields()) fields.push_back(f->name);
  std::optional<int64_t> rows = snap->NumRows();
  if (json) {
    std::string out = "{";
    out += fmt::format("\"version\":{},\"timestamp_ms\":{},\"min_reader_version\":{},\"min_writer_version\":{}",
                       snap->version(), snap->timestamp_ms(), proto.min_reader_version, proto.min_writer_version);
    if (proto.reader_features) {
      out += ",\"reader_features\":";
      AppendStringList(*proto.reader_features, &out);
    }
    if (proto.writer_features) {
      out += ",\"writer_features\":";
      AppendStringList(*proto.writer_features, &out);
    }
    out += ",\"partition_columns\":";
    AppendStringList(snap->partition_columns(), &out);
    out += fmt::format(",\"num_files\":{},\"files\":[", snap->files().size());
    bool first = true;
    for (const auto& f : snap->files()) {
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(DecodedPath(f.path), &out);
    }
    out += "],\"num_rows\":";
    out += rows ? std::to_string(*rows) : "null";
    out += ",\"schema_fields\":";
    AppendStringList(fields, &out);
    out += ",\"table_id\":";
    AppendJsonString(snap->metadata().id, &out);
    Status readable = snap->CheckReadSupported();
    out += ",\"readable\":";
    out += readable.ok() ? "true" : "false";
    out += "}\n";
    return WriteStdout(out);
  }
  std::string out;
  out += fmt::format("table:              {}\n", snap->table_root().uri());
  out += fmt::format("version:            {}\n", snap->version());
  out += fmt::format("timestamp:          {}\n", FormatTimestampMicros(snap->timestamp_ms() * 1000, true));
  out += fmt::format("id:                 {}\n", snap->metadata().id);
  if (snap->metadata().name) out += fmt::format("name:               {}\n", *snap->metadata().name);
  if (snap->metadata().description) out += fmt::format("description:        {}\n", *snap->metadata().description);
  out += fmt::format("protocol:           reader {} / writer {}\n", proto.min_reader_version, proto.min_writer_version);
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
  };
  if (proto.reader_features) out += fmt::format("reader features:    {}\n", join(*proto.reader_features));
  if (proto.writer_features) out += fmt::format("writer features:    {}\n", join(*proto.writer_features));
  out += fmt::format("partition columns:  {}\n", join(snap->partition_columns()));
  out += fmt::format("files:              {}\n", snap->files().size());
  out += fmt::format("rows:               {}\n", rows ? std::to_string(*rows) : "unknown (no statistics)");
  int64_t bytes = 0;
  for (const auto& f : snap->files()) bytes += f.size;
  out += fmt::format("size:               {} bytes\n", bytes);
  Status readable = snap->CheckReadSupported();
  out += fmt::format("readable:           {}\n", readable.ok() ? "yes" : readable.message());
  out += "schema:\n";
  for (const auto& f : snap->schema()->fields()) {
    out += fmt::format("  {}: {}{}\n", f->name, f->type->ToString(), f->nullable ? "" : " not null");
  }
  if (!snap->configuration().empty()) {
    out += "configuration:\n";
    for (const auto& [k, v] : snap->configuration()) out += fmt::format("  {} = {}\n", k, v);
  }
  return WriteStdout(out);
}

Status RunFiles(const SnapshotArgs& args, bool json) {
  DELTA_ASSIGN_OR_RAISE(auto snap, LoadSnapshot(args, /*with_stats=*/json));
  std::string out;
  for (const auto& f : snap->files()) {
    if (json) {
      out += "{\"path\":";
      AppendJsonString(DecodedPath(f.path), &out);
      out += fmt::format(",\"size\":{},\"modification_time\":{}", f.size, f.modification_time);
      out += ",\"partition_values\":{";
      for (size_t i = 0; i < f.partition_values.size(); ++i) {
        if (i) out.push_back(',');
        AppendJsonString(f.partition_values[i].first, &out);
        out.push_back(':');
        if (f.partition_values[i].second) {
          AppendJsonString(*f.partition_values[i].second, &out);
        } else {
          out += "null";
        }
      }
      out += "}";
      auto n = f.NumLiveRecords();
      out += ",\"num_records\":" + (n ? std::to_string(*n) : std::string("null"));
      if (f.deletion_vector) {
        out += fmt::format(",\"deletion_vector\":{{\"storage_type\":\"{}\",\"cardinality\":{}}}",
                           f.deletion_vector->storage_type, f.deletion_vector->cardinality);
      }
      out += "}\n";
    } else {
      out += DecodedPath(f.path);
      out.push_back('\n');
    }
    if (out.size() > (1 << 20)) {
      DELTA_RETURN_NOT_OK(WriteStdout(out));
      out.clear();
    }
  }
  return WriteStdout(out);
}

Status RunHistory(const std::string& table_uri, int64_t limit, bool json) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(table_uri));
  std::optional<int64_t> lim;
  if (limit > 0) lim = limit;
  DELTA_ASSIGN_OR_RAISE(auto entries, t->History(lim));
  std::string out;
  if (json) {
    for (const auto& e : entries) {
      out += fmt::format("{{\"version\":{},\"timestamp_ms\":{},\"commit_info\":{}}}\n", e.version, e.timestamp_ms,
                         e.commit_info_json);
    }
    return WriteStdout(out);
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : entries) {
    rows.push_back({std::to_string(e.version), FormatTimestampMicros(e.timestamp_ms * 1000, true),
                    e.operation.value_or("")});
  }
  return WriteStdout(FormatTable({"version", "timestamp", "operation"}, rows));
}

struct CatArgs {
  SnapshotArgs snap;
  std::string columns;
  std::string where;
  std::string format = "jsonl";
  int64_t limit = -1;
  int threads = 2;
};

Status RunCat(const CatArgs& args) {
  if (args.format != "jsonl" && args.format != "csv" && args.format != "table") {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (expected jsonl, csv or table)", args.format));
  }
  DELTA_ASSIGN_OR_RAISE(auto snap, LoadSnapshot(args.snap, /*with_stats=*/!args.where.empty()));
  scan::ScanBuilder builder(snap);
  builder.WithColumns(SplitCommaList(args.columns)).WithThreads(args.threads);
  if (!args.where.empty()) builder.WithPredicateSql(args.where);
  DELTA_ASSIGN_OR_RAISE(auto s, builder.Build());
  DELTA_ASSIGN_OR_RAISE(auto reader, s->Execute());
  return PrintRecordBatches(reader.get(), args.format, args.limit);
}

}  // namespace

void RegisterTableCommands(CLI::App* app, Runner* selected) {
  {
    auto* cmd = app->add_subcommand("info", "Describe a Delta table at a version: protocol, schema, files, rows");
    auto args = std::make_shared<SnapshotArgs>();
    auto json = std::make_shared<bool>(false);
    AddSnapshotArgs(cmd, args.get());
    cmd->add_flag("--json", *json, "One JSON object (the conformance format)");
    cmd->callback([=]() { *selected = [=]() { return RunInfo(*args, *json); }; });
  }
  {
    auto* cmd = app->add_subcommand("files", "List the live data files of a Delta table");
    auto args = std::make_shared<SnapshotArgs>();
    auto json = std::make_shared<bool>(false);
    AddSnapshotArgs(cmd, args.get());
    cmd->add_flag("--json", *json, "One JSON object per file (path, size, partition values, records)");
    cmd->callback([=]() { *selected = [=]() { return RunFiles(*args, *json); }; });
  }
  {
    auto* cmd = app->add_subcommand("cat", "Print the rows of a Delta table (deletion vectors applied)");
    auto args = std::make_shared<CatArgs>();
    AddSnapshotArgs(cmd, &args->snap);
    cmd->add_option("--columns", args->columns, "Comma-separated columns to print (default: all)");
    cmd->add_option("--where", args->where, "Predicate, e.g. \"a > 3 AND p IN ('x','y')\"");
    cmd->add_option("--format", args->format, "jsonl (canonical rows), csv or table");
    cmd->add_option("--limit", args->limit, "Print at most N rows");
    cmd->add_option("--threads", args->threads, "Decoding threads");
    cmd->callback([=]() { *selected = [=]() { return RunCat(*args); }; });
  }
  {
    auto* cmd = app->add_subcommand("history", "Commit history of a Delta table, newest first");
    auto table = std::make_shared<std::string>();
    auto limit = std::make_shared<int64_t>(0);
    auto json = std::make_shared<bool>(false);
    cmd->add_option("table", *table, "Table root (path or URI)")->required();
    cmd->add_option("--limit", *limit, "At most this many commits");
    cmd->add_flag("--json", *json, "One JSON object per commit");
    cmd->callback([=]() { *selected = [=]() { return RunHistory(*table, *limit, *json); }; });
  }
}

}  // namespace delta::cli
