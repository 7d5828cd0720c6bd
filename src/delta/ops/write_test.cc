// Tests of CreateTable and WriteTable: protocol choice, save modes, replaceWhere (partition and
// data predicates, rows outside rejected), schema merge / overwrite, NOT NULL violations leaving
// nothing behind, idempotent application transactions, and round trips through our scan
// (partitioned tables, column mapping in name mode).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "delta/ops/create.h"
#include "delta/ops/ops_test_util.h"
#include "delta/ops/write.h"
#include "delta/protocol/table_features.h"
#include "delta/schema/column_mapping.h"
#include "support/matchers.h"

namespace delta::ops {
namespace {

using testutil::DataFiles;
using testutil::Latest;
using testutil::ReadTable;
using testutil::Reader;
using testutil::Row;
using testutil::TempDir;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Commit(const std::string& root, int64_t v) {
  char name[64];
  snprintf(name, sizeof(name), "/_delta_log/%020lld.json", static_cast<long long>(v));
  return ReadText(root + name);
}

Result<WriteResult> Write(const std::string& uri, const std::vector<Row>& rows, WriteOptions options) {
  DELTA_ASSIGN_OR_RAISE(auto reader, Reader(rows));
  return WriteTable(uri, *reader, options);
}

TEST(CreateTableTest, PlainTableHasProtocol12AndMetadata) {
  TempDir dir;
  CreateOptions o;
  o.schema = testutil::RowSchema(false);
  o.partition_by = {"p"};
  o.name = "events";
  o.description = "test table";
  o.configuration = {{"delta.appendOnly", "false"}};
  ASSERT_OK_AND_ASSIGN(int64_t v, CreateTable(dir.path(), o));
  EXPECT_EQ(v, 0);
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->version(), 0);
  EXPECT_EQ(snap->protocol().min_reader_version, 1);
  EXPECT_EQ(snap->protocol().min_writer_version, 2);
  EXPECT_EQ(snap->metadata().name.value_or(""), "events");
  EXPECT_EQ(snap->metadata().description.value_or(""), "test table");
  EXPECT_EQ(snap->metadata().id.size(), 36u);
  EXPECT_TRUE(snap->metadata().created_time.has_value());
  EXPECT_EQ(snap->partition_columns(), std::vector<std::string>{"p"});
  ASSERT_EQ(snap->schema()->num_fields(), 3);
  EXPECT_FALSE(snap->schema()->field(0)->nullable);
  EXPECT_TRUE(snap->files().empty());
  std::string log = Commit(dir.path(), 0);
  EXPECT_NE(log.find("\"operation\":\"CREATE TABLE\""), std::string::npos) << log;

  // Exists: error, or ignore returning the version.
  ASSERT_RAISES(AlreadyExists, CreateTable(dir.path(), o));
  o.if_exists = CreateOptions::IfExists::kIgnore;
  ASSERT_OK_AND_ASSIGN(v, CreateTable(dir.path(), o));
  EXPECT_EQ(v, 0);
}

TEST(CreateTableTest, RejectsBadPartitionColumns) {
  TempDir dir;
  CreateOptions o;
  o.schema = testutil::RowSchema();
  o.partition_by = {"nope"};
  ASSERT_RAISES(InvalidArgument, CreateTable(dir.path(), o));
  auto nested = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64()),
      columnar::MakeField("s", columnar::Struct({columnar::MakeField("a", columnar::Int32())}))});
  o.schema = nested;
  o.partition_by = {"s"};
  ASSERT_RAISES(InvalidArgument, CreateTable(dir.path(), o));
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/_delta_log/00000000000000000000.json"));
}

TEST(CreateTableTest, ProtocolFollowsFeatures) {
  auto schema = testutil::RowSchema();
  auto p = MinimalProtocol(*schema, {{"delta.enableChangeDataFeed", "true"}});
  EXPECT_EQ(p.min_reader_version, 1);
  EXPECT_EQ(p.min_writer_version, 4);
  EXPECT_FALSE(p.writer_features.has_value());
  p = MinimalProtocol(*schema, {{"delta.columnMapping.mode", "name"}});
  EXPECT_EQ(p.min_reader_version, 2);
  EXPECT_EQ(p.min_writer_version, 5);
  p = MinimalProtocol(*schema, {{"delta.enableDeletionVectors", "true"}, {"delta.appendOnly", "true"}});
  EXPECT_EQ(p.min_reader_version, 3);
  EXPECT_EQ(p.min_writer_version, 7);
  ASSERT_TRUE(p.reader_features && p.writer_features);
  EXPECT_EQ(*p.reader_features, std::vector<std::string>{"deletionVectors"});
  EXPECT_EQ(*p.writer_features, (std::vector<std::string>{"appendOnly", "deletionVectors"}));
  p = MinimalProtocol(*schema, {{"delta.enableInCommitTimestamps", "true"}});
  EXPECT_EQ(p.min_reader_version, 1);
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_EQ(*p.writer_features, std::vector<std::string>{"inCommitTimestamp"});
  auto ntz = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("t", columnar::Timestamp(columnar::TimeUnit::kMicro))});
  p = MinimalProtocol(*ntz, {});
  EXPECT_EQ(p.min_reader_version, 3);
  EXPECT_EQ(*p.reader_features, std::vector<std::string>{"timestampNtz"});
  EXPECT_TRUE(protocol::IsFeatureEnabled(p, "timestampNtz"));
}

TEST(WriteTableTest, SaveModes) {
  TempDir dir;
  const std::string uri = dir.path();
  WriteOptions o;  // error-if-exists creates the table
  ASSERT_OK_AND_ASSIGN(auto r, Write(uri, {{1, "a", "x"}, {2, "b", "y"}}, o));
  EXPECT_EQ(r.status, txn::CommitStatus::kCommitted);
  EXPECT_EQ(r.version, 0);
  EXPECT_EQ(r.rows, 2);
  EXPECT_GE(r.files_added, 1);
  EXPECT_GT(r.bytes, 0);
  ASSERT_RAISES(AlreadyExists, Write(uri, {{3, "c", "x"}}, o));

  o.mode = SaveMode::kIgnore;
  ASSERT_OK_AND_ASSIGN(r, Write(uri, {{3, "c", "x"}}, o));
  EXPECT_EQ(r.status, txn::CommitStatus::kSkipped);
  EXPECT_EQ(r.version, 0);

  o.mode = SaveMode::kAppend;
  ASSERT_OK_AND_ASSIGN(r, Write(uri, {{3, "c", "x"}}, o));
  EXPECT_EQ(r.version, 1);
  std::string log = Commit(uri, 1);
  EXPECT_NE(log.find("\"isBlindAppend\":true"), std::string::npos) << log;
  EXPECT_EQ(log.find("\"remove\""), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(uri));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|'x'", "2|'b'|'y'", "3|'c'|'x'"}));

  o.mode = SaveMode::kOverwrite;
  ASSERT_OK_AND_ASSIGN(r, Write(uri, {{9, "", "z"}}, o));
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.files_removed, 2);
  ASSERT_OK_AND_ASSIGN(rows, ReadTable(uri));
  EXPECT_EQ(rows, (std::vector<std::string>{"9|null|'z'"}));
  // Time travel still sees the old rows.
  ASSERT_OK_AND_ASSIGN(rows, ReadTable(uri, {}, 1));
  EXPECT_EQ(rows.size(), 3u);

  // Ignore on an absent table creates it.
  TempDir other;
  o.mode = SaveMode::kIgnore;
  ASSERT_OK_AND_ASSIGN(r, Write(other.path(), {{5, "e", "x"}}, o));
  EXPECT_EQ(r.status, txn::CommitStatus::kCommitted);
  EXPECT_EQ(r.version, 0);
}

TEST(WriteTableTest, PartitionedRoundTrip) {
  TempDir dir;
  WriteOptions o;
  o.partition_by = {"p"};
  ASSERT_OK_AND_ASSIGN(auto r, Write(dir.path(), {{1, "a", "x"}, {2, "b", "y"}, {3, "c", "x"}, {4, "d", "a b/c"}}, o));
  EXPECT_EQ(r.files_added, 3);
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->partition_columns(), std::vector<std::string>{"p"});
  for (const auto& f : snap->files()) {
    ASSERT_EQ(f.partition_values.size(), 1u);
    EXPECT_EQ(f.partition_values[0].first, "p");
  }
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|'x'", "2|'b'|'y'", "3|'c'|'x'", "4|'d'|'a b/c'"}));
  // Partition columns must match the table's.
  o.mode = SaveMode::kAppend;
  o.partition_by = {"name"};
  ASSERT_RAISES(InvalidArgument, Write(dir.path(), {{5, "e", "x"}}, o));
}

// Partitions are encoded in parallel: the same rows and per-partition file contents as the
// sequential path (one thread), and a failure in one partition fails the whole write, leaving no
// commit and no data file of any partition behind.
TEST(WriteTableTest, ParallelPartitionsMatchSequentialAndFailuresCommitNothing) {
  TempDir dir;
  std::vector<Row> rows;
  for (int i = 0; i < 3000; ++i) rows.push_back({i, "n" + std::to_string(i % 97), "q" + std::to_string(i * 7 % 40)});
  auto write = [&](const std::string& uri, int threads, int max_open) {
    WriteOptions o;
    o.partition_by = {"p"};
    o.data.num_threads = threads;
    o.data.max_open_files = max_open;
    return Write(uri, rows, o);
  };
  ASSERT_OK_AND_ASSIGN(auto seq, write(dir.Sub("seq"), 1, 64));
  ASSERT_OK_AND_ASSIGN(auto par, write(dir.Sub("par"), 4, 64));
  ASSERT_OK_AND_ASSIGN(auto bounded, write(dir.Sub("bounded"), 4, 5));  // waves of 5 partitions
  EXPECT_EQ(seq.files_added, 40);
  EXPECT_EQ(par.files_added, 40);
  EXPECT_EQ(par.rows, 3000);
  EXPECT_EQ(bounded.rows, 3000);
  ASSERT_OK_AND_ASSIGN(auto seq_rows, ReadTable(dir.Sub("seq")));
  ASSERT_OK_AND_ASSIGN(auto par_rows, ReadTable(dir.Sub("par")));
  ASSERT_OK_AND_ASSIGN(auto bounded_rows, ReadTable(dir.Sub("bounded")));
  std::sort(seq_rows.begin(), seq_rows.end());
  std::sort(par_rows.begin(), par_rows.end());
  std::sort(bounded_rows.begin(), bounded_rows.end());
  ASSERT_EQ(seq_rows.size(), 3000u);
  EXPECT_EQ(par_rows, seq_rows);
  EXPECT_EQ(bounded_rows, seq_rows);
  // Each partition's single file has the same bytes whichever thread encoded it.
  auto by_partition = [](const std::string& root) {
    std::map<std::string, std::string> out;
    for (const auto& f : DataFiles(root)) {
      const std::string part = std::filesystem::path(f).parent_path().filename().string();
      EXPECT_EQ(out.count(part), 0u) << f;
      out[part] = ReadText(f);
    }
    return out;
  };
  auto seq_files = by_partition(dir.Sub("seq"));
  EXPECT_EQ(seq_files.size(), 40u);
  EXPECT_TRUE(seq_files == by_partition(dir.Sub("par")));

  // Partition q7 cannot be created (a file has its directory's name): the write fails, nothing
  // is committed and the other partitions' files are deleted.
  const std::string bad = dir.Sub("bad");
  CreateOptions c;
  c.schema = testutil::RowSchema();
  c.partition_by = {"p"};
  ASSERT_OK(CreateTable(bad, c).status());
  dir.Write("bad/p=q7", "not a directory");
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  o.data.num_threads = 4;
  auto r = Write(bad, rows, o);
  ASSERT_RAISES(IOError, r);
  EXPECT_NE(r.status().message().find("p=q7"), std::string::npos) << r.status().ToString();
  EXPECT_TRUE(DataFiles(bad).empty());
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(bad));
  EXPECT_EQ(snap->version(), 0);
  EXPECT_TRUE(snap->files().empty());
}

TEST(WriteTableTest, ReplaceWherePartitionPredicate) {
  TempDir dir;
  WriteOptions o;
  o.partition_by = {"p"};
  ASSERT_OK(Write(dir.path(), {{1, "a", "x"}, {2, "b", "y"}, {3, "c", "x"}}, o).status());
  o.mode = SaveMode::kOverwrite;
  o.partition_by.clear();
  o.replace_where = "p = 'x'";
  ASSERT_OK_AND_ASSIGN(auto r, Write(dir.path(), {{10, "n", "x"}}, o));
  EXPECT_EQ(r.files_removed, 1);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"10|'n'|'x'", "2|'b'|'y'"}));
  // Rows outside the predicate are rejected, the table is unchanged and no file is left.
  auto before = DataFiles(dir.path()).size();
  auto bad = Write(dir.path(), {{11, "n", "x"}, {12, "m", "y"}}, o);
  ASSERT_RAISES(InvalidArgument, bad);
  EXPECT_NE(bad.status().message().find("replaceWhere"), std::string::npos) << bad.status().ToString();
  EXPECT_EQ(DataFiles(dir.path()).size(), before);
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->version(), 1);
}

TEST(WriteTableTest, ReplaceWhereDataPredicateKeepsOtherRows) {
  TempDir dir;
  WriteOptions o;
  ASSERT_OK(Write(dir.path(), {{1, "a", "x"}, {2, "b", "y"}, {3, "", "x"}, {4, "d", "y"}}, o).status());
  ASSERT_OK(Write(dir.path(), {{100, "z", "z"}}, [] {
              WriteOptions a;
              a.mode = SaveMode::kAppend;
              return a;
            }())
                .status());
  o.mode = SaveMode::kOverwrite;
  o.replace_where = "id >= 2 AND id <= 3";
  ASSERT_OK_AND_ASSIGN(auto r, Write(dir.path(), {{2, "B", "q"}}, o));
  // The first file held matching rows (removed and its other rows rewritten); the second did not.
  EXPECT_EQ(r.files_removed, 1);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"100|'z'|'z'", "1|'a'|'x'", "2|'B'|'q'", "4|'d'|'y'"}));
  // Null names do not match "name = 'a'": the NULL row must be kept by a name predicate.
  TempDir d2;
  ASSERT_OK(Write(d2.path(), {{1, "a", "x"}, {2, "", "x"}}, WriteOptions{}).status());
  WriteOptions o2;
  o2.mode = SaveMode::kOverwrite;
  o2.replace_where = "name = 'a'";
  ASSERT_OK(Write(d2.path(), {{3, "a", "x"}}, o2).status());
  ASSERT_OK_AND_ASSIGN(rows, ReadTable(d2.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"2|null|'x'", "3|'a'|'x'"}));
}

TEST(WriteTableTest, SchemaMergeAddsNullableColumns) {
  TempDir dir;
  ASSERT_OK(Write(dir.path(), {{1, "a", "x"}}, WriteOptions{}).status());
  auto wider = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64()), columnar::MakeField("extra", columnar::Float64(), false)});
  ASSERT_OK_AND_ASSIGN(auto b, columnar::RecordBatchBuilder::Make(wider));
  ASSERT_OK(b->field_as<columnar::Int64Builder>(0)->Append(2));
  ASSERT_OK(b->field_as<columnar::DoubleBuilder>(1)->Append(2.5));
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  auto reader = columnar::MakeRecordBatchReader(wider, {batch});
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  // Without merge: rejected naming the column.
  auto st = WriteTable(dir.path(), *reader, o);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("extra"), std::string::npos);
  o.schema_mode = SchemaMode::kMerge;
  reader = columnar::MakeRecordBatchReader(wider, {batch});
  ASSERT_OK(WriteTable(dir.path(), *reader, o).status());
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  ASSERT_EQ(snap->schema()->num_fields(), 4);
  EXPECT_EQ(snap->schema()->field(3)->name, "extra");
  EXPECT_TRUE(snap->schema()->field(3)->nullable);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|'x'|null", "2|null|null|2.5"}));
}

TEST(WriteTableTest, SchemaOverwrite) {
  TempDir dir;
  ASSERT_OK(Write(dir.path(), {{1, "a", "x"}}, WriteOptions{}).status());
  auto other = std::make_shared<columnar::Schema>(
      std::vector<columnar::FieldPtr>{columnar::MakeField("k", columnar::Utf8())});
  ASSERT_OK_AND_ASSIGN(auto b, columnar::RecordBatchBuilder::Make(other));
  ASSERT_OK(b->field_as<columnar::BinaryBuilder>(0)->Append("v"));
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  o.schema_mode = SchemaMode::kOverwrite;
  auto reader = columnar::MakeRecordBatchReader(other, {batch});
  ASSERT_RAISES(InvalidArgument, WriteTable(dir.path(), *reader, o));
  o.mode = SaveMode::kOverwrite;
  reader = columnar::MakeRecordBatchReader(other, {batch});
  ASSERT_OK(WriteTable(dir.path(), *reader, o).status());
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"'v'"}));
}

TEST(WriteTableTest, NotNullViolationLeavesNothingBehind) {
  TempDir dir;
  CreateOptions c;
  c.schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64(), false), columnar::MakeField("name", columnar::Utf8(), false),
      columnar::MakeField("p", columnar::Utf8())});
  c.partition_by = {"p"};
  ASSERT_OK(CreateTable(dir.path(), c).status());
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  // Several partitions are written before the bad row arrives in a second batch.
  ASSERT_OK_AND_ASSIGN(auto good, testutil::MakeRows({{1, "a", "x"}, {2, "b", "y"}}));
  ASSERT_OK_AND_ASSIGN(auto bad, testutil::MakeRows({{3, "", "x"}}));
  auto reader = columnar::MakeRecordBatchReader(testutil::RowSchema(), {good, bad});
  auto r = WriteTable(dir.path(), *reader, o);
  ASSERT_RAISES(InvalidArgument, r);
  EXPECT_NE(r.status().message().find("name"), std::string::npos) << r.status().ToString();
  EXPECT_TRUE(DataFiles(dir.path()).empty());
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->version(), 0);
  EXPECT_TRUE(snap->files().empty());
}

TEST(WriteTableTest, IdempotentAppTransaction) {
  TempDir dir;
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  o.app_transaction = std::make_pair(std::string("ingest"), int64_t{7});
  ASSERT_OK_AND_ASSIGN(auto r, Write(dir.path(), {{1, "a", "x"}}, o));
  EXPECT_EQ(r.status, txn::CommitStatus::kCommitted);
  EXPECT_NE(Commit(dir.path(), 0).find("\"txn\""), std::string::npos);
  auto files = DataFiles(dir.path()).size();
  ASSERT_OK_AND_ASSIGN(r, Write(dir.path(), {{2, "b", "x"}}, o));
  EXPECT_EQ(r.status, txn::CommitStatus::kSkipped);
  EXPECT_EQ(r.version, 0);
  EXPECT_EQ(DataFiles(dir.path()).size(), files);
  o.app_transaction->second = 8;
  ASSERT_OK_AND_ASSIGN(r, Write(dir.path(), {{2, "b", "x"}}, o));
  EXPECT_EQ(r.status, txn::CommitStatus::kCommitted);
  EXPECT_EQ(r.version, 1);
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->TransactionVersion("ingest").value_or(-1), 8);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows.size(), 2u);
}

TEST(WriteTableTest, ColumnMappingNameModeRoundTrip) {
  TempDir dir;
  WriteOptions o;
  o.partition_by = {"p"};
  o.configuration = {{"delta.columnMapping.mode", "name"}};
  ASSERT_OK(Write(dir.path(), {{1, "a", "x"}, {2, "b", "y"}}, o).status());
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->column_mapping_mode(), schema::ColumnMappingMode::kName);
  EXPECT_EQ(snap->configuration().at("delta.columnMapping.maxColumnId"), "3");
  std::set<std::string> physical;
  for (const auto& f : snap->schema()->fields()) {
    auto pn = schema::PhysicalName(*f);
    ASSERT_TRUE(pn.has_value()) << f->name;
    EXPECT_EQ(pn->rfind("col-", 0), 0u);
    physical.insert(*pn);
    EXPECT_TRUE(schema::ColumnMappingId(*f).has_value());
  }
  EXPECT_EQ(physical.size(), 3u);
  // Partition values are keyed by physical name.
  for (const auto& f : snap->files()) EXPECT_EQ(f.partition_values[0].first.rfind("col-", 0), 0u);
  EXPECT_NE(Commit(dir.path(), 0).find(R"(\"delta.columnMapping.id\":1)"), std::string::npos);
  // Merge a column under mapping: it gets the next id.
  auto wider = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64()), columnar::MakeField("p", columnar::Utf8()),
      columnar::MakeField("more", columnar::Int32())});
  ASSERT_OK_AND_ASSIGN(auto b, columnar::RecordBatchBuilder::Make(wider));
  ASSERT_OK(b->field_as<columnar::Int64Builder>(0)->Append(3));
  ASSERT_OK(b->field_as<columnar::BinaryBuilder>(1)->Append("x"));
  ASSERT_OK(b->field_as<columnar::Int32Builder>(2)->Append(33));
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  auto reader = columnar::MakeRecordBatchReader(wider, {batch});
  WriteOptions m;
  m.mode = SaveMode::kAppend;
  m.schema_mode = SchemaMode::kMerge;
  ASSERT_OK(WriteTable(dir.path(), *reader, m).status());
  ASSERT_OK_AND_ASSIGN(snap, Latest(dir.path()));
  EXPECT_EQ(snap->configuration().at("delta.columnMapping.maxColumnId"), "4");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|'x'|null", "2|'b'|'y'|null", "3|null|'x'|33"}));
}

TEST(WriteTableTest, TypesAreCoercedToTheTable) {
  TempDir dir;
  CreateOptions c;
  c.schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("a", columnar::Int64()), columnar::MakeField("s", columnar::Int32())});
  ASSERT_OK(CreateTable(dir.path(), c).status());
  auto in = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("a", columnar::Int32()), columnar::MakeField("s", columnar::Utf8())});
  ASSERT_OK_AND_ASSIGN(auto b, columnar::RecordBatchBuilder::Make(in));
  ASSERT_OK(b->field_as<columnar::Int32Builder>(0)->Append(5));
  ASSERT_OK(b->field_as<columnar::BinaryBuilder>(1)->Append("x"));
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  auto reader = columnar::MakeRecordBatchReader(in, {batch});
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  auto r = WriteTable(dir.path(), *reader, o);
  ASSERT_RAISES(InvalidArgument, r);
  EXPECT_NE(r.status().message().find("'s'"), std::string::npos) << r.status().ToString();
}

}  // namespace
}  // namespace delta::ops
