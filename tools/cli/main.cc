// deltacpp: the command-line tool. Subcommands live in one file each; this file parses the
// command line and is the one place that maps a Status to an exit code and a message.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "delta/s3/s3_store.h"

namespace {

// Exit codes: 0 success, 1 the operation failed (bad input, corrupt data, not found, ...),
// 2 usage error, 3 unsupported feature, 4 internal error.
int ExitCodeFor(const delta::Status& st) {
  switch (st.code()) {
    case delta::StatusCode::kOk: return 0;
    case delta::StatusCode::kInvalidArgument: return 2;
    case delta::StatusCode::kUnsupported: return 3;
    case delta::StatusCode::kInternal: return 4;
    default: return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // s3:// and s3a:// table locations (credentials and endpoint from the environment / ~/.aws).
  delta::s3::RegisterS3StoreFactories();
  CLI::App app{"deltacpp: read and write Delta Lake tables and Parquet files"};
  app.require_subcommand(1);
  delta::cli::Runner selected;
  delta::cli::RegisterParquetCommands(&app, &selected);
  delta::cli::RegisterTableCommands(&app, &selected);
  delta::cli::RegisterChangesCommand(&app, &selected);
  delta::cli::RegisterWriteCommands(&app, &selected);
  delta::cli::RegisterCheckpointCommand(&app, &selected);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!selected) {
    std::fprintf(stderr, "deltacpp: no command given (try --help)\n");
    return 2;
  }
  delta::Status st = selected();
  std::fflush(stdout);
  if (!st.ok()) {
    std::fprintf(stderr, "deltacpp: error: %s\n", st.ToString().c_str());
    return ExitCodeFor(st);
  }
  return 0;
}
