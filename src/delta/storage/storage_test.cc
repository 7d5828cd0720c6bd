#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "delta/storage/local_store.h"
#include "delta/storage/memory_store.h"
#include "delta/storage/object_store.h"
#include "delta/storage/path.h"
#include "delta/storage/uri.h"
#include "support/matchers.h"

namespace delta::storage {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<std::string> Keys(const std::vector<ObjectMeta>& metas) {
  std::vector<std::string> out;
  for (const auto& m : metas) out.push_back(m.key);
  return out;
}

// A fresh temp directory (removed at the end) or a fresh memory store; `root` is the key under
// which each test works.
class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "local") {
      char tmpl[] = "/tmp/delta-storage-test-XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      dir_ = tmpl;
      ASSERT_OK_AND_ASSIGN(Location loc, ResolveUri(dir_));
      store_ = loc.store;
      root_ = loc.key;
    } else {
      store_ = MakeMemoryStore();
      root_ = "t";
    }
  }
  void TearDown() override {
    if (!dir_.empty()) ASSERT_EQ(std::system(("rm -rf '" + dir_ + "'").c_str()), 0);
  }
  std::string K(std::string_view rel) const { return root_ + "/" + std::string(rel); }

  std::string dir_;
  std::shared_ptr<ObjectStore> store_;
  std::string root_;
};

TEST_P(StoreContractTest, PutGetHeadDelete) {
  ASSERT_OK(store_->Put(K("a/b/c.json"), Bytes("hello")));
  ASSERT_OK_AND_ASSIGN(auto buf, store_->Get(K("a/b/c.json")));
  EXPECT_EQ(buf->view(), "hello");
  ASSERT_OK_AND_ASSIGN(auto meta, store_->Head(K("a/b/c.json")));
  EXPECT_EQ(meta.key, K("a/b/c.json"));
  EXPECT_EQ(meta.size, 5);
  EXPECT_GT(meta.last_modified_ms, 1600000000000LL);
  ASSERT_OK(store_->Put(K("a/b/c.json"), Bytes("overwritten")));
  ASSERT_OK_AND_ASSIGN(buf, store_->Get(K("a/b/c.json")));
  EXPECT_EQ(buf->view(), "overwritten");
  ASSERT_OK(store_->Delete(K("a/b/c.json")));
  ASSERT_OK(store_->Delete(K("a/b/c.json")));  // idempotent
  auto missing = store_->Get(K("a/b/c.json"));
  ASSERT_RAISES(NotFound, missing);
  EXPECT_NE(missing.status().message().find("a/b/c.json"), std::string::npos) << missing.status().ToString();
  ASSERT_RAISES(NotFound, store_->Head(K("a/b/c.json")));
  ASSERT_RAISES(NotFound, store_->OpenRead(K("nope")));
  ASSERT_RAISES(NotFound, store_->Head(K("a")));  // directories are not objects (local) / absent (memory)
}

TEST_P(StoreContractTest, GetRange) {
  ASSERT_OK(store_->Put(K("f.bin"), Bytes("0123456789")));
  ASSERT_OK_AND_ASSIGN(auto buf, store_->GetRange(K("f.bin"), 3, 4));
  EXPECT_EQ(buf->view(), "3456");
  ASSERT_OK_AND_ASSIGN(buf, store_->GetRange(K("f.bin"), 10, 0));
  EXPECT_EQ(buf->size(), 0);
  ASSERT_RAISES(InvalidArgument, store_->GetRange(K("f.bin"), 8, 3));
  ASSERT_RAISES(InvalidArgument, store_->GetRange(K("f.bin"), -1, 3));
  ASSERT_RAISES(NotFound, store_->GetRange(K("g.bin"), 0, 1));
}

TEST_P(StoreContractTest, PutIfAbsentNeverOverwrites) {
  ASSERT_OK(store_->PutIfAbsent(K("_delta_log/00000000000000000000.json"), Bytes("first")));
  auto again = store_->PutIfAbsent(K("_delta_log/00000000000000000000.json"), Bytes("second"));
  ASSERT_RAISES(AlreadyExists, again);
  ASSERT_OK_AND_ASSIGN(auto buf, store_->Get(K("_delta_log/00000000000000000000.json")));
  EXPECT_EQ(buf->view(), "first");
  // No temporary files are left behind and listed.
  ASSERT_OK_AND_ASSIGN(auto list, store_->List(K("_delta_log/")));
  EXPECT_EQ(Keys(list), std::vector<std::string>{K("_delta_log/00000000000000000000.json")});
}

TEST_P(StoreContractTest, PutIfAbsentRaceHasOneWinner) {
  for (int round = 0; round < 20; ++round) {
    std::string key = K("_delta_log/" + std::to_string(round) + ".json");
    std::atomic<int> wins{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        std::string body = "writer" + std::to_string(t);
        Status st = store_->PutIfAbsent(key, Bytes(body));
        if (st.ok()) ++wins;
        else if (st.IsAlreadyExists()) ++conflicts;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(conflicts.load(), 1);
    ASSERT_OK_AND_ASSIGN(auto buf, store_->Get(key));
    EXPECT_TRUE(buf->view() == "writer0" || buf->view() == "writer1") << buf->view();
  }
}

TEST_P(StoreContractTest, ListIsRecursiveSortedAndFiltered) {
  for (const char* k : {"_delta_log/00000000000000000001.json", "_delta_log/00000000000000000000.json",
                        "_delta_log/00000000000000000002.checkpoint.parquet", "_delta_log/_last_checkpoint",
                        "part-0.parquet", "p=1/part-1.parquet", "p=1/sub/part-2.parquet", "a-b"}) {
    ASSERT_OK(store_->Put(K(k), Bytes(k)));
  }
  ASSERT_OK_AND_ASSIGN(auto all, store_->List(root_ + "/"));
  // Bytewise order over full keys: '-' (0x2d) < '/' (0x2f) < '=' (0x3d) < '_' (0x5f) < 'p'.
  EXPECT_EQ(Keys(all), (std::vector<std::string>{
                           K("_delta_log/00000000000000000000.json"), K("_delta_log/00000000000000000001.json"),
                           K("_delta_log/00000000000000000002.checkpoint.parquet"), K("_delta_log/_last_checkpoint"),
                           K("a-b"), K("p=1/part-1.parquet"), K("p=1/sub/part-2.parquet"), K("part-0.parquet")}));
  EXPECT_EQ(all[0].size, static_cast<int64_t>(std::string("_delta_log/00000000000000000000.json").size()));

  ASSERT_OK_AND_ASSIGN(auto log, store_->List(K("_delta_log/0000"), K("_delta_log/00000000000000000000.json")));
  EXPECT_EQ(Keys(log), (std::vector<std::string>{K("_delta_log/00000000000000000001.json"),
                                                  K("_delta_log/00000000000000000002.checkpoint.parquet")}));
  // A string prefix that is not a directory.
  ASSERT_OK_AND_ASSIGN(auto p, store_->List(K("p")));
  EXPECT_EQ(Keys(p), (std::vector<std::string>{K("p=1/part-1.parquet"), K("p=1/sub/part-2.parquet"),
                                                K("part-0.parquet")}));
  // start_after past a whole subtree.
  ASSERT_OK_AND_ASSIGN(auto after, store_->List(root_ + "/", K("p=1/zzz")));
  EXPECT_EQ(Keys(after), std::vector<std::string>{K("part-0.parquet")});
  ASSERT_OK_AND_ASSIGN(auto none, store_->List(K("missing/dir/")));
  EXPECT_TRUE(none.empty());
}

TEST_P(StoreContractTest, OpenReadAndOpenWrite) {
  ASSERT_OK_AND_ASSIGN(auto out, store_->OpenWrite(K("data/x.parquet")));
  ASSERT_OK(out->Write("abc"));
  ASSERT_OK(out->Write("defg"));
  EXPECT_EQ(out->Tell(), 7);
  // Not visible before Close.
  ASSERT_RAISES(NotFound, store_->Head(K("data/x.parquet")));
  ASSERT_OK(out->Close());
  ASSERT_OK_AND_ASSIGN(auto in, store_->OpenRead(K("data/x.parquet")));
  EXPECT_EQ(in->size(), 7);
  uint8_t buf[3];
  ASSERT_OK(in->ReadAt(2, 3, buf));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 3), "cde");

  // A stream destroyed without Close leaves nothing behind.
  {
    ASSERT_OK_AND_ASSIGN(auto abandoned, store_->OpenWrite(K("data/y.parquet")));
    ASSERT_OK(abandoned->Write("zz"));
  }
  ASSERT_RAISES(NotFound, store_->Head(K("data/y.parquet")));
  ASSERT_OK_AND_ASSIGN(auto list, store_->List(K("data/")));
  EXPECT_EQ(Keys(list), std::vector<std::string>{K("data/x.parquet")});
}

// Local store: the buffered write stream keeps bytes in order across its buffer boundary and
// writes larger than the buffer; data files whose sync was deferred to the commit may be deleted
// (aborted writes) or written from many threads while commits run.
TEST(LocalStoreDurability, DeferredSyncsAndBufferedStream) {
  char tmpl[] = "/tmp/delta-storage-sync-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  auto store = LocalStore();
  const std::string root = dir.substr(1) + "/t";
  std::string expect;
  {
    ASSERT_OK_AND_ASSIGN(auto out, store->OpenWrite(root + "/p=1/big.parquet"));
    for (int i = 0; i < 40; ++i) {
      std::string piece(static_cast<size_t>(1000 + i * 97'003), static_cast<char>('a' + i % 26));
      ASSERT_OK(out->Write(piece));
      expect += piece;
    }
    EXPECT_EQ(out->Tell(), static_cast<int64_t>(expect.size()));
    ASSERT_OK(out->Close());
  }
  ASSERT_OK_AND_ASSIGN(auto got, store->Get(root + "/p=1/big.parquet"));
  ASSERT_EQ(got->size(), static_cast<int64_t>(expect.size()));
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(got->data()), expect.size()), expect);

  // A data file deleted before the commit does not fail the commit's sync.
  ASSERT_OK_AND_ASSIGN(auto gone, store->OpenWrite(root + "/p=2/gone.parquet"));
  ASSERT_OK(gone->Write("x"));
  ASSERT_OK(gone->Close());
  ASSERT_EQ(::unlink(("/" + root + "/p=2/gone.parquet").c_str()), 0);
  ASSERT_OK(store->PutIfAbsent(root + "/_delta_log/00000000000000000000.json", Bytes("{}")));

  // Writers in threads, each writing files then committing its own version.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto out = store->OpenWrite(root + "/p=" + std::to_string(t) + "/f" + std::to_string(i) + ".parquet");
        if (!out.ok() || !(*out)->Write("data").ok() || !(*out)->Close().ok()) ++failures;
        char name[64];
        std::snprintf(name, sizeof(name), "/_delta_log/%020d.json", 1 + t * 5 + i);
        if (!store->PutIfAbsent(root + name, Bytes("{}")).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_OK_AND_ASSIGN(auto log, store->List(root + "/_delta_log/"));
  EXPECT_EQ(log.size(), 41u);
  ASSERT_OK(SyncLocalWrites(root));
  ASSERT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

TEST_P(StoreContractTest, RejectsMalformedKeys) {
  ASSERT_RAISES(InvalidArgument, store_->Put(K("../escape"), Bytes("x")));
  ASSERT_RAISES(InvalidArgument, store_->Put("/abs", Bytes("x")));
  ASSERT_RAISES(InvalidArgument, store_->Get(K("a//b")));
  ASSERT_RAISES(InvalidArgument, store_->Get(""));
}

TEST_P(StoreContractTest, BaseUriResolvesBack) {
  ASSERT_OK(store_->Put(K("z.txt"), Bytes("zz")));
  ASSERT_OK_AND_ASSIGN(Location loc, ResolveUri(store_->base_uri() + K("z.txt")));
  EXPECT_EQ(loc.store, store_);
  EXPECT_EQ(loc.key, K("z.txt"));
  EXPECT_EQ(loc.uri(), store_->base_uri() + K("z.txt"));
}

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest, ::testing::Values("local", "memory"),
                         [](const auto& info) { return info.param; });

TEST(PercentDecode, DecodesEscapesOnly) {
  ASSERT_OK_AND_ASSIGN(auto s, PercentDecode("a%20b%2Fc%25d+e%3a"));
  EXPECT_EQ(s, "a b/c%d+e:");
  ASSERT_OK_AND_ASSIGN(s, PercentDecode(""));
  EXPECT_EQ(s, "");
  ASSERT_OK_AND_ASSIGN(s, PercentDecode("%C3%A9"));
  EXPECT_EQ(s, "\xC3\xA9");
  ASSERT_RAISES(InvalidArgument, PercentDecode("abc%"));
  ASSERT_RAISES(InvalidArgument, PercentDecode("abc%4"));
  auto bad = PercentDecode("x%zzy");
  ASSERT_RAISES(InvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("position 1"), std::string::npos) << bad.status().ToString();
}

TEST(IsAbsoluteUri, SchemesAndSlashes) {
  EXPECT_TRUE(IsAbsoluteUri("s3://bucket/x"));
  EXPECT_TRUE(IsAbsoluteUri("file:/tmp/x"));
  EXPECT_TRUE(IsAbsoluteUri("abfss://c@a.dfs.core.windows.net/x"));
  EXPECT_TRUE(IsAbsoluteUri("/tmp/x"));
  EXPECT_FALSE(IsAbsoluteUri("part-0.parquet"));
  EXPECT_FALSE(IsAbsoluteUri("p=a:b/x.parquet"));  // '=' cannot appear in a scheme
  EXPECT_FALSE(IsAbsoluteUri("1abc:x"));
  EXPECT_FALSE(IsAbsoluteUri(""));
  EXPECT_EQ(UriScheme("S3A://b/k"), "s3a");
  EXPECT_EQ(UriScheme("x/y"), "");
}

TEST(JoinRelativeKey, NormalisesAndRefusesEscapes) {
  ASSERT_OK_AND_ASSIGN(auto k, JoinRelativeKey("tmp/t", "part-0.parquet"));
  EXPECT_EQ(k, "tmp/t/part-0.parquet");
  ASSERT_OK_AND_ASSIGN(k, JoinRelativeKey("tmp/t", "./a/../b/./c.parquet"));
  EXPECT_EQ(k, "tmp/t/b/c.parquet");
  ASSERT_OK_AND_ASSIGN(k, JoinRelativeKey("", "a/b"));
  EXPECT_EQ(k, "a/b");
  ASSERT_RAISES(InvalidArgument, JoinRelativeKey("tmp/t", "../x"));
  auto esc = JoinRelativeKey("tmp/t", "a/../../x");
  ASSERT_RAISES(InvalidArgument, esc);
  EXPECT_NE(esc.status().message().find("a/../../x"), std::string::npos);
  ASSERT_RAISES(InvalidArgument, JoinRelativeKey("tmp/t", ""));
  ASSERT_RAISES(InvalidArgument, JoinRelativeKey("tmp/t", "."));
  ASSERT_RAISES(InvalidArgument, JoinRelativeKey("tmp/t", "/etc/passwd"));
}

TEST(ResolveUri, FileUrisAndPlainPaths) {
  ASSERT_OK_AND_ASSIGN(auto a, ResolveUri("/tmp/some/../table/"));
  EXPECT_EQ(a.store, LocalStore());
  EXPECT_EQ(a.key, "tmp/table");
  ASSERT_OK_AND_ASSIGN(auto b, ResolveUri("file:///tmp/my%20table"));
  EXPECT_EQ(b.key, "tmp/my table");
  EXPECT_EQ(b.store, LocalStore());
  ASSERT_OK_AND_ASSIGN(auto c, ResolveUri("file:/tmp/x"));
  EXPECT_EQ(c.key, "tmp/x");
  ASSERT_OK_AND_ASSIGN(auto d, ResolveUri("FILE://localhost/tmp/y"));
  EXPECT_EQ(d.key, "tmp/y");
  // Plain paths are literal: '%' is a file name byte.
  ASSERT_OK_AND_ASSIGN(auto e, ResolveUri("/tmp/a%20b"));
  EXPECT_EQ(e.key, "tmp/a%20b");
  ASSERT_OK_AND_ASSIGN(auto root, ResolveUri("file:///"));
  EXPECT_EQ(root.key, "");

  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_OK_AND_ASSIGN(auto rel, ResolveUri("rel/./dir/../t"));
  EXPECT_EQ(rel.key, NormalizeKeyPath(std::string(cwd) + "/rel/t"));

  ASSERT_RAISES(InvalidArgument, ResolveUri("file://otherhost/tmp/x"));
  ASSERT_RAISES(InvalidArgument, ResolveUri("file:///tmp/%zz"));
  ASSERT_RAISES(InvalidArgument, ResolveUri(""));
  auto s3 = ResolveUri("s3://bucket/table");
  ASSERT_RAISES(Unsupported, s3);
  EXPECT_NE(s3.status().message().find("'s3'"), std::string::npos) << s3.status().ToString();
}

TEST(ResolveUri, MemoryStoresAreNamedAndShared) {
  ASSERT_OK_AND_ASSIGN(auto a, ResolveUri("memory://shared-test/t1/"));
  ASSERT_OK_AND_ASSIGN(auto b, ResolveUri("memory://shared-test/t2"));
  ASSERT_OK_AND_ASSIGN(auto c, ResolveUri("memory://other-test/t1"));
  EXPECT_EQ(a.store, b.store);
  EXPECT_NE(a.store, c.store);
  EXPECT_EQ(a.key, "t1");
  EXPECT_EQ(a.store->base_uri(), "memory://shared-test/");
  ASSERT_OK(a.store->Put("t1/x", Bytes("1")));
  ASSERT_OK_AND_ASSIGN(auto again, ResolveUri("memory://shared-test/t1/x"));
  ASSERT_OK_AND_ASSIGN(auto buf, again.store->Get(again.key));
  EXPECT_EQ(buf->view(), "1");
}

TEST(ResolveUri, RegisteredFactory) {
  auto mem = MakeMemoryStore();
  RegisterStoreFactory("Fake", [mem](std::string_view uri, const StorageOptions& opts) -> Result<Location> {
    if (opts.count("region") == 0) return Status::InvalidArgument("no region");
    return Location{mem, std::string(uri.substr(std::string_view("fake://").size()))};
  });
  ASSERT_OK_AND_ASSIGN(auto loc, ResolveUri("fake://b/k", {{"region", "x"}}));
  EXPECT_EQ(loc.store, mem);
  EXPECT_EQ(loc.key, "b/k");
  ASSERT_RAISES(InvalidArgument, ResolveUri("fake://b/k"));
}

TEST(ResolveDataFile, RelativeAbsoluteAndEncoded) {
  ASSERT_OK_AND_ASSIGN(auto root, ResolveUri("/data/tables/t"));
  ASSERT_OK_AND_ASSIGN(auto a, ResolveDataFile(root, "part%3D1/x%20y%2520.parquet"));
  EXPECT_EQ(a.key, "data/tables/t/part=1/x y%20.parquet");  // decoded once only
  EXPECT_EQ(a.store, root.store);
  ASSERT_OK_AND_ASSIGN(auto b, ResolveDataFile(root, "file:///other/place/f%25.parquet"));
  EXPECT_EQ(b.key, "other/place/f%.parquet");
  ASSERT_OK_AND_ASSIGN(auto c, ResolveDataFile(root, "/abs/f.parquet"));
  EXPECT_EQ(c.key, "abs/f.parquet");
  ASSERT_RAISES(InvalidArgument, ResolveDataFile(root, "..%2F..%2Fetc%2Fpasswd"));
  ASSERT_RAISES(InvalidArgument, ResolveDataFile(root, "a%2"));
  ASSERT_RAISES(Unsupported, ResolveDataFile(root, "s3://bucket/f.parquet"));

  auto mem = MakeMemoryStore();
  Location mroot{mem, "tbl"};
  ASSERT_OK_AND_ASSIGN(auto m, ResolveDataFile(mroot, "d/f.parquet"));
  EXPECT_EQ(m.store, mem);
  EXPECT_EQ(m.key, "tbl/d/f.parquet");
}

TEST(ResolveDataFile, SharedTableWithSpecialCharacters) {
  std::string dir = testing::SharedTablesDir();
  if (dir.empty()) GTEST_SKIP() << "shared tables absent";
  ASSERT_OK_AND_ASSIGN(auto root, ResolveUri(dir + "/delta-spark/table-with-dv-special-char"));
  ASSERT_OK_AND_ASSIGN(auto files, root.store->List(root.key + "/"));
  bool found = false;
  for (const auto& f : files) {
    if (f.key.find("folder&with%special char/") != std::string::npos) found = true;
  }
  if (files.empty()) GTEST_SKIP() << "table absent";
  EXPECT_TRUE(found);
  // The log stores that directory percent-encoded.
  ASSERT_OK_AND_ASSIGN(auto loc, ResolveDataFile(root, "folder%26with%25special%20char/x.parquet"));
  EXPECT_EQ(loc.key, root.key + "/folder&with%special char/x.parquet");
}

}  // namespace
}  // namespace delta::storage
