// Exact deduplication of a string column's values, without Python: every distinct byte string
// gets a small id (in order of first appearance) and a use count. to_pandas makes one Python str
// per id instead of one per row, so a column of 50 million rows with a million distinct values
// allocates a million objects, not fifty million (pyarrow's to_pandas shares objects the same
// way by default, `deduplicate_objects=True`). The work here needs no GIL and runs while other
// Python threads go on.
//
// An open-addressing table (linear probing, load <= 1/2) of (64-bit hash, id, count) slots; the
// bytes live in an arena, compared in full on every hash match, so equal hashes of different
// strings never merge them. Probes are prefetched a few rows ahead: a table of millions of slots
// does not fit any cache, and the misses of neighbouring rows then overlap.
// Thread-safety: none; one deduper per column, used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "delta/columnar/array.h"

namespace delta::python {

class StringDeduper {
 public:
  /// The id written for a null row.
  static constexpr uint64_t kNullId = ~uint64_t{0};
  static constexpr int64_t kWindow = int64_t{1} << 16;
  static constexpr uint32_t kMaxCheapDistinct = uint32_t{1} << 18;

  /// Writes the id of each value of `a` (a string or large_string array) to out[0..a.length),
  /// kNullId for nulls; new distinct values get the next ids. Stops early, at the end of a
  /// window, once MostlyDistinct(): returns the rows done.
  int64_t Add(const columnar::ArrayData& a, uint64_t* out);

  /// Distinct values so far.
  uint32_t size() const { return static_cast<uint32_t>(values_.size()); }
  std::string_view value(uint32_t id) const { return values_[id]; }
  /// How many rows hold each value: (*uses)[id] for every id.
  void CollectUses(std::vector<uint64_t>* uses) const;
  /// Null rows seen.
  uint64_t nulls() const { return nulls_; }
  /// Whether sharing has stopped paying, judged at the end of each window of kWindow non-null
  /// rows: more than 98% of the window were values not seen before (ids, free text: a uniform
  /// column of a million distinct values has 97% new values in its first window, one of four
  /// million 99%), or the table has grown past kMaxCheapDistinct values used fewer than 8 times
  /// each so far (its probes then miss the caches and cost more than making the objects).
  bool MostlyDistinct() const { return mostly_distinct_; }

 private:
  struct Slot {
    uint64_t hash;
    uint32_t id_plus_one;  // 0: empty
    uint32_t count;        // uses, modulo 2^32 (wraps are counted in wraps_)
  };
  template <typename Offset>
  /// Rows [begin, end) of `a`; `validity` is its bitmap, or null when it has no nulls.
  void AddTyped(const columnar::ArrayData& a, const uint8_t* validity, int64_t begin, int64_t end, uint64_t* out);
  uint32_t Insert(uint64_t hash, const char* p, size_t n, size_t slot);
  void Grow();

  std::vector<Slot> slots_;
  uint64_t mask_ = 0;
  // The bytes of the values, in blocks that never move (a value longer than a block gets its own).
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* block_ = nullptr;  // the block small values go to
  size_t block_used_ = 0;
  std::vector<std::string_view> values_;  // by id, into blocks_
  int64_t window_rows_ = 0;               // non-null rows of the current window
  int64_t window_new_ = 0;                // of which new values
  bool mostly_distinct_ = false;
  std::vector<uint64_t> hashes_;     // scratch: one batch's hashes
  std::vector<std::pair<uint32_t, uint64_t>> wraps_;  // ids whose count passed 2^32 (rare)
  uint64_t nulls_ = 0;
  int64_t rows_ = 0;
};

}  // namespace delta::python
