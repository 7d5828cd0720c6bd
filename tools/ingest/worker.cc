// The consume / flush / commit loop. See worker.h for the exactly-once argument; the comments
// here say why each step is where it is.
#include "ingest/worker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>
#include <simdjson.h>

#include "delta/ops/create.h"
#include "delta/table/table.h"
#include "delta/txn/data_file_writer.h"
#include "delta/txn/transaction.h"
#include "delta/util/json_string.h"
#include "delta/util/macros.h"
#include "ingest/row_builder.h"
#include "ingest/transform.h"

namespace delta::ingest {

namespace dom = simdjson::dom;
using Clock = std::chrono::steady_clock;

// ---- Small helpers ----

std::string Base64Encode(std::string_view data) {
  static const char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += kChars[v & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = p[i] << 16;
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t v = (p[i] << 16) | (p[i + 1] << 8);
    out += kChars[v >> 18];
    out += kChars[(v >> 12) & 63];
    out += kChars[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> Gunzip(std::string_view data, size_t limit) {
  z_stream zs{};
  // 32 + MAX_WBITS: accept gzip and zlib headers (zlib.h, inflateInit2).
  if (inflateInit2(&zs, 32 + MAX_WBITS) != Z_OK) return Status::Internal("cannot initialise zlib");
  std::string out;
  out.resize(std::min(limit, std::max<size_t>(data.size() * 4, 1024)));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (true) {
    if (zs.total_out == out.size()) {
      if (out.size() >= limit) {
        inflateEnd(&zs);
        return Status::InvalidArgument(fmt::format("gzip payload inflates beyond {} bytes", limit));
      }
      out.resize(std::min(limit, out.size() * 2));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK) {
      std::string msg = zs.msg ? zs.msg : "truncated data";
      inflateEnd(&zs);
      return Status::InvalidArgument(fmt::format("invalid gzip payload: {}", msg));
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::InvalidArgument("invalid gzip payload: truncated data");
    }
  }
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

std::string FormatMetrics(const WorkerMetrics& m) {
  std::string out;
  auto counter = [&](const char* name, const char* help, int64_t v) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, v);
  };
  counter("deltacpp_ingest_messages_total", "Kafka messages consumed", m.messages_in.load());
  counter("deltacpp_ingest_messages_failed_total", "Messages that failed (dead-lettered or skipped)",
          m.messages_failed.load());
  counter("deltacpp_ingest_messages_skipped_total", "Messages already in the table (replayed)",
          m.messages_skipped.load());
  counter("deltacpp_ingest_bytes_total", "Payload bytes consumed", m.bytes_in.load());
  counter("deltacpp_ingest_batches_total", "Batches flushed", m.batches.load());
  counter("deltacpp_ingest_commits_total", "Delta commits made", m.commits.load());
  counter("deltacpp_ingest_commits_lost_total", "Batches dropped after another worker committed first",
          m.commits_lost.load());
  counter("deltacpp_ingest_rows_total", "Rows committed", m.rows_written.load());
  counter("deltacpp_ingest_orphan_files_deleted_total", "Uncommitted files of dead workers deleted",
          m.orphan_files_deleted.load());
  out += fmt::format(
      "# HELP deltacpp_ingest_commit_latency_seconds_sum Time spent committing\n"
      "# TYPE deltacpp_ingest_commit_latency_seconds_sum counter\n"
      "deltacpp_ingest_commit_latency_seconds_sum {:.6f}\n",
      static_cast<double>(m.commit_latency_us_sum.load()) / 1e6);
  out += "# HELP deltacpp_ingest_partition_lag Messages between the last committed offset and the high watermark\n"
         "# TYPE deltacpp_ingest_partition_lag gauge\n";
  out += m.LagText();
  return out;
}

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Log(const char* level, std::string_view msg, std::string_view fields = {}) {
  std::string line = fmt::format("{{\"ts\":\"{}\",\"level\":\"{}\",\"msg\":", FormatIso8601Micros(NowMicros()), level);
  util::AppendJsonString(msg, &line);
  if (!fields.empty()) {
    line += ',';
    line += fields;
  }
  line += "}\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string JsonField(std::string_view key, std::string_view value) {
  std::string out;
  util::AppendJsonString(key, &out);
  out += ':';
  util::AppendJsonString(value, &out);
  return out;
}

std::optional<std::string> LocalPath(const storage::Location& loc) {
  if (loc.store == nullptr || loc.store->base_uri() != "file:///") return std::nullopt;
  return "/" + loc.key;
}

// Keys of Kafka partitions: (topic index, partition).
using PartitionKey = std::pair<int, int32_t>;

}  // namespace

// ---- The worker ----

struct Worker::Impl {
  // One target table (the main one, a routed one, or the dead-letter table).
  struct Sink {
    std::string uri;
    bool is_dlq = false;
    std::shared_ptr<table::Table> table;
    table::SnapshotPtr snapshot;
    std::unique_ptr<RowBatchBuilder> rows;
    std::unique_ptr<txn::DataFileWriter> writer;
    int64_t rows_in_batch = 0;
    /// txn versions seen when each partition was (re)seeked and advanced by our own commits.
    std::map<PartitionKey, std::optional<int64_t>> committed;
    int lock_fd = -1;
  };

  struct PartitionState {
    bool assigned = false;
    int64_t position = -1;  // next offset expected; -1 unknown
    int64_t high_watermark = -1;
    int64_t batch_first = -1, batch_last = -1;
  };

  IngestOptions options;
  Worker* owner = nullptr;
  WorkerMetrics* metrics = nullptr;
  std::string worker_id;
  std::vector<Transform> transforms;
  std::shared_ptr<const Expression> route_by;
  std::vector<Sink> sinks;  // [0] = TABLE_URI, then routes
  std::map<std::string, size_t> route_index;
  std::optional<Sink> dlq;
  rd_kafka_t* rk = nullptr;
  std::map<PartitionKey, PartitionState> partitions;
  std::map<PartitionKey, int64_t> start_watermarks;  // run-once targets
  std::map<PartitionKey, int64_t> start_low_watermarks;
  dom::parser parser;
  dom::parser dlq_parser;
  std::vector<Value> values;
  Overlay overlay;
  int64_t batch_messages = 0, batch_bytes = 0;
  Clock::time_point batch_started;
  Clock::time_point last_cleanup;
  std::string gunzip_buffer;
  int64_t reseeks = 0;
  Status fatal;  // why the worker stopped on its own (returned by Run)
  int64_t fault_commit_delay_ms = 0;  // DELTA_INGEST_FAULT_COMMIT_DELAY_MS (tests only)

  // ---- Naming ----
  std::string AppId(const PartitionKey& k) const {
    if (options.topics.size() == 1) return fmt::format("{}-{}", options.app_id, k.second);
    return fmt::format("{}-{}-{}", options.app_id, options.topics[static_cast<size_t>(k.first)], k.second);
  }
  int TopicIndex(std::string_view topic) const {
    for (size_t i = 0; i < options.topics.size(); ++i) {
      if (options.topics[i] == topic) return static_cast<int>(i);
    }
    return -1;
  }

  // ---- Tables ----

  static columnar::SchemaPtr DlqSchema() {
    return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
        columnar::MakeField("raw", columnar::Utf8()),
        columnar::MakeField("error", columnar::Utf8()),
        columnar::MakeField("timestamp", columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC")),
        columnar::MakeField("topic", columnar::Utf8()),
        columnar::MakeField("partition", columnar::Int32()),
        columnar::MakeField("offset", columnar::Int64()),
    });
  }

  // Opens a sink's table; NotFound stays a value for auto-create.
  Status OpenSink(Sink* s) {
    DELTA_ASSIGN_OR_RAISE(s->table, table::Table::Open(s->uri));
    auto snap = s->table->GetSnapshot();
    if (!snap.ok()) return snap.status();
    return AttachSnapshot(s, *snap);
  }

  Status AttachSnapshot(Sink* s, table::SnapshotPtr snap) {
    s->snapshot = std::move(snap);
    DELTA_ASSIGN_OR_RAISE(s->rows, RowBatchBuilder::Make(s->snapshot->schema()));
    AcquireLock(s);
    return Status::OK();
  }

  Status CreateSinkTable(Sink* s, columnar::SchemaPtr schema) {
    ops::CreateOptions co;
    co.schema = std::move(schema);
    co.if_exists = ops::CreateOptions::IfExists::kIgnore;
    DELTA_RETURN_NOT_OK(ops::CreateTable(s->uri, co).status());
    Log("info", "created table", JsonField("table", s->uri));
    DELTA_ASSIGN_OR_RAISE(s->table, table::Table::Open(s->uri));
    DELTA_ASSIGN_OR_RAISE(auto snap, s->table->GetSnapshot());
    DELTA_RETURN_NOT_OK(AttachSnapshot(s, snap));
    // The table did not exist, so no message before the current batch went to it: record that
    // with txn versions right away, else a restart would see a table without versions and
    // could not tell it from one that missed messages.
    auto t = txn::Transaction::Begin(s->snapshot);
    bool any = false;
    if (t.ok() && !s->is_dlq) {
      for (auto& [k, st] : partitions) {
        if (!st.assigned || s->snapshot->TransactionVersion(AppId(k))) continue;
        int64_t before = st.batch_first >= 0 ? st.batch_first - 1 : st.position - 1;
        if (before < 0) continue;
        (*t)->SetApplicationTransaction(AppId(k), before);
        any = true;
      }
    }
    if (any) {
      (*t)->SetOperation("STREAMING UPDATE", {{"outputMode", "\"Append\""}});
      auto r = (*t)->Commit();
      if (!r.ok()) Log("warn", "cannot record the start offsets of a new table", JsonField("error", r.status().ToString()));
      DELTA_ASSIGN_OR_RAISE(s->snapshot, s->table->GetSnapshot());
    }
    for (auto& [k, st] : partitions) {
      if (st.assigned) s->committed[k] = s->snapshot->TransactionVersion(AppId(k));
    }
    return Status::OK();
  }

  // ---- Worker locks and orphan files ----

  void AcquireLock(Sink* s) {
    if (s->lock_fd >= 0) return;
    auto root = LocalPath(s->snapshot->table_root());
    if (!root) return;
    std::string dir = *root + "/_delta_ingest";
    ::mkdir(dir.c_str(), 0755);
    dir += "/workers";
    ::mkdir(dir.c_str(), 0755);
    // Lock under a temporary name, then rename: a cleaner never sees an unlocked live lock file.
    std::string tmp = fmt::format("{}/.{}.lock.tmp", dir, worker_id);
    int fd = ::open(tmp.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0 || ::rename(tmp.c_str(), fmt::format("{}/{}.lock", dir, worker_id).c_str()) != 0) {
      Log("warn", "cannot create the worker lock; files of a crash of this worker will not be cleaned",
          JsonField("error", std::strerror(errno)));
      if (fd >= 0) ::close(fd);
      return;
    }
    s->lock_fd = fd;
  }

  void ReleaseLock(Sink* s) {
    if (s->lock_fd < 0 || s->snapshot == nullptr) return;
    auto root = LocalPath(s->snapshot->table_root());
    if (root) ::unlink(fmt::format("{}/_delta_ingest/workers/{}.lock", *root, worker_id).c_str());
    ::close(s->lock_fd);
    s->lock_fd = -1;
  }

  static void Walk(const std::string& dir, int depth, const std::function<void(const std::string&, const std::string&)>& f) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      std::string path = dir + "/" + name;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st;
        is_dir = ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      }
      if (is_dir) {
        if (depth == 0 && (name == "_delta_log" || name == "_delta_ingest")) continue;
        if (depth < 32) Walk(path, depth + 1, f);
      } else {
        f(path, name);
      }
    }
    ::closedir(d);
  }

  // Deletes the unreferenced files of workers whose lock is free (they died).
  void CleanupOrphans(Sink* s) {
    if (s->snapshot == nullptr) return;
    auto root = LocalPath(s->snapshot->table_root());
    if (!root) return;
    std::string dir = *root + "/_delta_ingest/workers";
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return;
    std::vector<std::pair<std::string, int>> dead;  // (id, locked fd)
    std::vector<std::string> dead_files;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      std::string id;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0 && name[0] != '.') {
        id = name.substr(0, name.size() - 5);
      } else if (name.size() > 10 && name[0] == '.' && name.compare(name.size() - 9, 9, ".lock.tmp") == 0) {
        id = name.substr(1, name.size() - 10);
      } else {
        continue;
      }
      if (id == worker_id) continue;
      std::string path = dir + "/" + name;
      int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        continue;
      }
      dead.emplace_back(id, fd);
      dead_files.push_back(path);
    }
    ::closedir(d);
    if (dead.empty()) return;
    // The owners are dead: nothing they wrote can be committed any more, so the snapshot read
    // now is final for their files.
    table::SnapshotOptions so;
    so.with_stats = false;
    auto snap = s->table->GetSnapshot(so);
    if (!snap.ok()) {
      for (auto& [id, fd] : dead) ::close(fd);
      return;
    }
    std::unordered_set<std::string> referenced;
    for (const auto& a : (*snap)->files()) {
      size_t slash = a.path.rfind('/');
      referenced.insert(slash == std::string::npos ? a.path : a.path.substr(slash + 1));
    }
    int64_t deleted = 0;
    Walk(*root, 0, [&](const std::string& path, const std::string& name) {
      for (const auto& [id, fd] : dead) {
        if (name.find("ingest-" + id + "-") == std::string::npos) continue;
        // Hidden ".<name>.tmp-..." files are never referenced; data files only when unreferenced.
        if (name[0] == '.' || referenced.count(name) == 0) {
          if (::unlink(path.c_str()) == 0) ++deleted;
        }
      }
    });
    for (size_t i = 0; i < dead.size(); ++i) {
      ::unlink(dead_files[i].c_str());
      ::close(dead[i].second);
    }
    metrics->orphan_files_deleted += deleted;
    Log("info", "cleaned up after dead workers",
        fmt::format("{},\"workers\":{},\"files_deleted\":{}", JsonField("table", s->uri), dead.size(), deleted));
  }

  void CleanupAll() {
    for (auto& s : sinks) CleanupOrphans(&s);
    if (dlq) CleanupOrphans(&*dlq);
    last_cleanup = Clock::now();
  }

  // ---- Kafka ----

  Status CreateConsumer() {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& k, const std::string& v) -> Status {
      if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
        return Status::InvalidArgument(fmt::format("Kafka setting {}={}: {}", k, v, err));
      }
      return Status::OK();
    };
    Status st = set("bootstrap.servers", options.brokers);
    if (st.ok()) st = set("group.id", options.consumer_group);
    if (st.ok()) st = set("enable.auto.commit", "false");
    if (st.ok()) st = set("enable.auto.offset.store", "false");
    if (st.ok()) st = set("auto.offset.reset", options.auto_offset_reset);
    for (const auto& [k, v] : options.kafka_settings) {
      if (st.ok()) st = set(k, v);
    }
    if (!st.ok()) {
      rd_kafka_conf_destroy(conf);
      return st;
    }
    rd_kafka_conf_set_opaque(conf, this);
    rd_kafka_conf_set_rebalance_cb(conf, &Impl::RebalanceCallback);
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    if (rk == nullptr) return Status::IOError(fmt::format("cannot create the Kafka consumer: {}", err));
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(static_cast<int>(options.topics.size()));
    for (const auto& t : options.topics) rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (e) return Status::IOError(fmt::format("cannot subscribe: {}", rd_kafka_err2str(e)));
    return Status::OK();
  }

  // The high watermarks at start (run-once mode): every partition of every topic.
  Status ReadStartWatermarks() {
    for (size_t ti = 0; ti < options.topics.size(); ++ti) {
      const rd_kafka_metadata_t* md = nullptr;
      rd_kafka_topic_t* t = rd_kafka_topic_new(rk, options.topics[ti].c_str(), nullptr);
      rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
      for (int attempt = 0; attempt < 20; ++attempt) {
        e = rd_kafka_metadata(rk, 0, t, &md, 5000);
        if (!e && md->topic_cnt == 1 && !md->topics[0].err) break;
        if (md) rd_kafka_metadata_destroy(md);
        md = nullptr;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
      rd_kafka_topic_destroy(t);
      if (md == nullptr) {
        return Status::IOError(fmt::format("cannot read metadata of topic {}: {}", options.topics[ti],
                                           e ? rd_kafka_err2str(e) : "topic unknown"));
      }
      for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
        int32_t p = md->topics[0].partitions[i].id;
        int64_t lo = 0, hi = 0;
        e = rd_kafka_query_watermark_offsets(rk, options.topics[ti].c_str(), p, &lo, &hi, 10000);
        if (e) {
          rd_kafka_metadata_destroy(md);
          return Status::IOError(fmt::format("cannot read the watermarks of {}[{}]: {}", options.topics[ti], p,
                                             rd_kafka_err2str(e)));
        }
        start_watermarks[{static_cast<int>(ti), p}] = hi;
        start_low_watermarks[{static_cast<int>(ti), p}] = lo;
      }
      rd_kafka_metadata_destroy(md);
    }
    return Status::OK();
  }

  static void RebalanceCallback(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                                void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      self->OnAssign(parts);
    } else {
      self->OnRevoke();
      rd_kafka_assign(rk, nullptr);
    }
  }

  // Refreshes every sink's snapshot (NotFound tables stay unopened for auto-create).
  void RefreshSnapshots() {
    auto refresh = [&](Sink* s) {
      if (s->table == nullptr) {
        if (OpenSink(s).ok()) return;
        s->table.reset();
        return;
      }
      for (int attempt = 0; attempt < 5; ++attempt) {
        auto r = s->snapshot ? s->snapshot->Refresh() : s->table->GetSnapshot();
        if (r.ok()) {
          if (s->snapshot == nullptr) (void)AttachSnapshot(s, *r);
          s->snapshot = *r;
          return;
        }
        Log("warn", "cannot read the table", JsonField("error", r.status().ToString()));
        std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
      }
    };
    for (auto& s : sinks) refresh(&s);
    if (dlq) refresh(&*dlq);
  }

  // Seeks `keys` to the next offset after the smallest version any table holds.
  rd_kafka_topic_partition_list_t* SeekList(const std::vector<PartitionKey>& keys) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(keys.size()));
    for (const auto& k : keys) {
      // Every existing table gets a txn for each partition in every flush (and a new table one
      // at creation), so a table without a version never held a message of the partition: the
      // next offset is the smallest among the tables that have one.
      std::optional<int64_t> next;
      for (auto& s : sinks) {
        std::optional<int64_t> v = s.snapshot ? s.snapshot->TransactionVersion(AppId(k)) : std::nullopt;
        s.committed[k] = v;
        if (v && (!next || *v + 1 < *next)) next = *v + 1;
      }
      if (dlq) dlq->committed[k] = dlq->snapshot ? dlq->snapshot->TransactionVersion(AppId(k)) : std::nullopt;
      int64_t offset;
      auto seek = options.seek_offsets.find(k.second);
      if (next) {
        offset = *next;
      } else if (seek != options.seek_offsets.end()) {
        offset = seek->second;
      } else {
        offset = options.auto_offset_reset == "earliest" ? RD_KAFKA_OFFSET_BEGINNING : RD_KAFKA_OFFSET_END;
      }
      auto* tp = rd_kafka_topic_partition_list_add(list, options.topics[static_cast<size_t>(k.first)].c_str(), k.second);
      tp->offset = offset;
      auto& st = partitions[k];
      st.assigned = true;
      st.position = offset >= 0 ? offset : -1;
      st.batch_first = st.batch_last = -1;
      Log("info", "partition positioned",
          fmt::format("{},\"partition\":{},\"offset\":{}", JsonField("topic", options.topics[static_cast<size_t>(k.first)]),
                      k.second, offset));
    }
    return list;
  }

  void OnAssign(rd_kafka_topic_partition_list_t* parts) {
    RefreshSnapshots();
    std::vector<PartitionKey> keys;
    for (int i = 0; i < parts->cnt; ++i) {
      int ti = TopicIndex(parts->elems[i].topic);
      if (ti >= 0) keys.emplace_back(ti, parts->elems[i].partition);
    }
    rd_kafka_topic_partition_list_t* list = SeekList(keys);
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, list);
    if (e) Log("error", "assign failed", JsonField("error", rd_kafka_err2str(e)));
    rd_kafka_topic_partition_list_destroy(list);
  }

  void OnRevoke() {
    // Commit what is buffered while we still own the partitions: the next owner then starts
    // after it instead of re-reading it (correctness does not depend on this: see Flush).
    Flush(/*reseek=*/false);
    for (auto& [k, st] : partitions) st.assigned = false;
  }

  // Drops everything buffered and seeks all assigned partitions from the tables again.
  static bool HasNewField(const columnar::Schema& schema, dom::element doc) {
    for (auto kv : dom::object(doc.get_object().value_unsafe())) {
      if (schema.GetFieldIndex(std::string(kv.key)) < 0) return true;
    }
    return false;
  }

  void DropAndReseek() {
    ++reseeks;
    DropBatch();
    RefreshSnapshots();
    std::vector<PartitionKey> keys;
    for (auto& [k, st] : partitions) {
      if (st.assigned) keys.push_back(k);
    }
    if (keys.empty() || rk == nullptr) return;
    rd_kafka_topic_partition_list_t* list = SeekList(keys);
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, list);
    if (e) Log("error", "re-assign failed", JsonField("error", rd_kafka_err2str(e)));
    rd_kafka_topic_partition_list_destroy(list);
  }

  void DropBatch() {
    auto drop = [&](Sink* s) {
      if (s->writer) {
        Status st = s->writer->Abort();
        if (!st.ok()) Log("warn", "cannot delete the files of a dropped batch", JsonField("error", st.ToString()));
        s->writer.reset();
      }
      if (s->snapshot) {
        auto rows = RowBatchBuilder::Make(s->snapshot->schema());
        if (rows.ok()) s->rows = std::move(*rows);
      }
      s->rows_in_batch = 0;
    };
    for (auto& s : sinks) drop(&s);
    if (dlq) drop(&*dlq);
    for (auto& [k, st] : partitions) st.batch_first = st.batch_last = -1;
    batch_messages = batch_bytes = 0;
  }

  // ---- Messages ----

  void Bad(const rd_kafka_message_t* m, const PartitionKey& k, std::string_view payload, const Status& error) {
    Count(m, k);
    metrics->messages_failed++;
    if (!dlq) {
      Log("warn", "bad message skipped",
          fmt::format("\"partition\":{},\"offset\":{},{}", k.second, m->offset, JsonField("error", error.message())));
      return;
    }
    auto it = dlq->committed.find(k);
    if (it != dlq->committed.end() && it->second && m->offset <= *it->second) return;  // already dead-lettered
    std::string json = "{\"raw\":";
    util::AppendJsonString(Base64Encode(payload), &json);
    json += ",\"error\":";
    util::AppendJsonString(error.message(), &json);
    json += fmt::format(",\"timestamp\":{},\"topic\":", NowMicros());
    util::AppendJsonString(options.topics[static_cast<size_t>(k.first)], &json);
    json += fmt::format(",\"partition\":{},\"offset\":{}}}", k.second, m->offset);
    dom::element doc;
    if (dlq_parser.parse(json).get(doc)) return;
    if (dlq->rows == nullptr) {
      auto st = CreateSinkTable(&*dlq, DlqSchema());
      if (!st.ok()) {
        Log("error", "cannot create the dead-letter table", JsonField("error", st.ToString()));
        return;
      }
    }
    Status st = dlq->rows->AppendRow(doc, Overlay());
    if (!st.ok()) {
      Log("error", "cannot write to the dead-letter table", JsonField("error", st.ToString()));
      return;
    }
    dlq->rows_in_batch++;
  }

  // Schema for a new table: the message's fields plus the transforms' targets.
  columnar::SchemaPtr SchemaForNewTable(dom::element doc) {
    auto inferred = InferSchema(doc);
    columnar::SchemaPtr schema =
        inferred.ok() ? *inferred : std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{});
    for (size_t i = 0; i < transforms.size(); ++i) {
      const Value& v = values[i];
      columnar::TypePtr t;
      switch (v.kind) {
        case Value::Kind::kInt:
          t = columnar::Int64();
          break;
        case Value::Kind::kDouble:
          t = columnar::Float64();
          break;
        case Value::Kind::kBool:
          t = columnar::Bool();
          break;
        default:
          t = columnar::Utf8();
      }
      const auto& path = transforms[i].target;
      columnar::FieldPtr f = columnar::MakeField(path.back(), t);
      for (size_t k = path.size() - 1; k-- > 0;) f = columnar::MakeField(path[k], columnar::Struct({f}));
      columnar::Schema one({f});
      // Transform targets replace inferred fields of the same name.
      std::vector<columnar::FieldPtr> fields;
      for (const auto& g : schema->fields()) {
        if (g->name != path[0] || path.size() > 1) fields.push_back(g);
      }
      auto base = std::make_shared<columnar::Schema>(fields);
      auto merged = MergeNewFields(*base, one);
      schema = merged ? merged : base;
    }
    return schema;
  }

  Status EvolveSchema(Sink* s, dom::element doc) {
    auto inferred = InferSchema(doc);
    if (!inferred.ok()) return Status::OK();
    auto merged = MergeNewFields(*s->snapshot->schema(), **inferred);
    if (merged == nullptr) return Status::OK();
    // Commit what was built against the old schema first, then the new schema.
    Flush(/*reseek=*/true);
    for (int attempt = 0; attempt < 5; ++attempt) {
      DELTA_ASSIGN_OR_RAISE(auto snap, s->table->GetSnapshot());
      merged = MergeNewFields(*snap->schema(), **inferred);
      if (merged == nullptr) return AttachSnapshot(s, snap);
      auto prepared = ops::PrepareNewTable(merged, snap->partition_columns(), snap->configuration(), std::nullopt,
                                           std::nullopt);
      if (!prepared.ok()) return prepared.status();
      protocol::Metadata md = snap->metadata();
      md.schema_string = prepared->metadata.schema_string;
      DELTA_ASSIGN_OR_RAISE(auto t, txn::Transaction::Begin(snap));
      t->UpdateMetadata(md);
      t->SetOperation("ADD COLUMNS");
      auto r = t->Commit();
      if (r.ok()) {
        Log("info", "schema evolved", JsonField("table", s->uri));
        DELTA_ASSIGN_OR_RAISE(auto fresh, s->table->GetSnapshot());
        s->snapshot = fresh;
        DELTA_ASSIGN_OR_RAISE(s->rows, RowBatchBuilder::Make(fresh->schema()));
        return Status::OK();
      }
      if (r.status().code() != StatusCode::kCommitConflict) return r.status();
    }
    return Status::CommitConflict("cannot evolve the schema after 5 attempts");
  }

  // Makes the message part of the batch: its offset is covered by the batch's txn versions.
  void Count(const rd_kafka_message_t* m, const PartitionKey& k) {
    auto& st = partitions[k];
    st.position = m->offset + 1;
    if (st.batch_first < 0) st.batch_first = m->offset;
    st.batch_last = m->offset;
    if (batch_messages == 0) batch_started = Clock::now();
    ++batch_messages;
    batch_bytes += static_cast<int64_t>(m->len);
    metrics->messages_in++;
    metrics->bytes_in += static_cast<int64_t>(m->len);
  }

  void HandleMessage(const rd_kafka_message_t* m) {
    const char* topic = rd_kafka_topic_name(m->rkt);
    int ti = TopicIndex(topic);
    if (ti < 0) return;
    PartitionKey k{ti, m->partition};
    auto& st = partitions[k];
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // Not a position: the fetcher reports EOF when *it* reached the end, which can be before
      // the prefetched messages are handed out.
      return;
    }
    if (m->err) {
      Log("warn", "consumer error", JsonField("error", rd_kafka_message_errstr(m)));
      return;
    }
    // A message from before the position is a fetch that raced a re-seek: not ours to write.
    if (!st.assigned || (st.position >= 0 && m->offset < st.position)) return;

    std::string_view payload(static_cast<const char*>(m->payload), m->payload ? m->len : 0);
    std::string_view json = payload;
    if (payload.size() >= 2 && static_cast<unsigned char>(payload[0]) == 0x1f &&
        static_cast<unsigned char>(payload[1]) == 0x8b) {
      auto inflated = Gunzip(payload);
      if (!inflated.ok()) return Bad(m, k, payload, inflated.status());
      gunzip_buffer = std::move(*inflated);
      json = gunzip_buffer;
    } else if (options.decompress_gzip) {
      return Bad(m, k, payload, Status::InvalidArgument("the payload is not gzip-compressed"));
    }
    // A tombstone has no payload: simdjson copies from json.data(), which must not be null.
    if (json.data() == nullptr) json = std::string_view("", 0);
    dom::element doc;
    if (auto e = parser.parse(json.data(), json.size()).get(doc)) {
      return Bad(m, k, payload, Status::InvalidArgument(fmt::format("invalid JSON: {}", simdjson::error_message(e))));
    }
    if (!doc.is_object()) return Bad(m, k, payload, Status::InvalidArgument("the message is not a JSON object"));
    KafkaMeta meta;
    meta.topic = topic;
    meta.partition = m->partition;
    meta.offset = m->offset;
    rd_kafka_timestamp_type_t tstype;
    meta.timestamp_ms = rd_kafka_message_timestamp(m, &tstype);
    meta.timestamp_type = static_cast<int32_t>(tstype);
    overlay.Clear();
    values.resize(transforms.size());
    for (size_t i = 0; i < transforms.size(); ++i) {
      auto v = Evaluate(*transforms[i].source, doc, meta);
      if (!v.ok()) return Bad(m, k, payload, v.status().WithPrefix(fmt::format("transform '{}'", transforms[i].text)));
      values[i] = std::move(*v);
    }
    for (size_t i = 0; i < transforms.size(); ++i) overlay.Set(transforms[i].target, &values[i]);
    Sink* s = &sinks[0];
    if (route_by) {
      auto v = Evaluate(*route_by, doc, meta);
      if (!v.ok()) return Bad(m, k, payload, v.status().WithPrefix("--route_by"));
      std::string_view key;
      std::string text;
      if (v->kind == Value::Kind::kString) {
        key = v->s;
      } else if (v->kind == Value::Kind::kElement && v->element.is_string()) {
        key = std::string_view(v->element.get_string().value_unsafe());
      } else {
        text = v->ToJson();
        key = text;
      }
      auto it = route_index.find(std::string(key));
      if (it != route_index.end()) s = &sinks[it->second];
    }
    if (s->rows == nullptr) {
      if (!options.auto_create) {
        fatal = Status::NotFound(fmt::format("table {} does not exist (use --auto_create)", s->uri));
        owner->RequestStop();
        return;
      }
      Status cs = CreateSinkTable(s, SchemaForNewTable(doc));
      if (!cs.ok()) return Bad(m, k, payload, cs);
    } else if (options.schema_evolution_merge && HasNewField(*s->snapshot->schema(), doc)) {
      // Before the message joins the batch: the flush inside commits the batch built with the
      // old schema; when that flush lost a race it re-seeked, and this message comes again.
      int64_t epoch = reseeks;
      Status es = EvolveSchema(s, doc);
      if (!es.ok()) Log("warn", "schema evolution failed", JsonField("error", es.ToString()));
      if (epoch != reseeks || !partitions[k].assigned) return;
    }
    Count(m, k);
    auto c = s->committed.find(k);
    if (c != s->committed.end() && c->second && m->offset <= *c->second) {
      metrics->messages_skipped++;
      return;
    }
    Status ast = s->rows->AppendRow(doc, overlay);
    if (!ast.ok()) return Bad(m, k, payload, ast);
    s->rows_in_batch++;
    if (s->rows->num_rows() >= 65536) {
      Status ws = WriteRows(s);
      if (!ws.ok()) {
        Log("error", "cannot write a data file; dropping the batch", JsonField("error", ws.ToString()));
        DropAndReseek();
      }
    }
  }

  // Moves the built rows into the sink's data file writer.
  Status WriteRows(Sink* s) {
    if (s->rows == nullptr || s->rows->num_rows() == 0) return Status::OK();
    if (s->writer == nullptr) {
      DELTA_ASSIGN_OR_RAISE(auto wo, txn::DataWriteOptionsFromConfiguration(s->snapshot->configuration()));
      wo.file_name_prefix = fmt::format("ingest-{}-", worker_id);
      wo.num_threads = 1;
      DELTA_ASSIGN_OR_RAISE(s->writer, txn::DataFileWriter::Make(s->snapshot->table_root(), s->snapshot->schema(),
                                                                 s->snapshot->partition_columns(),
                                                                 s->snapshot->column_mapping_mode(), wo));
    }
    DELTA_ASSIGN_OR_RAISE(auto batch, s->rows->Finish());
    return s->writer->Write(*batch);
  }

  // ---- Flush and commit ----

  enum class Outcome { kCommitted, kLost };

  Outcome CommitSink(Sink* s, const std::vector<std::pair<PartitionKey, PartitionState*>>& batch) {
    std::vector<protocol::Add> adds;
    Status st = WriteRows(s);
    if (st.ok() && s->writer) {
      auto r = s->writer->Finish();
      if (r.ok()) {
        adds = std::move(*r);
      } else {
        st = r.status();
      }
    }
    s->writer.reset();
    auto delete_adds = [&]() {
      for (const auto& a : adds) (void)s->snapshot->table_root().store->Delete(s->snapshot->table_root().Child(a.path).key);
    };
    if (!st.ok()) {
      Log("error", "cannot finish the data files", JsonField("error", st.ToString()));
      delete_adds();
      return Outcome::kLost;
    }
    int64_t rows = s->rows_in_batch;
    s->rows_in_batch = 0;
    if (fault_commit_delay_ms > 0 && !adds.empty()) {
      // Fault injection for the crash tests: widens the window in which the data files exist
      // but are not committed, so that kills land there often.
      std::this_thread::sleep_for(std::chrono::milliseconds(fault_commit_delay_ms));
    }
    // Set when a commit attempt failed without saying whether the log file landed (an I/O error,
    // a timeout): from then on the files may be referenced by a committed version, and deleting
    // them would lose committed rows. They stay; an orphan is only wasted space.
    bool outcome_unknown = false;
    auto give_up = [&]() {
      if (outcome_unknown) {
        Log("warn", "leaving the batch's data files in place: an earlier commit attempt may have landed",
            JsonField("table", s->uri));
      } else {
        delete_adds();
      }
      return Outcome::kLost;
    };
    for (int attempt = 0; attempt < 8; ++attempt) {
      auto snap = s->snapshot->Refresh();
      if (!snap.ok()) {
        Log("warn", "cannot read the table before committing", JsonField("error", snap.status().ToString()));
        std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 4)));
        continue;
      }
      s->snapshot = *snap;
      bool moved = false, all_ours = !adds.empty();
      for (const auto& [k, ps] : batch) {
        auto v = s->snapshot->TransactionVersion(AppId(k));
        if (v != s->committed[k]) {
          moved = true;
          if (v != ps->batch_last) all_ours = false;
        }
      }
      if (moved) {
        // Either another worker committed these partitions since we seeked (drop and re-seek),
        // or our own earlier attempt landed although the store reported an error.
        bool landed = false;
        if (!adds.empty()) {
          for (const auto& a : s->snapshot->files()) {
            if (a.path == adds[0].path) {
              landed = true;
              break;
            }
          }
        }
        if (landed && all_ours) {
          for (const auto& [k, ps] : batch) {
            auto& c = s->committed[k];
            if (!c || *c < ps->batch_last) c = ps->batch_last;
          }
          return Outcome::kCommitted;
        }
        // Files a committed version references (ours landed, then others moved on) stay.
        if (!landed) delete_adds();
        return Outcome::kLost;
      }
      // Partitions this table already holds beyond the batch (a replay after a crash between
      // the commits of two tables) keep their version.
      std::vector<std::pair<PartitionKey, int64_t>> versions;
      for (const auto& [k, ps] : batch) {
        const auto& c = s->committed[k];
        if (!c || *c < ps->batch_last) versions.emplace_back(k, ps->batch_last);
      }
      if (versions.empty() && adds.empty()) return Outcome::kCommitted;
      txn::TransactionOptions to;
      to.checkpoint_on_interval = options.checkpoints;
      to.engine_info = "deltacpp-ingest";
      auto t = txn::Transaction::Begin(s->snapshot, to);
      if (!t.ok()) {
        Log("error", "cannot start a transaction", JsonField("error", t.status().ToString()));
        return give_up();
      }
      (*t)->AddFiles(adds);
      for (const auto& [k, v] : versions) (*t)->SetApplicationTransaction(AppId(k), v);
      (*t)->SetOperation("STREAMING UPDATE", {{"outputMode", "\"Append\""}, {"epochId", fmt::format("{}", NowMicros())}});
      (*t)->SetOperationMetrics({{"numOutputRows", fmt::format("\"{}\"", rows)}, {"numAddedFiles", fmt::format("\"{}\"", adds.size())}});
      (*t)->SetBlindAppend(true);
      auto t0 = Clock::now();
      auto r = (*t)->Commit();
      metrics->commit_latency_us_sum +=
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
      if (r.ok() && r->status == txn::CommitStatus::kCommitted) {
        if (r->snapshot) s->snapshot = r->snapshot;
        for (const auto& [k, v] : versions) s->committed[k] = v;
        metrics->commits++;
        metrics->rows_written += rows;
        Log("info", "committed",
            fmt::format("{},\"version\":{},\"rows\":{},\"files\":{},\"attempts\":{}", JsonField("table", s->uri),
                        r->version, rows, adds.size(), r->attempts));
        return Outcome::kCommitted;
      }
      if (r.ok()) {  // kSkipped: every partition already committed by another worker
        delete_adds();
        return Outcome::kLost;
      }
      Log("warn", "commit attempt failed; re-reading the table",
          fmt::format("{},\"attempt\":{}", JsonField("error", r.status().ToString()), attempt + 1));
      if (r.status().code() != StatusCode::kCommitConflict) {
        outcome_unknown = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100 << std::min(attempt, 4)));
      }
    }
    return give_up();
  }

  void Flush(bool reseek) {
    if (batch_messages == 0) return;
    std::vector<std::pair<PartitionKey, PartitionState*>> batch;
    for (auto& [k, st] : partitions) {
      if (st.batch_last >= 0) batch.emplace_back(k, &st);
    }
    metrics->batches++;
    bool lost = false;
    // The dead-letter table first: once the main tables are committed, a replay never sees
    // these messages again; if we die in between, the dead-letter txn versions filter them.
    if (dlq && dlq->rows && dlq->rows_in_batch > 0) {
      lost = CommitSink(&*dlq, batch) == Outcome::kLost;
    }
    for (auto& s : sinks) {
      if (lost) break;
      if (s.rows == nullptr) continue;  // table not created yet: nothing was routed to it
      lost = CommitSink(&s, batch) == Outcome::kLost;
    }
    if (lost) {
      metrics->commits_lost++;
      Log("warn", "another worker committed these partitions first; dropping the batch and re-seeking");
      if (reseek) {
        DropAndReseek();
      } else {
        DropBatch();
      }
      return;
    }
    // Informational offsets for Kafka tooling (lag dashboards); never read back.
    if (rk != nullptr) {
      rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(batch.size()));
      for (const auto& [k, ps] : batch) {
        rd_kafka_topic_partition_list_add(list, options.topics[static_cast<size_t>(k.first)].c_str(), k.second)->offset =
            ps->batch_last + 1;
      }
      rd_kafka_commit(rk, list, 1);
      rd_kafka_topic_partition_list_destroy(list);
    }
    UpdateLag();
    for (auto& [k, st] : partitions) st.batch_first = st.batch_last = -1;
    batch_messages = batch_bytes = 0;
  }

  void UpdateLag() {
    if (rk == nullptr) return;
    std::string text;
    for (auto& [k, st] : partitions) {
      if (!st.assigned) continue;
      int64_t lo = 0, hi = 0;
      if (rd_kafka_get_watermark_offsets(rk, options.topics[static_cast<size_t>(k.first)].c_str(), k.second, &lo, &hi)) {
        continue;
      }
      int64_t pos = st.position >= 0 ? st.position : lo;
      text += fmt::format("deltacpp_ingest_partition_lag{{topic=\"{}\",partition=\"{}\"}} {}\n",
                          options.topics[static_cast<size_t>(k.first)], k.second, std::max<int64_t>(0, hi - pos));
    }
    metrics->SetLagText(std::move(text));
  }

  bool ShouldFlush() const {
    if (batch_messages == 0) return false;
    if (batch_messages >= options.max_messages_per_batch || batch_bytes >= options.min_bytes_per_file) return true;
    return Clock::now() - batch_started >= std::chrono::duration<double>(options.allowed_latency_s);
  }

  // Run-once: every assigned partition reached its start watermark.
  bool ReachedEnd() const {
    bool any = false;
    for (const auto& [k, st] : partitions) {
      if (!st.assigned) continue;
      any = true;
      auto w = start_watermarks.find(k);
      int64_t target = w == start_watermarks.end() ? 0 : w->second;
      auto lo = start_low_watermarks.find(k);
      bool empty = lo != start_low_watermarks.end() && lo->second >= target;
      if (empty) continue;  // nothing to read at start (new or fully expired partition)
      if (st.position < 0 || st.position < target) return false;
    }
    return any;
  }

  Status Run(const std::atomic<bool>& stop) {
    // Open what exists; a missing table waits for its first message (--auto_create) or fails.
    for (auto& s : sinks) {
      Status st = OpenSink(&s);
      if (!st.ok()) {
        s.table.reset();
        if (!st.IsNotFound() || !options.auto_create) return st.WithPrefix(fmt::format("table {}", s.uri));
      }
    }
    if (dlq) {
      Status st = OpenSink(&*dlq);
      if (!st.ok()) {
        dlq->table.reset();
        if (!st.IsNotFound()) return st.WithPrefix(fmt::format("dead-letter table {}", dlq->uri));
      }
    }
    CleanupAll();
    DELTA_RETURN_NOT_OK(CreateConsumer());
    if (options.end_at_latest_offsets) DELTA_RETURN_NOT_OK(ReadStartWatermarks());
    Log("info", "started",
        fmt::format("{},{},{}", JsonField("worker", worker_id), JsonField("group", options.consumer_group),
                    JsonField("table", options.table_uri)));
    while (!stop.load()) {
      rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
      if (m != nullptr) {
        HandleMessage(m);
        rd_kafka_message_destroy(m);
      }
      if (ShouldFlush()) Flush(/*reseek=*/true);
      if (options.end_at_latest_offsets && ReachedEnd()) break;
      if (Clock::now() - last_cleanup > std::chrono::seconds(30)) CleanupAll();
    }
    Flush(/*reseek=*/false);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    rk = nullptr;
    CleanupAll();
    for (auto& s : sinks) ReleaseLock(&s);
    if (dlq) ReleaseLock(&*dlq);
    if (!fatal.ok()) {
      metrics->healthy = false;
      return fatal;
    }
    Log("info", "stopped",
        fmt::format("\"messages\":{},\"rows\":{},\"failed\":{},\"commits\":{}", metrics->messages_in.load(),
                    metrics->rows_written.load(), metrics->messages_failed.load(), metrics->commits.load()));
    return Status::OK();
  }

  ~Impl() {
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

Result<std::unique_ptr<Worker>> Worker::Make(IngestOptions options) {
  std::unique_ptr<Worker> w(new Worker());
  w->impl_ = std::make_unique<Impl>();
  Impl& impl = *w->impl_;
  for (const auto& t : options.transforms) {
    DELTA_ASSIGN_OR_RAISE(auto tr, CompileTransform(t));
    impl.transforms.push_back(std::move(tr));
  }
  if (options.route_by) {
    DELTA_ASSIGN_OR_RAISE(impl.route_by, CompileExpression(*options.route_by));
  }
  impl.sinks.emplace_back();
  impl.sinks[0].uri = options.table_uri;
  for (const auto& [value, uri] : options.routes) {
    impl.route_index[value] = impl.sinks.size();
    impl.sinks.emplace_back();
    impl.sinks.back().uri = uri;
  }
  if (options.dlq_table_uri) {
    // Not emplace(): clang judges Sink default-constructible while Impl is incomplete (no).
    impl.dlq.emplace(Impl::Sink{});
    impl.dlq->uri = *options.dlq_table_uri;
    impl.dlq->is_dlq = true;
  }
  if (const char* delay = std::getenv("DELTA_INGEST_FAULT_COMMIT_DELAY_MS")) {
    impl.fault_commit_delay_ms = std::max(0LL, std::atoll(delay));
  }
  impl.worker_id = ops::RandomUuid();
  impl.options = std::move(options);
  impl.owner = w.get();
  impl.metrics = &w->metrics_;
  return w;
}

Worker::~Worker() = default;

Status Worker::Run() { return impl_->Run(stop_); }

}  // namespace delta::ingest
