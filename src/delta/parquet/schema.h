// Parquet schema model shared by the reader and the writer: the validated tree of a file's
// flattened SchemaElement list (FileMetaData.schema), its leaf columns with their maximum
// definition/repetition levels, and the mapping of that tree to columnar (Arrow-layout) fields
// following apache/parquet-format LogicalTypes.md, including every backward-compatibility rule
// for lists and maps.
//
// The columnar mapping is a tree of FieldNodes. Each node carries the level thresholds the
// record assembler (reader/assembly.h) needs to rebuild validity and offsets from the levels of
// its leaves (Dremel):
//   - an entry (def, rep) of a leaf's levels opens a *slot* of a node when rep <= slot_rep and
//     def >= slot_def (the enclosing repeated ancestor has an element there);
//   - the slot is non-null when def >= def_level;
//   - for a list/map node, an entry with rep <= slot_rep + 1 and def >= elem_def is an element.
// The writer engineer adds the columnar -> Parquet direction in writer/schema_writer.cc.
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/type.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

/// Maximum nesting depth of a Parquet schema we accept (hostile input guard).
inline constexpr int kMaxSchemaDepth = 64;

/// Columnar metadata key carrying a Parquet field id.
inline constexpr const char* kParquetFieldIdKey = "PARQUET:field_id";

/// One node of the Parquet schema tree (a SchemaElement with its place in the tree).
struct SchemaNode {
  int element_index = 0;  // index into FileMetaData.schema
  int parent = -1;        // node index of the parent (-1 for the root)
  std::vector<int> children;
  bool is_leaf = false;
  FieldRepetitionType repetition = FieldRepetitionType::REQUIRED;
  /// Definition / repetition level reached at this node (cumulative from the root, this
  /// node included: +1 def for OPTIONAL and REPEATED, +1 rep for REPEATED).
  int16_t def_level = 0;
  int16_t rep_level = 0;
  int leaf_index = -1;  // for leaves: index into SchemaDescriptor::leaves()
};

/// A leaf (primitive) column.
struct ColumnDescriptor {
  int node = 0;           // index into SchemaDescriptor::nodes()
  int element_index = 0;  // index into FileMetaData.schema
  std::vector<std::string> path;  // path_in_schema, e.g. {"a", "list", "element"}
  std::string dotted_path;        // "a.list.element"
  Type physical_type = Type::INT32;
  int32_t type_length = 0;
  int16_t max_def = 0;
  int16_t max_rep = 0;
  /// Definition level of the nearest REPEATED ancestor (0 when there is none): a level entry
  /// below it does not produce a slot in the leaf array.
  int16_t repeated_ancestor_def = 0;
  int top_level_field = 0;  // index of the root's child this leaf descends from
  SchemaElement element;    // a copy of the leaf's SchemaElement
};

/// The validated schema tree.
class SchemaDescriptor {
 public:
  /// Builds the tree from the flat depth-first list. CorruptData when the list is empty, a
  /// num_children count overruns or leaves elements unused, a name is empty, a leaf has no
  /// physical type, a FIXED_LEN_BYTE_ARRAY has no positive type_length, a group has no children,
  /// or the depth exceeds kMaxSchemaDepth. The root's repetition is ignored.
  static Result<std::shared_ptr<const SchemaDescriptor>> Make(const std::vector<SchemaElement>& elements);

  const std::vector<SchemaElement>& elements() const { return elements_; }
  const std::vector<SchemaNode>& nodes() const { return nodes_; }
  const SchemaNode& node(int i) const { return nodes_[static_cast<size_t>(i)]; }
  const SchemaElement& element_of(int node) const {
    return elements_[static_cast<size_t>(nodes_[static_cast<size_t>(node)].element_index)];
  }
  const std::vector<ColumnDescriptor>& leaves() const { return leaves_; }
  int num_columns() const { return static_cast<int>(leaves_.size()); }
  const ColumnDescriptor& column(int i) const { return leaves_[static_cast<size_t>(i)]; }
  /// Leaf index by dotted path, or -1.
  int FindColumn(const std::string& dotted_path) const;
  /// Node index of the root (always 0).
  static constexpr int kRoot = 0;

 private:
  std::vector<SchemaElement> elements_;
  std::vector<SchemaNode> nodes_;
  std::vector<ColumnDescriptor> leaves_;
};

using SchemaDescriptorPtr = std::shared_ptr<const SchemaDescriptor>;

/// How the physical values of a leaf become columnar values.
enum class ValueConversion : uint8_t {
  kNone,          // same bytes (int32, int64, float, double, FLBA, binary/string)
  kBool,          // bytes -> bitmap
  kInt32ToInt8,   // narrowing (INT_8 / INTEGER(8, true))
  kInt32ToInt16,
  kInt32ToUInt8,
  kInt32ToUInt16,
  kInt96ToNanos,  // Julian day + nanos of day -> int64 ns since the epoch
  kDecimalInt32,  // -> decimal128 (sign-extended)
  kDecimalInt64,
  kDecimalBytes,  // big-endian two's complement (FLBA or BYTE_ARRAY) -> decimal128
  kNull,          // UNKNOWN logical type: every value null
};

/// One node of the columnar reconstruction tree.
struct FieldNode {
  enum Kind : uint8_t { kPrimitive, kStruct, kList, kMap };
  Kind kind = kPrimitive;
  columnar::FieldPtr field;
  int schema_node = 0;  // the SchemaNode this columnar field stands for
  // Level thresholds (see the header comment).
  int16_t slot_rep = 0;
  int16_t slot_def = 0;
  int16_t def_level = 0;
  int16_t elem_def = 0;  // lists/maps only
  // kPrimitive
  int leaf_index = -1;
  ValueConversion conversion = ValueConversion::kNone;
  // Leaves under this node: [first_leaf, first_leaf + num_leaves) in SchemaDescriptor order.
  int first_leaf = 0;
  int num_leaves = 0;
  /// kStruct: fields; kList: {element}; kMap: {entries struct (key, value)}.
  std::vector<FieldNode> children;
};

/// The columnar view of a whole file schema.
struct ColumnarSchema {
  columnar::SchemaPtr schema;
  std::vector<FieldNode> fields;  // one per top-level field, parallel to schema->fields()
};

/// Maps the Parquet tree to columnar fields (LogicalTypes.md; logical types win over converted
/// types). Unsupported (naming the column) for a decimal precision > 38 and for an unknown
/// physical type; CorruptData for malformed LIST/MAP groups that no compatibility rule accepts.
/// `key_value_metadata` becomes the schema's metadata.
Result<ColumnarSchema> ToColumnarSchema(const SchemaDescriptor& descr,
                                        const std::vector<KeyValue>& key_value_metadata = {});

/// The columnar type (and conversion) of one leaf as LogicalTypes.md maps it.
Status LeafColumnarType(const ColumnDescriptor& leaf, columnar::TypePtr* type, ValueConversion* conversion);

/// Projects `full` to the given columns: each entry is a top-level name or a dotted path of
/// Parquet names ("a.b" keeps struct a with only b; a map is kept whole once any part is
/// selected). Order follows the file schema. InvalidArgument naming an unknown column.
Result<ColumnarSchema> ProjectSchema(const ColumnarSchema& full, const SchemaDescriptor& descr,
                                     const std::vector<std::string>& columns);

}  // namespace delta::parquet
