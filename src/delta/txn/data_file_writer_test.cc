#include "delta/txn/data_file_writer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <filesystem>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/expr/stats.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/protocol/action_json.h"
#include "delta/scan/scan.h"
#include "delta/table/table.h"
#include "delta/schema/schema_json.h"
#include "delta/storage/uri.h"
#include "delta/txn/stats_collector.h"
#include "support/matchers.h"

namespace delta::txn {
namespace {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::Schema;
using columnar::SchemaPtr;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;
namespace fs = std::filesystem;

// ---- input helpers ----

ArrayPtr Ints(const TypePtr& type, const std::vector<std::optional<int64_t>>& v) {
  auto b = columnar::MakeBuilder(type).ValueOrDie();
  for (const auto& x : v) {
    if (!x) {
      EXPECT_OK(b->AppendNull());
      continue;
    }
    switch (type->bit_width()) {
      case 8: EXPECT_OK(static_cast<columnar::Int8Builder*>(b.get())->Append(static_cast<int8_t>(*x))); break;
      case 16: EXPECT_OK(static_cast<columnar::Int16Builder*>(b.get())->Append(static_cast<int16_t>(*x))); break;
      case 32: EXPECT_OK(static_cast<columnar::Int32Builder*>(b.get())->Append(static_cast<int32_t>(*x))); break;
      default: EXPECT_OK(static_cast<columnar::Int64Builder*>(b.get())->Append(*x)); break;
    }
  }
  return b->Finish().ValueOrDie();
}

ArrayPtr Doubles(const TypePtr& type, const std::vector<std::optional<double>>& v) {
  auto b = columnar::MakeBuilder(type).ValueOrDie();
  for (const auto& x : v) {
    if (!x) {
      EXPECT_OK(b->AppendNull());
    } else if (type->id() == TypeId::kFloat32) {
      EXPECT_OK(static_cast<columnar::FloatBuilder*>(b.get())->Append(static_cast<float>(*x)));
    } else {
      EXPECT_OK(static_cast<columnar::DoubleBuilder*>(b.get())->Append(*x));
    }
  }
  return b->Finish().ValueOrDie();
}

ArrayPtr Strs(const std::vector<std::optional<std::string>>& v, const TypePtr& type = columnar::Utf8()) {
  columnar::BinaryBuilder b(type);
  for (const auto& x : v) EXPECT_OK(x ? b.Append(*x) : b.AppendNull());
  return b.Finish().ValueOrDie();
}

ArrayPtr Bools(const std::vector<std::optional<bool>>& v) {
  columnar::BooleanBuilder b;
  for (const auto& x : v) EXPECT_OK(x ? b.Append(*x) : b.AppendNull());
  return b.Finish().ValueOrDie();
}

ArrayPtr Decimals(const TypePtr& type, const std::vector<std::optional<int64_t>>& v) {
  columnar::Decimal128Builder b(type);
  for (const auto& x : v) EXPECT_OK(x ? b.Append(static_cast<__int128>(*x)) : b.AppendNull());
  return b.Finish().ValueOrDie();
}

ArrayPtr StructOf(const TypePtr& type, std::vector<ArrayPtr> children, const std::vector<bool>& valid) {
  auto a = std::make_shared<ArrayData>();
  a->type = type;
  a->length = static_cast<int64_t>(valid.size());
  columnar::BitmapBuilder bits;
  int64_t nulls = 0;
  for (bool x : valid) {
    EXPECT_OK(bits.Append(x));
    nulls += x ? 0 : 1;
  }
  a->null_count = nulls;
  a->buffers = {nulls > 0 ? bits.Finish().ValueOrDie() : nullptr};
  a->children = std::move(children);
  return a;
}

ArrayPtr LongLists(const TypePtr& type, const std::vector<std::optional<std::vector<int64_t>>>& v) {
  auto b = columnar::MakeBuilder(type).ValueOrDie();
  auto* lb = static_cast<columnar::ListBuilder*>(b.get());
  for (const auto& x : v) {
    if (!x) {
      EXPECT_OK(lb->AppendNull());
      continue;
    }
    EXPECT_OK(lb->Append());
    for (int64_t e : *x) EXPECT_OK(static_cast<columnar::Int64Builder*>(lb->value_builder())->Append(e));
  }
  return b->Finish().ValueOrDie();
}

RecordBatch Batch(std::vector<std::pair<std::string, ArrayPtr>> cols) {
  std::vector<columnar::FieldPtr> fields;
  RecordBatch b;
  for (auto& [name, arr] : cols) {
    fields.push_back(columnar::MakeField(name, arr->type));
    b.num_rows = arr->length;
    b.columns.push_back(arr);
  }
  b.schema = std::make_shared<Schema>(std::move(fields));
  return b;
}

std::string Field(const std::string& name, const std::string& type, bool nullable = true,
                  const std::string& metadata = "{}") {
  return fmt::format(R"({{"name":"{}","type":{},"nullable":{},"metadata":{}}})", name, type,
                     nullable ? "true" : "false", metadata);
}

SchemaPtr ParseSchema(const std::vector<std::string>& fields) {
  std::string json = R"({"type":"struct","fields":[)";
  for (size_t i = 0; i < fields.size(); ++i) json += (i ? "," : "") + fields[i];
  json += "]}";
  return schema::ParseSchemaJson(json).ValueOrDie();
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && i + 2 <= s.size() - 1 + 1) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

class DataFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    dir_ = fs::temp_directory_path() / fmt::format("dfw_test_{}_{}", ::getpid(), counter++);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    root_ = storage::ResolveUri(dir_.string()).ValueOrDie();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string LocalPath(const protocol::Add& add) const { return (dir_ / PercentDecode(add.path)).string(); }

  RecordBatch ReadFile(const protocol::Add& add, SchemaPtr* file_schema = nullptr) {
    auto reader = parquet::FileReader::OpenPath(LocalPath(add));
    EXPECT_OK(reader.status());
    if (!reader.ok()) return {};
    if (file_schema) *file_schema = (*reader)->schema();
    auto batch = (*reader)->ReadAll();
    EXPECT_OK(batch.status());
    return **batch;
  }

  fs::path dir_;
  storage::Location root_;
};

// ---------------------------------------------------------------------------------------------

TEST_F(DataFileWriterTest, UnpartitionedRoundTripAndAdd) {
  auto schema = ParseSchema({Field("id", "\"long\"", false), Field("name", "\"string\"")});
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {}, schema::ColumnMappingMode::kNone));
  // Input columns in another order; int32 widened to long.
  ASSERT_OK(w->Write(Batch({{"name", Strs({"a", std::nullopt, "c"})}, {"id", Ints(columnar::Int32(), {3, 1, 2})}})));
  EXPECT_EQ(w->rows_written(), 3);
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  ASSERT_EQ(adds.size(), 1u);
  const auto& add = adds[0];
  EXPECT_TRUE(std::regex_match(add.path, std::regex(
                                             "part-00000-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-c000\\.snappy\\.parquet")))
      << add.path;
  EXPECT_TRUE(add.partition_values.empty());
  EXPECT_TRUE(add.data_change);
  EXPECT_EQ(add.size, static_cast<int64_t>(fs::file_size(LocalPath(add))));
  EXPECT_GT(add.modification_time, 1600000000000LL);
  EXPECT_EQ(w->bytes_written(), add.size);
  EXPECT_EQ(add.stats,
            R"({"numRecords":3,"minValues":{"id":1,"name":"a"},"maxValues":{"id":3,"name":"c"},"nullCount":{"id":0,"name":1}})");
  RecordBatch back = ReadFile(add);
  ASSERT_EQ(back.num_rows, 3);
  EXPECT_EQ(back.schema->field(0)->name, "id");
  EXPECT_EQ(back.column(0)->type->id(), TypeId::kInt64);
  EXPECT_EQ(back.column(0)->values<int64_t>()[0], 3);
  EXPECT_EQ(back.column(1)->GetView(2), "c");
  EXPECT_TRUE(back.column(1)->IsNull(1));
}

TEST_F(DataFileWriterTest, StatsForEveryType) {
  auto schema = ParseSchema({
      Field("i8", "\"byte\""), Field("i16", "\"short\""), Field("i32", "\"integer\""), Field("i64", "\"long\""),
      Field("f", "\"float\""), Field("d", "\"double\""), Field("dec", "\"decimal(10,3)\""), Field("dt", "\"date\""),
      Field("ts", "\"timestamp\""), Field("tsn", "\"timestamp_ntz\""), Field("s", "\"string\""),
      Field("b", "\"boolean\""), Field("bin", "\"binary\""),
      Field("st", R"({"type":"struct","fields":[)" + Field("x", "\"long\"") + "," + Field("y", "\"string\"") + "]}"),
      Field("l", R"({"type":"array","elementType":"long","containsNull":true})"),
  });
  DataWriteOptions opts;
  opts.num_indexed_cols = -1;
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {}, schema::ColumnMappingMode::kNone, opts));
  const auto& st_type = schema->field(13)->type;
  const auto& l_type = schema->field(14)->type;
  RecordBatch b = Batch({
      {"i8", Ints(columnar::Int8(), {1, -5, std::nullopt})},
      {"i16", Ints(columnar::Int16(), {300, std::nullopt, -2})},
      {"i32", Ints(columnar::Int32(), {7, 8, 9})},
      {"i64", Ints(columnar::Int64(), {int64_t{1} << 40, -(int64_t{1} << 40), 0})},
      {"f", Doubles(columnar::Float32(), {1.5, -0.25, 2.5})},
      {"d", Doubles(columnar::Float64(), {1.0, std::nan(""), -3.5})},
      {"dec", Decimals(columnar::Decimal128(10, 3), {1234, -5678, 10})},
      {"dt", Ints(columnar::Date32(), {0, 19000, -1})},
      {"ts", Ints(columnar::Timestamp(TimeUnit::kMicro, "UTC"), {1666652372846123LL, 1666652382908001LL, std::nullopt})},
      {"tsn", Ints(columnar::Timestamp(TimeUnit::kMicro), {0, 1500, 1000})},
      {"s", Strs({"abc", "zzz", std::nullopt})},
      {"b", Bools({true, false, true})},
      {"bin", Strs({"x", "y", std::nullopt}, columnar::Binary())},
      {"st", StructOf(st_type, {Ints(columnar::Int64(), {1, 2, 3}), Strs({"a", "b", std::nullopt})}, {true, false, true})},
      {"l", LongLists(l_type, {std::vector<int64_t>{1, 2}, std::nullopt, std::vector<int64_t>{}})},
  });
  ASSERT_OK(w->Write(b));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].stats,
            R"({"numRecords":3,)"
            R"("minValues":{"i8":-5,"i16":-2,"i32":7,"i64":-1099511627776,"f":-0.25,"d":-3.5,"dec":-5.678,)"
            R"("dt":"1969-12-31","ts":"2022-10-24T22:59:32.846Z","tsn":"1970-01-01T00:00:00.000","s":"abc",)"
            R"("st":{"x":1,"y":"a"}},)"
            R"("maxValues":{"i8":1,"i16":300,"i32":9,"i64":1099511627776,"f":2.5,"d":"NaN","dec":1.234,)"
            R"("dt":"2022-01-08","ts":"2022-10-24T22:59:42.909Z","tsn":"1970-01-01T00:00:00.002","s":"zzz",)"
            R"("st":{"x":3,"y":"a"}},)"
            R"("nullCount":{"i8":1,"i16":1,"i32":0,"i64":0,"f":0,"d":0,"dec":0,"dt":0,"ts":1,"tsn":0,"s":1,"b":0,)"
            R"("bin":1,"st":{"x":1,"y":2},"l":1}})");

  // Our reader's stats parser reads back every value.
  ASSERT_OK_AND_ASSIGN(auto fs, expr::ParseStatsJson(adds[0].stats, *schema));
  EXPECT_EQ(fs.num_records, 3);
  EXPECT_EQ(std::get<int64_t>(fs.Min({"i64"})->value), -(int64_t{1} << 40));
  EXPECT_EQ(std::get<double>(fs.Min({"f"})->value), -0.25);
  EXPECT_TRUE(std::isnan(std::get<double>(fs.Max({"d"})->value)));
  EXPECT_EQ(std::get<__int128>(fs.Min({"dec"})->value), -5678);
  EXPECT_EQ(std::get<__int128>(fs.Max({"dec"})->value), 1234);
  EXPECT_EQ(std::get<int64_t>(fs.Max({"dt"})->value), 19000);
  EXPECT_EQ(std::get<int64_t>(fs.Min({"ts"})->value), 1666652372846000LL);
  EXPECT_EQ(std::get<int64_t>(fs.Max({"ts"})->value), 1666652382909000LL);
  EXPECT_EQ(std::get<int64_t>(fs.Max({"tsn"})->value), 2000);
  EXPECT_EQ(std::get<std::string>(fs.Max({"st", "y"})->value), "a");
  EXPECT_EQ(fs.NullCount({"st", "x"}), 1);
  EXPECT_EQ(fs.NullCount({"l"}), 1);
  EXPECT_FALSE(fs.Min({"b"}).has_value());
}

TEST_F(DataFileWriterTest, StringTruncation) {
  auto schema = ParseSchema({Field("s", "\"string\"")});
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {}, schema::ColumnMappingMode::kNone));
  const std::string a40 = std::string(32, 'a') + "bbbbbbbb";
  const std::string u = std::string(31, 'a') + "\xC3\xA9\xC3\xA9xyz";  // é at code point 32 and 33
  ASSERT_OK(w->Write(Batch({{"s", Strs({a40, u})}})));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  ASSERT_OK_AND_ASSIGN(auto fs, expr::ParseStatsJson(adds[0].stats, *schema));
  // min: 32 code points of the smallest value (a40 < u since 'a' < 0xC3).
  EXPECT_EQ(std::get<std::string>(fs.Min({"s"})->value), std::string(32, 'a'));
  // max: u's 32 code points (31 a + é), then U+FFFD in place of the next é.
  EXPECT_EQ(std::get<std::string>(fs.Max({"s"})->value), std::string(31, 'a') + "\xC3\xA9" + "\xEF\xBF\xBD");
  EXPECT_GT(std::get<std::string>(fs.Max({"s"})->value), u);
}

TEST(StatsCollectorTest, MaxTruncationExtendsPastHighCharacters) {
  auto schema = std::make_shared<Schema>(std::vector<columnar::FieldPtr>{columnar::MakeField("s", columnar::Utf8())});
  ASSERT_OK_AND_ASSIGN(auto c, StatsCollector::Make(*schema, *schema, 32, std::nullopt));
  // 32 'z', then U+FFFF twice, then 'a': the prefix grows past the U+FFFF characters.
  const std::string s = std::string(32, 'z') + "\xEF\xBF\xBF\xEF\xBF\xBF" + "a" + "tail";
  RecordBatch b = Batch({{"s", Strs({s})}});
  ASSERT_OK(c->Update(b));
  const std::string expected_max = std::string(32, 'z') + "\xEF\xBF\xBF\xEF\xBF\xBF" + "\xEF\xBF\xBD";
  std::string expected = R"({"numRecords":1,"minValues":{"s":")" + std::string(32, 'z') + R"("},"maxValues":{"s":")" +
                         expected_max + R"("},"nullCount":{"s":0}})";
  EXPECT_EQ(c->ToJson(), expected);
  // 70 characters >= U+FFFD after the prefix: no usable max within 64 code points.
  c->Reset();
  std::string high = std::string(32, 'z');
  for (int i = 0; i < 40; ++i) high += "\xEF\xBF\xBF";
  high += "a";
  ASSERT_OK(c->Update(Batch({{"s", Strs({high})}})));
  EXPECT_EQ(c->ToJson(), R"({"numRecords":1,"minValues":{"s":")" + std::string(32, 'z') +
                             R"("},"maxValues":{},"nullCount":{"s":0}})");
}

TEST(StatsCollectorTest, IndexedColumnsAndStatsColumns) {
  auto schema = ParseSchema({Field("a", "\"long\""),
                             Field("s", R"({"type":"struct","fields":[)" + Field("x", "\"long\"") + "," +
                                            Field("y", "\"long\"") + "]}"),
                             Field("c", "\"long\"")});
  ASSERT_OK_AND_ASSIGN(auto two, StatsCollector::Make(*schema, *schema, 2, std::nullopt));
  EXPECT_EQ(two->StatsColumnPaths(), (std::vector<std::vector<std::string>>{{"a"}, {"s", "x"}}));
  ASSERT_OK_AND_ASSIGN(auto none, StatsCollector::Make(*schema, *schema, 0, std::nullopt));
  EXPECT_TRUE(none->StatsColumnPaths().empty());
  ASSERT_OK(none->Update(Batch({{"a", Ints(columnar::Int64(), {1})},
                                {"s", StructOf(schema->field(1)->type,
                                               {Ints(columnar::Int64(), {1}), Ints(columnar::Int64(), {2})}, {true})},
                                {"c", Ints(columnar::Int64(), {1})}})));
  EXPECT_EQ(none->ToJson(), R"({"numRecords":1})");
  ASSERT_OK_AND_ASSIGN(auto named, StatsCollector::Make(*schema, *schema, 32, std::vector<std::string>{"c", "S.y"}));
  EXPECT_EQ(named->StatsColumnPaths(), (std::vector<std::vector<std::string>>{{"s", "y"}, {"c"}}));
  ASSERT_OK_AND_ASSIGN(auto whole, StatsCollector::Make(*schema, *schema, 32, std::vector<std::string>{"`s`"}));
  EXPECT_EQ(whole->StatsColumnPaths(), (std::vector<std::vector<std::string>>{{"s", "x"}, {"s", "y"}}));
  ASSERT_RAISES(InvalidArgument, StatsCollector::Make(*schema, *schema, 32, std::vector<std::string>{"nope"}));
}

TEST_F(DataFileWriterTest, PartitionDirectoriesAndEscaping) {
  auto schema = ParseSchema({Field("v", "\"long\""), Field("p", "\"string\"")});
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {"p"}, schema::ColumnMappingMode::kNone));
  std::vector<std::optional<std::string>> pvals = {"a b", "x/y", "k=v", "50%", "\xC3\xBCni", std::nullopt, "", "a b",
                                                   "t:1"};
  std::vector<std::optional<int64_t>> vs;
  for (size_t i = 0; i < pvals.size(); ++i) vs.push_back(static_cast<int64_t>(i));
  ASSERT_OK(w->Write(Batch({{"v", Ints(columnar::Int64(), vs)}, {"p", Strs(pvals)}})));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  // "" and null share the default partition; "a b" appears twice.
  ASSERT_EQ(adds.size(), 7u);
  std::map<std::string, const protocol::Add*> by_dir;
  for (const auto& a : adds) by_dir[a.path.substr(0, a.path.find("/part-"))] = &a;
  const std::map<std::string, std::optional<std::string>> expected = {
      {"p=a%20b", "a b"},          {"p=x%252Fy", "x/y"},  {"p=k%253Dv", "k=v"},
      {"p=50%2525", "50%"},        {"p=\xC3\xBCni", "\xC3\xBCni"},
      {"p=__HIVE_DEFAULT_PARTITION__", std::nullopt}, {"p=t%253A1", "t:1"}};
  for (const auto& [dir, value] : expected) {
    ASSERT_TRUE(by_dir.count(dir)) << dir;
    const auto* a = by_dir[dir];
    ASSERT_EQ(a->partition_values.size(), 1u);
    EXPECT_EQ(a->partition_values[0].first, "p");
    EXPECT_EQ(a->partition_values[0].second, value) << dir;
    EXPECT_TRUE(fs::exists(LocalPath(*a))) << LocalPath(*a);
  }
  // On disk the directories carry the Hive escapes only.
  EXPECT_TRUE(fs::is_directory(dir_ / "p=a b"));
  EXPECT_TRUE(fs::is_directory(dir_ / "p=x%2Fy"));
  EXPECT_TRUE(fs::is_directory(dir_ / "p=50%25"));
  // Partition columns are not in the data files; rows go to their partition.
  RecordBatch ab = ReadFile(*by_dir["p=a%20b"]);
  ASSERT_EQ(ab.num_columns(), 1);
  ASSERT_EQ(ab.num_rows, 2);
  EXPECT_EQ(ab.column(0)->values<int64_t>()[0], 0);
  EXPECT_EQ(ab.column(0)->values<int64_t>()[1], 7);
  RecordBatch def = ReadFile(*by_dir["p=__HIVE_DEFAULT_PARTITION__"]);
  ASSERT_EQ(def.num_rows, 2);
  EXPECT_EQ(def.column(0)->values<int64_t>()[0], 5);
  EXPECT_EQ(def.column(0)->values<int64_t>()[1], 6);
  EXPECT_NE(by_dir["p=a%20b"]->stats.find(R"("minValues":{"v":0})"), std::string::npos);
}

TEST_F(DataFileWriterTest, MultiColumnPartitionsTyped) {
  auto schema = ParseSchema({Field("d", "\"date\""), Field("n", "\"integer\""), Field("v", "\"double\"")});
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {"d", "n"}, schema::ColumnMappingMode::kNone));
  ASSERT_OK(w->Write(Batch({{"v", Doubles(columnar::Float64(), {1, 2, 3, 4})},
                            {"n", Ints(columnar::Int32(), {1, 2, 1, std::nullopt})},
                            {"d", Ints(columnar::Date32(), {19000, 19000, 19000, 0})}})));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  ASSERT_EQ(adds.size(), 3u);
  std::set<std::string> dirs;
  for (const auto& a : adds) dirs.insert(a.path.substr(0, a.path.find("/part-")));
  EXPECT_EQ(dirs, (std::set<std::string>{"d=2022-01-08/n=1", "d=2022-01-08/n=2",
                                         "d=1970-01-01/n=__HIVE_DEFAULT_PARTITION__"}));
  for (const auto& a : adds) {
    if (a.path.rfind("d=2022-01-08/n=1/", 0) == 0) {
      EXPECT_EQ(a.stats.substr(0, 16), R"({"numRecords":2,)");
      RecordBatch r = ReadFile(a);
      ASSERT_EQ(r.num_rows, 2);
      EXPECT_EQ(r.column(0)->values<double>()[0], 1.0);
      EXPECT_EQ(r.column(0)->values<double>()[1], 3.0);
      ASSERT_EQ(a.partition_values.size(), 2u);
      EXPECT_EQ(a.partition_values[0], (std::pair<std::string, std::optional<std::string>>{"d", "2022-01-08"}));
      EXPECT_EQ(a.partition_values[1], (std::pair<std::string, std::optional<std::string>>{"n", "1"}));
    }
  }
}

TEST_F(DataFileWriterTest, ColumnMappingNameAndId) {
  for (auto mode : {schema::ColumnMappingMode::kName, schema::ColumnMappingMode::kId}) {
    auto schema = ParseSchema({
        Field("Id", "\"long\"", true, R"({"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-aaa"})"),
        Field("s",
              R"({"type":"struct","fields":[)" +
                  Field("x", "\"string\"", true,
                        R"({"delta.columnMapping.id":3,"delta.columnMapping.physicalName":"col-ccc"})") +
                  "]}",
              true, R"({"delta.columnMapping.id":2,"delta.columnMapping.physicalName":"col-bbb"})"),
        Field("part", "\"string\"", true,
              R"({"delta.columnMapping.id":4,"delta.columnMapping.physicalName":"col-ddd"})"),
    });
    ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {"part"}, mode));
    ASSERT_OK(w->Write(Batch({{"Id", Ints(columnar::Int64(), {5, 6})},
                              {"s", StructOf(schema->field(1)->type, {Strs({"q", "r"})}, {true, true})},
                              {"part", Strs({"z", "z"})}})));
    ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
    ASSERT_EQ(adds.size(), 1u);
    EXPECT_EQ(adds[0].path.rfind("col-ddd=z/", 0), 0u) << adds[0].path;
    EXPECT_EQ(adds[0].partition_values[0].first, "col-ddd");
    EXPECT_EQ(adds[0].stats,
              R"({"numRecords":2,"minValues":{"col-aaa":5,"col-bbb":{"col-ccc":"q"}},)"
              R"("maxValues":{"col-aaa":6,"col-bbb":{"col-ccc":"r"}},"nullCount":{"col-aaa":0,"col-bbb":{"col-ccc":0}}})");
    SchemaPtr fschema;
    RecordBatch r = ReadFile(adds[0], &fschema);
    ASSERT_EQ(fschema->num_fields(), 2);
    EXPECT_EQ(fschema->field(0)->name, "col-aaa");
    EXPECT_EQ(fschema->field(1)->name, "col-bbb");
    EXPECT_EQ(fschema->field(1)->type->children()[0]->name, "col-ccc");
    if (mode == schema::ColumnMappingMode::kId) {
      EXPECT_EQ(fschema->field(0)->GetMetadata("PARQUET:field_id"), "1");
      EXPECT_EQ(fschema->field(1)->GetMetadata("PARQUET:field_id"), "2");
      EXPECT_EQ(fschema->field(1)->type->children()[0]->GetMetadata("PARQUET:field_id"), "3");
    } else {
      EXPECT_FALSE(fschema->field(0)->GetMetadata("PARQUET:field_id").has_value());
    }
    EXPECT_EQ(r.column(0)->values<int64_t>()[1], 6);
    fs::remove_all(dir_ / "col-ddd=z");
  }
}

TEST_F(DataFileWriterTest, RollsAtTargetSize) {
  auto schema = ParseSchema({Field("v", "\"long\""), Field("s", "\"string\"")});
  DataWriteOptions opts;
  opts.target_file_size = 64 << 10;
  opts.parquet.max_row_group_rows = 4096;
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {}, schema::ColumnMappingMode::kNone, opts));
  std::mt19937_64 rng(7);
  const int64_t kRows = 100000;
  std::vector<std::optional<int64_t>> v;
  std::vector<std::optional<std::string>> s;
  for (int64_t i = 0; i < kRows; ++i) {
    v.push_back(static_cast<int64_t>(rng()));
    s.push_back(std::to_string(rng()));
  }
  ASSERT_OK(w->Write(Batch({{"v", Ints(columnar::Int64(), v)}, {"s", Strs(s)}})));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  EXPECT_GT(adds.size(), 10u);
  int64_t total = 0, first_value_seen = 0;
  std::set<std::string> paths;
  for (const auto& a : adds) {
    paths.insert(a.path);
    RecordBatch r = ReadFile(a);
    ASSERT_OK_AND_ASSIGN(auto st, expr::ParseStatsJson(a.stats, *schema));
    EXPECT_EQ(st.num_records, r.num_rows);
    // Files stop at about the target: at most one row group past it.
    EXPECT_LT(a.size, 2 * opts.target_file_size) << a.path;
    if (total == 0) first_value_seen = r.column(0)->values<int64_t>()[0];
    total += r.num_rows;
  }
  EXPECT_EQ(paths.size(), adds.size());
  EXPECT_EQ(total, kRows);
  EXPECT_EQ(first_value_seen, *v[0]);
}

TEST_F(DataFileWriterTest, MaxOpenFilesWithManyPartitions) {
  auto schema = ParseSchema({Field("p", "\"integer\""), Field("v", "\"long\"")});
  DataWriteOptions opts;
  opts.max_open_files = 3;
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {"p"}, schema::ColumnMappingMode::kNone, opts));
  const int kParts = 20, kBatches = 3, kRowsPerBatch = 200;
  int64_t next = 0;
  for (int b = 0; b < kBatches; ++b) {
    std::vector<std::optional<int64_t>> p, v;
    for (int i = 0; i < kRowsPerBatch; ++i) {
      p.push_back(i % kParts);  // scattered: every partition in every batch
      v.push_back(next++);
    }
    ASSERT_OK(w->Write(Batch({{"p", Ints(columnar::Int32(), p)}, {"v", Ints(columnar::Int64(), v)}})));
    // Never more than max_open_files partially written files on disk (they only appear on close,
    // so check the number of closed files grows).
  }
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  // Only 3 files can stay open, so partitions are split over several files.
  EXPECT_GT(adds.size(), static_cast<size_t>(kParts));
  std::vector<int64_t> all;
  for (const auto& a : adds) {
    RecordBatch r = ReadFile(a);
    const int64_t part = std::stoll(*a.partition_values[0].second);
    for (int64_t i = 0; i < r.num_rows; ++i) {
      const int64_t val = r.column(0)->values<int64_t>()[i];
      EXPECT_EQ((val % kRowsPerBatch) % kParts, part);
      all.push_back(val);
    }
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(static_cast<int64_t>(all.size()), next);
  for (int64_t i = 0; i < next; ++i) ASSERT_EQ(all[static_cast<size_t>(i)], i);
}

TEST_F(DataFileWriterTest, SchemaEnforcementErrors) {
  auto schema = ParseSchema({Field("id", "\"long\"", false), Field("name", "\"string\""),
                             Field("st", R"({"type":"struct","fields":[)" + Field("x", "\"long\"", false) + "]}")});
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {}, schema::ColumnMappingMode::kNone));
  auto st_type = schema->field(2)->type;
  auto good_st = StructOf(st_type, {Ints(columnar::Int64(), {1, 2})}, {true, true});

  Status s = w->Write(Batch({{"id", Strs({"1", "2"})}}));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_EQ(s.message(), "column 'id': expected long, got string");

  s = w->Write(Batch({{"id", Ints(columnar::Int64(), {1, std::nullopt})}}));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("column 'id'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("row 1"), std::string::npos) << s.message();

  // Null in a non-nullable nested field of a non-null struct (row 1); a null struct is fine.
  auto bad_st = StructOf(st_type, {Ints(columnar::Int64(), {std::nullopt, std::nullopt, 5})}, {false, true, true});
  s = w->Write(Batch({{"id", Ints(columnar::Int64(), {1, 2, 3})}, {"st", bad_st}}));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("column 'st.x'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("row 1"), std::string::npos) << s.message();

  s = w->Write(Batch({{"id", Ints(columnar::Int64(), {1})}, {"extra", Ints(columnar::Int64(), {1})},
                      {"more", Ints(columnar::Int64(), {1})}}));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("extra, more"), std::string::npos) << s.message();

  s = w->Write(Batch({{"name", Strs({"x"})}}));
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("column 'id' is missing"), std::string::npos) << s.message();

  s = w->Write(Batch({{"id", Ints(columnar::Int64(), {1})}, {"name", Ints(columnar::Int64(), {1})}}));
  EXPECT_EQ(s.message(), "column 'name': expected string, got long");

  s = w->Write(Batch({{"id", Doubles(columnar::Float64(), {1})}}));
  EXPECT_EQ(s.message(), "column 'id': expected long, got double");

  // The writer stays usable after rejected input: missing nullable columns are nulls.
  ASSERT_OK(w->Write(Batch({{"id", Ints(columnar::Int64(), {1, 2})}, {"st", good_st}})));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  ASSERT_EQ(adds.size(), 1u);
  RecordBatch r = ReadFile(adds[0]);
  ASSERT_EQ(r.num_rows, 2);
  EXPECT_TRUE(r.column(1)->IsNull(0));
  EXPECT_TRUE(r.column(1)->IsNull(1));
}

TEST_F(DataFileWriterTest, TimestampUnitsCoerced) {
  auto schema = ParseSchema({Field("ts", "\"timestamp\""), Field("n", "\"timestamp_ntz\"")});
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {}, schema::ColumnMappingMode::kNone));
  ASSERT_OK(w->Write(Batch({{"ts", Ints(columnar::Timestamp(TimeUnit::kMilli, "Europe/Paris"), {1500, -1})},
                            {"n", Ints(columnar::Timestamp(TimeUnit::kNano), {1999, -1})}})));
  // Zoned input for a timestamp_ntz column is refused.
  Status s = w->Write(Batch({{"n", Ints(columnar::Timestamp(TimeUnit::kMicro, "UTC"), {1})}}));
  EXPECT_EQ(s.message(), "column 'n': expected timestamp_ntz, got timestamp");
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  RecordBatch r = ReadFile(adds[0]);
  EXPECT_EQ(r.column(0)->values<int64_t>()[0], 1500000);
  EXPECT_EQ(r.column(0)->values<int64_t>()[1], -1000);
  EXPECT_EQ(r.column(1)->values<int64_t>()[0], 1);
  EXPECT_EQ(r.column(1)->values<int64_t>()[1], -1);  // floor
}

TEST_F(DataFileWriterTest, AbortDeletesFiles) {
  auto schema = ParseSchema({Field("p", "\"string\""), Field("v", "\"long\"")});
  DataWriteOptions opts;
  opts.max_open_files = 1;
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {"p"}, schema::ColumnMappingMode::kNone, opts));
  ASSERT_OK(w->Write(Batch({{"p", Strs({"a", "b", "c"})}, {"v", Ints(columnar::Int64(), {1, 2, 3})}})));
  auto count = [this](bool visible_only) {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) {
      if (!e.is_regular_file()) continue;
      if (visible_only && e.path().filename().string()[0] == '.') continue;  // store temp file
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count(true), 2);  // two closed early, one still open (not visible yet)
  ASSERT_OK(w->Abort());
  EXPECT_EQ(count(false), 0);
}

// Files written here, committed by hand, read back through Table/Scan (paths decoded, partition
// values typed, physical names mapped back, stats used for skipping).
TEST_F(DataFileWriterTest, ReadsBackThroughTableScan) {
  const std::string schema_json =
      R"({"type":"struct","fields":[)" +
      Field("v", "\"long\"", true, R"({"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"col-v"})") + "," +
      Field("p", "\"string\"", true, R"({"delta.columnMapping.id":2,"delta.columnMapping.physicalName":"col-p"})") +
      "]}";
  auto schema = schema::ParseSchemaJson(schema_json).ValueOrDie();
  DataWriteOptions opts;
  opts.target_file_size = 1;  // one file per chunk of rows: exercise many adds
  opts.parquet.max_row_group_rows = 2;
  ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, {"p"}, schema::ColumnMappingMode::kName, opts));
  std::vector<std::optional<std::string>> pv = {"a b", "x/y%", std::nullopt, "\xC3\xBC", "a b", "x/y%"};
  ASSERT_OK(w->Write(Batch({{"v", Ints(columnar::Int64(), {0, 1, 2, 3, 4, 5})}, {"p", Strs(pv)}})));
  ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
  std::vector<protocol::Action> actions;
  protocol::Protocol proto;
  proto.min_reader_version = 2;
  proto.min_writer_version = 5;
  actions.emplace_back(proto);
  protocol::Metadata md;
  md.id = "00000000-0000-4000-8000-000000000000";
  md.schema_string = schema_json;
  md.partition_columns = {"p"};
  md.configuration = {{"delta.columnMapping.mode", "name"}, {"delta.columnMapping.maxColumnId", "2"}};
  actions.emplace_back(md);
  for (auto& a : adds) actions.emplace_back(a);
  fs::create_directories(dir_ / "_delta_log");
  std::ofstream(dir_ / "_delta_log" / "00000000000000000000.json") << protocol::ActionsToJson(actions);

  ASSERT_OK_AND_ASSIGN(auto table, table::Table::Open(dir_.string()));
  ASSERT_OK_AND_ASSIGN(auto snap, table->GetSnapshot());
  ASSERT_EQ(snap->files().size(), adds.size());
  auto read_all = [&](std::optional<std::string> where) {
    std::map<int64_t, std::optional<std::string>> rows;
    scan::ScanBuilder sb(snap);
    if (where) sb.WithPredicateSql(*where);
    auto sc = sb.Build();
    EXPECT_OK(sc.status());
    auto reader = (*sc)->Execute();
    EXPECT_OK(reader.status());
    for (;;) {
      auto b = (*reader)->Next();
      EXPECT_OK(b.status());
      if (!b.ok() || !*b) break;
      const auto& batch = **b;
      const int vi = batch.schema->GetFieldIndex("v"), pi = batch.schema->GetFieldIndex("p");
      for (int64_t i = 0; i < batch.num_rows; ++i) {
        rows[batch.column(vi)->values<int64_t>()[i]] =
            batch.column(pi)->IsNull(i) ? std::nullopt : std::optional<std::string>(std::string(batch.column(pi)->GetView(i)));
      }
    }
    return rows;
  };
  auto rows = read_all(std::nullopt);
  ASSERT_EQ(rows.size(), 6u);
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(rows[i], pv[static_cast<size_t>(i)]) << i;
  auto some = read_all("v >= 4");
  EXPECT_EQ(some.size(), 2u);
  // Stats skipping: files whose max v < 4 are pruned.
  scan::ScanBuilder sb(snap);
  sb.WithPredicateSql("v >= 4");
  ASSERT_OK_AND_ASSIGN(auto sc, sb.Build());
  ASSERT_OK_AND_ASSIGN(auto planned, sc->PlanFiles());
  EXPECT_LT(planned.size(), adds.size());
}

// A rough throughput probe (run with --gtest_also_run_disabled_tests).
TEST_F(DataFileWriterTest, DISABLED_Throughput) {
  auto schema = ParseSchema({Field("id", "\"long\""), Field("x", "\"double\""), Field("s", "\"string\""),
                             Field("p", "\"integer\"")});
  const int64_t kRows = 1 << 20;
  std::vector<std::optional<int64_t>> id, p;
  std::vector<std::optional<double>> x;
  std::vector<std::optional<std::string>> s;
  std::mt19937_64 rng(1);
  for (int64_t i = 0; i < kRows; ++i) {
    id.push_back(i);
    x.push_back(static_cast<double>(rng() % 100000) / 7);
    s.push_back("name" + std::to_string(rng() % 5000));
    p.push_back(static_cast<int64_t>(rng() % 50));
  }
  RecordBatch b = Batch({{"id", Ints(columnar::Int64(), id)}, {"x", Doubles(columnar::Float64(), x)},
                         {"s", Strs(s)}, {"p", Ints(columnar::Int32(), p)}});
  for (bool partitioned : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto w, DataFileWriter::Make(root_, schema, partitioned ? std::vector<std::string>{"p"}
                                                                                 : std::vector<std::string>{},
                                                      schema::ColumnMappingMode::kNone));
    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < 8; ++k) ASSERT_OK(w->Write(b));
    ASSERT_OK_AND_ASSIGN(auto adds, w->Finish());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    fmt::print("partitioned={} rows={} files={} bytes={} secs={:.3f} Mrows/s={:.2f}\n", partitioned, 8 * kRows,
               adds.size(), w->bytes_written(), secs, 8 * kRows / secs / 1e6);
  }
}

TEST(DataWriteOptionsTest, FromConfiguration) {
  ASSERT_OK_AND_ASSIGN(auto o, DataWriteOptionsFromConfiguration({{"delta.targetFileSize", "104857600"},
                                                                   {"delta.dataSkippingNumIndexedCols", "-1"},
                                                                   {"delta.dataSkippingStatsColumns", "a, b.c ,`x,y`"}}));
  EXPECT_EQ(o.target_file_size, 104857600);
  EXPECT_EQ(o.num_indexed_cols, -1);
  ASSERT_TRUE(o.stats_columns.has_value());
  EXPECT_EQ(*o.stats_columns, (std::vector<std::string>{"a", "b.c", "`x,y`"}));
  ASSERT_OK_AND_ASSIGN(auto m, DataWriteOptionsFromConfiguration({{"delta.targetFileSize", "128mb"}}));
  EXPECT_EQ(m.target_file_size, 128LL << 20);
  EXPECT_EQ(m.num_indexed_cols, 32);
  ASSERT_OK_AND_ASSIGN(auto g, DataWriteOptionsFromConfiguration({{"delta.targetFileSize", "1G"}}));
  EXPECT_EQ(g.target_file_size, 1LL << 30);
  ASSERT_RAISES(InvalidArgument, DataWriteOptionsFromConfiguration({{"delta.targetFileSize", "big"}}));
  ASSERT_RAISES(InvalidArgument, DataWriteOptionsFromConfiguration({{"delta.targetFileSize", "0"}}));
  ASSERT_RAISES(InvalidArgument, DataWriteOptionsFromConfiguration({{"delta.dataSkippingNumIndexedCols", "-2"}}));
  ASSERT_RAISES(InvalidArgument, DataWriteOptionsFromConfiguration({{"delta.dataSkippingNumIndexedCols", "x"}}));
}

}  // namespace
}  // namespace delta::txn
