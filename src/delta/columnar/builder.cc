#include "delta/columnar/builder.h"

#include <limits>

#include <fmt/format.h>

namespace delta::columnar {

namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

int64_t ValueByteWidth(const DataType& t) {
  if (t.id() == TypeId::kDecimal128) return 16;
  if (t.id() == TypeId::kFixedSizeBinary) return t.byte_width();
  return t.bit_width() / 8;
}

int64_t LoadOffset(const uint8_t* p, bool large, int64_t i) {
  return large ? bit_util::LoadLE<int64_t>(p + i * 8) : bit_util::LoadLE<int32_t>(p + i * 4);
}

Status AppendOffsetValue(BufferBuilder* b, bool large, int64_t v, const DataType& t) {
  if (large) return b->AppendValue<int64_t>(v);
  if (v > kInt32Max) {
    return Status::InvalidArgument(
        fmt::format("{} array exceeds the 2^31-1 limit of 32-bit offsets (use the large variant)", t.ToString()));
  }
  return b->AppendValue<int32_t>(static_cast<int32_t>(v));
}

ArrayPtr NewArray(TypePtr type, int64_t length, int64_t null_count) {
  auto out = std::make_shared<ArrayData>();
  out->type = std::move(type);
  out->length = length;
  out->null_count = null_count;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// BitmapBuilder

Status BitmapBuilder::AppendN(int64_t n, bool bit) {
  if (n <= 0) return Status::OK();
  const int64_t new_len = length_ + n;
  const int64_t grow = bit_util::BytesForBits(new_len) - bytes_.size();
  if (grow > 0) {
    DELTA_ASSIGN_OR_RAISE(uint8_t * p, bytes_.Extend(grow));
    std::memset(p, 0, static_cast<size_t>(grow));
  }
  if (bit) {
    uint8_t* d = bytes_.mutable_data();
    int64_t i = length_;
    while (i < new_len && (i & 7) != 0) bit_util::SetBit(d, i++);
    const int64_t whole = (new_len - i) >> 3;
    std::memset(d + (i >> 3), 0xFF, static_cast<size_t>(whole));
    i += whole * 8;
    while (i < new_len) bit_util::SetBit(d, i++);
  }
  length_ = new_len;
  return Status::OK();
}

Status BitmapBuilder::AppendBits(const uint8_t* bits, int64_t offset, int64_t n) {
  if (n <= 0) return Status::OK();
  const int64_t grow = bit_util::BytesForBits(length_ + n) - bytes_.size();
  if (grow > 0) {
    DELTA_ASSIGN_OR_RAISE(uint8_t * p, bytes_.Extend(grow));
    std::memset(p, 0, static_cast<size_t>(grow));
  }
  bit_util::CopyBits(bits, offset, n, bytes_.mutable_data(), length_);
  length_ += n;
  return Status::OK();
}

Status BitmapBuilder::AppendBytes(const uint8_t* bytes, int64_t n) {
  if (n <= 0) return Status::OK();
  const int64_t grow = bit_util::BytesForBits(length_ + n) - bytes_.size();
  if (grow > 0) {
    DELTA_ASSIGN_OR_RAISE(uint8_t * p, bytes_.Extend(grow));
    std::memset(p, 0, static_cast<size_t>(grow));
  }
  uint8_t* d = bytes_.mutable_data();
  for (int64_t i = 0; i < n; ++i) bit_util::SetBitTo(d, length_ + i, bytes[i] != 0);
  length_ += n;
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// ArrayBuilder

Status ArrayBuilder::AppendNulls(int64_t n) {
  for (int64_t i = 0; i < n; ++i) DELTA_RETURN_NOT_OK(AppendNull());
  return Status::OK();
}

Status ArrayBuilder::Reserve(int64_t additional) {
  if (has_validity_) return validity_.Reserve(additional);
  return Status::OK();
}

Status ArrayBuilder::MaterializeValidity() {
  DELTA_RETURN_NOT_OK(validity_.AppendN(length_, true));
  has_validity_ = true;
  return Status::OK();
}

Status ArrayBuilder::AppendValiditySlow(bool valid) {
  if (!has_validity_) DELTA_RETURN_NOT_OK(MaterializeValidity());
  DELTA_RETURN_NOT_OK(validity_.Append(valid));
  if (!valid) ++null_count_;
  ++length_;
  return Status::OK();
}

Status ArrayBuilder::AppendValidityN(int64_t n, bool valid) {
  if (valid && !has_validity_) {
    length_ += n;
    return Status::OK();
  }
  if (!has_validity_) DELTA_RETURN_NOT_OK(MaterializeValidity());
  DELTA_RETURN_NOT_OK(validity_.AppendN(n, valid));
  if (!valid) null_count_ += n;
  length_ += n;
  return Status::OK();
}

Status ArrayBuilder::AppendValidityBits(const uint8_t* validity, int64_t offset, int64_t n) {
  if (validity == nullptr) return AppendValidityN(n, true);
  const int64_t nulls = n - bit_util::CountSetBits(validity, offset, n);
  if (nulls == 0) return AppendValidityN(n, true);
  if (!has_validity_) DELTA_RETURN_NOT_OK(MaterializeValidity());
  DELTA_RETURN_NOT_OK(validity_.AppendBits(validity, offset, n));
  null_count_ += nulls;
  length_ += n;
  return Status::OK();
}

Result<BufferPtr> ArrayBuilder::FinishValidity() {
  BufferPtr out;
  if (has_validity_) {
    DELTA_ASSIGN_OR_RAISE(auto bits, validity_.Finish());
    // A bitmap without nulls carries no information; Arrow allows omitting it (null_count 0).
    if (null_count_ > 0) out = std::move(bits);
  }
  has_validity_ = false;
  length_ = 0;
  null_count_ = 0;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Leaf builders

Result<ArrayPtr> NullBuilder::Finish() {
  auto out = NewArray(type_, length_, length_);
  length_ = 0;
  null_count_ = 0;
  return out;
}

Status BooleanBuilder::AppendValues(const uint8_t* values, int64_t n, const uint8_t* valid) {
  DELTA_RETURN_NOT_OK(values_.AppendBytes(values, n));
  if (valid == nullptr) return AppendValidityN(n, true);
  for (int64_t i = 0; i < n; ++i) DELTA_RETURN_NOT_OK(AppendValidity(valid[i] != 0));
  return Status::OK();
}

Status BooleanBuilder::Reserve(int64_t additional) {
  DELTA_RETURN_NOT_OK(values_.Reserve(additional));
  return ArrayBuilder::Reserve(additional);
}

Result<ArrayPtr> BooleanBuilder::Finish() {
  auto out = NewArray(type_, length_, null_count_);
  DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  DELTA_ASSIGN_OR_RAISE(auto values, values_.Finish());
  out->buffers = {std::move(validity), std::move(values)};
  return out;
}


template class NumericBuilder<int8_t>;
template class NumericBuilder<int16_t>;
template class NumericBuilder<int32_t>;
template class NumericBuilder<int64_t>;
template class NumericBuilder<uint8_t>;
template class NumericBuilder<uint16_t>;
template class NumericBuilder<uint32_t>;
template class NumericBuilder<uint64_t>;
template class NumericBuilder<float>;
template class NumericBuilder<double>;

FixedSizeBinaryBuilder::FixedSizeBinaryBuilder(TypePtr type)
    : ArrayBuilder(std::move(type)), width_(static_cast<int32_t>(ValueByteWidth(*type_))) {}

Status FixedSizeBinaryBuilder::Append(std::string_view v) {
  if (static_cast<int64_t>(v.size()) != width_) {
    return Status::InvalidArgument(
        fmt::format("value of {} bytes appended to {} (width {})", v.size(), type_->ToString(), width_));
  }
  return Append(reinterpret_cast<const uint8_t*>(v.data()));
}

Status FixedSizeBinaryBuilder::AppendNull() {
  DELTA_ASSIGN_OR_RAISE(uint8_t * p, values_.Extend(width_));
  std::memset(p, 0, static_cast<size_t>(width_));
  return AppendValidity(false);
}

Status FixedSizeBinaryBuilder::Reserve(int64_t additional) {
  DELTA_RETURN_NOT_OK(values_.Reserve(additional * width_));
  return ArrayBuilder::Reserve(additional);
}

Result<ArrayPtr> FixedSizeBinaryBuilder::Finish() {
  auto out = NewArray(type_, length_, null_count_);
  DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  DELTA_ASSIGN_OR_RAISE(auto values, values_.Finish());
  out->buffers = {std::move(validity), std::move(values)};
  return out;
}

BinaryBuilder::BinaryBuilder(TypePtr type) : ArrayBuilder(std::move(type)), large_(type_->is_large_offsets()) {}

Status BinaryBuilder::AppendOffset() {
  // The offsets buffer holds length + 1 entries starting at 0 (Columnar.rst "Variable-size
  // Binary Layout"); the leading 0 is written lazily so construction cannot fail.
  if (offsets_.size() == 0) DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets_, large_, 0, *type_));
  return AppendOffsetValue(&offsets_, large_, data_.size(), *type_);
}

Status BinaryBuilder::Reserve(int64_t additional) {
  DELTA_RETURN_NOT_OK(offsets_.Reserve((additional + 1) * (large_ ? 8 : 4)));
  return ArrayBuilder::Reserve(additional);
}

Result<ArrayPtr> BinaryBuilder::Finish() {
  if (offsets_.size() == 0) DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets_, large_, 0, *type_));
  auto out = NewArray(type_, length_, null_count_);
  DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  DELTA_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
  DELTA_ASSIGN_OR_RAISE(auto data, data_.Finish());
  out->buffers = {std::move(validity), std::move(offsets), std::move(data)};
  return out;
}

// ---------------------------------------------------------------------------------------------
// Nested builders

StructBuilder::StructBuilder(TypePtr type, std::vector<ArrayBuilderPtr> children)
    : ArrayBuilder(std::move(type)), children_(std::move(children)) {}

Status StructBuilder::AppendNull() {
  for (auto& c : children_) DELTA_RETURN_NOT_OK(c->AppendNull());
  return AppendValidity(false);
}

Result<ArrayPtr> StructBuilder::Finish() {
  for (size_t i = 0; i < children_.size(); ++i) {
    if (children_[i]->length() != length_) {
      return Status::InvalidArgument(fmt::format("struct field '{}' has {} values but the struct {} rows",
                                                 type_->children()[i]->name, children_[i]->length(), length_));
    }
  }
  auto out = NewArray(type_, length_, null_count_);
  DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  out->buffers = {std::move(validity)};
  for (auto& c : children_) {
    DELTA_ASSIGN_OR_RAISE(auto child, c->Finish());
    out->children.push_back(std::move(child));
  }
  return out;
}

ListBuilder::ListBuilder(TypePtr type, ArrayBuilderPtr value_builder)
    : ArrayBuilder(std::move(type)), large_(type_->id() == TypeId::kLargeList), values_(std::move(value_builder)) {}

Status ListBuilder::Append(bool valid) {
  DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets_, large_, values_->length(), *type_));
  return AppendValidity(valid);
}

Status ListBuilder::Reserve(int64_t additional) {
  DELTA_RETURN_NOT_OK(offsets_.Reserve((additional + 1) * (large_ ? 8 : 4)));
  return ArrayBuilder::Reserve(additional);
}

Result<ArrayPtr> ListBuilder::Finish() {
  DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets_, large_, values_->length(), *type_));
  auto out = NewArray(type_, length_, null_count_);
  DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  DELTA_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
  DELTA_ASSIGN_OR_RAISE(auto child, values_->Finish());
  out->buffers = {std::move(validity), std::move(offsets)};
  out->children = {std::move(child)};
  return out;
}

MapBuilder::MapBuilder(TypePtr type, ArrayBuilderPtr key_builder, ArrayBuilderPtr item_builder)
    : ArrayBuilder(std::move(type)), keys_(std::move(key_builder)), items_(std::move(item_builder)) {}

Status MapBuilder::Append(bool valid) {
  DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets_, false, keys_->length(), *type_));
  return AppendValidity(valid);
}

Status MapBuilder::Reserve(int64_t additional) {
  DELTA_RETURN_NOT_OK(offsets_.Reserve((additional + 1) * 4));
  return ArrayBuilder::Reserve(additional);
}

Result<ArrayPtr> MapBuilder::Finish() {
  if (keys_->length() != items_->length()) {
    return Status::InvalidArgument(
        fmt::format("map has {} keys but {} values", keys_->length(), items_->length()));
  }
  // Columnar.rst "Map Layout": keys are never null.
  if (keys_->null_count() != 0) return Status::InvalidArgument("map keys must not be null");
  DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets_, false, keys_->length(), *type_));
  auto out = NewArray(type_, length_, null_count_);
  DELTA_ASSIGN_OR_RAISE(auto validity, FinishValidity());
  DELTA_ASSIGN_OR_RAISE(auto offsets, offsets_.Finish());
  DELTA_ASSIGN_OR_RAISE(auto keys, keys_->Finish());
  DELTA_ASSIGN_OR_RAISE(auto items, items_->Finish());
  auto entries = NewArray(type_->children()[0]->type, keys->length, 0);
  entries->buffers = {nullptr};
  entries->children = {std::move(keys), std::move(items)};
  out->buffers = {std::move(validity), std::move(offsets)};
  out->children = {std::move(entries)};
  return out;
}

// ---------------------------------------------------------------------------------------------
// Factories

Result<ArrayBuilderPtr> MakeBuilder(const TypePtr& type) {
  switch (type->id()) {
    case TypeId::kNull: return ArrayBuilderPtr(new NullBuilder());
    case TypeId::kBool: return ArrayBuilderPtr(new BooleanBuilder());
    case TypeId::kInt8: return ArrayBuilderPtr(new Int8Builder(type));
    case TypeId::kInt16: return ArrayBuilderPtr(new Int16Builder(type));
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return ArrayBuilderPtr(new Int32Builder(type));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return ArrayBuilderPtr(new Int64Builder(type));
    case TypeId::kUInt8: return ArrayBuilderPtr(new UInt8Builder(type));
    case TypeId::kUInt16: return ArrayBuilderPtr(new UInt16Builder(type));
    case TypeId::kUInt32: return ArrayBuilderPtr(new UInt32Builder(type));
    case TypeId::kUInt64: return ArrayBuilderPtr(new UInt64Builder(type));
    case TypeId::kFloat32: return ArrayBuilderPtr(new FloatBuilder(type));
    case TypeId::kFloat64: return ArrayBuilderPtr(new DoubleBuilder(type));
    case TypeId::kDecimal128: return ArrayBuilderPtr(new Decimal128Builder(type));
    case TypeId::kFixedSizeBinary: return ArrayBuilderPtr(new FixedSizeBinaryBuilder(type));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: return ArrayBuilderPtr(new BinaryBuilder(type));
    case TypeId::kStruct: {
      std::vector<ArrayBuilderPtr> children;
      for (const auto& f : type->children()) {
        DELTA_ASSIGN_OR_RAISE(auto c, MakeBuilder(f->type));
        children.push_back(std::move(c));
      }
      return ArrayBuilderPtr(new StructBuilder(type, std::move(children)));
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      if (type->children().size() != 1) return Status::InvalidArgument(fmt::format("malformed {}", type->ToString()));
      DELTA_ASSIGN_OR_RAISE(auto values, MakeBuilder(type->children()[0]->type));
      return ArrayBuilderPtr(new ListBuilder(type, std::move(values)));
    }
    case TypeId::kMap: {
      if (type->children().size() != 1 || type->children()[0]->type->children().size() != 2) {
        return Status::InvalidArgument(fmt::format("malformed {}", type->ToString()));
      }
      const auto& kv = type->children()[0]->type->children();
      DELTA_ASSIGN_OR_RAISE(auto keys, MakeBuilder(kv[0]->type));
      DELTA_ASSIGN_OR_RAISE(auto items, MakeBuilder(kv[1]->type));
      return ArrayBuilderPtr(new MapBuilder(type, std::move(keys), std::move(items)));
    }
  }
  return Status::Unsupported(fmt::format("no builder for {}", type->ToString()));
}

Result<std::unique_ptr<RecordBatchBuilder>> RecordBatchBuilder::Make(SchemaPtr schema) {
  std::unique_ptr<RecordBatchBuilder> out(new RecordBatchBuilder());
  for (const auto& f : schema->fields()) {
    DELTA_ASSIGN_OR_RAISE(auto b, MakeBuilder(f->type));
    out->builders_.push_back(std::move(b));
  }
  out->schema_ = std::move(schema);
  return out;
}

Result<RecordBatchPtr> RecordBatchBuilder::Finish() {
  std::vector<ArrayPtr> columns;
  columns.reserve(builders_.size());
  for (auto& b : builders_) {
    DELTA_ASSIGN_OR_RAISE(auto c, b->Finish());
    columns.push_back(std::move(c));
  }
  return MakeRecordBatch(schema_, std::move(columns));
}

Result<RecordBatchPtr> MakeRecordBatch(SchemaPtr schema, std::vector<ArrayPtr> columns) {
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return Status::InvalidArgument(
        fmt::format("{} columns for a schema of {} fields", columns.size(), schema->num_fields()));
  }
  auto batch = std::make_shared<RecordBatch>();
  batch->num_rows = columns.empty() ? 0 : columns[0]->length;
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& f = schema->field(static_cast<int>(i));
    if (columns[i]->length != batch->num_rows) {
      return Status::InvalidArgument(
          fmt::format("column '{}' has {} rows, column 0 has {}", f->name, columns[i]->length, batch->num_rows));
    }
    if (!columns[i]->type->Equals(*f->type)) {
      return Status::InvalidArgument(fmt::format("column '{}' has type {}, schema says {}", f->name,
                                                 columns[i]->type->ToString(), f->type->ToString()));
    }
  }
  batch->schema = std::move(schema);
  batch->columns = std::move(columns);
  return batch;
}

// ---------------------------------------------------------------------------------------------
// MakeArrayOfNulls

Result<ArrayPtr> MakeArrayOfNulls(const TypePtr& type, int64_t length) {
  if (length < 0) return Status::InvalidArgument(fmt::format("negative length {}", length));
  const TypeId id = type->id();
  auto out = NewArray(type, length, length);
  if (id == TypeId::kNull) return out;
  DELTA_ASSIGN_OR_RAISE(auto validity, Buffer::Allocate(bit_util::BytesForBits(length), true));
  out->buffers.push_back(std::move(validity));
  if (id == TypeId::kBool) {
    DELTA_ASSIGN_OR_RAISE(auto values, Buffer::Allocate(bit_util::BytesForBits(length), true));
    out->buffers.push_back(std::move(values));
  } else if (type->is_primitive_fixed()) {
    DELTA_ASSIGN_OR_RAISE(auto values, Buffer::Allocate(length * ValueByteWidth(*type), true));
    out->buffers.push_back(std::move(values));
  } else if (type->is_binary_like() || id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kMap) {
    // All offsets 0: every element is an empty range.
    const int64_t w = type->is_large_offsets() ? 8 : 4;
    DELTA_ASSIGN_OR_RAISE(auto offsets, Buffer::Allocate((length + 1) * w, true));
    out->buffers.push_back(std::move(offsets));
    if (type->is_binary_like()) {
      DELTA_ASSIGN_OR_RAISE(auto data, Buffer::Allocate(0));
      out->buffers.push_back(std::move(data));
    } else {
      const TypePtr& child_type = type->children()[0]->type;
      if (id == TypeId::kMap) {
        // The entries struct itself is non-null; give it empty children.
        auto entries = NewArray(child_type, 0, 0);
        entries->buffers = {nullptr};
        for (const auto& f : child_type->children()) {
          DELTA_ASSIGN_OR_RAISE(auto c, MakeArrayOfNulls(f->type, 0));
          c->null_count = 0;
          entries->children.push_back(std::move(c));
        }
        out->children.push_back(std::move(entries));
      } else {
        DELTA_ASSIGN_OR_RAISE(auto c, MakeArrayOfNulls(child_type, 0));
        out->children.push_back(std::move(c));
      }
    }
  } else if (id == TypeId::kStruct) {
    for (const auto& f : type->children()) {
      DELTA_ASSIGN_OR_RAISE(auto c, MakeArrayOfNulls(f->type, length));
      out->children.push_back(std::move(c));
    }
  } else {
    return Status::Unsupported(fmt::format("cannot make nulls of {}", type->ToString()));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Concatenation

namespace {

// Appends offsets[offset .. offset+length] of `a` rebased so the first becomes `base_out`;
// returns the source range [begin, end) so the caller can copy the data / child range.
Status AppendRebasedOffsets(const ArrayData& a, bool large, int64_t base_out, BufferBuilder* out,
                            std::pair<int64_t, int64_t>* range) {
  if (a.length == 0) {
    *range = {0, 0};
    return Status::OK();
  }
  const uint8_t* p = a.buffers[1]->data();
  const int64_t begin = LoadOffset(p, large, a.offset);
  const int64_t end = LoadOffset(p, large, a.offset + a.length);
  if (!large && base_out + (end - begin) > kInt32Max) {
    return Status::InvalidArgument(
        fmt::format("concatenated {} exceeds the 2^31-1 limit of 32-bit offsets", a.type->ToString()));
  }
  DELTA_RETURN_NOT_OK(out->Reserve(a.length * (large ? 8 : 4)));
  for (int64_t k = 1; k <= a.length; ++k) {
    const int64_t v = LoadOffset(p, large, a.offset + k) - begin + base_out;
    if (large) {
      out->UnsafeAppendValue<int64_t>(v);
    } else {
      out->UnsafeAppendValue<int32_t>(static_cast<int32_t>(v));
    }
  }
  *range = {begin, end};
  return Status::OK();
}

}  // namespace

Result<ArrayPtr> ConcatenateArrays(const std::vector<ArrayPtr>& arrays) {
  if (arrays.empty()) return Status::InvalidArgument("cannot concatenate zero arrays");
  const TypePtr& type = arrays[0]->type;
  int64_t total = 0;
  int64_t nulls = 0;
  for (const auto& a : arrays) {
    if (!a->type->Equals(*type)) {
      return Status::InvalidArgument(
          fmt::format("cannot concatenate {} with {}", type->ToString(), a->type->ToString()));
    }
    total += a->length;
    nulls += a->GetNullCountConst();
  }
  if (arrays.size() == 1) return arrays[0];
  const TypeId id = type->id();
  auto out = NewArray(type, total, nulls);
  if (id == TypeId::kNull) return out;

  BufferPtr validity;
  if (nulls > 0) {
    BitmapBuilder bits;
    DELTA_RETURN_NOT_OK(bits.Reserve(total));
    for (const auto& a : arrays) {
      if (a->buffers[0]) {
        DELTA_RETURN_NOT_OK(bits.AppendBits(a->buffers[0]->data(), a->offset, a->length));
      } else {
        DELTA_RETURN_NOT_OK(bits.AppendN(a->length, true));
      }
    }
    DELTA_ASSIGN_OR_RAISE(validity, bits.Finish());
  }
  out->buffers.push_back(std::move(validity));

  if (id == TypeId::kBool) {
    BitmapBuilder bits;
    DELTA_RETURN_NOT_OK(bits.Reserve(total));
    for (const auto& a : arrays) DELTA_RETURN_NOT_OK(bits.AppendBits(a->buffers[1]->data(), a->offset, a->length));
    DELTA_ASSIGN_OR_RAISE(auto values, bits.Finish());
    out->buffers.push_back(std::move(values));
  } else if (type->is_primitive_fixed()) {
    const int64_t w = ValueByteWidth(*type);
    DELTA_ASSIGN_OR_RAISE(auto values, Buffer::Allocate(total * w));
    uint8_t* dst = values->mutable_data();
    for (const auto& a : arrays) {
      if (a->length == 0) continue;
      std::memcpy(dst, a->buffers[1]->data() + a->offset * w, static_cast<size_t>(a->length * w));
      dst += a->length * w;
    }
    out->buffers.push_back(std::move(values));
  } else if (type->is_binary_like()) {
    const bool large = type->is_large_offsets();
    BufferBuilder offsets;
    BufferBuilder data;
    DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets, large, 0, *type));
    for (const auto& a : arrays) {
      std::pair<int64_t, int64_t> r;
      DELTA_RETURN_NOT_OK(AppendRebasedOffsets(*a, large, data.size(), &offsets, &r));
      if (r.second > r.first) DELTA_RETURN_NOT_OK(data.Append(a->buffers[2]->data() + r.first, r.second - r.first));
    }
    DELTA_ASSIGN_OR_RAISE(auto ob, offsets.Finish());
    DELTA_ASSIGN_OR_RAISE(auto db, data.Finish());
    out->buffers.push_back(std::move(ob));
    out->buffers.push_back(std::move(db));
  } else if (id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kMap) {
    const bool large = id == TypeId::kLargeList;
    BufferBuilder offsets;
    DELTA_RETURN_NOT_OK(AppendOffsetValue(&offsets, large, 0, *type));
    std::vector<ArrayPtr> child_slices;
    int64_t child_total = 0;
    for (const auto& a : arrays) {
      std::pair<int64_t, int64_t> r;
      DELTA_RETURN_NOT_OK(AppendRebasedOffsets(*a, large, child_total, &offsets, &r));
      child_slices.push_back(a->children[0]->Slice(r.first, r.second - r.first));
      child_total += r.second - r.first;
    }
    DELTA_ASSIGN_OR_RAISE(auto ob, offsets.Finish());
    out->buffers.push_back(std::move(ob));
    DELTA_ASSIGN_OR_RAISE(auto child, ConcatenateArrays(child_slices));
    out->children.push_back(std::move(child));
  } else if (id == TypeId::kStruct) {
    for (size_t c = 0; c < type->children().size(); ++c) {
      std::vector<ArrayPtr> slices;
      slices.reserve(arrays.size());
      for (const auto& a : arrays) slices.push_back(a->children[c]->Slice(a->offset, a->length));
      DELTA_ASSIGN_OR_RAISE(auto child, ConcatenateArrays(slices));
      out->children.push_back(std::move(child));
    }
  } else {
    return Status::Unsupported(fmt::format("cannot concatenate {}", type->ToString()));
  }
  return out;
}

Result<RecordBatchPtr> ConcatenateBatches(const std::vector<RecordBatchPtr>& batches) {
  if (batches.empty()) return Status::InvalidArgument("cannot concatenate zero batches");
  const SchemaPtr& schema = batches[0]->schema;
  for (const auto& b : batches) {
    if (!b->schema->Equals(*schema)) return Status::InvalidArgument("cannot concatenate batches with different schemas");
  }
  std::vector<ArrayPtr> columns;
  for (int c = 0; c < schema->num_fields(); ++c) {
    std::vector<ArrayPtr> parts;
    parts.reserve(batches.size());
    for (const auto& b : batches) parts.push_back(b->column(c));
    DELTA_ASSIGN_OR_RAISE(auto col, ConcatenateArrays(parts));
    columns.push_back(std::move(col));
  }
  return MakeRecordBatch(schema, std::move(columns));
}

}  // namespace delta::columnar
