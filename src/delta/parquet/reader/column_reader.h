// Column chunk reader: reads one column chunk of one row group (all its pages), decompresses,
// decodes levels and values, and produces the leaf's columnar array in *slot* layout (one
// element per level entry that reaches the leaf's innermost repeated ancestor, see schema.h),
// with the validity bitmap written straight from the definition levels. The levels themselves
// are kept only when the record assembler needs them (nested columns).
// Thread-safety: ReadColumnChunk is reentrant; distinct chunks may be read concurrently (the
// RandomAccessFile supports concurrent ReadAt).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/io/file.h"
#include "delta/parquet/schema.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet::reader {

/// What ReadColumnChunk hands back for one leaf.
struct LeafData {
  /// The leaf values, one per slot, validity from the definition levels.
  columnar::ArrayPtr array;
  /// Level entries of the chunk (= ColumnMetaData.num_values).
  int64_t num_levels = 0;
  /// Definition / repetition levels (filled only when requested and max_def / max_rep > 0).
  std::vector<int16_t> def_levels;
  std::vector<int16_t> rep_levels;
};

struct ColumnChunkReadOptions {
  /// Keep def/rep levels in LeafData (needed when the leaf is below a struct, list or map).
  bool keep_levels = false;
  /// Row group index, for error messages.
  int row_group = 0;
  /// Expected number of rows (RowGroup.num_rows): checked against the levels.
  int64_t num_rows = -1;
};

/// Reads column chunk `chunk` of leaf `column` from `file`. `node` is the leaf's FieldNode (its
/// columnar type, conversion and slot thresholds). Errors name the column, row group and file:
/// CorruptData for a byte range outside the file, malformed pages, levels out of range, value
/// counts that do not add up, dictionary indices out of range; Unsupported for unsupported
/// encodings or codecs; IOError from the file.
Result<LeafData> ReadColumnChunk(const io::RandomAccessFile& file, const ColumnChunk& chunk,
                                 const ColumnDescriptor& column, const FieldNode& node,
                                 const ColumnChunkReadOptions& options);

}  // namespace delta::parquet::reader
