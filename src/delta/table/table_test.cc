// Tests of Table and Snapshot: loading latest / by version / by timestamp (file times and
// in-commit timestamps), Refresh, History, transactions, typed partition values (also under
// column mapping) and read-support checks.
#include <gtest/gtest.h>
#include <sys/time.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/storage/memory_store.h"
#include "delta/table/table.h"
#include "support/matchers.h"
#include "support/temp_table.h"

namespace delta::table {
namespace {

using ::delta::testing::CopyTree;
using ::delta::testing::TempDir;

namespace fs = std::filesystem;

const char* kProtocolLine = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";

// Fields: (name, delta type, extra metadata JSON without braces).
std::string SchemaString(const std::vector<std::tuple<std::string, std::string, std::string>>& fields) {
  std::string out = R"({\"type\":\"struct\",\"fields\":[)";
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& [name, type, meta] = fields[i];
    if (i > 0) out += ",";
    out += fmt::format(R"({{\"name\":\"{}\",\"type\":\"{}\",\"nullable\":true,\"metadata\":{{{}}}}})", name, type, meta);
  }
  return out + "]}";
}

std::string MetadataLine(const std::string& schema, const std::string& partition_cols = "[]",
                         const std::string& config = "{}", const std::string& id = "tbl") {
  return fmt::format(
      R"({{"metaData":{{"id":"{}","format":{{"provider":"parquet","options":{{}}}},"schemaString":"{}",)"
      R"("partitionColumns":{},"configuration":{}}}}})",
      id, schema, partition_cols, config);
}

std::string SimpleMetadata(const std::string& config = "{}", const std::string& id = "tbl") {
  return MetadataLine(SchemaString({{"id", "long", ""}, {"name", "string", ""}}), "[]", config, id);
}

std::string AddLine(std::string_view path, int64_t rows = 1, std::string_view pv = "{}") {
  return fmt::format(
      R"({{"add":{{"path":"{}","partitionValues":{},"size":10,"modificationTime":1,"dataChange":true,)"
      R"("stats":"{{\"numRecords\":{}}}"}}}})",
      path, pv, rows);
}

std::string RemoveLine(std::string_view path) {
  return fmt::format(R"({{"remove":{{"path":"{}","deletionTimestamp":1,"dataChange":true}}}})", path);
}

std::string CommitInfo(int64_t ts, std::string_view op, std::optional<int64_t> ict = {}) {
  std::string ict_field = ict ? fmt::format(R"("inCommitTimestamp":{},)", *ict) : "";
  return fmt::format(R"({{"commitInfo":{{{}"timestamp":{},"operation":"{}"}}}})", ict_field, ts, op);
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// VersionAtTimestamp, or -1 (and a test failure) on error.
int64_t V(const Table& t, int64_t ts) {
  auto r = t.VersionAtTimestamp(ts);
  if (!r.ok()) {
    ADD_FAILURE() << "VersionAtTimestamp(" << ts << "): " << r.status().ToString();
    return -1;
  }
  return *r;
}

SnapshotOptions At(int64_t version) {
  SnapshotOptions o;
  o.version = version;
  return o;
}

std::string CommitName(int64_t v) { return fmt::format("{:020d}.json", v); }

std::set<std::string> Paths(const Snapshot& s) {
  std::set<std::string> out;
  for (const auto& f : s.files()) out.insert(f.path);
  return out;
}

// A table in a fresh in-memory store, opened through its memory:// URI.
class MemTable {
 public:
  MemTable() : store_(storage::MakeMemoryStore()) {}
  std::string uri() const { return store_->base_uri() + "t"; }
  void Commit(int64_t v, const std::vector<std::string>& lines) {
    std::string content = Join(lines);
    ASSERT_OK(store_->Put("t/_delta_log/" + CommitName(v),
                          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(content.data()), content.size())));
  }
  std::shared_ptr<Table> Open() {
    auto t = Table::Open(uri());
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : nullptr;
  }

 private:
  storage::ObjectStorePtr store_;
};

void WriteFile(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

void SetMtimeMs(const fs::path& p, int64_t ms) {
  struct timeval tv[2];
  for (auto& t : tv) {
    t.tv_sec = ms / 1000;
    t.tv_usec = (ms % 1000) * 1000;
  }
  ASSERT_EQ(utimes(p.c_str(), tv), 0) << p;
}

// ----------------------------------------------------------------------------------------------

TEST(Table, OpenAndSnapshots) {
  MemTable m;
  m.Commit(0, {CommitInfo(1000, "CREATE TABLE"), kProtocolLine, SimpleMetadata(R"({"k":"v"})"), AddLine("a.parquet", 3)});
  m.Commit(1, {CommitInfo(2000, "WRITE"), AddLine("b.parquet", 4)});
  m.Commit(2, {CommitInfo(3000, "DELETE"), RemoveLine("a.parquet")});
  auto table = m.Open();
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->uri(), m.uri());

  ASSERT_OK_AND_ASSIGN(auto latest, table->GetSnapshot());
  EXPECT_EQ(latest->version(), 2);
  EXPECT_EQ(Paths(*latest), (std::set<std::string>{"b.parquet"}));
  EXPECT_EQ(latest->NumRows(), std::optional<int64_t>(4));
  EXPECT_EQ(latest->metadata().id, "tbl");
  EXPECT_EQ(latest->configuration().at("k"), "v");
  EXPECT_EQ(latest->protocol().min_writer_version, 2);
  ASSERT_EQ(latest->schema()->num_fields(), 2);
  EXPECT_EQ(latest->schema()->field(0)->name, "id");
  EXPECT_EQ(latest->schema()->field(0)->type->id(), columnar::TypeId::kInt64);
  EXPECT_EQ(latest->schema()->field(1)->name, "name");
  EXPECT_TRUE(latest->partition_columns().empty());
  EXPECT_EQ(latest->column_mapping_mode(), schema::ColumnMappingMode::kNone);
  EXPECT_OK(latest->CheckReadSupported());
  // Timestamp without in-commit timestamps: the commit file's modification time.
  EXPECT_EQ(latest->timestamp_ms(), latest->segment().commits.back().meta.last_modified_ms);

  ASSERT_OK_AND_ASSIGN(auto v0, table->GetSnapshot(At(0)));
  EXPECT_EQ(v0->version(), 0);
  EXPECT_EQ(Paths(*v0), (std::set<std::string>{"a.parquet"}));
  EXPECT_EQ(v0->NumRows(), std::optional<int64_t>(3));
  ASSERT_OK_AND_ASSIGN(auto v1, table->GetSnapshot(At(1)));
  EXPECT_EQ(Paths(*v1), (std::set<std::string>{"a.parquet", "b.parquet"}));
  EXPECT_EQ(v1->NumRows(), std::optional<int64_t>(7));

  // Without stats: same files, no row count.
  SnapshotOptions lean;
  lean.with_stats = false;
  ASSERT_OK_AND_ASSIGN(auto nostats, table->GetSnapshot(lean));
  EXPECT_EQ(Paths(*nostats), Paths(*latest));
  EXPECT_FALSE(nostats->NumRows().has_value());

  ASSERT_RAISES(NotFound, table->GetSnapshot(At(3)));
  SnapshotOptions both;
  both.version = 1;
  both.timestamp_ms = 5;
  ASSERT_RAISES(InvalidArgument, table->GetSnapshot(both));
}

TEST(Table, OpenErrors) {
  ASSERT_RAISES(InvalidArgument, Table::Open(""));
  auto unknown = Table::Open("nosuchscheme://bucket/t");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.status().IsUnsupported() || unknown.status().IsInvalidArgument()) << unknown.status().ToString();
  MemTable empty;
  auto t = empty.Open();
  ASSERT_NE(t, nullptr);
  ASSERT_RAISES(NotFound, t->GetSnapshot());
}

TEST(Table, HistoryOrderLimitAndTransactions) {
  MemTable m;
  m.Commit(0, {CommitInfo(1000, "CREATE TABLE"), kProtocolLine, SimpleMetadata(), R"({"txn":{"appId":"s","version":0}})"});
  m.Commit(1, {CommitInfo(2000, "WRITE"), AddLine("a.parquet"), R"({"txn":{"appId":"s","version":1}})"});
  m.Commit(2, {AddLine("b.parquet"), R"({"txn":{"appId":"other","version":9}})"});  // no commitInfo
  m.Commit(3, {CommitInfo(4000, "OPTIMIZE", 4500), R"({"txn":{"appId":"s","version":7}})"});
  auto table = m.Open();
  ASSERT_OK_AND_ASSIGN(auto h, table->History());
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].version, 3);
  EXPECT_EQ(h[1].version, 2);
  EXPECT_EQ(h[2].version, 1);
  EXPECT_EQ(h[3].version, 0);
  EXPECT_EQ(h[0].operation, std::optional<std::string>("OPTIMIZE"));
  EXPECT_EQ(h[0].timestamp_ms, 4500);  // in-commit timestamp wins
  EXPECT_FALSE(h[1].operation.has_value());
  EXPECT_EQ(h[1].commit_info_json, "{}");
  EXPECT_GT(h[1].timestamp_ms, 1000000);  // the file time
  EXPECT_EQ(h[2].timestamp_ms, 2000);
  EXPECT_EQ(h[3].operation, std::optional<std::string>("CREATE TABLE"));
  EXPECT_NE(h[3].commit_info_json.find("\"operation\":\"CREATE TABLE\""), std::string::npos) << h[3].commit_info_json;

  ASSERT_OK_AND_ASSIGN(auto h2, table->History(2));
  ASSERT_EQ(h2.size(), 2u);
  EXPECT_EQ(h2[0].version, 3);
  EXPECT_EQ(h2[1].version, 2);
  ASSERT_OK_AND_ASSIGN(auto h0, table->History(0));
  EXPECT_TRUE(h0.empty());

  ASSERT_OK_AND_ASSIGN(auto s, table->GetSnapshot());
  EXPECT_EQ(s->TransactionVersion("s"), std::optional<int64_t>(7));
  EXPECT_EQ(s->TransactionVersion("other"), std::optional<int64_t>(9));
  EXPECT_FALSE(s->TransactionVersion("nobody").has_value());
  EXPECT_EQ(s->transactions().size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto s1, table->GetSnapshot(At(1)));
  EXPECT_EQ(s1->TransactionVersion("s"), std::optional<int64_t>(1));
  EXPECT_FALSE(s1->TransactionVersion("other").has_value());

  MemTable empty;
  ASSERT_RAISES(NotFound, empty.Open()->History());
}

// A local table whose commits have the given file modification times.
void WriteTimedTable(const fs::path& root, const std::vector<int64_t>& mtimes_ms, const std::string& config = "{}",
                     const std::vector<std::optional<int64_t>>& icts = {}) {
  for (size_t v = 0; v < mtimes_ms.size(); ++v) {
    std::optional<int64_t> ict = v < icts.size() ? icts[v] : std::nullopt;
    std::vector<std::string> lines{CommitInfo(1, "WRITE", ict)};
    if (v == 0) {
      lines.push_back(kProtocolLine);
      lines.push_back(SimpleMetadata(config));
    }
    lines.push_back(AddLine(fmt::format("f{}.parquet", v)));
    fs::path p = root / "_delta_log" / CommitName(static_cast<int64_t>(v));
    WriteFile(p, Join(lines));
    SetMtimeMs(p, mtimes_ms[v]);
  }
}

TEST(Table, TimeTravelByFileTimestamp) {
  TempDir dir;
  fs::path root = dir.path() / "t";
  WriteTimedTable(root, {1'000'000, 2'000'000, 3'000'000, 4'000'000});
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root.string()));
  EXPECT_EQ(V(*table, 1'000'000), 0);
  EXPECT_EQ(V(*table, 1'999'999), 0);
  EXPECT_EQ(V(*table, 2'000'000), 1);
  EXPECT_EQ(V(*table, 3'500'000), 2);
  EXPECT_EQ(V(*table, 9'000'000), 3);
  ASSERT_RAISES(InvalidArgument, table->VersionAtTimestamp(999'999));

  SnapshotOptions at;
  at.timestamp_ms = 2'500'000;
  ASSERT_OK_AND_ASSIGN(auto s, table->GetSnapshot(at));
  EXPECT_EQ(s->version(), 1);
  EXPECT_EQ(s->timestamp_ms(), 2'000'000);
  EXPECT_EQ(Paths(*s), (std::set<std::string>{"f0.parquet", "f1.parquet"}));
  at.timestamp_ms = 5;
  ASSERT_RAISES(InvalidArgument, table->GetSnapshot(at));
}

TEST(Table, TimeTravelByFileTimestampNonMonotonic) {
  // A commit file older than its predecessor counts as one millisecond after it.
  TempDir dir;
  fs::path root = dir.path() / "t";
  WriteTimedTable(root, {1'000'000, 3'000'000, 2'000'000, 4'000'000});
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root.string()));
  EXPECT_EQ(V(*table, 2'500'000), 0);
  EXPECT_EQ(V(*table, 3'000'000), 1);
  EXPECT_EQ(V(*table, 3'000'001), 2);
  EXPECT_EQ(V(*table, 3'999'999), 2);
}

TEST(Table, TimeTravelByInCommitTimestamp) {
  TempDir dir;
  fs::path root = dir.path() / "t";
  // File times disagree with (are in reverse order of) the in-commit timestamps, which win.
  WriteTimedTable(root, {9'000'000, 8'000'000, 7'000'000}, R"({"delta.enableInCommitTimestamps":"true"})",
                  {100'000, 200'000, 300'000});
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root.string()));
  EXPECT_EQ(V(*table, 100'000), 0);
  EXPECT_EQ(V(*table, 250'000), 1);
  EXPECT_EQ(V(*table, 1'000'000), 2);
  ASSERT_RAISES(InvalidArgument, table->VersionAtTimestamp(99'999));
  ASSERT_OK_AND_ASSIGN(auto s, table->GetSnapshot());
  EXPECT_EQ(s->timestamp_ms(), 300'000);
  ASSERT_OK_AND_ASSIGN(auto s1, table->GetSnapshot(At(1)));
  EXPECT_EQ(s1->timestamp_ms(), 200'000);
  SnapshotOptions at;
  at.timestamp_ms = 299'999;
  ASSERT_OK_AND_ASSIGN(auto s2, table->GetSnapshot(at));
  EXPECT_EQ(s2->version(), 1);
}

// A table with file times for versions 0 and 1 and in-commit timestamps from version 2 on.
void WriteIctEnabledLater(const fs::path& root, int64_t mtime0, int64_t mtime1) {
  WriteTimedTable(root, {mtime0, mtime1});
  std::string config =
      R"({"delta.enableInCommitTimestamps":"true","delta.inCommitTimestampEnablementVersion":"2",)"
      R"("delta.inCommitTimestampEnablementTimestamp":"3000000"})";
  fs::path c2 = root / "_delta_log" / CommitName(2);
  WriteFile(c2, Join({CommitInfo(1, "SET TBLPROPERTIES", 3'000'000), SimpleMetadata(config), AddLine("f2.parquet")}));
  SetMtimeMs(c2, 9'000'000);
  fs::path c3 = root / "_delta_log" / CommitName(3);
  WriteFile(c3, Join({CommitInfo(1, "WRITE", 4'000'000), AddLine("f3.parquet")}));
  SetMtimeMs(c3, 9'500'000);
}

TEST(Table, TimeTravelInCommitTimestampsEnabledLater) {
  TempDir dir;
  fs::path root = dir.path() / "t";
  WriteIctEnabledLater(root, 1'000'000, 2'000'000);
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root.string()));
  EXPECT_EQ(V(*table, 1'500'000), 0);
  EXPECT_EQ(V(*table, 2'500'000), 1);
  EXPECT_EQ(V(*table, 3'000'000), 2);
  EXPECT_EQ(V(*table, 3'999'999), 2);
  EXPECT_EQ(V(*table, 4'500'000), 3);
  ASSERT_RAISES(InvalidArgument, table->VersionAtTimestamp(999'999));
  ASSERT_OK_AND_ASSIGN(auto s, table->GetSnapshot());
  EXPECT_EQ(s->timestamp_ms(), 4'000'000);
}

TEST(Table, TimeTravelInCommitTimestampsEnabledLaterCopiedTable) {
  // The table was copied after the fact: the file times of the commits before the enablement are
  // later than every in-commit timestamp. At or after the enablement timestamp only in-commit
  // timestamps count (PROTOCOL.md "In-Commit Timestamps").
  TempDir dir;
  fs::path root = dir.path() / "t";
  WriteIctEnabledLater(root, 5'000'000, 6'000'000);
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root.string()));
  EXPECT_EQ(V(*table, 3'000'000), 2);
  EXPECT_EQ(V(*table, 3'500'000), 2);
  EXPECT_EQ(V(*table, 4'000'000), 3);
  EXPECT_EQ(V(*table, 7'000'000), 3);
}

TEST(Table, InCommitTimestampSharedTable) {
  SHARED_OR_SKIP(p, "delta-rs/cdc_ict_table");
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(p));
  ASSERT_OK_AND_ASSIGN(auto s, table->GetSnapshot());
  EXPECT_EQ(s->version(), 3);
  EXPECT_EQ(s->timestamp_ms(), 1783874213881);
  EXPECT_EQ(s->files().size(), 2u);
  EXPECT_EQ(s->NumRows(), std::optional<int64_t>(2));
  ASSERT_OK_AND_ASSIGN(auto s2, table->GetSnapshot(At(2)));
  EXPECT_EQ(s2->timestamp_ms(), 1783874212175);
  ASSERT_OK_AND_ASSIGN(auto h, table->History());
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h[0].timestamp_ms, 1783874213881);
  EXPECT_EQ(h[0].operation, std::optional<std::string>("UPDATE"));
  EXPECT_EQ(h[1].timestamp_ms, 1783874212175);
  EXPECT_EQ(h[3].operation, std::optional<std::string>("CREATE OR REPLACE TABLE"));
  EXPECT_EQ(V(*table, 1783874213881), 3);
  EXPECT_EQ(V(*table, 1783874213880), 2);
}

TEST(Snapshot, RefreshReadsOnlyNewCommits) {
  SHARED_OR_SKIP(p, "kernel-rs-golden/basic-with-inserts-deletes-checkpoint/delta");
  TempDir dir;
  fs::path root = dir.path() / "t";
  CopyTree(p, root);
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(root.string()));
  ASSERT_OK_AND_ASSIGN(auto s13, table->GetSnapshot());
  ASSERT_EQ(s13->version(), 13);
  ASSERT_EQ(s13->files().size(), 7u);
  // Nothing new: the same snapshot.
  ASSERT_OK_AND_ASSIGN(auto same, s13->Refresh());
  EXPECT_EQ(same.get(), s13.get());

  std::string victim = s13->files()[0].path;
  fs::path log = root / "_delta_log";
  WriteFile(log / CommitName(14), Join({CommitInfo(1, "DELETE"), RemoveLine(victim), AddLine("new-1.parquet", 11)}));
  WriteFile(log / CommitName(15), Join({CommitInfo(2, "WRITE"), AddLine("new-2.parquet", 12),
                                        R"({"txn":{"appId":"stream","version":3}})"}));
  // Refresh must not read the old commits: break one the full load needs.
  fs::path c12 = log / CommitName(12);
  std::ifstream in(c12, std::ios::binary);
  std::string saved((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  WriteFile(c12, "{ this is not json");
  ASSERT_OK_AND_ASSIGN(auto refreshed, s13->Refresh());
  WriteFile(c12, saved);
  ASSERT_OK_AND_ASSIGN(auto fresh, table->GetSnapshot());
  EXPECT_EQ(refreshed->version(), 15);
  EXPECT_EQ(fresh->version(), 15);
  EXPECT_EQ(Paths(*refreshed), Paths(*fresh));
  EXPECT_EQ(refreshed->files().size(), 8u);
  EXPECT_EQ(Paths(*refreshed).count(victim), 0u);
  EXPECT_EQ(refreshed->NumRows(), fresh->NumRows());
  EXPECT_EQ(refreshed->TransactionVersion("stream"), std::optional<int64_t>(3));
  EXPECT_EQ(refreshed->metadata().id, fresh->metadata().id);
  EXPECT_EQ(refreshed->timestamp_ms(), fresh->timestamp_ms());
  EXPECT_EQ(refreshed->segment().checkpoint_version, fresh->segment().checkpoint_version);
  std::vector<int64_t> rv, fv;
  for (const auto& c : refreshed->segment().commits) rv.push_back(c.version);
  for (const auto& c : fresh->segment().commits) fv.push_back(c.version);
  EXPECT_EQ(rv, fv);
}

TEST(Snapshot, RefreshOnMemoryTable) {
  MemTable m;
  m.Commit(0, {kProtocolLine, SimpleMetadata(), AddLine("a.parquet", 1)});
  auto table = m.Open();
  ASSERT_OK_AND_ASSIGN(auto s0, table->GetSnapshot());
  m.Commit(1, {AddLine("b.parquet", 2)});
  m.Commit(2, {RemoveLine("a.parquet"), SimpleMetadata(R"({"x":"y"})", "tbl2")});
  ASSERT_OK_AND_ASSIGN(auto r, s0->Refresh());
  ASSERT_OK_AND_ASSIGN(auto f, table->GetSnapshot());
  EXPECT_EQ(r->version(), 2);
  EXPECT_EQ(Paths(*r), Paths(*f));
  EXPECT_EQ(Paths(*r), (std::set<std::string>{"b.parquet"}));
  EXPECT_EQ(r->metadata().id, "tbl2");
  EXPECT_EQ(r->configuration().at("x"), "y");
  // A gap after the snapshot is an error naming the missing commit.
  m.Commit(4, {AddLine("c.parquet", 2)});
  auto bad = f->Refresh();
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsCorruptData());
  EXPECT_NE(bad.status().message().find(CommitName(3)), std::string::npos) << bad.status().message();
}

TEST(Snapshot, PartitionValuesTyped) {
  MemTable m;
  std::string schema = SchemaString(
      {{"id", "long", ""}, {"p", "integer", ""}, {"s", "string", ""}, {"d", "date", ""}, {"b", "boolean", ""}});
  m.Commit(0, {kProtocolLine, MetadataLine(schema, R"(["p","s","d","b"])"),
               AddLine("f1.parquet", 1, R"({"p":"42","s":"hello","d":"2021-03-04","b":"true"})"),
               AddLine("f2.parquet", 1, R"({"p":null,"s":"","d":null,"b":"false"})"),
               AddLine("f3.parquet", 1, R"({"p":"notanumber","s":"x","d":"2021-01-01","b":"true"})"),
               AddLine("f4.parquet", 1, R"({"p":"1","s":"x","d":"2021-01-01"})")});
  ASSERT_OK_AND_ASSIGN(auto s, m.Open()->GetSnapshot());
  EXPECT_EQ(s->partition_columns(), (std::vector<std::string>{"p", "s", "d", "b"}));
  std::map<std::string, const protocol::Add*> files;
  for (const auto& f : s->files()) files[f.path] = &f;
  ASSERT_OK_AND_ASSIGN(auto pv1, s->PartitionValues(*files["f1.parquet"]));
  ASSERT_EQ(pv1.size(), 4u);
  EXPECT_EQ(pv1.at("p").type->id(), columnar::TypeId::kInt32);
  EXPECT_EQ(std::get<int64_t>(pv1.at("p").value), 42);
  EXPECT_EQ(std::get<std::string>(pv1.at("s").value), "hello");
  EXPECT_EQ(pv1.at("d").type->id(), columnar::TypeId::kDate32);
  EXPECT_EQ(std::get<int64_t>(pv1.at("d").value), 18690);  // days from 1970-01-01 to 2021-03-04
  EXPECT_EQ(std::get<bool>(pv1.at("b").value), true);
  ASSERT_OK_AND_ASSIGN(auto pv2, s->PartitionValues(*files["f2.parquet"]));
  EXPECT_TRUE(pv2.at("p").is_null());
  EXPECT_TRUE(pv2.at("d").is_null());
  EXPECT_EQ(std::get<bool>(pv2.at("b").value), false);
  auto bad = s->PartitionValues(*files["f3.parquet"]);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("notanumber"), std::string::npos) << bad.status().message();
  auto missing = s->PartitionValues(*files["f4.parquet"]);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("'b'"), std::string::npos) << missing.status().message();
}

TEST(Snapshot, PartitionValuesUnderColumnMapping) {
  MemTable m;
  std::string schema = SchemaString(
      {{"id", "long", R"(\"delta.columnMapping.id\":1,\"delta.columnMapping.physicalName\":\"col-1a\")"},
       {"Region", "string", R"(\"delta.columnMapping.id\":2,\"delta.columnMapping.physicalName\":\"col-2b\")"},
       {"year", "integer", R"(\"delta.columnMapping.id\":3,\"delta.columnMapping.physicalName\":\"col-3c\")"}});
  m.Commit(0, {R"({"protocol":{"minReaderVersion":2,"minWriterVersion":5}})",
               MetadataLine(schema, R"(["Region","year"])",
                            R"({"delta.columnMapping.mode":"name","delta.columnMapping.maxColumnId":"3"})"),
               AddLine("x/f1.parquet", 1, R"({"col-2b":"emea","col-3c":"2024"})")});
  ASSERT_OK_AND_ASSIGN(auto s, m.Open()->GetSnapshot());
  EXPECT_EQ(s->column_mapping_mode(), schema::ColumnMappingMode::kName);
  EXPECT_OK(s->CheckReadSupported());
  ASSERT_EQ(s->files().size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto pv, s->PartitionValues(s->files()[0]));
  ASSERT_EQ(pv.size(), 2u);
  EXPECT_EQ(std::get<std::string>(pv.at("Region").value), "emea");
  EXPECT_EQ(std::get<int64_t>(pv.at("year").value), 2024);
}

TEST(Snapshot, PartitionValuesSharedColumnMappingTable) {
  SHARED_OR_SKIP(p, "delta-rs/table_with_partitioning_mapping");
  ASSERT_OK_AND_ASSIGN(auto table, Table::Open(p));
  ASSERT_OK_AND_ASSIGN(auto s, table->GetSnapshot());
  ASSERT_FALSE(s->partition_columns().empty());
  EXPECT_NE(s->column_mapping_mode(), schema::ColumnMappingMode::kNone);
  ASSERT_FALSE(s->files().empty());
  for (const auto& f : s->files()) {
    ASSERT_OK_AND_ASSIGN(auto pv, s->PartitionValues(f));
    EXPECT_EQ(pv.size(), s->partition_columns().size());
    for (const auto& c : s->partition_columns()) EXPECT_EQ(pv.count(c), 1u) << c;
  }
}

TEST(Snapshot, CheckReadSupportedRefusals) {
  struct Case {
    std::string protocol;
    std::string schema;
    std::string needle;
  };
  std::string plain = SchemaString({{"id", "long", ""}});
  std::vector<Case> cases = {
      {R"({"protocol":{"minReaderVersion":4,"minWriterVersion":7}})", plain, "4"},
      {R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors","teleportation"],"writerFeatures":["deletionVectors","teleportation"]}})",
       plain, "teleportation"},
      {R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["variantType"],"writerFeatures":["variantType"]}})",
       plain, "variantType"},
      {R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[],"writerFeatures":[]}})",
       SchemaString({{"id", "long", ""}, {"v", "variant", ""}}), "'v'"},
  };
  for (const auto& c : cases) {
    MemTable m;
    m.Commit(0, {c.protocol, MetadataLine(c.schema)});
    auto snap = m.Open()->GetSnapshot();
    ASSERT_TRUE(snap.ok()) << snap.status().ToString();
    Status st = (*snap)->CheckReadSupported();
    EXPECT_TRUE(st.IsUnsupported()) << c.protocol << " -> " << st.ToString();
    EXPECT_NE(st.message().find(c.needle), std::string::npos) << st.message();
  }
  // Writer-only unknown features do not block reads.
  MemTable ok;
  ok.Commit(0, {R"({"protocol":{"minReaderVersion":1,"minWriterVersion":7,"writerFeatures":["futureWriterFeature"]}})",
                MetadataLine(plain)});
  ASSERT_OK_AND_ASSIGN(auto s, ok.Open()->GetSnapshot());
  EXPECT_OK(s->CheckReadSupported());
}

TEST(Snapshot, InvalidMetadata) {
  {
    MemTable m;
    m.Commit(0, {kProtocolLine, R"({"metaData":{"id":"x","format":{"provider":"parquet"},"partitionColumns":[]}})"});
    ASSERT_RAISES(CorruptData, m.Open()->GetSnapshot());
  }
  {
    MemTable m;
    m.Commit(0, {kProtocolLine, MetadataLine(SchemaString({{"id", "long", ""}}), R"(["nope"])")});
    auto r = m.Open()->GetSnapshot();
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().IsCorruptData());
    EXPECT_NE(r.status().message().find("nope"), std::string::npos);
  }
  {
    MemTable m;
    m.Commit(0, {R"({"protocol":{"minReaderVersion":0,"minWriterVersion":2}})", SimpleMetadata()});
    ASSERT_RAISES(CorruptData, m.Open()->GetSnapshot());
  }
}

}  // namespace
}  // namespace delta::table
