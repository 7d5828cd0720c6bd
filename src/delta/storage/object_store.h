// ObjectStore: the storage seam of libdelta. Everything above this layer (log replay, snapshots,
// scans, commits) reads and writes table files only through an ObjectStore, so that object
// stores (s3://, abfss://, ...) can be added later without touching the callers.
//
// Keys are '/'-separated, have no leading or trailing '/', no empty, "." or ".." segments, and are
// already percent-decoded (they are the real names of the objects). Stores reject malformed keys
// with InvalidArgument.
//
// Thread-safety: every ObjectStore implementation is safe to use from many threads at once.
// Buffers returned by Get/GetRange are immutable and owned by the caller (shared ownership).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "delta/columnar/buffer.h"
#include "delta/io/file.h"
#include "delta/util/result.h"

namespace delta::storage {

struct ObjectMeta {
  std::string key;
  int64_t size = 0;
  /// Last modification time, milliseconds since the Unix epoch.
  int64_t last_modified_ms = 0;
};

/// Free-form store configuration (credentials, endpoints, ...), interpreted by each store factory.
using StorageOptions = std::map<std::string, std::string>;

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  /// Every object whose key starts with `prefix` (recursive, like S3 ListObjectsV2 without a
  /// delimiter), sorted by key bytewise ascending; when `start_after` is non-empty only keys
  /// greater than it. `prefix` is a plain string prefix, not necessarily a directory
  /// ("t/_delta_log/0000" is fine). A prefix matching nothing gives an empty vector (OK).
  /// Directories themselves are not objects. Errors: IOError when listing fails.
  virtual Result<std::vector<ObjectMeta>> List(std::string_view prefix, std::string_view start_after = {}) = 0;

  /// The whole object. NotFound naming the key when it does not exist; IOError on read failure.
  virtual Result<columnar::BufferPtr> Get(std::string_view key) = 0;

  /// Exactly `length` bytes at `offset`. NotFound when the object does not exist;
  /// InvalidArgument naming the key, range and object size when the range is not inside the
  /// object (no short reads at the end).
  virtual Result<columnar::BufferPtr> GetRange(std::string_view key, int64_t offset, int64_t length) = 0;

  /// Size and modification time. NotFound when the object does not exist.
  virtual Result<ObjectMeta> Head(std::string_view key) = 0;

  /// Creates or overwrites the object atomically: readers see the old or the new contents, never
  /// a partial object. Errors: IOError.
  virtual Status Put(std::string_view key, std::span<const uint8_t> data) = 0;

  /// Creates the object only when it does not exist (the commit primitive of the Delta log):
  /// AlreadyExists when it does, and then the existing object is left untouched. When several
  /// callers race on one key exactly one succeeds. The object appears complete or not at all.
  virtual Status PutIfAbsent(std::string_view key, std::span<const uint8_t> data) = 0;

  /// Removes the object. Idempotent: a missing object is OK. Errors: IOError.
  virtual Status Delete(std::string_view key) = 0;

  /// Random access for the Parquet reader (the local store returns the pread file of io/file.h).
  /// NotFound when the object does not exist.
  virtual Result<std::shared_ptr<io::RandomAccessFile>> OpenRead(std::string_view key) = 0;

  /// Streaming write. The object appears (atomically, overwriting) only when Close() succeeds;
  /// destroying the stream without Close() discards what was written.
  virtual Result<std::unique_ptr<io::OutputStream>> OpenWrite(std::string_view key) = 0;

  /// The URI of key "" of this store, always ending in '/', e.g. "file:///" or "memory://name/".
  /// base_uri() + key is a URI that ResolveUri maps back to this store and key (for keys whose
  /// characters need no escaping).
  virtual std::string base_uri() const = 0;
};

using ObjectStorePtr = std::shared_ptr<ObjectStore>;

/// Checks that `key` is a well-formed object key (see the top of this file); `allow_empty`
/// admits "" (the store root, meaningful for List only). InvalidArgument naming the key.
Status ValidateKey(std::string_view key, bool allow_empty = false);

}  // namespace delta::storage
