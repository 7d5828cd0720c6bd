// Round-trip tests of the writer through the reader: every type (nested included), nulls,
// sliced batches, every codec, dictionary and its fallback, v1 and v2 pages, several row groups
// and pages, configured encodings; plus the statistics and metadata the writer records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "delta/columnar/builder.h"
#include "delta/columnar/test_util_internal.h"
#include "delta/io/file.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::MakeField;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::TypeId;
using columnar::TypePtr;

// The reader names list elements and map entries the Parquet way; give the expected array the
// type the reader reports wherever the layout is the same (same type id), so ArrayEquals
// compares values.
// Large offsets (the reader produces int32 offsets) are narrowed to int32.
ArrayPtr NarrowOffsets(const ArrayPtr& a, const TypePtr& t) {
  auto out = std::make_shared<ArrayData>(*a);
  out->type = t;
  auto buf = columnar::Buffer::Allocate((a->length + 1) * 4).ValueOrDie();
  const int64_t* src = a->buffers[1]->data_as<int64_t>() + a->offset;
  int32_t* dst = buf->mutable_data_as<int32_t>();
  for (int64_t i = 0; i <= a->length; ++i) dst[i] = static_cast<int32_t>(src[i]);
  out->buffers[1] = buf;
  if (a->buffers[0] && a->offset != 0) {
    auto bits = columnar::Buffer::Allocate(bit_util::BytesForBits(a->length), true).ValueOrDie();
    bit_util::CopyBits(a->buffers[0]->data(), a->offset, a->length, bits->mutable_data(), 0);
    out->buffers[0] = bits;
  }
  out->offset = 0;
  return out;
}

ArrayPtr Retype(const ArrayPtr& a, const TypePtr& t);

ArrayPtr Retype(const ArrayPtr& in, const TypePtr& t) {
  ArrayPtr a = in;
  if ((a->type->id() == TypeId::kLargeString && t->id() == TypeId::kString) ||
      (a->type->id() == TypeId::kLargeBinary && t->id() == TypeId::kBinary) ||
      (a->type->id() == TypeId::kLargeList && t->id() == TypeId::kList)) {
    a = NarrowOffsets(a, t);
  }
  if (a->type->id() != t->id()) return a;
  auto out = std::make_shared<ArrayData>(*a);
  out->type = t;
  if (t->id() == TypeId::kMap && !a->children.empty()) {
    out->children[0] = Retype(a->children[0], t->children()[0]->type);
  } else {
    for (size_t i = 0; i < out->children.size() && i < t->children().size(); ++i) {
      out->children[i] = Retype(a->children[i], t->children()[i]->type);
    }
  }
  return out;
}

Result<columnar::BufferPtr> WriteToBuffer(const std::vector<RecordBatchPtr>& batches, const WriterProperties& props,
                                          FileMetaData* md = nullptr) {
  auto out = std::make_shared<io::BufferOutputStream>();
  DELTA_ASSIGN_OR_RAISE(auto w, FileWriter::Open(out, batches[0]->schema, props));
  for (const auto& b : batches) DELTA_RETURN_NOT_OK(w->WriteBatch(*b));
  DELTA_RETURN_NOT_OK(w->Close());
  if (md) *md = *w->metadata();
  return out->TakeBuffer();
}

Result<RecordBatchPtr> ReadBack(const columnar::BufferPtr& buf, int num_threads = 1) {
  ReaderOptions opts;
  opts.num_threads = num_threads;
  DELTA_ASSIGN_OR_RAISE(auto r, FileReader::Open(io::MakeBufferFile(buf, "roundtrip.parquet"), opts));
  return r->ReadAll();
}

void ExpectBatchesEqual(const RecordBatch& expected, const RecordBatch& actual) {
  ASSERT_EQ(expected.num_rows, actual.num_rows);
  ASSERT_EQ(expected.num_columns(), actual.num_columns());
  for (int i = 0; i < expected.num_columns(); ++i) {
    std::string diff;
    auto want = Retype(expected.column(i), actual.column(i)->type);
    EXPECT_TRUE(columnar::ArrayEquals(*want, *actual.column(i), &diff))
        << "column " << expected.schema->field(i)->ToString() << ": " << diff;
  }
}

// Every columnar type whose Parquet mapping reads back as the same type (seconds units become
// milliseconds and are tested separately).
std::vector<TypePtr> RoundTripTypes() {
  std::vector<TypePtr> out;
  for (const auto& t : columnar::testing::AllTestTypes()) {
    if ((t->id() == TypeId::kTimestamp || t->id() == TypeId::kTime32) && t->unit() == columnar::TimeUnit::kSecond) {
      continue;
    }
    // The sample values exceed this precision (tested with valid values in Decimals).
    if (t->id() == TypeId::kDecimal128 && t->precision() < 10) continue;
    out.push_back(t);
  }
  return out;
}

RecordBatchPtr SampleBatch(int64_t rows, int seed = 0) {
  std::vector<columnar::FieldPtr> fields;
  std::vector<ArrayPtr> cols;
  int i = 0;
  for (const auto& t : RoundTripTypes()) {
    fields.push_back(MakeField("c" + std::to_string(i++), t));
    cols.push_back(columnar::testing::MakeSampleArray(t, rows, seed).ValueOrDie());
  }
  auto schema = std::make_shared<columnar::Schema>(fields);
  return columnar::MakeRecordBatch(schema, cols).ValueOrDie();
}

void RoundTrip(const std::vector<RecordBatchPtr>& batches, const WriterProperties& props, FileMetaData* md = nullptr) {
  ASSERT_OK_AND_ASSIGN(auto buf, WriteToBuffer(batches, props, md));
  ASSERT_OK_AND_ASSIGN(auto got, ReadBack(buf));
  ASSERT_OK_AND_ASSIGN(auto expected, columnar::ConcatenateBatches(batches));
  ExpectBatchesEqual(*expected, *got);
}

class CodecRoundTrip : public ::testing::TestWithParam<CompressionCodec> {};

TEST_P(CodecRoundTrip, AllTypes) {
  WriterProperties props;
  props.compression = GetParam();
  if (!IsCodecSupported(props.compression)) GTEST_SKIP() << "codec not built";
  RoundTrip({SampleBatch(300)}, props);
}

INSTANTIATE_TEST_SUITE_P(Codecs, CodecRoundTrip,
                         ::testing::Values(CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY,
                                           CompressionCodec::GZIP, CompressionCodec::ZSTD, CompressionCodec::LZ4_RAW,
                                           CompressionCodec::BROTLI));

TEST(WriterRoundTrip, NoDictionary) {
  WriterProperties props;
  props.dictionary_enabled = false;
  RoundTrip({SampleBatch(257)}, props);
}

TEST(WriterRoundTrip, V2PagesManyPagesAndRowGroups) {
  WriterProperties props;
  props.data_page_v2 = true;
  props.data_page_row_limit = 7;
  props.max_row_group_rows = 50;
  props.compression = CompressionCodec::ZSTD;
  props.compression_level = 3;
  FileMetaData md;
  RoundTrip({SampleBatch(300)}, props, &md);
  EXPECT_EQ(md.row_groups.size(), 6u);
  EXPECT_EQ(md.num_rows, 300);
  // 50 rows at most 7 per page: 8 pages per column chunk.
  int64_t pages = 0;
  for (const auto& s : md.row_groups[0].columns[1].meta_data->encoding_stats) {
    if (s.page_type == PageType::DATA_PAGE_V2) pages += s.count;
  }
  EXPECT_EQ(pages, 8);
}

TEST(WriterRoundTrip, V1SmallPages) {
  WriterProperties props;
  props.data_page_size = 64;
  props.max_row_group_rows = 128;
  RoundTrip({SampleBatch(300, 3)}, props);
}

TEST(WriterRoundTrip, SlicedAndSeveralBatches) {
  auto a = SampleBatch(200, 1);
  auto b = SampleBatch(100, 2);
  WriterProperties props;
  props.max_row_group_rows = 64;
  RoundTrip({a->Slice(13, 150), b->Slice(1, 0), b->Slice(7, 90)}, props);
}

TEST(WriterRoundTrip, ParallelColumns) {
  WriterProperties props;
  props.num_threads = 2;
  props.max_row_group_rows = 100;
  RoundTrip({SampleBatch(250, 5)}, props);
}

TEST(WriterRoundTrip, DictionaryFallback) {
  columnar::StringBuilder sb;
  columnar::Int64Builder ib;
  for (int i = 0; i < 5000; ++i) {
    ASSERT_OK(sb.Append("value-" + std::to_string(i)));
    ASSERT_OK(ib.Append(i * 7919));
  }
  ASSERT_OK_AND_ASSIGN(auto s, sb.Finish());
  ASSERT_OK_AND_ASSIGN(auto n, ib.Finish());
  auto schema = std::make_shared<columnar::Schema>(
      std::vector{MakeField("s", columnar::Utf8(), false), MakeField("n", columnar::Int64(), false)});
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {s, n}));
  WriterProperties props;
  props.dictionary_page_size_limit = 4000;
  props.data_page_size = 2000;
  FileMetaData md;
  RoundTrip({batch}, props, &md);
  ASSERT_EQ(md.row_groups.size(), 1u);
  const auto& m = *md.row_groups[0].columns[0].meta_data;
  EXPECT_THAT(m.encodings, ::testing::IsSupersetOf({Encoding::PLAIN, Encoding::RLE_DICTIONARY}));
  int dict_pages = 0, dict_data = 0, plain_data = 0;
  for (const auto& e : m.encoding_stats) {
    if (e.page_type == PageType::DICTIONARY_PAGE) dict_pages += e.count;
    if (e.page_type == PageType::DATA_PAGE && e.encoding == Encoding::RLE_DICTIONARY) dict_data += e.count;
    if (e.page_type == PageType::DATA_PAGE && e.encoding == Encoding::PLAIN) plain_data += e.count;
  }
  EXPECT_EQ(dict_pages, 1);
  EXPECT_GE(dict_data, 1);
  EXPECT_GE(plain_data, 1);
  ASSERT_TRUE(m.dictionary_page_offset.has_value());
  EXPECT_EQ(*m.dictionary_page_offset, 4);  // first chunk right after the magic
  EXPECT_GT(m.data_page_offset, *m.dictionary_page_offset);
  EXPECT_EQ(m.num_values, 5000);
}

TEST(WriterRoundTrip, ConfiguredEncodings) {
  auto schema = std::make_shared<columnar::Schema>(std::vector{
      MakeField("i", columnar::Int64()), MakeField("j", columnar::Int32()), MakeField("s", columnar::Utf8()),
      MakeField("b", columnar::Binary()), MakeField("d", columnar::Float64()), MakeField("f", columnar::Float32()),
      MakeField("t", columnar::Bool()), MakeField("l", columnar::List(columnar::Int64())),
      MakeField("x", columnar::FixedSizeBinary(4))});
  std::vector<ArrayPtr> cols;
  for (const auto& f : schema->fields()) cols.push_back(columnar::testing::MakeSampleArray(f->type, 500, 4).ValueOrDie());
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, cols));
  for (bool v2 : {false, true}) {
    WriterProperties props;
    props.data_page_v2 = v2;
    props.data_page_row_limit = 100;
    props.column_encodings = {{"i", Encoding::DELTA_BINARY_PACKED},
                              {"j", Encoding::DELTA_BINARY_PACKED},
                              {"s", Encoding::DELTA_LENGTH_BYTE_ARRAY},
                              {"b", Encoding::DELTA_BYTE_ARRAY},
                              {"d", Encoding::BYTE_STREAM_SPLIT},
                              {"f", Encoding::BYTE_STREAM_SPLIT},
                              {"t", Encoding::RLE},
                              {"l.list.element", Encoding::DELTA_BINARY_PACKED},
                              {"x", Encoding::DELTA_BYTE_ARRAY}};
    FileMetaData md;
    RoundTrip({batch}, props, &md);
    const auto& cols_md = md.row_groups[0].columns;
    EXPECT_THAT(cols_md[0].meta_data->encodings, ::testing::Contains(Encoding::DELTA_BINARY_PACKED));
    EXPECT_THAT(cols_md[0].meta_data->encodings, ::testing::Not(::testing::Contains(Encoding::RLE_DICTIONARY)));
    EXPECT_THAT(cols_md[4].meta_data->encodings, ::testing::Contains(Encoding::BYTE_STREAM_SPLIT));
  }
}

TEST(WriterRoundTrip, BadEncodingForTypeFailsAtOpen) {
  auto schema = std::make_shared<columnar::Schema>(std::vector{MakeField("s", columnar::Utf8())});
  WriterProperties props;
  props.column_encodings = {{"s", Encoding::DELTA_BINARY_PACKED}};
  auto out = std::make_shared<io::BufferOutputStream>();
  EXPECT_FALSE(FileWriter::Open(out, schema, props).ok());
}

TEST(WriterRoundTrip, SecondsBecomeMillis) {
  columnar::Int64Builder tb(columnar::Timestamp(columnar::TimeUnit::kSecond, "UTC"));
  columnar::Int32Builder qb(columnar::Time32(columnar::TimeUnit::kSecond));
  ASSERT_OK(tb.Append(1700000000));
  ASSERT_OK(tb.AppendNull());
  ASSERT_OK(qb.Append(3600));
  ASSERT_OK(qb.Append(59));
  ASSERT_OK_AND_ASSIGN(auto t, tb.Finish());
  ASSERT_OK_AND_ASSIGN(auto q, qb.Finish());
  auto schema = std::make_shared<columnar::Schema>(std::vector{MakeField("t", t->type), MakeField("q", q->type)});
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {t, q}));
  ASSERT_OK_AND_ASSIGN(auto buf, WriteToBuffer({batch}, {}));
  ASSERT_OK_AND_ASSIGN(auto got, ReadBack(buf));
  ASSERT_EQ(got->num_rows, 2);
  EXPECT_EQ(got->column(0)->type->unit(), columnar::TimeUnit::kMilli);
  EXPECT_EQ(got->column(0)->values<int64_t>()[0], int64_t{1700000000} * 1000);
  EXPECT_TRUE(got->column(0)->IsNull(1));
  EXPECT_EQ(got->column(1)->values<int32_t>()[0], 3600 * 1000);
  EXPECT_EQ(got->column(1)->values<int32_t>()[1], 59 * 1000);
}

TEST(WriterRoundTrip, Decimals) {
  std::vector<columnar::FieldPtr> fields;
  std::vector<ArrayPtr> cols;
  for (int p : {1, 5, 9, 10, 18, 19, 25, 38}) {
    columnar::Decimal128Builder b(columnar::Decimal128(p, 0));
    __int128 max = 1;
    for (int i = 0; i < p; ++i) max *= 10;
    max -= 1;
    for (__int128 v : {__int128{0}, max, -max, __int128{-1}, __int128{7}}) ASSERT_OK(b.Append(v));
    ASSERT_OK(b.AppendNull());
    fields.push_back(MakeField("d" + std::to_string(p), b.type()));
    ASSERT_OK_AND_ASSIGN(auto arr, b.Finish());
    cols.push_back(arr);
  }
  auto schema = std::make_shared<columnar::Schema>(fields);
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, cols));
  FileMetaData md;
  RoundTrip({batch}, {}, &md);
  // Signed statistics for a FIXED_LEN_BYTE_ARRAY decimal: min is -max (big-endian bytes).
  const auto& st = *md.row_groups[0].columns[7].meta_data->statistics;
  ASSERT_TRUE(st.min_value.has_value());
  EXPECT_EQ(static_cast<uint8_t>((*st.min_value)[0]) & 0x80, 0x80);
  EXPECT_EQ(static_cast<uint8_t>((*st.max_value)[0]) & 0x80, 0);

  // A value beyond the precision is refused.
  columnar::Decimal128Builder b(columnar::Decimal128(5, 0));
  ASSERT_OK(b.Append(static_cast<__int128>(1) << 40));  // beyond INT32
  ASSERT_OK_AND_ASSIGN(auto big, b.Finish());
  auto s5 = std::make_shared<columnar::Schema>(std::vector{MakeField("d", big->type)});
  ASSERT_OK_AND_ASSIGN(auto bad, columnar::MakeRecordBatch(s5, {big}));
  auto out = std::make_shared<io::BufferOutputStream>();
  ASSERT_OK_AND_ASSIGN(auto w, FileWriter::Open(out, s5));
  ASSERT_RAISES(InvalidArgument, w->WriteBatch(*bad));
}

template <typename T>
T Decode(const std::string& s) {
  T v;
  EXPECT_EQ(s.size(), sizeof(T));
  std::memcpy(&v, s.data(), sizeof(T));
  return v;
}

TEST(WriterStatistics, NumericAndFloatRules) {
  columnar::Int32Builder ib;
  columnar::UInt32Builder ub;
  columnar::DoubleBuilder db;
  const int32_t ivals[] = {5, -3, 7, 0};
  const uint32_t uvals[] = {1, 0xFFFFFFF0u, 2, 3};
  const double dvals[] = {NAN, 0.0, 2.5, -0.0};
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(ib.Append(ivals[i]));
    ASSERT_OK(ub.Append(uvals[i]));
    ASSERT_OK(db.Append(dvals[i]));
  }
  ASSERT_OK(ib.AppendNull());
  ASSERT_OK(ub.AppendNull());
  ASSERT_OK(db.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto i, ib.Finish());
  ASSERT_OK_AND_ASSIGN(auto u, ub.Finish());
  ASSERT_OK_AND_ASSIGN(auto d, db.Finish());
  auto schema = std::make_shared<columnar::Schema>(
      std::vector{MakeField("i", i->type), MakeField("u", u->type), MakeField("d", d->type)});
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {i, u, d}));
  FileMetaData md;
  ASSERT_OK_AND_ASSIGN(auto buf, WriteToBuffer({batch}, {}, &md));
  const auto& si = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(Decode<int32_t>(*si.min_value), -3);
  EXPECT_EQ(Decode<int32_t>(*si.max_value), 7);
  EXPECT_EQ(Decode<int32_t>(*si.min), -3);  // deprecated fields: signed order
  EXPECT_EQ(si.null_count, 1);
  const auto& su = *md.row_groups[0].columns[1].meta_data->statistics;
  EXPECT_EQ(Decode<uint32_t>(*su.min_value), 1u);
  EXPECT_EQ(Decode<uint32_t>(*su.max_value), 0xFFFFFFF0u);
  EXPECT_FALSE(su.min.has_value());  // unsigned order: no deprecated fields
  const auto& sd = *md.row_groups[0].columns[2].meta_data->statistics;
  const double lo = Decode<double>(*sd.min_value), hi = Decode<double>(*sd.max_value);
  EXPECT_EQ(lo, 0.0);
  EXPECT_TRUE(std::signbit(lo));  // min zero written as -0.0
  EXPECT_EQ(hi, 2.5);
  // Read back: the file decodes.
  ASSERT_OK_AND_ASSIGN(auto got, ReadBack(buf));
  EXPECT_EQ(got->num_rows, 5);
}

TEST(WriterStatistics, LongStringsTruncated) {
  columnar::StringBuilder sb;
  ASSERT_OK(sb.Append(std::string(100, 'b')));
  ASSERT_OK(sb.Append(std::string(100, 'a') + "z"));
  ASSERT_OK(sb.Append("c"));
  ASSERT_OK_AND_ASSIGN(auto s, sb.Finish());
  auto schema = std::make_shared<columnar::Schema>(std::vector{MakeField("s", s->type)});
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {s}));
  WriterProperties props;
  props.max_statistics_size = 8;
  FileMetaData md;
  ASSERT_OK_AND_ASSIGN(auto buf, WriteToBuffer({batch}, props, &md));
  const auto& st = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(*st.min_value, std::string(8, 'a'));
  EXPECT_FALSE(*st.is_min_value_exact);
  EXPECT_EQ(*st.max_value, "c");
  EXPECT_TRUE(*st.is_max_value_exact);
  EXPECT_FALSE(st.min.has_value());

  columnar::StringBuilder sb2;
  ASSERT_OK(sb2.Append(std::string(20, 'q')));
  ASSERT_OK_AND_ASSIGN(auto s2, sb2.Finish());
  ASSERT_OK_AND_ASSIGN(auto batch2, columnar::MakeRecordBatch(schema, {s2}));
  ASSERT_OK_AND_ASSIGN(buf, WriteToBuffer({batch2}, props, &md));
  const auto& st2 = *md.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(*st2.max_value, std::string(7, 'q') + "r");
  EXPECT_FALSE(*st2.is_max_value_exact);
}

TEST(WriterErrors, SchemaMismatchAndNullsInRequired) {
  auto schema = std::make_shared<columnar::Schema>(std::vector{MakeField("a", columnar::Int32(), false)});
  auto out = std::make_shared<io::BufferOutputStream>();
  ASSERT_OK_AND_ASSIGN(auto w, FileWriter::Open(out, schema));
  columnar::Int64Builder b;
  ASSERT_OK(b.Append(1));
  ASSERT_OK_AND_ASSIGN(auto col, b.Finish());
  auto other = std::make_shared<columnar::Schema>(std::vector{MakeField("a", columnar::Int64(), false)});
  ASSERT_OK_AND_ASSIGN(auto bad, columnar::MakeRecordBatch(other, {col}));
  ASSERT_RAISES(InvalidArgument, w->WriteBatch(*bad));

  columnar::Int32Builder nb;
  ASSERT_OK(nb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto ncol, nb.Finish());
  RecordBatch nulls;
  nulls.schema = schema;
  nulls.num_rows = 1;
  nulls.columns = {ncol};
  ASSERT_RAISES(InvalidArgument, w->WriteBatch(nulls));
  ASSERT_OK(w->Close());
  EXPECT_NE(w->metadata(), nullptr);
  EXPECT_EQ(w->metadata()->num_rows, 0);
}

TEST(WriterFile, WriteParquetFileAndKeyValueMetadata) {
  auto batch = SampleBatch(50, 9);
  const std::string path = std::string(DELTA_BINARY_DIR) + "/writer_roundtrip_test.parquet";
  WriterProperties props;
  props.key_value_metadata = {{"k1", "v1"}, {"k2", "v2"}};
  ASSERT_OK(WriteParquetFile(path, *batch, props));
  ASSERT_OK_AND_ASSIGN(auto r, FileReader::OpenPath(path));
  EXPECT_EQ(r->num_rows(), 50);
  ASSERT_EQ(r->metadata().key_value_metadata.size(), 2u);
  EXPECT_EQ(r->metadata().key_value_metadata[1].key, "k2");
  EXPECT_EQ(*r->metadata().key_value_metadata[1].value, "v2");
  EXPECT_EQ(*r->metadata().created_by, "deltacpp version 0.1.0");
  ASSERT_OK_AND_ASSIGN(auto got, r->ReadAll());
  ExpectBatchesEqual(*batch, *got);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace delta::parquet
