// Builders: append values one at a time (or in bulk) and Finish() into an immutable ArrayData in
// the Arrow layout (see array.h). Used by the Parquet reader to assemble columns, by tests and by
// the CLI. Plus helpers to make all-null arrays and to concatenate arrays of one type.
//
// Usage: a typed builder (Int64Builder, StringBuilder, ...) is used directly; for a type only
// known at run time MakeBuilder(type) returns the right builder, and nested builders expose their
// child builders (StructBuilder::child, ListBuilder::value_builder, MapBuilder::key_builder /
// item_builder) to which the caller appends the nested values.
//
// Errors: Append* return OutOfMemory when memory runs out, InvalidArgument for a value that does
// not fit the type (wrong fixed width, int32 offsets overflow); Finish returns InvalidArgument if
// nested child lengths are inconsistent. After Finish() a builder is empty and can be reused.
// Thread-safety: a builder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/buffer.h"
#include "delta/columnar/type.h"
#include "delta/util/macros.h"

namespace delta::columnar {

/// Append-only bitmap (LSB bit order, as Arrow). Not thread-safe.
class BitmapBuilder {
 public:
  Status Reserve(int64_t additional_bits) { return bytes_.Reserve(bit_util::BytesForBits(length_ + additional_bits) - bytes_.size()); }
  Status Append(bool bit) {
    if ((length_ & 7) == 0) DELTA_RETURN_NOT_OK(bytes_.AppendValue<uint8_t>(0));
    if (bit) bit_util::SetBit(bytes_.mutable_data(), length_);
    ++length_;
    return Status::OK();
  }
  /// Appends n copies of `bit`.
  Status AppendN(int64_t n, bool bit);
  /// Appends bits [offset, offset+n) of `bits`.
  Status AppendBits(const uint8_t* bits, int64_t offset, int64_t n);
  /// Appends one bit per byte (non-zero = set).
  Status AppendBytes(const uint8_t* bytes, int64_t n);
  int64_t length() const { return length_; }
  uint8_t* mutable_data() { return bytes_.mutable_data(); }
  /// The bitmap (BytesForBits(length()) bytes, unused high bits zero); resets the builder.
  Result<BufferPtr> Finish() {
    length_ = 0;
    return bytes_.Finish();
  }

 private:
  BufferBuilder bytes_;
  int64_t length_ = 0;
};

class ArrayBuilder {
 public:
  explicit ArrayBuilder(TypePtr type) : type_(std::move(type)) {}
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const TypePtr& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  /// Appends one null (nested builders also append a placeholder to their children where the
  /// layout needs it: struct children get a null each, lists get an empty range).
  virtual Status AppendNull() = 0;
  virtual Status AppendNulls(int64_t n);
  /// Reserves room for `additional` more elements (not nested values).
  virtual Status Reserve(int64_t additional);
  /// Hands the built array over and resets the builder.
  virtual Result<ArrayPtr> Finish() = 0;

 protected:
  // Records the validity of the next element. The bitmap is only materialised once the first
  // null arrives, so all-valid columns pay one branch per value and carry no bitmap.
  Status AppendValidity(bool valid) {
    if (DELTA_PREDICT_TRUE(valid && !has_validity_)) {
      ++length_;
      return Status::OK();
    }
    return AppendValiditySlow(valid);
  }
  Status AppendValidityN(int64_t n, bool valid);
  /// validity == nullptr means all valid.
  Status AppendValidityBits(const uint8_t* validity, int64_t offset, int64_t n);
  /// The validity buffer (nullptr when there were no nulls); resets length and null count.
  Result<BufferPtr> FinishValidity();

  TypePtr type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;

 private:
  Status AppendValiditySlow(bool valid);
  Status MaterializeValidity();
  BitmapBuilder validity_;
  bool has_validity_ = false;
};

using ArrayBuilderPtr = std::unique_ptr<ArrayBuilder>;

class NullBuilder final : public ArrayBuilder {
 public:
  NullBuilder() : ArrayBuilder(Null()) {}
  Status AppendNull() override {
    ++length_;
    ++null_count_;
    return Status::OK();
  }
  Status AppendNulls(int64_t n) override {
    length_ += n;
    null_count_ += n;
    return Status::OK();
  }
  Result<ArrayPtr> Finish() override;
};

class BooleanBuilder final : public ArrayBuilder {
 public:
  BooleanBuilder() : ArrayBuilder(Bool()) {}
  Status Append(bool v) {
    DELTA_RETURN_NOT_OK(values_.Append(v));
    return AppendValidity(true);
  }
  Status AppendNull() override {
    DELTA_RETURN_NOT_OK(values_.Append(false));
    return AppendValidity(false);
  }
  /// Appends n values given one per byte; `valid` (one per byte, optional) marks nulls with 0.
  Status AppendValues(const uint8_t* values, int64_t n, const uint8_t* valid = nullptr);
  Status Reserve(int64_t additional) override;
  Result<ArrayPtr> Finish() override;

 private:
  BitmapBuilder values_;
};

/// Builder for every fixed-width numeric layout: ints, uints, floats, date32 (int32 days),
/// timestamp (int64), time32 (int32), time64 (int64). The TypePtr must have the width of T.
template <typename T>
class NumericBuilder final : public ArrayBuilder {
 public:
  explicit NumericBuilder(TypePtr type = DefaultType()) : ArrayBuilder(std::move(type)) {}
  Status Append(T v) {
    DELTA_RETURN_NOT_OK(values_.AppendValue<T>(v));
    return AppendValidity(true);
  }
  Status AppendNull() override {
    DELTA_RETURN_NOT_OK(values_.AppendValue<T>(T{}));
    return AppendValidity(false);
  }
  Status AppendNulls(int64_t n) override {
    DELTA_ASSIGN_OR_RAISE(uint8_t * p, values_.Extend(n * static_cast<int64_t>(sizeof(T))));
    std::memset(p, 0, static_cast<size_t>(n) * sizeof(T));
    return AppendValidityN(n, false);
  }
  /// Appends n values; `validity` (optional bitmap starting at bit `validity_offset`) marks nulls.
  Status AppendValues(const T* values, int64_t n, const uint8_t* validity = nullptr, int64_t validity_offset = 0) {
    DELTA_RETURN_NOT_OK(values_.Append(values, n * static_cast<int64_t>(sizeof(T))));
    return AppendValidityBits(validity, validity_offset, n);
  }
  Status Reserve(int64_t additional) override {
    DELTA_RETURN_NOT_OK(values_.Reserve(additional * static_cast<int64_t>(sizeof(T))));
    return ArrayBuilder::Reserve(additional);
  }
  T GetValue(int64_t i) const { return bit_util::LoadLE<T>(values_.data() + i * static_cast<int64_t>(sizeof(T))); }
  Result<ArrayPtr> Finish() override {
    auto out = std::make_shared<ArrayData>();
    out->type = type_;
    out->length = length_;
    out->null_count = null_count_;
    DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
    DELTA_ASSIGN_OR_RAISE(auto values, values_.Finish());
    out->buffers = {std::move(validity), std::move(values)};
    return out;
  }

  static TypePtr DefaultType() {
    if constexpr (std::is_same_v<T, int8_t>) return Int8();
    if constexpr (std::is_same_v<T, int16_t>) return Int16();
    if constexpr (std::is_same_v<T, int32_t>) return Int32();
    if constexpr (std::is_same_v<T, int64_t>) return Int64();
    if constexpr (std::is_same_v<T, uint8_t>) return UInt8();
    if constexpr (std::is_same_v<T, uint16_t>) return UInt16();
    if constexpr (std::is_same_v<T, uint32_t>) return UInt32();
    if constexpr (std::is_same_v<T, uint64_t>) return UInt64();
    if constexpr (std::is_same_v<T, float>) return Float32();
    if constexpr (std::is_same_v<T, double>) return Float64();
  }

 private:
  BufferBuilder values_;
};

using Int8Builder = NumericBuilder<int8_t>;
using Int16Builder = NumericBuilder<int16_t>;
using Int32Builder = NumericBuilder<int32_t>;
using Int64Builder = NumericBuilder<int64_t>;
using UInt8Builder = NumericBuilder<uint8_t>;
using UInt16Builder = NumericBuilder<uint16_t>;
using UInt32Builder = NumericBuilder<uint32_t>;
using UInt64Builder = NumericBuilder<uint64_t>;
using FloatBuilder = NumericBuilder<float>;
using DoubleBuilder = NumericBuilder<double>;

extern template class NumericBuilder<int8_t>;
extern template class NumericBuilder<int16_t>;
extern template class NumericBuilder<int32_t>;
extern template class NumericBuilder<int64_t>;
extern template class NumericBuilder<uint8_t>;
extern template class NumericBuilder<uint16_t>;
extern template class NumericBuilder<uint32_t>;
extern template class NumericBuilder<uint64_t>;
extern template class NumericBuilder<float>;
extern template class NumericBuilder<double>;

/// Builder for date32 (int32 days since the epoch).
inline std::unique_ptr<Int32Builder> MakeDate32Builder() { return std::make_unique<Int32Builder>(Date32()); }

/// fixed_size_binary[N] (and the base of Decimal128Builder).
class FixedSizeBinaryBuilder : public ArrayBuilder {
 public:
  /// `type` must be fixed_size_binary or decimal128.
  explicit FixedSizeBinaryBuilder(TypePtr type);
  int32_t byte_width() const { return width_; }
  /// InvalidArgument when v.size() != byte_width().
  Status Append(std::string_view v);
  /// Appends byte_width() bytes from p.
  Status Append(const uint8_t* p) {
    DELTA_RETURN_NOT_OK(values_.Append(p, width_));
    return AppendValidity(true);
  }
  Status AppendNull() override;
  Status Reserve(int64_t additional) override;
  Result<ArrayPtr> Finish() override;

 protected:
  int32_t width_;
  BufferBuilder values_;
};

/// decimal128(p, s): values are the unscaled 128-bit two's complement integers, stored little
/// endian (Columnar.rst "Decimal").
class Decimal128Builder final : public FixedSizeBinaryBuilder {
 public:
  explicit Decimal128Builder(TypePtr type) : FixedSizeBinaryBuilder(std::move(type)) {}
  using FixedSizeBinaryBuilder::Append;
  Status Append(__int128 unscaled) {
    DELTA_RETURN_NOT_OK(values_.AppendValue<__int128>(unscaled));
    return AppendValidity(true);
  }
};

/// Reads the 16-byte little-endian unscaled value i of a decimal128 array.
inline __int128 GetDecimal128(const ArrayData& a, int64_t i) { return bit_util::LoadLE<__int128>(a.GetFixed(i).data()); }

/// string, binary, large_string, large_binary (chosen by the type).
class BinaryBuilder final : public ArrayBuilder {
 public:
  explicit BinaryBuilder(TypePtr type = Utf8());
  Status Append(std::string_view v) {
    DELTA_RETURN_NOT_OK(data_.Append(v.data(), static_cast<int64_t>(v.size())));
    DELTA_RETURN_NOT_OK(AppendOffset());
    return AppendValidity(true);
  }
  Status Append(const uint8_t* p, int64_t n) {
    return Append(std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)));
  }
  Status AppendNull() override {
    DELTA_RETURN_NOT_OK(AppendOffset());
    return AppendValidity(false);
  }
  Status Reserve(int64_t additional) override;
  /// Reserves room for `bytes` more value bytes.
  Status ReserveData(int64_t bytes) { return data_.Reserve(bytes); }
  int64_t value_data_length() const { return data_.size(); }
  Result<ArrayPtr> Finish() override;

 private:
  Status AppendOffset();
  bool large_;
  BufferBuilder offsets_;  // int32 or int64; starts with the leading 0
  BufferBuilder data_;
};

using StringBuilder = BinaryBuilder;

/// struct: append the field values to each child(i), then Append() once per row. AppendNull()
/// also appends a null to every child (the Arrow layout needs child slots for null rows).
class StructBuilder final : public ArrayBuilder {
 public:
  StructBuilder(TypePtr type, std::vector<ArrayBuilderPtr> children);
  Status Append(bool valid = true) { return AppendValidity(valid); }
  Status AppendNull() override;
  int num_children() const { return static_cast<int>(children_.size()); }
  ArrayBuilder* child(int i) { return children_[static_cast<size_t>(i)].get(); }
  /// InvalidArgument when a child's length differs from the struct's.
  Result<ArrayPtr> Finish() override;

 private:
  std::vector<ArrayBuilderPtr> children_;
};

/// list / large_list: Append() starts a new list, then append its elements to value_builder().
class ListBuilder final : public ArrayBuilder {
 public:
  ListBuilder(TypePtr type, ArrayBuilderPtr value_builder);
  Status Append(bool valid = true);
  Status AppendNull() override { return Append(false); }
  Status Reserve(int64_t additional) override;
  ArrayBuilder* value_builder() { return values_.get(); }
  Result<ArrayPtr> Finish() override;

 private:
  bool large_;
  BufferBuilder offsets_;  // start offset of each list so far
  ArrayBuilderPtr values_;
};

/// map: Append() starts a new map, then append its keys to key_builder() and as many values to
/// item_builder().
class MapBuilder final : public ArrayBuilder {
 public:
  MapBuilder(TypePtr type, ArrayBuilderPtr key_builder, ArrayBuilderPtr item_builder);
  Status Append(bool valid = true);
  Status AppendNull() override { return Append(false); }
  Status Reserve(int64_t additional) override;
  ArrayBuilder* key_builder() { return keys_.get(); }
  ArrayBuilder* item_builder() { return items_.get(); }
  /// InvalidArgument when keys and items differ in number or a key is null.
  Result<ArrayPtr> Finish() override;

 private:
  BufferBuilder offsets_;
  ArrayBuilderPtr keys_;
  ArrayBuilderPtr items_;
};

/// The builder for any supported type (recursively for nested types). Downcast with static_cast
/// to the class named above for the type id (Int32Builder for int32/date32/time32, Int64Builder
/// for int64/timestamp/time64, BinaryBuilder for the four binary-like types, ...).
Result<ArrayBuilderPtr> MakeBuilder(const TypePtr& type);

/// Builds a RecordBatch column by column.
class RecordBatchBuilder {
 public:
  /// One builder per field of `schema`.
  static Result<std::unique_ptr<RecordBatchBuilder>> Make(SchemaPtr schema);
  ArrayBuilder* field(int i) { return builders_[static_cast<size_t>(i)].get(); }
  template <typename B>
  B* field_as(int i) { return static_cast<B*>(field(i)); }
  /// The batch (validated: InvalidArgument when the columns differ in length); resets builders.
  Result<RecordBatchPtr> Finish();

 private:
  SchemaPtr schema_;
  std::vector<ArrayBuilderPtr> builders_;
};

/// Assembles a batch from finished columns; InvalidArgument when they disagree with the schema.
Result<RecordBatchPtr> MakeRecordBatch(SchemaPtr schema, std::vector<ArrayPtr> columns);

/// An array of `length` nulls of any type (zeroed values, all-zero validity; nested children of
/// the right lengths).
Result<ArrayPtr> MakeArrayOfNulls(const TypePtr& type, int64_t length);

/// Concatenates arrays of one type into one new array (copies; honours offsets and slices).
/// InvalidArgument when types differ or int32 offsets would overflow; empty input is
/// InvalidArgument (the type would be unknown).
Result<ArrayPtr> ConcatenateArrays(const std::vector<ArrayPtr>& arrays);

/// Concatenates record batches with equal schemas into one batch.
Result<RecordBatchPtr> ConcatenateBatches(const std::vector<RecordBatchPtr>& batches);

}  // namespace delta::columnar
