// `deltacpp checkpoint TABLE [--parts-rows N]`: writes a checkpoint of the table's latest version
// (classic, multi-part with --parts-rows, or v2 when the table has the v2Checkpoint feature) and
// prints the version checkpointed.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "delta/table/table.h"
#include "delta/txn/checkpoint.h"
#include "delta/util/macros.h"

namespace delta::cli {

namespace {

struct CheckpointArgs {
  std::string table;
  int64_t parts_rows = 0;
};

Status RunCheckpoint(const CheckpointArgs& args) {
  if (args.parts_rows < 0) return Status::InvalidArgument("--parts-rows must be >= 0");
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(args.table));
  table::SnapshotOptions so;
  so.with_stats = true;
  so.with_tombstones = true;
  DELTA_ASSIGN_OR_RAISE(auto snapshot, t->GetSnapshot(so));
  txn::CheckpointOptions co;
  co.rows_per_part = args.parts_rows;
  DELTA_ASSIGN_OR_RAISE(int64_t version, txn::WriteCheckpoint(snapshot, co));
  std::fputs(fmt::format("{}\n", version).c_str(), stdout);
  return Status::OK();
}

}  // namespace

void RegisterCheckpointCommand(CLI::App* app, Runner* selected) {
  auto* cmd = app->add_subcommand("checkpoint", "Write a checkpoint of a Delta table's latest version");
  auto args = std::make_shared<CheckpointArgs>();
  cmd->add_option("table", args->table, "Table root (path or URI)")->required();
  cmd->add_option("--parts-rows", args->parts_rows,
                  "Write a multi-part checkpoint with at most N actions per part (default: one file)");
  cmd->callback([=]() { *selected = [=]() { return RunCheckpoint(*args); }; });
}

}  // namespace delta::cli
