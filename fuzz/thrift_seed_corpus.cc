// Writes the seed corpus of thrift_footer_fuzzer: a few FileMetaData and PageHeader structs built
// in code and serialised with the compact protocol. Usage: thrift_seed_corpus <output directory>.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "delta/parquet/thrift/parquet_serde.h"

using namespace delta::parquet;  // NOLINT(build/namespaces): a tiny generator program

namespace {

SchemaElement Leaf(const std::string& name, Type type, FieldRepetitionType rep) {
  SchemaElement e;
  e.name = name;
  e.type = type;
  e.repetition_type = rep;
  return e;
}

ColumnChunk Chunk(const std::string& path, Type type, CompressionCodec codec, int64_t offset, bool with_stats) {
  ColumnChunk c;
  c.file_offset = offset;
  ColumnMetaData m;
  m.type = type;
  m.encodings = {Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY};
  m.path_in_schema = {path};
  m.codec = codec;
  m.num_values = 1000;
  m.total_uncompressed_size = 8000;
  m.total_compressed_size = 4000;
  m.data_page_offset = offset + 100;
  m.dictionary_page_offset = offset;
  if (with_stats) {
    Statistics s;
    s.min_value = std::string("\x01\x00\x00\x00", 4);
    s.max_value = std::string("\xE8\x03\x00\x00", 4);
    s.null_count = 0;
    s.is_max_value_exact = true;
    m.statistics = s;
    m.encoding_stats = {{PageType::DICTIONARY_PAGE, Encoding::PLAIN, 1}, {PageType::DATA_PAGE, Encoding::RLE_DICTIONARY, 2}};
  }
  c.meta_data = m;
  return c;
}

std::vector<FileMetaData> Footers() {
  std::vector<FileMetaData> out;
  {  // minimal: one required int32 column, no row groups
    FileMetaData md;
    SchemaElement root;
    root.name = "schema";
    root.num_children = 1;
    md.schema = {root, Leaf("id", Type::INT32, FieldRepetitionType::REQUIRED)};
    out.push_back(md);
  }
  {  // flat table with logical types, two row groups, key-value metadata, column orders
    FileMetaData md;
    md.version = 2;
    SchemaElement root;
    root.name = "spark_schema";
    root.num_children = 4;
    SchemaElement id = Leaf("id", Type::INT64, FieldRepetitionType::REQUIRED);
    SchemaElement name = Leaf("name", Type::BYTE_ARRAY, FieldRepetitionType::OPTIONAL);
    name.converted_type = ConvertedType::UTF8;
    name.logical_type = LogicalType{};
    name.logical_type->kind = LogicalType::STRING;
    SchemaElement ts = Leaf("ts", Type::INT64, FieldRepetitionType::OPTIONAL);
    ts.logical_type = LogicalType{};
    ts.logical_type->kind = LogicalType::TIMESTAMP;
    ts.logical_type->time_unit = TimeUnitKind::MICROS;
    ts.logical_type->is_adjusted_to_utc = true;
    SchemaElement price = Leaf("price", Type::FIXED_LEN_BYTE_ARRAY, FieldRepetitionType::OPTIONAL);
    price.type_length = 16;
    price.converted_type = ConvertedType::DECIMAL;
    price.scale = 2;
    price.precision = 38;
    price.logical_type = LogicalType{};
    price.logical_type->kind = LogicalType::DECIMAL;
    price.logical_type->decimal_scale = 2;
    price.logical_type->decimal_precision = 38;
    md.schema = {root, id, name, ts, price};
    md.num_rows = 2000;
    for (int g = 0; g < 2; ++g) {
      RowGroup rg;
      int64_t base = 4 + g * 20000;
      rg.columns = {Chunk("id", Type::INT64, CompressionCodec::SNAPPY, base, true),
                    Chunk("name", Type::BYTE_ARRAY, CompressionCodec::SNAPPY, base + 4000, false),
                    Chunk("ts", Type::INT64, CompressionCodec::ZSTD, base + 8000, true),
                    Chunk("price", Type::FIXED_LEN_BYTE_ARRAY, CompressionCodec::GZIP, base + 12000, false)};
      rg.total_byte_size = 32000;
      rg.num_rows = 1000;
      rg.file_offset = base;
      rg.ordinal = static_cast<int16_t>(g);
      md.row_groups.push_back(rg);
    }
    md.key_value_metadata = {{"writer.model.name", std::string("example")}, {"empty", std::nullopt}};
    md.created_by = "parquet-mr version 1.12.3 (build f8dced182c4c1fbdec6ccb3185537b5a01e6ed6b)";
    md.column_orders = {{true}, {true}, {true}, {true}};
    out.push_back(md);
  }
  {  // nested: list<struct<a:int32, b:map<string,int32>>>
    FileMetaData md;
    SchemaElement root;
    root.name = "schema";
    root.num_children = 1;
    SchemaElement list;
    list.name = "items";
    list.repetition_type = FieldRepetitionType::OPTIONAL;
    list.num_children = 1;
    list.converted_type = ConvertedType::LIST;
    list.logical_type = LogicalType{};
    list.logical_type->kind = LogicalType::LIST;
    SchemaElement rep;
    rep.name = "list";
    rep.repetition_type = FieldRepetitionType::REPEATED;
    rep.num_children = 1;
    SchemaElement elem;
    elem.name = "element";
    elem.repetition_type = FieldRepetitionType::OPTIONAL;
    elem.num_children = 2;
    SchemaElement a = Leaf("a", Type::INT32, FieldRepetitionType::OPTIONAL);
    a.logical_type = LogicalType{};
    a.logical_type->kind = LogicalType::INTEGER;
    a.logical_type->int_bit_width = 16;
    a.logical_type->int_is_signed = false;
    a.field_id = 7;
    SchemaElement map;
    map.name = "b";
    map.repetition_type = FieldRepetitionType::OPTIONAL;
    map.num_children = 1;
    map.converted_type = ConvertedType::MAP;
    SchemaElement kv;
    kv.name = "key_value";
    kv.repetition_type = FieldRepetitionType::REPEATED;
    kv.num_children = 2;
    SchemaElement key = Leaf("key", Type::BYTE_ARRAY, FieldRepetitionType::REQUIRED);
    SchemaElement value = Leaf("value", Type::INT32, FieldRepetitionType::OPTIONAL);
    md.schema = {root, list, rep, elem, a, map, kv, key, value};
    md.num_rows = 10;
    RowGroup rg;
    ColumnChunk c1 = Chunk("items", Type::INT32, CompressionCodec::LZ4_RAW, 4, true);
    c1.meta_data->path_in_schema = {"items", "list", "element", "a"};
    c1.offset_index_offset = 5000;
    c1.offset_index_length = 20;
    c1.column_index_offset = 5020;
    c1.column_index_length = 30;
    ColumnChunk c2 = Chunk("items", Type::BYTE_ARRAY, CompressionCodec::BROTLI, 400, false);
    c2.meta_data->path_in_schema = {"items", "list", "element", "b", "key_value", "key"};
    c2.meta_data->bloom_filter_offset = 6000;
    c2.meta_data->bloom_filter_length = 64;
    rg.columns = {c1, c2};
    rg.num_rows = 10;
    rg.total_byte_size = 800;
    rg.sorting_columns = {{0, false, true}};
    md.row_groups = {rg};
    out.push_back(md);
  }
  return out;
}

std::vector<PageHeader> PageHeaders() {
  std::vector<PageHeader> out;
  PageHeader dict;
  dict.type = PageType::DICTIONARY_PAGE;
  dict.uncompressed_page_size = 400;
  dict.compressed_page_size = 210;
  dict.dictionary_page_header = DictionaryPageHeader{100, Encoding::PLAIN, false};
  out.push_back(dict);
  PageHeader v1;
  v1.type = PageType::DATA_PAGE;
  v1.uncompressed_page_size = 1 << 20;
  v1.compressed_page_size = 1 << 18;
  v1.crc = 12345;
  DataPageHeader d;
  d.num_values = 100000;
  d.encoding = Encoding::RLE_DICTIONARY;
  Statistics s;
  s.null_count = 5;
  s.min_value = "a";
  s.max_value = "zz";
  d.statistics = s;
  v1.data_page_header = d;
  out.push_back(v1);
  PageHeader v2;
  v2.type = PageType::DATA_PAGE_V2;
  v2.uncompressed_page_size = 5000;
  v2.compressed_page_size = 3000;
  DataPageHeaderV2 h;
  h.num_values = 1000;
  h.num_nulls = 10;
  h.num_rows = 500;
  h.encoding = Encoding::DELTA_BINARY_PACKED;
  h.definition_levels_byte_length = 40;
  h.repetition_levels_byte_length = 20;
  h.is_compressed = false;
  v2.data_page_header_v2 = h;
  out.push_back(v2);
  return out;
}

bool WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output directory>\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  int i = 0;
  for (const FileMetaData& md : Footers()) {
    std::string bytes;
    SerializeFileMetaData(md, &bytes);
    if (!WriteFile(dir + "/footer_" + std::to_string(i++), bytes)) return 1;
  }
  i = 0;
  for (const PageHeader& h : PageHeaders()) {
    std::string bytes;
    SerializePageHeader(h, &bytes);
    if (!WriteFile(dir + "/page_header_" + std::to_string(i++), bytes)) return 1;
  }
  return 0;
}
