#include "delta/s3/s3_store.h"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "delta/io/read_hints.h"
#include "delta/s3/dynamodb_coordinator.h"
#include "delta/s3/sigv4.h"
#include "delta/s3/xml.h"
#include "delta/storage/path.h"
#include "delta/util/civil_time.h"
#include "delta/util/macros.h"

namespace delta::s3 {

namespace {

using storage::ObjectMeta;
using Query = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// One logical S3 call; Execute turns it into one or more signed HTTP attempts.
struct Call {
  Call(std::string m, std::string k) : method(std::move(m)), key(std::move(k)) {}
  std::string method;
  std::string key;  // empty: a bucket-level request
  Query query;
  Headers headers;  // extra headers, all signed
  std::span<const uint8_t> body;
  int64_t max_response_bytes = -1;
  // 409 is worth another attempt (a concurrent conditional write on the same key in flight).
  bool retry_conflict = false;
};

struct Outcome {
  HttpResponse response;
  int attempts = 0;
};

// Parses a decimal int64 strictly.
bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

// "2009-10-12T17:50:30.000Z" -> ms since the epoch; 0 when unparseable (the field is informative).
int64_t ParseIso8601Ms(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 19 || std::sscanf(std::string(s.substr(0, 19)).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h,
                                   &mi, &sec) != 6) {
    return 0;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return 0;
  int64_t ms = 0;
  if (s.size() > 20 && s[19] == '.') {
    int64_t frac = 0;
    int digits = 0;
    for (size_t i = 20; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (digits < 3) frac = frac * 10 + (s[i] - '0');
      ++digits;
    }
    while (digits > 0 && digits < 3) {
      frac *= 10;
      ++digits;
    }
    ms = frac;
  }
  int64_t days = util::DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60000LL + sec * 1000LL + ms;
}

// RFC 7231 IMF-fixdate ("Wed, 12 Oct 2009 17:50:00 GMT") -> ms; 0 when unparseable.
int64_t ParseHttpDateMs(const std::string* s) {
  if (s == nullptr) return 0;
  std::tm tm{};
  const char* end = strptime(s->c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
  if (end == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// Decodes a key of a ListObjectsV2 response with encoding-type=url ('+' is a space).
Result<std::string> UrlDecodeKey(std::string_view s) {
  std::string plus;
  plus.reserve(s.size());
  for (char c : s) plus.push_back(c == '+' ? ' ' : c);
  return storage::PercentDecode(plus);
}

thread_local std::mt19937_64 t_rng{std::random_device{}()};

class S3StoreImpl;

class S3ReadFile final : public io::RandomAccessFile, public io::ReadAheadHints {
 public:
  S3ReadFile(std::shared_ptr<S3StoreImpl> store, std::string key, std::string uri, int64_t size, int64_t tail_offset,
             columnar::BufferPtr tail)
      : store_(std::move(store)),
        key_(std::move(key)),
        uri_(std::move(uri)),
        size_(size),
        tail_offset_(tail_offset),
        tail_(std::move(tail)) {}

  const std::string& path() const override { return uri_; }
  int64_t size() const override { return size_; }
  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) const override;
  Result<columnar::BufferPtr> ReadBufferAt(int64_t offset, int64_t n) const override;
  void WillNeed(std::span<const io::ByteRange> ranges) const override;

 private:
  // Ranges closer than this are fetched together (the bytes between are cheaper than a request);
  // one fetch stays below kMaxCoalesced, and prefetched bytes not yet read below kMaxPrefetched.
  static constexpr int64_t kCoalesceGap = 1 << 20;
  static constexpr int64_t kMaxCoalesced = 64 << 20;
  static constexpr int64_t kMaxPrefetched = 256 << 20;

  struct Prefetched {
    int64_t offset;
    columnar::BufferPtr data;
    int64_t unread;  // hinted bytes not yet read; the entry is dropped at zero
  };
  // Copies [offset, offset+n) out of a prefetched range when one holds it.
  bool ServePrefetched(int64_t offset, int64_t n, uint8_t* out, columnar::BufferPtr* view) const;
  Status CheckRange(int64_t offset, int64_t n) const {
    if (offset < 0 || n < 0 || offset > size_ || n > size_ - offset) {
      return Status::IOError(
          fmt::format("read of {} bytes at offset {} is outside {} ({} bytes)", n, offset, uri_, size_));
    }
    return Status::OK();
  }
  bool InTail(int64_t offset, int64_t n) const {
    return tail_ && offset >= tail_offset_ && offset + n <= tail_offset_ + tail_->size();
  }

  std::shared_ptr<S3StoreImpl> store_;
  std::string key_;
  std::string uri_;
  int64_t size_;
  int64_t tail_offset_;
  columnar::BufferPtr tail_;
  mutable std::mutex prefetch_mu_;
  mutable std::vector<Prefetched> prefetched_;
  mutable int64_t prefetched_bytes_ = 0;
};

class S3WriteStream;

class S3StoreImpl final : public S3Store, public std::enable_shared_from_this<S3StoreImpl> {
 public:
  S3StoreImpl(S3Config config, std::string scheme)
      : config_(std::move(config)),
        base_uri_(fmt::format("{}://{}/", scheme, config_.bucket)),
        http_(HttpOptions{config_.connect_timeout_ms, config_.stall_timeout_ms, config_.max_concurrency}) {
    std::string endpoint = config_.endpoint;
    if (endpoint.empty()) endpoint = fmt::format("https://s3.{}.amazonaws.com", config_.region);
    size_t sep = endpoint.find("://");
    url_scheme_ = endpoint.substr(0, sep);
    host_ = endpoint.substr(sep + 3);
    if (config_.virtual_hosted) host_ = config_.bucket + "." + host_;
    if (config_.commit_mode == CommitMode::kDynamoDb) {
      coordinator_ = std::make_unique<DynamoDbCoordinator>(config_, this);
    }
  }

  const S3Config& config() const override { return config_; }
  const HttpClient& http() const override { return http_; }
  std::string base_uri() const override { return base_uri_; }

  std::string Uri(std::string_view key) const { return base_uri_ + std::string(key); }

  // ---------------------------------------------------------------- transport
  // The path as sent on the wire (also the canonical URI: S3 signs the path exactly as sent,
  // encoded once, without normalisation).
  std::string PathFor(std::string_view key) const {
    // Path-style: /bucket/key (bucket-level requests: /bucket). Virtual-hosted: /key (or /).
    std::string p = config_.virtual_hosted ? std::string() : "/" + config_.bucket;
    if (!key.empty() || config_.virtual_hosted) p.push_back('/');
    p += UriEncode(key, /*encode_slash=*/false);
    return p;
  }

  Result<Outcome> Execute(const Call& call) {
    std::string path = PathFor(call.key);
    std::string query = CanonicalQueryString(call.query);
    std::string url = fmt::format("{}://{}{}{}{}", url_scheme_, host_, path, query.empty() ? "" : "?", query);
    std::string payload_hash =
        call.body.empty() ? std::string(kEmptySha256) : Sha256Hex(call.body);
    Outcome out;
    Status last_error;
    for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
      if (attempt > 1) Backoff(attempt);
      out.attempts = attempt;
      HttpRequest req;
      req.method = call.method;
      req.url = url;
      req.body = call.body;
      req.max_response_bytes = call.max_response_bytes;
      req.headers = call.headers;
      req.headers.emplace_back("host", host_);
      std::string amz_date = AmzDate(std::time(nullptr));
      req.headers.emplace_back("x-amz-date", amz_date);
      req.headers.emplace_back("x-amz-content-sha256", payload_hash);
      if (!config_.credentials.session_token.empty()) {
        req.headers.emplace_back("x-amz-security-token", config_.credentials.session_token);
      }
      if (!config_.credentials.anonymous()) {
        SigningInput in{call.method, path, call.query, req.headers, payload_hash};
        SignatureResult sig = SignV4(in, config_.credentials, config_.region, "s3", amz_date);
        req.headers.emplace_back("authorization", std::move(sig.authorization));
      }
      TransportFailure failure;
      auto resp = http_.Send(req, &failure);
      if (!resp.ok()) {
        last_error = resp.status();
        if (failure.retryable && attempt < config_.max_attempts) continue;
        return last_error.WithContext(fmt::format("after {} attempt{}", attempt, attempt == 1 ? "" : "s"));
      }
      long st = resp->status;
      bool retry = st == 500 || st == 502 || st == 503 || st == 504 || st == 429 || (st == 409 && call.retry_conflict);
      if (st == 400) {
        // S3 answers an upload that stalled with 400 RequestTimeout: transient.
        std::string_view body = resp->BodyView();
        retry = body.find("<Code>RequestTimeout</Code>") != std::string_view::npos;
      }
      out.response = std::move(resp).MoveValueUnsafe();
      if (retry && attempt < config_.max_attempts) continue;
      return out;
    }
    return out;
  }

  void Backoff(int attempt) {
    // Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
    // Jitter"): sleep uniformly in [0, min(cap, base * 2^(attempt-2))].
    int64_t ceiling = config_.backoff_base_ms << std::min(attempt - 2, 20);
    ceiling = std::min(ceiling, config_.backoff_max_ms);
    if (ceiling <= 0) return;
    std::uniform_int_distribution<int64_t> dist(ceiling / 4, ceiling);
    std::this_thread::sleep_for(std::chrono::milliseconds(dist(t_rng)));
  }

  // Maps a non-success response to a Status naming the bucket and key.
  Status ErrorFor(const Call& call, const Outcome& out) const {
    const HttpResponse& r = out.response;
    std::string code, message, region;
    std::string_view body = r.BodyView();
    if (!body.empty() && body.size() < (1 << 20)) {
      auto doc = ParseXml(body, "S3 error response");
      if (doc.ok()) {
        code = std::string(doc->ChildText("Code"));
        message = std::string(doc->ChildText("Message")).substr(0, 300);
        region = std::string(doc->ChildText("Region"));
      }
    }
    if (const std::string* h = r.Header("x-amz-bucket-region")) region = *h;
    std::string target = call.key.empty() ? fmt::format("bucket '{}'", config_.bucket)
                                          : fmt::format("{} (bucket '{}', key '{}')", Uri(call.key), config_.bucket, call.key);
    std::string detail = code.empty() ? "" : fmt::format(": {}{}{}", code, message.empty() ? "" : " - ", message);
    std::string attempts = out.attempts > 1 ? fmt::format(" after {} attempts", out.attempts) : "";
    if (r.status == 404) {
      if (code == "NoSuchBucket") {
        return Status::NotFound(fmt::format("S3 bucket '{}' does not exist (endpoint {}://{}; {} {})", config_.bucket,
                                            url_scheme_, config_.virtual_hosted ? host_.substr(config_.bucket.size() + 1) : host_,
                                            call.method, Uri(call.key)));
      }
      return Status::NotFound(fmt::format("object not found: {}", target));
    }
    if (r.status == 301 || r.status == 307 || code == "AuthorizationHeaderMalformed" || code == "PermanentRedirect") {
      return Status::IOError(fmt::format(
          "S3 bucket '{}' is not in region '{}'{}: set AWS_REGION (or the endpoint) to the bucket's region ({} {}{})",
          config_.bucket, config_.region, region.empty() ? "" : fmt::format(" but in '{}'", region), call.method,
          target, detail));
    }
    if (r.status == 403) {
      return Status::IOError(fmt::format(
          "access denied to {} (HTTP 403{}); credentials from {}{}", target, detail, config_.credentials_source,
          config_.credentials.anonymous() ? " (requests are unsigned: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
                                          : fmt::format(", access key id {}", config_.credentials.access_key_id)));
    }
    return Status::IOError(fmt::format("{} {} failed: HTTP {}{}{}", call.method, target, r.status, detail, attempts));
  }

  Result<Outcome> ExecuteOk(const Call& call, std::initializer_list<long> ok_statuses) {
    DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
    for (long s : ok_statuses) {
      if (out.response.status == s) return out;
    }
    return ErrorFor(call, out);
  }

  // ---------------------------------------------------------------- ObjectStore
  Result<std::vector<ObjectMeta>> List(std::string_view prefix, std::string_view start_after) override {
    if (prefix.find('\0') != std::string_view::npos) return Status::InvalidArgument("list prefix contains a NUL byte");
    if (coordinator_) {
      // A commit acknowledged by DynamoDB may not have been copied to its place yet.
      size_t pos = prefix.rfind("_delta_log/");
      if (pos != std::string_view::npos && (pos == 0 || prefix[pos - 1] == '/')) {
        DELTA_RETURN_NOT_OK(coordinator_->Recover(prefix.substr(0, pos + 10)));
      }
    }
    std::vector<ObjectMeta> out;
    std::string token;
    std::string what = fmt::format("ListObjectsV2 response for {}", Uri(prefix));
    for (int page = 0;; ++page) {
      Call call("GET", "");
      call.query = {{"list-type", "2"}, {"encoding-type", "url"}};
      if (!prefix.empty()) call.query.emplace_back("prefix", std::string(prefix));
      if (config_.list_page_size > 0) call.query.emplace_back("max-keys", std::to_string(config_.list_page_size));
      if (!token.empty()) {
        call.query.emplace_back("continuation-token", token);
      } else if (!start_after.empty()) {
        call.query.emplace_back("start-after", std::string(start_after));
      }
      call.max_response_bytes = 64 << 20;
      auto res = ExecuteOk(call, {200});
      if (!res.ok()) return res.status().WithContext(fmt::format("listing prefix '{}'", prefix));
      DELTA_ASSIGN_OR_RAISE(XmlElement doc, ParseXml(res->response.BodyView(), what));
      if (doc.name != "ListBucketResult") {
        return Status::CorruptData(fmt::format("{}: root element is <{}>, not <ListBucketResult>", what, doc.name));
      }
      bool url_encoded = doc.ChildText("EncodingType") == "url";
      for (const XmlElement& c : doc.children) {
        if (c.name != "Contents") continue;
        std::string key(c.ChildText("Key"));
        if (url_encoded) {
          auto decoded = UrlDecodeKey(key);
          if (!decoded.ok()) return decoded.status().WithContext(what);
          key = std::move(decoded).MoveValueUnsafe();
        }
        int64_t size = 0;
        if (!ParseInt64(c.ChildText("Size"), &size)) {
          return Status::CorruptData(fmt::format("{}: object '{}' has a bad <Size> '{}'", what, key, c.ChildText("Size")));
        }
        if (key.empty() || !std::string_view(key).starts_with(prefix)) {
          return Status::CorruptData(fmt::format("{}: key '{}' does not start with the prefix", what, key));
        }
        if (!start_after.empty() && std::string_view(key) <= start_after) continue;
        if (key.back() == '/') continue;  // a "directory" marker, not an object
        out.push_back(ObjectMeta{std::move(key), size, ParseIso8601Ms(c.ChildText("LastModified"))});
      }
      if (doc.ChildText("IsTruncated") != "true") break;
      std::string next(doc.ChildText("NextContinuationToken"));
      if (next.empty() || next == token) {
        return Status::CorruptData(fmt::format("{}: truncated listing without a new continuation token", what));
      }
      if (page > 1'000'000) return Status::CorruptData(fmt::format("{}: listing does not end", what));
      token = std::move(next);
    }
    // ListObjectsV2 returns keys in UTF-8 binary order, which is what the contract asks; sort
    // anyway so that a server that does not cannot break log replay.
    if (!std::is_sorted(out.begin(), out.end(), [](const ObjectMeta& a, const ObjectMeta& b) { return a.key < b.key; })) {
      std::sort(out.begin(), out.end(), [](const ObjectMeta& a, const ObjectMeta& b) { return a.key < b.key; });
      out.erase(std::unique(out.begin(), out.end(), [](const ObjectMeta& a, const ObjectMeta& b) { return a.key == b.key; }),
                out.end());
    }
    return out;
  }

  Status CreateBucket() override {
    std::string body;
    if (config_.region != "us-east-1") {
      body = fmt::format(
          "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
          "<LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
          XmlEscape(config_.region));
    }
    Call call("PUT", "");
    call.body = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size());
    call.max_response_bytes = 1 << 20;
    DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
    if (out.response.status == 200) return Status::OK();
    if (out.response.status == 409 &&
        out.response.BodyView().find("BucketAlreadyOwnedByYou") != std::string_view::npos) {
      return Status::OK();
    }
    return ErrorFor(call, out);
  }

  Result<columnar::BufferPtr> Get(std::string_view key) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    {
      std::lock_guard<std::mutex> lock(winners_mu_);
      if (auto it = winners_.find(std::string(key)); it != winners_.end()) {
        columnar::BufferPtr buf = std::move(it->second);
        winners_.erase(it);
        return buf;
      }
    }
    Call call{"GET", std::string(key)};
    DELTA_ASSIGN_OR_RAISE(Outcome out, ExecuteOk(call, {200}));
    if (const std::string* cl = out.response.Header("content-length")) {
      int64_t n = 0;
      if (ParseInt64(*cl, &n) && n != out.response.body->size()) {
        return Status::IOError(fmt::format("GET {}: received {} bytes, Content-Length says {}", Uri(key),
                                           out.response.body->size(), n));
      }
    }
    return out.response.body;
  }

  // Fetches [offset, offset+length) of an object; `known_size` >= 0 skips the size checks that
  // need the Content-Range header. Range errors are InvalidArgument.
  Result<columnar::BufferPtr> FetchRange(std::string_view key, int64_t offset, int64_t length) {
    Call call{"GET", std::string(key)};
    call.headers.emplace_back("range", fmt::format("bytes={}-{}", offset, offset + length - 1));
    call.max_response_bytes = -1;
    DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
    HttpResponse& r = out.response;
    if (r.status == 416) {
      DELTA_ASSIGN_OR_RAISE(ObjectMeta meta, Head(key));
      return RangeError(key, offset, length, meta.size);
    }
    if (r.status == 200) {
      // The server ignored the range and sent the whole object.
      int64_t size = r.body->size();
      if (offset > size || length > size - offset) return RangeError(key, offset, length, size);
      return columnar::Buffer::Slice(r.body, offset, length);
    }
    if (r.status != 206) return ErrorFor(call, out);
    int64_t total = -1;
    if (const std::string* cr = r.Header("content-range")) {
      size_t slash = cr->rfind('/');
      if (slash != std::string::npos) ParseInt64(std::string_view(*cr).substr(slash + 1), &total);
    }
    if (r.body->size() != length) {
      if (total >= 0 && offset + length > total) return RangeError(key, offset, length, total);
      return Status::IOError(fmt::format("GET {} bytes {}-{}: received {} bytes instead of {}", Uri(key), offset,
                                         offset + length - 1, r.body->size(), length));
    }
    return r.body;
  }

  Status RangeError(std::string_view key, int64_t offset, int64_t length, int64_t size) const {
    return Status::InvalidArgument(
        fmt::format("range of {} bytes at offset {} is outside {} ({} bytes)", length, offset, Uri(key), size));
  }

  Result<columnar::BufferPtr> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    if (offset < 0 || length < 0) return RangeError(key, offset, length, -1);
    if (length == 0) {
      DELTA_ASSIGN_OR_RAISE(ObjectMeta meta, Head(key));
      if (offset > meta.size) return RangeError(key, offset, length, meta.size);
      return columnar::Buffer::Allocate(0);
    }
    return FetchRange(key, offset, length);
  }

  Result<ObjectMeta> Head(std::string_view key) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    Call call{"HEAD", std::string(key)};
    call.max_response_bytes = 0;  // no body: nothing to pre-size from the object's Content-Length
    DELTA_ASSIGN_OR_RAISE(Outcome out, ExecuteOk(call, {200}));
    int64_t size = 0;
    const std::string* cl = out.response.Header("content-length");
    if (cl == nullptr || !ParseInt64(*cl, &size)) {
      return Status::IOError(fmt::format("HEAD {}: no valid Content-Length in the response", Uri(key)));
    }
    return ObjectMeta{std::string(key), size, ParseHttpDateMs(out.response.Header("last-modified"))};
  }

  void ForgetWinner(std::string_view key) {
    std::lock_guard<std::mutex> lock(winners_mu_);
    winners_.erase(std::string(key));
  }

  Status Put(std::string_view key, std::span<const uint8_t> data) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    ForgetWinner(key);
    Call call{"PUT", std::string(key)};
    call.body = data;
    call.max_response_bytes = 1 << 20;
    return ExecuteOk(call, {200}).status();
  }

  Status PutIfAbsent(std::string_view key, std::span<const uint8_t> data) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    switch (config_.commit_mode) {
      case CommitMode::kConditionalPut:
        return ConditionalPut(key, data);
      case CommitMode::kUnsafeSingleWriter: {
        auto head = Head(key);
        if (head.ok()) return Status::AlreadyExists(fmt::format("{} already exists", Uri(key)));
        if (!head.status().IsNotFound()) return head.status();
        return Put(key, data);
      }
      case CommitMode::kDynamoDb:
        return coordinator_->PutIfAbsent(key, data);
      case CommitMode::kRefuse:
        break;
    }
    return Status::Unsupported(fmt::format(
        "cannot write {} safely: conditional PUT is disabled (AWS_CONDITIONAL_PUT) and no commit coordinator is "
        "configured; set AWS_S3_LOCKING_PROVIDER=dynamodb, or AWS_S3_ALLOW_UNSAFE_RENAME=true if only one writer "
        "ever writes to this table",
        Uri(key)));
  }

  Status ConditionalPut(std::string_view key, std::span<const uint8_t> data) {
    Call call{"PUT", std::string(key)};
    call.body = data;
    call.headers.emplace_back("if-none-match", "*");
    call.retry_conflict = true;
    call.max_response_bytes = 1 << 20;
    DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
    long st = out.response.status;
    if (st == 200) return Status::OK();
    if (st == 412 || st == 409) {
      {
        // An earlier attempt may have landed before its response was lost: the object then holds
        // our bytes, and the commit succeeded. Anything else is a real conflict. This is checked
        // on every 412, not only after our own retries: libcurl itself silently re-sends a
        // request whose reused connection died before any response byte arrived, so even a
        // "first attempt" may be the second delivery of the same PUT.
        auto existing = Get(key);
        if (existing.ok() && (*existing)->view() ==
                                 std::string_view(reinterpret_cast<const char*>(data.data()), data.size())) {
          return Status::OK();
        }
        if (existing.ok()) {
          // The caller's next step after losing a commit race is to read the winner: keep it
          // for that one Get (put-if-absent objects are never rewritten).
          std::lock_guard<std::mutex> lock(winners_mu_);
          if (winners_.size() >= 16) winners_.clear();
          winners_[std::string(key)] = *existing;
        }
        if (!existing.ok() && !existing.status().IsNotFound()) {
          return existing.status().WithContext(
              fmt::format("checking whether an earlier attempt to create {} landed", Uri(key)));
        }
      }
      return Status::AlreadyExists(fmt::format("{} already exists", Uri(key)));
    }
    if (st == 501) {
      return Status::Unsupported(fmt::format(
          "the S3 server does not support conditional PUT (If-None-Match) needed to commit {}: set "
          "AWS_CONDITIONAL_PUT=disabled with AWS_S3_LOCKING_PROVIDER=dynamodb",
          Uri(key)));
    }
    return ErrorFor(call, out);
  }

  Status Delete(std::string_view key) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    ForgetWinner(key);
    Call call{"DELETE", std::string(key)};
    call.max_response_bytes = 1 << 20;
    DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
    long st = out.response.status;
    if (st == 200 || st == 204 || st == 404) return Status::OK();
    return ErrorFor(call, out);
  }

  Status DeleteMany(std::span<const std::string> keys) override {
    for (const auto& k : keys) {
      DELTA_RETURN_NOT_OK(storage::ValidateKey(k));
      ForgetWinner(k);
    }
    for (size_t start = 0; start < keys.size(); start += 1000) {
      size_t end = std::min(keys.size(), start + 1000);
      std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
      for (size_t i = start; i < end; ++i) body += fmt::format("<Object><Key>{}</Key></Object>", XmlEscape(keys[i]));
      body += "</Delete>";
      Call call{"POST", ""};
      call.query = {{"delete", ""}};
      call.headers = {{"content-md5", Md5Base64(body)}, {"content-type", "application/xml"}};
      call.body = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size());
      call.max_response_bytes = 16 << 20;
      DELTA_ASSIGN_OR_RAISE(Outcome out, ExecuteOk(call, {200}));
      DELTA_ASSIGN_OR_RAISE(XmlElement doc, ParseXml(out.response.BodyView(), "DeleteObjects response"));
      for (const XmlElement& e : doc.children) {
        if (e.name != "Error") continue;
        return Status::IOError(fmt::format("cannot delete {}: {} - {}", Uri(e.ChildText("Key")), e.ChildText("Code"),
                                           e.ChildText("Message")));
      }
    }
    return Status::OK();
  }

  Result<std::shared_ptr<io::RandomAccessFile>> OpenRead(std::string_view key) override {
    DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
    if (config_.tail_read_bytes > 0) {
      // One suffix-range GET gives the object size (Content-Range) and its tail, where Parquet
      // keeps its footer (RFC 9110 14.1.2: "bytes=-N" selects the last N bytes).
      Call call{"GET", std::string(key)};
      call.headers.emplace_back("range", fmt::format("bytes=-{}", config_.tail_read_bytes));
      call.max_response_bytes = -1;
      DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
      HttpResponse& r = out.response;
      if (r.status == 206 || r.status == 200) {
        int64_t total = -1;
        if (r.status == 200) {
          total = r.body->size();
        } else if (const std::string* cr = r.Header("content-range")) {
          size_t slash = cr->rfind('/');
          if (slash != std::string::npos && !ParseInt64(std::string_view(*cr).substr(slash + 1), &total)) total = -1;
        }
        if (total >= 0 && r.body->size() <= total) {
          int64_t tail_offset = total - r.body->size();
          return std::shared_ptr<io::RandomAccessFile>(std::make_shared<S3ReadFile>(
              shared_from_this(), std::string(key), Uri(key), total, tail_offset, std::move(r.body)));
        }
        return Status::IOError(fmt::format("GET {}: tail read without a usable Content-Range", Uri(key)));
      }
      if (r.status != 416) return ErrorFor(call, out);
      // 416: an empty object has no suffix; fall through to HEAD.
    }
    DELTA_ASSIGN_OR_RAISE(ObjectMeta meta, Head(key));
    return std::shared_ptr<io::RandomAccessFile>(
        std::make_shared<S3ReadFile>(shared_from_this(), std::string(key), Uri(key), meta.size, 0, nullptr));
  }

  Result<std::unique_ptr<io::OutputStream>> OpenWrite(std::string_view key) override;

  // ---------------------------------------------------------------- multipart
  Result<std::string> CreateMultipartUpload(const std::string& key) {
    Call call{"POST", key};
    call.query = {{"uploads", ""}};
    call.max_response_bytes = 1 << 20;
    DELTA_ASSIGN_OR_RAISE(Outcome out, ExecuteOk(call, {200}));
    DELTA_ASSIGN_OR_RAISE(XmlElement doc, ParseXml(out.response.BodyView(), "CreateMultipartUpload response"));
    std::string id(doc.ChildText("UploadId"));
    if (id.empty()) {
      return Status::CorruptData(fmt::format("CreateMultipartUpload for {}: no UploadId in the response", Uri(key)));
    }
    return id;
  }

  Result<std::string> UploadPart(const std::string& key, const std::string& upload_id, int part,
                                 std::span<const uint8_t> data) {
    Call call{"PUT", key};
    call.query = {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}};
    call.body = data;
    call.max_response_bytes = 1 << 20;
    DELTA_ASSIGN_OR_RAISE(Outcome out, ExecuteOk(call, {200}));
    const std::string* etag = out.response.Header("etag");
    if (etag == nullptr || etag->empty()) {
      return Status::IOError(fmt::format("UploadPart {} of {}: no ETag in the response", part, Uri(key)));
    }
    return *etag;
  }

  Status CompleteMultipartUpload(const std::string& key, const std::string& upload_id,
                                 const std::vector<std::string>& etags, int64_t total_size) {
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags.size(); ++i) {
      body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, XmlEscape(etags[i]));
    }
    body += "</CompleteMultipartUpload>";
    Call call{"POST", key};
    call.query = {{"uploadId", upload_id}};
    call.body = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size());
    call.max_response_bytes = 1 << 20;
    DELTA_ASSIGN_OR_RAISE(Outcome out, Execute(call));
    if (out.response.status == 404 && out.attempts > 1) {
      // A retried Complete whose first attempt succeeded finds the upload gone: the object is
      // there with the size we wrote.
      auto meta = Head(key);
      if (meta.ok() && meta->size == total_size) return Status::OK();
    }
    if (out.response.status != 200) return ErrorFor(call, out);
    // S3 may answer 200 and still fail, with an <Error> document as the body.
    DELTA_ASSIGN_OR_RAISE(XmlElement doc, ParseXml(out.response.BodyView(), "CompleteMultipartUpload response"));
    if (doc.name == "Error") {
      return Status::IOError(fmt::format("completing the multipart upload of {} failed: {} - {}", Uri(key),
                                         doc.ChildText("Code"), doc.ChildText("Message")));
    }
    return Status::OK();
  }

  void AbortMultipartUpload(const std::string& key, const std::string& upload_id) {
    Call call{"DELETE", key};
    call.query = {{"uploadId", upload_id}};
    call.max_response_bytes = 1 << 20;
    (void)Execute(call);
  }

 private:
  const S3Config config_;
  const std::string base_uri_;
  std::string url_scheme_;
  std::string host_;
  HttpClient http_;
  // Contents of objects that won a put-if-absent race against us, read while checking the 412;
  // handed out once to the next Get of the key.
  std::unique_ptr<DynamoDbCoordinator> coordinator_;
  std::mutex winners_mu_;
  std::unordered_map<std::string, columnar::BufferPtr> winners_;
};

Status S3ReadFile::ReadAt(int64_t offset, int64_t n, uint8_t* out) const {
  DELTA_RETURN_NOT_OK(CheckRange(offset, n));
  if (n == 0) return Status::OK();
  if (InTail(offset, n)) {
    std::memcpy(out, tail_->data() + (offset - tail_offset_), static_cast<size_t>(n));
    return Status::OK();
  }
  if (ServePrefetched(offset, n, out, nullptr)) return Status::OK();
  auto buf = store_->FetchRange(key_, offset, n);
  if (!buf.ok()) return buf.status().IsInvalidArgument() ? Status::IOError(buf.status().message()) : buf.status();
  std::memcpy(out, (*buf)->data(), static_cast<size_t>(n));
  return Status::OK();
}

bool S3ReadFile::ServePrefetched(int64_t offset, int64_t n, uint8_t* out, columnar::BufferPtr* view) const {
  std::lock_guard<std::mutex> lock(prefetch_mu_);
  for (auto it = prefetched_.begin(); it != prefetched_.end(); ++it) {
    const int64_t size = it->data->size();
    if (offset < it->offset || offset + n > it->offset + size) continue;
    if (out) std::memcpy(out, it->data->data() + (offset - it->offset), static_cast<size_t>(n));
    if (view) *view = columnar::Buffer::Slice(it->data, offset - it->offset, n);
    it->unread -= n;
    if (it->unread <= 0) {
      prefetched_bytes_ -= size;
      prefetched_.erase(it);
    }
    return true;
  }
  return false;
}

void S3ReadFile::WillNeed(std::span<const io::ByteRange> ranges) const {
  std::vector<io::ByteRange> wanted;
  wanted.reserve(ranges.size());
  for (const auto& r : ranges) {
    if (r.length <= 0 || !CheckRange(r.offset, r.length).ok() || InTail(r.offset, r.length)) continue;
    wanted.push_back(r);
  }
  if (wanted.size() <= 1) return;  // nothing to coalesce: the read itself is one request anyway
  std::sort(wanted.begin(), wanted.end(), [](const auto& a, const auto& b) { return a.offset < b.offset; });
  size_t i = 0;
  while (i < wanted.size()) {
    int64_t begin = wanted[i].offset;
    int64_t end = begin + wanted[i].length;
    int64_t hinted = wanted[i].length;
    size_t j = i + 1;
    while (j < wanted.size() && wanted[j].offset - end <= kCoalesceGap &&
           std::max(end, wanted[j].offset + wanted[j].length) - begin <= kMaxCoalesced) {
      end = std::max(end, wanted[j].offset + wanted[j].length);
      hinted += wanted[j].length;
      ++j;
    }
    if (j - i > 1) {
      {
        std::lock_guard<std::mutex> lock(prefetch_mu_);
        if (prefetched_bytes_ + (end - begin) > kMaxPrefetched) return;
      }
      auto buf = store_->FetchRange(key_, begin, end - begin);
      if (!buf.ok()) return;  // best effort: each read fetches (and reports) on its own
      std::lock_guard<std::mutex> lock(prefetch_mu_);
      prefetched_bytes_ += (*buf)->size();
      prefetched_.push_back({begin, std::move(*buf), hinted});
    }
    i = j;
  }
}

Result<columnar::BufferPtr> S3ReadFile::ReadBufferAt(int64_t offset, int64_t n) const {
  DELTA_RETURN_NOT_OK(CheckRange(offset, n));
  if (n == 0) return columnar::Buffer::Allocate(0);
  if (InTail(offset, n)) return columnar::Buffer::Slice(tail_, offset - tail_offset_, n);
  columnar::BufferPtr view;
  if (ServePrefetched(offset, n, nullptr, &view)) return view;
  auto buf = store_->FetchRange(key_, offset, n);
  if (!buf.ok()) return buf.status().IsInvalidArgument() ? Status::IOError(buf.status().message()) : buf.status();
  return buf;
}

// Buffers up to one part; small objects become one PUT at Close(), large ones a multipart upload
// whose parts are sent as the buffer fills (memory stays at one part).
class S3WriteStream final : public io::OutputStream {
 public:
  S3WriteStream(std::shared_ptr<S3StoreImpl> store, std::string key)
      : store_(std::move(store)), key_(std::move(key)), uri_(store_->Uri(key_)) {}

  ~S3WriteStream() override {
    if (!closed_ && !upload_id_.empty()) store_->AbortMultipartUpload(key_, upload_id_);
  }

  const std::string& path() const override { return uri_; }
  using io::OutputStream::Write;

  Status Write(const void* data, int64_t n) override {
    if (closed_) return Status::IOError(fmt::format("write to closed stream {}", uri_));
    if (!error_.ok()) return error_;
    const auto* p = static_cast<const uint8_t*>(data);
    const int64_t threshold = upload_id_.empty() ? store_->config().multipart_threshold : store_->config().multipart_part_size;
    while (n > 0) {
      int64_t room = threshold - buffer_.size();
      int64_t take = std::min(n, std::max<int64_t>(room, 0));
      if (take > 0) {
        Status st = buffer_.Append(p, take);
        if (!st.ok()) return Fail(st);
        p += take;
        n -= take;
        written_ += take;
      }
      if (buffer_.size() >= threshold && n > 0) {
        Status st = FlushPart();
        if (!st.ok()) return Fail(st);
      }
    }
    return Status::OK();
  }

  int64_t Tell() const override { return written_; }

  Status Close() override {
    if (closed_) return error_;
    if (!error_.ok()) return error_;
    Status st = Finish();
    if (!st.ok()) {
      if (!upload_id_.empty()) store_->AbortMultipartUpload(key_, upload_id_);
      upload_id_.clear();
      error_ = st;
    }
    closed_ = true;
    return st;
  }

 private:
  Status Fail(Status st) {
    error_ = st;
    return st;
  }

  Status FlushPart() {
    if (upload_id_.empty()) {
      DELTA_ASSIGN_OR_RAISE(upload_id_, store_->CreateMultipartUpload(key_));
    }
    int part = static_cast<int>(etags_.size()) + 1;
    if (part > 10000) return Status::IOError(fmt::format("{}: more than 10000 multipart parts", uri_));
    DELTA_ASSIGN_OR_RAISE(std::string etag,
                          store_->UploadPart(key_, upload_id_, part,
                                             std::span<const uint8_t>(buffer_.data(), static_cast<size_t>(buffer_.size()))));
    etags_.push_back(std::move(etag));
    buffer_.Rewind(0);
    return Status::OK();
  }

  Status Finish() {
    std::span<const uint8_t> rest(buffer_.data(), static_cast<size_t>(buffer_.size()));
    if (upload_id_.empty()) return store_->Put(key_, rest);
    if (!rest.empty() || etags_.empty()) DELTA_RETURN_NOT_OK(FlushPart());
    return store_->CompleteMultipartUpload(key_, upload_id_, etags_, written_);
  }

  std::shared_ptr<S3StoreImpl> store_;
  std::string key_;
  std::string uri_;
  columnar::BufferBuilder buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  int64_t written_ = 0;
  bool closed_ = false;
  Status error_;
};

Result<std::unique_ptr<io::OutputStream>> S3StoreImpl::OpenWrite(std::string_view key) {
  DELTA_RETURN_NOT_OK(storage::ValidateKey(key));
  return std::unique_ptr<io::OutputStream>(std::make_unique<S3WriteStream>(shared_from_this(), std::string(key)));
}

bool IsValidBucketChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

struct StoreCache {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<S3Store>> stores;
};

StoreCache& GetStoreCache() {
  static StoreCache* cache = new StoreCache();  // never destroyed: usable during static teardown
  return *cache;
}

}  // namespace

std::shared_ptr<S3Store> MakeS3Store(S3Config config, std::string scheme) {
  return std::make_shared<S3StoreImpl>(std::move(config), std::move(scheme));
}

Result<storage::Location> ResolveS3Uri(std::string_view uri, const storage::StorageOptions& options) {
  size_t sep = uri.find("://");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("S3 URI must look like s3://<bucket>/<key> (uri {})", uri));
  }
  std::string scheme(uri.substr(0, sep));
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view rest = uri.substr(sep + 3);
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (bucket.empty() || bucket.size() > 255 || !std::all_of(bucket.begin(), bucket.end(), IsValidBucketChar)) {
    return Status::InvalidArgument(fmt::format("invalid S3 bucket name '{}' (uri {})", bucket, uri));
  }
  DELTA_ASSIGN_OR_RAISE(std::string decoded, storage::PercentDecode(path));
  if (decoded.find('\0') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("S3 URI decodes to a key with a NUL byte (uri {})", uri));
  }
  DELTA_ASSIGN_OR_RAISE(S3Config config, LoadS3Config(std::string(bucket), options));
  std::string cache_key = scheme + "|" + config.Fingerprint();
  std::shared_ptr<S3Store> store;
  {
    StoreCache& cache = GetStoreCache();
    std::lock_guard<std::mutex> lock(cache.mu);
    auto& slot = cache.stores[cache_key];
    if (!slot) slot = MakeS3Store(std::move(config), scheme);
    store = slot;
  }
  return storage::Location{std::move(store), storage::NormalizeKeyPath(decoded)};
}

void RegisterS3StoreFactories() {
  storage::RegisterStoreFactory("s3", ResolveS3Uri);
  storage::RegisterStoreFactory("s3a", ResolveS3Uri);
}

}  // namespace delta::s3
