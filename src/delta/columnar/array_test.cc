#include "delta/columnar/array.h"

#include <gtest/gtest.h>

#include "delta/columnar/builder.h"
#include "delta/columnar/test_util_internal.h"
#include "support/matchers.h"

namespace delta::columnar {
namespace {

ArrayPtr MakeStrings(std::vector<std::string> values) {
  BinaryBuilder b;
  for (const auto& v : values) EXPECT_OK(b.Append(v));
  return b.Finish().ValueOrDie();
}

// Replaces buffer i of `a` with a writable copy so a test can corrupt it.
uint8_t* MutableCopy(const ArrayPtr& a, size_t i) {
  auto copy = Buffer::CopyOf(a->buffers[i]->view()).ValueOrDie();
  a->buffers[i] = copy;
  return copy->mutable_data();
}

TEST(TypeTest, ToStringAndEquals) {
  EXPECT_EQ(Int64()->ToString(), "int64");
  EXPECT_EQ(Decimal128(10, 2)->ToString(), "decimal128(10, 2)");
  EXPECT_EQ(Timestamp(TimeUnit::kMicro, "UTC")->ToString(), "timestamp[us, tz=UTC]");
  EXPECT_EQ(Struct({MakeField("a", Int32()), MakeField("b", List(Utf8()))})->ToString(),
            "struct<a: int32, b: list<item: string>>");
  EXPECT_EQ(Map(Utf8(), Int32())->ToString(), "map<string, int32>");
  EXPECT_TRUE(Decimal128(10, 2)->Equals(*Decimal128(10, 2)));
  EXPECT_FALSE(Decimal128(10, 2)->Equals(*Decimal128(10, 3)));
  EXPECT_FALSE(Timestamp(TimeUnit::kMicro, "UTC")->Equals(*Timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(Timestamp(TimeUnit::kMicro)->Equals(*Timestamp(TimeUnit::kNano)));
  EXPECT_FALSE(FixedSizeBinary(3)->Equals(*FixedSizeBinary(4)));
  EXPECT_FALSE(List(Int32())->Equals(*List(MakeField("item", Int32(), false))));
  EXPECT_FALSE(List(Int32())->Equals(*LargeList(MakeField("item", Int32()))));
  EXPECT_FALSE(Struct({MakeField("a", Int32())})->Equals(*Struct({MakeField("b", Int32())})));
  EXPECT_FALSE(Struct({MakeField("a", Int32(), true, {{"k", "1"}})})->Equals(*Struct({MakeField("a", Int32())})));
  EXPECT_FALSE(Map(Utf8(), Int32(), true, true)->Equals(*Map(Utf8(), Int32())));
  EXPECT_TRUE(Map(Utf8(), Int32())->Equals(*Map(Utf8(), Int32())));
}

TEST(TypeTest, Widths) {
  EXPECT_EQ(Bool()->bit_width(), 1);
  EXPECT_EQ(Int16()->bit_width(), 16);
  EXPECT_EQ(Date32()->bit_width(), 32);
  EXPECT_EQ(Time64(TimeUnit::kNano)->bit_width(), 64);
  EXPECT_EQ(Decimal128(5, 1)->bit_width(), 128);
  EXPECT_EQ(FixedSizeBinary(5)->bit_width(), 40);
  EXPECT_EQ(Utf8()->bit_width(), 0);
  EXPECT_EQ(Null()->bit_width(), 0);
  EXPECT_TRUE(LargeBinary()->is_binary_like());
  EXPECT_TRUE(LargeList(MakeField("x", Int8()))->is_large_offsets());
  EXPECT_FALSE(List(Int8())->is_large_offsets());
  EXPECT_TRUE(Map(Int32(), Int32())->is_nested());
}

TEST(SchemaTest, LookupAndEquality) {
  Schema s({MakeField("a", Int32()), MakeField("b", Utf8(), false)}, {{"k", "v"}});
  EXPECT_EQ(s.GetFieldIndex("b"), 1);
  EXPECT_EQ(s.GetFieldIndex("zz"), -1);
  EXPECT_EQ(s.ToString(), "a: int32\nb: string not null");
  EXPECT_TRUE(s.Equals(Schema({MakeField("a", Int32()), MakeField("b", Utf8(), false)}, {{"k", "v"}})));
  EXPECT_FALSE(s.Equals(Schema({MakeField("a", Int32()), MakeField("b", Utf8(), true)}, {{"k", "v"}})));
  EXPECT_FALSE(s.Equals(Schema({MakeField("a", Int32()), MakeField("b", Utf8(), false)})));
  EXPECT_EQ(s.field(0)->GetMetadata("nope"), std::nullopt);
}

TEST(ArrayTest, SliceAndNullCount) {
  Int32Builder b;
  for (int i = 0; i < 10; ++i) ASSERT_OK(i % 4 == 0 ? b.AppendNull() : b.Append(i));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->null_count, 3);  // 0, 4, 8
  auto s = a->Slice(1, 6);      // 1..6: one null (4)
  EXPECT_EQ(s->null_count, kUnknownNullCount);
  EXPECT_EQ(s->GetNullCount(), 1);
  EXPECT_EQ(s->null_count, 1);  // cached
  EXPECT_EQ(s->values<int32_t>()[0], 1);
  EXPECT_TRUE(s->IsNull(3));
  ASSERT_OK(s->Validate());
}

TEST(ArrayTest, ValidateCatchesBrokenOffsets) {
  auto a = MakeStrings({"ab", "cde", "f"});
  ASSERT_OK(a->Validate());
  {
    auto bad = std::make_shared<ArrayData>(*a);
    int32_t* off = reinterpret_cast<int32_t*>(MutableCopy(bad, 1));
    off[2] = 1;  // 0, 2, 1, 6: decreasing
    auto st = bad->Validate();
    ASSERT_TRUE(st.IsCorruptData()) << st.ToString();
    EXPECT_NE(st.message().find("not monotonic"), std::string::npos);
  }
  {
    auto bad = std::make_shared<ArrayData>(*a);
    int32_t* off = reinterpret_cast<int32_t*>(MutableCopy(bad, 1));
    off[3] = 100;  // beyond the 6 data bytes
    ASSERT_RAISES(CorruptData, bad->Validate());
  }
  {
    auto bad = std::make_shared<ArrayData>(*a);
    bad->length = 5;  // offsets buffer too short
    ASSERT_RAISES(CorruptData, bad->Validate());
  }
  {
    auto bad = std::make_shared<ArrayData>(*a);
    bad->buffers.pop_back();
    ASSERT_RAISES(InvalidArgument, bad->Validate());
  }
  {
    auto bad = std::make_shared<ArrayData>(*a);
    bad->null_count = 1;  // no bitmap
    ASSERT_RAISES(InvalidArgument, bad->Validate());
  }
}

TEST(ArrayTest, ValidateCatchesBrokenNested) {
  ASSERT_OK_AND_ASSIGN(auto l, testing::MakeSampleArray(List(Int32()), 10));
  ASSERT_OK(l->Validate());
  auto bad = std::make_shared<ArrayData>(*l);
  bad->children = {l->children[0]->Slice(0, 1)};  // child shorter than the last offset
  ASSERT_RAISES(CorruptData, bad->Validate());
  ASSERT_OK_AND_ASSIGN(auto s, testing::MakeSampleArray(Struct({MakeField("a", Int64())}), 10));
  auto bad_struct = std::make_shared<ArrayData>(*s);
  bad_struct->children = {s->children[0]->Slice(0, 5)};
  ASSERT_RAISES(CorruptData, bad_struct->Validate());
  auto wrong_type = std::make_shared<ArrayData>(*s);
  ASSERT_OK_AND_ASSIGN(auto i32, testing::MakeSampleArray(Int32(), 10));
  wrong_type->children = {i32};
  ASSERT_RAISES(InvalidArgument, wrong_type->Validate());
  auto bad_values = std::make_shared<ArrayData>(*i32);
  bad_values->buffers[1] = Buffer::Slice(i32->buffers[1], 0, 8);
  ASSERT_RAISES(CorruptData, bad_values->Validate());
  auto bad_null_count = std::make_shared<ArrayData>(*i32);
  bad_null_count->null_count = i32->null_count + 1;
  ASSERT_RAISES(CorruptData, bad_null_count->Validate());
}

TEST(ArrayTest, EqualsReportsFirstDifference) {
  auto a = MakeStrings({"x", "y", "z"});
  auto b = MakeStrings({"x", "y", "w"});
  std::string diff;
  EXPECT_FALSE(ArrayEquals(*a, *b, &diff));
  EXPECT_NE(diff.find("row 2"), std::string::npos) << diff;
  EXPECT_TRUE(ArrayEquals(*a->Slice(0, 2), *b->Slice(0, 2)));
  EXPECT_FALSE(ArrayEquals(*a, *a->Slice(0, 2), &diff));
  ASSERT_OK_AND_ASSIGN(auto i, testing::MakeSampleArray(Int32(), 3));
  EXPECT_FALSE(ArrayEquals(*a, *i, &diff));
  EXPECT_NE(diff.find("types differ"), std::string::npos);
}

TEST(RecordBatchTest, ValidateAndSlice) {
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("a", Int32(), false)});
  ASSERT_OK_AND_ASSIGN(auto col, testing::MakeSampleArray(Int32(), 6));  // has nulls
  ASSERT_OK_AND_ASSIGN(auto batch, MakeRecordBatch(schema, {col}));
  ASSERT_RAISES(InvalidArgument, batch->Validate());  // non-nullable column with nulls
  auto nullable = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("a", Int32())});
  ASSERT_OK_AND_ASSIGN(auto ok_batch, MakeRecordBatch(nullable, {col}));
  ASSERT_OK(ok_batch->Validate());
  auto s = ok_batch->Slice(2, 3);
  EXPECT_EQ(s->num_rows, 3);
  EXPECT_EQ(s->column(0)->offset, 2);
  ASSERT_OK(s->Validate());
  ASSERT_RAISES(InvalidArgument, MakeRecordBatch(nullable, {col, col}));
}

TEST(RecordBatchTest, VectorReader) {
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("a", Int32())});
  ASSERT_OK_AND_ASSIGN(auto col, testing::MakeSampleArray(Int32(), 6));
  ASSERT_OK_AND_ASSIGN(auto batch, MakeRecordBatch(schema, {col}));
  auto reader = MakeRecordBatchReader(schema, {batch, batch});
  ASSERT_OK_AND_ASSIGN(auto b1, reader->Next());
  ASSERT_OK_AND_ASSIGN(auto b2, reader->Next());
  ASSERT_OK_AND_ASSIGN(auto b3, reader->Next());
  EXPECT_EQ(b1, batch);
  EXPECT_EQ(b2, batch);
  EXPECT_EQ(b3, nullptr);
}

}  // namespace
}  // namespace delta::columnar
