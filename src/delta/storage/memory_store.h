// An in-memory ObjectStore (tests, examples, temporary tables). Objects are immutable buffers
// shared with readers; Put replaces the buffer, so a reader holding an old buffer keeps it.
// Thread-safety: all operations take an internal mutex; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "delta/storage/object_store.h"

namespace delta::storage {

/// A new, empty in-memory store with a unique process-wide name; its base_uri()
/// ("memory://<name>/") resolves back to it through ResolveUri for as long as the store lives.
std::shared_ptr<ObjectStore> MakeMemoryStore();

/// The process-wide store named `name` ("memory://<name>/..." URIs), created on first use and
/// kept for the life of the process. InvalidArgument when `name` is empty or contains '/'.
Result<std::shared_ptr<ObjectStore>> NamedMemoryStore(std::string_view name);

}  // namespace delta::storage
