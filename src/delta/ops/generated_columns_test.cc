// Tests of generated columns through ops::WriteTable: computed when the input lacks them,
// checked when the input has them (mismatch fails naming column, expression and row, and leaves
// the table unchanged), unsupported expressions refused; on a table written by Databricks
// (dbr_8_1_generated_columns, "c2 = c1 + 1") and on tables we create with date / string
// generation expressions, partitioned by a generated column.
#include "delta/ops/generated_columns.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <set>

#include "delta/columnar/builder.h"
#include "delta/ops/create.h"
#include "delta/ops/ops_test_util.h"
#include "delta/ops/write.h"
#include "delta/protocol/table_features.h"
#include "support/matchers.h"
#include "support/temp_table.h"

namespace delta::ops {
namespace {

using columnar::MakeField;
using testutil::Latest;
using testutil::ReadTable;
using testutil::TempDir;

columnar::KeyValueMetadata Gen(const std::string& sql) { return {{"delta.generationExpression", sql}}; }

// A reader over one batch with int32 columns named `names` (nullopt = null).
std::shared_ptr<columnar::RecordBatchReader> IntRows(const std::vector<std::string>& names,
                                                     const std::vector<std::vector<std::optional<int32_t>>>& cols) {
  std::vector<columnar::FieldPtr> fields;
  std::vector<columnar::ArrayPtr> arrays;
  for (size_t c = 0; c < names.size(); ++c) {
    fields.push_back(MakeField(names[c], columnar::Int32()));
    columnar::Int32Builder b;
    for (const auto& v : cols[c]) {
      if (v) {
        EXPECT_OK(b.Append(*v));
      } else {
        EXPECT_OK(b.AppendNull());
      }
    }
    arrays.push_back(b.Finish().ValueOrDie());
  }
  auto schema = std::make_shared<columnar::Schema>(fields);
  auto batch = columnar::MakeRecordBatch(schema, arrays).ValueOrDie();
  return columnar::MakeRecordBatchReader(schema, {batch});
}

WriteOptions Append() {
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  return o;
}

TEST(GeneratedColumnsTest, DatabricksTableComputesAndChecks) {
  SHARED_OR_SKIP(src, "delta-spark/dbr_8_1_generated_columns");
  TempDir dir;
  const std::string uri = dir.Sub("t");
  delta::testing::CopyTree(src, uri);

  // c2 absent: computed as c1 + 1 (int overflow wraps as in Spark).
  auto in = IntRows({"c1"}, {{1, 41, std::nullopt, 2147483647}});
  ASSERT_OK_AND_ASSIGN(auto r, WriteTable(uri, *in, Append()));
  EXPECT_EQ(r.version, 1);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(uri));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|2", "2147483647|-2147483648", "41|42", "null|null"}));

  // c2 given and right: accepted.
  in = IntRows({"c2", "c1"}, {{11, std::nullopt}, {10, std::nullopt}});
  ASSERT_OK_AND_ASSIGN(r, WriteTable(uri, *in, Append()));
  EXPECT_EQ(r.version, 2);

  // c2 given and wrong in the second row (or non-null where the expression is null): refused,
  // naming column, expression and row; nothing committed, no data file left.
  size_t files_before = testutil::DataFiles(uri).size();
  in = IntRows({"c1", "c2"}, {{5, 6}, {6, 8}});
  auto bad = WriteTable(uri, *in, Append());
  ASSERT_RAISES(InvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("generated column 'c2' (c1 + 1)"), std::string::npos) << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("row 1: value 8, expected 7"), std::string::npos) << bad.status().ToString();
  in = IntRows({"c1", "c2"}, {{std::nullopt}, {0}});
  ASSERT_RAISES(InvalidArgument, WriteTable(uri, *in, Append()));
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(uri));
  EXPECT_EQ(snap->version(), 2);
  EXPECT_EQ(testutil::DataFiles(uri).size(), files_before);
  ASSERT_OK_AND_ASSIGN(rows, ReadTable(uri));
  EXPECT_EQ(rows.size(), 6u);
}

TEST(GeneratedColumnsTest, DateAndStringExpressionsPartitionedByGeneratedColumn) {
  TempDir dir;
  const std::string uri = dir.Sub("events");
  auto ts_type = columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC");
  CreateOptions c;
  c.schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("id", columnar::Int64()), MakeField("ts", ts_type), MakeField("name", columnar::Utf8()),
      MakeField("event_date", columnar::Date32(), true, Gen("CAST(`ts` AS DATE)")),
      MakeField("ym", columnar::Utf8(), true, Gen("date_format(ts, 'yyyy-MM')")),
      MakeField("hr", columnar::Int32(), true, Gen("HOUR(ts)")),
      MakeField("tag", columnar::Utf8(), true, Gen("concat(upper(substring(name, 1, 2)), '-', id % 10)"))});
  c.partition_by = {"event_date"};
  ASSERT_OK(CreateTable(uri, c).status());
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(uri));
  EXPECT_TRUE(protocol::IsFeatureEnabled(snap->protocol(), "generatedColumns"));

  // Input without the generated columns: id, ts, name.
  auto in_schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("id", columnar::Int64()), MakeField("ts", ts_type), MakeField("name", columnar::Utf8())});
  ASSERT_OK_AND_ASSIGN(auto bb, columnar::RecordBatchBuilder::Make(in_schema));
  const int64_t t0 = 1614834367089000;  // 2021-03-04 05:06:07.089 UTC
  const int64_t hour = 3600LL * 1000000;
  for (int64_t i = 0; i < 4; ++i) {
    ASSERT_OK(bb->field_as<columnar::Int64Builder>(0)->Append(i + 11));
    ASSERT_OK(bb->field_as<columnar::Int64Builder>(1)->Append(t0 + i * 10 * hour));
    ASSERT_OK(bb->field_as<columnar::BinaryBuilder>(2)->Append(i % 2 ? "bob" : "alice"));
  }
  ASSERT_OK(bb->field(0)->AppendNull());
  ASSERT_OK(bb->field(1)->AppendNull());
  ASSERT_OK(bb->field(2)->AppendNull());
  ASSERT_OK_AND_ASSIGN(auto batch, bb->Finish());
  auto reader = columnar::MakeRecordBatchReader(in_schema, {batch});
  ASSERT_OK_AND_ASSIGN(auto r, WriteTable(uri, *reader, Append()));
  EXPECT_EQ(r.rows, 5);
  EXPECT_EQ(r.files_added, 3);  // 2021-03-04, 2021-03-05, null
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(uri, {"id", "event_date", "ym", "hr", "tag"}));
  EXPECT_EQ(rows, (std::vector<std::string>{
                      "11|2021-03-04|'2021-03'|5|'AL-1'", "12|2021-03-04|'2021-03'|15|'BO-2'",
                      "13|2021-03-05|'2021-03'|1|'AL-3'", "14|2021-03-05|'2021-03'|11|'BO-4'",
                      "null|null|null|null|null"}));
  ASSERT_OK_AND_ASSIGN(snap, Latest(uri));
  std::set<std::string> parts;
  for (const auto& f : snap->files()) parts.insert(f.partition_values[0].second.value_or("<null>"));
  EXPECT_EQ(parts, (std::set<std::string>{"2021-03-04", "2021-03-05", "<null>"}));
}

TEST(GeneratedColumnsTest, UnsupportedExpressionIsRefused) {
  TempDir dir;
  const std::string uri = dir.Sub("t");
  CreateOptions c;
  c.schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("c1", columnar::Int32()), MakeField("c2", columnar::Int32(), true, Gen("hash(c1)"))});
  ASSERT_OK(CreateTable(uri, c).status());
  auto in = IntRows({"c1"}, {{1}});
  auto st = WriteTable(uri, *in, Append());
  ASSERT_RAISES(Unsupported, st);
  EXPECT_NE(st.status().message().find("generated column 'c2' (hash(c1))"), std::string::npos) << st.status().ToString();
  EXPECT_TRUE(testutil::DataFiles(uri).empty());
}

TEST(GeneratedColumnsTest, ApplyDirectly) {
  auto schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("a", columnar::Int32()), MakeField("b", columnar::Float64(), true, Gen("a / 2")),
      MakeField("c", columnar::Int64(), true, Gen("coalesce(a, -1) * 3"))});
  ASSERT_OK_AND_ASSIGN(auto gen, GeneratedColumns::Make(*schema));
  ASSERT_EQ(gen->columns().size(), 2u);
  columnar::Int32Builder a;
  ASSERT_OK(a.Append(5));
  ASSERT_OK(a.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a_arr, a.Finish());
  ASSERT_OK_AND_ASSIGN(auto nb, columnar::MakeArrayOfNulls(columnar::Float64(), 2));
  ASSERT_OK_AND_ASSIGN(auto nc, columnar::MakeArrayOfNulls(columnar::Int64(), 2));
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {a_arr, nb, nc}));
  ASSERT_OK(gen->Apply(&batch, {true, false, false}));
  ASSERT_OK_AND_ASSIGN(auto rows, testutil::Rows(*batch));
  EXPECT_EQ(rows, (std::vector<std::string>{"5|2.5|15", "null|null|-3"}));
  // All provided: the nulls given for b / c must match (row 0 does not).
  ASSERT_OK_AND_ASSIGN(auto batch2, columnar::MakeRecordBatch(schema, {a_arr, nb, nc}));
  ASSERT_RAISES(InvalidArgument, gen->Apply(&batch2, {true, true, true}, 100));
  // Nested generation expressions are refused.
  auto nested = columnar::Schema({MakeField(
      "s", columnar::Struct({MakeField("x", columnar::Int32(), true, Gen("1"))}))});
  ASSERT_RAISES(Unsupported, GeneratedColumns::Make(nested));
}

}  // namespace
}  // namespace delta::ops
