// Path helpers for Delta table files: percent-decoding of the URI-encoded paths of add/remove
// actions, joining relative paths under a table root without escaping it, and resolving a data
// file path to a store location (PROTOCOL.md "Add File and Remove File": `path` is a URI per
// RFC 2396, relative to the table root unless absolute).
// Thread-safety: pure functions (ResolveDataFile may consult the store registry, which is
// thread-safe).
#pragma once

#include <string>
#include <string_view>

#include "delta/storage/object_store.h"
#include "delta/storage/uri.h"
#include "delta/util/result.h"

namespace delta::storage {

/// Decodes every %XX escape (hex digits of either case); '+' stays '+'. InvalidArgument naming
/// the string and the position of a malformed escape ("%", "%4", "%zz").
Result<std::string> PercentDecode(std::string_view s);

/// True when `p` starts with a URI scheme ("s3://...", "file:/...", "abfss://...": a letter,
/// then letters, digits, '+', '-' or '.', then ':') or with '/'.
bool IsAbsoluteUri(std::string_view p);

/// The scheme of `p` in lower case ("file", "s3"), or "" when it has none.
std::string UriScheme(std::string_view p);

/// Normalises a '/'-separated path: drops empty and "." segments, resolves ".." (at the top a
/// ".." stays at the top, as in POSIX for "/.."). Leading and trailing '/' are removed.
std::string NormalizeKeyPath(std::string_view path);

/// Joins a decoded relative path of an add/remove action under the table root key, normalising
/// "./" and "a/../b" inside. InvalidArgument naming the path when it is empty, starts with '/',
/// contains a NUL byte, refers to the root itself, or escapes the root ("../x", "a/../../x").
Result<std::string> JoinRelativeKey(std::string_view root_key, std::string_view relative);

/// Resolves the `path` of an add/remove (or cdc) action, still percent-encoded as in the log,
/// against the table root. It is decoded exactly once:
///  - with a scheme ("file:///x", "s3://b/x"): through ResolveUri (which decodes file URIs);
///  - starting with '/': decoded, normalised, a key of the table root's store;
///  - otherwise: decoded and joined under table_root.key with JoinRelativeKey.
/// Errors: InvalidArgument (bad escape, escaping path), Unsupported (unknown scheme).
Result<Location> ResolveDataFile(const Location& table_root, std::string_view action_path,
                                 const StorageOptions& options = {});

}  // namespace delta::storage
