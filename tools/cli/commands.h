// Subcommands of the deltacpp tool. Each Register* function adds its subcommand(s) to the CLI11
// app; the callback stores a runnable that returns a Status, which main() translates to an exit
// code in one place.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "delta/util/status.h"

namespace delta::cli {

using Runner = std::function<Status()>;

/// `deltacpp parquet schema|meta|cat|copy ...`
void RegisterParquetCommands(CLI::App* app, Runner* selected);

/// `deltacpp info|files|history TABLE ...`
void RegisterTableCommands(CLI::App* app, Runner* selected);

/// `deltacpp changes TABLE --from V [--to V] ...` (change data feed)
void RegisterChangesCommand(CLI::App* app, Runner* selected);

/// `deltacpp create TABLE --schema ...` and `deltacpp write TABLE --input FILE...`
void RegisterWriteCommands(CLI::App* app, Runner* selected);

/// `deltacpp checkpoint TABLE [--parts-rows N]`
void RegisterCheckpointCommand(CLI::App* app, Runner* selected);

}  // namespace delta::cli
