// The local filesystem as an ObjectStore. Keys are absolute paths without the leading '/'
// ("tmp/t/_delta_log/00000000000000000000.json" is the file /tmp/t/_delta_log/...).
//
// Writes go to a temporary file ".<name>.tmp-<random>" in the target directory (parent
// directories are created as needed), then rename(2) (Put, OpenWrite: atomic overwrite) or
// link(2) (PutIfAbsent: atomic, never overwrites). List skips such temporary files.
// Durability: Put / PutIfAbsent make their file durable (bytes fdatasync(2)ed before the rename /
// link, directory fsynced after) and, before the new name appears, every file written through
// OpenWrite under the same table root (the directory holding _delta_log, or the key's own
// directory) with the directories created for or holding it: each is synced once, all at once.
// So a Delta commit that became visible survives a power loss with every data file it
// references, and a commit costs about two sync latencies however many files it adds. A file
// written through OpenWrite outside _delta_log is durable only after such a Put / PutIfAbsent or
// SyncLocalWrites; inside _delta_log (checkpoints) it is synced before its rename. The environment
// variable DELTA_LOCAL_FSYNC=off turns these syncs off (a killed process still loses nothing;
// only an operating system crash or power loss can).
// Errors are IOError naming the path and the system error text.
// Thread-safety: safe from any thread (the pending syncs are a mutex-protected set).
#pragma once

#include "delta/storage/object_store.h"

namespace delta::storage {

/// The process-wide local store (base_uri "file:///").
std::shared_ptr<ObjectStore> LocalStore();

/// Makes durable every file written through OpenWrite whose path starts with `key_prefix`
/// (a directory key) and the directories holding them. IOError naming a path that cannot be
/// synced.
Status SyncLocalWrites(std::string_view key_prefix);

/// Deletes the temporary files of interrupted writes (".<name>.tmp-<16 hex digits>", left when a
/// process dies between creating and linking / renaming them) in the directory with local store
/// key `dir_key` (and its subdirectories when `recursive`; symbolic links are not followed)
/// whose modification time is older than `older_than_ms` (milliseconds since the epoch). Used by
/// log cleanup with the log retention as the age limit, so an in-flight write is never touched.
/// Returns how many files were deleted; a missing directory is not an error. IOError when a
/// directory cannot be read or a file cannot be deleted.
Result<int64_t> RemoveStaleTempFiles(std::string_view dir_key, int64_t older_than_ms, bool recursive);

}  // namespace delta::storage
