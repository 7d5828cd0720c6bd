#include "delta/columnar/builder.h"

#include <gtest/gtest.h>

#include "delta/columnar/test_util_internal.h"
#include "support/matchers.h"

namespace delta::columnar {
namespace {

TEST(BufferTest, AllocateIsAlignedAndPadded) {
  for (int64_t size : {0, 1, 63, 64, 65, 1000}) {
    ASSERT_OK_AND_ASSIGN(auto b, Buffer::Allocate(size));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b->data()) % kBufferAlignment, 0u);
    EXPECT_EQ(b->size(), size);
    EXPECT_EQ(b->capacity() % kBufferAlignment, 0);
    EXPECT_GE(b->capacity(), std::max<int64_t>(size, 1));
    for (int64_t i = size; i < b->capacity(); ++i) ASSERT_EQ(b->data()[i], 0) << "padding byte " << i;
    EXPECT_TRUE(b->is_owned());
  }
  ASSERT_RAISES(InvalidArgument, Buffer::Allocate(-1));
}

TEST(BufferTest, ZeroedCopySliceWrapResize) {
  ASSERT_OK_AND_ASSIGN(auto z, Buffer::Allocate(100, true));
  for (int i = 0; i < 100; ++i) ASSERT_EQ(z->data()[i], 0);
  ASSERT_OK_AND_ASSIGN(auto c, Buffer::CopyOf("hello world"));
  EXPECT_EQ(c->view(), "hello world");
  auto s = Buffer::Slice(c, 6, 5);
  EXPECT_EQ(s->view(), "world");
  EXPECT_FALSE(s->is_owned());
  std::weak_ptr<Buffer> weak = c;
  c.reset();
  EXPECT_FALSE(weak.expired());  // the slice keeps its parent
  EXPECT_EQ(s->view(), "world");
  s.reset();
  EXPECT_TRUE(weak.expired());

  auto owner = std::make_shared<std::string>("abc");
  auto w = Buffer::Wrap(reinterpret_cast<const uint8_t*>(owner->data()), 3, owner);
  EXPECT_EQ(w->view(), "abc");
  ASSERT_RAISES(InvalidArgument, w->Resize(10));

  ASSERT_OK_AND_ASSIGN(auto r, Buffer::CopyOf("xyz"));
  ASSERT_OK(r->Resize(1000));
  EXPECT_EQ(r->size(), 1000);
  EXPECT_EQ(r->view().substr(0, 3), "xyz");
  EXPECT_EQ(reinterpret_cast<uintptr_t>(r->data()) % kBufferAlignment, 0u);
}

TEST(BufferTest, LargeBlocksAreReusedAndStillZeroedOnRequest) {
  // A released large buffer's block serves the next buffer of its size class (the scan's row
  // groups reuse memory instead of faulting fresh pages in); its old bytes never leak through
  // where zeroes are promised.
  if (BufferCacheLimit() < (int64_t{64} << 20)) GTEST_SKIP() << "the large-buffer cache is off or small";
  const int64_t size = (int64_t{3} << 20) + 100;
  const uint8_t* first_data;
  {
    ASSERT_OK_AND_ASSIGN(auto a, Buffer::Allocate(size));
    std::memset(a->mutable_data(), 0xAB, static_cast<size_t>(size));
    first_data = a->data();
  }
  ASSERT_OK_AND_ASSIGN(auto b, Buffer::Allocate(size + 1000, /*zero=*/true));  // same class
  EXPECT_EQ(b->data(), first_data);
  for (int64_t i = 0; i < b->capacity(); i += 4093) ASSERT_EQ(b->data()[i], 0) << i;
  b.reset();
  ASSERT_OK_AND_ASSIGN(auto c, Buffer::Allocate(size));
  EXPECT_EQ(c->data(), first_data);
  for (int64_t i = size; i < c->capacity(); ++i) ASSERT_EQ(c->data()[i], 0) << i;  // padding
  // Growing moves to a larger class and gives the old block back.
  ASSERT_OK(c->Resize(size * 3));
  EXPECT_NE(c->data(), first_data);
  ASSERT_OK_AND_ASSIGN(auto d, Buffer::Allocate(size));
  EXPECT_EQ(d->data(), first_data);
}

TEST(BufferTest, BufferBuilderGrowsManyTimes) {
  BufferBuilder bb;
  for (int32_t i = 0; i < 10000; ++i) ASSERT_OK(bb.AppendValue<int32_t>(i));
  ASSERT_OK_AND_ASSIGN(uint8_t * p, bb.Extend(4));
  bit_util::StoreLE<int32_t>(p, -7);
  ASSERT_OK_AND_ASSIGN(auto buf, bb.Finish());
  ASSERT_EQ(buf->size(), 40004);
  for (int32_t i = 0; i < 10000; ++i) ASSERT_EQ(buf->data_as<int32_t>()[i], i);
  EXPECT_EQ(buf->data_as<int32_t>()[10000], -7);
  EXPECT_EQ(bb.size(), 0);  // reset
  ASSERT_OK_AND_ASSIGN(auto empty, bb.Finish());
  EXPECT_EQ(empty->size(), 0);
  EXPECT_NE(empty->data(), nullptr);
}

TEST(BuilderTest, Int32WithNulls) {
  Int32Builder b;
  ASSERT_OK(b.Append(5));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK(b.Append(-3));
  ASSERT_OK(b.AppendNulls(2));
  const int32_t more[] = {7, 8, 9};
  const uint8_t valid_bits[] = {0x5};  // 101
  ASSERT_OK(b.AppendValues(more, 3, valid_bits));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  ASSERT_OK(a->Validate());
  EXPECT_TRUE(a->type->Equals(*Int32()));
  ASSERT_EQ(a->length, 8);
  EXPECT_EQ(a->null_count, 4);
  const bool valid[] = {true, false, true, false, false, true, false, true};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(a->IsValid(i), valid[i]) << i;
  EXPECT_EQ(a->values<int32_t>()[0], 5);
  EXPECT_EQ(a->values<int32_t>()[2], -3);
  EXPECT_EQ(a->values<int32_t>()[5], 7);
  EXPECT_EQ(a->values<int32_t>()[7], 9);
  EXPECT_EQ(b.length(), 0);
}

TEST(BuilderTest, NoBitmapWithoutNulls) {
  Int64Builder b(Timestamp(TimeUnit::kMicro, "UTC"));
  for (int i = 0; i < 100; ++i) ASSERT_OK(b.Append(i * 1000));
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  EXPECT_EQ(a->buffers[0], nullptr);
  EXPECT_EQ(a->null_count, 0);
  EXPECT_EQ(a->type->ToString(), "timestamp[us, tz=UTC]");
  EXPECT_EQ(a->values<int64_t>()[99], 99000);
}

TEST(BuilderTest, LateNullMaterialisesBitmap) {
  DoubleBuilder b;
  for (int i = 0; i < 20; ++i) ASSERT_OK(b.Append(i));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto a, b.Finish());
  ASSERT_OK(a->Validate());
  EXPECT_EQ(a->null_count, 1);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(a->IsValid(i));
  EXPECT_TRUE(a->IsNull(20));
}

TEST(BuilderTest, BoolStringsFixedDecimal) {
  BooleanBuilder bb;
  const uint8_t vals[] = {1, 0, 1, 1};
  const uint8_t valid[] = {1, 1, 0, 1};
  ASSERT_OK(bb.AppendValues(vals, 4, valid));
  ASSERT_OK_AND_ASSIGN(auto b, bb.Finish());
  EXPECT_TRUE(b->GetBool(0));
  EXPECT_FALSE(b->GetBool(1));
  EXPECT_TRUE(b->IsNull(2));
  EXPECT_TRUE(b->GetBool(3));

  BinaryBuilder sb(LargeUtf8());
  ASSERT_OK(sb.Append("héllo"));
  ASSERT_OK(sb.AppendNull());
  ASSERT_OK(sb.Append(""));
  ASSERT_OK_AND_ASSIGN(auto s, sb.Finish());
  ASSERT_OK(s->Validate());
  EXPECT_EQ(s->GetView(0), "héllo");
  EXPECT_TRUE(s->IsNull(1));
  EXPECT_EQ(s->GetView(2), "");
  EXPECT_EQ(s->buffers[1]->size(), 4 * 8);  // int64 offsets

  FixedSizeBinaryBuilder fb(FixedSizeBinary(3));
  ASSERT_OK(fb.Append("abc"));
  ASSERT_RAISES(InvalidArgument, fb.Append("abcd"));
  ASSERT_OK(fb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto f, fb.Finish());
  EXPECT_EQ(f->length, 2);
  EXPECT_EQ(f->GetFixed(0), "abc");

  Decimal128Builder db(Decimal128(38, 2));
  const __int128 big = static_cast<__int128>(-123456789012345678LL) * 1000000000000LL;
  ASSERT_OK(db.Append(big));
  ASSERT_OK(db.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto d, db.Finish());
  ASSERT_OK(d->Validate());
  EXPECT_TRUE(GetDecimal128(*d, 0) == big);
  EXPECT_EQ(d->buffers[1]->size(), 32);
}

TEST(BuilderTest, NestedStructListMap) {
  auto type = Struct({MakeField("id", Int32(), false), MakeField("tags", List(Utf8())),
                      MakeField("props", Map(Utf8(), Int64()))});
  ASSERT_OK_AND_ASSIGN(auto builder, MakeBuilder(type));
  auto* sb = static_cast<StructBuilder*>(builder.get());
  auto* ids = static_cast<Int32Builder*>(sb->child(0));
  auto* tags = static_cast<ListBuilder*>(sb->child(1));
  auto* tag_values = static_cast<BinaryBuilder*>(tags->value_builder());
  auto* props = static_cast<MapBuilder*>(sb->child(2));
  auto* keys = static_cast<BinaryBuilder*>(props->key_builder());
  auto* items = static_cast<Int64Builder*>(props->item_builder());
  // row 0: {1, [a, b], {x: 1}}
  ASSERT_OK(ids->Append(1));
  ASSERT_OK(tags->Append());
  ASSERT_OK(tag_values->Append("a"));
  ASSERT_OK(tag_values->Append("b"));
  ASSERT_OK(props->Append());
  ASSERT_OK(keys->Append("x"));
  ASSERT_OK(items->Append(1));
  ASSERT_OK(sb->Append());
  // row 1: null
  ASSERT_OK(sb->AppendNull());
  // row 2: {3, null, {}}
  ASSERT_OK(ids->Append(3));
  ASSERT_OK(tags->AppendNull());
  ASSERT_OK(props->Append());
  ASSERT_OK(sb->Append());
  ASSERT_OK_AND_ASSIGN(auto a, builder->Finish());
  ASSERT_OK(a->Validate());
  EXPECT_EQ(a->length, 3);
  EXPECT_EQ(a->null_count, 1);
  EXPECT_TRUE(a->IsNull(1));
  const auto& tag_arr = a->children[1];
  EXPECT_EQ(tag_arr->GetListRange(0), (std::pair<int64_t, int64_t>{0, 2}));
  EXPECT_TRUE(tag_arr->IsNull(2));
  EXPECT_EQ(tag_arr->children[0]->GetView(1), "b");
  const auto& map_arr = a->children[2];
  EXPECT_EQ(map_arr->GetListRange(2), (std::pair<int64_t, int64_t>{1, 1}));
  EXPECT_EQ(map_arr->children[0]->children[0]->GetView(0), "x");
  EXPECT_EQ(map_arr->children[0]->children[1]->values<int64_t>()[0], 1);
}

TEST(BuilderTest, StructChildLengthMismatch) {
  ASSERT_OK_AND_ASSIGN(auto b, MakeBuilder(Struct({MakeField("a", Int32())})));
  auto* s = static_cast<StructBuilder*>(b.get());
  ASSERT_OK(static_cast<Int32Builder*>(s->child(0))->Append(1));
  ASSERT_OK(static_cast<Int32Builder*>(s->child(0))->Append(2));
  ASSERT_OK(s->Append());
  ASSERT_RAISES(InvalidArgument, s->Finish());
}

TEST(BuilderTest, MapRejectsNullKeysAndCountMismatch) {
  MapBuilder mb(Map(Utf8(), Int32()), std::make_unique<BinaryBuilder>(), std::make_unique<Int32Builder>());
  ASSERT_OK(mb.Append());
  ASSERT_OK(mb.key_builder()->AppendNull());
  ASSERT_OK(mb.item_builder()->AppendNull());
  ASSERT_RAISES(InvalidArgument, mb.Finish());
  MapBuilder mb2(Map(Utf8(), Int32()), std::make_unique<BinaryBuilder>(), std::make_unique<Int32Builder>());
  ASSERT_OK(mb2.Append());
  ASSERT_OK(static_cast<BinaryBuilder*>(mb2.key_builder())->Append("k"));
  ASSERT_RAISES(InvalidArgument, mb2.Finish());
}

TEST(BuilderTest, RecordBatchBuilder) {
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("a", Int32()), MakeField("b", Utf8())});
  ASSERT_OK_AND_ASSIGN(auto rb, RecordBatchBuilder::Make(schema));
  ASSERT_OK(rb->field_as<Int32Builder>(0)->Append(1));
  ASSERT_OK(rb->field_as<Int32Builder>(0)->Append(2));
  ASSERT_OK(rb->field_as<BinaryBuilder>(1)->Append("x"));
  ASSERT_RAISES(InvalidArgument, rb->Finish());  // 2 vs 1 rows
  ASSERT_OK(rb->field_as<Int32Builder>(0)->Append(1));
  ASSERT_OK(rb->field_as<BinaryBuilder>(1)->Append("y"));
  ASSERT_OK_AND_ASSIGN(auto batch, rb->Finish());
  ASSERT_OK(batch->Validate());
  EXPECT_EQ(batch->num_rows, 1);
  EXPECT_EQ(batch->column(1)->GetView(0), "y");
}

TEST(BuilderTest, MakeArrayOfNullsEveryType) {
  for (const auto& type : testing::AllTestTypes()) {
    for (int64_t n : {0, 1, 70}) {
      ASSERT_OK_AND_ASSIGN(auto a, MakeArrayOfNulls(type, n));
      SCOPED_TRACE(type->ToString());
      ASSERT_OK(a->Validate());
      EXPECT_EQ(a->length, n);
      EXPECT_EQ(a->GetNullCount(), n);
      for (int64_t i = 0; i < n; ++i) ASSERT_TRUE(a->IsNull(i));
    }
  }
}

TEST(BuilderTest, ConcatenateEveryTypeWithSlices) {
  for (const auto& type : testing::AllTestTypes()) {
    SCOPED_TRACE(type->ToString());
    ASSERT_OK_AND_ASSIGN(auto a, testing::MakeSampleArray(type, 30, 0));
    ASSERT_OK_AND_ASSIGN(auto b, testing::MakeSampleArray(type, 11, 5));
    ASSERT_OK_AND_ASSIGN(auto nulls, MakeArrayOfNulls(type, 3));
    auto a1 = a->Slice(0, 13);
    auto a2 = a->Slice(13, 17);
    ASSERT_OK_AND_ASSIGN(auto joined, ConcatenateArrays({a1, nulls, b->Slice(0, 0), a2, b}));
    ASSERT_OK(joined->Validate());
    ASSERT_EQ(joined->length, 30 + 3 + 11);
    std::string diff;
    EXPECT_TRUE(ArrayEquals(*joined->Slice(0, 13), *a1, &diff)) << diff;
    EXPECT_TRUE(ArrayEquals(*joined->Slice(13, 3), *nulls, &diff)) << diff;
    EXPECT_TRUE(ArrayEquals(*joined->Slice(16, 17), *a2, &diff)) << diff;
    EXPECT_TRUE(ArrayEquals(*joined->Slice(33, 11), *b, &diff)) << diff;
    if (type->id() != TypeId::kNull) {
      EXPECT_FALSE(ArrayEquals(*joined->Slice(0, 30), *joined->Slice(14, 30))) << "comparison must be able to fail";
    }
  }
  ASSERT_RAISES(InvalidArgument, ConcatenateArrays({}));
  ASSERT_OK_AND_ASSIGN(auto i32, testing::MakeSampleArray(Int32(), 2));
  ASSERT_OK_AND_ASSIGN(auto i64, testing::MakeSampleArray(Int64(), 2));
  ASSERT_RAISES(InvalidArgument, ConcatenateArrays({i32, i64}));
}

TEST(BuilderTest, ConcatenateBatches) {
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{MakeField("s", Utf8())});
  BinaryBuilder b;
  ASSERT_OK(b.Append("a"));
  ASSERT_OK_AND_ASSIGN(auto c1, b.Finish());
  ASSERT_OK(b.Append("bc"));
  ASSERT_OK(b.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto c2, b.Finish());
  ASSERT_OK_AND_ASSIGN(auto b1, MakeRecordBatch(schema, {c1}));
  ASSERT_OK_AND_ASSIGN(auto b2, MakeRecordBatch(schema, {c2}));
  ASSERT_OK_AND_ASSIGN(auto all, ConcatenateBatches({b1, b2}));
  EXPECT_EQ(all->num_rows, 3);
  EXPECT_EQ(all->column(0)->GetView(1), "bc");
  EXPECT_TRUE(all->column(0)->IsNull(2));
  EXPECT_EQ(all->column(0)->GetListRange(0).first, 0);  // offsets start at 0
}

}  // namespace
}  // namespace delta::columnar
