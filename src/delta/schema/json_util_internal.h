// Internal JSON helpers of the schema module (not part of the public API).
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <string_view>

namespace delta::schema::internal {

/// Appends `s` as a JSON string literal (quotes, backslash and control characters escaped;
/// other bytes copied as they are, so UTF-8 passes through).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace delta::schema::internal
