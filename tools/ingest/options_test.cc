// Options: KDI's names and short flags, environment fallbacks, and errors naming the option.
#include "ingest/options.h"

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::ingest {
namespace {

Result<IngestOptions> Parse(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  return ParseOptions(args, [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

TEST(Options, DefaultsAreKdis) {
  ASSERT_OK_AND_ASSIGN(auto o, Parse({"topic", "/t"}));
  EXPECT_EQ(o.topics, std::vector<std::string>{"topic"});
  EXPECT_EQ(o.table_uri, "/t");
  EXPECT_EQ(o.allowed_latency_s, 300);
  EXPECT_EQ(o.min_bytes_per_file, 134217728);
  EXPECT_EQ(o.max_messages_per_batch, 5000);
  EXPECT_EQ(o.auto_offset_reset, "earliest");
  EXPECT_FALSE(o.end_at_latest_offsets);
}

TEST(Options, ShortAndLongFlags) {
  ASSERT_OK_AND_ASSIGN(auto o, Parse({"-k", "b:9092", "-g", "grp", "-a", "app", "-l", "0.5", "-m", "10", "-b", "1000",
                                      "-t", "x: kafka.offset", "-t", "y: a.b", "-o", "latest", "-K", "security.protocol=SSL",
                                      "-c", "-e", "t1,t2", "s3://b/t", "--seek_offsets", R"({"0":5,"3":7})",
                                      "--dlq-table-uri=/dlq", "--decompress_gzip", "--auto-create",
                                      "--schema_evolution", "merge", "--metrics_port", "9100"}));
  EXPECT_EQ(o.brokers, "b:9092");
  EXPECT_EQ(o.consumer_group, "grp");
  EXPECT_EQ(o.app_id, "app");
  EXPECT_EQ(o.allowed_latency_s, 0.5);
  EXPECT_EQ(o.max_messages_per_batch, 10);
  EXPECT_EQ(o.min_bytes_per_file, 1000);
  EXPECT_EQ(o.transforms.size(), 2u);
  EXPECT_EQ(o.auto_offset_reset, "latest");
  ASSERT_EQ(o.kafka_settings.size(), 1u);
  EXPECT_EQ(o.kafka_settings[0].second, "SSL");
  EXPECT_TRUE(o.checkpoints);
  EXPECT_TRUE(o.end_at_latest_offsets);
  EXPECT_EQ(o.topics, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(o.seek_offsets.at(3), 7);
  EXPECT_EQ(*o.dlq_table_uri, "/dlq");
  EXPECT_TRUE(o.decompress_gzip && o.auto_create && o.schema_evolution_merge);
  EXPECT_EQ(*o.metrics_port, 9100);
}

TEST(Options, EnvironmentAndPrecedence) {
  ASSERT_OK_AND_ASSIGN(auto o, Parse({"t", "/x", "-g", "flag"}, {{"KAFKA_BROKERS", "env:1"},
                                                                {"KAFKA_CONSUMER_GROUP", "env"},
                                                                {"ALLOWED_LATENCY", "5"},
                                                                {"TRANSFORMS", "a: b\nc: d"},
                                                                {"END_AT_LATEST_OFFSETS", "true"}}));
  EXPECT_EQ(o.brokers, "env:1");
  EXPECT_EQ(o.consumer_group, "flag");
  EXPECT_EQ(o.allowed_latency_s, 5);
  EXPECT_EQ(o.transforms.size(), 2u);
  EXPECT_TRUE(o.end_at_latest_offsets);
}

TEST(Options, Errors) {
  auto expect = [](std::vector<std::string> args, const std::string& what) {
    auto r = Parse(args);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(what), std::string::npos) << r.status().message();
  };
  expect({"t"}, "expected TOPIC and TABLE_URI");
  expect({"t", "/x", "--nope"}, "unknown option '--nope'");
  expect({"t", "/x", "-m", "0"}, "--max_messages_per_batch");
  expect({"t", "/x", "-l", "soon"}, "not a number of seconds");
  expect({"t", "/x", "-o", "middle"}, "neither earliest nor latest");
  expect({"t", "/x", "-K", "novalue"}, "not key=value");
  expect({"t", "/x", "--seek_offsets", "[1]"}, "not a JSON object");
  expect({"t", "/x", "--seek_offsets", R"({"0":-1})"}, "non-negative");
  expect({"t", "/x", "-m"}, "needs a value");
  expect({"t", "/x", "--route", "a=/y"}, "--route needs --route_by");
  auto env = Parse({"t", "/x"}, {{"MAX_MESSAGES_PER_BATCH", "many"}});
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find("MAX_MESSAGES_PER_BATCH"), std::string::npos);
}

}  // namespace
}  // namespace delta::ingest
