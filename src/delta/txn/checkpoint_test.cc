// Tests of checkpoint writing and log cleanup: a snapshot rebuilt from our checkpoint alone
// equals the one replayed from the commits (hand-made logs and copies of shared Spark / delta-rs /
// kernel tables with deletion vectors, column mapping, partitions, txns), multi-part and v2
// checkpoints, stats_parsed, _last_checkpoint contents, tombstone expiry, the Parquet layout, and
// CleanupExpiredLogs with controlled file times.
#include "delta/txn/checkpoint.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/time.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <string>

#include "delta/expr/stats.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/protocol/action_json.h"
#include "delta/schema/column_mapping.h"
#include "delta/table/table.h"
#include "support/matchers.h"
#include "support/temp_table.h"

namespace delta::txn {
namespace {

using ::delta::testing::CopyTree;
using ::delta::testing::TempDir;

namespace fs = std::filesystem;
namespace p = delta::protocol;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string LogName(int64_t v, std::string_view suffix = ".json") {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020lld", static_cast<long long>(v));
  return std::string(buf) + std::string(suffix);
}

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteCommit(const fs::path& table, int64_t version, const std::vector<p::Action>& actions) {
  WriteFile(table / "_delta_log" / LogName(version), p::ActionsToJson(actions));
}

void SetMtime(const fs::path& path, int64_t ms) {
  struct timeval tv[2];
  tv[0].tv_sec = tv[1].tv_sec = ms / 1000;
  tv[0].tv_usec = tv[1].tv_usec = (ms % 1000) * 1000;
  ASSERT_EQ(utimes(path.c_str(), tv), 0) << path;
}

Result<table::SnapshotPtr> Load(const fs::path& dir, std::optional<int64_t> version = {}) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(dir.string()));
  table::SnapshotOptions o;
  o.version = version;
  o.with_stats = true;
  o.with_tombstones = true;
  return t->GetSnapshot(o);
}

std::vector<std::string> LogFiles(const fs::path& table) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(table / "_delta_log")) {
    if (e.is_regular_file()) out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Deletes every commit / checksum / checkpoint below `version` and the commit at `version`, so
// only a checkpoint at `version` can define the snapshot.
void DropLogBefore(const fs::path& table, int64_t version) {
  for (const auto& name : LogFiles(table)) {
    if (name.size() < 20 || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
    int64_t v = std::stoll(name.substr(0, 20));
    bool is_commit = name.size() == 25 && name.substr(20) == ".json";
    if (v < version || (v == version && (is_commit || name.ends_with(".crc")))) fs::remove(table / "_delta_log" / name);
  }
}

// A top-level integer field of a small JSON object (the tests' own _last_checkpoint files; not
// a JSON parser: the first "key":N occurrence).
std::optional<int64_t> JsonInt(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\":(-?[0-9]+)"))) return std::nullopt;
  return std::stoll(m[1].str());
}

std::string DvId(const std::optional<dv::DeletionVectorDescriptor>& d) { return d ? d->UniqueId() : ""; }

void ExpectSameState(const table::Snapshot& a, const table::Snapshot& b, bool compare_stats_text = true) {
  EXPECT_EQ(a.version(), b.version());
  EXPECT_EQ(p::ActionToJson(a.protocol()), p::ActionToJson(b.protocol()));
  EXPECT_EQ(p::ActionToJson(a.metadata()), p::ActionToJson(b.metadata()));
  ASSERT_EQ(a.files().size(), b.files().size());
  std::map<std::string, const p::Add*> by_key;
  for (const auto& f : a.files()) by_key[f.path + "#" + DvId(f.deletion_vector)] = &f;
  for (const auto& f : b.files()) {
    auto it = by_key.find(f.path + "#" + DvId(f.deletion_vector));
    ASSERT_NE(it, by_key.end()) << f.path;
    const p::Add& o = *it->second;
    EXPECT_EQ(f.partition_values, o.partition_values) << f.path;
    EXPECT_EQ(f.size, o.size) << f.path;
    EXPECT_EQ(f.modification_time, o.modification_time) << f.path;
    EXPECT_EQ(f.data_change, o.data_change) << f.path;
    if (compare_stats_text) EXPECT_EQ(f.stats, o.stats) << f.path;
    EXPECT_EQ(f.tags, o.tags) << f.path;
    if (f.deletion_vector) {
      EXPECT_EQ(f.deletion_vector->size_in_bytes, o.deletion_vector->size_in_bytes);
      EXPECT_EQ(f.deletion_vector->cardinality, o.deletion_vector->cardinality);
    }
    EXPECT_EQ(f.base_row_id, o.base_row_id) << f.path;
    EXPECT_EQ(f.default_row_commit_version, o.default_row_commit_version) << f.path;
    EXPECT_EQ(f.clustering_provider, o.clustering_provider) << f.path;
  }
  ASSERT_EQ(a.transactions().size(), b.transactions().size());
  for (const auto& [app, t] : a.transactions()) {
    auto it = b.transactions().find(app);
    ASSERT_NE(it, b.transactions().end()) << app;
    EXPECT_EQ(it->second.version, t.version);
    EXPECT_EQ(it->second.last_updated, t.last_updated);
  }
  ASSERT_EQ(a.domains().size(), b.domains().size());
  for (const auto& [name, d] : a.domains()) {
    auto it = b.domains().find(name);
    ASSERT_NE(it, b.domains().end()) << name;
    EXPECT_EQ(it->second.configuration, d.configuration);
  }
}

// ---- A hand-made table ----------------------------------------------------------------------

constexpr char kSchema[] =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"s","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"d","type":"double","nullable":true,"metadata":{}},)"
    R"({"name":"p","type":"string","nullable":true,"metadata":{}}]})";

p::Add MakeAdd(const std::string& path, const std::optional<std::string>& part, int64_t n) {
  p::Add a;
  a.path = path;
  a.partition_values = {{"p", part}};
  a.size = 1000 + n;
  a.modification_time = 1700000000000 + n;
  a.data_change = true;
  a.stats = fmt::format(R"({{"numRecords":{},"minValues":{{"id":{},"s":"a\"{}","d":1.5}},)"
                        R"("maxValues":{{"id":{},"s":"zé{}","d":{}.25}},"nullCount":{{"id":0,"s":1,"d":0}}}})",
                        n, n, n, n * 10, n, n);
  a.tags = {{"INSERTION_TIME", std::to_string(n)}};
  return a;
}

// Versions 0..2: protocol/metadata, adds, a txn and a domain, a remove that is still a tombstone
// and one that expired long ago, an add with a deletion vector.
void MakeTable(const fs::path& dir, const p::Protocol& protocol, const std::map<std::string, std::string>& config = {}) {
  p::Metadata m;
  m.id = "test-table-id";
  m.name = "t";
  m.schema_string = kSchema;
  m.partition_columns = {"p"};
  m.created_time = 1700000000000;
  m.configuration = config;
  p::CommitInfo ci;
  ci.timestamp = 1700000000000;
  ci.operation = "CREATE TABLE";
  WriteCommit(dir, 0, {ci, protocol, m, MakeAdd("p=a/f0.parquet", "a", 1), MakeAdd("p=b/f1.parquet", "b", 2),
                       MakeAdd("p=__HIVE_DEFAULT_PARTITION__/f2.parquet", std::nullopt, 3)});
  p::Remove old_remove;
  old_remove.path = "p=b/f1.parquet";
  old_remove.deletion_timestamp = 1000;  // expired
  old_remove.extended_file_metadata = true;
  old_remove.partition_values = {{"p", "b"}};
  old_remove.size = 1002;
  p::SetTransaction txn{"app-1", 7, 1700000000500};
  p::DomainMetadata dom{"delta.test", R"({"k":1})", false};
  p::Add with_dv = MakeAdd("p=a/f0.parquet", "a", 1);
  with_dv.deletion_vector = dv::DeletionVectorDescriptor{"u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 36, 2};
  with_dv.base_row_id = 10;
  with_dv.default_row_commit_version = 1;
  p::Remove replaced;
  replaced.path = "p=a/f0.parquet";
  replaced.deletion_timestamp = NowMs() - 1000;  // still a tombstone
  replaced.extended_file_metadata = true;
  replaced.partition_values = {{"p", "a"}};
  replaced.size = 1001;
  WriteCommit(dir, 1, {old_remove, txn, dom, replaced, with_dv});
  p::Remove recent;
  recent.path = "p=c/gone.parquet";
  recent.deletion_timestamp = NowMs() - 2000;
  recent.data_change = true;
  WriteCommit(dir, 2, {MakeAdd("p=c/f3.parquet", "c", 4), recent});
}

p::Protocol LegacyProtocol() {
  p::Protocol pr;
  pr.min_reader_version = 1;
  pr.min_writer_version = 2;
  return pr;
}

TEST(Checkpoint, ClassicRoundTripAndLastCheckpoint) {
  TempDir tmp;
  MakeTable(tmp.path(), LegacyProtocol());
  ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
  ASSERT_EQ(full->version(), 2);
  ASSERT_EQ(full->files().size(), 3u);
  ASSERT_OK_AND_ASSIGN(int64_t v, WriteCheckpoint(full));
  EXPECT_EQ(v, 2);
  fs::path cp = tmp.path() / "_delta_log" / LogName(2, ".checkpoint.parquet");
  ASSERT_TRUE(fs::exists(cp));

  // _last_checkpoint: protocol, metaData, 1 txn, 1 domain, 3 adds, 2 unexpired tombstones (the
  // remove of f1 expired long ago).
  std::string hint = ReadFile(tmp.path() / "_delta_log" / "_last_checkpoint");
  EXPECT_EQ(hint, fmt::format(R"({{"version":2,"size":9,"sizeInBytes":{},"numOfAddFiles":3}})", fs::file_size(cp)));

  // The Parquet layout: Spark's top-level columns, one action per row.
  ASSERT_OK_AND_ASSIGN(auto reader, parquet::FileReader::OpenPath(cp.string()));
  ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadAll());
  std::vector<std::string> names;
  for (const auto& f : batch->schema->fields()) names.push_back(f->name);
  EXPECT_EQ(names, (std::vector<std::string>{"txn", "add", "remove", "metaData", "protocol", "domainMetadata"}));
  ASSERT_EQ(batch->num_rows, 9);
  std::vector<int> per_column(names.size(), 0);
  for (int64_t r = 0; r < batch->num_rows; ++r) {
    int valid = 0;
    for (int c = 0; c < batch->num_columns(); ++c) {
      if (batch->column(c)->IsValid(r)) {
        ++valid;
        ++per_column[static_cast<size_t>(c)];
      }
    }
    EXPECT_EQ(valid, 1) << "row " << r;
  }
  EXPECT_EQ(per_column, (std::vector<int>{1, 3, 2, 1, 1, 1}));
  const auto& add_type = batch->schema->field(1)->type;
  std::vector<std::string> add_fields;
  for (const auto& f : add_type->children()) add_fields.push_back(f->name);
  EXPECT_EQ(add_fields, (std::vector<std::string>{"path", "partitionValues", "size", "modificationTime", "dataChange",
                                                   "tags", "deletionVector", "baseRowId", "defaultRowCommitVersion",
                                                   "clusteringProvider", "stats"}));

  // The snapshot from the checkpoint alone equals the replayed one, tombstones included.
  DropLogBefore(tmp.path(), 2);
  ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
  EXPECT_EQ(from_cp->segment().checkpoint_version, std::optional<int64_t>(2));
  EXPECT_TRUE(from_cp->segment().commits.empty());
  ExpectSameState(*full, *from_cp);
  std::vector<std::string> tombstones;
  for (const auto& r : from_cp->tombstones()) tombstones.push_back(r.path);
  std::sort(tombstones.begin(), tombstones.end());
  EXPECT_EQ(tombstones, (std::vector<std::string>{"p=a/f0.parquet", "p=c/gone.parquet"}));
  for (const auto& r : from_cp->tombstones()) {
    if (r.path == "p=a/f0.parquet") {
      EXPECT_EQ(r.size, std::optional<int64_t>(1001));
      EXPECT_TRUE(r.extended_file_metadata);
      EXPECT_EQ(r.partition_values, (p::PartitionValues{{"p", "a"}}));
    }
  }
}

TEST(Checkpoint, ExistingCheckpointLeftAlone) {
  TempDir tmp;
  MakeTable(tmp.path(), LegacyProtocol());
  ASSERT_OK_AND_ASSIGN(auto snap, Load(tmp.path()));
  ASSERT_OK(WriteCheckpoint(snap).status());
  fs::path cp = tmp.path() / "_delta_log" / LogName(2, ".checkpoint.parquet");
  WriteFile(cp, "marker");  // a second write would replace it
  ASSERT_OK_AND_ASSIGN(int64_t v, WriteCheckpoint(snap));
  EXPECT_EQ(v, 2);
  EXPECT_EQ(ReadFile(cp), "marker");
}

TEST(Checkpoint, RequiresStatsAndTombstones) {
  TempDir tmp;
  MakeTable(tmp.path(), LegacyProtocol());
  ASSERT_OK_AND_ASSIGN(auto t, table::Table::Open(tmp.path().string()));
  ASSERT_OK_AND_ASSIGN(auto no_tombstones, t->GetSnapshot({}));
  ASSERT_RAISES(InvalidArgument, WriteCheckpoint(no_tombstones));
  table::SnapshotOptions o;
  o.with_stats = false;
  o.with_tombstones = true;
  ASSERT_OK_AND_ASSIGN(auto no_stats, t->GetSnapshot(o));
  ASSERT_RAISES(InvalidArgument, WriteCheckpoint(no_stats));
  ASSERT_RAISES(InvalidArgument, WriteCheckpoint(nullptr));
  EXPECT_FALSE(fs::exists(tmp.path() / "_delta_log" / LogName(2, ".checkpoint.parquet")));
}

TEST(Checkpoint, TombstoneRetentionFromConfiguration) {
  TempDir tmp;
  // A retention of 1 second: both tombstones (1 and 2 s old, or older) have expired.
  MakeTable(tmp.path(), LegacyProtocol(), {{"delta.deletedFileRetentionDuration", "interval 0 seconds"}});
  ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
  ASSERT_OK(WriteCheckpoint(full).status());
  DropLogBefore(tmp.path(), 2);
  ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
  EXPECT_TRUE(from_cp->tombstones().empty());
  ExpectSameState(*full, *from_cp);
}

TEST(Checkpoint, MultiPart) {
  TempDir tmp;
  MakeTable(tmp.path(), LegacyProtocol());
  ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
  CheckpointOptions o;
  o.rows_per_part = 2;  // 9 actions -> 5 parts
  ASSERT_OK(WriteCheckpoint(full, o).status());
  int64_t total_size = 0;
  for (int part = 1; part <= 5; ++part) {
    fs::path f = tmp.path() / "_delta_log" /
                 LogName(2, fmt::format(".checkpoint.{:010d}.{:010d}.parquet", part, 5));
    ASSERT_TRUE(fs::exists(f)) << f;
    total_size += static_cast<int64_t>(fs::file_size(f));
    ASSERT_OK_AND_ASSIGN(auto reader, parquet::FileReader::OpenPath(f.string()));
    ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadAll());
    EXPECT_EQ(batch->num_rows, part < 5 ? 2 : 1);
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "_delta_log" / LogName(2, ".checkpoint.parquet")));
  std::string hint = ReadFile(tmp.path() / "_delta_log" / "_last_checkpoint");
  EXPECT_EQ(hint, fmt::format(R"({{"version":2,"size":9,"parts":5,"sizeInBytes":{},"numOfAddFiles":3}})", total_size));
  DropLogBefore(tmp.path(), 2);
  ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
  EXPECT_EQ(from_cp->segment().checkpoint_parts.size(), 5u);
  ExpectSameState(*full, *from_cp);
  EXPECT_EQ(from_cp->tombstones().size(), 2u);
}

TEST(Checkpoint, V2WhenTableHasTheFeature) {
  TempDir tmp;
  p::Protocol pr;
  pr.min_reader_version = 3;
  pr.min_writer_version = 7;
  pr.reader_features = std::vector<std::string>{"v2Checkpoint"};
  pr.writer_features = std::vector<std::string>{"v2Checkpoint"};
  MakeTable(tmp.path(), pr, {{"delta.checkpointPolicy", "v2"}});
  ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
  ASSERT_OK(WriteCheckpoint(full).status());
  std::regex v2_name(R"(0{19}2\.checkpoint\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.parquet)");
  std::string found;
  for (const auto& n : LogFiles(tmp.path())) {
    if (std::regex_match(n, v2_name)) found = n;
    EXPECT_NE(n, LogName(2, ".checkpoint.parquet"));
  }
  ASSERT_FALSE(found.empty());
  ASSERT_OK_AND_ASSIGN(auto reader, parquet::FileReader::OpenPath((tmp.path() / "_delta_log" / found).string()));
  ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadAll());
  EXPECT_EQ(batch->schema->GetFieldIndex("checkpointMetadata"), 6);
  EXPECT_EQ(batch->num_rows, 10);

  std::string hint = ReadFile(tmp.path() / "_delta_log" / "_last_checkpoint");
  EXPECT_EQ(JsonInt(hint, "version"), 2);
  EXPECT_EQ(JsonInt(hint, "size"), 10);
  EXPECT_EQ(JsonInt(hint, "numOfAddFiles"), 3);
  EXPECT_NE(hint.find(R"("v2Checkpoint":{"path":")" + found + "\""), std::string::npos) << hint;
  // nonFileActions: protocol, metaData, txn, domainMetadata, checkpointMetadata.
  for (const char* kind : {"protocol", "metaData", "txn", "domainMetadata", "checkpointMetadata"}) {
    EXPECT_NE(hint.find(fmt::format(R"({{"{}":{{)", kind)), std::string::npos) << kind << " in " << hint;
  }
  EXPECT_NE(hint.find(R"("sidecarFiles":[]})"), std::string::npos) << hint;

  DropLogBefore(tmp.path(), 2);
  ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
  EXPECT_EQ(from_cp->segment().checkpoint_parts.size(), 1u);
  ExpectSameState(*full, *from_cp);
}

// Typed statistics only (no JSON stats): the reader rebuilds equivalent stats from stats_parsed.
TEST(Checkpoint, StatsAsStructOnly) {
  TempDir tmp;
  MakeTable(tmp.path(), LegacyProtocol());
  ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
  CheckpointOptions o;
  o.write_stats_as_json = false;
  o.write_stats_as_struct = true;
  ASSERT_OK(WriteCheckpoint(full, o).status());
  fs::path cp = tmp.path() / "_delta_log" / LogName(2, ".checkpoint.parquet");
  ASSERT_OK_AND_ASSIGN(auto reader, parquet::FileReader::OpenPath(cp.string()));
  ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadAll());
  const auto& add_type = batch->schema->field(1)->type;
  std::vector<std::string> add_fields;
  for (const auto& f : add_type->children()) add_fields.push_back(f->name);
  EXPECT_EQ(std::count(add_fields.begin(), add_fields.end(), "stats"), 0);
  EXPECT_EQ(add_fields.back(), "stats_parsed");
  EXPECT_EQ(add_fields[add_fields.size() - 2], "partitionValues_parsed");

  DropLogBefore(tmp.path(), 2);
  ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
  ExpectSameState(*full, *from_cp, /*compare_stats_text=*/false);
  ASSERT_OK_AND_ASSIGN(auto physical, schema::PhysicalSchema(*full->schema(), full->column_mapping_mode()));
  std::map<std::string, std::string> stats_by_path;
  for (const auto& f : full->files()) stats_by_path[f.path + DvId(f.deletion_vector)] = f.stats;
  for (const auto& f : from_cp->files()) {
    ASSERT_FALSE(f.stats.empty()) << f.path;
    ASSERT_OK_AND_ASSIGN(auto got, expr::ParseStatsJson(f.stats, *physical));
    ASSERT_OK_AND_ASSIGN(auto want, expr::ParseStatsJson(stats_by_path[f.path + DvId(f.deletion_vector)], *physical));
    EXPECT_EQ(got.num_records, want.num_records) << f.stats;
    for (const char* col : {"id", "s", "d"}) {
      std::vector<std::string> path{col};
      ASSERT_TRUE(want.Min(path).has_value()) << col;
      ASSERT_TRUE(got.Min(path).has_value()) << f.stats << " " << col;
      EXPECT_TRUE(got.Min(path)->Equals(*want.Min(path))) << f.stats << " " << col;
      EXPECT_TRUE(got.Max(path)->Equals(*want.Max(path))) << f.stats << " " << col;
      EXPECT_EQ(got.columns[path].null_count, want.columns[path].null_count) << col;
    }
  }
}

// ---- Shared tables (copied to a temp dir; the originals are read-only) ------------------------

void CopyLog(const fs::path& src, const fs::path& dst) {
  fs::create_directories(dst);
  fs::copy(src / "_delta_log", dst / "_delta_log", fs::copy_options::recursive);
}

TEST(Checkpoint, SharedTablesRoundTrip) {
  std::string shared = testing::SharedTablesDir();
  if (shared.empty()) GTEST_SKIP() << "shared tables absent";
  const char* tables[] = {
      "kernel-rs-golden/data-skipping-basic-stats-all-types-columnmapping-name/delta",  // column mapping
      "kernel-rs/partition_cm/name",                                                    // partitions + CM
      "delta-spark/table-with-dv-large",                                                // deletion vectors
      "kernel-rs-golden/dv-partitioned-with-checkpoint/delta",                          // DVs + partitions
      "kernel-rs/app-txn-with-last-updated",                                            // txn
      "delta-rs/checkpoint-v2-table",                                                   // v2 feature
  };
  int tested = 0;
  for (const char* name : tables) {
    SCOPED_TRACE(name);
    fs::path src = fs::path(shared) / name;
    if (!fs::exists(src / "_delta_log")) continue;
    for (bool as_struct : {false, true}) {
      TempDir tmp;
      CopyLog(src, tmp.path());
      ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
      // Remove any checkpoint already at the latest version so ours is the one read back.
      for (const auto& n : LogFiles(tmp.path())) {
        if (n.starts_with(LogName(full->version(), ".checkpoint"))) fs::remove(tmp.path() / "_delta_log" / n);
      }
      CheckpointOptions o;
      o.write_stats_as_struct = as_struct;
      o.write_stats_as_json = true;
      ASSERT_OK_AND_ASSIGN(int64_t v, WriteCheckpoint(full, o));
      EXPECT_EQ(v, full->version());
      DropLogBefore(tmp.path(), v);
      ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
      EXPECT_EQ(from_cp->segment().checkpoint_version, std::optional<int64_t>(v));
      ExpectSameState(*full, *from_cp);
      ++tested;
    }
  }
  EXPECT_GE(tested, 8);
}

// ---- Intervals and cleanup -------------------------------------------------------------------

TEST(ParseIntervalMs, SparkSyntax) {
  EXPECT_EQ(*ParseIntervalMs("interval 30 days"), 30LL * 86400000);
  EXPECT_EQ(*ParseIntervalMs("interval 1 week"), 7LL * 86400000);
  EXPECT_EQ(*ParseIntervalMs("INTERVAL 2 Hours"), 2LL * 3600000);
  EXPECT_EQ(*ParseIntervalMs("  interval   5 minutes "), 5LL * 60000);
  EXPECT_EQ(*ParseIntervalMs("interval 1 day 12 hours"), 36LL * 3600000);
  EXPECT_EQ(*ParseIntervalMs("10 seconds"), 10000);
  EXPECT_EQ(*ParseIntervalMs("interval 0 seconds"), 0);
  EXPECT_EQ(*ParseIntervalMs("interval 2500 microseconds"), 2);
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs(""));
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs("interval"));
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs("interval 3"));
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs("interval -3 days"));
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs("interval 3 fortnights"));
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs("interval x days"));
  ASSERT_RAISES(InvalidArgument, ParseIntervalMs("interval 999999999999999999 weeks"));
}

// Versions 0..9 (one add each), checkpoints at 3 and 6.
void MakeLongTable(const fs::path& dir, const std::map<std::string, std::string>& config = {}) {
  p::Metadata m;
  m.id = "long";
  m.schema_string = kSchema;
  m.configuration = config;
  WriteCommit(dir, 0, {LegacyProtocol(), m, MakeAdd("f0.parquet", "x", 0)});
  for (int v = 1; v < 10; ++v) WriteCommit(dir, v, {MakeAdd(fmt::format("f{}.parquet", v), "x", v)});
}

TEST(CleanupExpiredLogs, DeletesOnlyBeforeTheNewestExpiredCheckpoint) {
  TempDir tmp;
  MakeLongTable(tmp.path());
  for (int64_t v : {3, 6}) {
    ASSERT_OK_AND_ASSIGN(auto s, Load(tmp.path(), v));
    ASSERT_OK(WriteCheckpoint(s).status());
  }
  WriteFile(tmp.path() / "_delta_log" / LogName(2, ".crc"), "{}");
  const int64_t now = NowMs();
  const int64_t old_time = now - 40LL * 86400000;
  // Versions 0..7 are 40 days old, 8 and 9 recent: the cutoff commit is 7, the newest checkpoint
  // at or before it is 6, so commits 0..5, the crc of 2 and the checkpoint of 3 go.
  for (const auto& n : LogFiles(tmp.path())) {
    if (n == "_last_checkpoint") continue;
    int64_t v = std::stoll(n.substr(0, 20));
    SetMtime(tmp.path() / "_delta_log" / n, v <= 7 ? old_time + v * 1000 : now - 1000);
  }
  ASSERT_OK_AND_ASSIGN(auto snap, Load(tmp.path()));
  ASSERT_OK_AND_ASSIGN(int64_t deleted, CleanupExpiredLogs(snap, now));
  EXPECT_EQ(deleted, 8);
  std::vector<std::string> expected;
  for (int v = 6; v < 10; ++v) expected.push_back(LogName(v));
  expected.push_back(LogName(6, ".checkpoint.parquet"));
  expected.push_back("_last_checkpoint");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(LogFiles(tmp.path()), expected);
  for (int64_t v = 6; v < 10; ++v) {
    ASSERT_OK_AND_ASSIGN(auto s, Load(tmp.path(), v));
    EXPECT_EQ(s->files().size(), static_cast<size_t>(v + 1));
  }
  EXPECT_FALSE(Load(tmp.path(), 5).ok());
  // Nothing more to delete.
  ASSERT_OK_AND_ASSIGN(auto again, Load(tmp.path()));
  ASSERT_OK_AND_ASSIGN(int64_t deleted2, CleanupExpiredLogs(again, now));
  EXPECT_EQ(deleted2, 0);
}

TEST(CleanupExpiredLogs, RecentLogsAndConfiguredRetention) {
  TempDir tmp;
  MakeLongTable(tmp.path(), {{"delta.logRetentionDuration", "interval 2 hours"}});
  ASSERT_OK_AND_ASSIGN(auto s5, Load(tmp.path(), 5));
  ASSERT_OK(WriteCheckpoint(s5).status());
  const int64_t now = NowMs();
  // Everything 1 hour old: within the 2-hour retention, nothing goes.
  for (const auto& n : LogFiles(tmp.path())) SetMtime(tmp.path() / "_delta_log" / n, now - 3600000);
  ASSERT_OK_AND_ASSIGN(auto snap, Load(tmp.path()));
  ASSERT_OK_AND_ASSIGN(int64_t deleted, CleanupExpiredLogs(snap, now));
  EXPECT_EQ(deleted, 0);
  // Three hours later everything has expired: commits 0..4 go (5 stays with its checkpoint).
  ASSERT_OK_AND_ASSIGN(deleted, CleanupExpiredLogs(snap, now + 3 * 3600000));
  EXPECT_EQ(deleted, 5);
  for (int64_t v = 5; v < 10; ++v) EXPECT_OK(Load(tmp.path(), v).status());

  // Without any checkpoint nothing can be deleted.
  TempDir tmp2;
  MakeLongTable(tmp2.path(), {{"delta.logRetentionDuration", "interval 1 second"}});
  ASSERT_OK_AND_ASSIGN(auto snap2, Load(tmp2.path()));
  ASSERT_OK_AND_ASSIGN(int64_t deleted3, CleanupExpiredLogs(snap2, now + 86400000));
  EXPECT_EQ(deleted3, 0);

  TempDir tmp3;
  MakeLongTable(tmp3.path(), {{"delta.logRetentionDuration", "forever"}});
  ASSERT_OK_AND_ASSIGN(auto snap3, Load(tmp3.path()));
  ASSERT_RAISES(InvalidArgument, CleanupExpiredLogs(snap3, now));
}

// Temporary files of writes killed between creating and linking / renaming them: commits,
// _last_checkpoint and data files in partition directories. Only those older than the log
// retention go; fresh ones (a write in flight) and real files stay.
TEST(CleanupExpiredLogs, StaleTempFilesOfCrashedWrites) {
  TempDir tmp;
  MakeLongTable(tmp.path(), {{"delta.logRetentionDuration", "interval 2 hours"}});
  const int64_t now = NowMs();
  const fs::path log = tmp.path() / "_delta_log";
  fs::create_directories(tmp.path() / "p=1");
  const std::vector<fs::path> stale = {log / ".00000000000000000010.json.tmp-0123456789abcdef",
                                       log / "._last_checkpoint.tmp-00000000000000ff",
                                       tmp.path() / "p=1" / ".part-00000-x.snappy.parquet.tmp-fedcba9876543210"};
  const std::vector<fs::path> kept = {log / ".00000000000000000011.json.tmp-1111111111111111",  // fresh
                                      tmp.path() / "p=1" / "part-00001.parquet",               // not temporary
                                      tmp.path() / ".notes.tmp-short"};                        // not our pattern
  for (const auto& p : stale) {
    WriteFile(p, "partial");
    SetMtime(p, now - 3 * 3600000);
  }
  for (const auto& p : kept) {
    WriteFile(p, "x");
    SetMtime(p, p == kept[0] ? now - 60000 : now - 3 * 3600000);
  }
  ASSERT_OK_AND_ASSIGN(auto snap, Load(tmp.path()));
  ASSERT_OK_AND_ASSIGN(int64_t deleted, CleanupExpiredLogs(snap, now));
  EXPECT_EQ(deleted, 3);  // no checkpoint: only the temporary files can go
  for (const auto& p : stale) EXPECT_FALSE(fs::exists(p)) << p;
  for (const auto& p : kept) EXPECT_TRUE(fs::exists(p)) << p;
  EXPECT_OK(Load(tmp.path()).status());
}

}  // namespace
}  // namespace delta::txn

namespace delta::txn {
namespace {

// stats_parsed alone on real tables (all column types, column mapping, partitions): every
// statistic the JSON stats carried comes back through the typed struct.
TEST(Checkpoint, SharedTablesStatsAsStructOnly) {
  std::string shared = testing::SharedTablesDir();
  if (shared.empty()) GTEST_SKIP() << "shared tables absent";
  int compared = 0;
  for (const char* name : {"kernel-rs-golden/data-skipping-basic-stats-all-types-columnmapping-name/delta",
                           "kernel-rs-golden/dv-partitioned-with-checkpoint/delta"}) {
    SCOPED_TRACE(name);
    fs::path src = fs::path(shared) / name;
    if (!fs::exists(src / "_delta_log")) continue;
    TempDir tmp;
    CopyLog(src, tmp.path());
    ASSERT_OK_AND_ASSIGN(auto full, Load(tmp.path()));
    for (const auto& n : LogFiles(tmp.path())) {
      if (n.starts_with(LogName(full->version(), ".checkpoint"))) fs::remove(tmp.path() / "_delta_log" / n);
    }
    CheckpointOptions o;
    o.write_stats_as_json = false;
    o.write_stats_as_struct = true;
    ASSERT_OK_AND_ASSIGN(int64_t v, WriteCheckpoint(full, o));
    DropLogBefore(tmp.path(), v);
    ASSERT_OK_AND_ASSIGN(auto from_cp, Load(tmp.path()));
    ExpectSameState(*full, *from_cp, /*compare_stats_text=*/false);
    ASSERT_OK_AND_ASSIGN(auto physical, schema::PhysicalSchema(*full->schema(), full->column_mapping_mode()));
    std::map<std::string, std::string> want_stats;
    for (const auto& f : full->files()) want_stats[f.path + DvId(f.deletion_vector)] = f.stats;
    for (const auto& f : from_cp->files()) {
      const std::string& want_json = want_stats[f.path + DvId(f.deletion_vector)];
      if (want_json.empty()) continue;
      ASSERT_OK_AND_ASSIGN(auto want, expr::ParseStatsJson(want_json, *physical));
      ASSERT_OK_AND_ASSIGN(auto got, expr::ParseStatsJson(f.stats, *physical));
      EXPECT_EQ(got.num_records, want.num_records) << f.path;
      for (const auto& [path, cs] : want.columns) {
        auto it = got.columns.find(path);
        if (cs.min) {
          ASSERT_NE(it, got.columns.end()) << path.back() << " in " << f.stats;
          ASSERT_TRUE(it->second.min.has_value()) << path.back() << " in " << f.stats;
          EXPECT_TRUE(it->second.min->Equals(*cs.min)) << path.back() << ": " << it->second.min->ToString()
                                                       << " vs " << cs.min->ToString();
          ++compared;
        }
        if (cs.max && it != got.columns.end() && it->second.max) {
          EXPECT_TRUE(it->second.max->Equals(*cs.max)) << path.back();
        }
        if (cs.null_count && it != got.columns.end()) EXPECT_EQ(it->second.null_count, cs.null_count) << path.back();
      }
    }
  }
  EXPECT_GT(compared, 5);
}

}  // namespace
}  // namespace delta::txn
