// The ObjectStore contract of the S3 store against a real S3 server (moto_server started by
// tests/s3/run.sh; its URL in DELTA_S3_TEST_ENDPOINT). The server is reset before every test.
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "delta/io/read_hints.h"
#include "delta/s3/dynamodb_coordinator.h"
#include "delta/s3/http_client.h"
#include "delta/s3/s3_store.h"
#include "delta/storage/uri.h"
#include "support/matchers.h"

namespace delta::s3 {
namespace {

constexpr const char* kSecret = "test-secret-Zq9";

std::string Endpoint() {
  const char* e = std::getenv("DELTA_S3_TEST_ENDPOINT");
  return e ? e : "";
}

storage::StorageOptions BaseOptions(const std::string& endpoint) {
  return {{"AWS_ENDPOINT_URL", endpoint},
          {"AWS_ALLOW_HTTP", "true"},
          {"AWS_ACCESS_KEY_ID", "test"},
          {"AWS_SECRET_ACCESS_KEY", kSecret},
          {"AWS_REGION", "us-east-1"},
          {"DELTA_S3_BACKOFF_BASE_MS", "10"}};
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoint_ = Endpoint();
    if (endpoint_.empty()) GTEST_SKIP() << "DELTA_S3_TEST_ENDPOINT not set (run tests/s3/run.sh)";
    HttpClient http(HttpOptions{});
    HttpRequest req;
    req.method = "POST";
    req.url = endpoint_ + "/moto-api/reset";
    TransportFailure f;
    auto r = http.Send(req, &f);
    ASSERT_TRUE(r.ok() && r->status == 200) << "cannot reset moto at " << endpoint_;
    store_ = MakeStore({});
    ASSERT_OK(store_->CreateBucket());
  }

  std::shared_ptr<S3Store> MakeStore(const storage::StorageOptions& extra, std::string bucket = "bucket") {
    storage::StorageOptions o = BaseOptions(endpoint_);
    for (const auto& [k, v] : extra) o[k] = v;
    auto c = LoadS3Config(std::move(bucket), o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return MakeS3Store(*c);
  }

  std::string endpoint_;
  std::shared_ptr<S3Store> store_;
};

TEST_F(S3StoreTest, PutGetHeadDelete) {
  ASSERT_OK(store_->Put("t/a.json", Bytes("hello")));
  ASSERT_OK_AND_ASSIGN(auto buf, store_->Get("t/a.json"));
  EXPECT_EQ(buf->view(), "hello");
  ASSERT_OK_AND_ASSIGN(auto meta, store_->Head("t/a.json"));
  EXPECT_EQ(meta.size, 5);
  EXPECT_EQ(meta.key, "t/a.json");
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LT(std::abs(meta.last_modified_ms - now_ms), 120000);
  ASSERT_OK(store_->Put("t/a.json", Bytes("replaced")));
  ASSERT_OK_AND_ASSIGN(buf, store_->Get("t/a.json"));
  EXPECT_EQ(buf->view(), "replaced");
  ASSERT_OK(store_->Put("t/empty", Bytes("")));
  ASSERT_OK_AND_ASSIGN(buf, store_->Get("t/empty"));
  EXPECT_EQ(buf->size(), 0);
  ASSERT_OK(store_->Delete("t/a.json"));
  ASSERT_OK(store_->Delete("t/a.json"));  // idempotent
  auto missing = store_->Get("t/a.json");
  ASSERT_RAISES(NotFound, missing);
  EXPECT_NE(missing.status().message().find("s3://bucket/t/a.json"), std::string::npos);
  ASSERT_RAISES(NotFound, store_->Head("t/a.json"));
  ASSERT_RAISES(NotFound, store_->OpenRead("t/a.json"));
  ASSERT_RAISES(InvalidArgument, store_->Get("/bad//key"));
  ASSERT_RAISES(InvalidArgument, store_->Put("a/../b", Bytes("x")));
}

TEST_F(S3StoreTest, KeysWithOddCharacters) {
  std::vector<std::string> keys = {"t/a b", "t/a+b", "t/100%", "t/\xC3\xA9t\xC3\xA9=1", "t/q?x&y#z", "t/~tilde*",
                                   "t/p=a b/part-0.parquet"};
  for (const auto& k : keys) ASSERT_OK(store_->Put(k, Bytes(k)));
  for (const auto& k : keys) {
    ASSERT_OK_AND_ASSIGN(auto buf, store_->Get(k));
    EXPECT_EQ(buf->view(), k);
  }
  ASSERT_OK_AND_ASSIGN(auto list, store_->List("t/"));
  std::vector<std::string> got;
  for (const auto& m : list) got.push_back(m.key);
  std::vector<std::string> want = keys;
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST_F(S3StoreTest, ListIsSortedWithPrefixStartAfterAndPages) {
  auto paged = MakeStore({{"DELTA_S3_LIST_PAGE_SIZE", "3"}});
  std::vector<std::string> keys;
  for (int i = 9; i >= 0; --i) keys.push_back(fmt::format("t/_delta_log/{:020}.json", i));
  keys.push_back("t/_delta_log/00000000000000000005.checkpoint.parquet");
  keys.push_back("t/part-0.parquet");
  keys.push_back("u/other");
  keys.push_back("t/dir/");  // a directory marker: not an object
  for (const auto& k : keys) {
    std::string_view key = k;
    if (key.back() == '/') {
      // Markers can only be made with a raw PUT; the store's key validation refuses them.
      continue;
    }
    ASSERT_OK(store_->Put(k, Bytes("x")));
  }
  ASSERT_OK_AND_ASSIGN(auto all, paged->List("t/_delta_log/"));
  ASSERT_EQ(all.size(), 11u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].key, all[i].key);
  EXPECT_EQ(all.front().key, "t/_delta_log/00000000000000000000.json");
  ASSERT_OK_AND_ASSIGN(auto after, paged->List("t/_delta_log/", "t/_delta_log/00000000000000000005.checkpoint.parquet"));
  ASSERT_EQ(after.size(), 5u);
  EXPECT_EQ(after.front().key, "t/_delta_log/00000000000000000005.json");
  EXPECT_EQ(after.back().key, "t/_delta_log/00000000000000000009.json");
  ASSERT_OK_AND_ASSIGN(auto partial, paged->List("t/_delta_log/0000000000000000000"));
  EXPECT_EQ(partial.size(), 11u);
  ASSERT_OK_AND_ASSIGN(auto none, paged->List("nothing/"));
  EXPECT_TRUE(none.empty());
  ASSERT_OK_AND_ASSIGN(auto root, store_->List(""));
  EXPECT_EQ(root.size(), 13u);
  EXPECT_GE(paged->http().requests("GET"), 4 + 2 + 4);
}

TEST_F(S3StoreTest, Ranges) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<char>('a' + i % 26));
  ASSERT_OK(store_->Put("r", Bytes(data)));
  ASSERT_OK_AND_ASSIGN(auto b, store_->GetRange("r", 10, 20));
  EXPECT_EQ(b->view(), data.substr(10, 20));
  ASSERT_OK_AND_ASSIGN(b, store_->GetRange("r", 990, 10));
  EXPECT_EQ(b->view(), data.substr(990));
  ASSERT_OK_AND_ASSIGN(b, store_->GetRange("r", 1000, 0));
  EXPECT_EQ(b->size(), 0);
  ASSERT_RAISES(InvalidArgument, store_->GetRange("r", 995, 10));
  ASSERT_RAISES(InvalidArgument, store_->GetRange("r", 1000, 1));
  ASSERT_RAISES(InvalidArgument, store_->GetRange("r", 2000, 1));
  ASSERT_RAISES(InvalidArgument, store_->GetRange("r", -1, 1));
  ASSERT_RAISES(NotFound, store_->GetRange("missing", 0, 1));
}

TEST_F(S3StoreTest, OpenReadServesTheTailFromOneRequest) {
  auto small_tail = MakeStore({{"DELTA_S3_TAIL_READ_BYTES", "100"}});
  std::string data;
  for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>(i * 7));
  ASSERT_OK(store_->Put("f.parquet", Bytes(data)));
  int64_t before = small_tail->http().total_requests();
  ASSERT_OK_AND_ASSIGN(auto f, small_tail->OpenRead("f.parquet"));
  EXPECT_EQ(f->size(), 5000);
  EXPECT_EQ(f->path(), "s3://bucket/f.parquet");
  std::string out(50, '\0');
  ASSERT_OK(f->ReadAt(4950, 50, reinterpret_cast<uint8_t*>(out.data())));
  EXPECT_EQ(out, data.substr(4950));
  ASSERT_OK(f->ReadAt(4900, 8, reinterpret_cast<uint8_t*>(out.data())));
  EXPECT_EQ(small_tail->http().total_requests() - before, 1);  // open + tail reads: one GET
  ASSERT_OK_AND_ASSIGN(auto b, f->ReadBufferAt(100, 300));
  EXPECT_EQ(b->view(), data.substr(100, 300));
  EXPECT_EQ(small_tail->http().total_requests() - before, 2);
  ASSERT_RAISES(IOError, f->ReadBufferAt(4990, 20));

  // Objects smaller than the tail read come whole; empty objects work.
  ASSERT_OK(store_->Put("tiny", Bytes("abc")));
  ASSERT_OK_AND_ASSIGN(f, store_->OpenRead("tiny"));
  EXPECT_EQ(f->size(), 3);
  ASSERT_OK_AND_ASSIGN(b, f->ReadBufferAt(1, 2));
  EXPECT_EQ(b->view(), "bc");
  ASSERT_OK(store_->Put("empty", Bytes("")));
  ASSERT_OK_AND_ASSIGN(f, store_->OpenRead("empty"));
  EXPECT_EQ(f->size(), 0);
}

TEST_F(S3StoreTest, ReadAheadHintsCoalesceNearbyRanges) {
  auto store = MakeStore({{"DELTA_S3_TAIL_READ_BYTES", "100"}});
  std::string data;
  for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>(i * 13 + 1));
  ASSERT_OK(store_->Put("g.parquet", Bytes(data)));
  ASSERT_OK_AND_ASSIGN(auto f, store->OpenRead("g.parquet"));
  const auto* hints = dynamic_cast<const io::ReadAheadHints*>(f.get());
  ASSERT_NE(hints, nullptr);
  int64_t before = store->http().total_requests();
  // Three column chunks of one row group, a few bytes apart, and one inside the tail: one GET.
  std::vector<io::ByteRange> ranges = {{400, 300}, {100, 200}, {3000, 100}, {4950, 10}};
  hints->WillNeed(ranges);
  EXPECT_EQ(store->http().total_requests() - before, 1);
  for (const auto& r : ranges) {
    std::string out(static_cast<size_t>(r.length), '\0');
    ASSERT_OK(f->ReadAt(r.offset, r.length, reinterpret_cast<uint8_t*>(out.data())));
    EXPECT_EQ(out, data.substr(static_cast<size_t>(r.offset), static_cast<size_t>(r.length)));
  }
  EXPECT_EQ(store->http().total_requests() - before, 1);
  // Each hinted range is served once; a second read of it (or an unhinted one) fetches again.
  ASSERT_OK_AND_ASSIGN(auto again, f->ReadBufferAt(400, 300));
  EXPECT_EQ(again->view(), data.substr(400, 300));
  EXPECT_EQ(store->http().total_requests() - before, 2);
  // A single range is not worth holding: nothing is fetched ahead.
  std::vector<io::ByteRange> one = {{1000, 50}};
  hints->WillNeed(one);
  EXPECT_EQ(store->http().total_requests() - before, 2);
  // Hints outside the object are ignored, never an error or a request.
  std::vector<io::ByteRange> bad = {{-5, 10}, {4990, 100}, {10, 0}};
  hints->WillNeed(bad);
  EXPECT_EQ(store->http().total_requests() - before, 2);
}

TEST_F(S3StoreTest, PutIfAbsentCreatesOnce) {
  ASSERT_OK(store_->PutIfAbsent("t/_delta_log/00000000000000000000.json", Bytes("first")));
  auto second = store_->PutIfAbsent("t/_delta_log/00000000000000000000.json", Bytes("second"));
  ASSERT_RAISES(AlreadyExists, second);
  ASSERT_OK_AND_ASSIGN(auto buf, store_->Get("t/_delta_log/00000000000000000000.json"));
  EXPECT_EQ(buf->view(), "first");
}

TEST_F(S3StoreTest, PutIfAbsentRaceHasOneWinner) {
  for (int round = 0; round < 3; ++round) {
    std::string key = fmt::format("race/{}.json", round);
    std::atomic<int> wins{0}, conflicts{0}, errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        Status st = store_->PutIfAbsent(key, Bytes(fmt::format("writer {}", t)));
        if (st.ok()) wins++;
        else if (st.IsAlreadyExists()) conflicts++;
        else errors++;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(conflicts.load(), 7);
    EXPECT_EQ(errors.load(), 0);
  }
}

TEST_F(S3StoreTest, StreamingWritesSmallAndMultipart) {
  auto mp = MakeStore({{"DELTA_S3_MULTIPART_PART_SIZE", std::to_string(5 << 20)},
                       {"DELTA_S3_MULTIPART_THRESHOLD", std::to_string(5 << 20)}});
  {
    ASSERT_OK_AND_ASSIGN(auto out, mp->OpenWrite("small"));
    ASSERT_OK(out->Write("abc"));
    ASSERT_OK(out->Write("def"));
    ASSERT_RAISES(NotFound, mp->Head("small"));  // nothing visible before Close
    ASSERT_OK(out->Close());
    ASSERT_OK(out->Close());
    ASSERT_OK_AND_ASSIGN(auto buf, mp->Get("small"));
    EXPECT_EQ(buf->view(), "abcdef");
  }
  std::string chunk(1 << 20, '\0');
  for (size_t i = 0; i < chunk.size(); ++i) chunk[i] = static_cast<char>((i * 131) >> 3);
  {
    ASSERT_OK_AND_ASSIGN(auto out, mp->OpenWrite("big"));
    for (int i = 0; i < 12; ++i) {
      chunk[0] = static_cast<char>(i);
      ASSERT_OK(out->Write(chunk));
    }
    EXPECT_EQ(out->Tell(), 12 << 20);
    ASSERT_RAISES(NotFound, mp->Head("big"));
    int64_t posts_before = mp->http().requests("POST");
    ASSERT_OK(out->Close());
    EXPECT_GE(mp->http().requests("POST") - posts_before, 1);  // CompleteMultipartUpload
  }
  ASSERT_OK_AND_ASSIGN(auto meta, mp->Head("big"));
  EXPECT_EQ(meta.size, 12 << 20);
  for (int i : {0, 5, 11}) {
    ASSERT_OK_AND_ASSIGN(auto part, mp->GetRange("big", static_cast<int64_t>(i) << 20, 1 << 20));
    chunk[0] = static_cast<char>(i);
    EXPECT_TRUE(part->view() == chunk) << "chunk " << i;
  }
  {
    // Abandoned stream: nothing appears.
    ASSERT_OK_AND_ASSIGN(auto out, mp->OpenWrite("abandoned"));
    for (int i = 0; i < 7; ++i) ASSERT_OK(out->Write(chunk));
  }
  ASSERT_RAISES(NotFound, mp->Head("abandoned"));
}

TEST_F(S3StoreTest, DeleteMany) {
  std::vector<std::string> keys;
  for (int i = 0; i < 25; ++i) {
    keys.push_back(fmt::format("d/{} &<{}>", i, i));
    ASSERT_OK(store_->Put(keys.back(), Bytes("x")));
  }
  keys.push_back("d/never-existed");
  ASSERT_OK(store_->Put("keep", Bytes("x")));
  ASSERT_OK(store_->DeleteMany(keys));
  ASSERT_OK_AND_ASSIGN(auto list, store_->List(""));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].key, "keep");
}

TEST_F(S3StoreTest, MissingBucketIsAClearFastError) {
  auto other = MakeStore({}, "no-such-bucket");
  auto start = std::chrono::steady_clock::now();
  auto r = other->List("t/_delta_log/");
  ASSERT_RAISES(NotFound, r);
  EXPECT_NE(r.status().message().find("no-such-bucket"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("does not exist"), std::string::npos) << r.status().ToString();
  auto g = other->Get("k");
  ASSERT_RAISES(NotFound, g);
  EXPECT_EQ(other->http().total_requests(), 2);  // no retries on 404
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(S3StoreTest, UnreachableEndpointFailsAfterBoundedRetries) {
  storage::StorageOptions o = {{"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}, {"DELTA_S3_MAX_ATTEMPTS", "3"}};
  auto dead = MakeStore(o);
  auto start = std::chrono::steady_clock::now();
  auto r = dead->Get("k");
  ASSERT_RAISES(IOError, r);
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(r.status().message().find(kSecret), std::string::npos);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(S3StoreTest, CommitsRefusedWithoutConditionalPutUnlessUnsafeOptIn) {
  auto refuse = MakeStore({{"AWS_CONDITIONAL_PUT", "disabled"}});
  auto st = refuse->PutIfAbsent("t/_delta_log/00000000000000000000.json", Bytes("x"));
  ASSERT_RAISES(Unsupported, st);
  EXPECT_NE(st.message().find("AWS_S3_ALLOW_UNSAFE_RENAME"), std::string::npos);
  ASSERT_RAISES(NotFound, store_->Head("t/_delta_log/00000000000000000000.json"));
  auto unsafe = MakeStore({{"AWS_CONDITIONAL_PUT", "disabled"}, {"AWS_S3_ALLOW_UNSAFE_RENAME", "true"}});
  ASSERT_OK(unsafe->PutIfAbsent("t/_delta_log/00000000000000000000.json", Bytes("x")));
  ASSERT_RAISES(AlreadyExists, unsafe->PutIfAbsent("t/_delta_log/00000000000000000000.json", Bytes("y")));
}

TEST_F(S3StoreTest, UrisResolveToCachedStores) {
  RegisterS3StoreFactories();
  storage::StorageOptions o = BaseOptions(endpoint_);
  ASSERT_OK_AND_ASSIGN(auto a, storage::ResolveUri("s3://bucket/tables/t1", o));
  ASSERT_OK_AND_ASSIGN(auto b, storage::ResolveUri("S3://bucket/tables/t%201/./x/..", o));
  EXPECT_EQ(a.store, b.store);
  EXPECT_EQ(a.key, "tables/t1");
  EXPECT_EQ(b.key, "tables/t 1");
  EXPECT_EQ(a.uri(), "s3://bucket/tables/t1");
  ASSERT_OK_AND_ASSIGN(auto c, storage::ResolveUri("s3a://bucket/x", o));
  EXPECT_EQ(c.store->base_uri(), "s3a://bucket/");
  ASSERT_RAISES(InvalidArgument, storage::ResolveUri("s3:///x", o));
  ASSERT_RAISES(InvalidArgument, storage::ResolveUri("s3://user@host/x", o));
  ASSERT_OK(a.store->Put(a.Child("f").key, Bytes("via uri")));
  ASSERT_OK_AND_ASSIGN(auto buf, store_->Get("tables/t1/f"));
  EXPECT_EQ(buf->view(), "via uri");
}

TEST_F(S3StoreTest, DynamoDbCoordinatorCommitsOnce) {
  auto dyn = MakeStore({{"AWS_CONDITIONAL_PUT", "disabled"}, {"AWS_S3_LOCKING_PROVIDER", "dynamodb"},
                        {"DELTA_DYNAMO_TABLE_NAME", "delta_log_test"}});
  const std::string key = "t/_delta_log/00000000000000000000.json";
  ASSERT_OK(dyn->PutIfAbsent(key, Bytes("v0")));
  auto again = dyn->PutIfAbsent(key, Bytes("other"));
  ASSERT_RAISES(AlreadyExists, again);
  EXPECT_NE(again.message().find("delta_log_test"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto buf, dyn->Get(key));
  EXPECT_EQ(buf->view(), "v0");
  ASSERT_RAISES(InvalidArgument, dyn->PutIfAbsent("t/not-a-commit", Bytes("x")));
  // A race: one winner per version, whatever the interleaving.
  for (int v = 1; v <= 3; ++v) {
    std::string k = fmt::format("t/_delta_log/{:020}.json", v);
    std::atomic<int> wins{0}, conflicts{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
      threads.emplace_back([&, t] {
        Status st = dyn->PutIfAbsent(k, Bytes(fmt::format("v{} by {}", v, t)));
        if (st.ok()) wins++;
        else if (st.IsAlreadyExists()) conflicts++;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(wins.load(), 1);
    EXPECT_EQ(conflicts.load(), 5);
  }
  ASSERT_OK_AND_ASSIGN(auto log, dyn->List("t/_delta_log/0"));
  EXPECT_EQ(log.size(), 4u);
}

// An ObjectStore that loses the final copy of commit files: a writer that dies after DynamoDB
// accepted its entry.
class LoseCommitCopies : public storage::ObjectStore {
 public:
  explicit LoseCommitCopies(std::shared_ptr<storage::ObjectStore> s) : s_(std::move(s)) {}
  Result<std::vector<storage::ObjectMeta>> List(std::string_view p, std::string_view a) override { return s_->List(p, a); }
  Result<columnar::BufferPtr> Get(std::string_view k) override { return s_->Get(k); }
  Result<columnar::BufferPtr> GetRange(std::string_view k, int64_t o, int64_t n) override { return s_->GetRange(k, o, n); }
  Result<storage::ObjectMeta> Head(std::string_view k) override { return s_->Head(k); }
  Status Put(std::string_view k, std::span<const uint8_t> d) override {
    if (k.ends_with(".json") && k.find(".tmp/") == std::string_view::npos) return Status::IOError("lost");
    return s_->Put(k, d);
  }
  Status PutIfAbsent(std::string_view k, std::span<const uint8_t> d) override { return s_->PutIfAbsent(k, d); }
  Status Delete(std::string_view k) override { return s_->Delete(k); }
  Result<std::shared_ptr<io::RandomAccessFile>> OpenRead(std::string_view k) override { return s_->OpenRead(k); }
  Result<std::unique_ptr<io::OutputStream>> OpenWrite(std::string_view k) override { return s_->OpenWrite(k); }
  std::string base_uri() const override { return s_->base_uri(); }

 private:
  std::shared_ptr<storage::ObjectStore> s_;
};

TEST_F(S3StoreTest, DynamoDbCoordinatorRecoversAnUncopiedCommit) {
  storage::StorageOptions o = {{"AWS_CONDITIONAL_PUT", "disabled"}, {"AWS_S3_LOCKING_PROVIDER", "dynamodb"}};
  auto dyn = MakeStore(o);
  ASSERT_OK(dyn->PutIfAbsent("t/_delta_log/00000000000000000000.json", Bytes("v0")));
  LoseCommitCopies lossy(dyn);
  DynamoDbCoordinator dying(dyn->config(), &lossy);
  ASSERT_OK(dying.PutIfAbsent("t/_delta_log/00000000000000000001.json", Bytes("v1 contents")));
  ASSERT_RAISES(NotFound, dyn->Head("t/_delta_log/00000000000000000001.json"));
  // Version 1 is taken even though its file is not there yet.
  ASSERT_RAISES(AlreadyExists, dyn->PutIfAbsent("t/_delta_log/00000000000000000001.json", Bytes("late")));
  // Listing the log completes it.
  ASSERT_OK_AND_ASSIGN(auto log, dyn->List("t/_delta_log/"));
  std::vector<std::string> commits;
  for (const auto& m : log) {
    if (m.key.find(".tmp/") == std::string::npos) commits.push_back(m.key);
  }
  ASSERT_EQ(commits.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto buf, dyn->Get("t/_delta_log/00000000000000000001.json"));
  EXPECT_EQ(buf->view(), "v1 contents");
  ASSERT_OK(dyn->PutIfAbsent("t/_delta_log/00000000000000000002.json", Bytes("v2")));
}

// A proxy answering every request with 301 PermanentRedirect (the bucket is in eu-west-1).
TEST_F(S3StoreTest, WrongRegionIsAClearErrorWithoutRetries) {
  const char* proxy = std::getenv("DELTA_S3_TEST_WRONG_REGION_ENDPOINT");
  if (proxy == nullptr) GTEST_SKIP() << "DELTA_S3_TEST_WRONG_REGION_ENDPOINT not set";
  storage::StorageOptions o = BaseOptions(proxy);
  auto c = LoadS3Config("bucket", o);
  ASSERT_OK(c.status());
  auto s = MakeS3Store(*c);
  auto list = s->List("t/_delta_log/");
  ASSERT_RAISES(IOError, list);
  EXPECT_NE(list.status().message().find("eu-west-1"), std::string::npos) << list.status().ToString();
  EXPECT_NE(list.status().message().find("AWS_REGION"), std::string::npos) << list.status().ToString();
  EXPECT_NE(list.status().message().find("bucket 'bucket'"), std::string::npos) << list.status().ToString();
  auto head = s->Head("t/_delta_log/00000000000000000000.json");
  ASSERT_RAISES(IOError, head);
  EXPECT_NE(head.status().message().find("eu-west-1"), std::string::npos) << head.status().ToString();
  EXPECT_NE(head.status().message().find("t/_delta_log/00000000000000000000.json"), std::string::npos);
  EXPECT_EQ(s->http().total_requests(), 2);
}

// Credentials checked by a second moto server with authentication enabled.
TEST_F(S3StoreTest, BadCredentialsAreAClearFastError) {
  const char* auth = std::getenv("DELTA_S3_TEST_AUTH_ENDPOINT");
  if (auth == nullptr) GTEST_SKIP() << "DELTA_S3_TEST_AUTH_ENDPOINT not set";
  storage::StorageOptions o = BaseOptions(auth);
  o["AWS_ACCESS_KEY_ID"] = "AKIANOTAREALKEY00000";
  auto c = LoadS3Config("bucket", o);
  ASSERT_OK(c.status());
  auto bad = MakeS3Store(*c);
  auto start = std::chrono::steady_clock::now();
  auto r = bad->List("t/");
  ASSERT_RAISES(IOError, r);
  EXPECT_NE(r.status().message().find("access denied"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("bucket 'bucket'"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(r.status().message().find(kSecret), std::string::npos);
  EXPECT_EQ(bad->http().total_requests(), 1);  // no retry on 403
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace delta::s3
