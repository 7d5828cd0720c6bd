#include "delta/s3/http_client.h"

#include <algorithm>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::s3 {

namespace {

std::once_flag g_curl_init;

// One easy handle per thread, reset before every request. curl_easy_reset keeps the handle's
// connection cache, so consecutive requests from a thread reuse a kept-alive connection
// (libcurl "curl_easy_reset": live connections, session ID and DNS caches are kept).
struct ThreadHandle {
  CURL* handle = nullptr;
  ~ThreadHandle() {
    if (handle != nullptr) curl_easy_cleanup(handle);
  }
};

CURL* GetThreadHandle() {
  std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  thread_local ThreadHandle th;
  if (th.handle == nullptr) th.handle = curl_easy_init();
  return th.handle;
}

struct Transfer {
  std::span<const uint8_t> body;
  size_t body_pos = 0;
  columnar::BufferBuilder out;
  int64_t max_bytes = -1;
  bool too_large = false;
  std::vector<std::pair<std::string, std::string>> headers;
  Status alloc_error;
};

size_t ReadCallback(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = std::min(size * nitems, t->body.size() - t->body_pos);
  std::memcpy(buffer, t->body.data() + t->body_pos, n);
  t->body_pos += n;
  return n;
}

// Lets curl rewind the upload body when it must resend it (e.g. after an auth negotiation or a
// reused connection that turned out dead).
int SeekCallback(void* userdata, curl_off_t offset, int origin) {
  auto* t = static_cast<Transfer*>(userdata);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > t->body.size()) return CURL_SEEKFUNC_FAIL;
  t->body_pos = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

size_t WriteCallback(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nmemb;
  if (t->max_bytes >= 0 && t->out.size() + static_cast<int64_t>(n) > t->max_bytes) {
    t->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  Status st = t->out.Append(ptr, static_cast<int64_t>(n));
  if (!st.ok()) {
    t->alloc_error = st;
    return 0;
  }
  return n;
}

size_t HeaderCallback(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nitems;
  std::string_view line(buffer, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after 100 Continue, or a redirect we do not follow): keep only the last.
    t->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.remove_suffix(1);
  if (name == "content-length" && t->max_bytes != 0) {
    // Pre-size the body buffer, within reason: the header is the server's word, not a fact.
    int64_t len = 0;
    for (char c : value) {
      if (c < '0' || c > '9' || len > (int64_t{1} << 40)) { len = 0; break; }
      len = len * 10 + (c - '0');
    }
    if (len > 0 && len <= (int64_t{256} << 20) && (t->max_bytes < 0 || len <= t->max_bytes)) {
      (void)t->out.Reserve(len);
    }
  }
  t->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

bool IsRetryableCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

HttpClient::HttpClient(HttpOptions options) : options_(options) {
  if (options_.max_concurrency < 1) options_.max_concurrency = 1;
}

void HttpClient::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ < options_.max_concurrency; });
  ++in_flight_;
}

void HttpClient::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
  }
  cv_.notify_one();
}

int64_t HttpClient::requests(std::string_view method) const {
  if (method == "GET") return gets_.load();
  if (method == "HEAD") return heads_.load();
  if (method == "PUT") return puts_.load();
  if (method == "POST") return posts_.load();
  if (method == "DELETE") return deletes_.load();
  return 0;
}

int64_t HttpClient::total_requests() const {
  return gets_.load() + heads_.load() + puts_.load() + posts_.load() + deletes_.load();
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request, TransportFailure* failure) {
  *failure = TransportFailure{};
  const std::string& m = request.method;
  if (m == "GET") gets_++;
  else if (m == "HEAD") heads_++;
  else if (m == "PUT") puts_++;
  else if (m == "POST") posts_++;
  else if (m == "DELETE") deletes_++;

  Acquire();
  struct Releaser {
    HttpClient* c;
    ~Releaser() { c->Release(); }
  } releaser{this};

  CURL* h = GetThreadHandle();
  if (h == nullptr) return Status::IOError("cannot create an HTTP handle (curl_easy_init failed)");
  curl_easy_reset(h);
  Transfer t;
  t.body = request.body;
  t.max_bytes = request.max_response_bytes;

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  // Stall detection: fewer than 1 byte/s for the stall period aborts the transfer.
  long stall_s = static_cast<long>(std::max<int64_t>(1, (options_.stall_timeout_ms + 999) / 1000));
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, stall_s);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, HeaderCallback);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteCallback);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  char errbuf[CURL_ERROR_SIZE];
  errbuf[0] = '\0';
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

  bool has_body = m == "PUT" || m == "POST";
  if (m == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else if (has_body) {
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
    curl_easy_setopt(h, CURLOPT_READFUNCTION, ReadCallback);
    curl_easy_setopt(h, CURLOPT_READDATA, &t);
    curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, SeekCallback);
    curl_easy_setopt(h, CURLOPT_SEEKDATA, &t);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (m != "GET") {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, m.c_str());
  }

  struct curl_slist* list = nullptr;
  for (const auto& [k, v] : request.headers) {
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    list = curl_slist_append(list, line.c_str());
  }
  // No "Expect: 100-continue" round trip, and no default Accept.
  list = curl_slist_append(list, "Expect:");
  list = curl_slist_append(list, "Accept:");
  if (has_body) list = curl_slist_append(list, "Transfer-Encoding:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);

  CURLcode code = curl_easy_perform(h);
  curl_slist_free_all(list);
  if (!t.alloc_error.ok()) return t.alloc_error;
  if (code != CURLE_OK) {
    failure->failed = true;
    if (t.too_large) {
      return Status::IOError(fmt::format("{} {}: response body larger than the expected {} bytes", m, request.url,
                                         request.max_response_bytes));
    }
    failure->retryable = IsRetryableCurlCode(code);
    return Status::IOError(fmt::format("{} {}: {} ({})", m, request.url, curl_easy_strerror(code), errbuf));
  }
  HttpResponse resp;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  resp.headers = std::move(t.headers);
  DELTA_ASSIGN_OR_RAISE(resp.body, t.out.Finish());
  return resp;
}

}  // namespace delta::s3
