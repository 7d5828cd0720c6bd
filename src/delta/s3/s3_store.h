// The S3 object store: table files at s3://bucket/key (and s3a://) through the storage seam, over
// libcurl with our own SigV4 signing. Works against AWS and S3-compatible servers (MinIO, moto,
// R2, ...) through an endpoint override, path-style or virtual-hosted addressing.
//
// Semantics (see storage/object_store.h for the contract):
//  - List: ListObjectsV2, paginated, with start-after; directory markers ("a/") are skipped.
//  - Get / GetRange / Head: GET, ranged GET, HEAD. OpenRead fetches the object's tail with one
//    suffix-range GET (size and Parquet footer in one request) and serves reads inside it from
//    memory.
//  - Put: one PUT. OpenWrite: one PUT for small objects, a multipart upload (bounded memory: one
//    part buffered) for large ones; the object appears only when Close() succeeds.
//  - PutIfAbsent: PUT with If-None-Match: * (412 -> AlreadyExists). Since an earlier delivery of
//    the same PUT may have landed (a retry after a dropped connection, ours or libcurl's), a 412
//    is checked by reading the object back: our own bytes mean success, not a false conflict. Without conditional put
//    (AWS_CONDITIONAL_PUT=disabled) commits go through the DynamoDB coordinator when configured,
//    are refused (Unsupported) unless unsafe single-writer mode is opted into.
//  - Retries with exponential backoff and full jitter on 5xx, 429/503 SlowDown, connection resets
//    and stalls; never on 403/404/301 (clear errors naming bucket and key instead).
// Secrets never appear in errors.
// Thread-safety: an S3Store is safe to use from many threads at once.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "delta/s3/http_client.h"
#include "delta/s3/s3_config.h"
#include "delta/storage/object_store.h"
#include "delta/storage/uri.h"

namespace delta::s3 {

/// Registers the "s3" and "s3a" schemes with storage::RegisterStoreFactory, so that
/// storage::ResolveUri (and Table::Open, the CLI, ...) accept s3:// URIs. Stores are cached per
/// bucket and configuration, so all URIs of one bucket share connections. Idempotent.
void RegisterS3StoreFactories();

/// Resolves an s3:// or s3a:// URI with the given options (see s3_config.h for the keys).
/// Errors: InvalidArgument for a malformed URI or configuration.
Result<storage::Location> ResolveS3Uri(std::string_view uri, const storage::StorageOptions& options);

class S3Store : public storage::ObjectStore {
 public:
  ~S3Store() override = default;

  /// Deletes up to any number of keys with DeleteObjects (1000 per request). Missing keys are
  /// fine. Errors: IOError naming the first key that could not be deleted.
  virtual Status DeleteMany(std::span<const std::string> keys) = 0;

  /// Creates the bucket (in the configured region). OK when it already exists and is ours.
  /// Errors: IOError (403, name taken by someone else, ...).
  virtual Status CreateBucket() = 0;

  virtual const S3Config& config() const = 0;
  /// Requests sent so far by this store (all attempts), for tests and benchmarks.
  virtual const HttpClient& http() const = 0;
};

/// A new (uncached) store for config.bucket; `scheme` ("s3" or "s3a") is used for base_uri().
std::shared_ptr<S3Store> MakeS3Store(S3Config config, std::string scheme = "s3");

}  // namespace delta::s3
