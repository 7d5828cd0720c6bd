// Record assembly (Dremel, as Parquet applies it: README.md "Nested Encoding"): the one place
// that rebuilds struct/list/map arrays — validity and offsets at every nesting level — from the
// definition/repetition levels of the leaf columns and the leaves' slot arrays produced by
// ReadColumnChunk. Flat columns never reach the level loops: a top-level primitive's leaf
// array already is the column.
// Thread-safety: pure functions over caller-owned inputs.
#pragma once

#include <cstdint>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/parquet/reader/column_reader.h"
#include "delta/parquet/schema.h"
#include "delta/util/result.h"

namespace delta::parquet::reader {

/// Builds the array of one top-level field. `leaves[i]` is the LeafData of leaf i of the
/// SchemaDescriptor (only the leaves under `field` are used; those must have been read with
/// keep_levels unless `field` is a primitive). CorruptData when the leaves disagree with each
/// other or with `num_rows` (e.g. a child with fewer slots than its parent expects).
Result<columnar::ArrayPtr> AssembleField(const FieldNode& field, const std::vector<const LeafData*>& leaves,
                                         int64_t num_rows);

}  // namespace delta::parquet::reader
