// Tests of action serialisation: every action kind round-trips through ParseJsonActions, string
// escaping (quotes, control characters, unicode, invalid UTF-8), the field layout of Spark commits,
// and the in-commit-timestamp-first rule for commitInfo.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "delta/protocol/action_json.h"
#include "delta/protocol/actions.h"
#include "support/matchers.h"

namespace delta::protocol {
namespace {

Result<std::vector<Action>> Parse(std::string_view content) {
  return ParseJsonActions(content, "test.json");
}

// Serialises one action, parses it back and returns the single parsed action.
Action RoundTrip(const Action& a) {
  std::string line = ActionToJson(a);
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  auto parsed = Parse(line);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << line;
  if (!parsed.ok() || parsed->size() != 1) return CommitInfo{};
  return std::move((*parsed)[0]);
}

const std::string kTricky = "quote\" backslash\\ nl\n tab\t cr\r ctl\x01\x1f del\x7f é ü 日本 🎉 /slash";

dv::DeletionVectorDescriptor MakeDv(bool with_offset) {
  dv::DeletionVectorDescriptor d;
  d.storage_type = with_offset ? "u" : "i";
  d.path_or_inline_dv = with_offset ? "ab^-aqEH.-t@S}K{vb[*k^" : "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L";
  if (with_offset) d.offset = 7;
  d.size_in_bytes = 36;
  d.cardinality = 3;
  return d;
}

void ExpectDvEq(const std::optional<dv::DeletionVectorDescriptor>& a,
                const std::optional<dv::DeletionVectorDescriptor>& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(a->storage_type, b->storage_type);
  EXPECT_EQ(a->path_or_inline_dv, b->path_or_inline_dv);
  EXPECT_EQ(a->offset, b->offset);
  EXPECT_EQ(a->size_in_bytes, b->size_in_bytes);
  EXPECT_EQ(a->cardinality, b->cardinality);
}

TEST(ActionJson, AddAllFields) {
  Add a;
  a.path = "p%3D1/part-0 " + kTricky + ".parquet";
  a.partition_values = {{"p", "1"}, {"q", std::nullopt}, {"ü nicode", kTricky}};
  a.size = 1234567890123;
  a.modification_time = 1700000000123;
  a.data_change = false;
  a.stats = R"({"numRecords":10,"minValues":{"s":"a\"b"},"maxValues":{"s":"z\u00e9"},"nullCount":{"s":0}})";
  a.tags = {{"INSERTION_TIME", "1700000000000000"}, {"k", kTricky}};
  a.deletion_vector = MakeDv(true);
  a.base_row_id = 100;
  a.default_row_commit_version = 5;
  a.clustering_provider = "liquid";
  Action back = RoundTrip(a);
  ASSERT_TRUE(std::holds_alternative<Add>(back));
  const Add& b = std::get<Add>(back);
  EXPECT_EQ(b.path, a.path);
  EXPECT_EQ(b.partition_values, a.partition_values);
  EXPECT_EQ(b.size, a.size);
  EXPECT_EQ(b.modification_time, a.modification_time);
  EXPECT_EQ(b.data_change, a.data_change);
  EXPECT_EQ(b.stats, a.stats);
  EXPECT_EQ(b.tags, a.tags);
  ExpectDvEq(b.deletion_vector, a.deletion_vector);
  EXPECT_EQ(b.base_row_id, a.base_row_id);
  EXPECT_EQ(b.default_row_commit_version, a.default_row_commit_version);
  EXPECT_EQ(b.clustering_provider, a.clustering_provider);
}

TEST(ActionJson, AddMinimalOmitsUnsetFields) {
  Add a;
  a.path = "part-0.parquet";
  a.size = 10;
  a.modification_time = 20;
  std::string line = ActionToJson(a);
  EXPECT_EQ(line,
            R"({"add":{"path":"part-0.parquet","partitionValues":{},"size":10,"modificationTime":20,)"
            R"("dataChange":true}})");
  Action back = RoundTrip(a);
  const Add& b = std::get<Add>(back);
  EXPECT_TRUE(b.stats.empty());
  EXPECT_TRUE(b.tags.empty());
  EXPECT_FALSE(b.deletion_vector.has_value());
  EXPECT_FALSE(b.base_row_id.has_value());
  EXPECT_FALSE(b.clustering_provider.has_value());
}

TEST(ActionJson, StatsWrittenAsJsonString) {
  Add a;
  a.path = "x";
  a.stats = R"({"numRecords":3})";
  std::string line = ActionToJson(a);
  EXPECT_NE(line.find(R"("stats":"{\"numRecords\":3}")"), std::string::npos) << line;
}

TEST(ActionJson, InlineDvWithoutOffset) {
  Add a;
  a.path = "x";
  a.deletion_vector = MakeDv(false);
  std::string line = ActionToJson(a);
  EXPECT_EQ(line.find("\"offset\""), std::string::npos) << line;
  Action back = RoundTrip(a);
  ExpectDvEq(std::get<Add>(back).deletion_vector, a.deletion_vector);
}

TEST(ActionJson, RemoveAllFields) {
  Remove r;
  r.path = kTricky;
  r.deletion_timestamp = 1674064789957;
  r.data_change = true;
  r.extended_file_metadata = true;
  r.partition_values = {{"d", "2024-01-01"}, {"n", std::nullopt}};
  r.size = 1008;
  r.stats = R"({"numRecords":1})";
  r.tags = {{"a", "b"}};
  r.deletion_vector = MakeDv(true);
  r.base_row_id = 4;
  r.default_row_commit_version = 2;
  Action back = RoundTrip(r);
  ASSERT_TRUE(std::holds_alternative<Remove>(back));
  const Remove& b = std::get<Remove>(back);
  EXPECT_EQ(b.path, r.path);
  EXPECT_EQ(b.deletion_timestamp, r.deletion_timestamp);
  EXPECT_EQ(b.data_change, r.data_change);
  EXPECT_EQ(b.extended_file_metadata, r.extended_file_metadata);
  EXPECT_EQ(b.partition_values, r.partition_values);
  EXPECT_EQ(b.size, r.size);
  EXPECT_EQ(b.stats, r.stats);
  EXPECT_EQ(b.tags, r.tags);
  ExpectDvEq(b.deletion_vector, r.deletion_vector);
  EXPECT_EQ(b.base_row_id, r.base_row_id);
  EXPECT_EQ(b.default_row_commit_version, r.default_row_commit_version);
}

TEST(ActionJson, RemoveMinimal) {
  Remove r;
  r.path = "a.parquet";
  r.data_change = false;
  Action back = RoundTrip(r);
  const Remove& b = std::get<Remove>(back);
  EXPECT_EQ(b.path, "a.parquet");
  EXPECT_FALSE(b.deletion_timestamp.has_value());
  EXPECT_FALSE(b.data_change);
  EXPECT_FALSE(b.size.has_value());
  EXPECT_TRUE(b.partition_values.empty());
}

TEST(ActionJson, MetadataRoundTrip) {
  Metadata m;
  m.id = "5fba94ed-9794-4965-ba6e-6ee3c0d22af9";
  m.name = "tbl " + kTricky;
  m.description = "desc";
  m.format.options = {{"opt", "v"}};
  m.schema_string =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{"comment":"é\"x"}}]})";
  m.partition_columns = {"p", "q r"};
  m.created_time = 1638474497049;
  m.configuration = {{"delta.enableDeletionVectors", "true"}, {"delta.logRetentionDuration", "interval 2 days"}};
  Action back = RoundTrip(m);
  ASSERT_TRUE(std::holds_alternative<Metadata>(back));
  const Metadata& b = std::get<Metadata>(back);
  EXPECT_EQ(b.id, m.id);
  EXPECT_EQ(b.name, m.name);
  EXPECT_EQ(b.description, m.description);
  EXPECT_EQ(b.format.provider, "parquet");
  EXPECT_EQ(b.format.options, m.format.options);
  EXPECT_EQ(b.schema_string, m.schema_string);
  EXPECT_EQ(b.partition_columns, m.partition_columns);
  EXPECT_EQ(b.created_time, m.created_time);
  EXPECT_EQ(b.configuration, m.configuration);

  Metadata minimal;
  minimal.id = "x";
  std::string line = ActionToJson(minimal);
  EXPECT_EQ(line,
            R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"",)"
            R"("partitionColumns":[],"configuration":{}}})");
}

TEST(ActionJson, ProtocolRoundTrip) {
  Protocol p;
  p.min_reader_version = 3;
  p.min_writer_version = 7;
  p.reader_features = std::vector<std::string>{"deletionVectors", "columnMapping"};
  p.writer_features = std::vector<std::string>{};
  Action back = RoundTrip(p);
  const Protocol& b = std::get<Protocol>(back);
  EXPECT_EQ(b.min_reader_version, 3);
  EXPECT_EQ(b.min_writer_version, 7);
  EXPECT_EQ(b.reader_features, p.reader_features);
  EXPECT_EQ(b.writer_features, p.writer_features);

  Protocol legacy;
  EXPECT_EQ(ActionToJson(legacy), R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})");
}

TEST(ActionJson, CommitInfoFromTypedFields) {
  CommitInfo c;
  c.timestamp = 1700000000000;
  c.in_commit_timestamp = 1700000000001;
  c.operation = "WRITE";
  c.operation_parameters = {{"mode", "\"Append\""}, {"partitionBy", "\"[]\""}, {"empty", ""}};
  c.read_version = 4;
  c.isolation_level = "Serializable";
  c.is_blind_append = true;
  c.engine_info = "deltacpp/0.1";
  c.txn_id = "abc";
  c.operation_metrics = {{"numFiles", "\"2\""}};
  std::string line = ActionToJson(c);
  // PROTOCOL.md "In-Commit Timestamps": the first field of commitInfo.
  EXPECT_EQ(line.rfind(R"({"commitInfo":{"inCommitTimestamp":1700000000001,"timestamp":1700000000000,)", 0), 0u)
      << line;
  EXPECT_NE(line.find(R"("operationParameters":{"empty":null,"mode":"Append","partitionBy":"[]"})"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(R"("operationMetrics":{"numFiles":"2"})"), std::string::npos) << line;
  Action back = RoundTrip(c);
  const CommitInfo& b = std::get<CommitInfo>(back);
  EXPECT_EQ(b.timestamp, c.timestamp);
  EXPECT_EQ(b.in_commit_timestamp, c.in_commit_timestamp);
  EXPECT_EQ(b.operation, c.operation);
  EXPECT_EQ(b.is_blind_append, c.is_blind_append);
  EXPECT_NE(b.json.find(R"("engineInfo":"deltacpp/0.1")"), std::string::npos) << b.json;
  EXPECT_NE(b.json.find(R"("readVersion":4)"), std::string::npos) << b.json;
  EXPECT_NE(b.json.find(R"("txnId":"abc")"), std::string::npos) << b.json;
  EXPECT_NE(b.json.find(R"("isolationLevel":"Serializable")"), std::string::npos) << b.json;

  CommitInfo no_ict;
  no_ict.timestamp = 5;
  EXPECT_EQ(ActionToJson(no_ict), R"({"commitInfo":{"timestamp":5}})");
}

TEST(ActionJson, CommitInfoJsonWrittenVerbatim) {
  CommitInfo c;
  c.json = R"({"timestamp":1,"operation":"X","custom":{"a":[1,2]}})";
  c.timestamp = 99;  // ignored: json wins
  EXPECT_EQ(ActionToJson(c), R"({"commitInfo":{"timestamp":1,"operation":"X","custom":{"a":[1,2]}}})");
  Action back = RoundTrip(c);
  EXPECT_EQ(std::get<CommitInfo>(back).json, c.json);
  EXPECT_EQ(std::get<CommitInfo>(back).timestamp, 1);
}

TEST(ActionJson, TxnCdcDomainCheckpointMetadataSidecar) {
  SetTransaction t{"app " + kTricky, 42, 1700000000000};
  Action bt_action = RoundTrip(t);
  const auto& bt = std::get<SetTransaction>(bt_action);
  EXPECT_EQ(bt.app_id, t.app_id);
  EXPECT_EQ(bt.version, 42);
  EXPECT_EQ(bt.last_updated, t.last_updated);
  SetTransaction t2{"a", -1, std::nullopt};
  EXPECT_EQ(ActionToJson(t2), R"({"txn":{"appId":"a","version":-1}})");

  AddCdcFile c;
  c.path = "_change_data/cdc-00000.parquet";
  c.partition_values = {{"p", std::nullopt}};
  c.size = 77;
  c.tags = {{"t", "v"}};
  Action bc_action = RoundTrip(c);
  const auto& bc = std::get<AddCdcFile>(bc_action);
  EXPECT_EQ(bc.path, c.path);
  EXPECT_EQ(bc.partition_values, c.partition_values);
  EXPECT_EQ(bc.size, 77);
  EXPECT_FALSE(bc.data_change);
  EXPECT_EQ(bc.tags, c.tags);

  DomainMetadata d{"delta.rowTracking", R"({"rowIdHighWaterMark":12})", true};
  Action bd_action = RoundTrip(d);
  const auto& bd = std::get<DomainMetadata>(bd_action);
  EXPECT_EQ(bd.domain, d.domain);
  EXPECT_EQ(bd.configuration, d.configuration);
  EXPECT_TRUE(bd.removed);
  EXPECT_EQ(ActionToJson(d),
            R"({"domainMetadata":{"domain":"delta.rowTracking","configuration":"{\"rowIdHighWaterMark\":12}",)"
            R"("removed":true}})");

  CheckpointMetadata cm;
  cm.version = 12;
  cm.tags = {{"x", "y"}};
  Action bcm_action = RoundTrip(cm);
  const auto& bcm = std::get<CheckpointMetadata>(bcm_action);
  EXPECT_EQ(bcm.version, 12);
  EXPECT_EQ(bcm.tags, cm.tags);

  Sidecar s{"016ae953-37a9-438e-8683-9a9a4a79a395.parquet", 2304522, 1694758257000, {}};
  Action bs_action = RoundTrip(s);
  const auto& bs = std::get<Sidecar>(bs_action);
  EXPECT_EQ(bs.path, s.path);
  EXPECT_EQ(bs.size_in_bytes, s.size_in_bytes);
  EXPECT_EQ(bs.modification_time, s.modification_time);
}

TEST(ActionJson, StringEscapes) {
  std::string out;
  AppendJsonString(std::string("a\"b\\c\n\x01\x1f\x7f/é", 12), &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u001f\x7f/é\"");
  out.clear();
  AppendJsonString(std::string("nul\0x", 5), &out);
  EXPECT_EQ(out, "\"nul\\u0000x\"");
  // Invalid UTF-8 (lone continuation byte, truncated sequence, overlong, surrogate) becomes U+FFFD.
  out.clear();
  AppendJsonString("a\x80" "b\xe6\x97" "c\xc0\xaf" "d\xed\xa0\x80", &out);
  EXPECT_EQ(out, "\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffd\"");
  // Every output parses back to the same string.
  for (std::string s : {kTricky, std::string(""), std::string("\x7f"), std::string("🎉日本")}) {
    Add a;
    a.path = s.empty() ? "x" : s;
    Action b_action = RoundTrip(a);
  const auto& b = std::get<Add>(b_action);
    EXPECT_EQ(b.path, a.path);
  }
}

TEST(ActionJson, ActionsToJsonOneLinePerAction) {
  std::vector<Action> actions;
  CommitInfo ci;
  ci.timestamp = 1;
  ci.operation = "WRITE";
  actions.emplace_back(ci);
  Protocol p;
  actions.emplace_back(p);
  Metadata m;
  m.id = "id";
  actions.emplace_back(m);
  Add a;
  a.path = "a";
  actions.emplace_back(a);
  std::string text = ActionsToJson(actions);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  EXPECT_EQ(text.back(), '\n');
  ASSERT_OK_AND_ASSIGN(auto back, Parse(text));
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(ActionName(back[0]), "commitInfo");
  EXPECT_EQ(ActionName(back[1]), "protocol");
  EXPECT_EQ(ActionName(back[2]), "metaData");
  EXPECT_EQ(ActionName(back[3]), "add");
  EXPECT_EQ(ActionsToJson({}), "");
}

// Drops a "tags":{...} object (its key order is lost in our std::map) from a line.
std::string StripTags(std::string line) {
  size_t pos = line.find("\"tags\":{");
  if (pos == std::string::npos) return line;
  size_t end = line.find('}', pos);
  if (end == std::string::npos) return line;
  line.erase(pos, end + 1 - pos);
  return line;
}

// Real Spark commits: re-serialising the parsed add/remove/metaData/protocol/txn actions of
// every commit gives back the same line byte for byte (same field order and value format),
// except for fields our structs don't model and the order of tags.
TEST(ActionJson, MatchesSparkCommitLayout) {
  std::string shared = testing::SharedTablesDir();
  if (shared.empty()) GTEST_SKIP() << "shared tables absent";
  namespace fs = std::filesystem;
  int compared = 0;
  for (const char* table : {"delta-spark", "delta-golden"}) {
    fs::path root = fs::path(shared) / table;
    if (!fs::exists(root)) continue;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      if (p.extension() != ".json" || p.parent_path().filename() != "_delta_log") continue;
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string content = ss.str();
      std::istringstream lines(content);
      std::string line;
      while (std::getline(lines, line)) {
        if (line.empty() || line.find("\": ") != std::string::npos || line.find(", \"") != std::string::npos) continue;
        auto parsed = Parse(line);
        if (!parsed.ok() || parsed->size() != 1) continue;
        const Action& a = (*parsed)[0];
        // Only kinds with a well-defined Spark layout and without fields outside our structs.
        if (std::holds_alternative<Add>(a) || std::holds_alternative<SetTransaction>(a) ||
            std::holds_alternative<Protocol>(a) || std::holds_alternative<Metadata>(a) ||
            std::holds_alternative<DomainMetadata>(a)) {
          std::string again = StripTags(ActionToJson(a));
          line = StripTags(line);
          if (again == line) {
            ++compared;
          } else if (std::holds_alternative<Add>(a)) {
            // Adds must match exactly when they contain only modelled fields in Spark's order.
            if (line.find("\"tags\":null") == std::string::npos && line.find("\"stats\":null") == std::string::npos &&
                line.rfind("{\"add\":{\"path\":", 0) == 0 && line.find("some_new") == std::string::npos) {
              ADD_FAILURE() << p << "\n  spark: " << line << "\n  ours:  " << again;
              return;
            }
          }
        }
      }
      if (compared > 2000) break;
    }
  }
  EXPECT_GT(compared, 50);
}

}  // namespace
}  // namespace delta::protocol
