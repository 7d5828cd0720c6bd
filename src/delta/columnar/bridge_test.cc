#include "delta/columnar/bridge.h"

#include <cerrno>
#include <cstring>

#include <gtest/gtest.h>

#include "delta/columnar/test_util_internal.h"
#include "support/matchers.h"

namespace delta::columnar {
namespace {

using testing::AllTestTypes;
using testing::MakeSampleArray;

void ExpectRoundTrip(const ArrayPtr& a) {
  SCOPED_TRACE(a->type->ToString() + fmt::format(" length {} offset {}", a->length, a->offset));
  ArrowArray c;
  ArrowSchema cs;
  ASSERT_OK(ExportArray(a, &c, &cs));
  ASSERT_NE(c.release, nullptr);
  ASSERT_NE(cs.release, nullptr);
  EXPECT_EQ(c.length, a->length);
  EXPECT_EQ(c.offset, a->offset);
  ASSERT_OK_AND_ASSIGN(auto type, ImportType(&cs));
  EXPECT_EQ(cs.release, nullptr);  // consumed
  ASSERT_TRUE(type->Equals(*a->type)) << type->ToString() << " vs " << a->type->ToString();
  const void* first_values = c.n_buffers > 1 ? c.buffers[1] : nullptr;
  ASSERT_OK_AND_ASSIGN(auto b, ImportArray(&c, type));
  EXPECT_EQ(c.release, nullptr);  // moved
  ASSERT_OK(b->Validate());
  std::string diff;
  EXPECT_TRUE(ArrayEquals(*a, *b, &diff)) << diff;
  // Zero-copy both ways: the imported buffer views our memory.
  if (first_values != nullptr && a->length > 0) {
    EXPECT_EQ(static_cast<const void*>(b->buffers[1]->data()), first_values);
    EXPECT_EQ(a->buffers[1]->data(), b->buffers[1]->data());
  }
}

TEST(BridgeTest, RoundTripEveryType) {
  for (const auto& type : AllTestTypes()) {
    for (int64_t length : {0, 1, 37}) {
      ASSERT_OK_AND_ASSIGN(auto a, MakeSampleArray(type, length, static_cast<int>(length)));
      ASSERT_OK(a->Validate());
      ExpectRoundTrip(a);
    }
  }
}

TEST(BridgeTest, RoundTripSlices) {
  for (const auto& type : AllTestTypes()) {
    ASSERT_OK_AND_ASSIGN(auto a, MakeSampleArray(type, 50, 1));
    ExpectRoundTrip(a->Slice(7, 30));
    ExpectRoundTrip(a->Slice(49, 1));
    ExpectRoundTrip(a->Slice(13, 0));
  }
}

TEST(BridgeTest, FormatStrings) {
  struct Case {
    TypePtr type;
    const char* format;
  };
  const Case cases[] = {
      {Null(), "n"}, {Bool(), "b"}, {Int8(), "c"}, {UInt8(), "C"}, {Int16(), "s"}, {UInt16(), "S"},
      {Int32(), "i"}, {UInt32(), "I"}, {Int64(), "l"}, {UInt64(), "L"}, {Float32(), "f"}, {Float64(), "g"},
      {Decimal128(10, 2), "d:10,2"}, {Date32(), "tdD"}, {Timestamp(TimeUnit::kMicro, "UTC"), "tsu:UTC"},
      {Timestamp(TimeUnit::kNano), "tsn:"}, {Time32(TimeUnit::kMilli), "ttm"}, {Time64(TimeUnit::kNano), "ttn"},
      {Utf8(), "u"}, {Binary(), "z"}, {LargeUtf8(), "U"}, {LargeBinary(), "Z"}, {FixedSizeBinary(7), "w:7"},
      {Struct({}), "+s"}, {List(Int32()), "+l"}, {LargeList(MakeField("item", Int32())), "+L"},
      {Map(Utf8(), Int32()), "+m"},
  };
  for (const auto& c : cases) {
    ArrowSchema s;
    ASSERT_OK(ExportType(*c.type, &s));
    EXPECT_STREQ(s.format, c.format) << c.type->ToString();
    EXPECT_EQ(s.metadata, nullptr);
    s.release(&s);
    EXPECT_EQ(s.release, nullptr);
  }
}

TEST(BridgeTest, MapChildrenAndFlags) {
  ArrowSchema s;
  ASSERT_OK(ExportField(*MakeField("m", Map(Utf8(), Float64(), false, true), false), &s));
  EXPECT_STREQ(s.name, "m");
  EXPECT_EQ(s.flags, ARROW_FLAG_MAP_KEYS_SORTED);  // not nullable
  ASSERT_EQ(s.n_children, 1);
  EXPECT_STREQ(s.children[0]->name, "entries");
  EXPECT_STREQ(s.children[0]->format, "+s");
  EXPECT_EQ(s.children[0]->flags, 0);
  ASSERT_EQ(s.children[0]->n_children, 2);
  EXPECT_STREQ(s.children[0]->children[0]->name, "key");
  EXPECT_STREQ(s.children[0]->children[0]->format, "u");
  EXPECT_EQ(s.children[0]->children[0]->flags, 0);
  EXPECT_STREQ(s.children[0]->children[1]->name, "value");
  EXPECT_STREQ(s.children[0]->children[1]->format, "g");
  EXPECT_EQ(s.children[0]->children[1]->flags, 0);
  ASSERT_OK_AND_ASSIGN(auto f, ImportField(&s));
  EXPECT_EQ(s.release, nullptr);
  EXPECT_FALSE(f->nullable);
  EXPECT_TRUE(f->type->keys_sorted());
  EXPECT_TRUE(f->type->Equals(*Map(Utf8(), Float64(), false, true)));
}

TEST(BridgeTest, MetadataBinaryLayout) {
  ArrowSchema s;
  ASSERT_OK(ExportField(*MakeField("f", Int32(), true, {{"key1", "value1"}}), &s));
  // The little-endian example of CDataInterface.rst "ArrowSchema.metadata".
  const char expected[] = "\x01\x00\x00\x00\x04\x00\x00\x00key1\x06\x00\x00\x00value1";
  ASSERT_NE(s.metadata, nullptr);
  EXPECT_EQ(std::memcmp(s.metadata, expected, sizeof(expected) - 1), 0);
  EXPECT_EQ(s.flags, ARROW_FLAG_NULLABLE);
  ASSERT_OK_AND_ASSIGN(auto f, ImportField(&s));
  EXPECT_EQ(f->GetMetadata("key1"), "value1");
  EXPECT_TRUE(f->nullable);
}

TEST(BridgeTest, SchemaRoundTripWithMetadataAndNullability) {
  auto schema = std::make_shared<const Schema>(
      std::vector<FieldPtr>{MakeField("id", Int64(), false, {{"comment", "primary"}, {"", ""}}),
                            MakeField("tags", List(MakeField("t", Utf8(), false))),
                            MakeField("attrs", Map(Utf8(), Utf8()), true, {{"x", std::string("\0y", 2)}})},
      KeyValueMetadata{{"delta.version", "3"}});
  ArrowSchema s;
  ASSERT_OK(ExportSchema(*schema, &s));
  EXPECT_STREQ(s.format, "+s");
  EXPECT_EQ(s.n_children, 3);
  ASSERT_OK_AND_ASSIGN(auto back, ImportSchema(&s));
  EXPECT_TRUE(back->Equals(*schema)) << back->ToString();
  EXPECT_EQ(back->field(2)->GetMetadata("x"), std::string("\0y", 2));
}

TEST(BridgeTest, RecordBatchRoundTrip) {
  auto schema = std::make_shared<const Schema>(std::vector<FieldPtr>{
      MakeField("a", Int32()), MakeField("s", Utf8()), MakeField("l", List(Float64()))});
  std::vector<ArrayPtr> cols;
  for (const auto& f : schema->fields()) {
    ASSERT_OK_AND_ASSIGN(auto c, MakeSampleArray(f->type, 20, 2));
    cols.push_back(c);
  }
  ASSERT_OK_AND_ASSIGN(auto batch, MakeRecordBatch(schema, cols));
  auto sliced = batch->Slice(3, 12);
  ArrowArray c;
  ArrowSchema cs;
  ASSERT_OK(ExportRecordBatch(*sliced, &c, &cs));
  EXPECT_EQ(c.n_children, 3);
  EXPECT_EQ(c.length, 12);
  ASSERT_OK_AND_ASSIGN(auto back, ImportRecordBatch(&c, &cs));
  EXPECT_EQ(c.release, nullptr);
  EXPECT_EQ(cs.release, nullptr);
  ASSERT_OK(back->Validate());
  EXPECT_TRUE(back->schema->Equals(*schema));
  ASSERT_EQ(back->num_rows, 12);
  for (int i = 0; i < 3; ++i) {
    std::string diff;
    EXPECT_TRUE(ArrayEquals(*sliced->column(i), *back->column(i), &diff)) << diff;
  }
}

// A hand-made producer (as a C library would write it) to check the release protocol.
struct Producer {
  int32_t values[4] = {10, 20, 30, 40};
  uint8_t validity[1] = {0x0B};  // 1101: element 2 is null
  const void* buffers[2] = {validity, values};
  int releases = 0;
};

void ProducerRelease(ArrowArray* a) {
  ++static_cast<Producer*>(a->private_data)->releases;
  a->release = nullptr;
}

ArrowArray MakeProduced(Producer* p, int64_t null_count, bool with_validity) {
  if (!with_validity) p->buffers[0] = nullptr;
  ArrowArray a{};
  a.length = 4;
  a.null_count = null_count;
  a.offset = 0;
  a.n_buffers = 2;
  a.n_children = 0;
  a.buffers = p->buffers;
  a.release = &ProducerRelease;
  a.private_data = p;
  return a;
}

TEST(BridgeTest, ImportReleasesExactlyOnceWhenLastBufferDies) {
  Producer p;
  ArrowArray a = MakeProduced(&p, -1, true);
  ASSERT_OK_AND_ASSIGN(auto arr, ImportArray(&a, Int32()));
  EXPECT_EQ(a.release, nullptr);
  EXPECT_EQ(arr->null_count, kUnknownNullCount);
  EXPECT_EQ(arr->GetNullCount(), 1);
  EXPECT_TRUE(arr->IsNull(2));
  EXPECT_EQ(arr->values<int32_t>()[3], 40);
  auto slice = arr->Slice(1, 2);
  BufferPtr keep = arr->buffers[1];
  arr.reset();
  EXPECT_EQ(p.releases, 0);
  slice.reset();
  EXPECT_EQ(p.releases, 0);
  EXPECT_EQ(keep->data_as<int32_t>()[0], 10);
  keep.reset();
  EXPECT_EQ(p.releases, 1);
}

TEST(BridgeTest, ImportWithoutValidityAndWithOffset) {
  Producer p;
  ArrowArray a = MakeProduced(&p, 0, false);
  a.offset = 1;
  a.length = 3;
  ASSERT_OK_AND_ASSIGN(auto arr, ImportArray(&a, Int32()));
  EXPECT_EQ(arr->GetNullCount(), 0);
  EXPECT_EQ(arr->buffers[0], nullptr);
  EXPECT_EQ(arr->values<int32_t>()[0], 20);
  EXPECT_EQ(arr->values<int32_t>()[2], 40);
  arr.reset();
  EXPECT_EQ(p.releases, 1);
}

TEST(BridgeTest, ImportErrorsStillRelease) {
  {
    Producer p;
    ArrowArray a = MakeProduced(&p, 0, true);
    a.n_buffers = 3;
    ASSERT_RAISES(InvalidArgument, ImportArray(&a, Int32()));
    EXPECT_EQ(a.release, nullptr);
    EXPECT_EQ(p.releases, 1);
  }
  {
    Producer p;
    ArrowArray a = MakeProduced(&p, 2, false);  // nulls but no bitmap
    ASSERT_RAISES(InvalidArgument, ImportArray(&a, Int32()));
    EXPECT_EQ(p.releases, 1);
  }
  {
    Producer p;
    ArrowArray a = MakeProduced(&p, 0, true);
    a.release = nullptr;  // already released
    ASSERT_RAISES(InvalidArgument, ImportArray(&a, Int32()));
    EXPECT_EQ(p.releases, 0);
  }
}

TEST(BridgeTest, ExportKeepsDataAliveUntilRelease) {
  ASSERT_OK_AND_ASSIGN(auto a, MakeSampleArray(List(Utf8()), 10));
  std::weak_ptr<ArrayData> weak = a;
  std::weak_ptr<ArrayData> weak_child = a->children[0];
  ArrowArray c;
  ASSERT_OK(ExportArray(a, &c));
  a.reset();
  EXPECT_FALSE(weak.expired());
  // Move the struct (CDataInterface.rst "Moving an array") before releasing it.
  ArrowArray moved = c;
  c.release = nullptr;
  EXPECT_EQ(moved.children[0]->n_buffers, 3);
  EXPECT_NE(moved.children[0]->release, nullptr);
  moved.release(&moved);
  EXPECT_EQ(moved.release, nullptr);
  EXPECT_TRUE(weak.expired());
  EXPECT_TRUE(weak_child.expired());
}

TEST(BridgeTest, ImportTypeErrors) {
  auto import_format = [](const char* format) {
    ArrowSchema s{};
    s.format = format;
    s.release = [](ArrowSchema* x) { x->release = nullptr; };
    return ImportType(&s).status();
  };
  EXPECT_TRUE(import_format("e").IsUnsupported());
  EXPECT_TRUE(import_format("tdm").IsUnsupported());
  EXPECT_TRUE(import_format("d:x,2").IsInvalidArgument());
  EXPECT_TRUE(import_format("d:10,2,256").IsUnsupported());
  EXPECT_TRUE(import_format("tsq:UTC").IsInvalidArgument());
  EXPECT_TRUE(import_format("+l").IsInvalidArgument());  // no child
  EXPECT_TRUE(import_format("w:-3").IsInvalidArgument());
  ASSERT_OK(import_format("d:10,2,128"));
  ASSERT_OK(import_format("tss:"));
}

TEST(BridgeTest, StreamRoundTrip) {
  auto schema = std::make_shared<const Schema>(
      std::vector<FieldPtr>{MakeField("x", Int64(), false), MakeField("y", LargeUtf8())});
  std::vector<RecordBatchPtr> batches;
  for (int b = 0; b < 3; ++b) {
    ASSERT_OK_AND_ASSIGN(auto x, MakeSampleArray(Int64(), 5 + b, b));
    ASSERT_OK_AND_ASSIGN(auto y, MakeSampleArray(LargeUtf8(), 5 + b, b));
    // x is declared non-nullable: replace with a null-free column.
    Int64Builder xb;
    for (int i = 0; i < 5 + b; ++i) ASSERT_OK(xb.Append(b * 100 + i));
    ASSERT_OK_AND_ASSIGN(x, xb.Finish());
    ASSERT_OK_AND_ASSIGN(auto batch, MakeRecordBatch(schema, {x, y}));
    batches.push_back(batch);
  }
  ArrowArrayStream stream;
  ASSERT_OK(ExportRecordBatchReader(MakeRecordBatchReader(schema, batches), &stream));
  ASSERT_OK_AND_ASSIGN(auto reader, ImportRecordBatchReader(&stream));
  EXPECT_EQ(stream.release, nullptr);
  EXPECT_TRUE(reader->schema()->Equals(*schema));
  for (int b = 0; b < 3; ++b) {
    ASSERT_OK_AND_ASSIGN(auto batch, reader->Next());
    ASSERT_NE(batch, nullptr);
    ASSERT_OK(batch->Validate());
    EXPECT_EQ(batch->num_rows, 5 + b);
    EXPECT_EQ(batch->column(0)->values<int64_t>()[1], b * 100 + 1);
    std::string diff;
    EXPECT_TRUE(ArrayEquals(*batch->column(1), *batches[static_cast<size_t>(b)]->column(1), &diff)) << diff;
  }
  ASSERT_OK_AND_ASSIGN(auto end, reader->Next());
  EXPECT_EQ(end, nullptr);
}

class FailingReader final : public RecordBatchReader {
 public:
  SchemaPtr schema() const override { return std::make_shared<const Schema>(); }
  Result<RecordBatchPtr> Next() override { return Status::CorruptData("page 3 of column x is truncated"); }
};

TEST(BridgeTest, StreamErrorsCarryTheMessage) {
  ArrowArrayStream stream;
  ASSERT_OK(ExportRecordBatchReader(std::make_shared<FailingReader>(), &stream));
  ArrowArray a;
  EXPECT_EQ(stream.get_next(&stream, &a), EIO);
  EXPECT_NE(std::string(stream.get_last_error(&stream)).find("page 3 of column x is truncated"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto reader, ImportRecordBatchReader(&stream));
  auto r = reader->Next();
  ASSERT_RAISES(IOError, r);
  EXPECT_NE(r.status().message().find("page 3 of column x is truncated"), std::string::npos);
}

struct CountingStream {
  int releases = 0;
};

TEST(BridgeTest, ImportedStreamReleasedOnce) {
  CountingStream counter;
  ArrowArrayStream s{};
  s.get_schema = [](ArrowArrayStream*, ArrowSchema* out) {
    return ExportSchema(Schema({MakeField("a", Int32())}), out).ok() ? 0 : EIO;
  };
  s.get_next = [](ArrowArrayStream*, ArrowArray* out) {
    out->release = nullptr;
    return 0;
  };
  s.get_last_error = [](ArrowArrayStream*) -> const char* { return nullptr; };
  s.release = [](ArrowArrayStream* x) {
    ++static_cast<CountingStream*>(x->private_data)->releases;
    x->release = nullptr;
  };
  s.private_data = &counter;
  {
    ASSERT_OK_AND_ASSIGN(auto reader, ImportRecordBatchReader(&s));
    EXPECT_EQ(reader->schema()->num_fields(), 1);
    ASSERT_OK_AND_ASSIGN(auto b, reader->Next());
    EXPECT_EQ(b, nullptr);
    EXPECT_EQ(counter.releases, 0);
  }
  EXPECT_EQ(counter.releases, 1);
}

}  // namespace
}  // namespace delta::columnar
