// Unit tests of the level shredder and the columnar -> Parquet schema mapping.
#include "delta/parquet/writer/levels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "delta/columnar/builder.h"
#include "delta/parquet/writer/column_writer.h"
#include "delta/parquet/writer/schema_writer.h"
#include "support/matchers.h"

namespace delta::parquet::writer {
namespace {

using columnar::ArrayPtr;
using columnar::MakeField;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

struct Shredded {
  std::vector<int16_t> def, rep;
  std::vector<std::pair<int64_t, int64_t>> runs;
  int64_t num_levels = 0;
};

Shredded Shred(const columnar::SchemaPtr& schema, const ArrayPtr& column, int leaf_index = 0) {
  auto ps = ToParquetSchema(*schema).ValueOrDie();
  ShreddedLeaf out;
  Status st = ShredLeaf(*column, ps.leaves[static_cast<size_t>(leaf_index)], &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  Shredded s;
  s.def = out.def_levels;
  s.rep = out.rep_levels;
  for (const auto& r : out.runs) s.runs.emplace_back(r.start, r.length);
  s.num_levels = out.num_levels;
  return s;
}

columnar::SchemaPtr OneField(columnar::FieldPtr f) { return std::make_shared<columnar::Schema>(std::vector{f}); }

TEST(LevelsTest, FlatRequiredHasNoLevels) {
  columnar::Int32Builder b;
  for (int i = 0; i < 5; ++i) ASSERT_OK(b.Append(i));
  ASSERT_OK_AND_ASSIGN(auto arr, b.Finish());
  auto s = Shred(OneField(MakeField("a", columnar::Int32(), false)), arr->Slice(1, 3));
  EXPECT_TRUE(s.def.empty());
  EXPECT_TRUE(s.rep.empty());
  EXPECT_EQ(s.num_levels, 3);
  EXPECT_THAT(s.runs, ElementsAre(std::make_pair(int64_t{0}, int64_t{3})));  // logical indices of the slice
}

TEST(LevelsTest, FlatOptionalFromBitmapRespectsSlice) {
  columnar::Int32Builder b;
  ASSERT_OK(b.Append(1));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append(3));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append(5));
  ASSERT_OK_AND_ASSIGN(auto arr, b.Finish());
  auto s = Shred(OneField(MakeField("a", columnar::Int32())), arr->Slice(1, 4));
  EXPECT_THAT(s.def, ElementsAre(0, 1, 0, 1));
  EXPECT_TRUE(s.rep.empty());
  EXPECT_THAT(s.runs, ElementsAre(std::make_pair(int64_t{0}, int64_t{4})));
}

// [[1, null], [], null, [3]] as optional list of optional int32: max def 3, max rep 1.
TEST(LevelsTest, ListNullVersusEmpty) {
  auto type = columnar::List(columnar::Int32());
  ASSERT_OK_AND_ASSIGN(auto builder, columnar::MakeBuilder(type));
  auto* lb = static_cast<columnar::ListBuilder*>(builder.get());
  auto* vb = static_cast<columnar::Int32Builder*>(lb->value_builder());
  ASSERT_OK(lb->Append());
  ASSERT_OK(vb->Append(1));
  ASSERT_OK(vb->AppendNull());
  ASSERT_OK(lb->Append());
  ASSERT_OK(lb->AppendNull());
  ASSERT_OK(lb->Append());
  ASSERT_OK(vb->Append(3));
  ASSERT_OK_AND_ASSIGN(auto arr, lb->Finish());
  auto schema = OneField(MakeField("l", type));
  auto s = Shred(schema, arr);
  EXPECT_THAT(s.def, ElementsAre(3, 2, 1, 0, 3));
  EXPECT_THAT(s.rep, ElementsAre(0, 1, 0, 0, 0));
  // Slots: elements 0, 1 (the null one is a slot) and 2.
  EXPECT_THAT(s.runs, ElementsAre(std::make_pair(int64_t{0}, int64_t{3})));

  // Sliced: rows 1..3 = [], null, [3].
  auto t = Shred(schema, arr->Slice(1, 3));
  EXPECT_THAT(t.def, ElementsAre(1, 0, 3));
  EXPECT_THAT(t.rep, ElementsAre(0, 0, 0));
  EXPECT_THAT(t.runs, ElementsAre(std::make_pair(int64_t{2}, int64_t{1})));
}

// Nullable struct {a: nullable int32}: [{1}, null, {null}].
TEST(LevelsTest, NullableStruct) {
  auto type = columnar::Struct({MakeField("a", columnar::Int32())});
  ASSERT_OK_AND_ASSIGN(auto builder, columnar::MakeBuilder(type));
  auto* sb = static_cast<columnar::StructBuilder*>(builder.get());
  auto* ab = static_cast<columnar::Int32Builder*>(sb->child(0));
  ASSERT_OK(ab->Append(1));
  ASSERT_OK(sb->Append());
  ASSERT_OK(sb->AppendNull());
  ASSERT_OK(ab->AppendNull());
  ASSERT_OK(sb->Append());
  ASSERT_OK_AND_ASSIGN(auto arr, sb->Finish());
  auto s = Shred(OneField(MakeField("s", type)), arr);
  EXPECT_THAT(s.def, ElementsAre(2, 0, 1));
  EXPECT_TRUE(s.rep.empty());
  EXPECT_THAT(s.runs, ElementsAre(std::make_pair(int64_t{0}, int64_t{1}), std::make_pair(int64_t{2}, int64_t{1})));
  // Slice keeps the struct offset for the child.
  auto t = Shred(OneField(MakeField("s", type)), arr->Slice(1, 2));
  EXPECT_THAT(t.def, ElementsAre(0, 1));
  EXPECT_THAT(t.runs, ElementsAre(std::make_pair(int64_t{2}, int64_t{1})));
}

// map<utf8, int32>: [{"a": 1, "b": null}, null, {}].
TEST(LevelsTest, MapKeysAndValues) {
  auto type = columnar::Map(columnar::Utf8(), columnar::Int32());
  ASSERT_OK_AND_ASSIGN(auto builder, columnar::MakeBuilder(type));
  auto* mb = static_cast<columnar::MapBuilder*>(builder.get());
  auto* kb = static_cast<columnar::BinaryBuilder*>(mb->key_builder());
  auto* ib = static_cast<columnar::Int32Builder*>(mb->item_builder());
  ASSERT_OK(mb->Append());
  ASSERT_OK(kb->Append("a"));
  ASSERT_OK(ib->Append(1));
  ASSERT_OK(kb->Append("b"));
  ASSERT_OK(ib->AppendNull());
  ASSERT_OK(mb->AppendNull());
  ASSERT_OK(mb->Append());
  ASSERT_OK_AND_ASSIGN(auto arr, mb->Finish());
  auto schema = OneField(MakeField("m", type));
  auto k = Shred(schema, arr, 0);
  EXPECT_THAT(k.def, ElementsAre(2, 2, 0, 1));
  EXPECT_THAT(k.rep, ElementsAre(0, 1, 0, 0));
  auto v = Shred(schema, arr, 1);
  EXPECT_THAT(v.def, ElementsAre(3, 2, 0, 1));
  EXPECT_THAT(v.rep, ElementsAre(0, 1, 0, 0));
}

// list<list<int32 not null>>: [[[1, 2], []], [null], null, [[3]]] (inner lists nullable).
TEST(LevelsTest, ListOfLists) {
  auto inner = columnar::List(MakeField("item", columnar::Int32(), false));
  auto type = columnar::List(inner);
  ASSERT_OK_AND_ASSIGN(auto builder, columnar::MakeBuilder(type));
  auto* outer = static_cast<columnar::ListBuilder*>(builder.get());
  auto* in = static_cast<columnar::ListBuilder*>(outer->value_builder());
  auto* vb = static_cast<columnar::Int32Builder*>(in->value_builder());
  ASSERT_OK(outer->Append());
  ASSERT_OK(in->Append());
  ASSERT_OK(vb->Append(1));
  ASSERT_OK(vb->Append(2));
  ASSERT_OK(in->Append());
  ASSERT_OK(outer->Append());
  ASSERT_OK(in->AppendNull());
  ASSERT_OK(outer->AppendNull());
  ASSERT_OK(outer->Append());
  ASSERT_OK(in->Append());
  ASSERT_OK(vb->Append(3));
  ASSERT_OK_AND_ASSIGN(auto arr, outer->Finish());
  // def: outer optional 1, outer repeated 2, inner optional 3, inner repeated 4 (element required).
  auto s = Shred(OneField(MakeField("x", type)), arr);
  EXPECT_THAT(s.def, ElementsAre(4, 4, 3, 2, 0, 4));
  EXPECT_THAT(s.rep, ElementsAre(0, 2, 1, 0, 0, 0));
  EXPECT_THAT(s.runs, ElementsAre(std::make_pair(int64_t{0}, int64_t{3})));
}

TEST(SchemaWriterTest, PrimitiveMappings) {
  auto schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("i8", columnar::Int8(), false, {{"PARQUET:field_id", "7"}}),
      MakeField("u32", columnar::UInt32()),
      MakeField("d9", columnar::Decimal128(9, 2)),
      MakeField("d18", columnar::Decimal128(18, 3)),
      MakeField("d38", columnar::Decimal128(38, 10)),
      MakeField("ts_s", columnar::Timestamp(columnar::TimeUnit::kSecond, "UTC")),
      MakeField("ts_ns", columnar::Timestamp(columnar::TimeUnit::kNano)),
      MakeField("s", columnar::LargeUtf8()),
      MakeField("n", columnar::Null(), false),
  });
  ASSERT_OK_AND_ASSIGN(auto ps, ToParquetSchema(*schema));
  ASSERT_EQ(ps.elements.size(), 10u);
  EXPECT_EQ(ps.elements[0].num_children, 9);
  const auto& i8 = ps.elements[1];
  EXPECT_EQ(i8.type, Type::INT32);
  EXPECT_EQ(i8.repetition_type, FieldRepetitionType::REQUIRED);
  EXPECT_EQ(i8.converted_type, ConvertedType::INT_8);
  EXPECT_EQ(i8.logical_type->kind, LogicalType::INTEGER);
  EXPECT_EQ(i8.logical_type->int_bit_width, 8);
  EXPECT_EQ(i8.field_id, 7);
  EXPECT_EQ(ps.elements[2].converted_type, ConvertedType::UINT_32);
  EXPECT_FALSE(ps.elements[2].logical_type->int_is_signed);
  EXPECT_EQ(ps.elements[3].type, Type::INT32);
  EXPECT_EQ(ps.elements[3].precision, 9);
  EXPECT_EQ(ps.elements[3].scale, 2);
  EXPECT_EQ(ps.elements[4].type, Type::INT64);
  EXPECT_EQ(ps.elements[5].type, Type::FIXED_LEN_BYTE_ARRAY);
  EXPECT_EQ(ps.elements[5].type_length, 16);
  EXPECT_EQ(ps.elements[5].converted_type, ConvertedType::DECIMAL);
  EXPECT_EQ(ps.elements[6].logical_type->time_unit, TimeUnitKind::MILLIS);
  EXPECT_TRUE(ps.elements[6].logical_type->is_adjusted_to_utc);
  EXPECT_EQ(ps.elements[6].converted_type, ConvertedType::TIMESTAMP_MILLIS);
  EXPECT_EQ(ps.elements[7].logical_type->time_unit, TimeUnitKind::NANOS);
  EXPECT_FALSE(ps.elements[7].logical_type->is_adjusted_to_utc);
  EXPECT_FALSE(ps.elements[7].converted_type.has_value());
  EXPECT_EQ(ps.elements[8].type, Type::BYTE_ARRAY);
  EXPECT_EQ(ps.elements[8].converted_type, ConvertedType::UTF8);
  EXPECT_EQ(ps.elements[9].logical_type->kind, LogicalType::UNKNOWN);
  EXPECT_EQ(ps.elements[9].repetition_type, FieldRepetitionType::OPTIONAL);
  EXPECT_EQ(ps.leaves[0].max_def, 0);
  EXPECT_EQ(ps.leaves[1].max_def, 1);
}

TEST(SchemaWriterTest, ListAndMapStructure) {
  auto schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      MakeField("l", columnar::List(columnar::Int64()), false),
      MakeField("m", columnar::Map(columnar::Utf8(), columnar::Float64())),
  });
  ASSERT_OK_AND_ASSIGN(auto ps, ToParquetSchema(*schema));
  std::vector<std::string> names;
  for (const auto& e : ps.elements) names.push_back(e.name);
  EXPECT_THAT(names, ElementsAre("schema", "l", "list", "element", "m", "key_value", "key", "value"));
  EXPECT_EQ(ps.elements[1].converted_type, ConvertedType::LIST);
  EXPECT_EQ(ps.elements[2].repetition_type, FieldRepetitionType::REPEATED);
  EXPECT_EQ(ps.elements[4].converted_type, ConvertedType::MAP);
  EXPECT_EQ(ps.elements[6].repetition_type, FieldRepetitionType::REQUIRED);
  EXPECT_EQ(ps.elements[7].repetition_type, FieldRepetitionType::OPTIONAL);
  ASSERT_EQ(ps.leaves.size(), 3u);
  EXPECT_EQ(ps.leaves[0].dotted_path, "l.list.element");
  EXPECT_EQ(ps.leaves[0].max_def, 2);
  EXPECT_EQ(ps.leaves[0].max_rep, 1);
  EXPECT_EQ(ps.leaves[1].dotted_path, "m.key_value.key");
  EXPECT_EQ(ps.leaves[1].max_def, 2);
  EXPECT_EQ(ps.leaves[2].max_def, 3);
}

TEST(SchemaWriterTest, DecimalBytes) {
  EXPECT_EQ(DecimalBytesForPrecision(1), 1);
  EXPECT_EQ(DecimalBytesForPrecision(2), 1);
  EXPECT_EQ(DecimalBytesForPrecision(3), 2);
  EXPECT_EQ(DecimalBytesForPrecision(9), 4);
  EXPECT_EQ(DecimalBytesForPrecision(10), 5);
  EXPECT_EQ(DecimalBytesForPrecision(18), 8);
  EXPECT_EQ(DecimalBytesForPrecision(19), 9);
  EXPECT_EQ(DecimalBytesForPrecision(38), 16);
}

TEST(SchemaWriterTest, RejectsBadFieldId) {
  auto schema = std::make_shared<columnar::Schema>(
      std::vector<columnar::FieldPtr>{MakeField("a", columnar::Int32(), true, {{"PARQUET:field_id", "x1"}})});
  ASSERT_RAISES(InvalidArgument, ToParquetSchema(*schema));
}

TEST(StatsTruncationTest, MinIsPrefix) {
  std::string v = "abcdefgh";
  EXPECT_TRUE(TruncateMinStat(&v, 3, false));
  EXPECT_EQ(v, "abc");
  std::string short_v = "ab";
  EXPECT_FALSE(TruncateMinStat(&short_v, 3, false));
  EXPECT_EQ(short_v, "ab");
  // "aé" is 61 C3 A9: a cut at 2 would split the é.
  std::string u = "a\xC3\xA9xyz";
  EXPECT_TRUE(TruncateMinStat(&u, 2, true));
  EXPECT_EQ(u, "a");
}

TEST(StatsTruncationTest, MaxIsIncrementedPrefix) {
  bool truncated = false;
  std::string v = "abcdef";
  EXPECT_TRUE(TruncateMaxStat(&v, 3, false, &truncated));
  EXPECT_TRUE(truncated);
  EXPECT_EQ(v, "abd");
  std::string carry = std::string("a\xFF\xFF", 3) + "zz";
  EXPECT_TRUE(TruncateMaxStat(&carry, 3, false, &truncated));
  EXPECT_EQ(carry, "b");
  std::string all = std::string(5, '\xFF');
  EXPECT_FALSE(TruncateMaxStat(&all, 3, false, &truncated));
  std::string fits = "ab";
  EXPECT_TRUE(TruncateMaxStat(&fits, 3, false, &truncated));
  EXPECT_FALSE(truncated);
  EXPECT_EQ(fits, "ab");
  // UTF-8: "a\x7F..." cannot increment 0x7F within ASCII; drop it and bump 'a'.
  std::string u = "a\x7Fzzz";
  EXPECT_TRUE(TruncateMaxStat(&u, 2, true, &truncated));
  EXPECT_EQ(u, "b");
  // é (C3 A9) -> C3 AA (ê), still valid UTF-8.
  std::string e = "\xC3\xA9zzz";
  EXPECT_TRUE(TruncateMaxStat(&e, 2, true, &truncated));
  EXPECT_EQ(e, "\xC3\xAA");
}

}  // namespace
}  // namespace delta::parquet::writer
