// Small helpers shared by the deltacpp subcommands.
// Thread-safety: free functions; WriteStdout writes to the process's stdout.
#pragma once

#include <string>
#include <vector>

#include "delta/util/status.h"

namespace delta::cli {

/// Splits "a, b,c" into {"a", "b", "c"}: items trimmed of spaces, empty items dropped.
std::vector<std::string> SplitCommaList(const std::string& s);

/// Writes `s` to standard output; IOError when the write fails (e.g. a closed pipe).
Status WriteStdout(const std::string& s);

}  // namespace delta::cli
