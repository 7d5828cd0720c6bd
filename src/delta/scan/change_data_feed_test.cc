// Change data feed over the shared CDF tables. Expected rows are those the delta-kernel-rs CDF
// tests assert for the same tables (kernel/tests/cdf.rs and table_changes unit tests).
#include "delta/scan/change_data_feed.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "delta/columnar/scalar.h"
#include "support/matchers.h"

namespace delta::scan {
namespace {

std::string TablePath(const std::string& rel) {
  std::string dir = testing::SharedTablesDir();
  if (dir.empty()) return "";
  std::string p = dir + "/" + rel;
  return std::filesystem::exists(p + "/_delta_log") ? p : "";
}

#define REQUIRE_TABLE(var, rel)                                    \
  std::string var = TablePath(rel);                                \
  if (var.empty()) GTEST_SKIP() << "shared table " << rel << " not available"

std::string Cell(const columnar::ArrayData& a, int64_t row) {
  if (a.IsNull(row)) return "null";
  if (a.type->is_binary_like()) return std::string(a.GetView(row));
  auto s = columnar::GetScalar(a, row);
  return s.ok() ? s->ToString() : "?";
}

struct Feed {
  columnar::SchemaPtr schema;
  std::vector<std::string> rows;  // "v1|v2|..." of every column except _commit_timestamp, sorted
  std::vector<columnar::RecordBatchPtr> batches;
};

Result<Feed> ReadFeed(const std::string& path, int64_t start, std::optional<int64_t> end,
                      std::vector<std::string> columns = {}) {
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(path));
  ChangeDataFeedOptions opts;
  opts.start_version = start;
  opts.end_version = end;
  opts.columns = std::move(columns);
  DELTA_ASSIGN_OR_RAISE(auto reader, ReadChangeDataFeed(table, opts));
  Feed f;
  f.schema = reader->schema();
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, reader->Next());
    if (!b) break;
    DELTA_RETURN_NOT_OK(b->Validate());
    for (int64_t r = 0; r < b->num_rows; ++r) {
      std::string line;
      for (int c = 0; c < b->num_columns(); ++c) {
        if (b->schema->field(c)->name == kCommitTimestampColumn) continue;
        if (!line.empty()) line += "|";
        line += Cell(*b->column(c), r);
      }
      f.rows.push_back(std::move(line));
    }
    f.batches.push_back(std::move(b));
  }
  std::sort(f.rows.begin(), f.rows.end());
  return f;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// (version, change type) -> rows
std::map<std::pair<int64_t, std::string>, int> CountByVersionAndType(const Feed& f) {
  std::map<std::pair<int64_t, std::string>, int> out;
  for (const auto& b : f.batches) {
    int ct = b->schema->GetFieldIndex(kChangeTypeColumn);
    int cv = b->schema->GetFieldIndex(kCommitVersionColumn);
    for (int64_t r = 0; r < b->num_rows; ++r) {
      ++out[{b->column(cv)->values<int64_t>()[r], std::string(b->column(ct)->GetView(r))}];
    }
  }
  return out;
}

TEST(ChangeDataFeed, PartitionedTableWithCdcFiles) {
  REQUIRE_TABLE(path, "delta-rs/cdf-table");
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, std::nullopt));
  ASSERT_EQ(feed.schema->num_fields(), 6);
  EXPECT_EQ(feed.schema->field(0)->name, "id");
  EXPECT_EQ(feed.schema->field(2)->name, "birthday");
  EXPECT_EQ(feed.schema->field(3)->name, "_change_type");
  EXPECT_EQ(feed.schema->field(4)->type->ToString(), "int64");
  EXPECT_EQ(feed.schema->field(5)->type->ToString(), "timestamp[us, tz=UTC]");
  std::vector<std::string> expected = Sorted({
      "1|Steve|2023-12-22|insert|0",           "2|Bob|2023-12-23|insert|0",
      "3|Dave|2023-12-23|insert|0",            "4|Kate|2023-12-23|insert|0",
      "5|Emily|2023-12-24|insert|0",           "6|Carl|2023-12-24|insert|0",
      "7|Dennis|2023-12-24|insert|0",          "8|Claire|2023-12-25|insert|0",
      "9|Ada|2023-12-25|insert|0",             "10|Borb|2023-12-25|insert|0",
      "3|Dave|2023-12-22|update_postimage|1",  "3|Dave|2023-12-23|update_preimage|1",
      "4|Kate|2023-12-22|update_postimage|1",  "4|Kate|2023-12-23|update_preimage|1",
      "2|Bob|2023-12-22|update_postimage|1",   "2|Bob|2023-12-23|update_preimage|1",
      "7|Dennis|2023-12-24|update_preimage|2", "7|Dennis|2023-12-29|update_postimage|2",
      "5|Emily|2023-12-24|update_preimage|2",  "5|Emily|2023-12-29|update_postimage|2",
      "6|Carl|2023-12-24|update_preimage|2",   "6|Carl|2023-12-29|update_postimage|2",
      "7|Dennis|2023-12-29|delete|3",
  });
  EXPECT_EQ(feed.rows, expected);
}

// commitInfo.timestamp of version 3 of delta-rs/cdf-table.
constexpr int64_t kCommit3InfoTimestampMs = 1704559499570;

TEST(ChangeDataFeed, CommitTimestampIsCommitFileTime) {
  REQUIRE_TABLE(path, "delta-rs/cdf-table");
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 3, 3));
  ASSERT_FALSE(feed.batches.empty());
  auto mtime = std::filesystem::last_write_time(path + "/_delta_log/00000000000000000003.json");
  auto sys = std::chrono::file_clock::to_sys(mtime);
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
  const auto& b = feed.batches.front();
  int ts = b->schema->GetFieldIndex(kCommitTimestampColumn);
  ASSERT_GE(ts, 0);
  EXPECT_EQ(b->column(ts)->values<int64_t>()[0], ms * 1000);
  EXPECT_EQ(feed.rows, std::vector<std::string>{"7|Dennis|2023-12-29|delete|3"});

  // delta-rs semantics: commitInfo.timestamp of 00000000000000000003.json.
  ASSERT_OK_AND_ASSIGN(auto table, table::Table::Open(path));
  ChangeDataFeedOptions o;
  o.start_version = 3;
  o.columns = {"_commit_timestamp"};
  o.timestamp_source = CommitTimestampSource::kCommitInfo;
  ASSERT_OK_AND_ASSIGN(auto reader, ReadChangeDataFeed(table, o));
  ASSERT_OK_AND_ASSIGN(auto batch, reader->Next());
  ASSERT_NE(batch, nullptr);
  ASSERT_EQ(batch->num_columns(), 1);
  EXPECT_EQ(batch->column(0)->values<int64_t>()[0], kCommit3InfoTimestampMs * 1000);
}

TEST(ChangeDataFeed, NonPartitionedWithColumnSelection) {
  REQUIRE_TABLE(path, "delta-rs/cdf-table-non-partitioned");
  ASSERT_OK_AND_ASSIGN(auto feed,
                       ReadFeed(path, 0, std::nullopt, {"_commit_version", "id", "_change_type", "long_field"}));
  ASSERT_EQ(feed.schema->num_fields(), 4);
  EXPECT_EQ(feed.schema->field(0)->name, "_commit_version");
  EXPECT_EQ(feed.schema->field(3)->name, "long_field");
  auto counts = CountByVersionAndType(feed);
  std::map<std::pair<int64_t, std::string>, int> expected = {
      {{0, "insert"}, 10},         {{1, "update_preimage"}, 3}, {{1, "update_postimage"}, 3},
      {{2, "update_preimage"}, 3}, {{2, "update_postimage"}, 3}, {{3, "delete"}, 1},
      {{4, "insert"}, 2},
  };
  EXPECT_EQ(counts, expected);
  EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "0|10|insert|99999999999999999"), feed.rows.end());
  EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "3|7|delete|6"), feed.rows.end());
}

TEST(ChangeDataFeed, CdcFilesAndDeletionVectors) {
  REQUIRE_TABLE(path, "delta-rs/cdf-table-with-cdc-and-dvs");
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, std::nullopt));
  std::vector<std::string> expected = Sorted({
      "1|initial|insert|0",
      "2|insert1|insert|1",
      "3|insert1-delete1|insert|1",
      "4|insert1-delete2|insert|1",
      "5|insert1-delete2|insert|1",
      "3|insert1-delete1|delete|2",
      "3|insert1-delete1|insert|4",
      "4|insert1-delete2|delete|5",
      "5|insert1-delete2|delete|5",
      "4|insert1-delete2|insert|7",
      "5|insert2|insert|8",
      "1|initial|update_preimage|9",
      "1|update1|update_postimage|9",
      "2|insert1|update_preimage|9",
      "2|update1|update_postimage|9",
      "3|insert1-delete1|update_preimage|9",
      "3|update1|update_postimage|9",
      "1|update1|delete|10",
      "2|update1|update_preimage|12",
      "2|update2|update_postimage|12",
      "6|insert3|insert|14",
      "7|insert3|insert|14",
      "8|insert4|insert|15",
      "9|insert4|insert|15",
      "8|insert4|delete|16",
      "7|insert3|delete|16",
      "10|merge1-insert|insert|18",
      "11|merge1-insert|insert|18",
      "9|merge1-update|update_postimage|18",
      "9|insert4|update_preimage|18",
      "11|merge1-insert|update_preimage|20",
      "11||update_postimage|20",
      "12|merge2-insert|insert|22",
      "11||delete|22",
      "3|update1|delete|24",
      "4|insert1-delete2|delete|24",
      "5|insert2|delete|24",
      "2|update2|delete|24",
      "6|insert3|delete|24",
      "9|merge1-update|delete|24",
      "0|new|insert|25",
      "1|after-large-delete|insert|25",
      "2||insert|25",
  });
  EXPECT_EQ(feed.rows, expected);
}

TEST(ChangeDataFeed, VersionRanges) {
  REQUIRE_TABLE(path, "kernel-rs/cdf-table-simple");
  ASSERT_OK_AND_ASSIGN(auto v0, ReadFeed(path, 0, 0, {"id", "_change_type", "_commit_version"}));
  ASSERT_EQ(v0.rows.size(), 10u);
  EXPECT_EQ(v0.rows.front(), "0|insert|0");
  ASSERT_OK_AND_ASSIGN(auto v1, ReadFeed(path, 1, 1, {"id", "_change_type", "_commit_version"}));
  ASSERT_EQ(v1.rows.size(), 10u);
  EXPECT_EQ(v1.rows.back(), "9|delete|1");
  ASSERT_OK_AND_ASSIGN(auto v2, ReadFeed(path, 2, 2, {"id", "_change_type", "_commit_version"}));
  EXPECT_EQ(v2.rows, Sorted({"20|insert|2", "21|insert|2", "22|insert|2", "23|insert|2", "24|insert|2"}));
  ASSERT_OK_AND_ASSIGN(auto all, ReadFeed(path, 0, 2, {"id", "_change_type", "_commit_version"}));
  EXPECT_EQ(all.rows.size(), 25u);
  ASSERT_OK_AND_ASSIGN(auto open_end, ReadFeed(path, 1, std::nullopt, {"id", "_change_type", "_commit_version"}));
  EXPECT_EQ(open_end.rows.size(), 15u);
}

TEST(ChangeDataFeed, InvalidRanges) {
  REQUIRE_TABLE(path, "kernel-rs/cdf-table-simple");
  ASSERT_OK_AND_ASSIGN(auto table, table::Table::Open(path));
  ChangeDataFeedOptions o;
  o.start_version = 1;
  o.end_version = 0;
  ASSERT_RAISES(InvalidArgument, PlanChangeDataFeed(table, o));
  o.start_version = 3;
  o.end_version = 4;
  auto r = PlanChangeDataFeed(table, o);
  ASSERT_RAISES(InvalidArgument, r);
  EXPECT_NE(r.status().message().find("start version 3"), std::string::npos) << r.status().ToString();
  EXPECT_NE(r.status().message().find("latest version 2"), std::string::npos) << r.status().ToString();
  o.start_version = 0;
  o.end_version = 5;
  ASSERT_RAISES(InvalidArgument, PlanChangeDataFeed(table, o));
  o.start_version = -1;
  o.end_version.reset();
  ASSERT_RAISES(InvalidArgument, PlanChangeDataFeed(table, o));
  ASSERT_RAISES(InvalidArgument, ReadFeed(path, 0, std::nullopt, {"no_such_column"}));
}

TEST(ChangeDataFeed, RefusesRangesWithoutCdfOrWithIncompatibleSchema) {
  // CDF enabled at 0, disabled at 2, enabled again at 3; at 4 `id` becomes non-nullable.
  REQUIRE_TABLE(path, "kernel-rs/table-with-cdf");
  ASSERT_OK_AND_ASSIGN(auto table, table::Table::Open(path));
  for (auto [s, e] : std::vector<std::pair<int64_t, int64_t>>{{0, 1}, {0, 0}, {1, 1}}) {
    ChangeDataFeedOptions o;
    o.start_version = s;
    o.end_version = e;
    ASSERT_OK_AND_ASSIGN(auto plan, PlanChangeDataFeed(table, o));
    EXPECT_EQ(plan.start_version, s);
    EXPECT_EQ(plan.end_version, e);
    EXPECT_EQ(plan.end_snapshot->version(), e);
  }
  for (auto [s, e] : std::vector<std::pair<int64_t, int64_t>>{{0, 2}, {1, 2}, {2, 2}, {2, 3}}) {
    ChangeDataFeedOptions o;
    o.start_version = s;
    o.end_version = e;
    auto r = PlanChangeDataFeed(table, o);
    ASSERT_RAISES(Unsupported, r);
    EXPECT_NE(r.status().message().find("version 2"), std::string::npos) << r.status().ToString();
  }
  ChangeDataFeedOptions o;
  o.start_version = 3;
  o.end_version = 4;
  auto r = PlanChangeDataFeed(table, o);
  ASSERT_RAISES(Unsupported, r);
  EXPECT_NE(r.status().message().find("nullab"), std::string::npos) << r.status().ToString();
}

TEST(ChangeDataFeed, UpdateOpsChangeTypesPassThrough) {
  REQUIRE_TABLE(path, "kernel-rs/cdf-table-update-ops");
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, 2, {"id", "_change_type", "_commit_version"}));
  ASSERT_EQ(feed.rows.size(), 20u);
  EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "20|update_pre|1"), feed.rows.end());
  EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "34|update_post|2"), feed.rows.end());
}

TEST(ChangeDataFeed, DataChangeFalseIsIgnored) {
  REQUIRE_TABLE(path, "kernel-rs/cdf-table-data-change");
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, 1, {"id", "_change_type", "_commit_version"}));
  ASSERT_EQ(feed.rows.size(), 10u);
  for (const auto& r : feed.rows) EXPECT_NE(r.find("|insert|0"), std::string::npos) << r;
}

TEST(ChangeDataFeed, PartitionedDeletesAndUpdates) {
  REQUIRE_TABLE(path, "kernel-rs/cdf-table-partitioned");
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, 2, {"id", "text", "part", "_change_type", "_commit_version"}));
  EXPECT_EQ(feed.rows, Sorted({"0|old|0|insert|0", "1|old|1|insert|0", "2|old|0|insert|0", "3|old|1|insert|0",
                               "4|old|0|insert|0", "5|old|1|insert|0", "3|old|1|delete|1",
                               "1|old|1|update_preimage|1", "1|new|1|update_postimage|1", "0|old|0|delete|2",
                               "2|old|0|delete|2", "4|old|0|delete|2"}));
}

TEST(ChangeDataFeed, Deletes) {
  {
    REQUIRE_TABLE(path, "kernel-rs/cdf-table-delete-conditional-two-rows");
    ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, std::nullopt, {"id", "_change_type", "_commit_version"}));
    auto counts = CountByVersionAndType(feed);
    EXPECT_EQ(counts, (std::map<std::pair<int64_t, std::string>, int>{{{0, "insert"}, 10}, {{1, "delete"}, 2}}));
    EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "2|delete|1"), feed.rows.end());
    EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "8|delete|1"), feed.rows.end());
  }
  for (const char* t : {"kernel-rs/cdf-table-delete-unconditional", "kernel-rs/cdf-table-delete-conditional-all-rows"}) {
    REQUIRE_TABLE(path, t);
    ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 0, std::nullopt, {"id", "_change_type", "_commit_version"}));
    auto counts = CountByVersionAndType(feed);
    EXPECT_EQ(counts, (std::map<std::pair<int64_t, std::string>, int>{{{0, "insert"}, 10}, {{1, "delete"}, 10}}))
        << t;
  }
}

TEST(ChangeDataFeed, TableWithCheckpointAndCleanedLog) {
  // Commits 0-2 were cleaned up after the checkpoint at 3.
  REQUIRE_TABLE(path, "delta-rs/checkpoint-cdf-table");
  auto gone = ReadFeed(path, 0, std::nullopt);
  ASSERT_RAISES(NotFound, gone);
  EXPECT_NE(gone.status().message().find("commit 0"), std::string::npos) << gone.status().ToString();
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 3, std::nullopt, {"id", "name", "_change_type", "_commit_version"}));
  auto counts = CountByVersionAndType(feed);
  EXPECT_EQ(counts, (std::map<std::pair<int64_t, std::string>, int>{{{3, "delete"}, 1},
                                                                    {{4, "insert"}, 4},
                                                                    {{5, "update_preimage"}, 4},
                                                                    {{5, "update_postimage"}, 4}}));
  EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "11|Ossama|insert|4"), feed.rows.end());
  EXPECT_NE(std::find(feed.rows.begin(), feed.rows.end(), "12|Ossama|update_postimage|5"), feed.rows.end());
}

TEST(ChangeDataFeed, RemovedFileMustStillExist) {
  REQUIRE_TABLE(src, "kernel-rs/cdf-table-delete-unconditional");
  namespace fs = std::filesystem;
  fs::path tmp = fs::temp_directory_path() / fmt::format("cdf_removed_missing_{}", ::getpid());
  fs::remove_all(tmp);
  fs::copy(src, tmp, fs::copy_options::recursive);
  // Version 1 removes every data file; take them away as VACUUM would.
  for (const auto& e : fs::directory_iterator(tmp)) {
    if (e.is_regular_file() && e.path().extension() == ".parquet") fs::remove(e.path());
  }
  auto r = ReadFeed(tmp.string(), 1, 1);
  fs::remove_all(tmp);
  ASSERT_RAISES(NotFound, r);
  EXPECT_NE(r.status().ToString().find("version 1"), std::string::npos) << r.status().ToString();
}

TEST(ChangeDataFeed, ColumnMappingNameMode) {
  // CDF is enabled at version 1 (SET TBLPROPERTIES); version 0 predates it.
  REQUIRE_TABLE(path, "kernel-rs/cdf-column-mapping-name-mode");
  auto before = ReadFeed(path, 0, std::nullopt);
  ASSERT_RAISES(Unsupported, before);
  EXPECT_NE(before.status().message().find("version 0"), std::string::npos) << before.status().ToString();
  ASSERT_OK_AND_ASSIGN(auto feed, ReadFeed(path, 1, std::nullopt));
  ASSERT_FALSE(feed.rows.empty());
  ASSERT_OK_AND_ASSIGN(auto picked,
                       ReadFeed(path, 1, std::nullopt, {"id", "name", "value", "_change_type", "_commit_version"}));
  EXPECT_EQ(picked.rows, Sorted({"2|Bob|200|update_preimage|2", "2|Bob|250|update_postimage|2", "4|David|400|insert|3",
                                 "1|Alice|100|delete|4"}));
  // No column of a mapped table may come back all-null: physical names must be resolved.
  for (const auto& b : feed.batches) {
    for (int c = 0; c < b->num_columns(); ++c) {
      EXPECT_LT(b->column(c)->GetNullCountConst(), b->num_rows) << b->schema->field(c)->name;
    }
  }
}

}  // namespace
}  // namespace delta::scan
