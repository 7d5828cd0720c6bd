// deltacpp-ingest: the process around delta::ingest::Worker — options from argv and the
// environment, SIGTERM / SIGINT for a clean stop (flush, commit, exit 0), and the optional
// Prometheus / health HTTP endpoint on its own thread.
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "ingest/options.h"
#include "ingest/worker.h"

#ifdef DELTA_INGEST_HAVE_S3
#include "delta/s3/s3_store.h"
#endif

namespace {

delta::ingest::Worker* g_worker = nullptr;
std::atomic<bool> g_http_stop{false};

void OnSignal(int) {
  if (g_worker != nullptr) g_worker->RequestStop();
}

// A minimal HTTP/1.0 responder: GET /metrics (Prometheus text) and GET /health.
void ServeHttp(int fd, delta::ingest::Worker* worker) {
  while (!g_http_stop.load()) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    int c = ::accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    timeval tv{2, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[2048];
    ssize_t n = ::recv(c, buf, sizeof(buf) - 1, 0);
    std::string req(buf, n > 0 ? static_cast<size_t>(n) : 0);
    std::string body, status = "200 OK", type = "text/plain; version=0.0.4";
    if (req.rfind("GET /metrics", 0) == 0) {
      body = delta::ingest::FormatMetrics(worker->metrics());
    } else if (req.rfind("GET /health", 0) == 0) {
      bool ok = worker->metrics().healthy.load();
      status = ok ? "200 OK" : "503 Service Unavailable";
      body = ok ? "ok\n" : "unhealthy\n";
    } else {
      status = "404 Not Found";
      body = "not found\n";
    }
    std::string resp = fmt::format("HTTP/1.0 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                                   status, type, body.size(), body);
    size_t off = 0;
    while (off < resp.size()) {
      ssize_t w = ::send(c, resp.data() + off, resp.size() - off, MSG_NOSIGNAL);
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
    ::close(c);
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto options = delta::ingest::ParseOptions(args, [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  });
  if (!options.ok()) {
    std::fprintf(stderr, "deltacpp-ingest: %s\n\n%s", options.status().message().c_str(),
                 delta::ingest::Usage().c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(delta::ingest::Usage().c_str(), stdout);
    return 0;
  }
#ifdef DELTA_INGEST_HAVE_S3
  delta::s3::RegisterS3StoreFactories();
#endif
  std::optional<int> port = options->metrics_port;
  auto worker = delta::ingest::Worker::Make(std::move(*options));
  if (!worker.ok()) {
    std::fprintf(stderr, "deltacpp-ingest: %s\n", worker.status().ToString().c_str());
    return 2;
  }
  g_worker = worker->get();
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  std::thread http;
  if (port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(*port));
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 16) != 0) {
      std::fprintf(stderr, "deltacpp-ingest: cannot listen on port %d: %s\n", *port, std::strerror(errno));
      return 2;
    }
    http = std::thread(ServeHttp, fd, worker->get());
  }
  delta::Status st = (*worker)->Run();
  g_http_stop.store(true);
  if (http.joinable()) http.join();
  g_worker = nullptr;
  if (!st.ok()) {
    std::fprintf(stderr, "deltacpp-ingest: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
