#include "delta/columnar/array.h"

#include <cmath>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::columnar {

namespace {

// Width in bytes of one value of a fixed-width, non-bool type (decimal128 is 16 bytes per
// Columnar.rst "Fixed-size Primitive Layout").
int64_t FixedByteWidth(const DataType& t) {
  if (t.id() == TypeId::kDecimal128) return 16;
  if (t.id() == TypeId::kFixedSizeBinary) return t.byte_width();
  return t.bit_width() / 8;
}

bool HasOffsets(TypeId id) {
  return id == TypeId::kString || id == TypeId::kBinary || id == TypeId::kLargeString ||
         id == TypeId::kLargeBinary || id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kMap;
}

// Number of buffers (validity included) the Arrow layout prescribes for a type.
size_t ExpectedBuffers(TypeId id) {
  switch (id) {
    case TypeId::kNull: return 0;
    case TypeId::kStruct: return 1;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: return 3;
    default: return 2;
  }
}

int64_t LoadOffset(const uint8_t* offsets, bool large, int64_t i) {
  if (large) return bit_util::LoadLE<int64_t>(offsets + i * 8);
  return bit_util::LoadLE<int32_t>(offsets + i * 4);
}

// Checks offsets[offset .. offset+length] of a variable-size layout: present, monotonic,
// non-negative and not beyond `limit` (data bytes or child length). Columnar.rst
// "Variable-size Binary Layout": offsets must be monotonically increasing.
Status CheckOffsets(const ArrayData& a, bool large, int64_t limit, const char* what) {
  if (a.length == 0) return Status::OK();  // an empty array may carry an empty offsets buffer
  const int64_t width = large ? 8 : 4;
  const BufferPtr& ob = a.buffers[1];
  if (!ob) return Status::InvalidArgument(fmt::format("{} array of length {} has no offsets buffer", a.type->ToString(), a.length));
  if (ob->size() < (a.offset + a.length + 1) * width) {
    return Status::CorruptData(fmt::format("offsets buffer of {} bytes too small for {} offsets at offset {} ({})",
                                           ob->size(), a.length + 1, a.offset, a.type->ToString()));
  }
  const uint8_t* p = ob->data();
  int64_t prev = LoadOffset(p, large, a.offset);
  if (prev < 0) return Status::CorruptData(fmt::format("negative first offset {} ({})", prev, a.type->ToString()));
  for (int64_t i = 1; i <= a.length; ++i) {
    const int64_t cur = LoadOffset(p, large, a.offset + i);
    if (cur < prev) {
      return Status::CorruptData(
          fmt::format("offsets not monotonic at element {}: {} after {} ({})", i - 1, cur, prev, a.type->ToString()));
    }
    prev = cur;
  }
  if (prev > limit) {
    return Status::CorruptData(
        fmt::format("last offset {} exceeds the {} ({}) of {}", prev, what, limit, a.type->ToString()));
  }
  return Status::OK();
}

}  // namespace

int64_t ArrayData::GetNullCount() {
  // The cache is written with relaxed atomics so concurrent readers of a shared array do not race.
  int64_t n = __atomic_load_n(&null_count, __ATOMIC_RELAXED);
  if (n != kUnknownNullCount) return n;
  if (type->id() == TypeId::kNull) {
    n = length;
  } else if (buffers.empty() || !buffers[0]) {
    n = 0;
  } else {
    n = length - bit_util::CountSetBits(buffers[0]->data(), offset, length);
  }
  __atomic_store_n(&null_count, n, __ATOMIC_RELAXED);
  return n;
}

std::string_view ArrayData::GetView(int64_t i) const {
  const uint8_t* offsets = buffers[1]->data();
  const bool large = type->is_large_offsets();
  const int64_t begin = LoadOffset(offsets, large, offset + i);
  const int64_t end = LoadOffset(offsets, large, offset + i + 1);
  const uint8_t* data = buffers[2] ? buffers[2]->data() : nullptr;
  if (end == begin) return {};
  return {reinterpret_cast<const char*>(data + begin), static_cast<size_t>(end - begin)};
}

std::string_view ArrayData::GetFixed(int64_t i) const {
  const int64_t w = FixedByteWidth(*type);
  return {reinterpret_cast<const char*>(buffers[1]->data() + (offset + i) * w), static_cast<size_t>(w)};
}

std::pair<int64_t, int64_t> ArrayData::GetListRange(int64_t i) const {
  const uint8_t* offsets = buffers[1]->data();
  const bool large = type->id() == TypeId::kLargeList;
  return {LoadOffset(offsets, large, offset + i), LoadOffset(offsets, large, offset + i + 1)};
}

ArrayPtr ArrayData::Slice(int64_t off, int64_t len) const {
  auto out = std::make_shared<ArrayData>(*this);
  out->offset = offset + off;
  out->length = len;
  if (type->id() == TypeId::kNull) {
    out->null_count = len;
  } else if (null_count == 0) {
    out->null_count = 0;
  } else {
    out->null_count = kUnknownNullCount;
  }
  return out;
}

Status ArrayData::Validate() const {
  if (!type) return Status::InvalidArgument("array has no type");
  const std::string ts = type->ToString();
  if (length < 0 || offset < 0) {
    return Status::InvalidArgument(fmt::format("negative length {} or offset {} ({})", length, offset, ts));
  }
  if (null_count < kUnknownNullCount || null_count > length) {
    return Status::InvalidArgument(fmt::format("null_count {} out of range for length {} ({})", null_count, length, ts));
  }
  const TypeId id = type->id();
  const size_t expected = ExpectedBuffers(id);
  if (buffers.size() != expected) {
    return Status::InvalidArgument(fmt::format("{} array has {} buffers, expected {}", ts, buffers.size(), expected));
  }
  if (id == TypeId::kNull) {
    if (null_count != kUnknownNullCount && null_count != length) {
      return Status::InvalidArgument(fmt::format("null array of length {} has null_count {}", length, null_count));
    }
    if (!children.empty()) return Status::InvalidArgument("null array has children");
    return Status::OK();
  }
  // Validity bitmap (Columnar.rst "Validity bitmaps").
  if (buffers[0]) {
    if (buffers[0]->size() < bit_util::BytesForBits(offset + length)) {
      return Status::CorruptData(fmt::format("validity bitmap of {} bytes too small for {} bits ({})",
                                             buffers[0]->size(), offset + length, ts));
    }
    if (null_count != kUnknownNullCount) {
      const int64_t actual = length - bit_util::CountSetBits(buffers[0]->data(), offset, length);
      if (actual != null_count) {
        return Status::CorruptData(
            fmt::format("null_count {} disagrees with the validity bitmap ({} nulls) ({})", null_count, actual, ts));
      }
    }
  } else if (null_count > 0) {
    return Status::InvalidArgument(fmt::format("null_count {} but no validity bitmap ({})", null_count, ts));
  }

  const bool nested = type->is_nested();
  const size_t expected_children =
      id == TypeId::kStruct ? type->children().size() : (nested ? size_t{1} : size_t{0});
  if (children.size() != expected_children) {
    return Status::InvalidArgument(fmt::format("{} array has {} children, expected {}", ts, children.size(), expected_children));
  }
  for (size_t c = 0; c < children.size(); ++c) {
    if (!children[c]) return Status::InvalidArgument(fmt::format("child {} of {} is null", c, ts));
    if (!children[c]->type || !children[c]->type->Equals(*type->children()[c]->type)) {
      return Status::InvalidArgument(fmt::format("child {} of {} has type {}", c, ts,
                                         children[c]->type ? children[c]->type->ToString() : "<none>"));
    }
  }

  if (id == TypeId::kBool || type->is_primitive_fixed()) {
    if (id == TypeId::kFixedSizeBinary && type->byte_width() < 0) {
      return Status::InvalidArgument(fmt::format("negative byte width ({})", ts));
    }
    const int64_t need = id == TypeId::kBool ? bit_util::BytesForBits(offset + length)
                                              : (offset + length) * FixedByteWidth(*type);
    const int64_t have = buffers[1] ? buffers[1]->size() : 0;
    if (need > 0 && have < need) {
      return Status::CorruptData(fmt::format("values buffer of {} bytes too small, need {} ({})", have, need, ts));
    }
    return Status::OK();
  }
  if (type->is_binary_like()) {
    const int64_t data_size = buffers[2] ? buffers[2]->size() : 0;
    return CheckOffsets(*this, type->is_large_offsets(), data_size, "data size");
  }
  if (id == TypeId::kStruct) {
    for (size_t c = 0; c < children.size(); ++c) {
      if (children[c]->length < offset + length) {
        return Status::CorruptData(fmt::format("struct child {} has length {}, need {} ({})", c, children[c]->length,
                                               offset + length, ts));
      }
      DELTA_RETURN_NOT_OK(children[c]->Validate().WithPrefix(fmt::format("struct field '{}'", type->children()[c]->name)));
    }
    return Status::OK();
  }
  if (HasOffsets(id)) {  // list, large_list, map
    if (id == TypeId::kMap) {
      const auto& et = type->children()[0]->type;
      if (et->id() != TypeId::kStruct || et->children().size() != 2) {
        return Status::InvalidArgument(fmt::format("map entries must be a struct of two fields ({})", ts));
      }
      if (children[0]->GetNullCountConst() != 0) {
        return Status::CorruptData(fmt::format("map entries contain nulls ({})", ts));
      }
    }
    DELTA_RETURN_NOT_OK(CheckOffsets(*this, id == TypeId::kLargeList, children[0]->length, "child length"));
    return children[0]->Validate().WithPrefix(fmt::format("{} element", ts));
  }
  return Status::OK();
}

int64_t ArrayData::GetNullCountConst() const {
  int64_t n = __atomic_load_n(&null_count, __ATOMIC_RELAXED);
  if (n != kUnknownNullCount) return n;
  if (type->id() == TypeId::kNull) return length;
  if (buffers.empty() || !buffers[0]) return 0;
  return length - bit_util::CountSetBits(buffers[0]->data(), offset, length);
}

Status RecordBatch::Validate() const {
  if (!schema) return Status::InvalidArgument("record batch has no schema");
  if (num_rows < 0) return Status::InvalidArgument(fmt::format("negative num_rows {}", num_rows));
  if (columns.size() != static_cast<size_t>(schema->num_fields())) {
    return Status::InvalidArgument(
        fmt::format("record batch has {} columns but its schema {} fields", columns.size(), schema->num_fields()));
  }
  for (int i = 0; i < num_columns(); ++i) {
    const auto& f = schema->field(i);
    const auto& col = columns[static_cast<size_t>(i)];
    if (!col) return Status::InvalidArgument(fmt::format("column '{}' is null", f->name));
    if (col->length != num_rows) {
      return Status::InvalidArgument(fmt::format("column '{}' has {} rows, batch {}", f->name, col->length, num_rows));
    }
    if (!col->type || !col->type->Equals(*f->type)) {
      return Status::InvalidArgument(fmt::format("column '{}' has type {}, schema says {}", f->name,
                                         col->type ? col->type->ToString() : "<none>", f->type->ToString()));
    }
    DELTA_RETURN_NOT_OK(col->Validate().WithPrefix(fmt::format("column '{}'", f->name)));
    if (!f->nullable && col->GetNullCountConst() != 0) {
      return Status::InvalidArgument(fmt::format("non-nullable column '{}' contains nulls", f->name));
    }
  }
  return Status::OK();
}

std::shared_ptr<RecordBatch> RecordBatch::Slice(int64_t offset, int64_t length) const {
  auto out = std::make_shared<RecordBatch>();
  out->schema = schema;
  out->num_rows = length;
  out->columns.reserve(columns.size());
  for (const auto& c : columns) out->columns.push_back(c->Slice(offset, length));
  return out;
}

namespace {

class VectorReader final : public RecordBatchReader {
 public:
  VectorReader(SchemaPtr schema, std::vector<RecordBatchPtr> batches)
      : schema_(std::move(schema)), batches_(std::move(batches)) {}
  SchemaPtr schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    if (next_ >= batches_.size()) return RecordBatchPtr();
    return batches_[next_++];
  }

 private:
  SchemaPtr schema_;
  std::vector<RecordBatchPtr> batches_;
  size_t next_ = 0;
};

}  // namespace

std::shared_ptr<RecordBatchReader> MakeRecordBatchReader(SchemaPtr schema, std::vector<RecordBatchPtr> batches) {
  return std::make_shared<VectorReader>(std::move(schema), std::move(batches));
}

namespace {

std::string ValueString(const ArrayData& a, int64_t i) {
  if (a.IsNull(i)) return "null";
  switch (a.type->id()) {
    case TypeId::kBool: return a.GetBool(i) ? "true" : "false";
    case TypeId::kInt8: return fmt::format("{}", a.values<int8_t>()[i]);
    case TypeId::kInt16: return fmt::format("{}", a.values<int16_t>()[i]);
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return fmt::format("{}", a.values<int32_t>()[i]);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return fmt::format("{}", a.values<int64_t>()[i]);
    case TypeId::kUInt8: return fmt::format("{}", a.values<uint8_t>()[i]);
    case TypeId::kUInt16: return fmt::format("{}", a.values<uint16_t>()[i]);
    case TypeId::kUInt32: return fmt::format("{}", a.values<uint32_t>()[i]);
    case TypeId::kUInt64: return fmt::format("{}", a.values<uint64_t>()[i]);
    case TypeId::kFloat32: return fmt::format("{}", a.values<float>()[i]);
    case TypeId::kFloat64: return fmt::format("{}", a.values<double>()[i]);
    case TypeId::kString:
    case TypeId::kLargeString: return fmt::format("\"{}\"", a.GetView(i));
    default: return "<value>";
  }
}

bool ValueEquals(const ArrayData& a, int64_t i, const ArrayData& b, int64_t j, std::string* diff);

bool Fail(std::string* diff, std::string msg) {
  if (diff) *diff = std::move(msg);
  return false;
}

bool RangeEquals(const ArrayData& a, int64_t ai, const ArrayData& b, int64_t bi, int64_t n, std::string* diff) {
  for (int64_t k = 0; k < n; ++k) {
    if (!ValueEquals(a, ai + k, b, bi + k, diff)) {
      if (diff) *diff = fmt::format("element {}: {}", k, *diff);
      return false;
    }
  }
  return true;
}

// Compares logical element i of a with element j of b (types already known equal).
bool ValueEquals(const ArrayData& a, int64_t i, const ArrayData& b, int64_t j, std::string* diff) {
  const bool av = a.IsValid(i);
  const bool bv = b.IsValid(j);
  if (av != bv) {
    return Fail(diff, fmt::format("validity differs: {} vs {}", av ? "valid" : "null", bv ? "valid" : "null"));
  }
  if (!av) return true;
  const TypeId id = a.type->id();
  switch (id) {
    case TypeId::kBool:
      if (a.GetBool(i) != b.GetBool(j)) return Fail(diff, fmt::format("{} vs {}", ValueString(a, i), ValueString(b, j)));
      return true;
    case TypeId::kFloat32: {
      const float x = a.values<float>()[i], y = b.values<float>()[j];
      if (x == y || (std::isnan(x) && std::isnan(y))) return true;
      return Fail(diff, fmt::format("{} vs {}", x, y));
    }
    case TypeId::kFloat64: {
      const double x = a.values<double>()[i], y = b.values<double>()[j];
      if (x == y || (std::isnan(x) && std::isnan(y))) return true;
      return Fail(diff, fmt::format("{} vs {}", x, y));
    }
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary:
      if (a.GetView(i) != b.GetView(j)) return Fail(diff, fmt::format("{} vs {}", ValueString(a, i), ValueString(b, j)));
      return true;
    case TypeId::kStruct:
      for (size_t c = 0; c < a.children.size(); ++c) {
        if (!ValueEquals(*a.children[c], a.offset + i, *b.children[c], b.offset + j, diff)) {
          if (diff) *diff = fmt::format("field '{}': {}", a.type->children()[c]->name, *diff);
          return false;
        }
      }
      return true;
    case TypeId::kList:
    case TypeId::kLargeList:
    case TypeId::kMap: {
      const auto [ab, ae] = a.GetListRange(i);
      const auto [bb, be] = b.GetListRange(j);
      if (ae - ab != be - bb) return Fail(diff, fmt::format("list lengths differ: {} vs {}", ae - ab, be - bb));
      return RangeEquals(*a.children[0], ab, *b.children[0], bb, ae - ab, diff);
    }
    default: {
      if (a.type->is_primitive_fixed()) {
        if (a.GetFixed(i) != b.GetFixed(j)) {
          return Fail(diff, fmt::format("{} vs {}", ValueString(a, i), ValueString(b, j)));
        }
        return true;
      }
      return true;  // null type: no values
    }
  }
}

}  // namespace

bool ArrayEquals(const ArrayData& a, const ArrayData& b, std::string* diff) {
  if (!a.type || !b.type || !a.type->Equals(*b.type)) {
    return Fail(diff, fmt::format("types differ: {} vs {}", a.type ? a.type->ToString() : "<none>",
                                  b.type ? b.type->ToString() : "<none>"));
  }
  if (a.length != b.length) return Fail(diff, fmt::format("lengths differ: {} vs {}", a.length, b.length));
  for (int64_t i = 0; i < a.length; ++i) {
    if (!ValueEquals(a, i, b, i, diff)) {
      if (diff) *diff = fmt::format("row {}: {}", i, *diff);
      return false;
    }
  }
  return true;
}

}  // namespace delta::columnar
