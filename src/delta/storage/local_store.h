// The local filesystem as an ObjectStore. Keys are absolute paths without the leading '/'
// ("tmp/t/_delta_log/00000000000000000000.json" is the file /tmp/t/_delta_log/...).
//
// Writes go to a temporary file ".<name>.tmp-<random>" in the target directory (parent
// directories are created as needed), then rename(2) (Put, OpenWrite: atomic overwrite) or
// link(2) (PutIfAbsent: atomic, never overwrites). List skips such temporary files.
// Durability: file contents are fsync(2)ed before the rename / link, and the directory holding
// the new name (and any directory created for it) is fsynced afterwards, so a Delta commit that
// became visible survives a power loss with every data file it references. The environment
// variable DELTA_LOCAL_FSYNC=off turns these syncs off (a killed process still loses nothing;
// only an operating system crash or power loss can).
// Errors are IOError naming the path and the system error text.
// Thread-safety: stateless; safe from any thread.
#pragma once

#include "delta/storage/object_store.h"

namespace delta::storage {

/// The process-wide local store (base_uri "file:///").
std::shared_ptr<ObjectStore> LocalStore();

/// Deletes the temporary files of interrupted writes (".<name>.tmp-<16 hex digits>", left when a
/// process dies between creating and linking / renaming them) in the directory with local store
/// key `dir_key` (and its subdirectories when `recursive`; symbolic links are not followed)
/// whose modification time is older than `older_than_ms` (milliseconds since the epoch). Used by
/// log cleanup with the log retention as the age limit, so an in-flight write is never touched.
/// Returns how many files were deleted; a missing directory is not an error. IOError when a
/// directory cannot be read or a file cannot be deleted.
Result<int64_t> RemoveStaleTempFiles(std::string_view dir_key, int64_t older_than_ms, bool recursive);

}  // namespace delta::storage
