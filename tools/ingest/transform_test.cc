// Transforms: the JMESPath subset, Kafka fields and the KDI functions, evaluated against real
// parsed messages.
#include "ingest/transform.h"

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::ingest {
namespace {

class TransformTest : public ::testing::Test {
 protected:
  // Evaluates `source` against `json` and returns the value as JSON text.
  std::string Eval(const std::string& source, const std::string& json) {
    auto expr = CompileExpression(source);
    if (!expr.ok()) return "compile error: " + expr.status().message();
    simdjson::dom::element doc;
    if (parser_.parse(json).get(doc)) return "bad test JSON";
    KafkaMeta meta;
    meta.topic = "events";
    meta.partition = 3;
    meta.offset = 1234;
    meta.timestamp_ms = 1700000000123;
    meta.timestamp_type = 1;
    auto v = Evaluate(**expr, doc, meta);
    if (!v.ok()) return "error: " + v.status().message();
    return v->ToJson();
  }
  simdjson::dom::parser parser_;
};

TEST_F(TransformTest, FieldPathsAndIndexes) {
  const std::string doc = R"({"a":{"b":{"c":5}},"list":[10,20,30],"x y":1,"s":"text"})";
  EXPECT_EQ(Eval("a.b.c", doc), "5");
  EXPECT_EQ(Eval("a.b", doc), R"({"c":5})");
  EXPECT_EQ(Eval("a.missing.c", doc), "null");
  EXPECT_EQ(Eval("list[1]", doc), "20");
  EXPECT_EQ(Eval("list[-1]", doc), "30");
  EXPECT_EQ(Eval("list[3]", doc), "null");
  EXPECT_EQ(Eval("\"x y\"", doc), "1");
  EXPECT_EQ(Eval("s.t", doc), "null");  // a field of a string is null
  EXPECT_EQ(Eval("@", "[1]"), "[1]");
}

TEST_F(TransformTest, PipesMultiselectAndOr) {
  const std::string doc = R"({"a":{"b":1,"c":"x"},"n":null,"e":""})";
  EXPECT_EQ(Eval("a | b", doc), "1");
  EXPECT_EQ(Eval("a.[b, c]", doc), R"([1,"x"])");
  EXPECT_EQ(Eval("a.{one: b, two: c}", doc), R"({"one":1,"two":"x"})");
  EXPECT_EQ(Eval("n || a.b", doc), "1");
  EXPECT_EQ(Eval("e || 'default'", doc), R"("default")");
  EXPECT_EQ(Eval("`{\"k\": [1, 2]}`", doc), R"({"k":[1,2]})");
}

TEST_F(TransformTest, KafkaFields) {
  EXPECT_EQ(Eval("kafka.partition", "{}"), "3");
  EXPECT_EQ(Eval("kafka.offset", "{}"), "1234");
  EXPECT_EQ(Eval("kafka.topic", "{}"), R"("events")");
  EXPECT_EQ(Eval("kafka.timestamp", "{}"), "1700000000123000");  // microseconds
  EXPECT_EQ(Eval("kafka.timestamp_type", "{}"), "1");
  EXPECT_EQ(Eval("epoch_micros_to_iso8601(kafka.timestamp)", "{}"), R"("2023-11-14T22:13:20.123000Z")");
  // A message field named kafka is reachable when it is not one of the Kafka fields' paths.
  EXPECT_EQ(Eval("meta.kafka.offset", R"({"meta":{"kafka":{"offset":7}}})"), "7");
  EXPECT_NE(Eval("kafka.nope", "{}").find("unknown Kafka field"), std::string::npos);
}

TEST_F(TransformTest, Functions) {
  const std::string doc = R"({"ts":"2024-02-29T12:34:56Z","s":1700000000,"ms":1700000000123,"us":-1,"f":1.5,"w":["a","b"]})";
  EXPECT_EQ(Eval("substr(ts, `0`, `10`)", doc), R"("2024-02-29")");
  EXPECT_EQ(Eval("substr(ts, `11`)", doc), R"("12:34:56Z")");
  EXPECT_EQ(Eval("substr(ts, `100`, `2`)", doc), R"("")");
  EXPECT_EQ(Eval("epoch_seconds_to_iso8601(s)", doc), R"("2023-11-14T22:13:20Z")");
  EXPECT_EQ(Eval("epoch_millis_to_iso8601(ms)", doc), R"("2023-11-14T22:13:20.123000Z")");
  EXPECT_EQ(Eval("epoch_micros_to_iso8601(us)", doc), R"("1969-12-31T23:59:59.999999Z")");
  EXPECT_EQ(Eval("epoch_millis_to_micro(ms)", doc), "1700000000123000");
  EXPECT_EQ(Eval("epoch_seconds_to_iso8601(f)", doc), R"("1970-01-01T00:00:01.500000Z")");
  EXPECT_EQ(Eval("join('-', w)", doc), R"("a-b")");
  EXPECT_EQ(Eval("length(w)", doc), "2");
  EXPECT_EQ(Eval("upper(substr(ts, `0`, `4`))", doc), R"("2024")");
  EXPECT_EQ(Eval("to_string(f)", doc), R"("1.5")");
  EXPECT_EQ(Eval("to_number('42')", doc), "42");
  EXPECT_EQ(Eval("not_null(missing, f)", doc), "1.5");
  EXPECT_EQ(Eval("substr(missing, `0`, `1`)", doc), "null");
}

TEST_F(TransformTest, Errors) {
  const std::string doc = R"({"n":5,"big":9223372036854775807})";
  EXPECT_NE(Eval("substr(n, `0`, `1`)", doc).find("argument 1 must be a string"), std::string::npos);
  EXPECT_NE(Eval("epoch_millis_to_micro(big)", doc).find("out of range"), std::string::npos);
  EXPECT_NE(Eval("nosuch(n)", doc).find("unknown function 'nosuch'"), std::string::npos);
  EXPECT_NE(Eval("substr(n)", doc).find("takes 2 to 3 argument(s), got 1"), std::string::npos);
  EXPECT_NE(Eval("a..b", doc).find("compile error"), std::string::npos);
  EXPECT_NE(Eval("a[", doc).find("compile error"), std::string::npos);
  EXPECT_NE(Eval("`{bad`", doc).find("invalid JSON literal"), std::string::npos);
}

TEST(CompileTransform, Targets) {
  ASSERT_OK_AND_ASSIGN(auto t, CompileTransform("meta.kafka.offset: kafka.offset"));
  EXPECT_EQ(t.target, (std::vector<std::string>{"meta", "kafka", "offset"}));
  ASSERT_RAISES(InvalidArgument, CompileTransform("no colon here"));
  ASSERT_RAISES(InvalidArgument, CompileTransform("a..b: x"));
  ASSERT_RAISES(InvalidArgument, CompileTransform("a: substr("));
}

TEST(FormatIso8601, Micros) {
  EXPECT_EQ(FormatIso8601Micros(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIso8601Micros(1), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(FormatIso8601Micros(951782400000000), "2000-02-29T00:00:00Z");
}

}  // namespace
}  // namespace delta::ingest
