#include "delta/txn/transaction.h"

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "delta/expr/parser.h"
#include "delta/log/log_segment.h"
#include "delta/protocol/actions.h"
#include "delta/storage/uri.h"
#include "support/matchers.h"

namespace delta::txn {
namespace {

namespace p = protocol;
namespace fs = std::filesystem;

constexpr const char* kSchema =
    R"({"type":"struct","fields":[{"name":"part","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"x","type":"long","nullable":true,"metadata":{}}]})";

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "txn_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // Creates the table at version 0: partitioned by `part`, with `config`.
  void Create(std::map<std::string, std::string> config = {}, p::Protocol proto = {}) {
    ASSERT_OK_AND_ASSIGN(auto root, storage::ResolveUri(dir_));
    ASSERT_OK_AND_ASSIGN(auto txn, Transaction::BeginCreate(root));
    p::Metadata m;
    m.id = "5f0b2a9c-0000-4000-8000-000000000001";
    m.schema_string = kSchema;
    m.partition_columns = {"part"};
    m.created_time = 1700000000000;
    m.configuration = std::move(config);
    txn->UpdateProtocol(proto);
    txn->UpdateMetadata(m);
    ASSERT_OK_AND_ASSIGN(auto r, txn->Commit());
    ASSERT_EQ(r.status, CommitStatus::kCommitted);
    ASSERT_EQ(r.version, 0);
  }

  table::SnapshotPtr Snap(std::optional<int64_t> version = {}) {
    auto t = table::Table::Open(dir_);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    table::SnapshotOptions o;
    o.version = version;
    auto s = (*t)->GetSnapshot(o);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : nullptr;
  }

  static p::Add MakeAdd(const std::string& name, const std::string& part, int64_t x = 1) {
    p::Add a;
    a.path = "part=" + part + "/" + name;
    a.partition_values = {{"part", part}};
    a.size = 100;
    a.modification_time = 1700000000000;
    a.data_change = true;
    a.stats = fmt::format(R"({{"numRecords":1,"minValues":{{"x":{}}},"maxValues":{{"x":{}}},"nullCount":{{"x":0}}}})",
                          x, x);
    return a;
  }
  static p::Remove RemoveOf(const p::Add& a) {
    p::Remove r;
    r.path = a.path;
    r.data_change = true;
    r.extended_file_metadata = true;
    r.partition_values = a.partition_values;
    r.size = a.size;
    return r;
  }

  // Commits a blind append of `adds` on the latest snapshot.
  int64_t Append(std::vector<p::Add> adds) {
    auto txn = Transaction::Begin(Snap());
    EXPECT_TRUE(txn.ok());
    (*txn)->SetBlindAppend(true);
    (*txn)->AddFiles(std::move(adds));
    auto r = (*txn)->Commit();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->version : -1;
  }

  std::vector<p::Action> ReadCommit(int64_t version) {
    std::ifstream in(fs::path(dir_) / "_delta_log" / log::CommitFileName(version));
    std::stringstream ss;
    ss << in.rdbuf();
    auto actions = p::ParseJsonActions(ss.str(), "commit");
    EXPECT_TRUE(actions.ok()) << actions.status().ToString();
    return actions.ok() ? *actions : std::vector<p::Action>{};
  }
  std::optional<int64_t> Ict(int64_t version) {
    auto actions = ReadCommit(version);
    if (actions.empty()) return std::nullopt;
    auto* ci = std::get_if<p::CommitInfo>(&actions.front());
    return ci ? ci->in_commit_timestamp : std::nullopt;
  }

  std::string dir_;
};

TEST_F(TransactionTest, CreateAppendAndActionOrder) {
  Create();
  EXPECT_EQ(Append({MakeAdd("a1.parquet", "a")}), 1);
  EXPECT_EQ(Append({MakeAdd("a2.parquet", "a"), MakeAdd("b1.parquet", "b")}), 2);
  auto snap = Snap();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->version(), 2);
  EXPECT_EQ(snap->files().size(), 3u);
  EXPECT_EQ(snap->partition_columns(), std::vector<std::string>{"part"});

  // Version 0: commitInfo, protocol, metaData in that order.
  auto v0 = ReadCommit(0);
  ASSERT_EQ(v0.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<p::CommitInfo>(v0[0]));
  EXPECT_TRUE(std::holds_alternative<p::Protocol>(v0[1]));
  EXPECT_TRUE(std::holds_alternative<p::Metadata>(v0[2]));
  auto v2 = ReadCommit(2);
  ASSERT_EQ(v2.size(), 3u);
  const auto& ci = std::get<p::CommitInfo>(v2[0]);
  EXPECT_EQ(ci.is_blind_append, std::optional<bool>(true));
  EXPECT_EQ(ci.operation, std::optional<std::string>("WRITE"));
  EXPECT_TRUE(ci.timestamp.has_value());
  EXPECT_FALSE(ci.in_commit_timestamp.has_value());
  EXPECT_NE(ci.json.find("\"readVersion\":1"), std::string::npos) << ci.json;
  EXPECT_EQ(std::get<p::Add>(v2[1]).path, "part=a/a2.parquet");

  // Creating again loses against the existing version 0.
  ASSERT_OK_AND_ASSIGN(auto root, storage::ResolveUri(dir_));
  ASSERT_OK_AND_ASSIGN(auto again, Transaction::BeginCreate(root));
  p::Metadata m;
  m.id = "x";
  m.schema_string = kSchema;
  again->UpdateProtocol({});
  again->UpdateMetadata(m);
  ASSERT_RAISES(AlreadyExists, again->Commit());
  EXPECT_EQ(Snap()->version(), 2);
}

TEST_F(TransactionTest, CommitTwiceAndCreateWithoutMetadataAreRefused) {
  Create();
  ASSERT_OK_AND_ASSIGN(auto txn, Transaction::Begin(Snap()));
  txn->AddFiles({MakeAdd("a.parquet", "a")});
  ASSERT_OK(txn->Commit().status());
  ASSERT_RAISES(InvalidArgument, txn->Commit());

  ASSERT_OK_AND_ASSIGN(auto root, storage::ResolveUri(dir_ + "/other"));
  ASSERT_OK_AND_ASSIGN(auto create, Transaction::BeginCreate(root));
  ASSERT_RAISES(InvalidArgument, create->Commit());
}

TEST_F(TransactionTest, BlindAppendsRetryAtTheNextVersion) {
  Create();
  auto s0 = Snap();
  ASSERT_OK_AND_ASSIGN(auto a, Transaction::Begin(s0));
  ASSERT_OK_AND_ASSIGN(auto b, Transaction::Begin(s0));
  a->SetBlindAppend(true);
  b->SetBlindAppend(true);
  a->AddFiles({MakeAdd("a.parquet", "a")});
  b->AddFiles({MakeAdd("b.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto ra, a->Commit());
  EXPECT_EQ(ra.version, 1);
  EXPECT_EQ(ra.attempts, 1);
  ASSERT_OK_AND_ASSIGN(auto rb, b->Commit());
  EXPECT_EQ(rb.status, CommitStatus::kCommitted);
  EXPECT_EQ(rb.version, 2);
  EXPECT_EQ(rb.attempts, 2);
  EXPECT_EQ(rb.conflicts_checked, std::vector<int64_t>{1});
  EXPECT_EQ(Snap()->files().size(), 2u);
}

TEST_F(TransactionTest, ReadOfAppendedPartitionConflicts) {
  Create();
  auto s0 = Snap();
  ASSERT_OK_AND_ASSIGN(auto winner, Transaction::Begin(s0));
  winner->SetBlindAppend(true);
  winner->AddFiles({MakeAdd("w.parquet", "a")});

  // Serializable reader of part = 'a'.
  ASSERT_OK_AND_ASSIGN(auto loser, Transaction::Begin(s0));
  ASSERT_OK_AND_ASSIGN(auto pred, expr::ParsePredicate("part = 'a'"));
  loser->RecordReadPredicate(pred);
  loser->SetIsolationLevel(IsolationLevel::kSerializable);
  loser->AddFiles({MakeAdd("l.parquet", "a")});

  // WriteSerializable reader with no predicate (whole table) that only adds: a blind append of
  // the winner is serialisable before it (Spark's rule), so it commits.
  ASSERT_OK_AND_ASSIGN(auto ws, Transaction::Begin(s0));
  ws->AddFiles({MakeAdd("ws.parquet", "b")});

  ASSERT_OK(winner->Commit().status());
  auto r = loser->Commit();
  ASSERT_RAISES(CommitConflict, r);
  EXPECT_NE(r.status().message().find("version 1"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("concurrent append"), std::string::npos) << r.status().ToString();
  ASSERT_OK_AND_ASSIGN(auto rws, ws->Commit());
  EXPECT_EQ(rws.version, 2);
  EXPECT_EQ(Snap()->version(), 2);
}

TEST_F(TransactionTest, OverwriteRacingAppendConflictsUnderWriteSerializable) {
  Create();
  Append({MakeAdd("old.parquet", "a")});
  auto s1 = Snap();
  ASSERT_OK_AND_ASSIGN(auto overwrite, Transaction::Begin(s1));
  ASSERT_OK_AND_ASSIGN(auto pred, expr::ParsePredicate("part = 'a'"));
  overwrite->RecordReadPredicate(pred);
  overwrite->RemoveFiles({RemoveOf(s1->files()[0])});
  overwrite->AddFiles({MakeAdd("new.parquet", "a")});
  EXPECT_EQ(Append({MakeAdd("appended.parquet", "a")}), 2);
  ASSERT_RAISES(CommitConflict, overwrite->Commit());
  EXPECT_EQ(Snap()->files().size(), 2u);  // nothing lost
}

TEST_F(TransactionTest, AppendOutsideReadPredicateDoesNotConflict) {
  Create();
  auto s0 = Snap();
  ASSERT_OK_AND_ASSIGN(auto loser, Transaction::Begin(s0));
  ASSERT_OK_AND_ASSIGN(auto pred, expr::ParsePredicate("part = 'a'"));
  loser->RecordReadPredicate(pred);
  loser->SetIsolationLevel(IsolationLevel::kSerializable);
  loser->AddFiles({MakeAdd("l.parquet", "a")});
  EXPECT_EQ(Append({MakeAdd("w.parquet", "b")}), 1);
  ASSERT_OK_AND_ASSIGN(auto r, loser->Commit());
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.attempts, 2);

  // A predicate on a data column: files are judged by their statistics.
  auto s2 = Snap();
  ASSERT_OK_AND_ASSIGN(auto by_stats, Transaction::Begin(s2));
  ASSERT_OK_AND_ASSIGN(auto xpred, expr::ParsePredicate("x > 100"));
  by_stats->RecordReadPredicate(xpred);
  by_stats->SetIsolationLevel(IsolationLevel::kSerializable);
  by_stats->AddFiles({MakeAdd("s.parquet", "c", 500)});
  EXPECT_EQ(Append({MakeAdd("small.parquet", "a", 5)}), 3);
  ASSERT_OK_AND_ASSIGN(auto r2, by_stats->Commit());
  EXPECT_EQ(r2.version, 4);

  ASSERT_OK_AND_ASSIGN(auto by_stats2, Transaction::Begin(Snap()));
  by_stats2->RecordReadPredicate(xpred);
  by_stats2->SetIsolationLevel(IsolationLevel::kSerializable);
  by_stats2->AddFiles({MakeAdd("s2.parquet", "c", 500)});
  EXPECT_EQ(Append({MakeAdd("big.parquet", "a", 200)}), 5);
  ASSERT_RAISES(CommitConflict, by_stats2->Commit());
}

TEST_F(TransactionTest, OwnMetadataChangeChecksConcurrentBlindAppends) {
  Create();
  auto s0 = Snap();
  ASSERT_OK_AND_ASSIGN(auto alter, Transaction::Begin(s0));
  p::Metadata m = s0->metadata();
  m.configuration["delta.checkpointInterval"] = "50";
  alter->UpdateMetadata(m);
  EXPECT_EQ(Append({MakeAdd("a.parquet", "a")}), 1);
  auto r = alter->Commit();
  ASSERT_RAISES(CommitConflict, r);
  EXPECT_NE(r.status().message().find("concurrent append"), std::string::npos) << r.status().ToString();
}

TEST_F(TransactionTest, MetadataChangeConflicts) {
  Create();
  auto s0 = Snap();
  ASSERT_OK_AND_ASSIGN(auto alter, Transaction::Begin(s0));
  p::Metadata m = s0->metadata();
  m.configuration["delta.appendOnly"] = "false";
  alter->UpdateMetadata(m);
  alter->SetOperation("SET TBLPROPERTIES");
  ASSERT_OK_AND_ASSIGN(auto append, Transaction::Begin(s0));
  append->SetBlindAppend(true);
  append->AddFiles({MakeAdd("a.parquet", "a")});
  ASSERT_OK(alter->Commit().status());
  auto r = append->Commit();
  ASSERT_RAISES(CommitConflict, r);
  EXPECT_NE(r.status().message().find("metadata changed"), std::string::npos) << r.status().ToString();
}

TEST_F(TransactionTest, DeleteDeleteConflicts) {
  Create();
  Append({MakeAdd("f.parquet", "a"), MakeAdd("g.parquet", "b")});
  auto s1 = Snap();
  const p::Add* f = nullptr;
  for (const auto& a : s1->files()) {
    if (a.path == "part=a/f.parquet") f = &a;
  }
  ASSERT_NE(f, nullptr);
  ASSERT_OK_AND_ASSIGN(auto d1, Transaction::Begin(s1));
  ASSERT_OK_AND_ASSIGN(auto d2, Transaction::Begin(s1));
  ASSERT_OK_AND_ASSIGN(auto pred, expr::ParsePredicate("part = 'a'"));
  d1->RecordReadPredicate(pred);
  d2->RecordReadPredicate(pred);
  d1->RemoveFiles({RemoveOf(*f)});
  d2->RemoveFiles({RemoveOf(*f)});
  ASSERT_OK(d1->Commit().status());
  auto r = d2->Commit();
  ASSERT_RAISES(CommitConflict, r);
  EXPECT_NE(r.status().message().find("concurrent delete"), std::string::npos) << r.status().ToString();
  auto snap = Snap();
  EXPECT_EQ(snap->version(), 2);
  ASSERT_EQ(snap->files().size(), 1u);
  EXPECT_EQ(snap->files()[0].path, "part=b/g.parquet");
}

TEST_F(TransactionTest, ApplicationTransactionsAreIdempotent) {
  Create();
  ASSERT_OK_AND_ASSIGN(auto first, Transaction::Begin(Snap()));
  first->SetApplicationTransaction("stream-1", 5);
  first->AddFiles({MakeAdd("a.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto r1, first->Commit());
  EXPECT_EQ(r1.version, 1);
  EXPECT_EQ(Snap()->TransactionVersion("stream-1"), std::optional<int64_t>(5));

  // Same (appId, version) again: skipped, nothing written.
  ASSERT_OK_AND_ASSIGN(auto replay, Transaction::Begin(Snap()));
  replay->SetApplicationTransaction("stream-1", 5);
  replay->AddFiles({MakeAdd("dup.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto r2, replay->Commit());
  EXPECT_EQ(r2.status, CommitStatus::kSkipped);
  EXPECT_EQ(r2.version, 1);
  EXPECT_EQ(Snap()->version(), 1);

  // Two writers race with the same (appId, version): one commits, the other is skipped.
  auto s1 = Snap();
  ASSERT_OK_AND_ASSIGN(auto w1, Transaction::Begin(s1));
  ASSERT_OK_AND_ASSIGN(auto w2, Transaction::Begin(s1));
  for (auto* w : {w1.get(), w2.get()}) {
    w->SetApplicationTransaction("stream-1", 6);
    w->SetBlindAppend(true);
  }
  w1->AddFiles({MakeAdd("w1.parquet", "a")});
  w2->AddFiles({MakeAdd("w2.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto rw1, w1->Commit());
  ASSERT_OK_AND_ASSIGN(auto rw2, w2->Commit());
  EXPECT_EQ(rw1.status, CommitStatus::kCommitted);
  EXPECT_EQ(rw2.status, CommitStatus::kSkipped);
  EXPECT_EQ(rw2.version, 2);
  EXPECT_EQ(Snap()->version(), 2);
  EXPECT_EQ(Snap()->files().size(), 2u);

  // A concurrent commit of a lower version for our appId is a conflict, not a skip.
  auto s2 = Snap();
  ASSERT_OK_AND_ASSIGN(auto lo, Transaction::Begin(s2));
  ASSERT_OK_AND_ASSIGN(auto hi, Transaction::Begin(s2));
  lo->SetApplicationTransaction("stream-1", 7);
  hi->SetApplicationTransaction("stream-1", 8);
  lo->SetBlindAppend(true);
  hi->SetBlindAppend(true);
  lo->AddFiles({MakeAdd("lo.parquet", "a")});
  hi->AddFiles({MakeAdd("hi.parquet", "a")});
  ASSERT_OK(lo->Commit().status());
  auto rhi = hi->Commit();
  ASSERT_RAISES(CommitConflict, rhi);
  EXPECT_NE(rhi.status().message().find("appId stream-1"), std::string::npos) << rhi.status().ToString();
}

TEST_F(TransactionTest, SeveralApplicationTransactionsInOneCommit) {
  Create();
  // One commit carries one txn action per source partition, as a stream ingester writes them.
  ASSERT_OK_AND_ASSIGN(auto first, Transaction::Begin(Snap()));
  first->SetApplicationTransaction("ingest-0", 10);
  first->SetApplicationTransaction("ingest-1", 20);
  first->SetApplicationTransaction("ingest-0", 11);  // replaces the first call for ingest-0
  first->SetBlindAppend(true);
  first->AddFiles({MakeAdd("p.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto r1, first->Commit());
  ASSERT_EQ(r1.status, CommitStatus::kCommitted);
  int txn_actions = 0;
  for (const auto& a : ReadCommit(r1.version)) txn_actions += std::holds_alternative<p::SetTransaction>(a);
  EXPECT_EQ(txn_actions, 2);
  EXPECT_EQ(Snap()->TransactionVersion("ingest-0"), std::optional<int64_t>(11));
  EXPECT_EQ(Snap()->TransactionVersion("ingest-1"), std::optional<int64_t>(20));

  // Every id already committed: skipped.
  ASSERT_OK_AND_ASSIGN(auto replay, Transaction::Begin(Snap()));
  replay->SetApplicationTransaction("ingest-0", 11);
  replay->SetApplicationTransaction("ingest-1", 19);
  replay->AddFiles({MakeAdd("dup.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto r2, replay->Commit());
  EXPECT_EQ(r2.status, CommitStatus::kSkipped);

  // Only some committed: a conflict naming the id, nothing written.
  ASSERT_OK_AND_ASSIGN(auto partial, Transaction::Begin(Snap()));
  partial->SetApplicationTransaction("ingest-0", 11);
  partial->SetApplicationTransaction("ingest-2", 1);
  partial->AddFiles({MakeAdd("partial.parquet", "a")});
  auto r3 = partial->Commit();
  ASSERT_RAISES(CommitConflict, r3);
  EXPECT_NE(r3.status().message().find("ingest-0"), std::string::npos) << r3.status().ToString();
  EXPECT_EQ(Snap()->version(), 1);

  // Racing writers: the winner covers both ids of the loser, which is then skipped; a winner that
  // covers only one of them makes the loser conflict.
  auto base = Snap();
  ASSERT_OK_AND_ASSIGN(auto w1, Transaction::Begin(base));
  ASSERT_OK_AND_ASSIGN(auto w2, Transaction::Begin(base));
  ASSERT_OK_AND_ASSIGN(auto w3, Transaction::Begin(base));
  w1->SetApplicationTransaction("ingest-0", 12);
  w1->SetApplicationTransaction("ingest-1", 21);
  w2->SetApplicationTransaction("ingest-0", 12);
  w2->SetApplicationTransaction("ingest-1", 21);
  w3->SetApplicationTransaction("ingest-1", 21);
  w3->SetApplicationTransaction("ingest-3", 1);
  for (auto* w : {w1.get(), w2.get(), w3.get()}) {
    w->SetBlindAppend(true);
    w->AddFiles({MakeAdd("race.parquet", "a")});
  }
  ASSERT_OK_AND_ASSIGN(auto rw1, w1->Commit());
  EXPECT_EQ(rw1.status, CommitStatus::kCommitted);
  ASSERT_OK_AND_ASSIGN(auto rw2, w2->Commit());
  EXPECT_EQ(rw2.status, CommitStatus::kSkipped);
  ASSERT_RAISES(CommitConflict, w3->Commit());
  EXPECT_EQ(Snap()->version(), 2);
}

TEST_F(TransactionTest, InCommitTimestampsAreMonotonic) {
  p::Protocol proto;
  proto.min_reader_version = 1;
  proto.min_writer_version = 7;
  proto.writer_features = std::vector<std::string>{"inCommitTimestamp"};
  Create({{"delta.enableInCommitTimestamps", "true"}}, proto);
  auto ict0 = Ict(0);
  ASSERT_TRUE(ict0.has_value());

  // A commit from a writer whose clock runs an hour ahead.
  int64_t future = *ict0 + 3'600'000;
  {
    std::ofstream out(fs::path(dir_) / "_delta_log" / log::CommitFileName(1));
    out << fmt::format(R"({{"commitInfo":{{"timestamp":{0},"inCommitTimestamp":{0},"operation":"WRITE"}}}})", future)
        << "\n";
  }
  EXPECT_EQ(Append({MakeAdd("a.parquet", "a")}), 2);
  EXPECT_EQ(Ict(2), std::optional<int64_t>(future + 1));

  // The same after a lost race: the loser's timestamp follows the winner's.
  auto s2 = Snap();
  ASSERT_OK_AND_ASSIGN(auto a, Transaction::Begin(s2));
  ASSERT_OK_AND_ASSIGN(auto b, Transaction::Begin(s2));
  a->SetBlindAppend(true);
  b->SetBlindAppend(true);
  a->AddFiles({MakeAdd("x.parquet", "a")});
  b->AddFiles({MakeAdd("y.parquet", "a")});
  ASSERT_OK(a->Commit().status());
  ASSERT_OK_AND_ASSIGN(auto rb, b->Commit());
  EXPECT_EQ(rb.version, 4);
  EXPECT_EQ(Ict(3), std::optional<int64_t>(future + 2));
  EXPECT_EQ(Ict(4), std::optional<int64_t>(future + 3));
  EXPECT_EQ(Snap()->timestamp_ms(), future + 3);
}

TEST_F(TransactionTest, AppendOnlyRefusesDataRemoval) {
  Create({{"delta.appendOnly", "true"}});
  Append({MakeAdd("f.parquet", "a")});
  auto s = Snap();
  ASSERT_OK_AND_ASSIGN(auto del, Transaction::Begin(s));
  del->RemoveFiles({RemoveOf(s->files()[0])});
  ASSERT_RAISES(InvalidArgument, del->Commit());
  // Rearranging without data change is allowed.
  ASSERT_OK_AND_ASSIGN(auto compact, Transaction::Begin(s));
  auto rm = RemoveOf(s->files()[0]);
  rm.data_change = false;
  auto add = MakeAdd("g.parquet", "a");
  add.data_change = false;
  compact->RemoveFiles({rm});
  compact->AddFiles({add});
  ASSERT_OK(compact->Commit().status());
}

TEST_F(TransactionTest, UnsupportedWriterFeaturesAreRefused) {
  p::Protocol proto;
  proto.min_reader_version = 1;
  proto.min_writer_version = 7;
  proto.writer_features = std::vector<std::string>{"rowTracking"};
  ASSERT_OK_AND_ASSIGN(auto root, storage::ResolveUri(dir_));
  ASSERT_OK_AND_ASSIGN(auto txn, Transaction::BeginCreate(root));
  p::Metadata m;
  m.id = "id";
  m.schema_string = kSchema;
  txn->UpdateProtocol(proto);
  txn->UpdateMetadata(m);
  auto r = txn->Commit();
  ASSERT_RAISES(Unsupported, r);
  EXPECT_NE(r.status().message().find("rowTracking"), std::string::npos);

  // Legacy writer version 2 implies invariants, which only matter when the schema has some.
  Create({}, p::Protocol{1, 2, std::nullopt, std::nullopt});
  ASSERT_OK(Transaction::Begin(Snap()).status());
}

TEST_F(TransactionTest, CheckpointsOnInterval) {
  Create({{"delta.checkpointInterval", "3"}});
  Append({MakeAdd("a.parquet", "a")});
  Append({MakeAdd("b.parquet", "b")});
  const fs::path cp = fs::path(dir_) / "_delta_log" / "00000000000000000003.checkpoint.parquet";
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "_delta_log" / "00000000000000000002.checkpoint.parquet"));
  EXPECT_EQ(Append({MakeAdd("c.parquet", "a")}), 3);
  EXPECT_TRUE(fs::exists(cp));
  EXPECT_TRUE(fs::exists(fs::path(dir_) / "_delta_log" / "_last_checkpoint"));
  auto snap = Snap();
  EXPECT_EQ(snap->segment().checkpoint_version, std::optional<int64_t>(3));
  EXPECT_EQ(snap->files().size(), 3u);

  // Disabled per transaction.
  for (int i = 0; i < 3; ++i) {
    TransactionOptions o;
    o.checkpoint_on_interval = false;
    ASSERT_OK_AND_ASSIGN(auto txn, Transaction::Begin(Snap(), o));
    txn->AddFiles({MakeAdd(fmt::format("n{}.parquet", i), "a")});
    ASSERT_OK(txn->Commit().status());
  }
  EXPECT_FALSE(fs::exists(fs::path(dir_) / "_delta_log" / "00000000000000000006.checkpoint.parquet"));
}

TEST_F(TransactionTest, CommitMetadataBecomesTopLevelCommitInfoFields) {
  Create();
  TransactionOptions opts;
  opts.commit_metadata = {{"userMetadata", "nightly load"}, {"run", "a \"quoted\" id"}};
  ASSERT_OK_AND_ASSIGN(auto txn, Transaction::Begin(Snap(), opts));
  txn->SetBlindAppend(true);
  txn->AddFiles({MakeAdd("m1.parquet", "a")});
  ASSERT_OK_AND_ASSIGN(auto r, txn->Commit());
  auto actions = ReadCommit(r.version);
  ASSERT_FALSE(actions.empty());
  const auto& ci = std::get<p::CommitInfo>(actions.front());
  EXPECT_NE(ci.json.find(R"("userMetadata":"nightly load")"), std::string::npos) << ci.json;
  EXPECT_NE(ci.json.find(R"("run":"a \"quoted\" id")"), std::string::npos) << ci.json;
  EXPECT_EQ(ci.operation, std::optional<std::string>("WRITE"));

  // A key of a field the writer sets itself is refused, and nothing is committed.
  for (const char* key : {"operation", "version", "job", ""}) {
    opts.commit_metadata = {{key, "x"}};
    ASSERT_OK_AND_ASSIGN(auto bad, Transaction::Begin(Snap(), opts));
    bad->SetBlindAppend(true);
    bad->AddFiles({MakeAdd("m2.parquet", "a")});
    SCOPED_TRACE(key);
    ASSERT_RAISES(InvalidArgument, bad->Commit());
  }
  EXPECT_EQ(Snap()->version(), r.version);
}

}  // namespace
}  // namespace delta::txn
