// `deltacpp changes TABLE --from V [--to V]`: the change data feed of a Delta table (the table's
// columns plus _change_type, _commit_version and _commit_timestamp), printed like `cat`.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli_util.h"
#include "commands.h"
#include "delta/scan/change_data_feed.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"
#include "row_format.h"

namespace delta::cli {

namespace {

struct ChangesArgs {
  std::string table;
  int64_t from = -1;
  int64_t to = -1;
  std::string columns;
  std::string format = "jsonl";
  int64_t limit = -1;
  int threads = 2;
  std::string timestamps = "file";
};

Status RunChanges(const ChangesArgs& args) {
  if (args.format != "jsonl" && args.format != "csv" && args.format != "table") {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (expected jsonl, csv or table)", args.format));
  }
  if (args.from < 0) return Status::InvalidArgument("--from must be a version >= 0");
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(args.table));
  scan::ChangeDataFeedOptions opts;
  opts.start_version = args.from;
  if (args.to >= 0) opts.end_version = args.to;
  opts.columns = SplitCommaList(args.columns);
  opts.num_threads = args.threads;
  if (args.timestamps == "commit-info") {
    opts.timestamp_source = scan::CommitTimestampSource::kCommitInfo;
  } else if (args.timestamps != "file") {
    return Status::InvalidArgument(
        fmt::format("unknown --timestamps '{}' (expected file or commit-info)", args.timestamps));
  }
  DELTA_ASSIGN_OR_RAISE(auto reader, scan::ReadChangeDataFeed(t, opts));
  return PrintRecordBatches(reader.get(), args.format, args.limit);
}

}  // namespace

void RegisterChangesCommand(CLI::App* app, Runner* selected) {
  auto* cmd = app->add_subcommand("changes", "Print the change data feed of a Delta table between two versions");
  auto args = std::make_shared<ChangesArgs>();
  cmd->add_option("table", args->table, "Table root (path or URI)")->required();
  cmd->add_option("--from", args->from, "First version (inclusive)")->required();
  cmd->add_option("--to", args->to, "Last version (inclusive; default: latest)");
  cmd->add_option("--columns", args->columns,
                  "Comma-separated columns, table columns and/or _change_type, _commit_version, _commit_timestamp "
                  "(default: all)");
  cmd->add_option("--format", args->format, "jsonl (canonical rows), csv or table");
  cmd->add_option("--limit", args->limit, "Print at most N rows");
  cmd->add_option("--threads", args->threads, "Decoding threads");
  cmd->add_option("--timestamps", args->timestamps,
                  "_commit_timestamp without in-commit timestamps: file (commit file time, as Delta Spark) or "
                  "commit-info (commitInfo.timestamp, as delta-rs)");
  cmd->callback([=]() { *selected = [=]() { return RunChanges(*args); }; });
}

}  // namespace delta::cli
