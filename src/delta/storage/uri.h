// URI resolution: maps a table location given by a user or found in the log (a URI or a plain
// local path) to an ObjectStore and a key inside it. Stores are looked up by URI scheme in a
// process-wide registry; "file" and "memory" are built in, others (s3, abfss, gs, ...) can be
// registered later without touching callers.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "delta/storage/object_store.h"
#include "delta/util/result.h"

namespace delta::storage {

/// An object (or directory-like prefix) in a store. `key` has no leading or trailing '/'; ""
/// is the root of the store.
struct Location {
  std::shared_ptr<ObjectStore> store;
  std::string key;

  /// store->base_uri() + key (unescaped; for messages and display).
  std::string uri() const;
  /// The location of `child` (a valid key fragment, no leading '/') below this one.
  Location Child(std::string_view child) const;
};

/// Resolves a URI or a plain path:
///  - "/abs/path"                       -> local store, key "abs/path" (normalised: "." and ".."
///                                         segments and repeated '/' are resolved)
///  - "rel/path"                        -> made absolute against the current directory, normalised
///  - "file:///abs/path", "file:/abs/path", "file://localhost/abs/path" -> local store; percent
///                                         escapes are decoded (plain paths are never decoded)
///  - "memory://name/path"              -> the process-wide in-memory store `name` (created on first
///                                         use), key "path" (percent-decoded)
///  - "<scheme>://..."                  -> the factory registered for the scheme (case-insensitive)
/// For the local store keys are absolute filesystem paths without the leading '/'.
/// Errors: Unsupported("no object store registered for scheme 's3' (uri ...)") for an unknown
/// scheme; InvalidArgument for an empty string, a malformed percent escape, or a file URI with a
/// remote host; IOError when the current directory cannot be determined.
Result<Location> ResolveUri(std::string_view uri, const StorageOptions& options = {});

/// Builds a Location for a URI of the factory's scheme.
using StoreFactory = std::function<Result<Location>(std::string_view uri, const StorageOptions&)>;

/// Registers (or replaces) the factory for `scheme` (compared case-insensitively). Thread-safe.
void RegisterStoreFactory(std::string scheme, StoreFactory factory);

}  // namespace delta::storage
