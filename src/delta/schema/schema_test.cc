#include "delta/schema/schema_json.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "support/matchers.h"

namespace delta::schema {
namespace {

using columnar::TimeUnit;
using columnar::TypeId;

// Every metaData.schemaString in the _delta_log/*.json files under `root`, with its file.
std::vector<std::pair<std::string, std::string>> CollectSchemaStrings(const std::string& root) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::parser parser;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec); it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) break;
    const auto& p = it->path();
    if (p.extension() != ".json" || p.parent_path().filename() != "_delta_log") continue;
    std::ifstream in(p);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("\"metaData\"") == std::string::npos) continue;
      simdjson::dom::element doc;
      if (parser.parse(line).get(doc) != simdjson::SUCCESS) continue;
      std::string_view s;
      if (doc["metaData"]["schemaString"].get_string().get(s) == simdjson::SUCCESS) out.emplace_back(p.string(), std::string(s));
    }
  }
  return out;
}

bool MentionsExoticType(const std::string& s) {
  for (const char* w : {"geometry", "geography", "variant", "collat", "interval", "char(", "varchar("})
    if (s.find(w) != std::string::npos) return true;
  return false;
}

TEST(SchemaJsonTest, PrimitiveMapping) {
  const char* kJson = R"J({"type":"struct","fields":[
    {"name":"s","type":"string","nullable":true,"metadata":{}},
    {"name":"l","type":"long","nullable":false,"metadata":{}},
    {"name":"i","type":"integer","nullable":true,"metadata":{}},
    {"name":"sh","type":"short","nullable":true,"metadata":{}},
    {"name":"b","type":"byte","nullable":true,"metadata":{}},
    {"name":"f","type":"float","nullable":true,"metadata":{}},
    {"name":"d","type":"double","nullable":true,"metadata":{}},
    {"name":"bo","type":"boolean","nullable":true,"metadata":{}},
    {"name":"bi","type":"binary","nullable":true,"metadata":{}},
    {"name":"da","type":"date","nullable":true,"metadata":{}},
    {"name":"ts","type":"timestamp","nullable":true,"metadata":{}},
    {"name":"tn","type":"timestamp_ntz","nullable":true,"metadata":{}},
    {"name":"de","type":"decimal(10,2)","nullable":true,"metadata":{}},
    {"name":"de2","type":"decimal( 38 , 0 )","nullable":true,"metadata":{}},
    {"name":"de3","type":"decimal","nullable":true,"metadata":{}},
    {"name":"v","type":"void","nullable":true,"metadata":{}}]})J";
  ASSERT_OK_AND_ASSIGN(auto s, ParseSchemaJson(kJson));
  ASSERT_EQ(s->num_fields(), 16);
  const TypeId ids[] = {TypeId::kString, TypeId::kInt64, TypeId::kInt32, TypeId::kInt16, TypeId::kInt8, TypeId::kFloat32,
                        TypeId::kFloat64, TypeId::kBool, TypeId::kBinary, TypeId::kDate32, TypeId::kTimestamp,
                        TypeId::kTimestamp, TypeId::kDecimal128, TypeId::kDecimal128, TypeId::kDecimal128, TypeId::kNull};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(s->field(i)->type->id(), ids[i]) << i;
  EXPECT_FALSE(s->field(1)->nullable);
  EXPECT_TRUE(s->field(0)->nullable);
  EXPECT_TRUE(s->field(10)->type->Equals(*columnar::Timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_TRUE(s->field(11)->type->Equals(*columnar::Timestamp(TimeUnit::kMicro)));
  EXPECT_EQ(s->field(12)->type->precision(), 10);
  EXPECT_EQ(s->field(12)->type->scale(), 2);
  EXPECT_EQ(s->field(13)->type->precision(), 38);
  EXPECT_EQ(s->field(14)->type->precision(), 10);
  EXPECT_EQ(s->field(14)->type->scale(), 0);
  const char* names[] = {"string", "long", "integer", "short", "byte", "float", "double", "boolean", "binary", "date",
                         "timestamp", "timestamp_ntz", "decimal(10,2)", "decimal(38,0)", "decimal(10,0)", "void"};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(DeltaTypeName(*s->field(i)->type), names[i]);
}

TEST(SchemaJsonTest, NestedTypesAndMetadata) {
  const char* kJson = R"J({"type":"struct","fields":[
    {"name":"a","type":{"type":"array","elementType":"string","containsNull":false},"nullable":true,
     "metadata":{"delta.columnMapping.id":5,"delta.columnMapping.physicalName":"col-x","comment":"12",
                 "delta.invariants":"{\"expression\":{\"expression\":\"a > 3\"}}","obj":{"k":[1, 2.5, true, null]}}},
    {"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[
        {"name":"x","type":"integer","nullable":true,"metadata":{}}]},"valueContainsNull":true},"nullable":false,"metadata":{}},
    {"name":"v","type":"variant","nullable":true,"metadata":{}},
    {"name":"av","type":{"type":"array","elementType":"variant","containsNull":true},"nullable":true,"metadata":{}}]})J";
  ASSERT_OK_AND_ASSIGN(auto s, ParseSchemaJson(kJson));
  const auto& a = *s->field(0);
  ASSERT_EQ(a.type->id(), TypeId::kList);
  EXPECT_EQ(a.type->children()[0]->name, "element");
  EXPECT_FALSE(a.type->children()[0]->nullable);
  EXPECT_EQ(a.GetMetadata("delta.columnMapping.id"), "5");
  EXPECT_EQ(a.GetMetadata("delta.columnMapping.physicalName"), "col-x");
  EXPECT_EQ(a.GetMetadata("comment"), "12");
  EXPECT_EQ(a.GetMetadata("delta.invariants"), R"J({"expression":{"expression":"a > 3"}})J");
  EXPECT_EQ(a.GetMetadata("obj"), R"J({"k":[1,2.5,true,null]})J");
  EXPECT_EQ(DeltaTypeName(*a.type), "array<string>");
  const auto& m = *s->field(1);
  ASSERT_EQ(m.type->id(), TypeId::kMap);
  EXPECT_FALSE(m.nullable);
  EXPECT_EQ(DeltaTypeName(*m.type), "map<string,struct<x:integer>>");
  EXPECT_TRUE(IsVariantField(*s->field(2)));
  EXPECT_FALSE(IsVariantField(a));
  EXPECT_EQ(s->field(2)->type->id(), TypeId::kStruct);
  EXPECT_EQ(DeltaTypeName(*s->field(3)->type), "array<variant>");

  // Serialisation writes numbers/objects as JSON, strings (even JSON-looking ones) as strings.
  std::string json = SchemaToJson(*s);
  EXPECT_NE(json.find(R"J("delta.columnMapping.id":5)J"), std::string::npos) << json;
  EXPECT_NE(json.find(R"J("comment":"12")J"), std::string::npos) << json;
  EXPECT_NE(json.find(R"J("delta.invariants":"{\"expression\":{\"expression\":\"a > 3\"}}")J"), std::string::npos) << json;
  EXPECT_NE(json.find(R"J("obj":{"k":[1,2.5,true,null]})J"), std::string::npos) << json;
  EXPECT_NE(json.find(R"J({"name":"v","type":"variant","nullable":true,"metadata":{}})J"), std::string::npos) << json;
  EXPECT_EQ(json.find("__deltacpp"), std::string::npos) << json;
  ASSERT_OK_AND_ASSIGN(auto again, ParseSchemaJson(json));
  EXPECT_TRUE(again->Equals(*s));
}

TEST(SchemaJsonTest, ExactRoundTripOfSparkJson) {
  const std::string kJson =
      R"J({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{"delta.columnMapping.id":1,)J"
      R"J("delta.columnMapping.physicalName":"col-1"}},{"name":"s","type":{"type":"struct","fields":[{"name":"q\"\\","type":)J"
      R"J("decimal(5,1)","nullable":false,"metadata":{}}]},"nullable":true,"metadata":{}}]})J";
  ASSERT_OK_AND_ASSIGN(auto s, ParseSchemaJson(kJson));
  EXPECT_EQ(SchemaToJson(*s), kJson);
}

TEST(SchemaJsonTest, HandBuiltFieldsUseKnownKeys) {
  columnar::Schema s({columnar::MakeField("a", columnar::Int64(), true,
                                          {{"delta.columnMapping.id", "7"}, {"delta.columnMapping.physicalName", "p"},
                                           {"delta.identity.allowExplicitInsert", "true"}, {"other", "7"}})});
  EXPECT_EQ(SchemaToJson(s),
            R"J({"type":"struct","fields":[{"name":"a","type":"long","nullable":true,"metadata":{)J"
            R"J("delta.columnMapping.id":7,"delta.columnMapping.physicalName":"p",)J"
            R"J("delta.identity.allowExplicitInsert":true,"other":"7"}}]})J");
}

TEST(SchemaJsonTest, Errors) {
  ASSERT_RAISES(CorruptData, ParseSchemaJson("not json"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"array"})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct"})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"type":"long"}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a"}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":"decimal(39,0)"}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":"decimal(5,6)"}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":"decimal(5"}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":"long","nullable":3}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":"long","metadata":[]}]})J"));
  ASSERT_RAISES(CorruptData, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":{"type":"array"}}]})J"));
  auto r = ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"s","type":{"type":"struct","fields":[
      {"name":"g","type":"geometry(OGC:CRS84)"}]}}]})J");
  // Geospatial types are recognised (so the log can be described) and marked unreadable.
  ASSERT_OK(r.status());
  const auto& g = (*r)->field(0)->type->children()[0];
  EXPECT_EQ(g->type->id(), columnar::TypeId::kBinary);
  EXPECT_EQ(g->GetMetadata(kUnreadableTypeKey).value_or(""), "geometry(OGC:CRS84)");
  EXPECT_NE(SchemaToJson(**r).find("\"geometry(OGC:CRS84)\""), std::string::npos);
  ASSERT_RAISES(Unsupported, ParseSchemaJson(R"J({"type":"struct","fields":[{"name":"a","type":"hyperloglog"}]})J"));
  // Deep nesting is refused by the JSON parser rather than overflowing the stack.
  std::string deep = R"J({"type":"struct","fields":[{"name":"a","type":)J";
  for (int i = 0; i < 5000; ++i) deep += R"J({"type":"array","elementType":)J";
  deep += "\"long\"";
  for (int i = 0; i < 5000; ++i) deep += "}";
  deep += "}]}";
  ASSERT_RAISES(CorruptData, ParseSchemaJson(deep));
}

TEST(SchemaJsonTest, EverySharedTableSchemaParsesAndRoundTrips) {
  const std::string dir = testing::SharedTablesDir();
  if (dir.empty()) GTEST_SKIP() << "shared Delta tables not present";
  auto schemas = CollectSchemaStrings(dir);
  ASSERT_GT(schemas.size(), 50u);
  int parsed = 0, refused = 0;
  for (const auto& [file, s] : schemas) {
    auto r = ParseSchemaJson(s);
    if (!r.ok()) {
      EXPECT_TRUE(MentionsExoticType(s)) << file << ": " << r.status().ToString();
      EXPECT_TRUE(r.status().IsUnsupported()) << file << ": " << r.status().ToString();
      ++refused;
      continue;
    }
    ++parsed;
    const auto& schema = **r;
    std::string json = SchemaToJson(schema);
    ASSERT_OK_AND_ASSIGN(auto again, ParseSchemaJson(json));
    EXPECT_TRUE(again->Equals(schema)) << file << "\n" << s << "\n" << json;
    EXPECT_EQ(SchemaToJson(*again), json);
  }
  std::cout << "schemaStrings: " << schemas.size() << " parsed: " << parsed << " refused: " << refused << "\n";
}

}  // namespace
}  // namespace delta::schema
