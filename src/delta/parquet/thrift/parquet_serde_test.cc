// Round trips of every Parquet metadata struct, compatibility rules (unknown fields, enums,
// unions), hostile input, and decoding real footers from the shared tables.
#include "delta/parquet/thrift/parquet_serde.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delta/parquet/thrift/compact_protocol_internal.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using thrift::CompactWriter;
using thrift::CType;

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }
int64_t Len(const std::string& s) { return static_cast<int64_t>(s.size()); }

Statistics FullStats() {
  Statistics s;
  s.max = std::string("\xFF\x00zz", 4);
  s.min = "aa";
  s.null_count = 3;
  s.distinct_count = 1234567890123;
  s.max_value = "max-value";
  s.min_value = std::string();  // present but empty
  s.is_max_value_exact = true;
  s.is_min_value_exact = false;
  return s;
}

std::vector<LogicalType> AllLogicalTypes() {
  std::vector<LogicalType> out;
  for (LogicalType::Kind k : {LogicalType::STRING, LogicalType::MAP, LogicalType::LIST, LogicalType::ENUM,
                              LogicalType::DATE, LogicalType::UNKNOWN, LogicalType::JSON, LogicalType::BSON,
                              LogicalType::UUID, LogicalType::FLOAT16, LogicalType::VARIANT, LogicalType::GEOMETRY,
                              LogicalType::GEOGRAPHY}) {
    LogicalType lt;
    lt.kind = k;
    out.push_back(lt);
  }
  LogicalType dec;
  dec.kind = LogicalType::DECIMAL;
  dec.decimal_scale = 4;
  dec.decimal_precision = 38;
  out.push_back(dec);
  for (LogicalType::Kind k : {LogicalType::TIME, LogicalType::TIMESTAMP}) {
    for (TimeUnitKind u : {TimeUnitKind::MILLIS, TimeUnitKind::MICROS, TimeUnitKind::NANOS}) {
      for (bool utc : {false, true}) {
        LogicalType lt;
        lt.kind = k;
        lt.time_unit = u;
        lt.is_adjusted_to_utc = utc;
        out.push_back(lt);
      }
    }
  }
  for (int8_t width : {8, 16, 32, 64}) {
    for (bool is_signed : {false, true}) {
      LogicalType lt;
      lt.kind = LogicalType::INTEGER;
      lt.int_bit_width = width;
      lt.int_is_signed = is_signed;
      out.push_back(lt);
    }
  }
  return out;
}

// A footer with every optional field set somewhere, plus a second copy of each struct with the
// optionals unset.
FileMetaData FullFileMetaData() {
  FileMetaData md;
  md.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 3;
  md.schema.push_back(root);
  SchemaElement full;
  full.type = Type::FIXED_LEN_BYTE_ARRAY;
  full.type_length = 16;
  full.repetition_type = FieldRepetitionType::OPTIONAL;
  full.name = "d\xC3\xA9" "c";  // non-ASCII name
  full.converted_type = ConvertedType::DECIMAL;
  full.scale = 4;
  full.precision = 38;
  full.field_id = -7;
  full.logical_type = AllLogicalTypes()[13];
  md.schema.push_back(full);
  int i = 0;
  for (const LogicalType& lt : AllLogicalTypes()) {
    SchemaElement e;
    e.type = Type::INT64;
    e.repetition_type = FieldRepetitionType::REPEATED;
    e.name = "c" + std::to_string(i++);
    e.logical_type = lt;
    md.schema.push_back(e);
  }
  md.num_rows = int64_t{1} << 40;

  for (int g = 0; g < 2; ++g) {
    RowGroup rg;
    ColumnChunk cc_full;
    cc_full.file_path = "other.parquet";
    cc_full.file_offset = 4;
    ColumnMetaData cmd;
    cmd.type = Type::BYTE_ARRAY;
    cmd.encodings = {Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY, Encoding::BYTE_STREAM_SPLIT};
    cmd.path_in_schema = {"a", "b", "element"};
    cmd.codec = CompressionCodec::ZSTD;
    cmd.num_values = 1000;
    cmd.total_uncompressed_size = 123456;
    cmd.total_compressed_size = 65432;
    cmd.key_value_metadata = {{"k", std::string("v")}, {"no-value", std::nullopt}};
    cmd.data_page_offset = 100;
    cmd.index_page_offset = 50;
    cmd.dictionary_page_offset = 4;
    cmd.statistics = FullStats();
    cmd.encoding_stats = {{PageType::DICTIONARY_PAGE, Encoding::PLAIN, 1}, {PageType::DATA_PAGE, Encoding::RLE_DICTIONARY, 7}};
    cmd.bloom_filter_offset = 99999;
    cmd.bloom_filter_length = 512;
    cc_full.meta_data = cmd;
    cc_full.offset_index_offset = 200000;
    cc_full.offset_index_length = 77;
    cc_full.column_index_offset = 300000;
    cc_full.column_index_length = 88;
    rg.columns.push_back(cc_full);

    ColumnChunk cc_min;
    cc_min.file_offset = 5;
    ColumnMetaData minimal;
    minimal.type = Type::INT32;
    minimal.encodings = {};
    minimal.path_in_schema = {"x"};
    minimal.data_page_offset = 4;
    cc_min.meta_data = minimal;
    rg.columns.push_back(cc_min);
    ColumnChunk cc_none;  // no meta_data at all
    cc_none.file_offset = 6;
    rg.columns.push_back(cc_none);

    rg.total_byte_size = 1 << 20;
    rg.num_rows = 500;
    if (g == 0) {
      rg.sorting_columns = {{0, true, false}, {2, false, true}};
      rg.file_offset = 4;
      rg.total_compressed_size = 65432;
      rg.ordinal = 0;
    }
    md.row_groups.push_back(rg);
  }
  md.key_value_metadata = {{"ARROW:schema", std::string(300, 'x')}, {"empty", std::string()}};
  md.created_by = "deltacpp version 0.1.0";
  md.column_orders = {{true}, {false}, {true}};
  return md;
}

TEST(ParquetSerde, FileMetaDataRoundTripFull) {
  FileMetaData md = FullFileMetaData();
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  ASSERT_OK_AND_ASSIGN(FileMetaData back, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_EQ(back, md);
  // Spot checks so a broken operator== cannot hide a failure.
  ASSERT_EQ(back.schema.size(), md.schema.size());
  EXPECT_EQ(back.schema[1].name, "d\xC3\xA9" "c");
  EXPECT_EQ(back.schema[1].logical_type->kind, LogicalType::DECIMAL);
  EXPECT_EQ(back.schema[1].logical_type->decimal_precision, 38);
  EXPECT_EQ(back.row_groups[0].columns[0].meta_data->statistics->max, std::string("\xFF\x00zz", 4));
  EXPECT_EQ(back.row_groups[0].columns[0].meta_data->encoding_stats[1].count, 7);
  EXPECT_FALSE(back.row_groups[1].ordinal.has_value());
  EXPECT_EQ(back.row_groups[0].ordinal, 0);
  EXPECT_FALSE(back.row_groups[0].columns[2].meta_data.has_value());
  EXPECT_FALSE(back.column_orders[1].type_defined_order);
  EXPECT_EQ(back.num_rows, int64_t{1} << 40);

  // Serialising again gives identical bytes.
  std::string again;
  SerializeFileMetaData(back, &again);
  EXPECT_EQ(again, bytes);
}

TEST(ParquetSerde, FileMetaDataRoundTripMinimal) {
  FileMetaData md;
  SchemaElement root;
  root.name = "";
  md.schema.push_back(root);
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  ASSERT_OK_AND_ASSIGN(FileMetaData back, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_EQ(back, md);
  EXPECT_FALSE(back.created_by.has_value());
  EXPECT_TRUE(back.row_groups.empty());
}

TEST(ParquetSerde, EveryLogicalTypeRoundTrips) {
  for (const LogicalType& lt : AllLogicalTypes()) {
    FileMetaData md;
    SchemaElement e;
    e.name = "c";
    e.logical_type = lt;
    md.schema.push_back(e);
    std::string bytes;
    SerializeFileMetaData(md, &bytes);
    ASSERT_OK_AND_ASSIGN(FileMetaData back, DeserializeFileMetaData(U8(bytes), Len(bytes)));
    ASSERT_TRUE(back.schema[0].logical_type.has_value()) << lt.kind;
    EXPECT_EQ(*back.schema[0].logical_type, lt) << lt.kind;
  }
}

std::vector<PageHeader> SamplePageHeaders() {
  std::vector<PageHeader> out;
  PageHeader v1;
  v1.type = PageType::DATA_PAGE;
  v1.uncompressed_page_size = 1 << 20;
  v1.compressed_page_size = 12345;
  v1.crc = -123456789;
  DataPageHeader d;
  d.num_values = 1000;
  d.encoding = Encoding::RLE_DICTIONARY;
  d.definition_level_encoding = Encoding::RLE;
  d.repetition_level_encoding = Encoding::BIT_PACKED;
  d.statistics = FullStats();
  v1.data_page_header = d;
  out.push_back(v1);
  v1.crc.reset();
  v1.data_page_header->statistics.reset();
  out.push_back(v1);

  PageHeader dict;
  dict.type = PageType::DICTIONARY_PAGE;
  dict.uncompressed_page_size = 40;
  dict.compressed_page_size = 40;
  DictionaryPageHeader dh;
  dh.num_values = 10;
  dh.encoding = Encoding::PLAIN_DICTIONARY;
  dh.is_sorted = true;
  dict.dictionary_page_header = dh;
  out.push_back(dict);
  dict.dictionary_page_header->is_sorted.reset();
  out.push_back(dict);

  PageHeader v2;
  v2.type = PageType::DATA_PAGE_V2;
  v2.uncompressed_page_size = 0;
  v2.compressed_page_size = 0;
  DataPageHeaderV2 h2;
  h2.num_values = 70000;
  h2.num_nulls = 5;
  h2.num_rows = 300;
  h2.encoding = Encoding::DELTA_BINARY_PACKED;
  h2.definition_levels_byte_length = 17;
  h2.repetition_levels_byte_length = 3;
  h2.is_compressed = false;
  h2.statistics = Statistics();  // present but empty
  v2.data_page_header_v2 = h2;
  out.push_back(v2);
  v2.data_page_header_v2->is_compressed = true;
  v2.data_page_header_v2->statistics.reset();
  out.push_back(v2);
  return out;
}

TEST(ParquetSerde, PageHeaderRoundTrip) {
  for (const PageHeader& h : SamplePageHeaders()) {
    std::string bytes;
    SerializePageHeader(h, &bytes);
    size_t header_len = bytes.size();
    bytes += "page payload follows";
    int64_t consumed = -1;
    ASSERT_OK_AND_ASSIGN(PageHeader back, DeserializePageHeader(U8(bytes), Len(bytes), &consumed));
    EXPECT_EQ(back, h);
    EXPECT_EQ(consumed, static_cast<int64_t>(header_len));

    // The reusing overload resets what a previous header left behind.
    PageHeader reused = SamplePageHeaders()[0];
    int64_t consumed2 = -1;
    ASSERT_OK(DeserializePageHeader(U8(bytes), Len(bytes), &consumed2, &reused));
    EXPECT_EQ(reused, h);
    EXPECT_EQ(consumed2, consumed);

    // Every truncation fails cleanly.
    for (size_t n = 0; n < header_len; ++n) {
      int64_t c = 0;
      ASSERT_RAISES(CorruptData, DeserializePageHeader(U8(bytes), static_cast<int64_t>(n), &c));
    }
  }
}

TEST(ParquetSerde, DataPageHeaderV2IsCompressedDefaultsToTrue) {
  // A v2 header written without field 7.
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(3);  // DATA_PAGE_V2
  w.WriteFieldHeader(CType::kI32, 2, &last);
  w.WriteI32(10);
  w.WriteFieldHeader(CType::kI32, 3, &last);
  w.WriteI32(10);
  w.WriteFieldHeader(CType::kStruct, 8, &last);
  int16_t inner = 0;
  for (int16_t id = 1; id <= 6; ++id) {
    w.WriteFieldHeader(CType::kI32, id, &inner);
    w.WriteI32(id);
  }
  w.WriteStop();
  w.WriteStop();
  int64_t consumed = 0;
  ASSERT_OK_AND_ASSIGN(PageHeader h, DeserializePageHeader(U8(bytes), Len(bytes), &consumed));
  ASSERT_TRUE(h.data_page_header_v2.has_value());
  EXPECT_TRUE(h.data_page_header_v2->is_compressed);
  EXPECT_EQ(h.data_page_header_v2->num_rows, 3);
  EXPECT_EQ(h.data_page_header_v2->encoding, Encoding::BIT_PACKED);  // field 4 was written as 4
}

// Appends one unknown field of every wire type, with ids starting at `first_id`; the struct-typed
// one nests the same set `depth` more times.
void AppendUnknownFields(CompactWriter* w, int16_t first_id, int16_t* last, int depth) {
  int16_t id = first_id;
  w->WriteBoolField(id++, true, last);
  w->WriteFieldHeader(CType::kByte, id++, last);
  w->WriteI8(1);
  w->WriteFieldHeader(CType::kI16, id++, last);
  w->WriteI16(-2);
  w->WriteFieldHeader(CType::kI32, id++, last);
  w->WriteI32(3);
  w->WriteFieldHeader(CType::kI64, id++, last);
  w->WriteI64(4);
  w->WriteFieldHeader(CType::kDouble, id++, last);
  w->WriteDouble(5.0);
  w->WriteFieldHeader(CType::kBinary, id++, last);
  w->WriteBinary("six");
  w->WriteFieldHeader(CType::kList, id++, last);
  w->WriteListHeader(CType::kStruct, 1);
  w->WriteStop();
  w->WriteFieldHeader(CType::kSet, id++, last);
  w->WriteListHeader(CType::kI64, 2);
  w->WriteI64(1);
  w->WriteI64(2);
  w->WriteFieldHeader(CType::kMap, id++, last);
  w->WriteMapHeader(CType::kBinary, CType::kStruct, 1);
  w->WriteBinary("k");
  w->WriteStop();
  w->WriteFieldHeader(CType::kStruct, id++, last);
  {
    int16_t inner = 0;
    if (depth > 0) AppendUnknownFields(w, 1, &inner, depth - 1);
    w->WriteStop();
  }
}

TEST(ParquetSerde, UnknownFieldsOfEveryTypeAreSkipped) {
  // PageHeader: known fields 1..3, then unknown 20.., then dictionary header 7 via long form.
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(static_cast<int32_t>(PageType::DICTIONARY_PAGE));
  w.WriteFieldHeader(CType::kI32, 2, &last);
  w.WriteI32(64);
  w.WriteFieldHeader(CType::kI32, 3, &last);
  w.WriteI32(32);
  int16_t id = 20;
  w.WriteBoolField(id++, false, &last);
  w.WriteFieldHeader(CType::kDouble, id++, &last);
  w.WriteDouble(1.0);
  w.WriteFieldHeader(CType::kMap, id++, &last);
  w.WriteMapHeader(CType::kI32, CType::kList, 1);
  w.WriteI32(1);
  w.WriteListHeader(CType::kBinary, 2);
  w.WriteBinary("a");
  w.WriteBinary("b");
  w.WriteFieldHeader(CType::kStruct, id++, &last);
  {
    int16_t inner = 0;
    w.WriteFieldHeader(CType::kSet, 1, &inner);
    w.WriteListHeader(CType::kBoolTrue, 2);
    w.WriteListBool(true);
    w.WriteListBool(false);
    w.WriteFieldHeader(CType::kByte, 2, &inner);
    w.WriteI8(-1);
    w.WriteFieldHeader(CType::kI16, 3, &inner);
    w.WriteI16(7);
    w.WriteFieldHeader(CType::kI64, 4, &inner);
    w.WriteI64(-9);
    w.WriteStop();
  }
  w.WriteFieldHeader(CType::kStruct, 7, &last);  // backwards: long form
  {
    int16_t inner = 0;
    w.WriteFieldHeader(CType::kI32, 1, &inner);
    w.WriteI32(8);
    w.WriteFieldHeader(CType::kI32, 2, &inner);
    w.WriteI32(0);
    w.WriteFieldHeader(CType::kBinary, 99, &inner);
    w.WriteBinary("unknown in a nested known struct");
    w.WriteStop();
  }
  w.WriteStop();
  int64_t consumed = 0;
  ASSERT_OK_AND_ASSIGN(PageHeader h, DeserializePageHeader(U8(bytes), Len(bytes), &consumed));
  EXPECT_EQ(consumed, Len(bytes));
  EXPECT_EQ(h.type, PageType::DICTIONARY_PAGE);
  EXPECT_EQ(h.uncompressed_page_size, 64);
  EXPECT_EQ(h.compressed_page_size, 32);
  ASSERT_TRUE(h.dictionary_page_header.has_value());
  EXPECT_EQ(h.dictionary_page_header->num_values, 8);
}

TEST(ParquetSerde, UnknownFieldsInFooterAreSkipped) {
  FileMetaData md = FullFileMetaData();
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  ASSERT_EQ(bytes.back(), '\0');
  bytes.pop_back();  // reopen the top-level struct (last field id was 7)
  CompactWriter w(&bytes);
  int16_t last = 7;
  AppendUnknownFields(&w, 10, &last, 3);
  w.WriteStop();
  ASSERT_OK_AND_ASSIGN(FileMetaData back, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_EQ(back, md);
}

TEST(ParquetSerde, RequiredFieldMissing) {
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(0);
  w.WriteFieldHeader(CType::kI32, 3, &last);  // no field 2
  w.WriteI32(10);
  w.WriteStop();
  int64_t consumed = 0;
  auto r = DeserializePageHeader(U8(bytes), Len(bytes), &consumed);
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("PageHeader.uncompressed_page_size"), std::string::npos) << r.status().message();

  // FileMetaData without row_groups.
  std::string fm;
  CompactWriter fw(&fm);
  last = 0;
  fw.WriteFieldHeader(CType::kI32, 1, &last);
  fw.WriteI32(1);
  fw.WriteFieldHeader(CType::kList, 2, &last);
  fw.WriteListHeader(CType::kStruct, 0);
  fw.WriteFieldHeader(CType::kI64, 3, &last);
  fw.WriteI64(0);
  fw.WriteStop();
  auto r2 = DeserializeFileMetaData(U8(fm), Len(fm));
  ASSERT_RAISES(CorruptData, r2);
  EXPECT_NE(r2.status().message().find("FileMetaData.row_groups"), std::string::npos) << r2.status().message();
}

TEST(ParquetSerde, WrongWireType) {
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kBinary, 1, &last);  // type must be i32
  w.WriteBinary("DATA_PAGE");
  w.WriteStop();
  int64_t consumed = 0;
  auto r = DeserializePageHeader(U8(bytes), Len(bytes), &consumed);
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("PageHeader.type"), std::string::npos) << r.status().message();

  // A list field whose elements have the wrong type.
  std::string fm;
  CompactWriter fw(&fm);
  last = 0;
  fw.WriteFieldHeader(CType::kI32, 1, &last);
  fw.WriteI32(1);
  fw.WriteFieldHeader(CType::kList, 2, &last);
  fw.WriteListHeader(CType::kI32, 2);
  fw.WriteI32(1);
  fw.WriteI32(2);
  fw.WriteStop();
  auto r2 = DeserializeFileMetaData(U8(fm), Len(fm));
  ASSERT_RAISES(CorruptData, r2);
  EXPECT_NE(r2.status().message().find("FileMetaData.schema"), std::string::npos) << r2.status().message();
}

TEST(ParquetSerde, EnumHandling) {
  FileMetaData md = FullFileMetaData();
  md.row_groups[0].columns[0].meta_data->encodings.push_back(static_cast<Encoding>(99));
  md.row_groups[0].columns[0].meta_data->codec = static_cast<CompressionCodec>(42);
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  ASSERT_OK_AND_ASSIGN(FileMetaData back, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_EQ(static_cast<int>(back.row_groups[0].columns[0].meta_data->encodings.back()), 99);
  EXPECT_EQ(static_cast<int>(back.row_groups[0].columns[0].meta_data->codec), 42);
  EXPECT_STREQ(EncodingName(back.row_groups[0].columns[0].meta_data->encodings.back()), "UNKNOWN");

  // Unknown converted type is dropped, the rest of the element survives.
  FileMetaData ct = FullFileMetaData();
  ct.schema[1].converted_type = static_cast<ConvertedType>(77);
  bytes.clear();
  SerializeFileMetaData(ct, &bytes);
  ASSERT_OK_AND_ASSIGN(back, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_FALSE(back.schema[1].converted_type.has_value());
  EXPECT_EQ(back.schema[1].precision, 38);

  // Unknown physical type fails.
  FileMetaData bad = FullFileMetaData();
  bad.schema[1].type = static_cast<Type>(8);
  bytes.clear();
  SerializeFileMetaData(bad, &bytes);
  ASSERT_RAISES(CorruptData, DeserializeFileMetaData(U8(bytes), Len(bytes)));

  // VECTOR repetition is unsupported.
  FileMetaData vec = FullFileMetaData();
  vec.schema[1].repetition_type = static_cast<FieldRepetitionType>(3);
  bytes.clear();
  SerializeFileMetaData(vec, &bytes);
  ASSERT_RAISES(Unsupported, DeserializeFileMetaData(U8(bytes), Len(bytes)));
}

std::string FooterWithSchemaElementBytes(const std::function<void(CompactWriter*)>& element_fields) {
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(1);
  w.WriteFieldHeader(CType::kList, 2, &last);
  w.WriteListHeader(CType::kStruct, 1);
  element_fields(&w);
  w.WriteFieldHeader(CType::kI64, 3, &last);
  w.WriteI64(0);
  w.WriteFieldHeader(CType::kList, 4, &last);
  w.WriteListHeader(CType::kStruct, 0);
  w.WriteStop();
  return bytes;
}

TEST(ParquetSerde, LogicalTypeUnknownMembers) {
  // Unknown union member 30 -> no logical type; the element still decodes.
  std::string bytes = FooterWithSchemaElementBytes([](CompactWriter* w) {
    int16_t last = 0;
    w->WriteFieldHeader(CType::kBinary, 4, &last);
    w->WriteBinary("c");
    w->WriteFieldHeader(CType::kStruct, 10, &last);
    int16_t u = 0;
    w->WriteFieldHeader(CType::kStruct, 30, &u);
    int16_t inner = 0;
    w->WriteFieldHeader(CType::kBinary, 1, &inner);
    w->WriteBinary("future payload");
    w->WriteStop();
    w->WriteStop();
    w->WriteStop();
  });
  ASSERT_OK_AND_ASSIGN(FileMetaData md, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_EQ(md.schema[0].name, "c");
  EXPECT_FALSE(md.schema[0].logical_type.has_value());

  // TIMESTAMP with an unknown TimeUnit member -> no logical type.
  bytes = FooterWithSchemaElementBytes([](CompactWriter* w) {
    int16_t last = 0;
    w->WriteFieldHeader(CType::kBinary, 4, &last);
    w->WriteBinary("ts");
    w->WriteFieldHeader(CType::kStruct, 10, &last);
    int16_t u = 0;
    w->WriteFieldHeader(CType::kStruct, 8, &u);
    int16_t ts = 0;
    w->WriteBoolField(1, true, &ts);
    w->WriteFieldHeader(CType::kStruct, 2, &ts);
    int16_t unit = 0;
    w->WriteFieldHeader(CType::kStruct, 9, &unit);
    w->WriteStop();
    w->WriteStop();  // unit
    w->WriteStop();  // TimestampType
    w->WriteStop();  // LogicalType
    w->WriteStop();  // SchemaElement
  });
  ASSERT_OK_AND_ASSIGN(md, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  EXPECT_EQ(md.schema[0].name, "ts");
  EXPECT_FALSE(md.schema[0].logical_type.has_value());

  // DECIMAL missing its precision -> CorruptData naming the field.
  bytes = FooterWithSchemaElementBytes([](CompactWriter* w) {
    int16_t last = 0;
    w->WriteFieldHeader(CType::kBinary, 4, &last);
    w->WriteBinary("d");
    w->WriteFieldHeader(CType::kStruct, 10, &last);
    int16_t u = 0;
    w->WriteFieldHeader(CType::kStruct, 5, &u);
    int16_t dec = 0;
    w->WriteFieldHeader(CType::kI32, 1, &dec);
    w->WriteI32(2);
    w->WriteStop();
    w->WriteStop();
    w->WriteStop();
  });
  auto r = DeserializeFileMetaData(U8(bytes), Len(bytes));
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("DecimalType.precision"), std::string::npos) << r.status().message();
}

TEST(ParquetSerde, ColumnOrderUnknownMember) {
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(1);
  w.WriteFieldHeader(CType::kList, 2, &last);
  w.WriteListHeader(CType::kStruct, 0);
  w.WriteFieldHeader(CType::kI64, 3, &last);
  w.WriteI64(0);
  w.WriteFieldHeader(CType::kList, 4, &last);
  w.WriteListHeader(CType::kStruct, 0);
  w.WriteFieldHeader(CType::kList, 7, &last);
  w.WriteListHeader(CType::kStruct, 2);
  {
    int16_t u = 0;
    w.WriteFieldHeader(CType::kStruct, 2, &u);  // unknown order
    w.WriteStop();
    w.WriteStop();
  }
  {
    int16_t u = 0;
    w.WriteFieldHeader(CType::kStruct, 1, &u);  // TYPE_ORDER
    w.WriteStop();
    w.WriteStop();
  }
  w.WriteStop();
  ASSERT_OK_AND_ASSIGN(FileMetaData md, DeserializeFileMetaData(U8(bytes), Len(bytes)));
  ASSERT_EQ(md.column_orders.size(), 2u);
  EXPECT_FALSE(md.column_orders[0].type_defined_order);
  EXPECT_TRUE(md.column_orders[1].type_defined_order);
}

TEST(ParquetSerde, EncryptionUnsupported) {
  FileMetaData md = FullFileMetaData();
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  bytes.pop_back();
  CompactWriter w(&bytes);
  int16_t last = 7;
  w.WriteFieldHeader(CType::kStruct, 8, &last);  // encryption_algorithm
  w.WriteStop();
  w.WriteStop();
  auto r = DeserializeFileMetaData(U8(bytes), Len(bytes));
  ASSERT_RAISES(Unsupported, r);
  EXPECT_EQ(r.status().message(), "encrypted Parquet files are not supported");

  // ColumnChunk.crypto_metadata.
  std::string cc;
  CompactWriter cw(&cc);
  last = 0;
  cw.WriteFieldHeader(CType::kI32, 1, &last);
  cw.WriteI32(1);
  cw.WriteFieldHeader(CType::kList, 2, &last);
  cw.WriteListHeader(CType::kStruct, 0);
  cw.WriteFieldHeader(CType::kI64, 3, &last);
  cw.WriteI64(0);
  cw.WriteFieldHeader(CType::kList, 4, &last);
  cw.WriteListHeader(CType::kStruct, 1);
  int16_t rg = 0;
  cw.WriteFieldHeader(CType::kList, 1, &rg);
  cw.WriteListHeader(CType::kStruct, 1);
  int16_t col = 0;
  cw.WriteFieldHeader(CType::kI64, 2, &col);
  cw.WriteI64(4);
  cw.WriteFieldHeader(CType::kStruct, 8, &col);
  cw.WriteStop();
  cw.WriteStop();
  cw.WriteStop();
  cw.WriteStop();
  ASSERT_RAISES(Unsupported, DeserializeFileMetaData(U8(cc), Len(cc)));
}

TEST(ParquetSerde, TruncatedFooterAtEveryOffset) {
  FileMetaData md = FullFileMetaData();
  std::string bytes;
  SerializeFileMetaData(md, &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    // Copy into an exact-size buffer so an overread would be caught by sanitizers.
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = DeserializeFileMetaData(prefix.data(), static_cast<int64_t>(n));
    ASSERT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
    ASSERT_TRUE(r.status().IsCorruptData()) << r.status().ToString();
  }
}

TEST(ParquetSerde, HugeDeclaredListSizes) {
  // schema list declaring 2^31-1 structs, followed by a few bytes.
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(1);
  w.WriteFieldHeader(CType::kList, 2, &last);
  w.WriteListHeader(CType::kStruct, 0x7FFFFFFF);
  bytes.append(16, '\0');
  auto r = DeserializeFileMetaData(U8(bytes), Len(bytes));
  ASSERT_RAISES(CorruptData, r);

  // A list size that fits the bytes left but whose elements are empty structs (fail on the
  // first missing required field without reserving the whole count).
  std::string b2;
  CompactWriter w2(&b2);
  last = 0;
  w2.WriteFieldHeader(CType::kI32, 1, &last);
  w2.WriteI32(1);
  w2.WriteFieldHeader(CType::kList, 4, &last);
  w2.WriteListHeader(CType::kStruct, 1 << 20);
  b2.append(1 << 20, '\0');
  ASSERT_RAISES(CorruptData, DeserializeFileMetaData(U8(b2), Len(b2)));

  // Oversized binary length.
  std::string b3;
  CompactWriter w3(&b3);
  last = 0;
  w3.WriteFieldHeader(CType::kBinary, 6, &last);
  w3.WriteVarint(0xFFFFFFFFu);
  b3.append("abc");
  ASSERT_RAISES(CorruptData, DeserializeFileMetaData(U8(b3), Len(b3)));
}

TEST(ParquetSerde, DeepNestingInUnknownField) {
  std::string bytes;
  CompactWriter w(&bytes);
  int16_t last = 0;
  w.WriteFieldHeader(CType::kI32, 1, &last);
  w.WriteI32(1);
  w.WriteFieldHeader(CType::kStruct, 20, &last);
  bytes.append(100000, '\x1C');  // struct field 1 inside struct field 1 ...
  bytes.append(100001, '\0');
  auto r = DeserializeFileMetaData(U8(bytes), Len(bytes));
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("nesting"), std::string::npos) << r.status().message();
}

TEST(ParquetSerde, NegativePageSize) {
  PageHeader h = SamplePageHeaders()[2];
  h.compressed_page_size = -1;
  std::string bytes;
  SerializePageHeader(h, &bytes);
  int64_t consumed = 0;
  ASSERT_RAISES(CorruptData, DeserializePageHeader(U8(bytes), Len(bytes), &consumed));
}

TEST(ParquetSerde, EnumNames) {
  EXPECT_STREQ(TypeName(Type::FIXED_LEN_BYTE_ARRAY), "FIXED_LEN_BYTE_ARRAY");
  EXPECT_STREQ(ConvertedTypeName(ConvertedType::TIMESTAMP_MICROS), "TIMESTAMP_MICROS");
  EXPECT_STREQ(EncodingName(Encoding::DELTA_LENGTH_BYTE_ARRAY), "DELTA_LENGTH_BYTE_ARRAY");
  EXPECT_STREQ(CodecName(CompressionCodec::LZ4_RAW), "LZ4_RAW");
  EXPECT_STREQ(PageTypeName(PageType::DATA_PAGE_V2), "DATA_PAGE_V2");
  EXPECT_STREQ(TypeName(static_cast<Type>(-1)), "UNKNOWN");
}

// ---------------------------------------------------------------------------------------------
// Real footers written by other implementations.

std::vector<std::string> FindParquetFiles(const std::string& dir, size_t limit) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".parquet") out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  // Spread the sample over the whole tree (different writers live in different subtrees).
  if (out.size() > limit) {
    std::vector<std::string> sample;
    for (size_t i = 0; i < limit; ++i) sample.push_back(out[i * out.size() / limit]);
    out.swap(sample);
  }
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ParquetSerde, RealFooters) {
  std::string dir = delta::testing::SharedTablesDir();
  if (dir.empty()) GTEST_SKIP() << "shared Delta tables not available";
  std::vector<std::string> files = FindParquetFiles(dir, 60);
  if (files.empty()) GTEST_SKIP() << "no .parquet files in " << dir;
  int decoded = 0;
  for (const std::string& path : files) {
    std::string file = ReadFile(path);
    if (file.size() < 12 || file.compare(file.size() - 4, 4, "PAR1") != 0) continue;  // e.g. encrypted "PARE"
    const uint8_t* end = U8(file) + file.size();
    uint32_t footer_len = static_cast<uint32_t>(end[-8]) | (static_cast<uint32_t>(end[-7]) << 8) |
                          (static_cast<uint32_t>(end[-6]) << 16) | (static_cast<uint32_t>(end[-5]) << 24);
    ASSERT_LE(footer_len + 12, file.size()) << path;
    const uint8_t* footer = end - 8 - footer_len;
    auto r = DeserializeFileMetaData(footer, footer_len);
    ASSERT_TRUE(r.ok()) << path << ": " << r.status().ToString();
    const FileMetaData& md = *r;
    ASSERT_FALSE(md.schema.empty()) << path;
    int64_t rows = 0;
    for (const RowGroup& rg : md.row_groups) {
      rows += rg.num_rows;
      for (const ColumnChunk& cc : rg.columns) {
        ASSERT_TRUE(cc.meta_data.has_value()) << path;
        const ColumnMetaData& cmd = *cc.meta_data;
        EXPECT_FALSE(cmd.path_in_schema.empty());
        // The first page of the chunk must decode as a page header.
        int64_t start = cmd.dictionary_page_offset && *cmd.dictionary_page_offset > 0 ? *cmd.dictionary_page_offset
                                                                                      : cmd.data_page_offset;
        ASSERT_GE(start, 4) << path;
        ASSERT_LT(start, static_cast<int64_t>(file.size())) << path;
        int64_t consumed = 0;
        auto ph = DeserializePageHeader(U8(file) + start, static_cast<int64_t>(file.size()) - start, &consumed);
        ASSERT_TRUE(ph.ok()) << path << ": " << ph.status().ToString();
        EXPECT_GT(consumed, 0);
        EXPECT_LE(ph->compressed_page_size, cmd.total_compressed_size);
        EXPECT_TRUE(ph->data_page_header || ph->dictionary_page_header || ph->data_page_header_v2) << path;
      }
    }
    EXPECT_EQ(rows, md.num_rows) << path;
    // Re-encoding our decoded form and decoding again is lossless for the fields we keep.
    std::string again;
    SerializeFileMetaData(md, &again);
    ASSERT_OK_AND_ASSIGN(FileMetaData back, DeserializeFileMetaData(U8(again), Len(again)));
    EXPECT_EQ(back, md) << path;
    ++decoded;
  }
  EXPECT_GT(decoded, 0);
}

}  // namespace
}  // namespace delta::parquet
