// Shredding (Dremel record striping, as the Parquet format applies it): turns a top-level
// columnar array into the definition/repetition levels of one leaf column plus the positions of
// the leaf slots whose ancestors are all present. This is the only place that understands
// nesting; the column writer consumes its output.
// Thread-safety: pure functions; the output is owned by the caller.
#pragma once

#include <cstdint>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/parquet/writer/schema_writer.h"
#include "delta/util/result.h"

namespace delta::parquet::writer {

/// The levels and value positions of one leaf column for a run of top-level rows.
struct ShreddedLeaf {
  /// The leaf array the slots index (logical indices, its own offset not yet applied).
  const columnar::ArrayData* leaf = nullptr;
  /// Number of level entries (= values incl. nulls and empty lists the page counts).
  int64_t num_levels = 0;
  /// Number of top-level rows.
  int64_t num_rows = 0;
  /// Definition levels (empty when max_def == 0) and repetition levels (empty when max_rep == 0).
  std::vector<int16_t> def_levels;
  std::vector<int16_t> rep_levels;
  /// Runs [start, start+length) of leaf slots reached with every ancestor present, in level order.
  /// A slot may still be a null leaf (its def level is max_def - 1); the value writer skips those
  /// by the leaf validity. Slots correspond 1:1, in order, to levels with def >= slot_def().
  struct Run {
    int64_t start;
    int64_t length;
  };
  std::vector<Run> runs;
  /// Whether levels and leaf slots correspond 1:1 (flat column: no list on the path and no
  /// nullable struct above the leaf).
  bool one_to_one = false;
};

/// The definition level at which a leaf slot exists (max_def, less one if the leaf is nullable).
inline int16_t SlotDefLevel(const LeafColumn& col) {
  return static_cast<int16_t>(col.max_def - (col.leaf_nullable ? 1 : 0));
}

/// Shreds rows [0, column.length) of a top-level column for `leaf`. InvalidArgument when the
/// array's shape does not match the schema (missing children/buffers) or a level count would
/// exceed 2^31 - 1 per page chunk limits.
Status ShredLeaf(const columnar::ArrayData& column, const LeafColumn& leaf, ShreddedLeaf* out);

}  // namespace delta::parquet::writer
