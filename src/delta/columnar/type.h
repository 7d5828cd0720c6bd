// The columnar type system (Arrow's logical types, the subset libdelta needs) plus Field and
// Schema. Types are immutable and shared (TypePtr); build them with the factory functions below.
// Thread-safety: immutable after construction.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace delta::columnar {

enum class TypeId : uint8_t {
  kNull,
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal128,  // 16-byte little-endian two's complement unscaled value; precision 1..38
  kDate32,      // days since 1970-01-01, int32
  kTimestamp,   // int64 in unit(); timezone() empty = wall clock (no zone), else e.g. "UTC"
  kTime32,      // int32, unit second or milli
  kTime64,      // int64, unit micro or nano
  kString,      // utf8, int32 offsets
  kBinary,      // int32 offsets
  kLargeString, // int64 offsets
  kLargeBinary, // int64 offsets
  kFixedSizeBinary,
  kStruct,
  kList,       // int32 offsets, one child
  kLargeList,  // int64 offsets, one child
  kMap,        // int32 offsets, one child: non-null struct "entries" {key (non-null), value}
};

enum class TimeUnit : uint8_t { kSecond, kMilli, kMicro, kNano };

/// Key/value metadata of fields and schemas, in insertion order.
using KeyValueMetadata = std::vector<std::pair<std::string, std::string>>;

class DataType;
struct Field;
using TypePtr = std::shared_ptr<const DataType>;
using FieldPtr = std::shared_ptr<const Field>;

class DataType {
 public:
  TypeId id() const { return id_; }
  /// Fixed-size binary width in bytes (0 otherwise).
  int32_t byte_width() const { return byte_width_; }
  int32_t precision() const { return precision_; }
  int32_t scale() const { return scale_; }
  TimeUnit unit() const { return unit_; }
  const std::string& timezone() const { return timezone_; }
  /// Struct fields; the single element field for list/large_list; the entries field for map.
  const std::vector<FieldPtr>& children() const { return children_; }
  bool keys_sorted() const { return keys_sorted_; }

  /// Width in bits of one value for fixed-width types (bool = 1, decimal128 = 128,
  /// fixed_size_binary = 8 * byte_width); 0 for variable-width, nested and null.
  int bit_width() const;
  bool is_primitive_fixed() const { return bit_width() > 0; }
  bool is_binary_like() const;  // string, binary and their large variants
  bool is_large_offsets() const;  // large_string, large_binary, large_list
  bool is_nested() const;  // struct, list, large_list, map

  /// "int64", "decimal128(10, 2)", "timestamp[us, tz=UTC]", "struct<a: int32, b: list<item: string>>".
  std::string ToString() const;
  /// Structural equality (field names, nullability and metadata of children included).
  bool Equals(const DataType& other) const;

  // Construction: use the factory functions below.
  explicit DataType(TypeId id) : id_(id) {}
  int32_t byte_width_ = 0;
  int32_t precision_ = 0;
  int32_t scale_ = 0;
  TimeUnit unit_ = TimeUnit::kMicro;
  std::string timezone_;
  std::vector<FieldPtr> children_;
  bool keys_sorted_ = false;

 private:
  TypeId id_;
};

struct Field {
  std::string name;
  TypePtr type;
  bool nullable = true;
  KeyValueMetadata metadata;

  std::string ToString() const;
  bool Equals(const Field& other) const;
  /// Value of a metadata key, if present.
  std::optional<std::string> GetMetadata(const std::string& key) const;
};

FieldPtr MakeField(std::string name, TypePtr type, bool nullable = true, KeyValueMetadata metadata = {});

TypePtr Null();
TypePtr Bool();
TypePtr Int8();
TypePtr Int16();
TypePtr Int32();
TypePtr Int64();
TypePtr UInt8();
TypePtr UInt16();
TypePtr UInt32();
TypePtr UInt64();
TypePtr Float32();
TypePtr Float64();
TypePtr Decimal128(int32_t precision, int32_t scale);
TypePtr Date32();
TypePtr Timestamp(TimeUnit unit, std::string timezone = "");
TypePtr Time32(TimeUnit unit);  // kSecond or kMilli
TypePtr Time64(TimeUnit unit);  // kMicro or kNano
TypePtr Utf8();
TypePtr Binary();
TypePtr LargeUtf8();
TypePtr LargeBinary();
TypePtr FixedSizeBinary(int32_t byte_width);
TypePtr Struct(std::vector<FieldPtr> fields);
TypePtr List(FieldPtr element);
TypePtr List(TypePtr element_type);  // element field named "item", nullable
TypePtr LargeList(FieldPtr element);
/// Map with an entries struct {key: key_type (non-null), value: item_type (nullable unless said)}.
TypePtr Map(TypePtr key_type, TypePtr item_type, bool item_nullable = true, bool keys_sorted = false);
TypePtr Map(FieldPtr entries);  // entries must be a non-null struct of two fields

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<FieldPtr> fields, KeyValueMetadata metadata = {})
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}
  const std::vector<FieldPtr>& fields() const { return fields_; }
  int num_fields() const { return static_cast<int>(fields_.size()); }
  const FieldPtr& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  const KeyValueMetadata& metadata() const { return metadata_; }
  /// Index of the first field with this name, or -1.
  int GetFieldIndex(const std::string& name) const;
  std::string ToString() const;
  bool Equals(const Schema& other) const;

 private:
  std::vector<FieldPtr> fields_;
  KeyValueMetadata metadata_;
};

using SchemaPtr = std::shared_ptr<const Schema>;

}  // namespace delta::columnar
