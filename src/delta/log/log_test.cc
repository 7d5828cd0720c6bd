// Tests of log segment building (listing, checkpoints, hints, gaps) and log replay, on logs
// written by the tests into an in-memory store or a temporary directory, and on the shared
// tables for real checkpoint files (classic, multi-part, v2 with sidecars, stats_parsed only).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/log/log_replay.h"
#include "delta/log/log_segment.h"
#include "delta/storage/memory_store.h"
#include "delta/storage/uri.h"
#include "support/matchers.h"
#include "support/temp_table.h"

namespace delta::log {
namespace {

using ::delta::testing::CopyTree;
using ::delta::testing::TempDir;

namespace fs = std::filesystem;
using protocol::Add;

const char* kProtocolLine = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";

std::string MetadataLine(std::string id = "tbl-id", std::string config = "{}") {
  return fmt::format(
      R"({{"metaData":{{"id":"{}","format":{{"provider":"parquet","options":{{}}}},)"
      R"("schemaString":"{{\"type\":\"struct\",\"fields\":[{{\"name\":\"id\",\"type\":\"long\",\"nullable\":true,\"metadata\":{{}}}}]}}",)"
      R"("partitionColumns":[],"configuration":{}}}}})",
      id, config);
}

std::string AddLine(std::string_view path, int64_t num_records = 1, std::string dv = "") {
  std::string dv_field = dv.empty() ? "" : ",\"deletionVector\":" + dv;
  return fmt::format(
      R"({{"add":{{"path":"{}","partitionValues":{{}},"size":100,"modificationTime":1,"dataChange":true,)"
      R"("stats":"{{\"numRecords\":{}}}"{}}}}})",
      path, num_records, dv_field);
}

std::string RemoveLine(std::string_view path, std::string dv = "") {
  std::string dv_field = dv.empty() ? "" : ",\"deletionVector\":" + dv;
  return fmt::format(R"({{"remove":{{"path":"{}","deletionTimestamp":5,"dataChange":true{}}}}})", path, dv_field);
}

std::string InlineDv(std::string_view payload, int64_t cardinality) {
  return fmt::format(R"({{"storageType":"i","pathOrInlineDv":"{}","sizeInBytes":10,"cardinality":{}}})", payload,
                     cardinality);
}

std::string CommitInfoLine(std::string_view op) {
  return fmt::format(R"({{"commitInfo":{{"timestamp":1000,"operation":"{}"}}}})", op);
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// A table root in a fresh in-memory store.
class MemTable {
 public:
  MemTable() : store_(storage::MakeMemoryStore()), root_{store_, "tables/t"} {}
  const storage::Location& root() const { return root_; }
  void PutLog(std::string_view name, std::string_view content) {
    auto key = root_.Child("_delta_log").Child(name).key;
    ASSERT_OK(store_->Put(key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(content.data()), content.size())));
  }
  void Commit(int64_t v, const std::vector<std::string>& lines) { PutLog(CommitFileName(v), Join(lines)); }
  void DeleteLog(std::string_view name) { ASSERT_OK(store_->Delete(root_.Child("_delta_log").Child(name).key)); }

 private:
  storage::ObjectStorePtr store_;
  storage::Location root_;
};

std::string V2CheckpointName(int64_t v, bool json = true) {
  return fmt::format("{:020d}.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.{}", v, json ? "json" : "parquet");
}

std::vector<int64_t> CommitVersions(const LogSegment& seg) {
  std::vector<int64_t> out;
  for (const auto& c : seg.commits) out.push_back(c.version);
  return out;
}

std::set<std::string> LivePaths(const ReplayState& s) {
  std::set<std::string> out;
  for (const auto& f : s.files) out.insert(f.path);
  return out;
}

int64_t SumRows(const ReplayState& s) {
  int64_t n = 0;
  for (const auto& f : s.files) n += f.NumLiveRecords().value_or(-1000000);
  return n;
}

Result<ReplayState> Load(const storage::Location& root, std::optional<int64_t> version = {}) {
  DELTA_ASSIGN_OR_RAISE(auto seg, BuildLogSegment(root, version));
  return ReplayLog(root, seg);
}

// ----------------------------------------------------------------------------------------------
// File names

TEST(ParseLogFileName, Kinds) {
  storage::ObjectMeta m;
  auto f = ParseLogFileName("00000000000000000010.json", m);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, LogFileType::kCommit);
  EXPECT_EQ(f->version, 10);
  f = ParseLogFileName("00000000000000000010.checkpoint.parquet", m);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, LogFileType::kClassicCheckpoint);
  f = ParseLogFileName("00000000000000000010.checkpoint.0000000002.0000000003.parquet", m);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, LogFileType::kMultiPartCheckpoint);
  EXPECT_EQ(f->part, 2);
  EXPECT_EQ(f->num_parts, 3);
  f = ParseLogFileName("00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json", m);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, LogFileType::kV2Checkpoint);
  EXPECT_TRUE(f->is_json);
  f = ParseLogFileName("00000000000000000010.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.parquet", m);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->is_json);
  f = ParseLogFileName("00000000000000000004.00000000000000000006.compacted.json", m);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, LogFileType::kCompaction);
  EXPECT_EQ(f->version, 4);
  EXPECT_EQ(f->end_version, 6);
  f = ParseLogFileName("00000000000000000010.crc", m);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, LogFileType::kChecksum);

  for (const char* bad : {"_last_checkpoint", "00000000000000000010.json.tmp", ".00000000000000000010.json.crc",
                          "0000000000000000010.json", "0000000000000000001a.json", "00000000000000000010.parquet",
                          "00000000000000000010.checkpoint.0000000004.0000000003.parquet",
                          "00000000000000000010.checkpoint.0000000000.0000000003.parquet",
                          "00000000000000000006.00000000000000000004.compacted.json", "00000000000000000010.checkpoint.a.b.json"}) {
    EXPECT_FALSE(ParseLogFileName(bad, m)) << bad;
  }
  EXPECT_EQ(CommitFileName(7), "00000000000000000007.json");
}

// ----------------------------------------------------------------------------------------------
// Segments

TEST(LogSegment, LatestAndAtVersion) {
  MemTable t;
  t.Commit(0, {kProtocolLine, MetadataLine(), AddLine("a.parquet")});
  t.Commit(1, {AddLine("b.parquet")});
  t.Commit(2, {AddLine("c.parquet")});
  t.Commit(3, {RemoveLine("a.parquet")});
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
  EXPECT_EQ(seg.version, 3);
  EXPECT_EQ(seg.latest_version, 3);
  EXPECT_FALSE(seg.checkpoint_version);
  EXPECT_TRUE(seg.checkpoint_parts.empty());
  EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(seg.commits[2].file_name(), "00000000000000000002.json");

  ASSERT_OK_AND_ASSIGN(auto seg1, BuildLogSegment(t.root(), 1));
  EXPECT_EQ(seg1.version, 1);
  EXPECT_EQ(seg1.latest_version, 3);
  EXPECT_EQ(CommitVersions(seg1), (std::vector<int64_t>{0, 1}));

  ASSERT_RAISES(NotFound, BuildLogSegment(t.root(), 4));
  ASSERT_RAISES(InvalidArgument, BuildLogSegment(t.root(), -1));

  ASSERT_OK_AND_ASSIGN(auto all, ListAllCommits(seg.log_root));
  EXPECT_EQ(all.size(), 4u);
  ASSERT_OK_AND_ASSIGN(auto after, ListCommitsAfter(seg.log_root, 1));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].version, 2);
  EXPECT_EQ(after[1].version, 3);
  ASSERT_OK_AND_ASSIGN(auto none, ListCommitsAfter(seg.log_root, 3));
  EXPECT_TRUE(none.empty());
}

TEST(LogSegment, NoTable) {
  MemTable t;
  ASSERT_RAISES(NotFound, BuildLogSegment(t.root()));
  t.PutLog("_last_checkpoint", R"({"version":3,"size":4})");
  t.PutLog("README", "not a log file");
  ASSERT_RAISES(NotFound, BuildLogSegment(t.root()));
}

TEST(LogSegment, VersionGapNamesMissingCommit) {
  MemTable t;
  t.Commit(0, {kProtocolLine, MetadataLine(), AddLine("a.parquet")});
  t.Commit(1, {AddLine("b.parquet")});
  t.Commit(3, {AddLine("d.parquet")});
  auto r = BuildLogSegment(t.root());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruptData()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("00000000000000000002.json"), std::string::npos) << r.status().message();
  // Versions before the gap are still readable.
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root(), 1));
  EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{0, 1}));
  // Refresh-style listing reports the gap too.
  auto after = ListCommitsAfter(t.root().Child("_delta_log"), 1);
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.status().message().find("00000000000000000002.json"), std::string::npos);
}

// Commits 0..4 with a v2 JSON checkpoint at 2 holding the state of version 2.
void WriteLogWithCheckpoint(MemTable* t) {
  t->Commit(0, {kProtocolLine, MetadataLine(), AddLine("a.parquet", 1)});
  t->Commit(1, {AddLine("b.parquet", 2)});
  t->Commit(2, {RemoveLine("a.parquet"), AddLine("c.parquet", 3)});
  t->PutLog(V2CheckpointName(2), Join({R"({"checkpointMetadata":{"version":2}})", kProtocolLine, MetadataLine(),
                                       AddLine("b.parquet", 2), AddLine("c.parquet", 3), RemoveLine("a.parquet")}));
  t->Commit(3, {AddLine("d.parquet", 4)});
  t->Commit(4, {RemoveLine("b.parquet")});
}

TEST(LogSegment, CheckpointAndCleanup) {
  MemTable t;
  WriteLogWithCheckpoint(&t);
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
  EXPECT_EQ(seg.version, 4);
  EXPECT_EQ(seg.checkpoint_version, std::optional<int64_t>(2));
  ASSERT_EQ(seg.checkpoint_parts.size(), 1u);
  EXPECT_EQ(seg.checkpoint_parts[0].type, LogFileType::kV2Checkpoint);
  EXPECT_TRUE(seg.checkpoint_parts[0].is_json);
  EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{3, 4}));
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(t.root(), seg));
  EXPECT_EQ(LivePaths(state), (std::set<std::string>{"c.parquet", "d.parquet"}));
  EXPECT_EQ(SumRows(state), 7);

  // Before the checkpoint: replay from commit 0.
  ASSERT_OK_AND_ASSIGN(auto seg1, BuildLogSegment(t.root(), 1));
  EXPECT_FALSE(seg1.checkpoint_version);
  EXPECT_EQ(CommitVersions(seg1), (std::vector<int64_t>{0, 1}));

  // Cleanup removes commits 0 and 1: versions 0 and 1 can no longer be reconstructed.
  t.DeleteLog(CommitFileName(0));
  t.DeleteLog(CommitFileName(1));
  auto old = BuildLogSegment(t.root(), 1);
  ASSERT_FALSE(old.ok());
  EXPECT_TRUE(old.status().IsCorruptData()) << old.status().ToString();
  EXPECT_NE(old.status().message().find("version 1"), std::string::npos) << old.status().message();
  ASSERT_RAISES(CorruptData, BuildLogSegment(t.root(), 0));
  // The checkpoint version itself and later ones still work.
  ASSERT_OK_AND_ASSIGN(auto seg2, BuildLogSegment(t.root(), 2));
  EXPECT_EQ(seg2.checkpoint_version, std::optional<int64_t>(2));
  EXPECT_TRUE(seg2.commits.empty());
  ASSERT_OK_AND_ASSIGN(auto state2, ReplayLog(t.root(), seg2));
  EXPECT_EQ(LivePaths(state2), (std::set<std::string>{"b.parquet", "c.parquet"}));
  ASSERT_OK_AND_ASSIGN(auto latest, Load(t.root()));
  EXPECT_EQ(LivePaths(latest), (std::set<std::string>{"c.parquet", "d.parquet"}));
}

TEST(LogSegment, CheckpointOnlyLog) {
  MemTable t;
  t.PutLog(V2CheckpointName(5), Join({kProtocolLine, MetadataLine(), AddLine("x.parquet", 9)}));
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
  EXPECT_EQ(seg.version, 5);
  EXPECT_EQ(seg.checkpoint_version, std::optional<int64_t>(5));
  EXPECT_TRUE(seg.commits.empty());
  EXPECT_GT(seg.VersionFileModificationTime(), 0);
  EXPECT_EQ(seg.VersionFileModificationTime(), seg.checkpoint_parts[0].meta.last_modified_ms);
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(t.root(), seg));
  EXPECT_EQ(LivePaths(state), (std::set<std::string>{"x.parquet"}));
  EXPECT_FALSE(state.latest_commit_info);
  ASSERT_RAISES(CorruptData, BuildLogSegment(t.root(), 4));
  ASSERT_RAISES(NotFound, BuildLogSegment(t.root(), 6));
}

TEST(LogSegment, LastCheckpointHintStaleCorruptOrAhead) {
  for (std::string hint : {std::string(R"({"version":3,"size":3})"),  // stale: no checkpoint at 3
                           std::string("\x01\x02garbage{{{"),          // corrupt
                           std::string(R"({"version":100,"size":3})"),  // ahead of the log
                           std::string(R"({"version":0,"size":3})"),    // older than the newest checkpoint
                           std::string(R"({"version":"two"})"), std::string(R"({"version":2,"size":3,"parts":7})"),
                           std::string("")}) {
    MemTable t;
    WriteLogWithCheckpoint(&t);
    t.PutLog("_last_checkpoint", hint);
    ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
    EXPECT_EQ(seg.version, 4) << hint;
    EXPECT_EQ(seg.checkpoint_version, std::optional<int64_t>(2)) << hint;
    EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{3, 4})) << hint;
    ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(t.root(), seg));
    EXPECT_EQ(LivePaths(state), (std::set<std::string>{"c.parquet", "d.parquet"})) << hint;
    ASSERT_OK_AND_ASSIGN(auto seg1, BuildLogSegment(t.root(), 1));
    EXPECT_EQ(CommitVersions(seg1), (std::vector<int64_t>{0, 1})) << hint;
  }
  MemTable t;
  t.PutLog("_last_checkpoint", R"({"version":12,"size":40,"parts":3})");
  auto hint = ReadLastCheckpointHint(t.root().Child("_delta_log"));
  ASSERT_TRUE(hint);
  EXPECT_EQ(hint->version, 12);
  EXPECT_EQ(hint->size, 40);
  EXPECT_EQ(hint->parts, std::optional<int64_t>(3));
  t.PutLog("_last_checkpoint", "nope");
  EXPECT_FALSE(ReadLastCheckpointHint(t.root().Child("_delta_log")));
}

std::string PartName(int64_t v, int part, int parts) {
  return fmt::format("{:020d}.checkpoint.{:010d}.{:010d}.parquet", v, part, parts);
}

TEST(LogSegment, MultiPartCheckpointMissingPart) {
  MemTable t;
  WriteLogWithCheckpoint(&t);
  // An incomplete two-part checkpoint at 4 (part 2 missing): the v2 checkpoint at 2 is used.
  t.PutLog(PartName(4, 1, 2), "PAR1 not really");
  t.PutLog("_last_checkpoint", R"({"version":4,"size":3,"parts":2})");
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
  EXPECT_EQ(seg.checkpoint_version, std::optional<int64_t>(2));
  EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{3, 4}));
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(t.root(), seg));
  EXPECT_EQ(LivePaths(state), (std::set<std::string>{"c.parquet", "d.parquet"}));

  // A complete set of parts is chosen, sorted by part number.
  t.PutLog(PartName(4, 2, 2), "PAR1 not really");
  ASSERT_OK_AND_ASSIGN(auto seg2, BuildLogSegment(t.root()));
  EXPECT_EQ(seg2.checkpoint_version, std::optional<int64_t>(4));
  ASSERT_EQ(seg2.checkpoint_parts.size(), 2u);
  EXPECT_EQ(seg2.checkpoint_parts[0].part, 1);
  EXPECT_EQ(seg2.checkpoint_parts[1].part, 2);
  EXPECT_TRUE(seg2.commits.empty());
}

TEST(LogSegment, MultiPartCheckpointMissingPartNoFallback) {
  MemTable t;
  // Commits 0..2 were cleaned up; only an incomplete checkpoint at 2 and commits 3, 4 remain.
  t.PutLog(PartName(2, 2, 3), "x");
  t.PutLog(PartName(2, 3, 3), "x");
  t.Commit(3, {AddLine("d.parquet")});
  t.Commit(4, {AddLine("e.parquet")});
  auto r = BuildLogSegment(t.root());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruptData()) << r.status().ToString();
  // Exactly at the incomplete checkpoint's version, the message says so.
  MemTable u;
  u.PutLog(PartName(2, 1, 3), "x");
  u.PutLog(PartName(2, 3, 3), "x");
  u.Commit(3, {AddLine("d.parquet")});
  auto r2 = BuildLogSegment(u.root(), 2);
  ASSERT_FALSE(r2.ok());
  EXPECT_TRUE(r2.status().IsCorruptData()) << r2.status().ToString();
}

TEST(LogSegment, CompactionAndChecksumFilesIgnored) {
  MemTable t;
  t.Commit(0, {kProtocolLine, MetadataLine(), AddLine("a.parquet")});
  t.Commit(1, {AddLine("b.parquet")});
  t.Commit(2, {RemoveLine("a.parquet")});
  t.Commit(3, {AddLine("c.parquet")});
  // A compaction file whose content disagrees with the commits (and is not even valid JSON) must
  // not be read; neither must checksum files or other junk in _delta_log.
  t.PutLog("00000000000000000001.00000000000000000003.compacted.json", "{{{ not json");
  t.PutLog("00000000000000000003.crc", "garbage");
  t.PutLog("00000000000000000001.crc", "garbage");
  t.PutLog("00000000000000000004.json.tmp", "garbage");
  t.PutLog(".00000000000000000004.json.crc", "garbage");
  t.PutLog("_sidecars/00000000000000000009.json", "garbage");
  t.PutLog("_staged_commits/00000000000000000009.json", "garbage");
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
  EXPECT_EQ(seg.version, 3);
  EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{0, 1, 2, 3}));
  ASSERT_TRUE(seg.checksum);
  EXPECT_EQ(seg.checksum->version, 3);
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(t.root(), seg));
  EXPECT_EQ(LivePaths(state), (std::set<std::string>{"b.parquet", "c.parquet"}));
  ASSERT_OK_AND_ASSIGN(auto seg2, BuildLogSegment(t.root(), 2));
  EXPECT_FALSE(seg2.checksum);
}

// ----------------------------------------------------------------------------------------------
// Replay

TEST(LogReplay, ReconciliationRules) {
  MemTable t;
  t.Commit(0, {CommitInfoLine("CREATE"), kProtocolLine, MetadataLine("m0"), AddLine("a.parquet", 1),
               AddLine("b.parquet", 10), R"({"txn":{"appId":"app1","version":1}})",
               R"({"domainMetadata":{"domain":"d1","configuration":"c1","removed":false}})",
               R"({"domainMetadata":{"domain":"d2","configuration":"c2","removed":false}})"});
  t.Commit(1, {RemoveLine("a.parquet"), R"({"txn":{"appId":"app2","version":3}})"});
  t.Commit(2, {AddLine("a.parquet", 2), R"({"txn":{"appId":"app1","version":5}})"});
  // b gets a deletion vector: remove without DV, add with DV 1.
  t.Commit(3, {RemoveLine("b.parquet"), AddLine("b.parquet", 10, InlineDv("dv1", 2)),
               R"({"domainMetadata":{"domain":"d1","configuration":"c1","removed":true}})",
               MetadataLine("m3", R"({"delta.appendOnly":"false"})")});
  // DV 1 replaced by DV 2; newer protocol; d2 reconfigured.
  t.Commit(4, {CommitInfoLine("DELETE"), RemoveLine("b.parquet", InlineDv("dv1", 2)),
               AddLine("b.parquet", 10, InlineDv("dv2", 3)), R"({"protocol":{"minReaderVersion":1,"minWriterVersion":3}})",
               R"({"domainMetadata":{"domain":"d2","configuration":"c2-new","removed":false}})"});

  ASSERT_OK_AND_ASSIGN(auto s, Load(t.root()));
  ASSERT_EQ(s.files.size(), 2u);
  std::map<std::string, const Add*> by_path;
  for (const auto& f : s.files) by_path[f.path] = &f;
  ASSERT_TRUE(by_path.count("a.parquet"));
  EXPECT_EQ(by_path["a.parquet"]->NumLiveRecords(), std::optional<int64_t>(2));  // the re-added file
  ASSERT_TRUE(by_path.count("b.parquet"));
  ASSERT_TRUE(by_path["b.parquet"]->deletion_vector);
  EXPECT_EQ(by_path["b.parquet"]->deletion_vector->path_or_inline_dv, "dv2");
  EXPECT_EQ(SumRows(s), 2 + 7);
  EXPECT_EQ(s.transactions.size(), 2u);
  EXPECT_EQ(s.transactions.at("app1").version, 5);
  EXPECT_EQ(s.transactions.at("app2").version, 3);
  ASSERT_EQ(s.domains.size(), 1u);
  EXPECT_EQ(s.domains.at("d2").configuration, "c2-new");
  ASSERT_TRUE(s.metadata);
  EXPECT_EQ(s.metadata->id, "m3");
  EXPECT_EQ(s.metadata->configuration.at("delta.appendOnly"), "false");
  ASSERT_TRUE(s.protocol);
  EXPECT_EQ(s.protocol->min_writer_version, 3);
  ASSERT_TRUE(s.latest_commit_info);
  EXPECT_EQ(s.latest_commit_info->operation, std::optional<std::string>("DELETE"));

  // Time travel through the same rules.
  ASSERT_OK_AND_ASSIGN(auto s1, Load(t.root(), 1));
  EXPECT_EQ(LivePaths(s1), (std::set<std::string>{"b.parquet"}));
  EXPECT_EQ(s1.metadata->id, "m0");
  EXPECT_EQ(s1.protocol->min_writer_version, 2);
  EXPECT_EQ(s1.transactions.at("app1").version, 1);
  EXPECT_EQ(s1.domains.size(), 2u);
  EXPECT_FALSE(s1.latest_commit_info);  // commit 1 has no commitInfo

  ASSERT_OK_AND_ASSIGN(auto s3, Load(t.root(), 3));
  ASSERT_EQ(s3.files.size(), 2u);
  EXPECT_EQ(SumRows(s3), 2 + 8);
  EXPECT_EQ(s3.domains.count("d1"), 0u);
  EXPECT_EQ(s3.domains.at("d2").configuration, "c2");
}

TEST(LogReplay, IncrementalEqualsFull) {
  MemTable t;
  t.Commit(0, {kProtocolLine, MetadataLine("m0"), AddLine("a.parquet", 1), AddLine("b.parquet", 2),
               R"({"txn":{"appId":"x","version":1}})", R"({"domainMetadata":{"domain":"d","configuration":"1"}})"});
  t.Commit(1, {AddLine("c.parquet", 3)});
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(t.root()));
  ASSERT_OK_AND_ASSIGN(auto base, ReplayLog(t.root(), seg));
  t.Commit(2, {RemoveLine("a.parquet"), AddLine("d.parquet", 4), R"({"txn":{"appId":"x","version":2}})"});
  t.Commit(3, {CommitInfoLine("OPTIMIZE"), MetadataLine("m3"),
               R"({"domainMetadata":{"domain":"d","configuration":"1","removed":true}})"});
  ASSERT_OK_AND_ASSIGN(auto news, ListCommitsAfter(seg.log_root, seg.version));
  ASSERT_EQ(news.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto inc, ReplayIncremental(t.root(), base, news));
  ASSERT_OK_AND_ASSIGN(auto full, Load(t.root()));
  EXPECT_EQ(LivePaths(inc), LivePaths(full));
  EXPECT_EQ(LivePaths(inc), (std::set<std::string>{"b.parquet", "c.parquet", "d.parquet"}));
  EXPECT_EQ(inc.metadata->id, "m3");
  EXPECT_EQ(inc.transactions.at("x").version, 2);
  EXPECT_TRUE(inc.domains.empty());
  ASSERT_TRUE(inc.latest_commit_info);
  EXPECT_EQ(inc.latest_commit_info->operation, std::optional<std::string>("OPTIMIZE"));
}

TEST(LogReplay, MissingProtocolOrMetadataOrCorruptCommit) {
  {
    MemTable t;
    t.Commit(0, {MetadataLine(), AddLine("a.parquet")});
    auto r = Load(t.root());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruptData());
    EXPECT_NE(r.status().message().find("protocol"), std::string::npos) << r.status().message();
  }
  {
    MemTable t;
    t.Commit(0, {kProtocolLine, AddLine("a.parquet")});
    auto r = Load(t.root());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruptData());
    EXPECT_NE(r.status().message().find("metaData"), std::string::npos) << r.status().message();
  }
  {
    MemTable t;
    t.Commit(0, {kProtocolLine, MetadataLine()});
    t.Commit(1, {AddLine("a.parquet"), R"({"add":{"size":3}})"});
    auto r = Load(t.root());
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruptData());
    EXPECT_NE(r.status().message().find("00000000000000000001.json"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("line 2"), std::string::npos) << r.status().message();
  }
}

TEST(FileActionKey, Canonicalisation) {
  const std::string root = "/data/tbl";
  auto key = [&](std::string_view p) { return FileActionKey(root, p, std::nullopt); };
  EXPECT_EQ(key("a.parquet"), "a.parquet");
  EXPECT_EQ(key("p=1/a%20b.parquet"), "p=1/a b.parquet");
  EXPECT_EQ(key("p%3D1/a.parquet"), "p=1/a.parquet");
  EXPECT_EQ(key("/data/tbl/p=1/a.parquet"), "p=1/a.parquet");
  EXPECT_EQ(key("file:///data/tbl/p=1/a.parquet"), "p=1/a.parquet");
  EXPECT_EQ(key("file:/data/tbl/p=1/a.parquet"), "p=1/a.parquet");
  EXPECT_EQ(key("file://localhost/data/tbl/p=1/a.parquet"), "p=1/a.parquet");
  EXPECT_EQ(key("file:///data/tbl/p%3D1/a%20b.parquet"), "p=1/a b.parquet");
  // Outside the root (or a sibling sharing its prefix): kept absolute.
  EXPECT_EQ(key("/data/tbl2/a.parquet"), "/data/tbl2/a.parquet");
  EXPECT_EQ(key("file:///other/a.parquet"), "/other/a.parquet");
  EXPECT_EQ(key("s3://bucket/a.parquet"), "s3://bucket/a.parquet");
  // Deletion vectors separate keys.
  dv::DeletionVectorDescriptor d1{"u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 10, 2};
  dv::DeletionVectorDescriptor d2 = d1;
  d2.offset = 50;
  EXPECT_NE(FileActionKey(root, "a.parquet", d1), key("a.parquet"));
  EXPECT_NE(FileActionKey(root, "a.parquet", d1), FileActionKey(root, "a.parquet", d2));
  EXPECT_EQ(FileActionKey(root, "a.parquet", d1), FileActionKey(root, "/data/tbl/a.parquet", d1));
}

// A local table in a temporary directory (file: URIs need the local store).
void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << content;
}

TEST(LogReplay, AbsoluteAndEncodedPathsReconcileWithRelative) {
  TempDir dir;
  fs::path root = dir.path() / "my table";
  fs::path log = root / "_delta_log";
  std::string abs = root.string();
  WriteFile(log / CommitFileName(0),
            Join({kProtocolLine, MetadataLine(), AddLine("p%3D1/a.parquet"), AddLine("b%20c.parquet"), AddLine("d.parquet"),
                  AddLine("e.parquet")}));
  // Removes name the same files in other spellings: decoded, absolute path, file: URIs with
  // percent-encoding.
  std::string encoded_root;
  for (char c : abs) encoded_root += c == ' ' ? std::string("%20") : std::string(1, c);
  WriteFile(log / CommitFileName(1),
            Join({RemoveLine("p=1/a.parquet"), RemoveLine("file://" + encoded_root + "/b%20c.parquet"),
                  RemoveLine(encoded_root + "/d.parquet"), RemoveLine("file:" + encoded_root + "/other.parquet")}));
  ASSERT_OK_AND_ASSIGN(auto loc, storage::ResolveUri(abs));
  ASSERT_OK_AND_ASSIGN(auto s, Load(loc));
  EXPECT_EQ(LivePaths(s), (std::set<std::string>{"e.parquet"}));
}

// ----------------------------------------------------------------------------------------------
// Shared tables: real checkpoints. Expected numbers come from the conformance suite's expected
// files (derived from the logs).

struct Expect {
  int64_t version;
  size_t files;
  int64_t rows;  // -1: no row count check
};

void CheckTable(const std::string& path, std::optional<int64_t> version, const Expect& e,
                std::optional<LogFileType> checkpoint_type = {}, size_t checkpoint_parts = 0) {
  ASSERT_OK_AND_ASSIGN(auto loc, storage::ResolveUri(path));
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(loc, version));
  EXPECT_EQ(seg.version, e.version) << path;
  if (checkpoint_type) {
    ASSERT_FALSE(seg.checkpoint_parts.empty()) << path;
    EXPECT_EQ(seg.checkpoint_parts[0].type, *checkpoint_type) << path;
    EXPECT_EQ(seg.checkpoint_parts.size(), checkpoint_parts) << path;
  }
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(loc, seg));
  EXPECT_EQ(state.files.size(), e.files) << path << " @" << e.version;
  if (e.rows >= 0) {
    EXPECT_EQ(SumRows(state), e.rows) << path << " @" << e.version;
  }
  // Without stats, the same files.
  ReplayOptions no_stats;
  no_stats.keep_stats = false;
  no_stats.num_threads = 1;
  ASSERT_OK_AND_ASSIGN(auto lean, ReplayLog(loc, seg, no_stats));
  EXPECT_EQ(LivePaths(lean), LivePaths(state));
  for (const auto& f : lean.files) EXPECT_TRUE(f.stats.empty());
}

TEST(SharedTables, ClassicCheckpoint) {
  SHARED_OR_SKIP(p, "kernel-rs-golden/checkpoint/delta");
  CheckTable(p, {}, {14, 1, -1}, LogFileType::kClassicCheckpoint, 1);
  CheckTable(p, 5, {5, 1, -1});
  ASSERT_OK_AND_ASSIGN(auto loc, storage::ResolveUri(p));
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(loc));
  EXPECT_EQ(seg.checkpoint_version, std::optional<int64_t>(10));
  EXPECT_EQ(CommitVersions(seg), (std::vector<int64_t>{11, 12, 13, 14}));
  SHARED_OR_SKIP(q, "kernel-rs-golden/basic-with-inserts-deletes-checkpoint/delta");
  CheckTable(q, {}, {13, 7, 41}, LogFileType::kClassicCheckpoint, 1);
  CheckTable(q, 9, {9, 5, 25});
  CheckTable(q, 12, {12, 8, 55});
}

TEST(SharedTables, MultiPartStructStatsOnly) {
  SHARED_OR_SKIP(p, "kernel-rs/v1-multi-part-struct-stats-only");
  CheckTable(p, {}, {5, 5, 5}, LogFileType::kMultiPartCheckpoint, 3);
  CheckTable(p, 3, {3, 3, 3});
  SHARED_OR_SKIP(q, "kernel-rs/v1-single-part-struct-stats-only");
  CheckTable(q, {}, {5, 5, 5});
}

TEST(SharedTables, V2Checkpoints) {
  SHARED_OR_SKIP(p, "kernel-rs/v2-checkpoints-json-with-sidecars");
  CheckTable(p, {}, {6, 101, 1233}, LogFileType::kV2Checkpoint, 1);
  CheckTable(p, 5, {5, 100, 1232}, LogFileType::kV2Checkpoint, 1);
  CheckTable(p, 2, {2, 11, 32});
  SHARED_OR_SKIP(q, "kernel-rs/v2-checkpoints-parquet-with-last-checkpoint");
  CheckTable(q, {}, {0, 2, 10}, LogFileType::kV2Checkpoint, 1);
  SHARED_OR_SKIP(r, "kernel-rs/v2-parquet-sidecars-struct-stats-only");
  CheckTable(r, {}, {5, 5, 5}, LogFileType::kV2Checkpoint, 1);
  SHARED_OR_SKIP(s, "kernel-rs/v2-json-sidecars-struct-stats-only");
  CheckTable(s, {}, {5, 5, 5}, LogFileType::kV2Checkpoint, 1);
  CheckTable(s, 4, {4, 4, 4});
}

TEST(SharedTables, DvCheckpoint) {
  SHARED_OR_SKIP(p, "kernel-rs-golden/dv-partitioned-with-checkpoint/delta");
  CheckTable(p, {}, {15, 15, 35});
  CheckTable(p, 10, {10, 18, 40});
  CheckTable(p, 3, {3, 20, 47});
}

// Copies a shared table into a writable temporary directory.
TEST(SharedTables, MultiPartWithMissingPartFallsBack) {
  SHARED_OR_SKIP(p, "kernel-rs/v1-multi-part-struct-stats-only");
  TempDir dir;
  fs::path copy = dir.path() / "t";
  CopyTree(p, copy);
  fs::path log = copy / "_delta_log";
  fs::remove(log / PartName(5, 2, 3));
  // _last_checkpoint still points at the broken checkpoint: replay from the commits.
  ASSERT_OK_AND_ASSIGN(auto loc, storage::ResolveUri(copy.string()));
  ASSERT_OK_AND_ASSIGN(auto seg, BuildLogSegment(loc));
  EXPECT_FALSE(seg.checkpoint_version);
  EXPECT_EQ(seg.commits.size(), 6u);
  ASSERT_OK_AND_ASSIGN(auto state, ReplayLog(loc, seg));
  EXPECT_EQ(state.files.size(), 5u);
  EXPECT_EQ(SumRows(state), 5);
  // Without commit 0 nothing can reconstruct version 5.
  fs::remove(log / CommitFileName(0));
  auto r = BuildLogSegment(loc);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruptData()) << r.status().ToString();
}

}  // namespace
}  // namespace delta::log
