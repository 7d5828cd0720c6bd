#include "delta/columnar/type.h"

#include <fmt/format.h>

namespace delta::columnar {

namespace {

const char* UnitSuffix(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return "s";
    case TimeUnit::kMilli: return "ms";
    case TimeUnit::kMicro: return "us";
    case TimeUnit::kNano: return "ns";
  }
  return "?";
}

TypePtr MakeSimple(TypeId id) { return std::make_shared<const DataType>(id); }

std::string ChildrenToString(const std::vector<FieldPtr>& children) {
  std::string out;
  for (size_t i = 0; i < children.size(); ++i) {
    if (i > 0) out += ", ";
    out += children[i]->ToString();
  }
  return out;
}

}  // namespace

int DataType::bit_width() const {
  switch (id_) {
    case TypeId::kBool: return 1;
    case TypeId::kInt8:
    case TypeId::kUInt8: return 8;
    case TypeId::kInt16:
    case TypeId::kUInt16: return 16;
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kFloat32:
    case TypeId::kDate32:
    case TypeId::kTime32: return 32;
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return 64;
    case TypeId::kDecimal128: return 128;
    case TypeId::kFixedSizeBinary: return 8 * byte_width_;
    default: return 0;
  }
}

bool DataType::is_binary_like() const {
  return id_ == TypeId::kString || id_ == TypeId::kBinary || id_ == TypeId::kLargeString ||
         id_ == TypeId::kLargeBinary;
}

bool DataType::is_large_offsets() const {
  return id_ == TypeId::kLargeString || id_ == TypeId::kLargeBinary || id_ == TypeId::kLargeList;
}

bool DataType::is_nested() const {
  return id_ == TypeId::kStruct || id_ == TypeId::kList || id_ == TypeId::kLargeList || id_ == TypeId::kMap;
}

std::string DataType::ToString() const {
  switch (id_) {
    case TypeId::kNull: return "null";
    case TypeId::kBool: return "bool";
    case TypeId::kInt8: return "int8";
    case TypeId::kInt16: return "int16";
    case TypeId::kInt32: return "int32";
    case TypeId::kInt64: return "int64";
    case TypeId::kUInt8: return "uint8";
    case TypeId::kUInt16: return "uint16";
    case TypeId::kUInt32: return "uint32";
    case TypeId::kUInt64: return "uint64";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kDecimal128: return fmt::format("decimal128({}, {})", precision_, scale_);
    case TypeId::kDate32: return "date32";
    case TypeId::kTimestamp:
      if (timezone_.empty()) return fmt::format("timestamp[{}]", UnitSuffix(unit_));
      return fmt::format("timestamp[{}, tz={}]", UnitSuffix(unit_), timezone_);
    case TypeId::kTime32: return fmt::format("time32[{}]", UnitSuffix(unit_));
    case TypeId::kTime64: return fmt::format("time64[{}]", UnitSuffix(unit_));
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kLargeString: return "large_string";
    case TypeId::kLargeBinary: return "large_binary";
    case TypeId::kFixedSizeBinary: return fmt::format("fixed_size_binary[{}]", byte_width_);
    case TypeId::kStruct: return "struct<" + ChildrenToString(children_) + ">";
    case TypeId::kList: return "list<" + ChildrenToString(children_) + ">";
    case TypeId::kLargeList: return "large_list<" + ChildrenToString(children_) + ">";
    case TypeId::kMap: {
      std::string out = "map<";
      if (children_.size() == 1 && children_[0]->type && children_[0]->type->children().size() == 2) {
        const auto& kv = children_[0]->type->children();
        out += kv[0]->type->ToString();
        out += ", ";
        out += kv[1]->type->ToString();
        if (!kv[1]->nullable) out += " not null";
      } else {
        out += ChildrenToString(children_);
      }
      if (keys_sorted_) out += ", keys_sorted";
      return out + ">";
    }
  }
  return "unknown";
}

bool DataType::Equals(const DataType& other) const {
  if (this == &other) return true;
  if (id_ != other.id_) return false;
  switch (id_) {
    case TypeId::kDecimal128:
      return precision_ == other.precision_ && scale_ == other.scale_;
    case TypeId::kTimestamp:
      return unit_ == other.unit_ && timezone_ == other.timezone_;
    case TypeId::kTime32:
    case TypeId::kTime64:
      return unit_ == other.unit_;
    case TypeId::kFixedSizeBinary:
      return byte_width_ == other.byte_width_;
    case TypeId::kMap:
      if (keys_sorted_ != other.keys_sorted_) return false;
      [[fallthrough]];
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kLargeList:
      if (children_.size() != other.children_.size()) return false;
      for (size_t i = 0; i < children_.size(); ++i) {
        if (!children_[i]->Equals(*other.children_[i])) return false;
      }
      return true;
    default:
      return true;
  }
}

std::string Field::ToString() const {
  std::string out = name + ": " + (type ? type->ToString() : "<no type>");
  if (!nullable) out += " not null";
  return out;
}

bool Field::Equals(const Field& other) const {
  if (this == &other) return true;
  if (name != other.name || nullable != other.nullable || metadata != other.metadata) return false;
  if (!type || !other.type) return type == other.type;
  return type->Equals(*other.type);
}

std::optional<std::string> Field::GetMetadata(const std::string& key) const {
  for (const auto& [k, v] : metadata) {
    if (k == key) return v;
  }
  return std::nullopt;
}

FieldPtr MakeField(std::string name, TypePtr type, bool nullable, KeyValueMetadata metadata) {
  auto f = std::make_shared<Field>();
  f->name = std::move(name);
  f->type = std::move(type);
  f->nullable = nullable;
  f->metadata = std::move(metadata);
  return f;
}

// Parameterless types are shared singletons (cheap to hand out, cheap to compare).
#define DELTA_SIMPLE_TYPE(FN, ID)              \
  TypePtr FN() {                               \
    static const TypePtr kType = MakeSimple(ID); \
    return kType;                              \
  }
DELTA_SIMPLE_TYPE(Null, TypeId::kNull)
DELTA_SIMPLE_TYPE(Bool, TypeId::kBool)
DELTA_SIMPLE_TYPE(Int8, TypeId::kInt8)
DELTA_SIMPLE_TYPE(Int16, TypeId::kInt16)
DELTA_SIMPLE_TYPE(Int32, TypeId::kInt32)
DELTA_SIMPLE_TYPE(Int64, TypeId::kInt64)
DELTA_SIMPLE_TYPE(UInt8, TypeId::kUInt8)
DELTA_SIMPLE_TYPE(UInt16, TypeId::kUInt16)
DELTA_SIMPLE_TYPE(UInt32, TypeId::kUInt32)
DELTA_SIMPLE_TYPE(UInt64, TypeId::kUInt64)
DELTA_SIMPLE_TYPE(Float32, TypeId::kFloat32)
DELTA_SIMPLE_TYPE(Float64, TypeId::kFloat64)
DELTA_SIMPLE_TYPE(Date32, TypeId::kDate32)
DELTA_SIMPLE_TYPE(Utf8, TypeId::kString)
DELTA_SIMPLE_TYPE(Binary, TypeId::kBinary)
DELTA_SIMPLE_TYPE(LargeUtf8, TypeId::kLargeString)
DELTA_SIMPLE_TYPE(LargeBinary, TypeId::kLargeBinary)
#undef DELTA_SIMPLE_TYPE

TypePtr Decimal128(int32_t precision, int32_t scale) {
  auto t = std::make_shared<DataType>(TypeId::kDecimal128);
  t->precision_ = precision;
  t->scale_ = scale;
  return t;
}

TypePtr Timestamp(TimeUnit unit, std::string timezone) {
  auto t = std::make_shared<DataType>(TypeId::kTimestamp);
  t->unit_ = unit;
  t->timezone_ = std::move(timezone);
  return t;
}

TypePtr Time32(TimeUnit unit) {
  auto t = std::make_shared<DataType>(TypeId::kTime32);
  t->unit_ = unit;
  return t;
}

TypePtr Time64(TimeUnit unit) {
  auto t = std::make_shared<DataType>(TypeId::kTime64);
  t->unit_ = unit;
  return t;
}

TypePtr FixedSizeBinary(int32_t byte_width) {
  auto t = std::make_shared<DataType>(TypeId::kFixedSizeBinary);
  t->byte_width_ = byte_width;
  return t;
}

TypePtr Struct(std::vector<FieldPtr> fields) {
  auto t = std::make_shared<DataType>(TypeId::kStruct);
  t->children_ = std::move(fields);
  return t;
}

TypePtr List(FieldPtr element) {
  auto t = std::make_shared<DataType>(TypeId::kList);
  t->children_ = {std::move(element)};
  return t;
}

TypePtr List(TypePtr element_type) { return List(MakeField("item", std::move(element_type))); }

TypePtr LargeList(FieldPtr element) {
  auto t = std::make_shared<DataType>(TypeId::kLargeList);
  t->children_ = {std::move(element)};
  return t;
}

TypePtr Map(TypePtr key_type, TypePtr item_type, bool item_nullable, bool keys_sorted) {
  auto entries = MakeField("entries",
                           Struct({MakeField("key", std::move(key_type), false),
                                   MakeField("value", std::move(item_type), item_nullable)}),
                           false);
  auto t = std::make_shared<DataType>(TypeId::kMap);
  t->children_ = {std::move(entries)};
  t->keys_sorted_ = keys_sorted;
  return t;
}

TypePtr Map(FieldPtr entries) {
  auto t = std::make_shared<DataType>(TypeId::kMap);
  t->children_ = {std::move(entries)};
  return t;
}

int Schema::GetFieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i]->name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Schema::ToString() const {
  std::string out;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) out += "\n";
    out += fields_[i]->ToString();
  }
  return out;
}

bool Schema::Equals(const Schema& other) const {
  if (this == &other) return true;
  if (fields_.size() != other.fields_.size() || metadata_ != other.metadata_) return false;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!fields_[i]->Equals(*other.fields_[i])) return false;
  }
  return true;
}

}  // namespace delta::columnar
