// JSON -> columns with the table's types: coercions, overflow, nested values, nullability, the
// transform overlay, and that a rejected row leaves the batch untouched.
#include "ingest/row_builder.h"

#include <gtest/gtest.h>

#include "delta/columnar/builder.h"
#include "support/matchers.h"

namespace delta::ingest {
namespace {

using columnar::MakeField;

class RowBuilderTest : public ::testing::Test {
 protected:
  Status Append(RowBatchBuilder* b, const std::string& json, const Overlay& overlay = Overlay()) {
    simdjson::dom::element doc;
    if (parser_.parse(json).get(doc)) return Status::InvalidArgument("bad test JSON");
    return b->AppendRow(doc, overlay);
  }
  simdjson::dom::parser parser_;
};

columnar::SchemaPtr TestSchema() {
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("id", columnar::Int64(), false),
      MakeField("small", columnar::Int8()),
      MakeField("i", columnar::Int32()),
      MakeField("f", columnar::Float32()),
      MakeField("d", columnar::Float64()),
      MakeField("s", columnar::Utf8()),
      MakeField("ts", columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC")),
      MakeField("ntz", columnar::Timestamp(columnar::TimeUnit::kMicro)),
      MakeField("day", columnar::Date32()),
      MakeField("dec", columnar::Decimal128(10, 2)),
      MakeField("b", columnar::Bool()),
      MakeField("tags", columnar::List(MakeField("element", columnar::Utf8()))),
      MakeField("st", columnar::Struct({MakeField("x", columnar::Int64()), MakeField("y", columnar::Utf8())})),
  });
}

TEST_F(RowBuilderTest, CoercesToTheTableTypes) {
  ASSERT_OK_AND_ASSIGN(auto b, RowBatchBuilder::Make(TestSchema()));
  ASSERT_OK(Append(b.get(), R"({"id":1,"small":-128,"i":7,"f":1.5,"d":3,"s":{"nested":[1,2]},
      "ts":"2024-01-02T03:04:05.123456+01:00","ntz":"2024-01-02 03:04:05","day":"2024-02-29",
      "dec":"12.34","b":true,"tags":["a","b"],"st":{"x":5,"y":"why","extra":1},"unknown":1})"));
  ASSERT_OK(Append(b.get(), R"({"id":2,"s":12.5,"ts":1000,"dec":7,"st":null})"));
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  ASSERT_EQ(batch->num_rows, 2);
  EXPECT_EQ(batch->column(1)->values<int8_t>()[0], -128);
  EXPECT_EQ(batch->column(5)->GetView(0), R"({"nested":[1,2]})");  // nested JSON -> string
  EXPECT_EQ(batch->column(5)->GetView(1), "12.5");
  // 03:04:05.123456 at +01:00 is 02:04:05.123456 UTC.
  EXPECT_EQ(batch->column(6)->values<int64_t>()[0], 1704161045123456LL);
  EXPECT_EQ(batch->column(6)->values<int64_t>()[1], 1000);
  EXPECT_EQ(batch->column(7)->values<int64_t>()[0], 1704164645000000LL);
  EXPECT_EQ(batch->column(8)->values<int32_t>()[0], 19782);
  EXPECT_EQ(columnar::GetDecimal128(*batch->column(9), 0), 1234);
  EXPECT_EQ(columnar::GetDecimal128(*batch->column(9), 1), 700);
  EXPECT_TRUE(batch->column(12)->IsValid(0));
  EXPECT_FALSE(batch->column(12)->IsValid(1));
  EXPECT_FALSE(batch->column(2)->IsValid(1));
}

TEST_F(RowBuilderTest, RejectsWithoutTouchingTheBatch) {
  ASSERT_OK_AND_ASSIGN(auto b, RowBatchBuilder::Make(TestSchema()));
  ASSERT_OK(Append(b.get(), R"({"id":1})"));
  auto expect_error = [&](const std::string& json, const std::string& what) {
    Status st = Append(b.get(), json);
    EXPECT_TRUE(st.IsInvalidArgument()) << json;
    EXPECT_NE(st.message().find(what), std::string::npos) << st.message();
  };
  expect_error(R"({"id":2,"small":128})", "column 'small': value 128 is out of range for byte");
  expect_error(R"({"id":2,"i":2147483648})", "out of range");
  expect_error(R"({"id":18446744073709551615})", "out of range");
  expect_error(R"({"id":2.5})", "is not an integer");
  expect_error(R"({"small":1})", "column 'id': is not nullable");
  expect_error(R"({"id":null})", "is not nullable");
  expect_error(R"({"id":"x"})", "'x' is not an integer");
  expect_error(R"({"id":2,"ts":"yesterday"})", "not an ISO-8601 timestamp");
  expect_error(R"({"id":2,"ts":"2023-02-29T00:00:00Z"})", "not an ISO-8601 timestamp");
  expect_error(R"({"id":2,"st":{"x":"no"}})", "column 'st.x'");
  expect_error(R"({"id":2,"tags":{"a":1}})", "column 'tags': expected array<string>, found an object");
  expect_error(R"({"id":2,"dec":"1.234"})", "does not fit");
  expect_error(R"({"id":2,"f":1e300})", "out of range for float");
  expect_error(R"([1,2])", "not a JSON object");
  // The good row is still the only one, and the builders agree in length.
  ASSERT_OK(Append(b.get(), R"({"id":3,"small":5,"tags":["z"],"st":{"x":1}})"));
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  ASSERT_EQ(batch->num_rows, 2);
  ASSERT_OK(batch->Validate());
  EXPECT_EQ(batch->column(0)->values<int64_t>()[1], 3);
}

TEST_F(RowBuilderTest, OverlayPlacesTransformResults) {
  ASSERT_OK_AND_ASSIGN(auto b, RowBatchBuilder::Make(TestSchema()));
  Value offset = Value::Int(42), text = Value::String("2024-05-06T07:08:09Z"), y = Value::String("set");
  Overlay overlay;
  overlay.Set({"id"}, &offset);
  overlay.Set({"ts"}, &text);
  overlay.Set({"st", "y"}, &y);
  ASSERT_OK(Append(b.get(), R"({"id":1,"st":{"x":9,"y":"orig"}})", overlay));
  ASSERT_OK(Append(b.get(), R"({})", overlay));  // struct created for the nested target
  ASSERT_OK_AND_ASSIGN(auto batch, b->Finish());
  EXPECT_EQ(batch->column(0)->values<int64_t>()[0], 42);
  EXPECT_EQ(batch->column(6)->values<int64_t>()[0], 1714979289000000LL);
  const auto& st = batch->column(12);
  EXPECT_EQ(st->children[0]->values<int64_t>()[0], 9);
  EXPECT_EQ(st->children[1]->GetView(0), "set");
  EXPECT_FALSE(st->children[0]->IsValid(1));
  EXPECT_EQ(st->children[1]->GetView(1), "set");
}

TEST(Iso8601, Forms) {
  int64_t us = 0;
  EXPECT_TRUE(ParseIso8601("1970-01-01", false, &us));
  EXPECT_EQ(us, 0);
  EXPECT_TRUE(ParseIso8601("1970-01-01T00:00Z", false, &us));
  EXPECT_TRUE(ParseIso8601("1970-01-01T00:00:01.5-0130", false, &us));
  EXPECT_EQ(us, 5401500000LL);
  EXPECT_TRUE(ParseIso8601("1969-12-31T23:59:59.999999999Z", false, &us));
  EXPECT_EQ(us, -1);
  EXPECT_FALSE(ParseIso8601("1970-13-01", false, &us));
  EXPECT_FALSE(ParseIso8601("1970-01-01T24:00:00", false, &us));
  EXPECT_FALSE(ParseIso8601("1970-01-01T00:00:00 UTC", false, &us));
  EXPECT_FALSE(ParseIso8601("", false, &us));
}

TEST_F(RowBuilderTest, InferAndMerge) {
  simdjson::dom::element doc;
  ASSERT_EQ(parser_.parse(std::string(R"({"a":1,"b":"x","c":{"d":[1.5]},"e":null})")).get(doc), simdjson::SUCCESS);
  ASSERT_OK_AND_ASSIGN(auto schema, InferSchema(doc));
  EXPECT_EQ(schema->ToString(), "a: int64\nb: string\nc: struct<d: list<element: double>>\ne: string");
  simdjson::dom::element doc2;
  simdjson::dom::parser p2;
  ASSERT_EQ(p2.parse(std::string(R"({"a":2,"c":{"z":true},"new":1})")).get(doc2), simdjson::SUCCESS);
  ASSERT_OK_AND_ASSIGN(auto other, InferSchema(doc2));
  auto merged = MergeNewFields(*schema, *other);
  ASSERT_NE(merged, nullptr);
  EXPECT_EQ(merged->num_fields(), 5);
  EXPECT_EQ(merged->field(2)->type->children().size(), 2u);
  EXPECT_EQ(MergeNewFields(*merged, *other), nullptr);
}

}  // namespace
}  // namespace delta::ingest
