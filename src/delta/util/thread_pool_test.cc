#include "delta/util/thread_pool.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta {
namespace {

TEST(ThreadPoolTest, ParallelForVisitsEveryIndexOnce) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.num_threads(), 3);
  std::vector<std::atomic<int>> hits(1000);
  ASSERT_OK(pool.ParallelFor(1000, [&](int64_t i) {
    hits[static_cast<size_t>(i)].fetch_add(1);
    return Status::OK();
  }));
  for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), 1) << i;
}

TEST(ThreadPoolTest, ParallelForEdgeCases) {
  ThreadPool pool(0);  // clamped to one worker
  EXPECT_EQ(pool.num_threads(), 1);
  int calls = 0;
  ASSERT_OK(pool.ParallelFor(0, [&](int64_t) {
    ++calls;
    return Status::OK();
  }));
  EXPECT_EQ(calls, 0);
  ASSERT_OK(pool.ParallelFor(1, [&](int64_t i) {
    calls += static_cast<int>(i) + 1;
    return Status::OK();
  }));
  EXPECT_EQ(calls, 1);
  std::atomic<int> sum{0};
  ASSERT_OK(pool.ParallelFor(50, [&](int64_t i) {
    sum += static_cast<int>(i);
    return Status::OK();
  }));
  EXPECT_EQ(sum.load(), 49 * 50 / 2);
}

TEST(ThreadPoolTest, ParallelForReturnsFirstErrorByIndex) {
  ThreadPool pool(4);
  std::atomic<int> ran{0};
  Status st = pool.ParallelFor(100, [&](int64_t i) -> Status {
    ++ran;
    if (i == 70) return Status::IOError("seventy");
    if (i == 30) {
      // Finish late so the later index fails first in time; index order must still win.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return Status::CorruptData("thirty");
    }
    return Status::OK();
  });
  EXPECT_TRUE(st.IsCorruptData()) << st.ToString();
  EXPECT_EQ(st.message(), "thirty");
  EXPECT_EQ(ran.load(), 100);  // every task ran; none was lost
}

TEST(ThreadPoolTest, SubmitRunsTasksBeforeDestruction) {
  std::atomic<int> done{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 20; ++i) pool.Submit([&] { ++done; });
  }
  EXPECT_EQ(done.load(), 20);
}

TEST(ThreadPoolTest, DefaultPoolWorksFromManyCallers) {
  ThreadPool* pool = ThreadPool::Default();
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool, ThreadPool::Default());
  std::vector<std::thread> callers;
  std::atomic<int64_t> total{0};
  for (int t = 0; t < 3; ++t) {
    callers.emplace_back([&] {
      EXPECT_OK(pool->ParallelFor(20, [&](int64_t i) {
        total += i;
        return Status::OK();
      }));
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(total.load(), 3 * 190);
}

}  // namespace
}  // namespace delta
