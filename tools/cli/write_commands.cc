// `deltacpp create TABLE --schema ...` and `deltacpp write TABLE --input FILE...`: creating Delta
// tables and writing Parquet / JSON-lines / CSV files into them (append, overwrite, replaceWhere,
// schema evolution, idempotent application transactions).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_util.h"
#include "commands.h"
#include "delta/ops/create.h"
#include "delta/ops/input.h"
#include "delta/ops/write.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"

namespace delta::cli {

namespace {

Result<std::map<std::string, std::string>> ParseProperties(const std::vector<std::string>& props) {
  std::map<std::string, std::string> out;
  for (const auto& p : props) {
    auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument(fmt::format("--property '{}' is not key=value", p));
    }
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return out;
}

struct CreateArgs {
  std::string table;
  std::string schema;
  std::string partition_by;
  std::vector<std::string> properties;
  std::string name;
  std::string description;
  bool if_not_exists = false;
};

Status RunCreate(const CreateArgs& args) {
  ops::CreateOptions o;
  DELTA_ASSIGN_OR_RAISE(o.schema, ops::ParseSchemaArgument(args.schema));
  o.partition_by = SplitCommaList(args.partition_by);
  DELTA_ASSIGN_OR_RAISE(o.configuration, ParseProperties(args.properties));
  if (!args.name.empty()) o.name = args.name;
  if (!args.description.empty()) o.description = args.description;
  o.if_exists = args.if_not_exists ? ops::CreateOptions::IfExists::kIgnore : ops::CreateOptions::IfExists::kError;
  DELTA_ASSIGN_OR_RAISE(int64_t version, ops::CreateTable(args.table, o));
  std::printf("%s\n", fmt::format("created {} at version {}", args.table, version).c_str());
  return Status::OK();
}

struct WriteArgs {
  std::string table;
  std::vector<std::string> inputs;
  std::string format = "auto";
  std::string mode = "error";
  std::string where;
  std::string partition_by;
  std::string schema_mode;
  std::string app_id;
  int64_t app_version = -1;
  std::vector<std::string> properties;
  bool json = false;
};

// A single progress line on a terminal, redrawn at most a few times a second and only once the
// write has taken longer than a second.
class Progress {
 public:
  Progress() : enabled_(isatty(fileno(stderr)) != 0), start_(std::chrono::steady_clock::now()) {}
  void Update(int64_t rows, int64_t bytes) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\r%s", fmt::format("written {} rows, {:.1f} MiB in {:.1f} s ({:.0f} rows/s)   ", rows,
                                            static_cast<double>(bytes) / (1 << 20), secs,
                                            static_cast<double>(rows) / secs)
                                    .c_str());
    shown_ = true;
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\n");
  }

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

Status RunWrite(const WriteArgs& args) {
  ops::WriteOptions o;
  DELTA_ASSIGN_OR_RAISE(o.mode, ops::ParseSaveMode(args.mode));
  if (!args.where.empty()) o.replace_where = args.where;
  o.partition_by = SplitCommaList(args.partition_by);
  if (args.schema_mode == "merge") {
    o.schema_mode = ops::SchemaMode::kMerge;
  } else if (args.schema_mode == "overwrite") {
    o.schema_mode = ops::SchemaMode::kOverwrite;
  } else if (!args.schema_mode.empty()) {
    return Status::InvalidArgument(fmt::format("unknown --schema-mode '{}' (merge or overwrite)", args.schema_mode));
  }
  if (!args.app_id.empty() || args.app_version >= 0) {
    if (args.app_id.empty() || args.app_version < 0) {
      return Status::InvalidArgument("--app-id and --app-version go together (version >= 0)");
    }
    o.app_transaction = std::make_pair(args.app_id, args.app_version);
  }
  DELTA_ASSIGN_OR_RAISE(o.configuration, ParseProperties(args.properties));

  // Text inputs are read in the table's schema when the table exists (values coerced to its
  // types), else with an inferred one; schema evolution needs the input's own schema.
  columnar::SchemaPtr schema;
  if (o.schema_mode == ops::SchemaMode::kNone) {
    DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(args.table));
    table::SnapshotOptions so;
    so.with_stats = false;
    auto snap = t->GetSnapshot(so);
    if (snap.ok()) {
      schema = (*snap)->schema();
    } else if (!snap.status().IsNotFound()) {
      return snap.status();
    }
  }
  DELTA_ASSIGN_OR_RAISE(auto input, ops::OpenInput(args.inputs, args.format, schema));
  Progress progress;
  o.progress = [&](int64_t rows, int64_t bytes) { progress.Update(rows, bytes); };
  auto result = ops::WriteTable(args.table, *input, o);
  progress.Done();
  DELTA_RETURN_NOT_OK(result.status());
  const auto& r = *result;
  const char* status = r.status == txn::CommitStatus::kCommitted ? "committed" : "skipped";
  if (args.json) {
    std::printf("%s\n", fmt::format(R"({{"version":{},"status":"{}","files":{},"files_removed":{},"rows":{},"bytes":{}}})",
                                    r.version, status, r.files_added, r.files_removed, r.rows, r.bytes)
                            .c_str());
  } else if (r.status == txn::CommitStatus::kSkipped) {
    std::printf("%s\n", fmt::format("skipped: nothing written (table at version {})", r.version).c_str());
  } else {
    std::printf("%s\n", fmt::format("committed version {}: {} rows in {} files ({} bytes), {} files removed",
                                    r.version, r.rows, r.files_added, r.bytes, r.files_removed)
                            .c_str());
  }
  return Status::OK();
}

}  // namespace

void RegisterWriteCommands(CLI::App* app, Runner* selected) {
  {
    auto* cmd = app->add_subcommand("create", "Create a Delta table");
    auto args = std::make_shared<CreateArgs>();
    cmd->add_option("table", args->table, "Table root (path or URI)")->required();
    cmd->add_option("--schema", args->schema,
                    "Delta schema JSON, @file.json, or a column list: \"id long not null, name string, "
                    "price decimal(10,2), tags array<string>\"")
        ->required();
    cmd->add_option("--partition-by", args->partition_by, "Comma-separated partition columns");
    cmd->add_option("--property", args->properties, "Table property key=value (repeatable)");
    cmd->add_option("--name", args->name, "Table name");
    cmd->add_option("--description", args->description, "Table description");
    cmd->add_flag("--if-not-exists", args->if_not_exists, "Succeed without change when the table exists");
    cmd->callback([=]() { *selected = [=]() { return RunCreate(*args); }; });
  }
  {
    auto* cmd = app->add_subcommand("write", "Write Parquet, JSON-lines or CSV files to a Delta table");
    auto args = std::make_shared<WriteArgs>();
    cmd->add_option("table", args->table, "Table root (path or URI)")->required();
    cmd->add_option("--input", args->inputs, "Input files")->required();
    cmd->add_option("--format", args->format, "parquet, jsonl, csv or auto (by extension; default)");
    cmd->add_option("--mode", args->mode, "append, overwrite, error (default: fail if the table exists) or ignore");
    cmd->add_option("--where", args->where, "replaceWhere predicate for --mode overwrite");
    cmd->add_option("--partition-by", args->partition_by, "Comma-separated partition columns (new tables)");
    cmd->add_option("--schema-mode", args->schema_mode, "merge (add new columns) or overwrite (with --mode overwrite)");
    cmd->add_option("--app-id", args->app_id, "Application id of an idempotent write");
    cmd->add_option("--app-version", args->app_version, "Application version of an idempotent write");
    cmd->add_option("--property", args->properties, "Table property key=value for a new table (repeatable)");
    cmd->add_flag("--json", args->json, "Print a one-line JSON summary");
    cmd->callback([=]() { *selected = [=]() { return RunWrite(*args); }; });
  }
}

}  // namespace delta::cli
