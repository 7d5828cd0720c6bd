#include "delta/s3/dynamodb_coordinator.h"

#include <chrono>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#include "delta/s3/sigv4.h"
#include "delta/util/json_string.h"
#include "delta/util/macros.h"

namespace delta::s3 {

namespace {

std::string Json(std::string_view s) {
  std::string out;
  util::AppendJsonString(s, &out);
  return out;
}

std::string NewUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

bool IsCommitName(std::string_view name) {
  if (name.size() != 25 || !name.ends_with(".json")) return false;
  for (size_t i = 0; i < 20; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  return true;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

DynamoDbCoordinator::DynamoDbCoordinator(const S3Config& config, storage::ObjectStore* store)
    : config_(config),
      store_(store),
      http_(HttpOptions{config.connect_timeout_ms, config.stall_timeout_ms, config.max_concurrency}),
      region_(config.dynamodb_region.empty() ? config.region : config.dynamodb_region) {
  std::string endpoint = config_.dynamodb_endpoint;
  if (endpoint.empty()) endpoint = fmt::format("https://dynamodb.{}.amazonaws.com", region_);
  url_ = endpoint + "/";
  host_ = endpoint.substr(endpoint.find("://") + 3);
}

std::string DynamoDbCoordinator::TablePath(std::string_view log_dir) const {
  // Delta keys entries by the table path with the "s3" scheme (s3a/s3n are normalised to s3).
  std::string_view table = log_dir.substr(0, log_dir.size() - std::string_view("_delta_log").size());
  while (!table.empty() && table.back() == '/') table.remove_suffix(1);
  return fmt::format("s3://{}/{}", config_.bucket, table);
}

Result<std::string> DynamoDbCoordinator::Call(std::string_view op, const std::string& body, bool* condition_failed) {
  if (condition_failed) *condition_failed = false;
  std::string payload_hash = Sha256Hex(body);
  Status last;
  for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
    if (attempt > 1) {
      int64_t cap = std::min(config_.backoff_max_ms, config_.backoff_base_ms << std::min(attempt - 2, 20));
      thread_local std::mt19937_64 rng{std::random_device{}()};
      if (cap > 0) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int64_t>(cap / 4, cap)(rng)));
      }
    }
    HttpRequest req;
    req.method = "POST";
    req.url = url_;
    req.body = Bytes(body);
    req.max_response_bytes = 16 << 20;
    std::string amz_date = AmzDate(std::time(nullptr));
    req.headers = {{"host", host_},
                   {"x-amz-date", amz_date},
                   {"x-amz-target", fmt::format("DynamoDB_20120810.{}", op)},
                   {"content-type", "application/x-amz-json-1.0"}};
    if (!config_.credentials.session_token.empty()) {
      req.headers.emplace_back("x-amz-security-token", config_.credentials.session_token);
    }
    if (!config_.credentials.anonymous()) {
      SigningInput in{"POST", "/", {}, req.headers, payload_hash};
      req.headers.emplace_back("authorization", SignV4(in, config_.credentials, region_, "dynamodb", amz_date).authorization);
    }
    TransportFailure failure;
    auto resp = http_.Send(req, &failure);
    if (!resp.ok()) {
      last = resp.status();
      if (failure.retryable) continue;
      break;
    }
    std::string text(resp->BodyView());
    if (resp->status == 200) return text;
    bool throttled = text.find("ThrottlingException") != std::string::npos ||
                     text.find("ProvisionedThroughputExceeded") != std::string::npos ||
                     text.find("RequestLimitExceeded") != std::string::npos;
    if (resp->status == 400 && text.find("ConditionalCheckFailedException") != std::string::npos && condition_failed) {
      *condition_failed = true;
      return std::string();
    }
    std::string type, message;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc) == simdjson::SUCCESS) {
      std::string_view t, m;
      if (doc["__type"].get_string().get(t) == simdjson::SUCCESS) type = std::string(t.substr(t.rfind('#') + 1));
      if (doc["message"].get_string().get(m) == simdjson::SUCCESS || doc["Message"].get_string().get(m) == simdjson::SUCCESS) {
        message = std::string(m.substr(0, 300));
      }
    }
    last = Status::IOError(fmt::format("DynamoDB {} on table '{}' failed: HTTP {} {}{}{}", op, config_.dynamodb_table,
                                       resp->status, type, message.empty() ? "" : " - ", message));
    if (type == "ResourceNotFoundException") return Status::NotFound(last.message());
    if (resp->status >= 500 || throttled) continue;
    return last;
  }
  return last.WithContext(fmt::format("after {} attempts", config_.max_attempts));
}

Status DynamoDbCoordinator::EnsureTable() {
  std::call_once(table_checked_, [&] {
    std::string describe = fmt::format("{{\"TableName\":{}}}", Json(config_.dynamodb_table));
    auto r = Call("DescribeTable", describe, nullptr);
    if (r.ok()) return;
    if (!r.status().IsNotFound()) {
      table_status_ = r.status();
      return;
    }
    std::string create = fmt::format(
        "{{\"TableName\":{},\"AttributeDefinitions\":[{{\"AttributeName\":\"tablePath\",\"AttributeType\":\"S\"}},"
        "{{\"AttributeName\":\"fileName\",\"AttributeType\":\"S\"}}],\"KeySchema\":[{{\"AttributeName\":\"tablePath\","
        "\"KeyType\":\"HASH\"}},{{\"AttributeName\":\"fileName\",\"KeyType\":\"RANGE\"}}],"
        "\"BillingMode\":\"PAY_PER_REQUEST\"}}",
        Json(config_.dynamodb_table));
    auto c = Call("CreateTable", create, nullptr);
    if (!c.ok() && c.status().message().find("ResourceInUseException") == std::string::npos) {
      table_status_ = c.status();
      return;
    }
    // Wait until ACTIVE (immediate on moto; seconds on AWS).
    for (int i = 0; i < 120; ++i) {
      auto d = Call("DescribeTable", describe, nullptr);
      if (d.ok() && d->find("\"ACTIVE\"") != std::string::npos) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    table_status_ = Status::IOError(fmt::format("DynamoDB table '{}' did not become ACTIVE", config_.dynamodb_table));
  });
  return table_status_;
}

Result<std::optional<DynamoDbCoordinator::Entry>> DynamoDbCoordinator::Latest(const std::string& table_path) {
  std::string q = fmt::format(
      "{{\"TableName\":{},\"ConsistentRead\":true,\"ScanIndexForward\":false,\"Limit\":1,"
      "\"KeyConditionExpression\":\"tablePath = :p\",\"ExpressionAttributeValues\":{{\":p\":{{\"S\":{}}}}}}}",
      Json(config_.dynamodb_table), Json(table_path));
  DELTA_ASSIGN_OR_RAISE(std::string text, Call("Query", q, nullptr));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array items;
  if (parser.parse(text).get(doc) != simdjson::SUCCESS || doc["Items"].get_array().get(items) != simdjson::SUCCESS) {
    return Status::CorruptData(fmt::format("DynamoDB Query on '{}': malformed response", config_.dynamodb_table));
  }
  for (simdjson::dom::element item : items) {
    std::string_view name, temp, complete;
    if (item["fileName"]["S"].get_string().get(name) != simdjson::SUCCESS ||
        item["tempPath"]["S"].get_string().get(temp) != simdjson::SUCCESS ||
        item["complete"]["S"].get_string().get(complete) != simdjson::SUCCESS || !IsCommitName(name) ||
        temp.empty() || temp.find("..") != std::string_view::npos || temp.front() == '/') {
      return Status::CorruptData(
          fmt::format("DynamoDB table '{}': malformed commit entry for {}", config_.dynamodb_table, table_path));
    }
    return std::optional<Entry>(Entry{std::string(name), std::string(temp), complete == "true"});
  }
  return std::optional<Entry>();
}

Status DynamoDbCoordinator::Complete(const std::string& table_path, const std::string& log_dir, const Entry& e,
                                     bool copy) {
  if (copy) {
    std::string target = log_dir + "/" + e.file_name;
    auto head = store_->Head(target);
    if (head.status().IsNotFound()) {
      DELTA_ASSIGN_OR_RAISE(auto bytes, store_->Get(log_dir + "/" + e.temp_path));
      DELTA_RETURN_NOT_OK(store_->Put(target, std::span<const uint8_t>(bytes->data(), static_cast<size_t>(bytes->size()))));
    } else if (!head.ok()) {
      return head.status();
    }
  }
  int64_t expire = std::time(nullptr) + 86400;
  std::string u = fmt::format(
      "{{\"TableName\":{},\"Key\":{{\"tablePath\":{{\"S\":{}}},\"fileName\":{{\"S\":{}}}}},"
      "\"UpdateExpression\":\"SET complete = :t, expireTime = :e\","
      "\"ExpressionAttributeValues\":{{\":t\":{{\"S\":\"true\"}},\":e\":{{\"N\":\"{}\"}}}}}}",
      Json(config_.dynamodb_table), Json(table_path), Json(e.file_name), expire);
  return Call("UpdateItem", u, nullptr).status();
}

Status DynamoDbCoordinator::Recover(std::string_view log_dir) {
  DELTA_RETURN_NOT_OK(EnsureTable());
  std::string table_path = TablePath(log_dir);
  DELTA_ASSIGN_OR_RAISE(auto latest, Latest(table_path));
  if (latest && !latest->complete) return Complete(table_path, std::string(log_dir), *latest, /*copy=*/true);
  return Status::OK();
}

Status DynamoDbCoordinator::PutIfAbsent(std::string_view key, std::span<const uint8_t> data) {
  size_t slash = key.rfind('/');
  std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
  std::string log_dir(slash == std::string_view::npos ? std::string_view() : key.substr(0, slash));
  if (!IsCommitName(name) || !(log_dir == "_delta_log" || std::string_view(log_dir).ends_with("/_delta_log"))) {
    return Status::InvalidArgument(
        fmt::format("the DynamoDB commit coordinator only writes Delta commit files, not '{}'", key));
  }
  DELTA_RETURN_NOT_OK(Recover(log_dir));
  std::string table_path = TablePath(log_dir);
  Entry e{std::string(name), fmt::format(".tmp/{}.{}", name, NewUuid()), false};
  DELTA_RETURN_NOT_OK(store_->Put(log_dir + "/" + e.temp_path, data));
  std::string put = fmt::format(
      "{{\"TableName\":{},\"Item\":{{\"tablePath\":{{\"S\":{}}},\"fileName\":{{\"S\":{}}},\"tempPath\":{{\"S\":{}}},"
      "\"complete\":{{\"S\":\"false\"}}}},\"ConditionExpression\":\"attribute_not_exists(fileName)\"}}",
      Json(config_.dynamodb_table), Json(table_path), Json(e.file_name), Json(e.temp_path));
  bool taken = false;
  DELTA_RETURN_NOT_OK(Call("PutItem", put, &taken).status());
  if (taken) {
    // Ours after all when an earlier, unanswered delivery of this PutItem landed: the entry then
    // names our temporary file.
    std::string get = fmt::format(
        "{{\"TableName\":{},\"ConsistentRead\":true,\"Key\":{{\"tablePath\":{{\"S\":{}}},\"fileName\":{{\"S\":{}}}}}}}",
        Json(config_.dynamodb_table), Json(table_path), Json(e.file_name));
    DELTA_ASSIGN_OR_RAISE(std::string text, Call("GetItem", get, nullptr));
    if (text.find(Json(e.temp_path)) == std::string::npos) {
      (void)store_->Delete(log_dir + "/" + e.temp_path);
      return Status::AlreadyExists(fmt::format("{}/_delta_log/{} already exists (DynamoDB table '{}')", table_path,
                                               name, config_.dynamodb_table));
    }
  }
  // The entry is ours: the version is committed, whatever happens next. Copying and completing
  // are finished by any later reader or writer (Recover) if they fail here or this process dies.
  if (store_->Put(std::string(key), data).ok()) (void)Complete(table_path, log_dir, e, /*copy=*/false);
  return Status::OK();
}

}  // namespace delta::s3
