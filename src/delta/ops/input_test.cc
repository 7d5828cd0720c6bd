// Tests of the CLI input readers (JSON lines, CSV, Parquet via a written table) and of the
// schema argument parser: coercions, inference, and errors naming file:line and column.
#include <gtest/gtest.h>

#include "delta/ops/input.h"
#include "delta/ops/ops_test_util.h"
#include "delta/ops/write.h"
#include "delta/schema/schema_json.h"
#include "support/matchers.h"

namespace delta::ops {
namespace {

using testutil::TempDir;

Result<std::vector<std::string>> ReadAllRows(columnar::RecordBatchReader& r) {
  std::vector<std::string> out;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, r.Next());
    if (!b) break;
    DELTA_ASSIGN_OR_RAISE(auto rows, testutil::Rows(*b));
    out.insert(out.end(), rows.begin(), rows.end());
  }
  return out;
}

TEST(SchemaArgumentTest, ShortForm) {
  ASSERT_OK_AND_ASSIGN(auto s, ParseSchemaArgument("id long not null, name string, ts timestamp, "
                                                   "price decimal(10,2), tags array<string>, "
                                                   "m map<string, int>, `odd name` struct<a: date, b: timestamp_ntz>"));
  ASSERT_EQ(s->num_fields(), 7);
  EXPECT_FALSE(s->field(0)->nullable);
  EXPECT_TRUE(s->field(1)->nullable);
  EXPECT_EQ(schema::DeltaTypeName(*s->field(0)->type), "long");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(2)->type), "timestamp");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(3)->type), "decimal(10,2)");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(4)->type), "array<string>");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(5)->type), "map<string,integer>");
  EXPECT_EQ(s->field(6)->name, "odd name");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(6)->type), "struct<a:date,b:timestamp_ntz>");
  ASSERT_RAISES(InvalidArgument, ParseSchemaArgument("id lonng"));
  ASSERT_RAISES(InvalidArgument, ParseSchemaArgument("id long,"));
  ASSERT_RAISES(InvalidArgument, ParseSchemaArgument("id array<long"));
  // JSON and @file.
  std::string json = schema::SchemaToJson(*s);
  ASSERT_OK_AND_ASSIGN(auto j, ParseSchemaArgument(json));
  EXPECT_TRUE(j->Equals(*s));
  TempDir dir;
  std::string path = dir.Write("schema.json", json);
  ASSERT_OK_AND_ASSIGN(auto f, ParseSchemaArgument("@" + path));
  EXPECT_TRUE(f->Equals(*s));
}

TEST(JsonInputTest, CoercesToTheGivenSchema) {
  TempDir dir;
  std::string path = dir.Write("a.jsonl",
                               "{\"id\": 1, \"d\": \"2024-02-29\", \"ts\": \"2024-01-02T03:04:05.5Z\", \"n\": 1.25, "
                               "\"s\": {\"x\": 7}}\n"
                               "\n"
                               "{\"id\": 2, \"small\": 100, \"n\": \"3\", \"l\": [1, null, 3]}\n");
  ASSERT_OK_AND_ASSIGN(auto schema, ParseSchemaArgument("id long, small byte, d date, ts timestamp, n decimal(5,2), "
                                                        "s struct<x: int>, l array<long>"));
  ASSERT_OK_AND_ASSIGN(auto reader, OpenInput({path}, "auto", schema, 1));
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAllRows(*reader));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].substr(0, 2), "1|");
  EXPECT_NE(rows[0].find("2024-02-29"), std::string::npos) << rows[0];
  EXPECT_NE(rows[0].find("1.25"), std::string::npos) << rows[0];
  EXPECT_NE(rows[1].find("2|100|null|null|3.00"), std::string::npos) << rows[1];
}

TEST(JsonInputTest, ErrorsNameFileLineAndColumn) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto schema, ParseSchemaArgument("id int, name string"));
  std::string p1 = dir.Write("over.jsonl", "{\"id\": 1}\n{\"id\": 3000000000}\n");
  ASSERT_OK_AND_ASSIGN(auto r1, OpenInput({p1}, "jsonl", schema));
  auto st = ReadAllRows(*r1);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("over.jsonl:2"), std::string::npos) << st.status().ToString();
  EXPECT_NE(st.status().message().find("'id'"), std::string::npos) << st.status().ToString();
  EXPECT_NE(st.status().message().find("out of range"), std::string::npos) << st.status().ToString();

  std::string p2 = dir.Write("bad.jsonl", "{\"id\": 1}\n\n{\"id\": 2, \"name\": }\n");
  ASSERT_OK_AND_ASSIGN(auto r2, OpenInput({p2}, "jsonl", schema));
  st = ReadAllRows(*r2);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("bad.jsonl:3"), std::string::npos) << st.status().ToString();

  std::string p3 = dir.Write("unknown.jsonl", "{\"id\": 1, \"zzz\": 2}\n");
  ASSERT_OK_AND_ASSIGN(auto r3, OpenInput({p3}, "jsonl", schema));
  st = ReadAllRows(*r3);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("zzz"), std::string::npos);

  std::string p4 = dir.Write("type.jsonl", "{\"id\": \"abc\"}\n");
  ASSERT_OK_AND_ASSIGN(auto r4, OpenInput({p4}, "jsonl", schema));
  ASSERT_RAISES(InvalidArgument, ReadAllRows(*r4));
}

TEST(JsonInputTest, InfersASchema) {
  TempDir dir;
  std::string path = dir.Write("i.json",
                               "{\"a\": 1, \"b\": 1.5, \"c\": true, \"d\": \"2024-01-01\", \"e\": \"2024-01-01T00:00:00Z\", "
                               "\"f\": {\"x\": 1}, \"g\": [1, 2], \"h\": \"text\"}\n"
                               "{\"a\": 2, \"b\": 2, \"c\": null, \"d\": \"2024-01-02\", \"e\": \"2024-01-01 10:00:00\", "
                               "\"f\": {\"y\": \"s\"}, \"g\": [], \"h\": 5}\n");
  ASSERT_OK_AND_ASSIGN(auto reader, OpenInput({path}, "auto", nullptr));
  auto s = reader->schema();
  ASSERT_EQ(s->num_fields(), 8);
  EXPECT_EQ(schema::DeltaTypeName(*s->field(0)->type), "long");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(1)->type), "double");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(2)->type), "boolean");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(3)->type), "date");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(4)->type), "timestamp");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(5)->type), "struct<x:long,y:string>");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(6)->type), "array<long>");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(7)->type), "string");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAllRows(*reader));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[1].find("|'5'"), std::string::npos) << rows[1];  // a number in a string column
}

TEST(CsvInputTest, QuotingCoercionAndInference) {
  TempDir dir;
  std::string path = dir.Write("a.csv",
                               "id,name,price,day\r\n"
                               "1,\"Smith, \"\"J\"\"\",1.50,2024-01-02\r\n"
                               "2,,2,2024-01-03\n"
                               "3,\"multi\nline\",,\n");
  ASSERT_OK_AND_ASSIGN(auto reader, OpenInput({path}, "auto", nullptr));
  auto s = reader->schema();
  ASSERT_EQ(s->num_fields(), 4);
  EXPECT_EQ(schema::DeltaTypeName(*s->field(0)->type), "long");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(1)->type), "string");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(2)->type), "double");
  EXPECT_EQ(schema::DeltaTypeName(*s->field(3)->type), "date");
  ASSERT_OK_AND_ASSIGN(auto rows, ReadAllRows(*reader));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "1|'Smith, \"J\"'|1.5|2024-01-02");
  EXPECT_EQ(rows[1], "2|null|2|2024-01-03");
  EXPECT_EQ(rows[2], "3|'multi\nline'|null|null");

  // With a schema: decimals exact, a header column not in the schema is refused.
  ASSERT_OK_AND_ASSIGN(auto schema, ParseSchemaArgument("id short, name string, price decimal(4,2), day date"));
  ASSERT_OK_AND_ASSIGN(auto r2, OpenInput({path}, "csv", schema));
  ASSERT_OK_AND_ASSIGN(rows, ReadAllRows(*r2));
  EXPECT_EQ(rows[0], "1|'Smith, \"J\"'|1.50|2024-01-02");
  ASSERT_OK_AND_ASSIGN(auto narrow, ParseSchemaArgument("id long, name string"));
  ASSERT_OK_AND_ASSIGN(auto r3, OpenInput({path}, "csv", narrow));
  ASSERT_RAISES(InvalidArgument, r3->Next());
}

TEST(CsvInputTest, ErrorsNameFileLineAndColumn) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto schema, ParseSchemaArgument("id byte, name string"));
  std::string p1 = dir.Write("o.csv", "id,name\n1,a\n\"multi\nline\" ,b\n");
  ASSERT_OK_AND_ASSIGN(auto r1, OpenInput({p1}, "csv", schema));
  ASSERT_RAISES(InvalidArgument, ReadAllRows(*r1));
  std::string p2 = dir.Write("r.csv", "id,name\n1,a\n2,b\n300,c\n");
  ASSERT_OK_AND_ASSIGN(auto r2, OpenInput({p2}, "csv", schema));
  auto st = ReadAllRows(*r2);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("r.csv:4"), std::string::npos) << st.status().ToString();
  EXPECT_NE(st.status().message().find("'id'"), std::string::npos) << st.status().ToString();
  std::string p3 = dir.Write("f.csv", "id,name\n1,a,extra\n");
  ASSERT_OK_AND_ASSIGN(auto r3, OpenInput({p3}, "csv", schema));
  st = ReadAllRows(*r3);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("f.csv:2"), std::string::npos) << st.status().ToString();
  std::string p4 = dir.Write("u.csv", "id,name\n1,\"open\n");
  ASSERT_OK_AND_ASSIGN(auto r4, OpenInput({p4}, "csv", schema));
  st = ReadAllRows(*r4);
  ASSERT_RAISES(InvalidArgument, st);
  EXPECT_NE(st.status().message().find("u.csv:2"), std::string::npos) << st.status().ToString();
  ASSERT_RAISES(InvalidArgument, OpenInput({dir.Sub("x.txt")}, "auto", schema));
}

TEST(InputWriteTest, JsonIntoPartitionedTableAndParquetBack) {
  TempDir dir;
  std::string path = dir.Write("e.jsonl",
                               "{\"id\": 1, \"p\": \"a\", \"v\": 1.5}\n{\"id\": 2, \"p\": \"b\", \"v\": null}\n");
  ASSERT_OK_AND_ASSIGN(auto reader, OpenInput({path}, "jsonl", nullptr));
  WriteOptions o;
  o.partition_by = {"p"};
  ASSERT_OK_AND_ASSIGN(auto r, WriteTable(dir.Sub("t"), *reader, o));
  EXPECT_EQ(r.rows, 2);
  ASSERT_OK_AND_ASSIGN(auto rows, testutil::ReadTable(dir.Sub("t"), {"id", "p", "v"}));
  EXPECT_EQ(rows, (std::vector<std::string>{"1|'a'|1.5", "2|'b'|null"}));
  // The data files read back through the Parquet input too (partition column not in the file).
  auto files = testutil::DataFiles(dir.Sub("t"));
  ASSERT_EQ(files.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto pr, OpenInput(files, "auto", nullptr));
  ASSERT_OK_AND_ASSIGN(rows, ReadAllRows(*pr));
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::string>{"1|1.5", "2|null"}));
}

}  // namespace
}  // namespace delta::ops
