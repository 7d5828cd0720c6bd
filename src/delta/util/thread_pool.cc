#include "delta/util/thread_pool.h"

#include <algorithm>
#include <atomic>

namespace delta {

ThreadPool::ThreadPool(int num_threads) {
  if (num_threads < 1) num_threads = 1;
  workers_.reserve(static_cast<size_t>(num_threads));
  for (int i = 0; i < num_threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stop_ and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

Status ThreadPool::ParallelFor(int64_t n, const std::function<Status(int64_t)>& fn) {
  if (n <= 0) return Status::OK();
  if (n == 1) return fn(0);
  std::vector<Status> results(static_cast<size_t>(n));
  std::atomic<int64_t> next{0};
  std::mutex done_mu;
  std::condition_variable done_cv;
  int64_t exited = 0;
  // Each helper task pulls indexes until none are left; the caller pulls too, so progress
  // never depends on a free worker. The caller waits for every helper to exit (not just for
  // the work to finish) because the helpers reference this stack frame.
  auto drain = [&] {
    int64_t i;
    while ((i = next.fetch_add(1)) < n) results[static_cast<size_t>(i)] = fn(i);
  };
  const int64_t helpers = std::min<int64_t>(n - 1, num_threads());
  for (int64_t h = 0; h < helpers; ++h) {
    Submit([&] {
      drain();
      std::lock_guard<std::mutex> lock(done_mu);
      if (++exited == helpers) done_cv.notify_all();
    });
  }
  drain();
  {
    std::unique_lock<std::mutex> lock(done_mu);
    done_cv.wait(lock, [&] { return exited == helpers; });
  }
  for (auto& st : results)
    if (!st.ok()) return st;
  return Status::OK();
}

ThreadPool* ThreadPool::Default() {
  static ThreadPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return &pool;
}

}  // namespace delta
