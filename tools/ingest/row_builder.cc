// Conversion of JSON messages to columns. Every value path is written once as a template with a
// dry-run flag: the row is first checked with kDry = true (no builder touched), then appended
// with kDry = false, so that a bad message never leaves half a row in the builders (a builder
// cannot drop values). The check costs a second walk of the small message, which is far cheaper
// than rebuilding a batch.
#include "ingest/row_builder.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "delta/schema/partition_values.h"
#include "delta/schema/schema_json.h"
#include "delta/util/civil_time.h"
#include "delta/util/macros.h"

namespace delta::ingest {

namespace dom = simdjson::dom;
using columnar::ArrayBuilder;
using columnar::Field;
using columnar::TypeId;

void Overlay::Set(const std::vector<std::string>& path, const Value* value) {
  std::vector<Node>* level = &roots;
  for (size_t k = 0; k < path.size(); ++k) {
    Node* found = nullptr;
    for (auto& n : *level) {
      if (n.name == path[k]) found = &n;
    }
    if (found == nullptr) {
      level->push_back(Node{path[k], nullptr, {}});
      found = &level->back();
    }
    if (k + 1 == path.size()) {
      found->value = value;
      found->children.clear();
    } else {
      found->value = nullptr;
      level = &found->children;
    }
  }
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t k = pos; k < pos + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    v = v * 10 + (s[k] - '0');
  }
  *out = v;
  return true;
}

const Overlay::Node* FindNode(const std::vector<Overlay::Node>* nodes, std::string_view name) {
  if (nodes == nullptr) return nullptr;
  for (const auto& n : *nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

}  // namespace

bool ParseIso8601(std::string_view s, bool ignore_offset, int64_t* micros) {
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!Digits(s, 0, 4, &year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &month) || s[7] != '-' ||
      !Digits(s, 8, 2, &day)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || static_cast<unsigned>(day) > util::DaysInMonth(year, static_cast<unsigned>(month))) {
    return false;
  }
  size_t pos = 10;
  int64_t frac_micros = 0;
  int64_t offset_seconds = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return false;
    if (!Digits(s, pos + 1, 2, &hour) || pos + 3 >= s.size() || s[pos + 3] != ':' || !Digits(s, pos + 4, 2, &minute)) {
      return false;
    }
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!Digits(s, pos + 1, 2, &second)) return false;
      pos += 3;
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (digits < 6) frac_micros = frac_micros * 10 + (s[pos] - '0');
          ++digits;
          ++pos;
        }
        if (digits == 0) return false;
        for (int k = digits; k < 6; ++k) frac_micros *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return false;
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!Digits(s, pos + 1, 2, &oh)) return false;
        pos += 3;
        if (pos < s.size() && s[pos] == ':') ++pos;
        if (pos < s.size()) {
          if (!Digits(s, pos, 2, &om)) return false;
          pos += 2;
        }
        if (oh > 18 || om > 59) return false;
        offset_seconds = sign * (oh * 3600 + om * 60);
      } else {
        return false;
      }
    }
    if (pos != s.size()) return false;
  }
  int64_t days = util::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second;
  if (!ignore_offset) secs -= offset_seconds;
  *micros = secs * 1000000 + frac_micros;
  return true;
}

Result<std::unique_ptr<RowBatchBuilder>> RowBatchBuilder::Make(columnar::SchemaPtr schema) {
  std::unique_ptr<RowBatchBuilder> out(new RowBatchBuilder());
  for (const auto& f : schema->fields()) {
    DELTA_ASSIGN_OR_RAISE(auto b, columnar::MakeBuilder(f->type));
    out->builders_.push_back(std::move(b));
  }
  out->schema_ = std::move(schema);
  out->path_.reserve(16);
  return out;
}

Status RowBatchBuilder::Error(std::string message) const {
  std::string col;
  for (size_t k = 0; k < path_.size(); ++k) {
    if (k) col += '.';
    col += path_[k];
  }
  return Status::InvalidArgument(fmt::format("column '{}': {}", col, message));
}

Status RowBatchBuilder::AppendRow(dom::element doc, const Overlay& overlay) {
  if (!doc.is_object()) {
    return Status::InvalidArgument("the message is not a JSON object");
  }
  path_.clear();
  DELTA_RETURN_NOT_OK(PutRow<true>(doc, overlay));
  path_.clear();
  Status st = PutRow<false>(doc, overlay);
  if (!st.ok()) {
    // The dry run accepted the row; only memory exhaustion gets here, and the builders may now
    // disagree in length: that batch cannot be used any more.
    return Status::Internal(fmt::format("appending a checked row failed: {}", st.ToString()));
  }
  ++num_rows_;
  return Status::OK();
}

template <bool kDry>
Status RowBatchBuilder::PutRow(dom::element doc, const Overlay& overlay) {
  dom::object obj = doc.get_object().value_unsafe();
  const auto& fields = schema_->fields();
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = *fields[i];
    ArrayBuilder* b = kDry ? nullptr : builders_[i].get();
    path_.push_back(f.name);
    const Overlay::Node* node = overlay.empty() ? nullptr : FindNode(&overlay.roots, f.name);
    Status st;
    if (node != nullptr && node->value != nullptr) {
      st = PutValue<kDry>(b, f, *node->value);
    } else {
      dom::element v;
      bool present = obj.at_key(f.name).get(v) == simdjson::SUCCESS;
      if (node != nullptr) {
        if (present && v.is_object()) {
          dom::object o = v.get_object().value_unsafe();
          st = PutStruct<kDry>(b, f, &o, &node->children);
        } else {
          st = PutStruct<kDry>(b, f, nullptr, &node->children);
        }
      } else if (present) {
        st = PutElement<kDry>(b, f, v, nullptr);
      } else {
        st = PutNull<kDry>(b, f);
      }
    }
    if (!st.ok()) return st;
    path_.pop_back();
  }
  return Status::OK();
}

template <bool kDry>
Status RowBatchBuilder::PutNull(ArrayBuilder* b, const Field& f) {
  if (!f.nullable) return Error("is not nullable but the message has no value for it");
  if constexpr (!kDry) return b->AppendNull();
  return Status::OK();
}

template <bool kDry>
Status RowBatchBuilder::PutStruct(ArrayBuilder* b, const Field& f, const dom::object* obj,
                                  const std::vector<Overlay::Node>* overlay) {
  if (f.type->id() != TypeId::kStruct) {
    if (overlay != nullptr && !overlay->empty()) {
      return Error(fmt::format("a transform targets a field inside it, but its type is {}",
                               schema::DeltaTypeName(*f.type)));
    }
    return Error("expected an object");
  }
  auto* sb = static_cast<columnar::StructBuilder*>(b);
  const auto& children = f.type->children();
  for (size_t k = 0; k < children.size(); ++k) {
    const Field& cf = *children[k];
    ArrayBuilder* cb = kDry ? nullptr : sb->child(static_cast<int>(k));
    path_.push_back(cf.name);
    const Overlay::Node* node = FindNode(overlay, cf.name);
    Status st;
    if (node != nullptr && node->value != nullptr) {
      st = PutValue<kDry>(cb, cf, *node->value);
    } else {
      dom::element v;
      bool present = obj != nullptr && obj->at_key(cf.name).get(v) == simdjson::SUCCESS;
      if (node != nullptr) {
        if (present && v.is_object()) {
          dom::object o = v.get_object().value_unsafe();
          st = PutStruct<kDry>(cb, cf, &o, &node->children);
        } else {
          st = PutStruct<kDry>(cb, cf, nullptr, &node->children);
        }
      } else if (present) {
        st = PutElement<kDry>(cb, cf, v, nullptr);
      } else {
        st = PutNull<kDry>(cb, cf);
      }
    }
    if (!st.ok()) return st;
    path_.pop_back();
  }
  if constexpr (!kDry) return sb->Append(true);
  return Status::OK();
}

template <bool kDry>
Status RowBatchBuilder::PutElement(ArrayBuilder* b, const Field& f, dom::element v,
                                   const std::vector<Overlay::Node>* overlay) {
  const TypeId id = f.type->id();
  switch (v.type()) {
    case dom::element_type::NULL_VALUE:
      return PutNull<kDry>(b, f);
    case dom::element_type::BOOL:
      return PutBool<kDry>(b, f, v.get_bool().value_unsafe());
    case dom::element_type::INT64:
      return PutInt<kDry>(b, f, v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return PutUInt<kDry>(b, f, v.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return PutDouble<kDry>(b, f, v.get_double().value_unsafe());
    case dom::element_type::STRING:
      return PutText<kDry>(b, f, v.get_string().value_unsafe());
    case dom::element_type::OBJECT: {
      dom::object obj = v.get_object().value_unsafe();
      if (id == TypeId::kStruct) return PutStruct<kDry>(b, f, &obj, overlay);
      if (id == TypeId::kString) {
        if constexpr (!kDry) {
          text_ = simdjson::minify(v);
          return static_cast<columnar::BinaryBuilder*>(b)->Append(text_);
        }
        return Status::OK();
      }
      if (id == TypeId::kMap) {
        auto* mb = static_cast<columnar::MapBuilder*>(b);
        const auto& entries = f.type->children()[0]->type->children();
        if constexpr (!kDry) DELTA_RETURN_NOT_OK(mb->Append(true));
        for (auto kv : obj) {
          path_.push_back("key");
          DELTA_RETURN_NOT_OK(PutText<kDry>(kDry ? nullptr : mb->key_builder(), *entries[0], kv.key));
          path_.back() = "value";
          DELTA_RETURN_NOT_OK(PutElement<kDry>(kDry ? nullptr : mb->item_builder(), *entries[1], kv.value, nullptr));
          path_.pop_back();
        }
        return Status::OK();
      }
      return Error(fmt::format("expected {}, found an object", schema::DeltaTypeName(*f.type)));
    }
    case dom::element_type::ARRAY: {
      dom::array arr = v.get_array().value_unsafe();
      if (id == TypeId::kList) {
        auto* lb = static_cast<columnar::ListBuilder*>(b);
        const Field& ef = *f.type->children()[0];
        if constexpr (!kDry) DELTA_RETURN_NOT_OK(lb->Append(true));
        path_.push_back("element");
        for (dom::element x : arr) {
          DELTA_RETURN_NOT_OK(PutElement<kDry>(kDry ? nullptr : lb->value_builder(), ef, x, nullptr));
        }
        path_.pop_back();
        return Status::OK();
      }
      if (id == TypeId::kString) {
        if constexpr (!kDry) {
          text_ = simdjson::minify(v);
          return static_cast<columnar::BinaryBuilder*>(b)->Append(text_);
        }
        return Status::OK();
      }
      return Error(fmt::format("expected {}, found an array", schema::DeltaTypeName(*f.type)));
    }
  }
  return Error("unknown JSON value");
}

template <bool kDry>
Status RowBatchBuilder::PutValue(ArrayBuilder* b, const Field& f, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return PutNull<kDry>(b, f);
    case Value::Kind::kBool:
      return PutBool<kDry>(b, f, v.b);
    case Value::Kind::kInt:
      return PutInt<kDry>(b, f, v.i);
    case Value::Kind::kDouble:
      return PutDouble<kDry>(b, f, v.d);
    case Value::Kind::kString:
      return PutText<kDry>(b, f, v.s);
    case Value::Kind::kElement:
      return PutElement<kDry>(b, f, v.element, nullptr);
    case Value::Kind::kArray:
    case Value::Kind::kObject: {
      std::string json = v.ToJson();
      if (f.type->id() == TypeId::kString) {
        if constexpr (!kDry) return static_cast<columnar::BinaryBuilder*>(b)->Append(json);
        return Status::OK();
      }
      dom::element e;
      if (scratch_.parse(json).get(e)) return Error("cannot re-read a computed value");
      return PutElement<kDry>(b, f, e, nullptr);
    }
  }
  return Error("unknown value");
}

template <bool kDry>
Status RowBatchBuilder::PutBool(ArrayBuilder* b, const Field& f, bool v) {
  switch (f.type->id()) {
    case TypeId::kBool:
      if constexpr (!kDry) return static_cast<columnar::BooleanBuilder*>(b)->Append(v);
      return Status::OK();
    case TypeId::kString:
      if constexpr (!kDry) return static_cast<columnar::BinaryBuilder*>(b)->Append(v ? "true" : "false");
      return Status::OK();
    default:
      return Error(fmt::format("expected {}, found a boolean", schema::DeltaTypeName(*f.type)));
  }
}

template <bool kDry>
Status RowBatchBuilder::PutInt(ArrayBuilder* b, const Field& f, int64_t v) {
  auto range = [&](int64_t lo, int64_t hi) -> Status {
    if (v < lo || v > hi) {
      return Error(fmt::format("value {} is out of range for {}", v, schema::DeltaTypeName(*f.type)));
    }
    return Status::OK();
  };
  switch (f.type->id()) {
    case TypeId::kInt8:
      DELTA_RETURN_NOT_OK(range(INT8_MIN, INT8_MAX));
      if constexpr (!kDry) return static_cast<columnar::Int8Builder*>(b)->Append(static_cast<int8_t>(v));
      return Status::OK();
    case TypeId::kInt16:
      DELTA_RETURN_NOT_OK(range(INT16_MIN, INT16_MAX));
      if constexpr (!kDry) return static_cast<columnar::Int16Builder*>(b)->Append(static_cast<int16_t>(v));
      return Status::OK();
    case TypeId::kInt32:
    case TypeId::kDate32:
      DELTA_RETURN_NOT_OK(range(INT32_MIN, INT32_MAX));
      if constexpr (!kDry) return static_cast<columnar::Int32Builder*>(b)->Append(static_cast<int32_t>(v));
      return Status::OK();
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if constexpr (!kDry) return static_cast<columnar::Int64Builder*>(b)->Append(v);
      return Status::OK();
    case TypeId::kFloat32:
      if constexpr (!kDry) return static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(v));
      return Status::OK();
    case TypeId::kFloat64:
      if constexpr (!kDry) return static_cast<columnar::DoubleBuilder*>(b)->Append(static_cast<double>(v));
      return Status::OK();
    case TypeId::kDecimal128:
    case TypeId::kString: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      return PutText<kDry>(b, f, std::string_view(buf, static_cast<size_t>(p - buf)));
    }
    default:
      return Error(fmt::format("expected {}, found the number {}", schema::DeltaTypeName(*f.type), v));
  }
}

template <bool kDry>
Status RowBatchBuilder::PutUInt(ArrayBuilder* b, const Field& f, uint64_t v) {
  if (v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return PutInt<kDry>(b, f, static_cast<int64_t>(v));
  switch (f.type->id()) {
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return PutDouble<kDry>(b, f, static_cast<double>(v));
    case TypeId::kDecimal128:
    case TypeId::kString: {
      char buf[32];
      auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      return PutText<kDry>(b, f, std::string_view(buf, static_cast<size_t>(p - buf)));
    }
    default:
      return Error(fmt::format("value {} is out of range for {}", v, schema::DeltaTypeName(*f.type)));
  }
}

template <bool kDry>
Status RowBatchBuilder::PutDouble(ArrayBuilder* b, const Field& f, double v) {
  switch (f.type->id()) {
    case TypeId::kFloat32:
      if (std::isfinite(v) && std::fabs(v) > std::numeric_limits<float>::max()) {
        return Error(fmt::format("value {} is out of range for float", v));
      }
      if constexpr (!kDry) return static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(v));
      return Status::OK();
    case TypeId::kFloat64:
      if constexpr (!kDry) return static_cast<columnar::DoubleBuilder*>(b)->Append(v);
      return Status::OK();
    case TypeId::kDecimal128:
    case TypeId::kString: {
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      return PutText<kDry>(b, f, std::string_view(buf, static_cast<size_t>(p - buf)));
    }
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return Error(fmt::format("{} is not an integer ({})", v, schema::DeltaTypeName(*f.type)));
    default:
      return Error(fmt::format("expected {}, found the number {}", schema::DeltaTypeName(*f.type), v));
  }
}

template <bool kDry>
Status RowBatchBuilder::PutText(ArrayBuilder* b, const Field& f, std::string_view s) {
  const TypeId id = f.type->id();
  switch (id) {
    case TypeId::kString:
    case TypeId::kBinary:
      if constexpr (!kDry) return static_cast<columnar::BinaryBuilder*>(b)->Append(s);
      return Status::OK();
    case TypeId::kTimestamp: {
      int64_t micros = 0;
      if (!ParseIso8601(s, f.type->timezone().empty(), &micros)) {
        return Error(fmt::format("'{}' is not an ISO-8601 timestamp", s));
      }
      if constexpr (!kDry) return static_cast<columnar::Int64Builder*>(b)->Append(micros);
      return Status::OK();
    }
    case TypeId::kDate32: {
      int64_t micros = 0;
      if (s.size() != 10 || !ParseIso8601(s, true, &micros)) return Error(fmt::format("'{}' is not a date", s));
      if constexpr (!kDry) {
        return static_cast<columnar::Int32Builder*>(b)->Append(static_cast<int32_t>(util::FloorDiv(micros, 86400000000LL)));
      }
      return Status::OK();
    }
    case TypeId::kBool:
      if (s == "true") return PutBool<kDry>(b, f, true);
      if (s == "false") return PutBool<kDry>(b, f, false);
      return Error(fmt::format("'{}' is not a boolean", s));
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range) {
        return Error(fmt::format("value {} is out of range for {}", s, schema::DeltaTypeName(*f.type)));
      }
      if (ec != std::errc() || p != s.data() + s.size()) return Error(fmt::format("'{}' is not an integer", s));
      return PutInt<kDry>(b, f, v);
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size()) return Error(fmt::format("'{}' is not a number", s));
      return PutDouble<kDry>(b, f, v);
    }
    case TypeId::kDecimal128: {
      auto scalar = schema::ParsePartitionValue(f.name, std::string(s), f.type);
      if (!scalar.ok()) return Error(fmt::format("'{}' does not fit {}", s, schema::DeltaTypeName(*f.type)));
      if constexpr (!kDry) {
        return static_cast<columnar::Decimal128Builder*>(b)->Append(std::get<__int128>(scalar->value));
      }
      return Status::OK();
    }
    default:
      return Error(fmt::format("expected {}, found a string", schema::DeltaTypeName(*f.type)));
  }
}

Result<columnar::RecordBatchPtr> RowBatchBuilder::Finish() {
  std::vector<columnar::ArrayPtr> columns;
  columns.reserve(builders_.size());
  for (auto& b : builders_) {
    DELTA_ASSIGN_OR_RAISE(auto a, b->Finish());
    columns.push_back(std::move(a));
  }
  num_rows_ = 0;
  return columnar::MakeRecordBatch(schema_, std::move(columns));
}

// ---- Schema inference ----

namespace {

columnar::TypePtr InferType(dom::element v) {
  switch (v.type()) {
    case dom::element_type::INT64:
      return columnar::Int64();
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return columnar::Float64();
    case dom::element_type::BOOL:
      return columnar::Bool();
    case dom::element_type::OBJECT: {
      std::vector<columnar::FieldPtr> fields;
      for (auto kv : dom::object(v.get_object().value_unsafe())) {
        bool dup = false;
        for (const auto& f : fields) dup = dup || f->name == kv.key;
        if (!dup) fields.push_back(columnar::MakeField(std::string(kv.key), InferType(kv.value)));
      }
      if (fields.empty()) return columnar::Utf8();  // Delta has no empty struct: keep the JSON text
      return columnar::Struct(std::move(fields));
    }
    case dom::element_type::ARRAY: {
      for (dom::element x : dom::array(v.get_array().value_unsafe())) {
        if (!x.is_null()) return columnar::List(columnar::MakeField("element", InferType(x)));
      }
      return columnar::List(columnar::MakeField("element", columnar::Utf8()));
    }
    default:
      return columnar::Utf8();
  }
}

}  // namespace

Result<columnar::SchemaPtr> InferSchema(dom::element doc) {
  if (!doc.is_object()) return Status::InvalidArgument("cannot infer a schema: the message is not a JSON object");
  auto t = InferType(doc);
  if (t->id() != TypeId::kStruct) return Status::InvalidArgument("cannot infer a schema from an empty JSON object");
  return std::make_shared<columnar::Schema>(t->children());
}

namespace {

// Returns the merged type, or null when `b` adds nothing to `a`.
columnar::TypePtr MergeType(const columnar::TypePtr& a, const columnar::TypePtr& b) {
  if (a->id() != TypeId::kStruct || b->id() != TypeId::kStruct) return nullptr;
  std::vector<columnar::FieldPtr> fields = a->children();
  bool changed = false;
  for (const auto& bf : b->children()) {
    bool found = false;
    for (auto& af : fields) {
      if (af->name != bf->name) continue;
      found = true;
      if (auto m = MergeType(af->type, bf->type)) {
        af = columnar::MakeField(af->name, m, af->nullable, af->metadata);
        changed = true;
      }
    }
    if (!found) {
      fields.push_back(columnar::MakeField(bf->name, bf->type, true));
      changed = true;
    }
  }
  return changed ? columnar::Struct(std::move(fields)) : nullptr;
}

}  // namespace

columnar::SchemaPtr MergeNewFields(const columnar::Schema& schema, const columnar::Schema& other) {
  auto merged = MergeType(columnar::Struct(schema.fields()), columnar::Struct(other.fields()));
  if (merged == nullptr) return nullptr;
  return std::make_shared<columnar::Schema>(merged->children(), schema.metadata());
}

}  // namespace delta::ingest
