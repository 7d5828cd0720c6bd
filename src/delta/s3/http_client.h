// A minimal HTTP/1.1 client over libcurl for the S3 and DynamoDB clients: one attempt per call
// (retries are the caller's business, since only it knows what is idempotent), a reused curl
// easy handle per thread (so connections are kept alive and reused), and a bound on the number
// of requests in flight per client. Response bodies land in a columnar::Buffer.
// Thread-safety: HttpClient is safe to use from many threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "delta/columnar/buffer.h"
#include "delta/util/result.h"

namespace delta::s3 {

struct HttpRequest {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::span<const uint8_t> body;
  /// Refuse (abort the transfer, IOError) a response body larger than this; -1 = no limit.
  int64_t max_response_bytes = -1;
};

struct HttpResponse {
  long status = 0;
  /// Header names in lower case, in arrival order (of the final response only).
  std::vector<std::pair<std::string, std::string>> headers;
  columnar::BufferPtr body;

  /// The first header named `name` (lower case), or nullptr.
  const std::string* Header(std::string_view name) const;
  std::string_view BodyView() const { return body ? body->view() : std::string_view(); }
};

struct HttpOptions {
  int64_t connect_timeout_ms = 5000;
  int64_t stall_timeout_ms = 20000;
  int max_concurrency = 32;
};

/// Why a transfer failed before a complete HTTP response arrived.
struct TransportFailure {
  bool failed = false;
  /// Connection refused/reset, timeout, stall, truncated response: worth another attempt.
  bool retryable = false;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options);

  /// Sends one request and waits for the whole response. A complete response of any status is
  /// OK (the caller interprets the status). Errors: IOError naming method and URL (never the
  /// headers) when the transfer fails; `failure` says whether it is worth retrying.
  Result<HttpResponse> Send(const HttpRequest& request, TransportFailure* failure);

  /// Requests started so far, by method (for tests and benchmarks).
  int64_t requests(std::string_view method) const;
  int64_t total_requests() const;

 private:
  void Acquire();
  void Release();

  HttpOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  std::atomic<int64_t> gets_{0}, heads_{0}, puts_{0}, posts_{0}, deletes_{0};
};

}  // namespace delta::s3
