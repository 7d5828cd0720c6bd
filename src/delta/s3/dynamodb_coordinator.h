// A DynamoDB commit coordinator for S3-compatible stores without conditional PUT, compatible with
// the table layout of Delta's S3DynamoDBLogStore, so that Spark writers (configured with
// io.delta.storage.S3DynamoDBLogStore) and ours can commit to the same table.
//
// DynamoDB table (created on first use when missing, pay-per-request): hash key `tablePath` (S,
// "s3://bucket/path/to/table"), range key `fileName` (S, "00000000000000000007.json"); other
// attributes `tempPath` (S, the temporary file relative to _delta_log, ".tmp/7.json.<uuid>"),
// `complete` (S, "true"/"false"), `expireTime` (N, epoch seconds, set once complete, for TTL).
//
// Commit of version N (the put-if-absent of _delta_log/N.json):
//   1. recover the latest entry of the table if it is incomplete (a writer died mid-commit);
//   2. write the commit bytes to _delta_log/.tmp/N.json.<uuid>;
//   3. PutItem {complete: false} with `attribute_not_exists(fileName)`: the atomic step; a
//      failed condition means another writer owns N (AlreadyExists);
//   4. copy the bytes to _delta_log/N.json (plain PUT: only the entry owner writes it);
//   5. UpdateItem complete = "true", expireTime = now + 1 day.
// Readers call Recover before listing a log so that an acknowledged-but-uncopied commit appears.
// Thread-safety: safe from many threads.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "delta/s3/http_client.h"
#include "delta/s3/s3_config.h"
#include "delta/storage/object_store.h"

namespace delta::s3 {

class DynamoDbCoordinator {
 public:
  /// `store` is the S3 store of the bucket (Put/Get/Head only; it must outlive this object).
  DynamoDbCoordinator(const S3Config& config, storage::ObjectStore* store);

  /// Commits `data` as `key` (".../_delta_log/<version>.json"). AlreadyExists when the version
  /// is taken; IOError naming the DynamoDB table when DynamoDB fails; InvalidArgument when `key`
  /// is not a commit file.
  Status PutIfAbsent(std::string_view key, std::span<const uint8_t> data);

  /// Completes the latest commit of the table whose log directory key is `log_dir`
  /// (".../_delta_log") when its entry is incomplete. Errors as above.
  Status Recover(std::string_view log_dir);

  int64_t requests() const { return http_.total_requests(); }

 private:
  struct Entry {
    std::string file_name;
    std::string temp_path;
    bool complete = false;
  };
  Result<std::string> Call(std::string_view op, const std::string& body, bool* condition_failed);
  Status EnsureTable();
  Result<std::optional<Entry>> Latest(const std::string& table_path);
  Status Complete(const std::string& table_path, const std::string& log_dir, const Entry& e, bool copy);
  std::string TablePath(std::string_view log_dir) const;

  S3Config config_;
  storage::ObjectStore* store_;
  HttpClient http_;
  std::string url_;
  std::string host_;
  std::string region_;
  std::once_flag table_checked_;
  Status table_status_;
};

}  // namespace delta::s3
