// ArrayData and RecordBatch: columnar data in the Arrow memory layout, so that export through the
// C Data Interface is zero-copy.
//
// Buffers per type (exactly as the Arrow columnar format specifies; buffers[0] is the validity
// bitmap, which may be null when null_count == 0):
//   null:                       {}               (no buffers at all)
//   bool:                       {validity, bits}
//   fixed width (ints, floats, decimal128, date32, timestamp, time, fixed_size_binary):
//                               {validity, values}
//   string/binary:              {validity, int32 offsets (length+1), data}
//   large_string/large_binary:  {validity, int64 offsets (length+1), data}
//   struct:                     {validity}                 children: one per field
//   list / map:                 {validity, int32 offsets}  children: {element} / {entries struct}
//   large_list:                 {validity, int64 offsets}  children: {element}
// `offset` is a logical offset in elements into every buffer (and for nested children: into the
// offsets/validity, not the children themselves), as in Arrow.
// Thread-safety: immutable once built; share freely via ArrayPtr.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "delta/columnar/buffer.h"
#include "delta/columnar/type.h"
#include "delta/util/bit_util.h"

namespace delta::columnar {

inline constexpr int64_t kUnknownNullCount = -1;

struct ArrayData;
using ArrayPtr = std::shared_ptr<ArrayData>;

struct ArrayData {
  TypePtr type;
  int64_t length = 0;
  int64_t null_count = 0;  // kUnknownNullCount when not computed yet
  int64_t offset = 0;
  std::vector<BufferPtr> buffers;
  std::vector<ArrayPtr> children;

  /// Null count, computing (and caching) it from the validity bitmap when unknown.
  int64_t GetNullCount();
  /// Null count without caching (counts the bitmap when unknown); usable on a const array.
  int64_t GetNullCountConst() const;
  bool IsValid(int64_t i) const {
    if (type->id() == TypeId::kNull) return false;
    return buffers.empty() || !buffers[0] || bit_util::GetBit(buffers[0]->data(), offset + i);
  }
  bool IsNull(int64_t i) const { return !IsValid(i); }

  /// Typed pointer to the values buffer (buffers[1]) shifted by `offset` (fixed width only,
  /// not bool).
  template <typename T>
  const T* values() const { return buffers[1]->data_as<T>() + offset; }
  /// Value i of a bool array.
  bool GetBool(int64_t i) const { return bit_util::GetBit(buffers[1]->data(), offset + i); }
  /// Value i of a string/binary array (either offset width).
  std::string_view GetView(int64_t i) const;
  /// Value i of a fixed_size_binary or decimal128 array.
  std::string_view GetFixed(int64_t i) const;
  /// Begin/end offsets of list/map element i into the child (either offset width).
  std::pair<int64_t, int64_t> GetListRange(int64_t i) const;

  /// Zero-copy slice [offset, offset+length) of this array.
  ArrayPtr Slice(int64_t offset, int64_t length) const;

  /// Checks the layout invariants (buffer count and sizes, offsets monotonic and in range,
  /// child lengths, utf8 is NOT checked). Use on imported or decoded data in tests and at trust
  /// boundaries. Returns Invalid/CorruptData naming what is wrong.
  Status Validate() const;
};

/// A set of equal-length columns with a schema.
struct RecordBatch {
  SchemaPtr schema;
  int64_t num_rows = 0;
  std::vector<ArrayPtr> columns;

  int num_columns() const { return static_cast<int>(columns.size()); }
  const ArrayPtr& column(int i) const { return columns[static_cast<size_t>(i)]; }
  /// Schema/column agreement and every column's Validate().
  Status Validate() const;
  /// Zero-copy slice of every column.
  std::shared_ptr<RecordBatch> Slice(int64_t offset, int64_t length) const;
};

using RecordBatchPtr = std::shared_ptr<RecordBatch>;

/// Pull-based stream of record batches (what readers hand out). Next() yields nullptr at end.
class RecordBatchReader {
 public:
  virtual ~RecordBatchReader() = default;
  virtual SchemaPtr schema() const = 0;
  virtual Result<RecordBatchPtr> Next() = 0;
};

/// A reader over batches already in memory (shares them; yields them in order, then nullptr).
std::shared_ptr<RecordBatchReader> MakeRecordBatchReader(SchemaPtr schema, std::vector<RecordBatchPtr> batches);

/// Structural equality of two arrays' logical values (validity + values, ignoring offsets and
/// buffer padding); `diff` (optional) receives a description of the first difference.
bool ArrayEquals(const ArrayData& a, const ArrayData& b, std::string* diff = nullptr);

}  // namespace delta::columnar
