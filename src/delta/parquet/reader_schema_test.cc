// Schema mapping (LogicalTypes.md incl. the legacy list/map forms), statistics ordering and
// row-group selection, and record assembly from hand-built levels.
#include <gtest/gtest.h>

#include <cmath>

#include "delta/columnar/array.h"
#include "delta/parquet/reader/assembly.h"
#include "delta/parquet/schema.h"
#include "delta/parquet/statistics.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using FRT = FieldRepetitionType;

SchemaElement Group(std::string name, FRT rep, int children, std::optional<ConvertedType> ct = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.repetition_type = rep;
  e.num_children = children;
  e.converted_type = ct;
  return e;
}
SchemaElement Leaf(std::string name, FRT rep, Type t, std::optional<ConvertedType> ct = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.repetition_type = rep;
  e.type = t;
  e.converted_type = ct;
  return e;
}
SchemaElement Root(int children) {
  SchemaElement e;
  e.name = "schema";
  e.num_children = children;
  return e;
}

std::string MapToString(const std::vector<SchemaElement>& els) {
  auto d = SchemaDescriptor::Make(els);
  if (!d.ok()) return d.status().ToString();
  auto s = ToColumnarSchema(**d);
  if (!s.ok()) return s.status().ToString();
  return s->schema->field(0)->type->ToString();
}

TEST(ReaderSchemaTest, LevelsAndPaths) {
  // optional group a { repeated group list { optional int32 element } }, required int64 b
  std::vector<SchemaElement> els = {Root(2), Group("a", FRT::OPTIONAL, 1, ConvertedType::LIST),
                                    Group("list", FRT::REPEATED, 1), Leaf("element", FRT::OPTIONAL, Type::INT32),
                                    Leaf("b", FRT::REQUIRED, Type::INT64)};
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make(els));
  ASSERT_EQ(d->num_columns(), 2);
  EXPECT_EQ(d->column(0).dotted_path, "a.list.element");
  EXPECT_EQ(d->column(0).max_def, 3);
  EXPECT_EQ(d->column(0).max_rep, 1);
  EXPECT_EQ(d->column(0).repeated_ancestor_def, 2);
  EXPECT_EQ(d->column(1).max_def, 0);
  EXPECT_EQ(d->column(1).top_level_field, 1);
}

TEST(ReaderSchemaTest, RejectsMalformedLists) {
  ASSERT_RAISES(CorruptData, SchemaDescriptor::Make({}));
  // num_children overruns
  ASSERT_RAISES(CorruptData, SchemaDescriptor::Make({Root(2), Leaf("a", FRT::REQUIRED, Type::INT32)}));
  // unreachable element
  ASSERT_RAISES(CorruptData, SchemaDescriptor::Make({Root(1), Leaf("a", FRT::REQUIRED, Type::INT32),
                                                     Leaf("b", FRT::REQUIRED, Type::INT32)}));
  // empty name
  ASSERT_RAISES(CorruptData, SchemaDescriptor::Make({Root(1), Leaf("", FRT::REQUIRED, Type::INT32)}));
  // FLBA without a length
  ASSERT_RAISES(CorruptData, SchemaDescriptor::Make({Root(1), Leaf("f", FRT::REQUIRED, Type::FIXED_LEN_BYTE_ARRAY)}));
  // too deep
  std::vector<SchemaElement> deep = {Root(1)};
  for (int i = 0; i < 100; ++i) deep.push_back(Group("g" + std::to_string(i), FRT::OPTIONAL, 1));
  deep.push_back(Leaf("x", FRT::REQUIRED, Type::INT32));
  ASSERT_RAISES(CorruptData, SchemaDescriptor::Make(deep));
}

TEST(ReaderSchemaTest, PrimitiveTypes) {
  auto t = [](Type pt, std::optional<ConvertedType> ct, std::optional<LogicalType> lt = std::nullopt, int len = 0) {
    SchemaElement e = Leaf("x", FRT::OPTIONAL, pt, ct);
    e.logical_type = lt;
    if (len) e.type_length = len;
    if (ct == ConvertedType::DECIMAL) {
      e.precision = 10;
      e.scale = 2;
    }
    return MapToString({Root(1), e});
  };
  EXPECT_EQ(t(Type::BOOLEAN, std::nullopt), "bool");
  EXPECT_EQ(t(Type::INT32, ConvertedType::INT_8), "int8");
  EXPECT_EQ(t(Type::INT32, ConvertedType::UINT_16), "uint16");
  EXPECT_EQ(t(Type::INT32, ConvertedType::UINT_32), "uint32");
  EXPECT_EQ(t(Type::INT32, ConvertedType::DATE), "date32");
  EXPECT_EQ(t(Type::INT64, ConvertedType::UINT_64), "uint64");
  EXPECT_EQ(t(Type::INT64, ConvertedType::TIMESTAMP_MILLIS), columnar::Timestamp(columnar::TimeUnit::kMilli, "UTC")->ToString());
  EXPECT_EQ(t(Type::INT96, std::nullopt), columnar::Timestamp(columnar::TimeUnit::kNano)->ToString());
  EXPECT_EQ(t(Type::BYTE_ARRAY, ConvertedType::UTF8), "string");
  EXPECT_EQ(t(Type::BYTE_ARRAY, std::nullopt), "binary");
  EXPECT_EQ(t(Type::FIXED_LEN_BYTE_ARRAY, ConvertedType::DECIMAL, std::nullopt, 9), "decimal128(10, 2)");
  EXPECT_EQ(t(Type::INT64, ConvertedType::DECIMAL), "decimal128(10, 2)");
  LogicalType ts;
  ts.kind = LogicalType::TIMESTAMP;
  ts.time_unit = TimeUnitKind::NANOS;
  ts.is_adjusted_to_utc = false;
  EXPECT_EQ(t(Type::INT64, std::nullopt, ts), columnar::Timestamp(columnar::TimeUnit::kNano)->ToString());
  LogicalType integer;
  integer.kind = LogicalType::INTEGER;
  integer.int_bit_width = 64;
  integer.int_is_signed = false;
  EXPECT_EQ(t(Type::INT64, std::nullopt, integer), "uint64");
  LogicalType uuid;
  uuid.kind = LogicalType::UUID;
  EXPECT_EQ(t(Type::FIXED_LEN_BYTE_ARRAY, std::nullopt, uuid, 16), "fixed_size_binary[16]");
  LogicalType unknown;
  unknown.kind = LogicalType::UNKNOWN;
  EXPECT_EQ(t(Type::INT32, std::nullopt, unknown), "null");
  LogicalType dec;
  dec.kind = LogicalType::DECIMAL;
  dec.decimal_precision = 40;
  auto r = t(Type::FIXED_LEN_BYTE_ARRAY, std::nullopt, dec, 20);
  EXPECT_NE(r.find("Unsupported"), std::string::npos) << r;
  EXPECT_NE(r.find("column x"), std::string::npos) << r;
}

TEST(ReaderSchemaTest, FieldIdMetadata) {
  SchemaElement e = Leaf("x", FRT::OPTIONAL, Type::INT32);
  e.field_id = 7;
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make({Root(1), e}));
  ASSERT_OK_AND_ASSIGN(auto s, ToColumnarSchema(*d));
  EXPECT_EQ(s.schema->field(0)->GetMetadata(kParquetFieldIdKey), std::optional<std::string>("7"));
}

// Every list form of LogicalTypes.md "Lists" and its backward-compatibility rules.
TEST(ReaderSchemaTest, ListForms) {
  // Standard 3-level.
  EXPECT_EQ(MapToString({Root(1), Group("my_list", FRT::OPTIONAL, 1, ConvertedType::LIST), Group("list", FRT::REPEATED, 1),
                         Leaf("element", FRT::OPTIONAL, Type::BYTE_ARRAY, ConvertedType::UTF8)}),
            "list<element: string>");
  // 2-level: repeated primitive is the element (required).
  EXPECT_EQ(MapToString({Root(1), Group("my_list", FRT::OPTIONAL, 1, ConvertedType::LIST),
                         Leaf("element", FRT::REPEATED, Type::INT32)}),
            "list<element: int32 not null>");
  // Repeated group with two fields is the element.
  EXPECT_EQ(MapToString({Root(1), Group("my_list", FRT::OPTIONAL, 1, ConvertedType::LIST), Group("element", FRT::REPEATED, 2),
                         Leaf("str", FRT::REQUIRED, Type::BYTE_ARRAY, ConvertedType::UTF8),
                         Leaf("num", FRT::REQUIRED, Type::INT32)}),
            "list<element: struct<str: string not null, num: int32 not null> not null>");
  // Repeated group named "array" with one field is the element.
  EXPECT_EQ(MapToString({Root(1), Group("my_list", FRT::OPTIONAL, 1, ConvertedType::LIST), Group("array", FRT::REPEATED, 1),
                         Leaf("str", FRT::REQUIRED, Type::BYTE_ARRAY, ConvertedType::UTF8)}),
            "list<array: struct<str: string not null> not null>");
  // Repeated group named <list>_tuple with one field is the element.
  EXPECT_EQ(MapToString({Root(1), Group("my_list", FRT::OPTIONAL, 1, ConvertedType::LIST),
                         Group("my_list_tuple", FRT::REPEATED, 1),
                         Leaf("str", FRT::REQUIRED, Type::BYTE_ARRAY, ConvertedType::UTF8)}),
            "list<my_list_tuple: struct<str: string not null> not null>");
  // Otherwise the repeated group's single child is the element (3-level with other names).
  EXPECT_EQ(MapToString({Root(1), Group("my_list", FRT::REQUIRED, 1, ConvertedType::LIST), Group("bag", FRT::REPEATED, 1),
                         Leaf("array_element", FRT::OPTIONAL, Type::INT64)}),
            "list<array_element: int64>");
  // Unannotated repeated field: required list of required elements.
  EXPECT_EQ(MapToString({Root(1), Leaf("nums", FRT::REPEATED, Type::INT32)}), "list<nums: int32 not null>");
  EXPECT_EQ(MapToString({Root(1), Group("recs", FRT::REPEATED, 1), Leaf("a", FRT::OPTIONAL, Type::INT32)}),
            "list<recs: struct<a: int32> not null>");
  // A LIST group whose child is not repeated is malformed.
  auto bad = MapToString({Root(1), Group("l", FRT::OPTIONAL, 1, ConvertedType::LIST), Leaf("e", FRT::OPTIONAL, Type::INT32)});
  EXPECT_NE(bad.find("CorruptData"), std::string::npos) << bad;
}

TEST(ReaderSchemaTest, MapForms) {
  const std::string expected = "map<string, int32>";
  // Standard MAP.
  auto m = MapToString({Root(1), Group("m", FRT::OPTIONAL, 1, ConvertedType::MAP), Group("key_value", FRT::REPEATED, 2),
                        Leaf("key", FRT::REQUIRED, Type::BYTE_ARRAY, ConvertedType::UTF8),
                        Leaf("value", FRT::OPTIONAL, Type::INT32)});
  EXPECT_EQ(m, expected);
  // Legacy: MAP_KEY_VALUE on the repeated group.
  auto legacy = MapToString({Root(1), Group("m", FRT::OPTIONAL, 1, ConvertedType::MAP),
                             Group("map", FRT::REPEATED, 2, ConvertedType::MAP_KEY_VALUE),
                             Leaf("key", FRT::REQUIRED, Type::BYTE_ARRAY, ConvertedType::UTF8),
                             Leaf("value", FRT::OPTIONAL, Type::INT32)});
  EXPECT_EQ(legacy, expected);
  // Legacy: MAP_KEY_VALUE on the outer group (treated as MAP).
  auto outer = MapToString({Root(1), Group("m", FRT::OPTIONAL, 1, ConvertedType::MAP_KEY_VALUE),
                            Group("map", FRT::REPEATED, 2), Leaf("key", FRT::REQUIRED, Type::INT32),
                            Leaf("value", FRT::REQUIRED, Type::INT32)});
  EXPECT_EQ(outer, "map<int32, int32 not null>");
  // Not a map shape: read as the group it is.
  auto odd = MapToString({Root(1), Group("m", FRT::OPTIONAL, 1, ConvertedType::MAP_KEY_VALUE),
                          Leaf("key", FRT::REQUIRED, Type::INT32)});
  EXPECT_EQ(odd, "struct<key: int32 not null>");
}

TEST(ReaderSchemaTest, ProjectNestedPath) {
  std::vector<SchemaElement> els = {Root(2), Group("s", FRT::OPTIONAL, 2), Leaf("a", FRT::OPTIONAL, Type::INT32),
                                    Leaf("b", FRT::OPTIONAL, Type::DOUBLE), Leaf("c", FRT::REQUIRED, Type::INT64)};
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make(els));
  ASSERT_OK_AND_ASSIGN(auto full, ToColumnarSchema(*d));
  ASSERT_OK_AND_ASSIGN(auto p, ProjectSchema(full, *d, {"s.b"}));
  ASSERT_EQ(p.schema->num_fields(), 1);
  EXPECT_EQ(p.schema->field(0)->type->ToString(), "struct<b: double>");
  ASSERT_OK_AND_ASSIGN(auto q, ProjectSchema(full, *d, {"c", "s"}));
  EXPECT_EQ(q.schema->num_fields(), 2);
  ASSERT_RAISES(InvalidArgument, ProjectSchema(full, *d, {"s.z"}));
}

// ------------------------------------------------------------------ statistics

ColumnDescriptor Col(Type t, std::optional<ConvertedType> ct = std::nullopt) {
  auto d = SchemaDescriptor::Make({Root(1), Leaf("x", FRT::OPTIONAL, t, ct)});
  return (*d)->column(0);
}

TEST(ReaderStatisticsTest, Orders) {
  EXPECT_EQ(SortOrderOf(Col(Type::INT32)), StatsSortOrder::kSigned32);
  EXPECT_EQ(SortOrderOf(Col(Type::INT32, ConvertedType::UINT_8)), StatsSortOrder::kUnsigned32);
  EXPECT_EQ(SortOrderOf(Col(Type::INT96)), StatsSortOrder::kUnknown);
  EXPECT_EQ(SortOrderOf(Col(Type::BYTE_ARRAY, ConvertedType::UTF8)), StatsSortOrder::kBytesUnsigned);
  EXPECT_EQ(SortOrderOf(Col(Type::BYTE_ARRAY, ConvertedType::DECIMAL)), StatsSortOrder::kBytesSigned);
  ASSERT_OK_AND_ASSIGN(int c, CompareStatValues(StatsSortOrder::kSigned32, EncodeStatInt32(-1), EncodeStatInt32(1)));
  EXPECT_LT(c, 0);
  ASSERT_OK_AND_ASSIGN(c, CompareStatValues(StatsSortOrder::kUnsigned32, EncodeStatInt32(-1), EncodeStatInt32(1)));
  EXPECT_GT(c, 0);
  ASSERT_OK_AND_ASSIGN(c, CompareStatValues(StatsSortOrder::kBytesUnsigned, "\xC3\xA9", "z"));
  EXPECT_GT(c, 0);  // unsigned bytes: 0xC3 > 'z'
  ASSERT_OK_AND_ASSIGN(c, CompareStatValues(StatsSortOrder::kBytesUnsigned, "ab", "abc"));
  EXPECT_LT(c, 0);
  ASSERT_OK_AND_ASSIGN(c, CompareStatValues(StatsSortOrder::kBytesSigned, EncodeStatDecimal(-5), EncodeStatDecimal(3, 16)));
  EXPECT_LT(c, 0);
  ASSERT_RAISES(CorruptData, CompareStatValues(StatsSortOrder::kSigned64, "abc", EncodeStatInt64(1)));
  EXPECT_EQ(EncodeStatDecimal(-1), std::string("\xFF", 1));
  EXPECT_EQ(EncodeStatDecimal(128), std::string("\x00\x80", 2));
  EXPECT_EQ(EncodeStatDecimal(1, 4), std::string("\x00\x00\x00\x01", 4));
}

FileMetaData StatsFile(Type t, std::optional<ConvertedType> ct, bool column_orders) {
  FileMetaData md;
  md.schema = {Root(1), Leaf("x", FRT::OPTIONAL, t, ct)};
  if (column_orders) md.column_orders = {ColumnOrder{true}};
  return md;
}

void AddRowGroup(FileMetaData* md, std::optional<std::string> min, std::optional<std::string> max, int64_t nulls,
                 bool deprecated = false) {
  RowGroup rg;
  rg.num_rows = 10;
  ColumnChunk cc;
  ColumnMetaData m;
  m.type = *md->schema[1].type;
  m.num_values = 10;
  Statistics s;
  if (deprecated) {
    s.min = min;
    s.max = max;
  } else {
    s.min_value = min;
    s.max_value = max;
  }
  s.null_count = nulls;
  m.statistics = s;
  cc.meta_data = m;
  rg.columns.push_back(cc);
  md->row_groups.push_back(rg);
}

TEST(ReaderStatisticsTest, SelectRowGroupsInt) {
  FileMetaData md = StatsFile(Type::INT64, std::nullopt, true);
  AddRowGroup(&md, EncodeStatInt64(0), EncodeStatInt64(9), 0);
  AddRowGroup(&md, EncodeStatInt64(10), EncodeStatInt64(19), 2);
  AddRowGroup(&md, std::nullopt, std::nullopt, 10);  // all null
  AddRowGroup(&md, EncodeStatInt64(-5), EncodeStatInt64(5), 0, /*deprecated=*/true);
  auto sel = [&](CompareOp op, int64_t v) { return *SelectRowGroups(md, "x", op, StatValue(v)); };
  EXPECT_EQ(sel(CompareOp::kEq, 12), (std::vector<int>{1}));
  EXPECT_EQ(sel(CompareOp::kLt, 0), (std::vector<int>{3}));
  EXPECT_EQ(sel(CompareOp::kLe, 0), (std::vector<int>{0, 3}));
  EXPECT_EQ(sel(CompareOp::kGt, 9), (std::vector<int>{1}));
  EXPECT_EQ(sel(CompareOp::kGe, 9), (std::vector<int>{0, 1}));
  EXPECT_EQ(sel(CompareOp::kIsNull, 0), (std::vector<int>{1, 2}));
  EXPECT_EQ(sel(CompareOp::kIsNotNull, 0), (std::vector<int>{0, 1, 3}));
  ASSERT_RAISES(InvalidArgument, SelectRowGroups(md, "nope", CompareOp::kEq, StatValue(int64_t{1})));
}

TEST(ReaderStatisticsTest, ByteArrayOrderRules) {
  // With TYPE_ORDER, min_value/max_value are used for strings.
  FileMetaData md = StatsFile(Type::BYTE_ARRAY, ConvertedType::UTF8, true);
  AddRowGroup(&md, std::string("apple"), std::string("banana"), 0);
  EXPECT_EQ(*SelectRowGroups(md, "x", CompareOp::kEq, StatValue(std::string("cherry"))), std::vector<int>{});
  EXPECT_EQ(*SelectRowGroups(md, "x", CompareOp::kEq, StatValue(std::string("avocado"))), std::vector<int>{0});
  // Deprecated min/max are signed-order: never trusted for BYTE_ARRAY.
  FileMetaData old = StatsFile(Type::BYTE_ARRAY, ConvertedType::UTF8, true);
  AddRowGroup(&old, std::string("apple"), std::string("banana"), 0, /*deprecated=*/true);
  EXPECT_EQ(*SelectRowGroups(old, "x", CompareOp::kEq, StatValue(std::string("cherry"))), std::vector<int>{0});
  // No column_orders: conservative for unsigned orders.
  FileMetaData none = StatsFile(Type::BYTE_ARRAY, ConvertedType::UTF8, false);
  AddRowGroup(&none, std::string("apple"), std::string("banana"), 0);
  EXPECT_EQ(*SelectRowGroups(none, "x", CompareOp::kEq, StatValue(std::string("cherry"))), std::vector<int>{0});
  // Unsigned ints: min_value/max_value in unsigned order with TYPE_ORDER.
  FileMetaData u = StatsFile(Type::INT32, ConvertedType::UINT_32, true);
  AddRowGroup(&u, EncodeStatInt32(1), EncodeStatInt32(-1), 0);  // 1 .. 4294967295
  EXPECT_EQ(*SelectRowGroups(u, "x", CompareOp::kGt, StatValue(int64_t{3000000000})), std::vector<int>{0});
  EXPECT_EQ(*SelectRowGroups(u, "x", CompareOp::kLt, StatValue(int64_t{1})), std::vector<int>{});
  // INT96: never skipped.
  FileMetaData t96 = StatsFile(Type::INT96, std::nullopt, true);
  AddRowGroup(&t96, std::string(12, '\0'), std::string(12, '\0'), 0);
  EXPECT_EQ(*SelectRowGroups(t96, "x", CompareOp::kEq, StatValue(int64_t{5})), std::vector<int>{0});
  // Float NaN stats are ignored.
  FileMetaData f = StatsFile(Type::DOUBLE, std::nullopt, true);
  AddRowGroup(&f, EncodeStatDouble(std::nan("")), EncodeStatDouble(1.0), 0);
  EXPECT_EQ(*SelectRowGroups(f, "x", CompareOp::kGt, StatValue(5.0)), std::vector<int>{0});
}

// ------------------------------------------------------------------ assembly

using reader::LeafData;

// A leaf array of int32 slots from (valid?, value) pairs.
columnar::ArrayPtr Int32Slots(const std::vector<std::optional<int32_t>>& v) {
  auto a = std::make_shared<columnar::ArrayData>();
  a->type = columnar::Int32();
  a->length = static_cast<int64_t>(v.size());
  auto values = *columnar::Buffer::Allocate(a->length * 4 + 4, true);
  auto bits = *columnar::Buffer::Allocate(bit_util::BytesForBits(a->length) + 1, true);
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i]) {
      values->mutable_data_as<int32_t>()[i] = *v[i];
      bit_util::SetBit(bits->mutable_data(), static_cast<int64_t>(i));
    } else {
      ++a->null_count;
    }
  }
  a->buffers = {a->null_count ? bits : nullptr, values};
  return a;
}

TEST(ReaderAssemblyTest, OptionalListOfOptionalInts) {
  // optional group a (LIST) { repeated group list { optional int32 element } }
  // rows: [1, null, 2], null, [], [3]
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make({Root(1), Group("a", FRT::OPTIONAL, 1, ConvertedType::LIST),
                                                       Group("list", FRT::REPEATED, 1),
                                                       Leaf("element", FRT::OPTIONAL, Type::INT32)}));
  ASSERT_OK_AND_ASSIGN(auto s, ToColumnarSchema(*d));
  LeafData leaf;
  leaf.def_levels = {3, 2, 3, 0, 1, 3};
  leaf.rep_levels = {0, 1, 1, 0, 0, 0};
  leaf.num_levels = 6;
  leaf.array = Int32Slots({1, std::nullopt, 2, 3});  // slots: entries with def >= 2
  ASSERT_OK_AND_ASSIGN(auto arr, reader::AssembleField(s.fields[0], {&leaf}, 4));
  ASSERT_OK(arr->Validate());
  ASSERT_EQ(arr->length, 4);
  EXPECT_EQ(arr->null_count, 1);
  EXPECT_TRUE(arr->IsValid(0));
  EXPECT_TRUE(arr->IsNull(1));
  EXPECT_TRUE(arr->IsValid(2));
  EXPECT_EQ(arr->GetListRange(0), std::make_pair(int64_t{0}, int64_t{3}));
  EXPECT_EQ(arr->GetListRange(1), std::make_pair(int64_t{3}, int64_t{3}));
  EXPECT_EQ(arr->GetListRange(2), std::make_pair(int64_t{3}, int64_t{3}));
  EXPECT_EQ(arr->GetListRange(3), std::make_pair(int64_t{3}, int64_t{4}));
  EXPECT_TRUE(arr->children[0]->IsNull(1));
  EXPECT_EQ(arr->children[0]->values<int32_t>()[3], 3);
  // A row count that disagrees is corrupt.
  ASSERT_RAISES(CorruptData, reader::AssembleField(s.fields[0], {&leaf}, 5));
}

TEST(ReaderAssemblyTest, NullStructsAndNestedLists) {
  // optional group s { optional int32 x; repeated int32 ys }  (ys is an unannotated list)
  // rows: {x=1, ys=[5,6]}, null, {x=null, ys=[]}
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make({Root(1), Group("s", FRT::OPTIONAL, 2),
                                                       Leaf("x", FRT::OPTIONAL, Type::INT32),
                                                       Leaf("ys", FRT::REPEATED, Type::INT32)}));
  ASSERT_OK_AND_ASSIGN(auto s, ToColumnarSchema(*d));
  EXPECT_EQ(s.schema->field(0)->type->ToString(), "struct<x: int32, ys: list<ys: int32 not null> not null>");
  LeafData x, ys;
  x.def_levels = {2, 0, 1};
  x.num_levels = 3;
  x.array = Int32Slots({1, std::nullopt, std::nullopt});
  ys.def_levels = {2, 2, 0, 1};
  ys.rep_levels = {0, 1, 0, 0};
  ys.num_levels = 4;
  ys.array = Int32Slots({5, 6});
  ASSERT_OK_AND_ASSIGN(auto arr, reader::AssembleField(s.fields[0], {&x, &ys}, 3));
  ASSERT_OK(arr->Validate());
  EXPECT_EQ(arr->null_count, 1);
  EXPECT_TRUE(arr->IsNull(1));
  const auto& list = arr->children[1];
  ASSERT_EQ(list->length, 3);
  EXPECT_EQ(list->GetListRange(0), std::make_pair(int64_t{0}, int64_t{2}));
  EXPECT_EQ(list->GetListRange(2), std::make_pair(int64_t{2}, int64_t{2}));
  EXPECT_EQ(list->children[0]->values<int32_t>()[1], 6);
  // Inconsistent leaves are corrupt, not a crash.
  ys.array = Int32Slots({5});
  ASSERT_RAISES(CorruptData, reader::AssembleField(s.fields[0], {&x, &ys}, 3));
}

TEST(ReaderAssemblyTest, MapWithNullValues) {
  // optional group m (MAP) { repeated group key_value { required int32 key; optional int32 value } }
  // rows: {1: 10, 2: null}, null, {}
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make({Root(1), Group("m", FRT::OPTIONAL, 1, ConvertedType::MAP),
                                                       Group("key_value", FRT::REPEATED, 2),
                                                       Leaf("key", FRT::REQUIRED, Type::INT32),
                                                       Leaf("value", FRT::OPTIONAL, Type::INT32)}));
  ASSERT_OK_AND_ASSIGN(auto s, ToColumnarSchema(*d));
  LeafData k, v;
  k.def_levels = {2, 2, 0, 1};
  k.rep_levels = {0, 1, 0, 0};
  k.num_levels = 4;
  k.array = Int32Slots({1, 2});
  v.def_levels = {3, 2, 0, 1};
  v.rep_levels = {0, 1, 0, 0};
  v.num_levels = 4;
  v.array = Int32Slots({10, std::nullopt});
  ASSERT_OK_AND_ASSIGN(auto arr, reader::AssembleField(s.fields[0], {&k, &v}, 3));
  ASSERT_OK(arr->Validate());
  EXPECT_EQ(arr->type->id(), columnar::TypeId::kMap);
  EXPECT_TRUE(arr->IsNull(1));
  EXPECT_EQ(arr->GetListRange(0), std::make_pair(int64_t{0}, int64_t{2}));
  EXPECT_EQ(arr->GetListRange(2), std::make_pair(int64_t{2}, int64_t{2}));
  const auto& entries = arr->children[0];
  EXPECT_EQ(entries->length, 2);
  EXPECT_EQ(entries->children[0]->values<int32_t>()[1], 2);
  EXPECT_TRUE(entries->children[1]->IsNull(1));
}

TEST(ReaderAssemblyTest, ContinuationEntriesWithoutElementsAddNothing) {
  // Fixed-size arrays written as lists: a null INTEGER[3] is written as three entries with
  // def 0 (rep 0, 1, 1); an empty list may likewise repeat its def-1 entry.
  // rows: [1, 2, 3], null, [4, null, 6], []
  ASSERT_OK_AND_ASSIGN(auto d, SchemaDescriptor::Make({Root(1), Group("arr", FRT::OPTIONAL, 1, ConvertedType::LIST),
                                                       Group("list", FRT::REPEATED, 1),
                                                       Leaf("element", FRT::OPTIONAL, Type::INT32)}));
  ASSERT_OK_AND_ASSIGN(auto s, ToColumnarSchema(*d));
  LeafData leaf;
  leaf.def_levels = {3, 3, 3, 0, 0, 0, 3, 2, 3, 1, 1};
  leaf.rep_levels = {0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1};
  leaf.num_levels = 11;
  leaf.array = Int32Slots({1, 2, 3, 4, std::nullopt, 6});
  ASSERT_OK_AND_ASSIGN(auto arr, reader::AssembleField(s.fields[0], {&leaf}, 4));
  ASSERT_OK(arr->Validate());
  ASSERT_EQ(arr->length, 4);
  EXPECT_EQ(arr->null_count, 1);
  EXPECT_TRUE(arr->IsNull(1));
  EXPECT_TRUE(arr->IsValid(3));
  EXPECT_EQ(arr->GetListRange(0), std::make_pair(int64_t{0}, int64_t{3}));
  EXPECT_EQ(arr->GetListRange(1), std::make_pair(int64_t{3}, int64_t{3}));
  EXPECT_EQ(arr->GetListRange(2), std::make_pair(int64_t{3}, int64_t{6}));
  EXPECT_EQ(arr->GetListRange(3), std::make_pair(int64_t{6}, int64_t{6}));
  EXPECT_EQ(arr->children[0]->values<int32_t>()[5], 6);
  EXPECT_TRUE(arr->children[0]->IsNull(4));
  // Element slots that disagree with the levels are still corrupt.
  leaf.array = Int32Slots({1, 2, 3, 4, std::nullopt, 6, 7});
  ASSERT_RAISES(CorruptData, reader::AssembleField(s.fields[0], {&leaf}, 4));
  // A continuation with an element before any list started is still corrupt.
  leaf.def_levels = {3};
  leaf.rep_levels = {1};
  leaf.num_levels = 1;
  leaf.array = Int32Slots({1});
  ASSERT_RAISES(CorruptData, reader::AssembleField(s.fields[0], {&leaf}, 0));
}

}  // namespace
}  // namespace delta::parquet
