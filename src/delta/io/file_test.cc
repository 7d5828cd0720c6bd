#include "delta/io/file.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::io {
namespace {

// A fresh directory per test, removed afterwards.
class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("deltacpp_io_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(FileTest, WriteThenReadLocalFile) {
  const std::string path = Path("data.bin");
  ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
  EXPECT_EQ(out->path(), path);
  ASSERT_OK(out->Write("hello "));
  std::string big(3 << 20, 'z');  // larger than the output buffer: written through
  big[0] = 'A';
  big.back() = 'Z';
  ASSERT_OK(out->Write(big));
  ASSERT_OK(out->Write(std::string_view("!")));
  EXPECT_EQ(out->Tell(), static_cast<int64_t>(6 + big.size() + 1));
  ASSERT_OK(out->Close());
  ASSERT_OK(out->Close());  // idempotent
  auto st = out->Write("late");
  ASSERT_TRUE(st.IsIOError());
  EXPECT_NE(st.message().find(path), std::string::npos);

  ASSERT_OK_AND_ASSIGN(auto in, OpenLocalFile(path));
  EXPECT_EQ(in->size(), static_cast<int64_t>(6 + big.size() + 1));
  EXPECT_EQ(in->path(), path);
  uint8_t head[7];
  ASSERT_OK(in->ReadAt(0, 7, head));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(head), 7), "hello A");
  ASSERT_OK_AND_ASSIGN(auto tail, in->ReadBufferAt(in->size() - 2, 2));
  EXPECT_EQ(tail->view(), "Z!");
  ASSERT_OK_AND_ASSIGN(auto whole, ReadWholeFile(path));
  EXPECT_EQ(whole->size(), in->size());
  EXPECT_EQ(whole->view().substr(0, 7), "hello A");
  ASSERT_OK_AND_ASSIGN(auto empty, in->ReadBufferAt(in->size(), 0));
  EXPECT_EQ(empty->size(), 0);
}

TEST_F(FileTest, ReadingBeyondTheEndNamesThePath) {
  const std::string path = Path("short.bin");
  {
    ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
    ASSERT_OK(out->Write("0123456789"));
    ASSERT_OK(out->Close());
  }
  ASSERT_OK_AND_ASSIGN(auto in, OpenLocalFile(path));
  uint8_t buf[16];
  for (auto [off, n] : {std::pair<int64_t, int64_t>{5, 6}, {11, 0}, {-1, 2}, {0, -1}, {0, 11}}) {
    auto st = in->ReadAt(off, n, buf);
    ASSERT_TRUE(st.IsIOError()) << off << "+" << n << ": " << st.ToString();
    EXPECT_NE(st.message().find(path), std::string::npos) << st.message();
    auto r = in->ReadBufferAt(off, n);
    ASSERT_RAISES(IOError, r);
    EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
  }
  ASSERT_OK(in->ReadAt(4, 6, buf));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 6), "456789");
}

TEST_F(FileTest, OpenErrorsNameThePath) {
  const std::string missing = Path("nope.parquet");
  auto r = OpenLocalFile(missing);
  ASSERT_RAISES(NotFound, r);
  EXPECT_NE(r.status().message().find(missing), std::string::npos);
  auto whole = ReadWholeFile(missing);
  ASSERT_RAISES(NotFound, whole);
  auto dir = OpenLocalFile(dir_.string());
  ASSERT_FALSE(dir.ok());
  EXPECT_NE(dir.status().message().find(dir_.string()), std::string::npos);
  const std::string bad_out = Path("no_such_dir/out.bin");
  auto out = OpenLocalOutput(bad_out);
  ASSERT_RAISES(IOError, out);
  EXPECT_NE(out.status().message().find(bad_out), std::string::npos);
}

TEST_F(FileTest, ConcurrentReadAt) {
  const std::string path = Path("conc.bin");
  std::string data(1 << 16, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  {
    ASSERT_OK_AND_ASSIGN(auto out, OpenLocalOutput(path));
    ASSERT_OK(out->Write(data));
    ASSERT_OK(out->Close());
  }
  ASSERT_OK_AND_ASSIGN(auto in, OpenLocalFile(path));
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      uint8_t buf[512];
      for (int k = 0; k < 100; ++k) {
        const int64_t off = (t * 7919 + k * 613) % (static_cast<int64_t>(data.size()) - 512);
        if (!in->ReadAt(off, 512, buf).ok() || std::memcmp(buf, data.data() + off, 512) != 0) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(BufferFileTest, ZeroCopyReadsAndBounds) {
  ASSERT_OK_AND_ASSIGN(auto bytes, columnar::Buffer::CopyOf("abcdefgh"));
  auto f = MakeBufferFile(bytes, "mem.parquet");
  EXPECT_EQ(f->size(), 8);
  EXPECT_EQ(f->path(), "mem.parquet");
  ASSERT_OK_AND_ASSIGN(auto slice, f->ReadBufferAt(2, 3));
  EXPECT_EQ(slice->view(), "cde");
  EXPECT_EQ(slice->data(), bytes->data() + 2);  // a view, not a copy
  uint8_t buf[4];
  ASSERT_OK(f->ReadAt(4, 4, buf));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 4), "efgh");
  auto st = f->ReadAt(6, 3, buf);
  ASSERT_TRUE(st.IsIOError());
  EXPECT_NE(st.message().find("mem.parquet"), std::string::npos);
  ASSERT_RAISES(IOError, f->ReadBufferAt(9, 0));
  ASSERT_RAISES(IOError, f->ReadBufferAt(-1, 1));
  EXPECT_EQ(MakeBufferFile(bytes)->path(), "<memory>");
}

TEST(BufferOutputStreamTest, CollectsBytes) {
  BufferOutputStream out("sink");
  EXPECT_EQ(out.path(), "sink");
  // Through the base class: BufferOutputStream's own Write(const void*, int64_t) hides the
  // string_view convenience overload.
  OutputStream& os = out;
  ASSERT_OK(os.Write("PAR1"));
  std::string many(1000, 'x');
  ASSERT_OK(os.Write(many));
  EXPECT_EQ(out.Tell(), 1004);
  ASSERT_OK(out.Close());
  ASSERT_OK_AND_ASSIGN(auto buf, out.TakeBuffer());
  EXPECT_EQ(buf->size(), 1004);
  EXPECT_EQ(buf->view().substr(0, 5), "PAR1x");
  EXPECT_EQ(buf->view().back(), 'x');
}

}  // namespace
}  // namespace delta::io
