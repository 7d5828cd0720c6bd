#include "delta/expr/data_skipping.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "delta/expr/bind.h"
#include "delta/expr/parser.h"
#include "delta/expr/stats.h"
#include "support/matchers.h"

namespace delta::expr {
namespace {

using namespace delta::columnar;  // NOLINT

Schema StatsSchema() {
  return Schema({MakeField("id", Int64()), MakeField("i", Int32()), MakeField("f", Float64()),
                 MakeField("dec", Decimal128(10, 2)), MakeField("s", Utf8()), MakeField("d", Date32()),
                 MakeField("ts", Timestamp(TimeUnit::kMicro, "UTC")), MakeField("b", Bool()),
                 MakeField("n", Struct({MakeField("x", Int16()), MakeField("inner", Struct({MakeField("y", Utf8())}))})),
                 MakeField("l", List(Int32()))});
}

TEST(StatsTest, ParsesTypedValuesAndNested) {
  const Schema schema = StatsSchema();
  const char* json = R"({"numRecords":10,"minValues":{"id":1,"i":-5,"f":-1.5,"dec":123.4,"s":"apple","d":"2021-01-01",
    "ts":"2021-01-01T10:00:00.123Z","b":false,"n":{"x":3,"inner":{"y":"p"}},"unknown":{"deep":[1,2,{"a":1}]}},
    "maxValues":{"id":100,"i":5000000000,"f":"NaN","dec":1.2345E+2,"s":"pear","d":"2021-12-31","ts":"2021-01-01T11:00:00+01:00",
    "b":true,"n":{"x":9,"inner":{"y":"q"}}},"nullCount":{"id":0,"i":10,"s":2,"n":{"x":1,"inner":{"y":4}},"l":3},
    "tightBounds":true})";
  ASSERT_OK_AND_ASSIGN(FileStats st, ParseStatsJson(json, schema));
  EXPECT_EQ(st.num_records, 10);
  EXPECT_TRUE(st.tight_bounds);
  EXPECT_EQ(std::get<int64_t>(st.Min({"id"})->value), 1);
  EXPECT_EQ(std::get<int64_t>(st.Max({"id"})->value), 100);
  EXPECT_FALSE(st.Max({"i"}).has_value());  // out of int32 range: absent
  EXPECT_EQ(std::get<double>(st.Min({"f"})->value), -1.5);
  EXPECT_TRUE(std::get<__int128>(st.Min({"dec"})->value) == 12340);
  EXPECT_TRUE(std::get<__int128>(st.Max({"dec"})->value) == 12345);
  EXPECT_EQ(st.Min({"dec"})->type->scale(), 2);
  EXPECT_EQ(std::get<std::string>(st.Max({"s"})->value), "pear");
  EXPECT_EQ(std::get<int64_t>(st.Min({"d"})->value), 18628);
  EXPECT_EQ(std::get<int64_t>(st.Min({"ts"})->value), (18628LL * 86400 + 36000) * 1000000 + 123000);
  EXPECT_EQ(std::get<int64_t>(st.Max({"ts"})->value), (18628LL * 86400 + 36000) * 1000000);
  EXPECT_EQ(std::get<bool>(st.Max({"b"})->value), true);
  EXPECT_EQ(std::get<int64_t>(st.Min({"n", "x"})->value), 3);
  EXPECT_EQ(st.Min({"n", "x"})->type->id(), TypeId::kInt16);
  EXPECT_EQ(std::get<std::string>(st.Max({"n", "inner", "y"})->value), "q");
  EXPECT_EQ(st.NullCount({"n", "inner", "y"}), 4);
  EXPECT_EQ(st.NullCount({"l"}), 3);
  EXPECT_EQ(st.NullCount({"f"}), std::nullopt);
  EXPECT_TRUE(st.AllNull({"i"}));
  EXPECT_TRUE(st.NoNulls({"id"}));

  // Wide bounds: only 0 and numRecords are informative.
  ASSERT_OK_AND_ASSIGN(st, ParseStatsJson(R"({"numRecords":5,"tightBounds":false,"nullCount":{"id":0,"i":5,"s":2}})", schema));
  EXPECT_FALSE(st.tight_bounds);
  EXPECT_EQ(st.NullCount({"id"}), 0);
  EXPECT_EQ(st.NullCount({"i"}), 5);
  EXPECT_EQ(st.NullCount({"s"}), std::nullopt);

  // Unusable entries are absent, never errors.
  ASSERT_OK_AND_ASSIGN(st, ParseStatsJson(R"({"numRecords":"x","minValues":{"id":"1","d":"bad","ts":5,"n":7,"dec":1e400},
      "maxValues":[],"nullCount":{"id":-1}})", schema));
  EXPECT_FALSE(st.num_records.has_value());
  EXPECT_TRUE(st.columns.empty() || !st.Min({"id"}));
  EXPECT_FALSE(st.Min({"d"}));
  EXPECT_FALSE(st.Min({"dec"}));
  EXPECT_FALSE(st.NullCount({"id"}));

  for (const char* bad : {"", "[1]", "{\"numRecords\":", "{\"minValues\":{\"id\":}}", "nul"}) {
    ASSERT_RAISES(CorruptData, ParseStatsJson(bad, schema));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The stats strings of the add actions in a commit file, with JSON string escapes removed.
std::vector<std::string> StatsStrings(const std::string& commit) {
  std::vector<std::string> out;
  const std::string key = "\"stats\":\"";
  size_t pos = 0;
  while ((pos = commit.find(key, pos)) != std::string::npos) {
    pos += key.size();
    std::string s;
    while (pos < commit.size() && commit[pos] != '"') {
      if (commit[pos] == '\\' && pos + 1 < commit.size()) ++pos;
      s += commit[pos++];
    }
    out.push_back(std::move(s));
  }
  return out;
}

TEST(StatsTest, RealAddActionsAllTypes) {
  const std::string dir = testing::SharedTablesDir();
  if (dir.empty()) GTEST_SKIP() << "shared Delta tables not available";
  const std::string commit = ReadFile(dir + "/kernel-rs/stats-writing-all-types/delta/_delta_log/00000000000000000001.json");
  if (commit.empty()) GTEST_SKIP() << "table stats-writing-all-types not available";
  auto stats = StatsStrings(commit);
  ASSERT_EQ(stats.size(), 1u);
  // Physical schema (column mapping names) of the table.
  const Schema schema({
      MakeField("col-042fadad-0f76-466d-a94d-e1159c2a9ed6", Int8()),
      MakeField("col-6dc68f07-711d-4f00-8bd6-1f5bc698e8ad", Int16()),
      MakeField("col-e0571b78-2d49-4109-9add-f2c54d6ea29e", Int32()),
      MakeField("col-6c805ddb-539c-4ed3-bada-ac7a2082c889", Int64()),
      MakeField("col-ab1a4b4f-8850-48e3-a2ab-4eb52aa5bc57", Float32()),
      MakeField("col-fd0d362b-c828-4ab2-aea0-d7fb194a87fa", Float64()),
      MakeField("col-2e98df1d-e620-4a91-8ef8-6b196ce79105", Date32()),
      MakeField("col-caa487cc-e27c-4d92-85ae-1c497cc9e92c", Timestamp(TimeUnit::kMicro, "UTC")),
      MakeField("col-5a3cb861-db96-4e6d-a3b9-91aab0a9f0ab", Timestamp(TimeUnit::kMicro)),
      MakeField("col-5006b1fd-f61e-40da-a5d4-3957248a4269", Utf8()),
      MakeField("col-970dbfdb-8cdd-4adf-a952-2fbefc038496", Decimal128(10, 2)),
      MakeField("col-f7007db6-65d0-4e2b-8552-d8a37bc06d2c", Bool()),
      MakeField("col-481c7590-d3b8-4e9c-b40e-7b7128a972f4",
                Struct({MakeField("col-7f2f94cf-7082-430c-bba7-852bc6c5215e", Int32()),
                        MakeField("col-26fcfd6b-04c7-4772-8bdf-04ac9425f06e", Utf8()),
                        MakeField("col-92dcf16d-d249-48a9-afb8-93deeaf7ce23", Float64())})),
  });
  ASSERT_OK_AND_ASSIGN(FileStats st, ParseStatsJson(stats[0], schema));
  EXPECT_EQ(st.num_records, 4);
  auto name = [&](int i) { return std::vector<std::string>{schema.field(i)->name}; };
  EXPECT_EQ(std::get<int64_t>(st.Min(name(0))->value), 1);
  EXPECT_EQ(std::get<int64_t>(st.Max(name(3))->value), 50000);
  EXPECT_EQ(std::get<double>(st.Max(name(4))->value), static_cast<double>(3.14f));
  EXPECT_EQ(std::get<double>(st.Max(name(5))->value), 6.28);
  EXPECT_EQ(std::get<int64_t>(st.Min(name(6))->value), 19372);  // 2023-01-15
  EXPECT_EQ(std::get<int64_t>(st.Max(name(7))->value), 1735084800000000LL);  // 2024-12-25T00:00:00Z
  EXPECT_EQ(std::get<int64_t>(st.Min(name(8))->value), 1686832200000000LL);  // 2023-06-15T12:30:00
  EXPECT_EQ(std::get<std::string>(st.Min(name(9))->value), "alpha");
  EXPECT_TRUE(std::get<__int128>(st.Max(name(10))->value) == 99999);
  EXPECT_EQ(st.NullCount(name(11)), 1);
  const std::vector<std::string> nested{schema.field(12)->name, "col-26fcfd6b-04c7-4772-8bdf-04ac9425f06e"};
  EXPECT_EQ(std::get<std::string>(st.Max(nested)->value), "nested_c");
  EXPECT_EQ(st.NullCount(nested), 2);

  // Skipping with the real statistics.
  auto may = [&](const std::string& text) {
    auto p = ParsePredicate(text);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    auto b = Bind(*p, schema);
    EXPECT_TRUE(b.ok()) << text << ": " << b.status().ToString();
    return b.ok() && MayMatch(*b, st);
  };
  const std::string dec = "`" + schema.field(10)->name + "`";
  const std::string ts = "`" + schema.field(7)->name + "`";
  EXPECT_TRUE(may(dec + " = 999.99"));
  EXPECT_FALSE(may(dec + " > 999.99"));
  EXPECT_FALSE(may(dec + " < 123.45"));
  EXPECT_TRUE(may(dec + " <= 123.45"));
  // The max timestamp is millisecond-truncated: values up to .000999 may exist.
  EXPECT_TRUE(may(ts + " > TIMESTAMP '2024-12-25 00:00:00.000500Z'"));
  EXPECT_FALSE(may(ts + " >= TIMESTAMP '2024-12-25 00:00:00.001Z'"));
  EXPECT_FALSE(may(ts + " < '2023-06-15T12:30:00Z'"));
}

TEST(StatsTest, RealAddActionsDeltaRs) {
  const std::string dir = testing::SharedTablesDir();
  if (dir.empty()) GTEST_SKIP() << "shared Delta tables not available";
  const std::string commit = ReadFile(dir + "/delta-rs/delta-2.2.0-partitioned-types/_delta_log/00000000000000000000.json");
  if (commit.empty()) GTEST_SKIP() << "table not available";
  auto stats = StatsStrings(commit);
  ASSERT_EQ(stats.size(), 3u);
  const Schema schema({MakeField("c1", Int32()), MakeField("c2", Utf8()), MakeField("c3", Int32())});
  ASSERT_OK_AND_ASSIGN(auto p, ParsePredicate("c3 >= 5"));
  ASSERT_OK_AND_ASSIGN(auto b, Bind(p, schema));
  std::vector<bool> got;
  for (const auto& s : stats) {
    ASSERT_OK_AND_ASSIGN(FileStats st, ParseStatsJson(s, schema));
    got.push_back(MayMatch(b, st));
  }
  EXPECT_EQ(got, (std::vector<bool>{true, true, false}));  // c3 = 5, 6, 4
}

// Truth tables of MayMatch: file with id in [10, 20], 2 nulls of 10 rows; all-null column `i`;
// string s in ['apple', 'pear'] (max possibly truncated); bool b all true.
class SkippingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    schema_ = StatsSchema();
    stats_ = ParseStatsJson(R"({"numRecords":10,"minValues":{"id":10,"s":"apple","f":1.0,"ts":"2021-01-01T00:00:00.000Z","b":true,
        "n":{"x":5}},"maxValues":{"id":20,"s":"pear","f":2.0,"ts":"2021-01-01T00:00:01.000Z","b":true,"n":{"x":5}},
        "nullCount":{"id":2,"i":10,"s":0,"f":0,"b":0,"n":{"x":0}}})", schema_).ValueOrDie();
  }
  bool May(std::string_view text) {
    auto p = ParsePredicate(text);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    auto b = Bind(*p, schema_);
    EXPECT_TRUE(b.ok()) << text << ": " << b.status().ToString();
    return b.ok() && MayMatch(*b, stats_);
  }
  Schema schema_;
  FileStats stats_;
};

TEST_F(SkippingTest, Comparisons) {
  struct Case {
    const char* predicate;
    bool may;
  };
  const Case cases[] = {
      {"id = 15", true},        {"id = 9", false},         {"id = 21", false},        {"id = 10", true},
      {"id = 20", true},        {"id < 10", false},        {"id <= 10", true},        {"id > 20", false},
      {"id >= 20", true},       {"id != 15", true},        {"id <=> 9", false},       {"id <=> NULL", true},
      {"id = NULL", false},     {"id IS NULL", true},      {"id IS NOT NULL", true},  {"id IN (1, 2, 25)", false},
      {"id IN (1, 15)", true},  {"id IN (NULL)", false},   {"id NOT IN (1, 2)", true}, {"9 > id", false},
      {"i = 1", false},         {"i IS NULL", true},       {"i IS NOT NULL", false},  {"i != 1", false},
      {"i <=> NULL", true},     {"i <=> 1", false},        {"NOT (i = 1)", false},    {"NOT (i <=> 1)", true},
      {"s = 'banana'", true},   {"s < 'apple'", false},    {"s = 'pea'", true},       {"s > 'pear'", true},
      {"s > 'peas'", false},    {"s >= 'pear'", true},     {"s = 'pears'", true},     {"s = 'zebra'", false},
      {"s IS NULL", false},     {"f > 100", true},         {"f < 1", false},          {"f = 1", true},
      {"b", true},              {"NOT b", false},          {"b = FALSE", false},      {"n.x = 5", true},
      {"n.x != 5", false},      {"n.x = 6", false},        {"n.x IN (5)", true},      {"n.x NOT IN (5)", false},
      {"n.x NOT IN (5, NULL)", false}, {"n.x NOT IN (6)", true},
      {"ts > TIMESTAMP '2021-01-01 00:00:01.000999Z'", false}, {"ts > TIMESTAMP '2021-01-01 00:00:01.000998Z'", true},
      {"ts < TIMESTAMP '2021-01-01 00:00:00Z'", false}, {"dec = 1", true},
  };
  for (const auto& c : cases) EXPECT_EQ(May(c.predicate), c.may) << c.predicate;
}

TEST_F(SkippingTest, LogicAndNot) {
  struct Case {
    const char* predicate;
    bool may;
  };
  const Case cases[] = {
      {"id = 9 AND id = 15", false},  {"id = 9 OR id = 15", true},   {"id = 9 OR id = 25", false},
      {"NOT (id < 10)", true},        {"NOT (id <= 20)", false},     {"NOT (id >= 10)", false},
      {"NOT (id = 15)", true},        {"NOT (NOT (id = 9))", false}, {"NOT (id = 9 OR id = 25)", true},
      {"NOT (id >= 10 AND id <= 20)", false}, {"NOT (id >= 10 AND id <= 19)", true},
      {"NOT (id BETWEEN 0 AND 100)", false},  {"id NOT BETWEEN 10 AND 20", false},
      {"NOT (id IS NOT NULL)", true}, {"NOT (s IS NOT NULL)", false}, {"NOT (i IS NULL)", false},
      {"NOT (id IN (1, 2))", true},   {"NOT (n.x IN (5))", false},   {"NOT (n.x NOT IN (5))", true},
      {"TRUE", true}, {"FALSE", false}, {"NULL", false}, {"NOT (NULL)", false},
      {"NOT (b AND NULL)", false}, {"NOT (b OR NULL)", false}, {"id = 9 OR TRUE", true},
  };
  for (const auto& c : cases) EXPECT_EQ(May(c.predicate), c.may) << c.predicate;
  // Column vs column and missing statistics are unknown.
  EXPECT_TRUE(May("id = i"));
  EXPECT_TRUE(May("dec > 5"));
  FileStats empty;
  ASSERT_OK_AND_ASSIGN(auto p, ParsePredicate("id = 1 AND NOT (s = 'x')"));
  ASSERT_OK_AND_ASSIGN(auto b, Bind(p, schema_));
  EXPECT_TRUE(MayMatch(b, empty));
  empty.num_records = 0;
  EXPECT_FALSE(MayMatch(b, empty));
}

TEST_F(SkippingTest, WideBounds) {
  ASSERT_OK_AND_ASSIGN(stats_, ParseStatsJson(R"({"numRecords":10,"tightBounds":false,"minValues":{"id":10},"maxValues":{"id":20},
      "nullCount":{"id":3,"i":10,"s":0}})", schema_));
  EXPECT_TRUE(May("id IS NULL"));    // 3 carries no information
  EXPECT_TRUE(May("id IS NOT NULL"));
  EXPECT_FALSE(May("id > 20"));      // bounds still hold
  EXPECT_FALSE(May("i IS NOT NULL"));
  EXPECT_FALSE(May("s IS NULL"));
}

TEST(PartitionPruningTest, TruthTable) {
  const Schema schema({MakeField("p", Int32()), MakeField("q", Utf8()), MakeField("d", Date32()), MakeField("x", Int64())});
  auto may = [&](std::string_view text, const std::map<std::string, Scalar>& values) {
    auto p = ParsePredicate(text);
    EXPECT_TRUE(p.ok());
    auto b = Bind(*p, schema);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    return b.ok() && PartitionMayMatch(*b, values);
  };
  const std::map<std::string, Scalar> part{{"p", Scalar{Int32(), int64_t{3}}},
                                           {"q", Scalar::Null(Utf8())},
                                           {"D", Scalar{Date32(), int64_t{18628}}}};
  EXPECT_TRUE(may("p = 3", part));
  EXPECT_FALSE(may("p = 4", part));
  EXPECT_FALSE(may("NOT (p = 3)", part));
  EXPECT_TRUE(may("p = 4 OR x = 1", part));  // x unknown
  EXPECT_FALSE(may("p = 4 AND x = 1", part));
  EXPECT_TRUE(may("NOT (p = 4 AND x = 1)", part));
  EXPECT_FALSE(may("q = 'a'", part));         // NULL
  EXPECT_FALSE(may("NOT (q = 'a')", part));   // still NULL
  EXPECT_TRUE(may("q IS NULL", part));
  EXPECT_TRUE(may("q <=> NULL", part));
  EXPECT_FALSE(may("q IS NOT NULL", part));
  EXPECT_TRUE(may("d = DATE '2021-01-01'", part));  // case-insensitive key
  EXPECT_FALSE(may("d > '2021-01-01'", part));
  EXPECT_TRUE(may("p IN (1, 3)", part));
  EXPECT_FALSE(may("p NOT IN (1, 3)", part));
  EXPECT_FALSE(may("p NOT IN (1, NULL)", part));
  EXPECT_TRUE(may("NOT (p IN (1, NULL))", part) == false);
  EXPECT_TRUE(may("x > 5", part));
  EXPECT_TRUE(may("NOT (x > 5)", part));
  EXPECT_FALSE(may("p > 5 AND NOT (x > 5)", part));
  EXPECT_TRUE(may("p < x", part));
}

}  // namespace
}  // namespace delta::expr
