// The local filesystem as an ObjectStore. Keys are absolute paths without the leading '/'
// ("tmp/t/_delta_log/00000000000000000000.json" is the file /tmp/t/_delta_log/...).
//
// Writes go to a temporary file ".<name>.tmp-<random>" in the target directory (parent
// directories are created as needed), then rename(2) (Put, OpenWrite: atomic overwrite) or
// link(2) (PutIfAbsent: atomic, never overwrites). List skips such temporary files.
// Errors are IOError naming the path and the system error text.
// Thread-safety: stateless; safe from any thread.
#pragma once

#include "delta/storage/object_store.h"

namespace delta::storage {

/// The process-wide local store (base_uri "file:///").
std::shared_ptr<ObjectStore> LocalStore();

}  // namespace delta::storage
