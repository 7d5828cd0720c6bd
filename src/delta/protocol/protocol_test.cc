// Tests of the action parser (every action kind, tolerance of unknown content, error messages)
// and of the table-feature rules that decide whether a table can be read.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "delta/protocol/actions.h"
#include "delta/protocol/table_features.h"
#include "support/matchers.h"

namespace delta::protocol {
namespace {

template <typename T>
const T& As(const Action& a) {
  EXPECT_TRUE(std::holds_alternative<T>(a)) << "action is " << ActionName(a);
  return std::get<T>(a);
}

Result<std::vector<Action>> Parse(std::string_view content, const ParseOptions& options = {}) {
  return ParseJsonActions(content, "_delta_log/00000000000000000007.json", options);
}

// Asserts a CorruptData error whose message names the test file and the given line.
void ExpectCorruptAtLine(std::string_view content, int line, std::string_view also = {}) {
  auto r = Parse(content);
  ASSERT_FALSE(r.ok()) << content;
  EXPECT_TRUE(r.status().IsCorruptData()) << r.status().ToString();
  const std::string& msg = r.status().message();
  EXPECT_NE(msg.find("00000000000000000007.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line " + std::to_string(line)), std::string::npos) << msg;
  if (!also.empty()) {
    EXPECT_NE(msg.find(also), std::string::npos) << msg;
  }
}

TEST(ParseJsonActions, AddWithAllFields) {
  const char* line =
      R"({"add":{"path":"p%3D1/part-0.parquet","partitionValues":{"p":"1","q":null},"size":1234,)"
      R"("modificationTime":1700000000123,"dataChange":false,"stats":"{\"numRecords\":10}",)"
      R"("tags":{"INSERTION_TIME":"1700000000000000","OPTIMIZE_TARGET_SIZE":"268435456"},)"
      R"("deletionVector":{"storageType":"u","pathOrInlineDv":"ab^-aqEH.-t@S}K{vb[*k^","offset":1,)"
      R"("sizeInBytes":36,"cardinality":3},"baseRowId":100,"defaultRowCommitVersion":5,)"
      R"("clusteringProvider":"liquid"}})";
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(line));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(ActionName(actions[0]), "add");
  const Add& a = As<Add>(actions[0]);
  EXPECT_EQ(a.path, "p%3D1/part-0.parquet");
  ASSERT_EQ(a.partition_values.size(), 2u);
  EXPECT_EQ(a.partition_values[0].first, "p");
  EXPECT_EQ(a.partition_values[0].second, std::optional<std::string>("1"));
  EXPECT_EQ(a.partition_values[1].first, "q");
  EXPECT_FALSE(a.partition_values[1].second.has_value());
  EXPECT_EQ(a.size, 1234);
  EXPECT_EQ(a.modification_time, 1700000000123);
  EXPECT_FALSE(a.data_change);
  EXPECT_EQ(a.stats, R"({"numRecords":10})");
  ASSERT_EQ(a.tags.size(), 2u);
  EXPECT_EQ(a.tags.at("INSERTION_TIME"), "1700000000000000");
  ASSERT_TRUE(a.deletion_vector.has_value());
  EXPECT_EQ(a.deletion_vector->storage_type, "u");
  EXPECT_EQ(a.deletion_vector->path_or_inline_dv, "ab^-aqEH.-t@S}K{vb[*k^");
  EXPECT_EQ(a.deletion_vector->offset, std::optional<int32_t>(1));
  EXPECT_EQ(a.deletion_vector->size_in_bytes, 36);
  EXPECT_EQ(a.deletion_vector->cardinality, 3);
  EXPECT_EQ(a.base_row_id, std::optional<int64_t>(100));
  EXPECT_EQ(a.default_row_commit_version, std::optional<int64_t>(5));
  EXPECT_EQ(a.clustering_provider, std::optional<std::string>("liquid"));
  EXPECT_EQ(a.NumLiveRecords(), std::optional<int64_t>(7));
}

TEST(ParseJsonActions, AddDefaultsAndStatsDropped) {
  ParseOptions no_stats;
  no_stats.keep_stats = false;
  ASSERT_OK_AND_ASSIGN(auto actions,
                       Parse(R"({"add":{"path":"a.parquet","stats":"{\"numRecords\":3}"}})", no_stats));
  ASSERT_EQ(actions.size(), 1u);
  const Add& a = As<Add>(actions[0]);
  EXPECT_EQ(a.path, "a.parquet");
  EXPECT_TRUE(a.partition_values.empty());
  EXPECT_EQ(a.size, 0);
  EXPECT_TRUE(a.data_change);
  EXPECT_EQ(a.stats, "");
  EXPECT_FALSE(a.deletion_vector.has_value());
  EXPECT_FALSE(a.base_row_id.has_value());
  EXPECT_FALSE(a.NumLiveRecords().has_value());
}

TEST(ParseJsonActions, RemoveWithAllFields) {
  const char* line =
      R"({"remove":{"path":"x/y.parquet","deletionTimestamp":1700000000999,"dataChange":true,)"
      R"("extendedFileMetadata":true,"partitionValues":{"x":"y"},"size":77,"stats":"{}",)"
      R"("tags":{"k":"v"},"deletionVector":{"storageType":"i","pathOrInlineDv":"wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L",)"
      R"("sizeInBytes":40,"cardinality":6},"baseRowId":4,"defaultRowCommitVersion":2}})";
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(line));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(ActionName(actions[0]), "remove");
  const Remove& r = As<Remove>(actions[0]);
  EXPECT_EQ(r.path, "x/y.parquet");
  EXPECT_EQ(r.deletion_timestamp, std::optional<int64_t>(1700000000999));
  EXPECT_TRUE(r.data_change);
  EXPECT_TRUE(r.extended_file_metadata);
  ASSERT_EQ(r.partition_values.size(), 1u);
  EXPECT_EQ(r.partition_values[0].second, std::optional<std::string>("y"));
  EXPECT_EQ(r.size, std::optional<int64_t>(77));
  EXPECT_EQ(r.stats, "{}");
  EXPECT_EQ(r.tags.at("k"), "v");
  ASSERT_TRUE(r.deletion_vector.has_value());
  EXPECT_EQ(r.deletion_vector->storage_type, "i");
  EXPECT_FALSE(r.deletion_vector->offset.has_value());
  EXPECT_EQ(r.deletion_vector->size_in_bytes, 40);
  EXPECT_EQ(r.deletion_vector->cardinality, 6);
  EXPECT_EQ(r.base_row_id, std::optional<int64_t>(4));
  EXPECT_EQ(r.default_row_commit_version, std::optional<int64_t>(2));
}

TEST(ParseJsonActions, MetadataWithAllFields) {
  const char* line =
      R"({"metaData":{"id":"abc-123","name":"events","description":"all events",)"
      R"("format":{"provider":"parquet","options":{"compression":"zstd"}},)"
      R"("schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":["day","hour"],)"
      R"("createdTime":1600000000000,"configuration":{"delta.appendOnly":"true","numeric":5}}})";
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(line));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(ActionName(actions[0]), "metaData");
  const Metadata& m = As<Metadata>(actions[0]);
  EXPECT_EQ(m.id, "abc-123");
  EXPECT_EQ(m.name, std::optional<std::string>("events"));
  EXPECT_EQ(m.description, std::optional<std::string>("all events"));
  EXPECT_EQ(m.format.provider, "parquet");
  EXPECT_EQ(m.format.options.at("compression"), "zstd");
  EXPECT_EQ(m.schema_string, R"({"type":"struct","fields":[]})");
  EXPECT_EQ(m.partition_columns, (std::vector<std::string>{"day", "hour"}));
  EXPECT_EQ(m.created_time, std::optional<int64_t>(1600000000000));
  EXPECT_EQ(m.configuration.at("delta.appendOnly"), "true");
  // A non-string configuration value is kept as its JSON text.
  EXPECT_EQ(m.configuration.at("numeric"), "5");
}

TEST(ParseJsonActions, ProtocolCommitInfoTxnCdcDomainCheckpointSidecar) {
  std::string content =
      R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["deletionVectors"],"writerFeatures":["deletionVectors","appendOnly"]}})"
      "\n"
      R"({"commitInfo":{"timestamp":1700000000000,"inCommitTimestamp":1700000000001,"operation":"WRITE","isBlindAppend":true,"operationParameters":{"mode":"Append"}}})"
      "\n"
      R"({"txn":{"appId":"app-1","version":42,"lastUpdated":1700000000002}})"
      "\n"
      R"({"cdc":{"path":"_change_data/c.parquet","partitionValues":{"p":"a"},"size":99,"dataChange":false,"tags":{"t":"1"}}})"
      "\n"
      R"({"domainMetadata":{"domain":"delta.clustering","configuration":"{\"c\":1}","removed":true}})"
      "\n"
      R"({"checkpointMetadata":{"version":12,"tags":{"a":"b"}}})"
      "\n"
      R"({"sidecar":{"path":"s1.parquet","sizeInBytes":500,"modificationTime":1700000000003,"tags":{}}})"
      "\n";
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(content));
  ASSERT_EQ(actions.size(), 7u);

  const Protocol& p = As<Protocol>(actions[0]);
  EXPECT_EQ(p.min_reader_version, 3);
  EXPECT_EQ(p.min_writer_version, 7);
  EXPECT_EQ(*p.reader_features, (std::vector<std::string>{"deletionVectors"}));
  EXPECT_EQ(*p.writer_features, (std::vector<std::string>{"deletionVectors", "appendOnly"}));

  const CommitInfo& ci = As<CommitInfo>(actions[1]);
  EXPECT_EQ(ci.timestamp, std::optional<int64_t>(1700000000000));
  EXPECT_EQ(ci.in_commit_timestamp, std::optional<int64_t>(1700000000001));
  EXPECT_EQ(ci.operation, std::optional<std::string>("WRITE"));
  EXPECT_EQ(ci.is_blind_append, std::optional<bool>(true));
  EXPECT_NE(ci.json.find(R"("operationParameters":{"mode":"Append"})"), std::string::npos) << ci.json;
  EXPECT_EQ(ci.json.find(' '), std::string::npos) << "minified: " << ci.json;

  const SetTransaction& t = As<SetTransaction>(actions[2]);
  EXPECT_EQ(t.app_id, "app-1");
  EXPECT_EQ(t.version, 42);
  EXPECT_EQ(t.last_updated, std::optional<int64_t>(1700000000002));

  const AddCdcFile& c = As<AddCdcFile>(actions[3]);
  EXPECT_EQ(c.path, "_change_data/c.parquet");
  ASSERT_EQ(c.partition_values.size(), 1u);
  EXPECT_EQ(c.partition_values[0].second, std::optional<std::string>("a"));
  EXPECT_EQ(c.size, 99);
  EXPECT_FALSE(c.data_change);
  EXPECT_EQ(c.tags.at("t"), "1");

  const DomainMetadata& d = As<DomainMetadata>(actions[4]);
  EXPECT_EQ(d.domain, "delta.clustering");
  EXPECT_EQ(d.configuration, R"({"c":1})");
  EXPECT_TRUE(d.removed);

  const CheckpointMetadata& cm = As<CheckpointMetadata>(actions[5]);
  EXPECT_EQ(cm.version, 12);
  EXPECT_EQ(cm.tags.at("a"), "b");

  const Sidecar& s = As<Sidecar>(actions[6]);
  EXPECT_EQ(s.path, "s1.parquet");
  EXPECT_EQ(s.size_in_bytes, 500);
  EXPECT_EQ(s.modification_time, 1700000000003);
  EXPECT_TRUE(s.tags.empty());

  EXPECT_EQ(ActionName(actions[0]), "protocol");
  EXPECT_EQ(ActionName(actions[1]), "commitInfo");
  EXPECT_EQ(ActionName(actions[2]), "txn");
  EXPECT_EQ(ActionName(actions[3]), "cdc");
  EXPECT_EQ(ActionName(actions[4]), "domainMetadata");
  EXPECT_EQ(ActionName(actions[5]), "checkpointMetadata");
  EXPECT_EQ(ActionName(actions[6]), "sidecar");
}

TEST(ParseJsonActions, UnknownFieldsAndActionsIgnored) {
  std::string content =
      R"({"futureAction":{"x":1}})"
      "\n"
      R"({"add":{"path":"a.parquet","size":1,"newField":{"deep":[1,2,3]},"anotherOne":"x"}})"
      "\n"
      R"({"unknownFirst":[1],"remove":{"path":"b.parquet","unknown":true}})"
      "\n"
      R"({})"
      "\n";
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(content));
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(As<Add>(actions[0]).path, "a.parquet");
  EXPECT_EQ(As<Add>(actions[0]).size, 1);
  EXPECT_EQ(As<Remove>(actions[1]).path, "b.parquet");
}

TEST(ParseJsonActions, BlankLinesCrlfAndNoTrailingNewline) {
  std::string content =
      "\r\n\n   \n"
      R"({"add":{"path":"a.parquet","size":5}})"
      "\r\n\r\n"
      R"({"txn":{"appId":"x","version":1}})"
      "  \t";
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(content));
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(As<Add>(actions[0]).size, 5);
  EXPECT_EQ(As<SetTransaction>(actions[1]).app_id, "x");
  ASSERT_OK_AND_ASSIGN(auto empty, Parse(""));
  EXPECT_TRUE(empty.empty());
  ASSERT_OK_AND_ASSIGN(auto blanks, Parse("\n\n\r\n"));
  EXPECT_TRUE(blanks.empty());
}

TEST(ParseJsonActions, IntegralFloatsAccepted) {
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(R"({"add":{"path":"a","size":12.0,"modificationTime":3}})"));
  EXPECT_EQ(As<Add>(actions[0]).size, 12);
  ExpectCorruptAtLine(R"({"add":{"path":"a","size":12.5}})", 1, "size");
  ExpectCorruptAtLine(R"({"add":{"path":"a","size":18446744073709551615}})", 1, "size");
}

TEST(ParseJsonActions, ErrorsNameFileAndLine) {
  const std::string good = R"({"add":{"path":"ok.parquet"}})";
  // Invalid JSON on line 2.
  ExpectCorruptAtLine(good + "\n" + R"({"add":{"path":)" + "\n", 2);
  // Line 3 (after a blank line) is not an object.
  ExpectCorruptAtLine(good + "\n\n[1,2,3]\n", 3);
  ExpectCorruptAtLine("\"just a string\"", 1);
  ExpectCorruptAtLine("42", 1);
  // add without a path; with an empty path; with a null path.
  ExpectCorruptAtLine(R"({"add":{"size":3}})", 1, "path");
  ExpectCorruptAtLine(good + "\n" + R"({"add":{"path":""}})", 2, "path");
  ExpectCorruptAtLine(R"({"add":{"path":null}})", 1, "path");
  // Wrong field types.
  ExpectCorruptAtLine(R"({"add":{"path":7}})", 1, "path");
  ExpectCorruptAtLine(R"({"add":{"path":"a","size":"12"}})", 1, "size");
  ExpectCorruptAtLine(R"({"add":{"path":"a","dataChange":"yes"}})", 1, "dataChange");
  ExpectCorruptAtLine(R"({"add":{"path":"a","partitionValues":[1]}})", 1, "partitionValues");
  ExpectCorruptAtLine(R"({"add":{"path":"a","tags":"x"}})", 1, "tags");
  ExpectCorruptAtLine(R"({"add":{"path":"a","stats":{"numRecords":1}}})", 1, "stats");
  ExpectCorruptAtLine(R"({"add":"a.parquet"})", 1);
  ExpectCorruptAtLine(R"({"remove":{"path":"a","deletionTimestamp":"now"}})", 1, "deletionTimestamp");
  ExpectCorruptAtLine(R"({"metaData":{"id":"x","partitionColumns":"p"}})", 1, "partitionColumns");
  ExpectCorruptAtLine(R"({"metaData":{"id":"x","partitionColumns":[1]}})", 1, "partitionColumns");
  ExpectCorruptAtLine(R"({"metaData":{"id":"x","format":"parquet"}})", 1, "format");
  ExpectCorruptAtLine(R"({"protocol":{"minReaderVersion":1}})", 1, "minWriterVersion");
  ExpectCorruptAtLine(R"({"protocol":{"minReaderVersion":"1","minWriterVersion":2}})", 1, "minReaderVersion");
  ExpectCorruptAtLine(R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":"x"}})", 1,
                      "readerFeatures");
  ExpectCorruptAtLine(R"({"txn":{"appId":"a"}})", 1, "version");
  ExpectCorruptAtLine(R"({"txn":{"version":1}})", 1, "appId");
  ExpectCorruptAtLine(R"({"domainMetadata":{"configuration":"{}"}})", 1, "domain");
  ExpectCorruptAtLine(R"({"sidecar":{"sizeInBytes":1}})", 1, "path");
  ExpectCorruptAtLine(R"({"checkpointMetadata":{}})", 1, "version");
}

TEST(ParseJsonActions, DeletionVectorBadFields) {
  auto add_with_dv = [](std::string dv) { return R"({"add":{"path":"a","deletionVector":)" + dv + "}}"; };
  ExpectCorruptAtLine(add_with_dv(R"("u123")"), 1, "deletionVector");
  ExpectCorruptAtLine(add_with_dv(R"({"pathOrInlineDv":"x","sizeInBytes":1,"cardinality":1})"), 1, "storageType");
  ExpectCorruptAtLine(add_with_dv(R"({"storageType":"u","sizeInBytes":1,"cardinality":1})"), 1, "pathOrInlineDv");
  ExpectCorruptAtLine(add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","cardinality":1})"), 1, "sizeInBytes");
  ExpectCorruptAtLine(add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1})"), 1, "cardinality");
  ExpectCorruptAtLine(add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","sizeInBytes":-1,"cardinality":1})"), 1,
                      "sizeInBytes");
  ExpectCorruptAtLine(
      add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1,"cardinality":1,"offset":-4})"), 1,
      "offset");
  ExpectCorruptAtLine(
      add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1,"cardinality":-2})"), 1, "cardinality");
  ExpectCorruptAtLine(
      add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","sizeInBytes":4294967296,"cardinality":1})"), 1,
      "sizeInBytes");
  ExpectCorruptAtLine(
      add_with_dv(R"({"storageType":"u","pathOrInlineDv":"x","sizeInBytes":1,"cardinality":"many"})"), 1,
      "cardinality");
  // A null deletion vector is no deletion vector.
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(R"({"add":{"path":"a","deletionVector":null}})"));
  EXPECT_FALSE(As<Add>(actions[0]).deletion_vector.has_value());
}

TEST(ParseJsonActions, CommitInfoIsFreeForm) {
  // Fields of an unexpected type in commitInfo are not fatal, and a non-object commitInfo is skipped.
  ASSERT_OK_AND_ASSIGN(auto actions, Parse(R"({"commitInfo":{"timestamp":"yesterday","operation":3}})"
                                           "\n"
                                           R"({"commitInfo":"free text"})"));
  ASSERT_EQ(actions.size(), 1u);
  const CommitInfo& ci = As<CommitInfo>(actions[0]);
  EXPECT_FALSE(ci.timestamp.has_value());
  EXPECT_FALSE(ci.operation.has_value());
}

TEST(AddNumLiveRecords, Values) {
  Add a;
  EXPECT_FALSE(a.NumLiveRecords().has_value());
  a.stats = R"({"numRecords": 25,"minValues":{"a":1}})";
  EXPECT_EQ(a.NumLiveRecords(), std::optional<int64_t>(25));
  a.deletion_vector = dv::DeletionVectorDescriptor{"i", "xyz", std::nullopt, 10, 5};
  EXPECT_EQ(a.NumLiveRecords(), std::optional<int64_t>(20));
  a.stats = R"({"minValues":{"a":1}})";
  EXPECT_FALSE(a.NumLiveRecords().has_value());
  a.stats = R"({"numRecords":null})";
  EXPECT_FALSE(a.NumLiveRecords().has_value());
  a.deletion_vector.reset();
  a.stats = R"({"numRecords":0})";
  EXPECT_EQ(a.NumLiveRecords(), std::optional<int64_t>(0));
}

TEST(AddNumLiveRecords, ColumnNamedNumRecordsDoesNotConfuse) {
  // A data column called "numRecords" appears inside minValues before the top-level field.
  Add a;
  a.stats = R"({"minValues":{"numRecords":1},"maxValues":{"numRecords":9},"numRecords":40})";
  EXPECT_EQ(a.NumLiveRecords(), std::optional<int64_t>(40));
  a.stats = R"({"minValues":{"numRecords":1}})";
  EXPECT_FALSE(a.NumLiveRecords().has_value());
}

// ----------------------------------------------------------------------------------------------
// Table features

Protocol Legacy(int r, int w) {
  Protocol p;
  p.min_reader_version = r;
  p.min_writer_version = w;
  return p;
}

TEST(TableFeatures, LegacyVersionsImplyFeatures) {
  EXPECT_TRUE(IsFeatureEnabled(Legacy(1, 2), "appendOnly"));
  EXPECT_TRUE(IsFeatureEnabled(Legacy(1, 2), "invariants"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(1, 2), "checkConstraints"));
  EXPECT_TRUE(IsFeatureEnabled(Legacy(1, 3), "checkConstraints"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(1, 3), "changeDataFeed"));
  EXPECT_TRUE(IsFeatureEnabled(Legacy(1, 4), "changeDataFeed"));
  EXPECT_TRUE(IsFeatureEnabled(Legacy(1, 4), "generatedColumns"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(1, 5), "columnMapping"));  // needs reader 2 as well
  EXPECT_TRUE(IsFeatureEnabled(Legacy(2, 5), "columnMapping"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(2, 5), "identityColumns"));
  EXPECT_TRUE(IsFeatureEnabled(Legacy(2, 6), "identityColumns"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(2, 6), "deletionVectors"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(1, 1), "appendOnly"));
  EXPECT_FALSE(IsFeatureEnabled(Legacy(2, 6), "noSuchFeature"));
}

TEST(TableFeatures, ExplicitFeatureLists) {
  Protocol p = Legacy(3, 7);
  p.reader_features = std::vector<std::string>{"deletionVectors"};
  p.writer_features = std::vector<std::string>{"deletionVectors", "rowTracking"};
  EXPECT_TRUE(IsFeatureEnabled(p, "deletionVectors"));
  EXPECT_TRUE(IsFeatureEnabled(p, "rowTracking"));
  // A 3/7 protocol lists its features: nothing is implied by the versions.
  EXPECT_FALSE(IsFeatureEnabled(p, "appendOnly"));
  EXPECT_FALSE(IsFeatureEnabled(p, "columnMapping"));
  Protocol w = Legacy(1, 7);
  w.writer_features = std::vector<std::string>{"changeDataFeed"};
  EXPECT_TRUE(IsFeatureEnabled(w, "changeDataFeed"));
  EXPECT_FALSE(IsFeatureEnabled(w, "invariants"));
}

TEST(TableFeatures, FindFeatureRows) {
  const TableFeature* dv = FindFeature("deletionVectors");
  ASSERT_NE(dv, nullptr);
  EXPECT_EQ(dv->kind, FeatureKind::kReaderWriter);
  EXPECT_EQ(dv->min_reader_version, 3);
  EXPECT_EQ(dv->min_writer_version, 7);
  EXPECT_TRUE(dv->read_supported);
  EXPECT_EQ(FindFeature("DeletionVectors"), nullptr);  // names are case-sensitive
  EXPECT_EQ(FindFeature("nope"), nullptr);
  EXPECT_GE(KnownFeatures().size(), 20u);
}

TEST(TableFeatures, ReadSupport) {
  EXPECT_OK(CheckReadSupported(Legacy(1, 2)));
  EXPECT_OK(CheckReadSupported(Legacy(2, 5)));
  Protocol p = Legacy(3, 7);
  p.reader_features = std::vector<std::string>{"deletionVectors", "columnMapping", "timestampNtz", "v2Checkpoint"};
  p.writer_features = p.reader_features;
  EXPECT_OK(CheckReadSupported(p));

  // Reader version 4 is refused, naming the version.
  Status v4 = CheckReadSupported(Legacy(4, 7));
  EXPECT_TRUE(v4.IsUnsupported()) << v4.ToString();
  EXPECT_NE(v4.message().find('4'), std::string::npos) << v4.message();

  // An unknown reader feature is refused naming it.
  Protocol unknown = Legacy(3, 7);
  unknown.reader_features = std::vector<std::string>{"deletionVectors", "quantumCompression"};
  Status st = CheckReadSupported(unknown);
  EXPECT_TRUE(st.IsUnsupported()) << st.ToString();
  EXPECT_NE(st.message().find("quantumCompression"), std::string::npos) << st.message();

  // A known feature we cannot read is refused naming it.
  Protocol variant = Legacy(3, 7);
  variant.reader_features = std::vector<std::string>{"variantType"};
  Status vs = CheckReadSupported(variant);
  EXPECT_TRUE(vs.IsUnsupported());
  EXPECT_NE(vs.message().find("variantType"), std::string::npos) << vs.message();

  // Unknown writer-only features do not block reads.
  Protocol writer_only = Legacy(1, 7);
  writer_only.writer_features = std::vector<std::string>{"someFutureWriterThing", "appendOnly"};
  EXPECT_OK(CheckReadSupported(writer_only));
  Protocol writer_only3 = Legacy(3, 7);
  writer_only3.reader_features = std::vector<std::string>{};
  writer_only3.writer_features = std::vector<std::string>{"someFutureWriterThing"};
  EXPECT_OK(CheckReadSupported(writer_only3));
  // ... but they block writes, naming the feature.
  Status ws = CheckWriteSupported(writer_only);
  EXPECT_TRUE(ws.IsUnsupported());
  EXPECT_NE(ws.message().find("someFutureWriterThing"), std::string::npos) << ws.message();
}

TEST(TableFeatures, ValidateProtocol) {
  EXPECT_OK(ValidateProtocol(Legacy(1, 2)));
  ASSERT_RAISES(CorruptData, ValidateProtocol(Legacy(0, 2)));
  ASSERT_RAISES(CorruptData, ValidateProtocol(Legacy(1, 0)));
}

}  // namespace
}  // namespace delta::protocol
