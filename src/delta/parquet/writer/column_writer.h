// The column chunk writer: turns the shredded rows of one leaf column into the pages of a
// column chunk (apache/parquet-format README.md "Column chunks", "Data Pages"): levels, values
// (dictionary-encoded by default with PLAIN fallback, or a configured encoding), compression,
// page and chunk statistics, and the chunk's ColumnMetaData.
// A chunk is buffered in memory until Finish(), because the dictionary page must come first and
// its contents are only known at the end.
// Thread-safety: one writer per thread; distinct writers are independent (the file writer
// encodes the columns of a row group in parallel).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/parquet/writer/properties.h"
#include "delta/parquet/writer/schema_writer.h"
#include "delta/util/result.h"

namespace delta::parquet::writer {

/// A finished column chunk: its bytes (the dictionary page, if any, then the data pages) and
/// its metadata with offsets relative to the start of `dictionary_page`.
struct FinishedChunk {
  std::string dictionary_page;  // header + body, empty when not dictionary-encoded
  /// Page headers and bodies, to be written in order (kept as pieces to avoid copying pages).
  std::vector<std::string> data_pages;
  int64_t data_pages_size = 0;
  ColumnMetaData meta;
  int64_t size() const { return static_cast<int64_t>(dictionary_page.size()) + data_pages_size; }
};

class ColumnChunkWriter {
 public:
  virtual ~ColumnChunkWriter() = default;
  /// Writes every row of a top-level column (the whole array, respecting its offset). The array
  /// must match the leaf's schema; InvalidArgument otherwise; errors from the codecs pass through.
  virtual Status Write(const columnar::ArrayData& column) = 0;
  /// Encoded bytes buffered for the current chunk (before compression of the open page).
  virtual int64_t EstimatedSize() const = 0;
  /// Closes the chunk and starts a new one (same column) for the next row group.
  virtual Status Finish(FinishedChunk* out) = 0;
};

/// A writer for `column` (which must outlive it). InvalidArgument for an encoding that does not
/// apply to the column's physical type; Unsupported for an unavailable codec.
Result<std::unique_ptr<ColumnChunkWriter>> MakeColumnChunkWriter(const LeafColumn& column,
                                                                 const WriterProperties& props);

// ---------------------------------------------------------------- statistics helpers (exposed for tests)
/// Truncates a binary/string min bound to at most `max_len` bytes (keeping UTF-8 valid when
/// `utf8`). Returns true when it was truncated.
bool TruncateMinStat(std::string* value, int32_t max_len, bool utf8);
/// Truncates a max bound to at most `max_len` bytes and increments it so it stays an upper bound
/// (carrying into earlier bytes; UTF-8 kept valid when `utf8`). Returns false when no such bound
/// exists (every byte 0xFF): the max must then be omitted. `*truncated` says whether it changed.
bool TruncateMaxStat(std::string* value, int32_t max_len, bool utf8, bool* truncated);

}  // namespace delta::parquet::writer
