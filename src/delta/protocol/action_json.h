// Serialisation of log actions to the JSON of a commit file (PROTOCOL.md "Actions"): one action
// object per line, field names as in json_names.h, optional fields omitted when unset, strings
// escaped per RFC 8259. What ParseJsonActions reads back is equal to what was written.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "delta/protocol/actions.h"

namespace delta::protocol {

/// One line (no trailing newline), e.g. {"add":{"path":"a.parquet","partitionValues":{},...}}.
/// CommitInfo: when `json` is non-empty it is written as is (it is the whole object); otherwise
/// the object is built from the typed fields.
std::string ActionToJson(const Action& action);

/// A commit file: every action on its own line, each line terminated by '\n'.
std::string ActionsToJson(const std::vector<Action>& actions);

/// Appends `s` as a JSON string literal.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace delta::protocol
