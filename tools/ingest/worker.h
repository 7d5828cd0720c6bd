// The ingest worker: one Kafka consumer in a group, turning messages into rows of one or more
// Delta tables, exactly once.
//
// Exactly once (the table is the source of truth, Kafka's committed offsets are informational):
//   - every commit carries one txn action per Kafka partition in the batch,
//     appId "<app id>-<partition>" (or "<app id>-<topic>-<partition>" with several topics),
//     version = the last offset written;
//   - on every assignment the worker reads those versions and seeks each partition to the next
//     offset (or --seek_offsets / auto.offset.reset when the table has none);
//   - before committing, the worker re-reads the table: when a partition's version moved since it
//     seeked (another worker committed it meanwhile), the batch is dropped, its files deleted, and
//     the worker re-seeks; a race after that check is caught by the transaction's conflict check
//     on the same appId, and handled the same way after re-reading.
// Files of commits that did not happen: the worker deletes them itself when a commit is lost;
// a worker killed before committing leaves files named "ingest-<worker id>-part-..."; every
// worker holds an flock on "<table>/_delta_ingest/workers/<worker id>.lock" while it runs, and a
// worker that can take the lock of another knows it is dead and deletes that worker's files the
// table does not reference (local tables; on object stores the lost-race cleanup still applies).
// Bad messages (not JSON, transform or coercion failure) go to the dead-letter table (txn
// versions there make them exactly once too) or are logged and skipped; they never stall.
// Thread-safety: Run() is called once, from one thread; RequestStop() from any thread or a
// signal handler (it only stores an atomic flag).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "delta/util/result.h"
#include "ingest/options.h"

namespace delta::ingest {

/// Counters exported as Prometheus metrics (read from the metrics thread).
struct WorkerMetrics {
  std::atomic<int64_t> messages_in{0};
  std::atomic<int64_t> messages_failed{0};
  std::atomic<int64_t> messages_skipped{0};
  std::atomic<int64_t> bytes_in{0};
  std::atomic<int64_t> batches{0};
  std::atomic<int64_t> commits{0};
  std::atomic<int64_t> commits_lost{0};
  std::atomic<int64_t> rows_written{0};
  std::atomic<int64_t> commit_latency_us_sum{0};
  std::atomic<int64_t> orphan_files_deleted{0};
  std::atomic<bool> healthy{true};
  /// Per-partition lag lines in the exposition format (replaced after each flush).
  std::string LagText() const {
    std::lock_guard<std::mutex> l(mu_);
    return lag_;
  }
  void SetLagText(std::string text) {
    std::lock_guard<std::mutex> l(mu_);
    lag_ = std::move(text);
  }

 private:
  mutable std::mutex mu_;
  std::string lag_;
};

class Worker {
 public:
  /// Validates the options (transforms compile, routes parse). InvalidArgument naming the option.
  static Result<std::unique_ptr<Worker>> Make(IngestOptions options);
  ~Worker();

  /// Consumes until RequestStop() (then flushes and commits what is buffered) or, with
  /// --ends_at_latest_offsets, until every assigned partition reached the high watermark seen
  /// at start. Errors: InvalidArgument / NotFound for a table that does not exist without
  /// --auto_create, IOError when the consumer cannot be created.
  Status Run();
  void RequestStop() { stop_.store(true); }
  WorkerMetrics& metrics() { return metrics_; }

  struct Impl;

 private:
  Worker() = default;
  std::unique_ptr<Impl> impl_;
  std::atomic<bool> stop_{false};
  WorkerMetrics metrics_;
};

/// Prometheus text exposition of `m` (the body of GET /metrics).
std::string FormatMetrics(const WorkerMetrics& m);

/// Standard base64 (with padding) of `data`.
std::string Base64Encode(std::string_view data);

/// Inflates a gzip (or zlib) payload; InvalidArgument for corrupt data or output beyond `limit`.
Result<std::string> Gunzip(std::string_view data, size_t limit = 64u << 20);

}  // namespace delta::ingest
