// A Kafka broker for tests: librdkafka's mock cluster (real Kafka protocol over TCP on loopback
// ports chosen by the system) in its own process, so that producers, the daemon and checks talk
// to it as to any broker.
//   mock_broker --topic NAME:PARTITIONS [--topic ...] [--brokers N] [--bootstrap-file PATH]
// Prints the bootstrap address on stdout (and writes it to PATH once the topics exist), then
// serves until SIGTERM / SIGINT.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace {
volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  std::string bootstrap_file;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
    } else if (a == "--topic" && i + 1 < argc) {
      std::string t = argv[++i];
      size_t colon = t.rfind(':');
      int parts = colon == std::string::npos ? 1 : std::atoi(t.c_str() + colon + 1);
      if (parts <= 0) {
        std::fprintf(stderr, "mock_broker: bad partition count in '%s'\n", t.c_str());
        return 2;
      }
      topics.emplace_back(t.substr(0, colon), parts);
    } else if (a == "--bootstrap-file" && i + 1 < argc) {
      bootstrap_file = argv[++i];
    } else {
      std::fprintf(stderr, "usage: mock_broker --topic NAME:PARTITIONS... [--brokers N] [--bootstrap-file PATH]\n");
      return 2;
    }
  }
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The host handle is never used to produce; quiet its logs.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err));
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "mock_broker: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (mc == nullptr) {
    std::fprintf(stderr, "mock_broker: cannot create the mock cluster\n");
    return 1;
  }
  for (const auto& [name, parts] : topics) {
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, name.c_str(), parts, 1);
    if (e) {
      std::fprintf(stderr, "mock_broker: cannot create topic %s: %s\n", name.c_str(), rd_kafka_err2str(e));
      return 1;
    }
  }
  const char* bootstraps = rd_kafka_mock_cluster_bootstraps(mc);
  std::printf("%s\n", bootstraps);
  std::fflush(stdout);
  if (!bootstrap_file.empty()) {
    std::string tmp = bootstrap_file + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (f == nullptr || std::fprintf(f, "%s\n", bootstraps) < 0 || std::fclose(f) != 0 ||
        std::rename(tmp.c_str(), bootstrap_file.c_str()) != 0) {
      std::fprintf(stderr, "mock_broker: cannot write %s\n", bootstrap_file.c_str());
      return 1;
    }
  }
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  while (!g_stop) usleep(100000);
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
