// WriterProperties: the knobs of the Parquet writer (page and row group sizes, encodings,
// compression, statistics). Included by file_writer.h, which is the public entry point.
// Thread-safety: a plain value; copy it freely.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "delta/columnar/type.h"
#include "delta/parquet/compression/codec.h"
#include "delta/parquet/thrift/parquet_types.h"

namespace delta::parquet {

struct WriterProperties {
  /// Codec of every page (dictionary and data pages).
  CompressionCodec compression = CompressionCodec::SNAPPY;
  /// Codec-specific level (ZSTD 1..22, GZIP 1..9, BROTLI 0..11), or the codec default.
  int compression_level = kDefaultCompressionLevel;
  /// A row group is closed once it holds this many rows...
  int64_t max_row_group_rows = int64_t{1} << 20;
  /// ...or once its encoded column chunks add up to about this many bytes.
  int64_t max_row_group_bytes = int64_t{128} << 20;
  /// Target size of a data page's encoded values + levels (before compression).
  int64_t data_page_size = int64_t{1} << 20;
  /// At most this many rows per data page.
  int64_t data_page_row_limit = 20000;
  /// Dictionary-encode every column except BOOLEAN unless column_encodings says otherwise.
  bool dictionary_enabled = true;
  /// A column chunk whose PLAIN-encoded dictionary grows past this falls back to PLAIN for the
  /// rest of the chunk (pages already written stay dictionary-encoded).
  int64_t dictionary_page_size_limit = int64_t{1} << 20;
  /// Write column-chunk and (v1) page statistics.
  bool write_statistics = true;
  /// Binary/string min and max statistics longer than this are truncated (and marked inexact).
  int32_t max_statistics_size = 64;
  /// Write DATA_PAGE_V2 pages (levels uncompressed before the compressed values).
  bool data_page_v2 = false;
  /// Per-column value encoding, keyed by the dot-joined column path ("a.list.element"):
  /// PLAIN, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT,
  /// RLE (BOOLEAN), or RLE_DICTIONARY / PLAIN_DICTIONARY to force the dictionary. A column so
  /// configured with a non-dictionary encoding is not dictionary-encoded.
  std::map<std::string, Encoding> column_encodings;
  /// Written into the footer's key_value_metadata.
  columnar::KeyValueMetadata key_value_metadata;
  std::string created_by = "deltacpp version 0.1.0";
  /// Column chunks are encoded on this many threads (1 = on the calling thread).
  int num_threads = 1;
};

}  // namespace delta::parquet
