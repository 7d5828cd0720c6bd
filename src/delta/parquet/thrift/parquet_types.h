// The Parquet file metadata structures of apache/parquet-format src/main/thrift/parquet.thrift, as
// plain C++ structs (the subset a reader and writer need; unknown fields are skipped on read).
// Optional thrift fields are std::optional. Serialisation (Thrift compact protocol) is in
// parquet_serde.h. Thrift field ids are noted beside each member.
// Thread-safety: plain values. All structs compare with == (memberwise).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace delta::parquet {

enum class Type : int32_t {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
};

enum class ConvertedType : int32_t {
  UTF8 = 0,
  MAP = 1,
  MAP_KEY_VALUE = 2,
  LIST = 3,
  ENUM = 4,
  DECIMAL = 5,
  DATE = 6,
  TIME_MILLIS = 7,
  TIME_MICROS = 8,
  TIMESTAMP_MILLIS = 9,
  TIMESTAMP_MICROS = 10,
  UINT_8 = 11,
  UINT_16 = 12,
  UINT_32 = 13,
  UINT_64 = 14,
  INT_8 = 15,
  INT_16 = 16,
  INT_32 = 17,
  INT_64 = 18,
  JSON = 19,
  BSON = 20,
  INTERVAL = 21,
};

enum class FieldRepetitionType : int32_t { REQUIRED = 0, OPTIONAL = 1, REPEATED = 2 };

enum class Encoding : int32_t {
  PLAIN = 0,
  PLAIN_DICTIONARY = 2,
  RLE = 3,
  BIT_PACKED = 4,
  DELTA_BINARY_PACKED = 5,
  DELTA_LENGTH_BYTE_ARRAY = 6,
  DELTA_BYTE_ARRAY = 7,
  RLE_DICTIONARY = 8,
  BYTE_STREAM_SPLIT = 9,
};

enum class CompressionCodec : int32_t {
  UNCOMPRESSED = 0,
  SNAPPY = 1,
  GZIP = 2,
  LZO = 3,
  BROTLI = 4,
  LZ4 = 5,  // deprecated: Hadoop framing (or, from some writers, raw LZ4 frame); see compression/
  ZSTD = 6,
  LZ4_RAW = 7,
};

enum class PageType : int32_t { DATA_PAGE = 0, INDEX_PAGE = 1, DICTIONARY_PAGE = 2, DATA_PAGE_V2 = 3 };

const char* TypeName(Type t);
const char* ConvertedTypeName(ConvertedType t);
const char* EncodingName(Encoding e);
const char* CodecName(CompressionCodec c);
const char* PageTypeName(PageType t);

/// Statistics (field ids: max 1, min 2, null_count 3, distinct_count 4, max_value 5, min_value 6,
/// is_max_value_exact 7, is_min_value_exact 8). `max`/`min` are the deprecated fields (signed
/// comparison only); `max_value`/`min_value` follow the column's sort order.
struct Statistics {
  std::optional<std::string> max;
  std::optional<std::string> min;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
  std::optional<std::string> max_value;
  std::optional<std::string> min_value;
  std::optional<bool> is_max_value_exact;
  std::optional<bool> is_min_value_exact;

  bool operator==(const Statistics&) const = default;
};

enum class TimeUnitKind : int32_t { MILLIS = 1, MICROS = 2, NANOS = 3 };  // LogicalType TimeUnit union member ids

/// LogicalType union (field 10 of SchemaElement). `kind` is the union member id that was set.
struct LogicalType {
  enum Kind : int32_t {
    NONE = 0,
    STRING = 1,
    MAP = 2,
    LIST = 3,
    ENUM = 4,
    DECIMAL = 5,
    DATE = 6,
    TIME = 7,
    TIMESTAMP = 8,
    // 9 is reserved (INTERVAL)
    INTEGER = 10,
    UNKNOWN = 11,  // "null" type: always null
    JSON = 12,
    BSON = 13,
    UUID = 14,
    FLOAT16 = 15,
    VARIANT = 16,
    GEOMETRY = 17,
    GEOGRAPHY = 18,
  };
  Kind kind = NONE;
  // DECIMAL: scale 1, precision 2
  int32_t decimal_scale = 0;
  int32_t decimal_precision = 0;
  // TIME / TIMESTAMP: isAdjustedToUTC 1, unit 2
  bool is_adjusted_to_utc = false;
  TimeUnitKind time_unit = TimeUnitKind::MILLIS;
  // INTEGER: bitWidth 1 (i8), isSigned 2
  int8_t int_bit_width = 0;
  bool int_is_signed = true;

  bool operator==(const LogicalType&) const = default;
};

/// SchemaElement: type 1, type_length 2, repetition_type 3, name 4, num_children 5,
/// converted_type 6, scale 7, precision 8, field_id 9, logicalType 10.
struct SchemaElement {
  std::optional<Type> type;
  std::optional<int32_t> type_length;
  std::optional<FieldRepetitionType> repetition_type;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<int32_t> field_id;
  std::optional<LogicalType> logical_type;

  bool operator==(const SchemaElement&) const = default;
};

/// DataPageHeader: num_values 1, encoding 2, definition_level_encoding 3,
/// repetition_level_encoding 4, statistics 5.
struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::PLAIN;
  Encoding definition_level_encoding = Encoding::RLE;
  Encoding repetition_level_encoding = Encoding::RLE;
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeader&) const = default;
};

/// DictionaryPageHeader: num_values 1, encoding 2, is_sorted 3.
struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::PLAIN;
  std::optional<bool> is_sorted;

  bool operator==(const DictionaryPageHeader&) const = default;
};

/// DataPageHeaderV2: num_values 1, num_nulls 2, num_rows 3, encoding 4,
/// definition_levels_byte_length 5, repetition_levels_byte_length 6, is_compressed 7 (default
/// true), statistics 8.
struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::PLAIN;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
  std::optional<Statistics> statistics;

  bool operator==(const DataPageHeaderV2&) const = default;
};

/// PageHeader: type 1, uncompressed_page_size 2, compressed_page_size 3, crc 4,
/// data_page_header 5, index_page_header 6 (skipped), dictionary_page_header 7,
/// data_page_header_v2 8.
struct PageHeader {
  PageType type = PageType::DATA_PAGE;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<int32_t> crc;
  std::optional<DataPageHeader> data_page_header;
  std::optional<DictionaryPageHeader> dictionary_page_header;
  std::optional<DataPageHeaderV2> data_page_header_v2;

  bool operator==(const PageHeader&) const = default;
};

struct KeyValue {  // key 1, value 2
  std::string key;
  std::optional<std::string> value;

  bool operator==(const KeyValue&) const = default;
};

struct PageEncodingStats {  // page_type 1, encoding 2, count 3
  PageType page_type = PageType::DATA_PAGE;
  Encoding encoding = Encoding::PLAIN;
  int32_t count = 0;

  bool operator==(const PageEncodingStats&) const = default;
};

/// ColumnMetaData: type 1, encodings 2, path_in_schema 3, codec 4, num_values 5,
/// total_uncompressed_size 6, total_compressed_size 7, key_value_metadata 8, data_page_offset 9,
/// index_page_offset 10, dictionary_page_offset 11, statistics 12, encoding_stats 13,
/// bloom_filter_offset 14, bloom_filter_length 15 (size_statistics 16 etc. skipped).
struct ColumnMetaData {
  Type type = Type::BOOLEAN;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  CompressionCodec codec = CompressionCodec::UNCOMPRESSED;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  std::vector<KeyValue> key_value_metadata;
  int64_t data_page_offset = 0;
  std::optional<int64_t> index_page_offset;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
  std::vector<PageEncodingStats> encoding_stats;
  std::optional<int64_t> bloom_filter_offset;
  std::optional<int32_t> bloom_filter_length;

  bool operator==(const ColumnMetaData&) const = default;
};

/// ColumnChunk: file_path 1, file_offset 2, meta_data 3, offset_index_offset 4,
/// offset_index_length 5, column_index_offset 6, column_index_length 7 (crypto 8/9 unsupported).
struct ColumnChunk {
  std::optional<std::string> file_path;
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
  std::optional<int64_t> offset_index_offset;
  std::optional<int32_t> offset_index_length;
  std::optional<int64_t> column_index_offset;
  std::optional<int32_t> column_index_length;

  bool operator==(const ColumnChunk&) const = default;
};

struct SortingColumn {  // column_idx 1, descending 2, nulls_first 3
  int32_t column_idx = 0;
  bool descending = false;
  bool nulls_first = false;

  bool operator==(const SortingColumn&) const = default;
};

/// RowGroup: columns 1, total_byte_size 2, num_rows 3, sorting_columns 4, file_offset 5,
/// total_compressed_size 6, ordinal 7.
struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::vector<SortingColumn> sorting_columns;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
  std::optional<int16_t> ordinal;

  bool operator==(const RowGroup&) const = default;
};

/// ColumnOrder union: TYPE_ORDER 1 (empty struct). `type_defined_order` false means the union was
/// absent or an unknown member was set (then min/max must not be trusted for that column).
struct ColumnOrder {
  bool type_defined_order = false;

  bool operator==(const ColumnOrder&) const = default;
};

/// FileMetaData: version 1, schema 2, num_rows 3, row_groups 4, key_value_metadata 5,
/// created_by 6, column_orders 7 (encryption fields 8/9 make the file unsupported).
struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  std::vector<ColumnOrder> column_orders;

  bool operator==(const FileMetaData&) const = default;
};

}  // namespace delta::parquet
