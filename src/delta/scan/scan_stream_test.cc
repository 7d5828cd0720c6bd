// The scan's Arrow C Stream export: what a consumer imports through the C interface equals what
// the scan's own reader yields, and the stream keeps the scan alive after the caller drops it.
#include <gtest/gtest.h>

#include <filesystem>

#include "delta/columnar/bridge.h"
#include "delta/scan/file_skipping.h"
#include "delta/scan/scan.h"
#include "support/matchers.h"

namespace delta::scan {
namespace {

std::string SharedTable(const std::string& rel) {
  std::string dir = testing::SharedTablesDir();
  if (dir.empty()) return "";
  std::string p = dir + "/" + rel;
  return std::filesystem::exists(p) ? p : "";
}

Result<int64_t> CountRows(columnar::RecordBatchReader* reader, int64_t* batches = nullptr) {
  int64_t rows = 0;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, reader->Next());
    if (!b) break;
    rows += b->num_rows;
    if (batches) ++*batches;
  }
  return rows;
}

TEST(ScanStream, ExportedStreamMatchesReaderAndOutlivesScan) {
  std::string path = SharedTable("delta-rs/table-with-dv-small");
  if (path.empty()) GTEST_SKIP() << "shared tables not available";
  ASSERT_OK_AND_ASSIGN(auto table, table::Table::Open(path));
  ASSERT_OK_AND_ASSIGN(auto snap, table->GetSnapshot());
  ArrowArrayStream stream;
  int64_t direct = 0;
  {
    ASSERT_OK_AND_ASSIGN(auto scan, ScanBuilder(snap).Build());
    ASSERT_OK_AND_ASSIGN(auto reader, scan->Execute());
    ASSERT_OK_AND_ASSIGN(direct, CountRows(reader.get()));
    ASSERT_OK(scan->ExportToArrowStream(&stream));
  }  // the scan object is gone; the stream must still work
  ASSERT_OK_AND_ASSIGN(auto imported, columnar::ImportRecordBatchReader(&stream));
  EXPECT_EQ(imported->schema()->num_fields(), snap->schema()->num_fields());
  ASSERT_OK_AND_ASSIGN(int64_t via_stream, CountRows(imported.get()));
  EXPECT_EQ(via_stream, direct);
  // Deletion vectors applied: fewer rows than numRecords.
  int64_t records = 0;
  for (const auto& f : snap->files()) {
    ASSERT_OK_AND_ASSIGN(auto stats, ParseFileStats(*snap, f));
    ASSERT_TRUE(stats.num_records.has_value());
    records += *stats.num_records;
  }
  ASSERT_TRUE(snap->NumRows().has_value());
  EXPECT_EQ(direct, *snap->NumRows());
  EXPECT_LT(direct, records);
}

TEST(ScanStream, UnknownColumnAndBadPredicateAreInvalidArgument) {
  std::string path = SharedTable("delta-rs/simple_table");
  if (path.empty()) GTEST_SKIP() << "shared tables not available";
  ASSERT_OK_AND_ASSIGN(auto table, table::Table::Open(path));
  ASSERT_OK_AND_ASSIGN(auto snap, table->GetSnapshot());
  auto r1 = ScanBuilder(snap).WithColumns({"nope"}).Build();
  ASSERT_FALSE(r1.ok());
  EXPECT_TRUE(r1.status().IsInvalidArgument());
  EXPECT_NE(r1.status().message().find("nope"), std::string::npos);
  auto r2 = ScanBuilder(snap).WithPredicateSql("id >").Build();
  ASSERT_FALSE(r2.ok());
  EXPECT_TRUE(r2.status().IsInvalidArgument());
}

}  // namespace
}  // namespace delta::scan
