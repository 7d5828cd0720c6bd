// Test producer: JSON messages into a topic with librdkafka's idempotent producer (so Kafka
// itself never duplicates or reorders them), spread round-robin over the partitions.
//   json_producer --brokers B --topic T --count N [--first-id K] [--rate MSGS_PER_S]
//                 [--bad-every K] [--gzip-every K] [--pad BYTES]
//   json_producer --brokers B --topic T --watermarks      # prints "partition high" lines
// Message i: {"id":i,"name":"user-<i>","score":<i*0.5>,"ts":"<ISO time>","epoch_ms":<ms>,
//             "tags":["a","b"],"attrs":{"k":i,"nested":{"x":true}},"pad":"..."};
// every K-th message with --bad-every is not JSON, or has "id" as a string that is no number.
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <librdkafka/rdkafka.h>

namespace {

std::string Gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

int64_t g_failed = 0;

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  if (m->err) {
    ++g_failed;
    std::fprintf(stderr, "json_producer: delivery failed: %s\n", rd_kafka_err2str(m->err));
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string brokers, topic;
  long long count = 0, first_id = 0, bad_every = 0, gzip_every = 0, pad = 0;
  double rate = 0;
  bool watermarks = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--brokers") brokers = next();
    else if (a == "--topic") topic = next();
    else if (a == "--count") count = std::atoll(next());
    else if (a == "--first-id") first_id = std::atoll(next());
    else if (a == "--rate") rate = std::atof(next());
    else if (a == "--bad-every") bad_every = std::atoll(next());
    else if (a == "--gzip-every") gzip_every = std::atoll(next());
    else if (a == "--pad") pad = std::atoll(next());
    else if (a == "--watermarks") watermarks = true;
    else {
      std::fprintf(stderr, "json_producer: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof(err)) ||
      rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof(err)) ||
      rd_kafka_conf_set(conf, "linger.ms", "50", err, sizeof(err)) ||
      // Large message sets: the mock broker keeps a bounded number of them per partition.
      rd_kafka_conf_set(conf, "batch.num.messages", "100000", err, sizeof(err)) ||
      rd_kafka_conf_set(conf, "batch.size", "8000000", err, sizeof(err))) {
    std::fprintf(stderr, "json_producer: %s\n", err);
    return 2;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "json_producer: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int partitions = 0;
  for (int attempt = 0; attempt < 50 && partitions == 0; ++attempt) {
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && !md->topics[0].err) partitions = md->topics[0].partition_cnt;
      rd_kafka_metadata_destroy(md);
    }
    if (partitions == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (partitions == 0) {
    std::fprintf(stderr, "json_producer: topic %s not found\n", topic.c_str());
    return 1;
  }
  if (watermarks) {
    for (int p = 0; p < partitions; ++p) {
      int64_t lo = 0, hi = 0;
      rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10000);
      if (e) {
        std::fprintf(stderr, "json_producer: watermarks of partition %d: %s\n", p, rd_kafka_err2str(e));
        return 1;
      }
      std::printf("%d %lld\n", p, static_cast<long long>(hi));
    }
    return 0;
  }
  std::string padding(static_cast<size_t>(pad), 'x');
  auto start = std::chrono::steady_clock::now();
  for (long long n = 0; n < count; ++n) {
    long long id = first_id + n;
    long long ms = 1700000000000LL + id;
    char ts[64];
    time_t secs = static_cast<time_t>(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    std::string msg;
    if (bad_every > 0 && (id % bad_every) == bad_every - 1) {
      msg = (id / bad_every) % 2 == 0 ? "this is not json {" + std::to_string(id)
                                       : "{\"id\":\"not-a-number-" + std::to_string(id) + "\"}";
    } else {
      char buf[512];
      std::snprintf(buf, sizeof(buf),
                    "{\"id\":%lld,\"name\":\"user-%lld\",\"score\":%.1f,\"ts\":\"%s.%03lldZ\",\"epoch_ms\":%lld,"
                    "\"tags\":[\"a\",\"b\"],\"attrs\":{\"k\":%lld,\"nested\":{\"x\":true}}",
                    id, id, static_cast<double>(id) * 0.5, ts, ms % 1000, ms, id);
      msg = buf;
      if (!padding.empty()) msg += ",\"pad\":\"" + padding + "\"";
      msg += "}";
    }
    if (gzip_every > 0 && (id % gzip_every) == 0) msg = Gzip(msg);
    int partition = static_cast<int>(id % partitions);
    while (rd_kafka_produce(rkt, partition, RD_KAFKA_MSG_F_COPY, msg.data(), msg.size(), nullptr, 0, nullptr) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "json_producer: produce failed: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
        return 1;
      }
      rd_kafka_poll(rk, 10);
    }
    rd_kafka_poll(rk, 0);
    if (rate > 0) {
      auto due = start + std::chrono::duration<double>(static_cast<double>(n + 1) / rate);
      std::this_thread::sleep_until(due);
    }
  }
  rd_kafka_flush(rk, 60000);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  if (g_failed > 0) {
    std::fprintf(stderr, "json_producer: %lld deliveries failed\n", static_cast<long long>(g_failed));
    return 1;
  }
  return 0;
}
