// Tests of ConstraintChecker (CHECK constraints and column invariants: collection, parsing,
// FALSE and NULL handling, messages naming the rule, row and values) and of their enforcement by
// WriteTable: valid rows land, a violating write leaves the table and its directory unchanged,
// and a constraint we cannot evaluate refuses the write.
#include "delta/ops/constraints.h"

#include <gtest/gtest.h>

#include "delta/ops/create.h"
#include "delta/ops/ops_test_util.h"
#include "delta/ops/write.h"
#include "delta/protocol/table_features.h"
#include "support/matchers.h"

namespace delta::ops {
namespace {

using testutil::DataFiles;
using testutil::Latest;
using testutil::MakeRows;
using testutil::ReadTable;
using testutil::Reader;
using testutil::Row;
using testutil::TempDir;

constexpr const char* kNameInvariant = R"J({"expression":{"expression":"name != 'bad'"}})J";

// (id, name with an invariant, p): the table schema of these tests.
columnar::SchemaPtr TableSchema(const char* invariant = kNameInvariant) {
  columnar::KeyValueMetadata md;
  if (invariant) md.emplace_back("delta.invariants", invariant);
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64()), columnar::MakeField("name", columnar::Utf8(), true, md),
      columnar::MakeField("p", columnar::Utf8())});
}

const std::map<std::string, std::string> kConfig = {{"delta.constraints.positive", "id > 0"},
                                                    {"delta.appendOnly", "false"}};

// A batch with the table schema.
columnar::RecordBatchPtr Batch(const std::vector<Row>& rows) {
  auto b = MakeRows(rows, TableSchema()).ValueOrDie();
  return b;
}

TEST(ConstraintCheckerTest, CollectsChecksAndInvariants) {
  ASSERT_OK_AND_ASSIGN(auto checker, ConstraintChecker::Make(*TableSchema(), kConfig));
  ASSERT_EQ(checker->constraints().size(), 2u);
  const auto& check = checker->constraints()[0];
  EXPECT_EQ(check.kind, ConstraintChecker::Kind::kCheck);
  EXPECT_EQ(check.name, "positive");
  EXPECT_EQ(check.sql, "id > 0");
  const auto& inv = checker->constraints()[1];
  EXPECT_EQ(inv.kind, ConstraintChecker::Kind::kInvariant);
  EXPECT_EQ(inv.name, "name");
  EXPECT_EQ(inv.sql, "name != 'bad'");

  ASSERT_OK_AND_ASSIGN(auto none, ConstraintChecker::Make(*TableSchema(nullptr), {{"delta.appendOnly", "true"}}));
  EXPECT_TRUE(none->empty());
}

TEST(ConstraintCheckerTest, ValidRowsPass) {
  ASSERT_OK_AND_ASSIGN(auto checker, ConstraintChecker::Make(*TableSchema(), kConfig));
  ASSERT_OK(checker->Check(*Batch({{1, "a", "x"}, {2, "b", "y"}, {100, "good", "z"}})));
}

TEST(ConstraintCheckerTest, ViolationNamesConstraintRowAndValues) {
  ASSERT_OK_AND_ASSIGN(auto checker, ConstraintChecker::Make(*TableSchema(), kConfig));
  Status st = checker->Check(*Batch({{1, "a", "x"}, {0, "b", "y"}, {-5, "c", "z"}}), 10);
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_EQ(st.message(), "CHECK constraint 'positive' (id > 0) violated by row 11: id=0");

  st = checker->Check(*Batch({{1, "a", "x"}, {2, "b", "y"}, {3, "bad", "z"}}));
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("invariant on column 'name' (name != 'bad') violated by row 2: name="),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("bad"), std::string::npos) << st.message();
}

TEST(ConstraintCheckerTest, NullFailsByDefaultAndPassesChecksWhenAsked) {
  // name "" is NULL: the invariant evaluates to NULL, which PROTOCOL.md says must abort.
  ASSERT_OK_AND_ASSIGN(auto checker, ConstraintChecker::Make(*TableSchema(), kConfig));
  Status st = checker->Check(*Batch({{1, "a", "x"}, {2, "", "y"}}));
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_NE(st.message().find("invariant on column 'name'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("row 1"), std::string::npos) << st.message();

  // A CHECK constraint over a NULL: rejected by default (as Spark / delta-rs), accepted with
  // SQL-standard semantics; FALSE is rejected either way.
  std::map<std::string, std::string> cfg = {{"delta.constraints.named", "name > 'a'"}};
  ASSERT_OK_AND_ASSIGN(auto strict, ConstraintChecker::Make(*TableSchema(nullptr), cfg));
  auto with_null = MakeRows({{1, "b", "x"}, {2, "", "y"}}, TableSchema(nullptr)).ValueOrDie();
  st = strict->Check(*with_null);
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_EQ(st.message(), "CHECK constraint 'named' (name > 'a') violated by row 1: name=null");

  ConstraintOptions sql;
  sql.null_satisfies_check = true;
  ASSERT_OK_AND_ASSIGN(auto lenient, ConstraintChecker::Make(*TableSchema(nullptr), cfg, sql));
  ASSERT_OK(lenient->Check(*with_null));
  auto with_false = MakeRows({{1, "b", "x"}, {2, "", "y"}, {3, "a", "z"}}, TableSchema(nullptr)).ValueOrDie();
  st = lenient->Check(*with_false);
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_EQ(st.message(), "CHECK constraint 'named' (name > 'a') violated by row 2: name='a'");
}

TEST(ConstraintCheckerTest, NestedInvariant) {
  columnar::KeyValueMetadata md = {{"delta.invariants", R"({"expression":{"expression":"s.x >= 10"}})"}};
  auto inner = columnar::Struct({columnar::MakeField("x", columnar::Int64(), true, md)});
  auto schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{columnar::MakeField("s", inner)});
  ASSERT_OK_AND_ASSIGN(auto checker, ConstraintChecker::Make(*schema, {}));
  ASSERT_EQ(checker->constraints().size(), 1u);
  EXPECT_EQ(checker->constraints()[0].name, "s.x");
  std::vector<columnar::ArrayPtr> xs;
  for (int64_t v : {10, 20, 3}) {
    ASSERT_OK_AND_ASSIGN(auto a, columnar::MakeArrayFromScalar(columnar::Scalar::Int64(v), 1));
    xs.push_back(a);
  }
  ASSERT_OK_AND_ASSIGN(auto x, columnar::ConcatenateArrays(xs));
  auto s = std::make_shared<columnar::ArrayData>();
  s->type = inner;
  s->length = 3;
  s->buffers = {nullptr};
  s->children = {x};
  auto batch = std::make_shared<columnar::RecordBatch>();
  batch->schema = schema;
  batch->num_rows = 3;
  batch->columns = {s};
  Status st = checker->Check(*batch);
  ASSERT_TRUE(st.IsInvalidArgument()) << st.ToString();
  EXPECT_EQ(st.message(), "invariant on column 's.x' (s.x >= 10) violated by row 2: s.x=3");
}

TEST(ConstraintCheckerTest, UnevaluableConstraintsAreRefused) {
  auto r = ConstraintChecker::Make(*TableSchema(nullptr), {{"delta.constraints.len", "length(name) > 3"}});
  ASSERT_RAISES(Unsupported, r.status());
  EXPECT_NE(r.status().message().find("CHECK constraint 'len' (length(name) > 3) uses syntax this writer cannot "
                                      "evaluate"),
            std::string::npos)
      << r.status().message();

  r = ConstraintChecker::Make(*TableSchema(nullptr), {{"delta.constraints.c", "missing > 3"}});
  ASSERT_RAISES(Unsupported, r.status());
  EXPECT_NE(r.status().message().find("unknown column"), std::string::npos) << r.status().message();

  ASSERT_RAISES(InvalidArgument, ConstraintChecker::Make(*TableSchema(R"({"expr":"x"})"), {}));
  ASSERT_RAISES(InvalidArgument, ConstraintChecker::Make(*TableSchema("not json"), {}));

  // An invariant on a list element cannot be evaluated per row: refused, not skipped.
  columnar::KeyValueMetadata md = {{"delta.invariants", R"({"expression":{"expression":"e > 0"}})"}};
  auto list = columnar::List(columnar::MakeField("element", columnar::Int64(), true, md));
  columnar::Schema with_list(std::vector<columnar::FieldPtr>{columnar::MakeField("l", list)});
  auto lr = ConstraintChecker::Make(with_list, {});
  ASSERT_RAISES(Unsupported, lr.status());
  EXPECT_NE(lr.status().message().find("column 'l'"), std::string::npos) << lr.status().message();
}

// ---- Through WriteTable ----

Result<WriteResult> Append(const std::string& uri, const std::vector<Row>& rows) {
  DELTA_ASSIGN_OR_RAISE(auto reader, Reader(rows));
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  return WriteTable(uri, *reader, o);
}

void CreateConstrained(const std::string& uri, std::map<std::string, std::string> config = kConfig) {
  CreateOptions o;
  o.schema = TableSchema();
  o.configuration = std::move(config);
  ASSERT_OK(CreateTable(uri, o).status());
}

TEST(ConstraintWriteTest, ValidWritesLandAndViolationsLeaveTableUnchanged) {
  TempDir dir;
  CreateConstrained(dir.path());
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_TRUE(protocol::IsFeatureEnabled(snap->protocol(), "checkConstraints"));
  EXPECT_TRUE(protocol::IsFeatureEnabled(snap->protocol(), "invariants"));

  ASSERT_OK_AND_ASSIGN(auto w, Append(dir.path(), {{1, "a", "x"}, {2, "b", "y"}}));
  EXPECT_EQ(w.version, 1);
  ASSERT_OK_AND_ASSIGN(auto rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|'x'", "2|'b'|'y'"}));
  const size_t files = DataFiles(dir.path()).size();
  EXPECT_EQ(files, 1u);

  auto bad = Append(dir.path(), {{3, "c", "x"}, {-7, "d", "y"}});
  ASSERT_RAISES(InvalidArgument, bad);
  EXPECT_EQ(bad.status().message(), "CHECK constraint 'positive' (id > 0) violated by row 1: id=-7");
  auto bad_inv = Append(dir.path(), {{3, "bad", "x"}});
  ASSERT_RAISES(InvalidArgument, bad_inv);
  EXPECT_NE(bad_inv.status().message().find("invariant on column 'name'"), std::string::npos);

  ASSERT_OK_AND_ASSIGN(snap, Latest(dir.path()));
  EXPECT_EQ(snap->version(), 1);
  EXPECT_EQ(DataFiles(dir.path()).size(), files);
  ASSERT_OK_AND_ASSIGN(rows, ReadTable(dir.path()));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|'x'", "2|'b'|'y'"}));
}

TEST(ConstraintWriteTest, ViolationInLaterBatchRemovesFilesOfEarlierBatches) {
  TempDir dir;
  CreateConstrained(dir.path());
  ASSERT_OK_AND_ASSIGN(auto good, MakeRows({{1, "a", "x"}}));
  ASSERT_OK_AND_ASSIGN(auto bad, MakeRows({{2, "b", "x"}, {0, "c", "x"}}));
  auto reader = columnar::MakeRecordBatchReader(testutil::RowSchema(), {good, bad});
  WriteOptions o;
  o.mode = SaveMode::kAppend;
  auto r = WriteTable(dir.path(), *reader, o);
  ASSERT_RAISES(InvalidArgument, r);
  EXPECT_NE(r.status().message().find("violated by row 2: id=0"), std::string::npos) << r.status().message();
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->version(), 0);
  EXPECT_TRUE(DataFiles(dir.path()).empty());
}

TEST(ConstraintWriteTest, UnparseableConstraintRefusesWrite) {
  TempDir dir;
  CreateConstrained(dir.path(), {{"delta.constraints.fancy", "id % 2 = 0"}});
  auto r = Append(dir.path(), {{2, "a", "x"}});
  ASSERT_RAISES(Unsupported, r.status());
  EXPECT_NE(r.status().message().find("CHECK constraint 'fancy'"), std::string::npos) << r.status().message();
  ASSERT_OK_AND_ASSIGN(auto snap, Latest(dir.path()));
  EXPECT_EQ(snap->version(), 0);
  EXPECT_TRUE(DataFiles(dir.path()).empty());
}

TEST(ConstraintWriteTest, CreateByWriteEnforcesConfiguredConstraints) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto reader, Reader({{1, "a", "x"}, {-1, "b", "y"}}));
  WriteOptions o;
  o.mode = SaveMode::kErrorIfExists;
  o.configuration = kConfig;
  auto r = WriteTable(dir.path(), *reader, o);
  ASSERT_RAISES(InvalidArgument, r);
  EXPECT_NE(r.status().message().find("'positive'"), std::string::npos) << r.status().message();
  EXPECT_TRUE(DataFiles(dir.path()).empty());
  EXPECT_FALSE(Latest(dir.path()).ok());  // nothing was committed
}

}  // namespace
}  // namespace delta::ops
