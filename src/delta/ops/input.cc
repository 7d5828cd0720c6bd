#include "delta/ops/input.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/schema/partition_values.h"
#include "delta/schema/schema_json.h"
#include "delta/util/macros.h"

namespace delta::ops {

using columnar::ArrayBuilder;
using columnar::DataType;
using columnar::FieldPtr;
using columnar::RecordBatchPtr;
using columnar::Schema;
using columnar::SchemaPtr;
using columnar::TypeId;
using columnar::TypePtr;
namespace od = simdjson::ondemand;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("cannot open input file {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(fmt::format("cannot read input file {}", path));
  return ss.str();
}

// Maps names to column indices: exact first, then case-insensitive.
class NameIndex {
 public:
  explicit NameIndex(const std::vector<FieldPtr>& fields) {
    for (size_t i = 0; i < fields.size(); ++i) {
      exact_.emplace(fields[i]->name, static_cast<int>(i));
      lower_.emplace(Lower(fields[i]->name), static_cast<int>(i));
    }
  }
  int Find(std::string_view name) const {
    auto it = exact_.find(std::string(name));
    if (it != exact_.end()) return it->second;
    auto jt = lower_.find(Lower(name));
    return jt == lower_.end() ? -1 : jt->second;
  }

 private:
  std::unordered_map<std::string, int> exact_;
  std::unordered_map<std::string, int> lower_;
};

// ---- Appending typed values ----

bool FitsInt(int64_t v, TypeId id) {
  switch (id) {
    case TypeId::kInt8:
      return v >= std::numeric_limits<int8_t>::min() && v <= std::numeric_limits<int8_t>::max();
    case TypeId::kInt16:
      return v >= std::numeric_limits<int16_t>::min() && v <= std::numeric_limits<int16_t>::max();
    case TypeId::kInt32:
      return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
    default:
      return true;
  }
}

bool IsIntegerType(TypeId id) {
  return id == TypeId::kInt8 || id == TypeId::kInt16 || id == TypeId::kInt32 || id == TypeId::kInt64;
}

Status AppendInt(ArrayBuilder* b, int64_t v) {
  switch (b->type()->id()) {
    case TypeId::kInt8:
      return static_cast<columnar::Int8Builder*>(b)->Append(static_cast<int8_t>(v));
    case TypeId::kInt16:
      return static_cast<columnar::Int16Builder*>(b)->Append(static_cast<int16_t>(v));
    case TypeId::kInt32:
    case TypeId::kDate32:
      return static_cast<columnar::Int32Builder*>(b)->Append(static_cast<int32_t>(v));
    default:
      return static_cast<columnar::Int64Builder*>(b)->Append(v);
  }
}

Status AppendScalar(ArrayBuilder* b, const columnar::Scalar& s) {
  if (s.is_null()) return b->AppendNull();
  switch (b->type()->id()) {
    case TypeId::kBool:
      return static_cast<columnar::BooleanBuilder*>(b)->Append(std::get<bool>(s.value));
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return AppendInt(b, std::get<int64_t>(s.value));
    case TypeId::kFloat32:
      return static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(std::get<double>(s.value)));
    case TypeId::kFloat64:
      return static_cast<columnar::DoubleBuilder*>(b)->Append(std::get<double>(s.value));
    case TypeId::kDecimal128:
      return static_cast<columnar::Decimal128Builder*>(b)->Append(std::get<__int128>(s.value));
    case TypeId::kString:
    case TypeId::kBinary:
      return static_cast<columnar::BinaryBuilder*>(b)->Append(std::get<std::string>(s.value));
    default:
      return Status::InvalidArgument(fmt::format("cannot write a value of type {}", b->type()->ToString()));
  }
}

// Appends a value given as text to a primitive builder. The message (without location) says
// what does not fit.
Status AppendText(ArrayBuilder* b, std::string_view text, const std::string& column) {
  const DataType& t = *b->type();
  switch (t.id()) {
    case TypeId::kString:
    case TypeId::kBinary:
      return static_cast<columnar::BinaryBuilder*>(b)->Append(text);
    case TypeId::kNull:
      return b->AppendNull();
    case TypeId::kBool: {
      std::string l = Lower(text);
      if (l == "true") return static_cast<columnar::BooleanBuilder*>(b)->Append(true);
      if (l == "false") return static_cast<columnar::BooleanBuilder*>(b)->Append(false);
      return Status::InvalidArgument(fmt::format("'{}' is not a boolean", text));
    }
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64: {
      std::string_view s = text;
      if (!s.empty() && s[0] == '+') s.remove_prefix(1);
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range || (ec == std::errc() && p == s.data() + s.size() && !FitsInt(v, t.id()))) {
        return Status::InvalidArgument(fmt::format("value {} is out of range for {}", text, schema::DeltaTypeName(t)));
      }
      if (ec != std::errc() || p != s.data() + s.size()) {
        return Status::InvalidArgument(fmt::format("'{}' is not an integer", text));
      }
      return AppendInt(b, v);
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      std::string_view s = text;
      if (!s.empty() && s[0] == '+') s.remove_prefix(1);
      double v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range) {
        v = (!s.empty() && s[0] == '-') ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        if (t.id() == TypeId::kFloat64) {
          // A decimal text beyond double range: report rather than store infinity silently.
          return Status::InvalidArgument(fmt::format("value {} is out of range for double", text));
        }
      } else if (ec != std::errc() || p != s.data() + s.size()) {
        return Status::InvalidArgument(fmt::format("'{}' is not a number", text));
      }
      if (t.id() == TypeId::kFloat32) {
        return static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(v));
      }
      return static_cast<columnar::DoubleBuilder*>(b)->Append(v);
    }
    case TypeId::kDate32:
    case TypeId::kTimestamp:
    case TypeId::kDecimal128: {
      // The partition value grammar is the ISO form readers of Delta expect (dates, timestamps
      // with optional zone / offset, exact decimals).
      auto scalar = schema::ParsePartitionValue(column, std::string(text), b->type());
      if (!scalar.ok()) {
        // The message is worded for partition values; keep what it says about the value only.
        std::string msg = scalar.status().message();
        const std::string prefix = "partition column '" + column + "': ";
        if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
        return Status(scalar.status().code(), msg);
      }
      return AppendScalar(b, *scalar);
    }
    default:
      return Status::InvalidArgument(
          fmt::format("a text value cannot be written to a column of type {}", schema::DeltaTypeName(t)));
  }
}

// ---- JSON ----

Status JsonError(simdjson::error_code e) {
  return Status::InvalidArgument(fmt::format("invalid JSON: {}", simdjson::error_message(e)));
}

std::string_view TrimToken(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

Status AppendJson(ArrayBuilder* b, od::value v, const std::string& column);

Status AppendJsonObject(ArrayBuilder* b, od::object obj, const std::string& column) {
  const DataType& t = *b->type();
  if (t.id() == TypeId::kStruct) {
    auto* sb = static_cast<columnar::StructBuilder*>(b);
    const auto& fields = t.children();
    std::vector<char> seen(fields.size(), 0);
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return JsonError(e);
      int i = -1;
      for (size_t k = 0; k < fields.size() && i < 0; ++k) {
        if (fields[k]->name == key) i = static_cast<int>(k);
      }
      for (size_t k = 0; k < fields.size() && i < 0; ++k) {
        if (Lower(fields[k]->name) == Lower(key)) i = static_cast<int>(k);
      }
      if (i < 0) return Status::InvalidArgument(fmt::format("struct column '{}' has no field '{}'", column, key));
      if (seen[static_cast<size_t>(i)]) {
        return Status::InvalidArgument(fmt::format("field '{}' of '{}' appears twice", key, column));
      }
      seen[static_cast<size_t>(i)] = 1;
      od::value fv;
      if (auto e = field.value().get(fv)) return JsonError(e);
      DELTA_RETURN_NOT_OK(AppendJson(sb->child(i), fv, column + "." + fields[static_cast<size_t>(i)]->name));
    }
    for (size_t k = 0; k < fields.size(); ++k) {
      if (!seen[k]) DELTA_RETURN_NOT_OK(sb->child(static_cast<int>(k))->AppendNull());
    }
    return sb->Append(true);
  }
  if (t.id() == TypeId::kMap) {
    auto* mb = static_cast<columnar::MapBuilder*>(b);
    DELTA_RETURN_NOT_OK(mb->Append(true));
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return JsonError(e);
      DELTA_RETURN_NOT_OK(AppendText(mb->key_builder(), key, column + ".key"));
      od::value fv;
      if (auto e = field.value().get(fv)) return JsonError(e);
      DELTA_RETURN_NOT_OK(AppendJson(mb->item_builder(), fv, column + ".value"));
    }
    return Status::OK();
  }
  if (t.id() == TypeId::kString) {
    std::string_view raw;
    if (auto e = obj.raw_json().get(raw)) return JsonError(e);
    return static_cast<columnar::BinaryBuilder*>(b)->Append(raw);
  }
  return Status::InvalidArgument(fmt::format("expected {} for column '{}', found an object",
                                             schema::DeltaTypeName(t), column));
}

Status AppendJson(ArrayBuilder* b, od::value v, const std::string& column) {
  const DataType& t = *b->type();
  od::json_type jt;
  if (auto e = v.type().get(jt)) return JsonError(e);
  switch (jt) {
    case od::json_type::null:
      return b->AppendNull();
    case od::json_type::boolean: {
      bool x;
      if (auto e = v.get_bool().get(x)) return JsonError(e);
      if (t.id() == TypeId::kBool) return static_cast<columnar::BooleanBuilder*>(b)->Append(x);
      if (t.id() == TypeId::kString) return static_cast<columnar::BinaryBuilder*>(b)->Append(x ? "true" : "false");
      return Status::InvalidArgument(fmt::format("expected {} for column '{}', found a boolean",
                                                 schema::DeltaTypeName(t), column));
    }
    case od::json_type::number: {
      std::string_view raw = TrimToken(v.raw_json_token());
      if (IsIntegerType(t.id()) || t.id() == TypeId::kFloat32 || t.id() == TypeId::kFloat64 ||
          t.id() == TypeId::kDecimal128 || t.id() == TypeId::kString) {
        if (IsIntegerType(t.id()) && raw.find_first_of(".eE") != std::string_view::npos) {
          return Status::InvalidArgument(fmt::format("{} is not an integer ({})", raw, schema::DeltaTypeName(t)));
        }
        return AppendText(b, raw, column);
      }
      return Status::InvalidArgument(fmt::format("expected {} for column '{}', found the number {}",
                                                 schema::DeltaTypeName(t), column, raw));
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return JsonError(e);
      if (t.id() == TypeId::kString || t.id() == TypeId::kBinary) {
        return static_cast<columnar::BinaryBuilder*>(b)->Append(s);
      }
      if (s.empty()) return b->AppendNull();
      if (t.is_nested()) {
        return Status::InvalidArgument(fmt::format("expected {} for column '{}', found a string",
                                                   schema::DeltaTypeName(t), column));
      }
      return AppendText(b, s, column);
    }
    case od::json_type::object: {
      od::object obj;
      if (auto e = v.get_object().get(obj)) return JsonError(e);
      return AppendJsonObject(b, obj, column);
    }
    case od::json_type::array: {
      od::array arr;
      if (auto e = v.get_array().get(arr)) return JsonError(e);
      if (t.id() == TypeId::kList) {
        auto* lb = static_cast<columnar::ListBuilder*>(b);
        DELTA_RETURN_NOT_OK(lb->Append(true));
        for (auto elem : arr) {
          od::value ev;
          if (auto e = elem.get(ev)) return JsonError(e);
          DELTA_RETURN_NOT_OK(AppendJson(lb->value_builder(), ev, column + ".element"));
        }
        return Status::OK();
      }
      if (t.id() == TypeId::kString) {
        std::string_view raw;
        if (auto e = arr.raw_json().get(raw)) return JsonError(e);
        return static_cast<columnar::BinaryBuilder*>(b)->Append(raw);
      }
      return Status::InvalidArgument(fmt::format("expected {} for column '{}', found an array",
                                                 schema::DeltaTypeName(t), column));
    }
  }
  return Status::InvalidArgument("unknown JSON value");
}

// ---- Schema inference ----

bool LooksLikeDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  return schema::ParsePartitionValue("", std::string(s), columnar::Date32()).ok();
}

bool LooksLikeTimestamp(std::string_view s) {
  if (s.size() < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':') return false;
  return schema::ParsePartitionValue("", std::string(s), columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC")).ok();
}

struct Inferred {
  enum Kind { kUnknown, kBool, kLong, kDouble, kString, kStruct, kList } kind = kUnknown;
  bool all_date = true, all_ts = true;
  std::vector<std::string> names;
  std::vector<std::unique_ptr<Inferred>> children;
  std::unique_ptr<Inferred> elem;

  // Moves to `k`; returns false when the kinds conflict (the result is then a string).
  bool Become(Kind k) {
    if (kind == kUnknown) {
      kind = k;
      return true;
    }
    if (kind == k) return true;
    if ((kind == kLong && k == kDouble) || (kind == kDouble && k == kLong)) {
      kind = kDouble;
      return true;
    }
    kind = kString;
    all_date = all_ts = false;
    names.clear();
    children.clear();
    elem.reset();
    return false;
  }

  Inferred* Child(std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return children[i].get();
    }
    names.emplace_back(name);
    children.push_back(std::make_unique<Inferred>());
    return children.back().get();
  }

  // Inferred strings are strings unless every value parsed as a date / a timestamp.
  TypePtr ToType() const {
    switch (kind) {
      case kBool:
        return columnar::Bool();
      case kLong:
        return columnar::Int64();
      case kDouble:
        return columnar::Float64();
      case kStruct: {
        std::vector<FieldPtr> fields;
        for (size_t i = 0; i < names.size(); ++i) fields.push_back(columnar::MakeField(names[i], children[i]->ToType()));
        if (fields.empty()) return columnar::Utf8();
        return columnar::Struct(std::move(fields));
      }
      case kList:
        return columnar::List(columnar::MakeField("element", elem ? elem->ToType() : columnar::Utf8()));
      case kString:
        if (all_date) return columnar::Date32();
        if (all_ts) return columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC");
        return columnar::Utf8();
      case kUnknown:
        return columnar::Utf8();
    }
    return columnar::Utf8();
  }

  void ObserveString(std::string_view s) {
    if (!Become(kString)) return;
    if (all_date && !LooksLikeDate(s)) all_date = false;
    if (all_ts && !LooksLikeTimestamp(s)) all_ts = false;
  }
};

Status Observe(Inferred* inf, od::value v) {
  od::json_type jt;
  if (auto e = v.type().get(jt)) return JsonError(e);
  switch (jt) {
    case od::json_type::null:
      return Status::OK();
    case od::json_type::boolean:
      inf->Become(Inferred::kBool);
      return Status::OK();
    case od::json_type::number: {
      od::number_type nt;
      if (auto e = v.get_number_type().get(nt)) return JsonError(e);
      inf->Become(nt == od::number_type::floating_point_number || nt == od::number_type::unsigned_integer
                      ? Inferred::kDouble
                      : Inferred::kLong);
      return Status::OK();
    }
    case od::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return JsonError(e);
      inf->ObserveString(s);
      return Status::OK();
    }
    case od::json_type::object: {
      od::object obj;
      if (auto e = v.get_object().get(obj)) return JsonError(e);
      if (!inf->Become(Inferred::kStruct)) return Status::OK();
      for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return JsonError(e);
        od::value fv;
        if (auto e = field.value().get(fv)) return JsonError(e);
        DELTA_RETURN_NOT_OK(Observe(inf->Child(key), fv));
        if (inf->kind != Inferred::kStruct) break;
      }
      return Status::OK();
    }
    case od::json_type::array: {
      od::array arr;
      if (auto e = v.get_array().get(arr)) return JsonError(e);
      if (!inf->Become(Inferred::kList)) return Status::OK();
      if (!inf->elem) inf->elem = std::make_unique<Inferred>();
      for (auto elem : arr) {
        od::value ev;
        if (auto e = elem.get(ev)) return JsonError(e);
        DELTA_RETURN_NOT_OK(Observe(inf->elem.get(), ev));
      }
      return Status::OK();
    }
  }
  return Status::OK();
}

// Iterates the non-blank lines of a file held in a padded buffer.
class LineCursor {
 public:
  explicit LineCursor(simdjson::padded_string data) : data_(std::move(data)) {}
  // Next non-blank line; false at the end.
  bool Next(std::string_view* line, int64_t* line_no) {
    const size_t n = data_.size();
    while (pos_ < n) {
      size_t end = std::string_view(data_.data(), n).find('\n', pos_);
      if (end == std::string_view::npos) end = n;
      std::string_view l(data_.data() + pos_, end - pos_);
      pos_ = end + 1;
      ++line_;
      while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.remove_suffix(1);
      size_t lead = 0;
      while (lead < l.size() && std::isspace(static_cast<unsigned char>(l[lead]))) ++lead;
      l.remove_prefix(lead);
      if (l.empty()) continue;
      *line = l;
      *line_no = line_;
      return true;
    }
    return false;
  }
  // Bytes readable from `p` (for simdjson's padding requirement).
  size_t Capacity(const char* p) const {
    return static_cast<size_t>(data_.data() + data_.size() - p) + simdjson::SIMDJSON_PADDING;
  }

 private:
  simdjson::padded_string data_;
  size_t pos_ = 0;
  int64_t line_ = 0;
};

Result<simdjson::padded_string> LoadPadded(const std::string& path) {
  DELTA_ASSIGN_OR_RAISE(std::string content, ReadWholeFile(path));
  return simdjson::padded_string(content);
}

Result<SchemaPtr> InferJsonSchema(const std::string& path, int64_t max_rows) {
  DELTA_ASSIGN_OR_RAISE(auto data, LoadPadded(path));
  LineCursor cursor(std::move(data));
  od::parser parser;
  Inferred root;
  root.kind = Inferred::kStruct;
  std::string_view line;
  int64_t line_no = 0;
  int64_t rows = 0;
  while (rows < max_rows && cursor.Next(&line, &line_no)) {
    ++rows;
    auto where = [&](const Status& st) { return st.WithPrefix(fmt::format("{}:{}", path, line_no)); };
    od::document doc;
    if (auto e = parser.iterate(line.data(), line.size(), cursor.Capacity(line.data())).get(doc)) {
      return where(JsonError(e));
    }
    od::object obj;
    if (doc.get_object().get(obj)) return where(Status::InvalidArgument("the line is not a JSON object"));
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return where(JsonError(e));
      od::value fv;
      if (auto e = field.value().get(fv)) return where(JsonError(e));
      Status st = Observe(root.Child(key), fv);
      if (!st.ok()) return where(st);
    }
  }
  if (root.names.empty()) return Status::InvalidArgument(fmt::format("{}: no JSON objects to infer a schema from", path));
  std::vector<FieldPtr> fields;
  for (size_t i = 0; i < root.names.size(); ++i) {
    fields.push_back(columnar::MakeField(root.names[i], root.children[i]->ToType()));
  }
  return std::make_shared<Schema>(std::move(fields));
}

class JsonLinesReader final : public columnar::RecordBatchReader {
 public:
  JsonLinesReader(std::vector<std::string> files, SchemaPtr schema, int64_t batch_rows)
      : files_(std::move(files)), schema_(std::move(schema)), batch_rows_(batch_rows), index_(schema_->fields()) {}

  SchemaPtr schema() const override { return schema_; }

  Result<RecordBatchPtr> Next() override {
    if (!builder_) {
      DELTA_ASSIGN_OR_RAISE(builder_, columnar::RecordBatchBuilder::Make(schema_));
    }
    const auto& fields = schema_->fields();
    std::vector<char> seen(fields.size());
    int64_t rows = 0;
    while (rows < batch_rows_) {
      if (!cursor_) {
        if (next_file_ >= files_.size()) break;
        DELTA_ASSIGN_OR_RAISE(auto data, LoadPadded(files_[next_file_]));
        cursor_ = std::make_unique<LineCursor>(std::move(data));
        ++next_file_;
      }
      std::string_view line;
      int64_t line_no = 0;
      if (!cursor_->Next(&line, &line_no)) {
        cursor_.reset();
        continue;
      }
      Status st = ParseLine(line, fields, &seen);
      if (!st.ok()) return st.WithPrefix(fmt::format("{}:{}", files_[next_file_ - 1], line_no));
      ++rows;
    }
    if (rows == 0) return RecordBatchPtr();
    return builder_->Finish();
  }

 private:
  Status ParseLine(std::string_view line, const std::vector<FieldPtr>& fields, std::vector<char>* seen) {
    od::document doc;
    if (auto e = parser_.iterate(line.data(), line.size(), cursor_->Capacity(line.data())).get(doc)) {
      return JsonError(e);
    }
    od::object obj;
    if (doc.get_object().get(obj)) return Status::InvalidArgument("the line is not a JSON object");
    std::fill(seen->begin(), seen->end(), 0);
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return JsonError(e);
      int i = index_.Find(key);
      if (i < 0) return Status::InvalidArgument(fmt::format("column '{}' is not in the schema", key));
      if ((*seen)[static_cast<size_t>(i)]) return Status::InvalidArgument(fmt::format("column '{}' appears twice", key));
      (*seen)[static_cast<size_t>(i)] = 1;
      od::value fv;
      if (auto e = field.value().get(fv)) return JsonError(e);
      Status st = AppendJson(builder_->field(i), fv, fields[static_cast<size_t>(i)]->name);
      if (!st.ok()) {
        return st.message().find("column '") != std::string::npos
                   ? st
                   : st.WithPrefix(fmt::format("column '{}'", fields[static_cast<size_t>(i)]->name));
      }
    }
    // A line holds exactly one object (the line was trimmed, so it must end with its brace).
    if (line.back() != '}') return Status::InvalidArgument("trailing content after the JSON object");
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!(*seen)[i]) DELTA_RETURN_NOT_OK(builder_->field(static_cast<int>(i))->AppendNull());
    }
    return Status::OK();
  }

  std::vector<std::string> files_;
  SchemaPtr schema_;
  int64_t batch_rows_;
  NameIndex index_;
  size_t next_file_ = 0;
  std::unique_ptr<LineCursor> cursor_;
  od::parser parser_;
  std::unique_ptr<columnar::RecordBatchBuilder> builder_;
};

// ---- CSV (RFC 4180) ----

class CsvCursor {
 public:
  CsvCursor(std::string data, std::string path) : data_(std::move(data)), path_(std::move(path)) {}

  // Reads the next record (blank lines skipped); false at the end. `quoted[i]` tells whether
  // field i was quoted (so "" is an empty string, an empty unquoted field a null).
  Result<bool> Next(std::vector<std::string>* fields, std::vector<char>* quoted, int64_t* line_no) {
    const size_t n = data_.size();
    // Skip blank lines.
    while (pos_ < n && (data_[pos_] == '\n' || data_[pos_] == '\r')) {
      if (data_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= n) return false;
    *line_no = line_ + 1;
    size_t count = 0;
    while (true) {
      if (fields->size() <= count) {
        fields->emplace_back();
        quoted->push_back(0);
      }
      std::string& f = (*fields)[count];
      f.clear();
      (*quoted)[count] = 0;
      ++count;
      if (pos_ < n && data_[pos_] == '"') {
        (*quoted)[count - 1] = 1;
        ++pos_;
        while (true) {
          if (pos_ >= n) {
            return Status::InvalidArgument(
                fmt::format("{}:{}: unterminated quoted field", path_, *line_no));
          }
          char c = data_[pos_++];
          if (c == '"') {
            if (pos_ < n && data_[pos_] == '"') {
              f.push_back('"');
              ++pos_;
              continue;
            }
            break;
          }
          if (c == '\n') ++line_;
          f.push_back(c);
        }
        if (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n' && data_[pos_] != '\r') {
          return Status::InvalidArgument(
              fmt::format("{}:{}: unexpected character after a closing quote", path_, line_ + 1));
        }
      } else {
        size_t start = pos_;
        while (pos_ < n && data_[pos_] != ',' && data_[pos_] != '\n') ++pos_;
        size_t end = pos_;
        if (end > start && data_[end - 1] == '\r') --end;
        f.assign(data_, start, end - start);
      }
      if (pos_ < n && data_[pos_] == '\r') ++pos_;
      if (pos_ < n && data_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < n && data_[pos_] == '\n') {
        ++pos_;
        ++line_;
      }
      break;
    }
    fields->resize(count);
    quoted->resize(count);
    return true;
  }

  const std::string& path() const { return path_; }

 private:
  std::string data_;
  std::string path_;
  size_t pos_ = 0;
  int64_t line_ = 0;
};

struct CsvColumnGuess {
  bool any = false;
  bool can_bool = true, can_long = true, can_double = true, can_date = true, can_ts = true;

  void Observe(std::string_view s) {
    if (s.empty()) return;
    any = true;
    std::string l = Lower(s);
    if (can_bool && l != "true" && l != "false") can_bool = false;
    if (can_long) {
      std::string_view t = s[0] == '+' ? s.substr(1) : s;
      int64_t v;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size()) can_long = false;
    }
    if (can_double) {
      std::string_view t = s[0] == '+' ? s.substr(1) : s;
      double v;
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || p != t.data() + t.size()) can_double = false;
    }
    if (can_date && !LooksLikeDate(s)) can_date = false;
    if (can_ts && !LooksLikeTimestamp(s)) can_ts = false;
  }

  TypePtr Type() const {
    if (!any) return columnar::Utf8();
    if (can_long) return columnar::Int64();
    if (can_double) return columnar::Float64();
    if (can_bool) return columnar::Bool();
    if (can_date) return columnar::Date32();
    if (can_ts) return columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC");
    return columnar::Utf8();
  }
};

Result<std::vector<std::string>> CheckHeader(const std::vector<std::string>& header, const std::string& path) {
  std::vector<std::string> seen;
  for (const auto& h : header) {
    if (h.empty()) return Status::InvalidArgument(fmt::format("{}:1: the header has an empty column name", path));
    std::string l = Lower(h);
    if (std::find(seen.begin(), seen.end(), l) != seen.end()) {
      return Status::InvalidArgument(fmt::format("{}:1: column '{}' appears twice in the header", path, h));
    }
    seen.push_back(l);
  }
  return header;
}

Result<SchemaPtr> InferCsvSchema(const std::string& path, int64_t max_rows) {
  DELTA_ASSIGN_OR_RAISE(std::string data, ReadWholeFile(path));
  CsvCursor cursor(std::move(data), path);
  std::vector<std::string> fields;
  std::vector<char> quoted;
  int64_t line_no = 0;
  DELTA_ASSIGN_OR_RAISE(bool have, cursor.Next(&fields, &quoted, &line_no));
  if (!have) return Status::InvalidArgument(fmt::format("{}: empty CSV file (a header is needed)", path));
  DELTA_ASSIGN_OR_RAISE(auto header, CheckHeader(fields, path));
  std::vector<CsvColumnGuess> guesses(header.size());
  for (int64_t rows = 0; rows < max_rows; ++rows) {
    DELTA_ASSIGN_OR_RAISE(have, cursor.Next(&fields, &quoted, &line_no));
    if (!have) break;
    if (fields.size() != header.size()) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected {} fields (as the header), found {}", path, line_no,
                                                 header.size(), fields.size()));
    }
    for (size_t i = 0; i < fields.size(); ++i) {
      if (quoted[i]) {
        // A quoted value is text first: it can still be a date or timestamp, not a number.
        guesses[i].Observe(fields[i]);
      } else {
        guesses[i].Observe(fields[i]);
      }
    }
  }
  std::vector<FieldPtr> out;
  for (size_t i = 0; i < header.size(); ++i) out.push_back(columnar::MakeField(header[i], guesses[i].Type()));
  return std::make_shared<Schema>(std::move(out));
}

class CsvReader final : public columnar::RecordBatchReader {
 public:
  CsvReader(std::vector<std::string> files, SchemaPtr schema, int64_t batch_rows)
      : files_(std::move(files)), schema_(std::move(schema)), batch_rows_(batch_rows), index_(schema_->fields()) {}

  SchemaPtr schema() const override { return schema_; }

  Result<RecordBatchPtr> Next() override {
    if (!builder_) {
      DELTA_ASSIGN_OR_RAISE(builder_, columnar::RecordBatchBuilder::Make(schema_));
    }
    const auto& schema_fields = schema_->fields();
    int64_t rows = 0;
    while (rows < batch_rows_) {
      if (!cursor_) {
        if (next_file_ >= files_.size()) break;
        DELTA_RETURN_NOT_OK(OpenNext());
        continue;
      }
      int64_t line_no = 0;
      DELTA_ASSIGN_OR_RAISE(bool have, cursor_->Next(&fields_, &quoted_, &line_no));
      if (!have) {
        cursor_.reset();
        continue;
      }
      const std::string& path = cursor_->path();
      if (fields_.size() != columns_.size()) {
        return Status::InvalidArgument(fmt::format("{}:{}: expected {} fields (as the header), found {}", path, line_no,
                                                   columns_.size(), fields_.size()));
      }
      for (size_t i = 0; i < fields_.size(); ++i) {
        ArrayBuilder* b = builder_->field(columns_[i]);
        Status st;
        if (fields_[i].empty() && !(quoted_[i] && b->type()->id() == TypeId::kString)) {
          st = b->AppendNull();
        } else {
          st = AppendText(b, fields_[i], schema_fields[static_cast<size_t>(columns_[i])]->name);
        }
        if (!st.ok()) {
          return Status(st.code() == StatusCode::kOutOfMemory ? st.code() : StatusCode::kInvalidArgument,
                        fmt::format("{}:{}: column '{}': {}", path, line_no,
                                    schema_fields[static_cast<size_t>(columns_[i])]->name, st.message()));
        }
      }
      for (int m : missing_) DELTA_RETURN_NOT_OK(builder_->field(m)->AppendNull());
      ++rows;
    }
    if (rows == 0) return RecordBatchPtr();
    return builder_->Finish();
  }

 private:
  Status OpenNext() {
    const std::string& path = files_[next_file_++];
    DELTA_ASSIGN_OR_RAISE(std::string data, ReadWholeFile(path));
    cursor_ = std::make_unique<CsvCursor>(std::move(data), path);
    int64_t line_no = 0;
    DELTA_ASSIGN_OR_RAISE(bool have, cursor_->Next(&fields_, &quoted_, &line_no));
    if (!have) {
      cursor_.reset();  // an empty file has no rows
      return Status::OK();
    }
    DELTA_ASSIGN_OR_RAISE(auto header, CheckHeader(fields_, path));
    columns_.clear();
    std::vector<char> used(schema_->fields().size(), 0);
    for (const auto& h : header) {
      int i = index_.Find(h);
      if (i < 0) return Status::InvalidArgument(fmt::format("{}:1: column '{}' is not in the schema", path, h));
      if (used[static_cast<size_t>(i)]) {
        return Status::InvalidArgument(fmt::format("{}:1: column '{}' appears twice in the header", path, h));
      }
      used[static_cast<size_t>(i)] = 1;
      columns_.push_back(i);
    }
    missing_.clear();
    for (size_t i = 0; i < used.size(); ++i) {
      if (!used[i]) missing_.push_back(static_cast<int>(i));
    }
    return Status::OK();
  }

  std::vector<std::string> files_;
  SchemaPtr schema_;
  int64_t batch_rows_;
  NameIndex index_;
  size_t next_file_ = 0;
  std::unique_ptr<CsvCursor> cursor_;
  std::vector<int> columns_;  // schema column of each header column
  std::vector<int> missing_;  // schema columns absent from the header
  std::vector<std::string> fields_;
  std::vector<char> quoted_;
  std::unique_ptr<columnar::RecordBatchBuilder> builder_;
};

// ---- Parquet ----

class ParquetFilesReader final : public columnar::RecordBatchReader {
 public:
  static Result<std::unique_ptr<ParquetFilesReader>> Make(std::vector<std::string> files) {
    std::unique_ptr<ParquetFilesReader> r(new ParquetFilesReader(std::move(files)));
    DELTA_RETURN_NOT_OK(r->OpenNext());
    r->schema_ = r->file_->schema();
    return r;
  }
  SchemaPtr schema() const override { return schema_; }
  Result<RecordBatchPtr> Next() override {
    while (reader_) {
      DELTA_ASSIGN_OR_RAISE(auto batch, reader_->Next());
      if (batch) return batch;
      reader_.reset();
      file_.reset();
      if (next_ < files_.size()) DELTA_RETURN_NOT_OK(OpenNext());
    }
    return RecordBatchPtr();
  }

 private:
  explicit ParquetFilesReader(std::vector<std::string> files) : files_(std::move(files)) {}
  Status OpenNext() {
    DELTA_ASSIGN_OR_RAISE(file_, parquet::FileReader::OpenPath(files_[next_++]));
    DELTA_ASSIGN_OR_RAISE(reader_, file_->GetRecordBatchReader());
    return Status::OK();
  }
  std::vector<std::string> files_;
  size_t next_ = 0;
  SchemaPtr schema_;
  std::unique_ptr<parquet::FileReader> file_;
  std::unique_ptr<columnar::RecordBatchReader> reader_;
};

Result<std::string> FormatOf(const std::string& file, const std::string& format) {
  std::string f = Lower(format);
  if (f == "json" || f == "ndjson") f = "jsonl";
  if (f == "parquet" || f == "jsonl" || f == "csv") return f;
  if (f != "auto" && !f.empty()) {
    return Status::InvalidArgument(fmt::format("unknown input format '{}' (parquet, jsonl, csv)", format));
  }
  std::string lower = Lower(file);
  auto ends = [&](std::string_view suffix) {
    return lower.size() >= suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends(".parquet")) return std::string("parquet");
  if (ends(".json") || ends(".jsonl") || ends(".ndjson")) return std::string("jsonl");
  if (ends(".csv")) return std::string("csv");
  return Status::InvalidArgument(
      fmt::format("cannot tell the format of {} from its extension; give --format parquet|jsonl|csv", file));
}

}  // namespace

Result<std::unique_ptr<columnar::RecordBatchReader>> OpenInput(const std::vector<std::string>& files,
                                                               const std::string& format, SchemaPtr schema,
                                                               int64_t batch_rows, const InputOptions& options) {
  if (files.empty()) return Status::InvalidArgument("no input files");
  if (batch_rows <= 0) return Status::InvalidArgument("batch_rows must be positive");
  DELTA_ASSIGN_OR_RAISE(std::string fmt0, FormatOf(files[0], format));
  for (const auto& f : files) {
    DELTA_ASSIGN_OR_RAISE(std::string fi, FormatOf(f, format));
    if (fi != fmt0) return Status::InvalidArgument(fmt::format("input files mix formats ({} is {}, not {})", f, fi, fmt0));
  }
  if (fmt0 == "parquet") {
    DELTA_ASSIGN_OR_RAISE(auto r, ParquetFilesReader::Make(files));
    return std::unique_ptr<columnar::RecordBatchReader>(std::move(r));
  }
  if (fmt0 == "jsonl") {
    if (!schema) {
      DELTA_ASSIGN_OR_RAISE(schema, InferJsonSchema(files[0], options.infer_rows));
    }
    return std::unique_ptr<columnar::RecordBatchReader>(std::make_unique<JsonLinesReader>(files, schema, batch_rows));
  }
  if (!schema) {
    DELTA_ASSIGN_OR_RAISE(schema, InferCsvSchema(files[0], options.infer_rows));
  }
  return std::unique_ptr<columnar::RecordBatchReader>(std::make_unique<CsvReader>(files, schema, batch_rows));
}

// ---- Schema argument ----

namespace {

class SchemaTextParser {
 public:
  explicit SchemaTextParser(std::string_view text) : text_(text) {}

  Result<SchemaPtr> Parse() {
    std::vector<FieldPtr> fields;
    DELTA_RETURN_NOT_OK(ParseFields(&fields, /*nested=*/false));
    SkipSpace();
    if (pos_ != text_.size()) return Error("expected ',' or the end");
    return std::make_shared<Schema>(std::move(fields));
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(fmt::format("schema: {} at {} in: {}", what, pos_, text_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  Result<std::string> Name() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '`') {
      std::string out;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) return Error("unterminated `name`");
        char c = text_[pos_++];
        if (c == '`') {
          if (pos_ < text_.size() && text_[pos_] == '`') {
            out.push_back('`');
            ++pos_;
            continue;
          }
          break;
        }
        out.push_back(c);
      }
      return out;
    }
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    if (pos_ == start) return Error("expected a name");
    return std::string(text_.substr(start, pos_ - start));
  }
  bool Keyword(std::string_view kw) {
    SkipSpace();
    if (text_.size() - pos_ < kw.size()) return false;
    if (Lower(text_.substr(pos_, kw.size())) != kw) return false;
    size_t after = pos_ + kw.size();
    if (after < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[after])) || text_[after] == '_')) return false;
    pos_ = after;
    return true;
  }

  Status ParseFields(std::vector<FieldPtr>* out, bool nested) {
    while (true) {
      DELTA_ASSIGN_OR_RAISE(std::string name, Name());
      if (nested) Consume(':');
      DELTA_ASSIGN_OR_RAISE(TypePtr type, Type());
      bool nullable = true;
      if (Keyword("not")) {
        if (!Keyword("null")) return Error("expected NULL after NOT");
        nullable = false;
      } else if (Keyword("null")) {
        nullable = true;
      }
      out->push_back(columnar::MakeField(std::move(name), std::move(type), nullable));
      if (!Consume(',')) return Status::OK();
    }
  }

  Result<TypePtr> Type() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    std::string name = Lower(text_.substr(start, pos_ - start));
    if (name.empty()) return Error("expected a type");
    if (name == "array") {
      if (!Consume('<')) return Error("expected '<'");
      DELTA_ASSIGN_OR_RAISE(auto elem, Type());
      if (!Consume('>')) return Error("expected '>'");
      return columnar::List(columnar::MakeField("element", elem, true));
    }
    if (name == "map") {
      if (!Consume('<')) return Error("expected '<'");
      DELTA_ASSIGN_OR_RAISE(auto k, Type());
      if (!Consume(',')) return Error("expected ','");
      DELTA_ASSIGN_OR_RAISE(auto v, Type());
      if (!Consume('>')) return Error("expected '>'");
      return columnar::Map(k, v, true);
    }
    if (name == "struct") {
      if (!Consume('<')) return Error("expected '<'");
      std::vector<FieldPtr> fields;
      DELTA_RETURN_NOT_OK(ParseFields(&fields, true));
      if (!Consume('>')) return Error("expected '>'");
      return columnar::Struct(std::move(fields));
    }
    if (name == "bigint") name = "long";
    if (name == "int") name = "integer";
    if (name == "smallint") name = "short";
    if (name == "tinyint") name = "byte";
    if (name == "bool") name = "boolean";
    if (name == "decimal" || name == "numeric") {
      name = "decimal";
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == '(') {
        size_t close = text_.find(')', pos_);
        if (close == std::string_view::npos) return Error("expected ')'");
        name += std::string(text_.substr(pos_, close + 1 - pos_));
        pos_ = close + 1;
      }
    }
    auto t = schema::ParsePrimitiveTypeName(name, "");
    if (!t.ok()) return Error(fmt::format("unknown type '{}'", name));
    return t;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<SchemaPtr> ParseSchemaArgument(std::string_view text) {
  std::string_view t = text;
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.remove_prefix(1);
  if (!t.empty() && t.front() == '@') {
    DELTA_ASSIGN_OR_RAISE(std::string content, ReadWholeFile(std::string(t.substr(1))));
    if (!content.empty() && content[0] == '@') return Status::InvalidArgument("schema file starts with '@'");
    return ParseSchemaArgument(content);
  }
  if (!t.empty() && t.front() == '{') {
    auto s = schema::ParseSchemaJson(t);
    if (!s.ok()) return Status::InvalidArgument(s.status().message());
    return s;
  }
  return SchemaTextParser(t).Parse();
}

}  // namespace delta::ops
