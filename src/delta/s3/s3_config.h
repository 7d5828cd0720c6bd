// Configuration of the S3 object store: where the bucket is (endpoint, region, addressing
// style), who we are (credentials) and how hard to try (retries, concurrency, timeouts).
//
// Resolution order, the way the AWS CLI and delta-rs find it, per setting:
//   1. the storage options passed by the caller (keys case-insensitive, delta-rs names:
//      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_ENDPOINT_URL,
//      AWS_ALLOW_HTTP, AWS_PROFILE, AWS_VIRTUAL_HOSTED_STYLE_REQUEST, ...);
//   2. the environment variables of the same names (plus AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3);
//   3. the shared files ~/.aws/credentials and ~/.aws/config (or AWS_SHARED_CREDENTIALS_FILE /
//      AWS_CONFIG_FILE), profile AWS_PROFILE or "default".
// Credentials are taken as a unit from the first source that has an access key id.
// Secrets are kept here only; nothing in this module prints them.
// Thread-safety: plain values; the loader reads the environment and files, safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "delta/s3/sigv4.h"
#include "delta/storage/object_store.h"
#include "delta/util/result.h"

namespace delta::s3 {

/// How a commit (put-if-absent) is made atomic.
enum class CommitMode {
  /// PUT with If-None-Match: * (S3 since 2024, MinIO, moto, R2, ...). The default.
  kConditionalPut,
  /// A DynamoDB table as commit coordinator, in the layout of Delta's S3DynamoDBLogStore.
  kDynamoDb,
  /// Plain PUT after a HEAD: safe only with a single writer. Must be opted into.
  kUnsafeSingleWriter,
  /// No conditional put and nothing else configured: PutIfAbsent is refused.
  kRefuse,
};

struct S3Config {
  std::string bucket;
  std::string region = "us-east-1";
  /// "http(s)://host[:port]" without a trailing '/'; empty means AWS (s3.<region>.amazonaws.com).
  std::string endpoint;
  bool allow_http = false;
  bool virtual_hosted = false;
  Credentials credentials;
  /// Where the credentials came from ("storage options", "environment", "profile 'x'", "none"),
  /// for error messages.
  std::string credentials_source = "none";

  int max_attempts = 6;             // first try included
  int64_t backoff_base_ms = 100;    // exponential backoff with full jitter, capped:
  int64_t backoff_max_ms = 5000;
  int max_concurrency = 32;         // requests in flight per store
  int64_t connect_timeout_ms = 5000;
  /// A transfer that moves no byte for this long is abandoned (and retried): catches stalls.
  int64_t stall_timeout_ms = 20000;
  int64_t multipart_part_size = 8LL << 20;  // >= 5 MiB on AWS
  int64_t multipart_threshold = 16LL << 20;
  int64_t tail_read_bytes = 64 << 10;      // speculative read at OpenRead (Parquet footers)
  int64_t list_page_size = 0;              // ListObjectsV2 max-keys; 0 = server default (1000)

  CommitMode commit_mode = CommitMode::kConditionalPut;
  std::string dynamodb_table = "delta_log";
  std::string dynamodb_endpoint;  // defaults to `endpoint` (moto serves both) or AWS
  std::string dynamodb_region;    // defaults to `region`

  /// A fingerprint of everything that identifies the store (for the process-wide store cache).
  /// Contains a hash of the secret, never the secret.
  std::string Fingerprint() const;
};

/// Reads an environment variable (injectable for tests).
using EnvLookup = std::function<const char*(const char*)>;

/// Resolves the configuration for `bucket`. Errors: InvalidArgument naming the option (never its
/// value when it is a secret) for malformed values (bad endpoint, non-numeric limits, http
/// endpoint without AWS_ALLOW_HTTP, unknown commit mode); IOError when a shared file exists but
/// cannot be read.
Result<S3Config> LoadS3Config(std::string bucket, const storage::StorageOptions& options,
                              const EnvLookup& env = nullptr);

}  // namespace delta::s3
