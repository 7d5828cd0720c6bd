// A fixed-size thread pool for CPU-bound work (decoding column chunks and row groups).
// Thread-safety: Submit and ParallelFor may be called from any thread; ParallelFor must not be
// called from inside a task of the same pool (it would wait on itself).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "delta/util/status.h"

namespace delta {

class ThreadPool {
 public:
  /// Starts `num_threads` workers (at least 1).
  explicit ThreadPool(int num_threads);
  /// Waits for queued tasks to finish, then joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()); }

  /// Queues a task. Tasks must not throw.
  void Submit(std::function<void()> task);

  /// Runs fn(0..n-1) on the pool and waits; returns the first non-OK Status (by index).
  /// With n == 1 (or a 1-thread pool and the caller would otherwise idle) it still works.
  Status ParallelFor(int64_t n, const std::function<Status(int64_t)>& fn);

  /// A process-wide pool sized to the hardware concurrency, created on first use.
  static ThreadPool* Default();

 private:
  void WorkerLoop();
  std::vector<std::thread> workers_;
  std::deque<std::function<void()>> queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace delta
