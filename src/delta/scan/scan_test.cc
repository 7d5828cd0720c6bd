// Tests of scans on the shared tables: projections, partition pruning and statistics skipping
// (ScanMetrics), rows of filtered scans against a full scan filtered by hand, deletion vectors,
// and clear errors for missing data files and missing or corrupt deletion-vector files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "delta/columnar/scalar.h"
#include "delta/scan/scan.h"
#include "delta/table/table.h"
#include "support/matchers.h"
#include "support/temp_table.h"

namespace delta::scan {
namespace {

using ::delta::testing::CopyTree;
using ::delta::testing::TempDir;

namespace fs = std::filesystem;

Result<table::SnapshotPtr> Load(const std::string& path, std::optional<int64_t> version = {}) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(path));
  table::SnapshotOptions o;
  o.version = version;
  return t->GetSnapshot(o);
}

// A row as column name -> scalar.
using Row = std::map<std::string, columnar::Scalar>;

Result<std::vector<Row>> ReadAll(const Scan& scan) {
  DELTA_ASSIGN_OR_RAISE(auto reader, scan.Execute());
  std::vector<Row> rows;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto batch, reader->Next());
    if (!batch) break;
    DELTA_RETURN_NOT_OK(batch->Validate());
    for (int64_t i = 0; i < batch->num_rows; ++i) {
      Row r;
      for (int c = 0; c < batch->num_columns(); ++c) {
        DELTA_ASSIGN_OR_RAISE(auto s, columnar::GetScalar(*batch->column(c), i));
        r.emplace(batch->schema->field(c)->name, std::move(s));
      }
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

std::string RowText(const Row& r) {
  std::string out;
  for (const auto& [k, v] : r) out += k + "=" + v.ToString() + ";";
  return out;
}

std::multiset<std::string> RowTexts(const std::vector<Row>& rows) {
  std::multiset<std::string> out;
  for (const auto& r : rows) out.insert(RowText(r));
  return out;
}

int64_t Int(const Row& r, const std::string& c) { return std::get<int64_t>(r.at(c).value); }

struct Planned {
  std::vector<ScanFile> files;
  ScanMetrics metrics;
};

Result<Planned> Plan(const table::SnapshotPtr& s, const std::string& predicate) {
  ScanBuilder b(s);
  if (!predicate.empty()) b.WithPredicateSql(predicate);
  DELTA_ASSIGN_OR_RAISE(auto scan, b.Build());
  Planned p;
  DELTA_ASSIGN_OR_RAISE(p.files, scan->PlanFiles(&p.metrics));
  return p;
}

// ----------------------------------------------------------------------------------------------
// kernel-rs/basic_partitioned: letter (partition) in {a, b, c, a, e, null}, number 1..6, one row
// per file, a_float = number * 1.1.

TEST(Scan, PartitionPruningAndStatsSkipping) {
  SHARED_OR_SKIP(p, "kernel-rs/basic_partitioned");
  ASSERT_OK_AND_ASSIGN(auto s, Load(p));
  ASSERT_EQ(s->files().size(), 6u);

  ASSERT_OK_AND_ASSIGN(auto all, Plan(s, ""));
  EXPECT_EQ(all.files.size(), 6u);
  EXPECT_EQ(all.metrics.files_total, 6);
  EXPECT_EQ(all.metrics.files_pruned_by_partition, 0);
  EXPECT_EQ(all.metrics.files_skipped_by_stats, 0);

  ASSERT_OK_AND_ASSIGN(auto a, Plan(s, "letter = 'a'"));
  EXPECT_EQ(a.files.size(), 2u);
  EXPECT_EQ(a.metrics.files_total, 6);
  EXPECT_EQ(a.metrics.files_pruned_by_partition, 4);
  EXPECT_EQ(a.metrics.files_skipped_by_stats, 0);
  for (const auto& f : a.files) {
    ASSERT_NE(f.add, nullptr);
    EXPECT_EQ(f.add->path.rfind("letter=a/", 0), 0u) << f.add->path;
    EXPECT_EQ(std::get<std::string>(f.partition_values.at("letter").value), "a");
  }

  ASSERT_OK_AND_ASSIGN(auto big, Plan(s, "number > 4"));
  EXPECT_EQ(big.files.size(), 2u);
  EXPECT_EQ(big.metrics.files_pruned_by_partition, 0);
  EXPECT_EQ(big.metrics.files_skipped_by_stats, 4);

  ASSERT_OK_AND_ASSIGN(auto both, Plan(s, "letter = 'a' AND number > 2"));
  EXPECT_EQ(both.files.size(), 1u);
  EXPECT_EQ(both.metrics.files_pruned_by_partition, 4);
  EXPECT_EQ(both.metrics.files_skipped_by_stats, 1);

  ASSERT_OK_AND_ASSIGN(auto null_part, Plan(s, "letter IS NULL"));
  ASSERT_EQ(null_part.files.size(), 1u);
  EXPECT_TRUE(null_part.files[0].partition_values.at("letter").is_null());
  EXPECT_EQ(null_part.metrics.files_pruned_by_partition, 5);

  ASSERT_OK_AND_ASSIGN(auto none, Plan(s, "letter = 'zzz' AND number > 100"));
  EXPECT_TRUE(none.files.empty());
  EXPECT_EQ(none.metrics.files_pruned_by_partition + none.metrics.files_skipped_by_stats, 6);
  // An OR across a partition and a data column may keep files (skipping is conservative), but
  // the rows must still be right.
  ASSERT_OK_AND_ASSIGN(auto mixed, ScanBuilder(s).WithPredicateSql("letter = 'zzz' OR number > 100").Build());
  ASSERT_OK_AND_ASSIGN(auto mixed_rows, ReadAll(*mixed));
  EXPECT_TRUE(mixed_rows.empty());
}

TEST(Scan, FilteredRowsEqualManuallyFilteredFullScan) {
  SHARED_OR_SKIP(p, "kernel-rs/basic_partitioned");
  ASSERT_OK_AND_ASSIGN(auto s, Load(p));
  ASSERT_OK_AND_ASSIGN(auto full_scan, ScanBuilder(s).Build());
  ASSERT_OK_AND_ASSIGN(auto full, ReadAll(*full_scan));
  ASSERT_EQ(full.size(), 6u);
  std::set<int64_t> numbers;
  for (const auto& r : full) {
    numbers.insert(Int(r, "number"));
    double f = std::get<double>(r.at("a_float").value);
    EXPECT_NEAR(f, 1.1 * static_cast<double>(Int(r, "number")), 1e-9);
    if (Int(r, "number") == 6) {
      EXPECT_TRUE(r.at("letter").is_null());
    } else {
      EXPECT_FALSE(r.at("letter").is_null());
    }
  }
  EXPECT_EQ(numbers, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));

  struct Case {
    std::string sql;
    std::function<bool(const Row&)> keep;
  };
  auto letter_is = [](const Row& r, const char* v) {
    return !r.at("letter").is_null() && std::get<std::string>(r.at("letter").value) == v;
  };
  std::vector<Case> cases = {
      {"number >= 3 OR letter = 'b'", [&](const Row& r) { return Int(r, "number") >= 3 || letter_is(r, "b"); }},
      {"letter = 'a' AND number > 2", [&](const Row& r) { return letter_is(r, "a") && Int(r, "number") > 2; }},
      {"letter IS NULL OR number = 2", [&](const Row& r) { return r.at("letter").is_null() || Int(r, "number") == 2; }},
      {"NOT (letter IN ('a', 'c'))", [&](const Row& r) { return !r.at("letter").is_null() && !letter_is(r, "a") && !letter_is(r, "c"); }},
      {"a_float < 3.0", [&](const Row& r) { return std::get<double>(r.at("a_float").value) < 3.0; }},
  };
  for (const auto& c : cases) {
    std::vector<Row> expected;
    for (const auto& r : full) {
      if (c.keep(r)) expected.push_back(r);
    }
    ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).WithPredicateSql(c.sql).Build());
    ASSERT_OK_AND_ASSIGN(auto got, ReadAll(*scan));
    EXPECT_EQ(RowTexts(got), RowTexts(expected)) << c.sql;
    EXPECT_FALSE(expected.empty()) << c.sql;
  }

  // Without row filtering, whole surviving files come back (one row per file here, so the
  // same rows for a partition predicate).
  ASSERT_OK_AND_ASSIGN(auto nofilter, ScanBuilder(s).WithPredicateSql("letter = 'a'").WithRowFiltering(false).Build());
  ASSERT_OK_AND_ASSIGN(auto nf_rows, ReadAll(*nofilter));
  EXPECT_EQ(nf_rows.size(), 2u);
}

TEST(Scan, Projection) {
  SHARED_OR_SKIP(p, "kernel-rs/basic_partitioned");
  ASSERT_OK_AND_ASSIGN(auto s, Load(p));
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).WithColumns({"a_float", "letter"}).WithPredicateSql("number <= 2").Build());
  ASSERT_EQ(scan->schema()->num_fields(), 2);
  EXPECT_EQ(scan->schema()->field(0)->name, "a_float");
  EXPECT_EQ(scan->schema()->field(1)->name, "letter");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll(*scan));
  ASSERT_EQ(rows.size(), 2u);
  std::set<std::string> letters;
  for (const auto& r : rows) {
    EXPECT_EQ(r.size(), 2u);
    EXPECT_EQ(r.count("number"), 0u);
    letters.insert(std::get<std::string>(r.at("letter").value));
  }
  EXPECT_EQ(letters, (std::set<std::string>{"a", "b"}));

  ASSERT_OK_AND_ASSIGN(auto only, ScanBuilder(s).WithColumns({"number"}).Build());
  ASSERT_EQ(only->schema()->num_fields(), 1);
  ASSERT_OK_AND_ASSIGN(auto nums, ReadAll(*only));
  EXPECT_EQ(nums.size(), 6u);

  auto bad = ScanBuilder(s).WithColumns({"number", "nope"}).Build();
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument()) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("nope"), std::string::npos) << bad.status().message();
  auto bad_pred = ScanBuilder(s).WithPredicateSql("number >").Build();
  ASSERT_FALSE(bad_pred.ok());
  EXPECT_TRUE(bad_pred.status().IsInvalidArgument()) << bad_pred.status().ToString();
  auto bad_col = ScanBuilder(s).WithPredicateSql("missing_col = 1").Build();
  ASSERT_FALSE(bad_col.ok());
  EXPECT_NE(bad_col.status().message().find("missing_col"), std::string::npos) << bad_col.status().message();
}

TEST(Scan, StatsSkippingAllTypes) {
  SHARED_OR_SKIP(p, "kernel-rs-golden/data-skipping-basic-stats-all-types/delta");
  ASSERT_OK_AND_ASSIGN(auto s, Load(p));
  ASSERT_EQ(s->files().size(), 1u);
  // The one file holds one row whose columns are all zero (2000-01-01 for the date/time columns).
  // Float maxima and string maxima are not trusted for skipping (NaN, truncation), so only
  // minima are exercised for those types.
  for (const char* skip : {"as_int > 0", "as_long < 0", "as_byte > 0", "as_short <> 0 AND as_short > 0", "as_float < -0.5",
                           "as_double < -1.0", "as_string < '0'", "as_date > DATE '2000-01-01'",
                           "as_date < DATE '2000-01-01'", "as_timestamp < TIMESTAMP '2000-01-01 07:00:00Z'",
                           "as_big_decimal > 0", "as_int IS NULL"}) {
    ASSERT_OK_AND_ASSIGN(auto pl, Plan(s, skip));
    EXPECT_TRUE(pl.files.empty()) << skip;
    EXPECT_EQ(pl.metrics.files_total, 1) << skip;
    EXPECT_EQ(pl.metrics.files_skipped_by_stats, 1) << skip;
  }
  for (const char* keep : {"as_int = 0", "as_long >= 0", "as_string = '0'", "as_date = DATE '2000-01-01'",
                           "as_big_decimal = 0", "as_int IS NOT NULL", "as_double <= 0.0"}) {
    ASSERT_OK_AND_ASSIGN(auto pl, Plan(s, keep));
    EXPECT_EQ(pl.files.size(), 1u) << keep;
    EXPECT_EQ(pl.metrics.files_skipped_by_stats, 0) << keep;
    ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).WithPredicateSql(keep).Build());
    ASSERT_OK_AND_ASSIGN(auto rows, ReadAll(*scan));
    EXPECT_EQ(rows.size(), 1u) << keep;
  }
}

// ----------------------------------------------------------------------------------------------
// Deletion vectors and broken files

TEST(Scan, DeletionVectorsApplied) {
  SHARED_OR_SKIP(p, "delta-rs/table-with-dv-small");
  ASSERT_OK_AND_ASSIGN(auto s0, Load(p, 0));
  ASSERT_OK_AND_ASSIGN(auto scan0, ScanBuilder(s0).Build());
  ASSERT_OK_AND_ASSIGN(auto rows0, ReadAll(*scan0));
  EXPECT_EQ(rows0.size(), 10u);
  ASSERT_OK_AND_ASSIGN(auto s1, Load(p));
  EXPECT_EQ(s1->NumRows(), std::optional<int64_t>(8));
  ASSERT_OK_AND_ASSIGN(auto scan1, ScanBuilder(s1).Build());
  ASSERT_OK_AND_ASSIGN(auto rows1, ReadAll(*scan1));
  EXPECT_EQ(rows1.size(), 8u);
  // Every live row was there before the delete.
  auto before = RowTexts(rows0);
  for (const auto& r : rows1) EXPECT_EQ(before.count(RowText(r)), 1u) << RowText(r);
}

TEST(Scan, DvPartitionedWithCheckpoint) {
  SHARED_OR_SKIP(p, "kernel-rs-golden/dv-partitioned-with-checkpoint/delta");
  ASSERT_OK_AND_ASSIGN(auto s, Load(p));
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).Build());
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAll(*scan));
  EXPECT_EQ(static_cast<int64_t>(rows.size()), 35);
  ASSERT_OK_AND_ASSIGN(auto s3, Load(p, 3));
  ASSERT_OK_AND_ASSIGN(auto scan3, ScanBuilder(s3).Build());
  ASSERT_OK_AND_ASSIGN(auto rows3, ReadAll(*scan3));
  EXPECT_EQ(static_cast<int64_t>(rows3.size()), 47);
}

// The name of the one deletion-vector file of a table directory.
std::string FindDvFile(const fs::path& dir) {
  for (auto& e : fs::recursive_directory_iterator(dir)) {
    std::string n = e.path().filename().string();
    if (n.rfind("deletion_vector_", 0) == 0 && e.path().extension() == ".bin") return e.path().string();
  }
  return "";
}

TEST(Scan, MissingDeletionVectorFile) {
  SHARED_OR_SKIP(p, "delta-rs/table-with-dv-small");
  TempDir dir;
  fs::path copy = dir.path() / "t";
  CopyTree(p, copy);
  std::string dv = FindDvFile(copy);
  ASSERT_FALSE(dv.empty());
  fs::remove(dv);
  ASSERT_OK_AND_ASSIGN(auto s, Load(copy.string()));
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).Build());
  auto rows = ReadAll(*scan);
  ASSERT_FALSE(rows.ok());
  EXPECT_TRUE(rows.status().IsNotFound()) << rows.status().ToString();
  EXPECT_NE(rows.status().message().find(fs::path(dv).filename().string()), std::string::npos)
      << rows.status().message();
  // ReadFile reports the same.
  ASSERT_OK_AND_ASSIGN(auto files, scan->PlanFiles());
  ASSERT_EQ(files.size(), 1u);
  auto direct = scan->ReadFile(files[0]);
  ASSERT_FALSE(direct.ok());
  EXPECT_TRUE(direct.status().IsNotFound()) << direct.status().ToString();
  // Version 0 had no DV and still reads.
  ASSERT_OK_AND_ASSIGN(auto s0, Load(copy.string(), 0));
  ASSERT_OK_AND_ASSIGN(auto scan0, ScanBuilder(s0).Build());
  ASSERT_OK_AND_ASSIGN(auto rows0, ReadAll(*scan0));
  EXPECT_EQ(rows0.size(), 10u);
}

void OverwriteKeepingSize(const std::string& path, size_t offset, const std::string& bytes) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(Scan, CorruptDeletionVectorFile) {
  SHARED_OR_SKIP(p, "delta-rs/table-with-dv-small");
  for (int mode = 0; mode < 3; ++mode) {
    TempDir dir;
    fs::path copy = dir.path() / "t";
    CopyTree(p, copy);
    std::string dv = FindDvFile(copy);
    ASSERT_FALSE(dv.empty());
    auto size = fs::file_size(dv);
    if (mode == 0) {
      fs::resize_file(dv, 3);  // truncated before the DV
    } else if (mode == 1) {
      ASSERT_GT(size, 12u);
      OverwriteKeepingSize(dv, 5, std::string(8, '\x7f'));  // bitmap bytes (magic / counts) garbled
    } else {
      OverwriteKeepingSize(dv, size - 2, "\xff\xff");  // checksum mismatch
    }
    ASSERT_OK_AND_ASSIGN(auto s, Load(copy.string()));
    ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).Build());
    auto rows = ReadAll(*scan);
    ASSERT_FALSE(rows.ok()) << "mode " << mode;
    EXPECT_TRUE(rows.status().IsCorruptData() || rows.status().IsInvalidArgument())
        << "mode " << mode << ": " << rows.status().ToString();
    EXPECT_NE(rows.status().message().find("deletion_vector_"), std::string::npos)
        << "mode " << mode << ": " << rows.status().message();
  }
}

TEST(Scan, MissingDataFile) {
  SHARED_OR_SKIP(p, "kernel-rs/basic_partitioned");
  TempDir dir;
  fs::path copy = dir.path() / "t";
  CopyTree(p, copy);
  ASSERT_OK_AND_ASSIGN(auto s, Load(copy.string()));
  std::string victim;
  for (const auto& f : s->files()) {
    if (f.path.rfind("letter=b/", 0) == 0) victim = f.path;
  }
  ASSERT_FALSE(victim.empty());
  fs::remove(copy / victim);
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).Build());
  auto rows = ReadAll(*scan);
  ASSERT_FALSE(rows.ok());
  EXPECT_TRUE(rows.status().IsNotFound()) << rows.status().ToString();
  std::string base = fs::path(victim).filename().string();
  EXPECT_NE(rows.status().message().find(base), std::string::npos) << rows.status().message();
  // Pruned away, the missing file is not read.
  ASSERT_OK_AND_ASSIGN(auto pruned, ScanBuilder(s).WithPredicateSql("letter = 'a'").Build());
  ASSERT_OK_AND_ASSIGN(auto a_rows, ReadAll(*pruned));
  EXPECT_EQ(a_rows.size(), 2u);
}

TEST(Scan, CorruptDataFile) {
  SHARED_OR_SKIP(p, "kernel-rs/basic_partitioned");
  TempDir dir;
  fs::path copy = dir.path() / "t";
  CopyTree(p, copy);
  ASSERT_OK_AND_ASSIGN(auto s, Load(copy.string()));
  std::string victim;
  for (const auto& f : s->files()) {
    if (f.path.rfind("letter=c/", 0) == 0) victim = f.path;
  }
  ASSERT_FALSE(victim.empty());
  {
    std::ofstream out(copy / victim, std::ios::binary | std::ios::trunc);
    out << "this is not parquet at all";
  }
  ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(s).Build());
  auto rows = ReadAll(*scan);
  ASSERT_FALSE(rows.ok());
  EXPECT_TRUE(rows.status().IsCorruptData()) << rows.status().ToString();
  EXPECT_NE(rows.status().message().find(fs::path(victim).filename().string()), std::string::npos)
      << rows.status().message();
}

}  // namespace
}  // namespace delta::scan
