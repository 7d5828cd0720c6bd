// Turning parsed JSON messages into rows of a record batch in the table's schema, with the values
// of transforms laid over the message. Coercions (KDI's, made strict where it was lax):
//   - numbers to the column's integer width, out of range is an error (never wrapped); a number
//     with a fraction or exponent is not an integer; floats and doubles take any number;
//     decimals take numbers and numeric strings at the column's scale;
//   - ISO-8601 strings ("YYYY-MM-DD[T| ]HH:MM[:SS[.f]][Z|±HH[:MM]]" or a date alone) to
//     timestamps (UTC; the offset is applied) and timestamp_ntz (wall clock as written); an
//     integer to a timestamp column is microseconds since the epoch; dates from "YYYY-MM-DD";
//   - nested JSON (objects, arrays) and numbers / booleans to string columns as their JSON text;
//   - objects to structs (fields by name, unknown ones ignored) and maps, arrays to lists;
//   - a missing field or JSON null is null, an error for a non-nullable column.
// A row is checked completely before any column is appended, so a bad message leaves the batch
// untouched (the caller sends it to the dead-letter table).
// Thread-safety: a RowBatchBuilder is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "delta/columnar/array.h"
#include "delta/columnar/builder.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"
#include "ingest/transform.h"

namespace delta::ingest {

/// Transform results for one message, as a tree of target paths.
struct Overlay {
  struct Node {
    std::string name;
    const Value* value = nullptr;  // set for a leaf
    std::vector<Node> children;
  };
  std::vector<Node> roots;

  bool empty() const { return roots.empty(); }
  void Clear() { roots.clear(); }
  /// Places `value` (owned by the caller, alive while the overlay is used) at `path`.
  void Set(const std::vector<std::string>& path, const Value* value);
};

/// Parses "YYYY-MM-DD", "YYYY-MM-DD[T| ]HH:MM[:SS[.fffffffff]][Z|z|±HH[[:]MM]]" into
/// microseconds since the epoch (the offset subtracted unless `ignore_offset`). False when the
/// text is not such a timestamp or a field is out of range.
bool ParseIso8601(std::string_view text, bool ignore_offset, int64_t* micros);

class RowBatchBuilder {
 public:
  /// One column builder per field of `schema`.
  static Result<std::unique_ptr<RowBatchBuilder>> Make(columnar::SchemaPtr schema);

  /// Appends one row from `doc` (a JSON object) and `overlay`. InvalidArgument naming the column
  /// and what does not fit; then nothing was appended.
  Status AppendRow(simdjson::dom::element doc, const Overlay& overlay);

  int64_t num_rows() const { return num_rows_; }
  const columnar::SchemaPtr& schema() const { return schema_; }
  /// The rows so far as a batch; the builder is empty afterwards.
  Result<columnar::RecordBatchPtr> Finish();

 private:
  RowBatchBuilder() = default;
  template <bool kDry>
  Status PutRow(simdjson::dom::element doc, const Overlay& overlay);
  template <bool kDry>
  Status PutElement(columnar::ArrayBuilder* b, const columnar::Field& field, simdjson::dom::element v,
                    const std::vector<Overlay::Node>* overlay);
  template <bool kDry>
  Status PutValue(columnar::ArrayBuilder* b, const columnar::Field& field, const Value& v);
  template <bool kDry>
  Status PutStruct(columnar::ArrayBuilder* b, const columnar::Field& field, const simdjson::dom::object* obj,
                   const std::vector<Overlay::Node>* overlay);
  template <bool kDry>
  Status PutNull(columnar::ArrayBuilder* b, const columnar::Field& field);
  template <bool kDry>
  Status PutText(columnar::ArrayBuilder* b, const columnar::Field& field, std::string_view text);
  template <bool kDry>
  Status PutInt(columnar::ArrayBuilder* b, const columnar::Field& field, int64_t v);
  template <bool kDry>
  Status PutUInt(columnar::ArrayBuilder* b, const columnar::Field& field, uint64_t v);
  template <bool kDry>
  Status PutDouble(columnar::ArrayBuilder* b, const columnar::Field& field, double v);
  template <bool kDry>
  Status PutBool(columnar::ArrayBuilder* b, const columnar::Field& field, bool v);
  Status Error(std::string message) const;

  columnar::SchemaPtr schema_;
  std::vector<columnar::ArrayBuilderPtr> builders_;
  int64_t num_rows_ = 0;
  std::vector<std::string_view> path_;  // the column being converted, for messages
  simdjson::dom::parser scratch_;      // re-parses computed nested values
  std::string text_;                   // scratch text
};

/// A schema for messages like `doc` (for --auto-create and --schema-evolution merge): integers
/// long, other numbers double, booleans boolean, strings string, objects structs (recursively),
/// arrays lists of their first non-null element's type (string when none); nulls string. Every
/// column nullable. InvalidArgument when `doc` is not an object.
Result<columnar::SchemaPtr> InferSchema(simdjson::dom::element doc);

/// `schema` with the fields of `other` it lacks appended (recursively inside structs).
/// Returns null when nothing was added.
columnar::SchemaPtr MergeNewFields(const columnar::Schema& schema, const columnar::Schema& other);

}  // namespace delta::ingest
