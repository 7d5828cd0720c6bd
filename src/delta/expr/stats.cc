#include "delta/expr/stats.h"

#include "delta/columnar/time_unit.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <simdjson.h>

#include "delta/expr/literal_util.h"

namespace delta::expr {

using columnar::FieldPtr;
using columnar::Scalar;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

namespace od = simdjson::ondemand;

std::optional<Scalar> FileStats::Min(const std::vector<std::string>& path) const {
  auto it = columns.find(path);
  return it == columns.end() ? std::nullopt : it->second.min;
}

std::optional<Scalar> FileStats::Max(const std::vector<std::string>& path) const {
  auto it = columns.find(path);
  return it == columns.end() ? std::nullopt : it->second.max;
}

std::optional<int64_t> FileStats::NullCount(const std::vector<std::string>& path) const {
  auto it = columns.find(path);
  if (it == columns.end() || !it->second.null_count) return std::nullopt;
  const int64_t n = *it->second.null_count;
  if (n < 0 || (num_records && n > *num_records)) return std::nullopt;
  // PROTOCOL.md "Per-file Statistics": with wide bounds only 0 and numRecords are meaningful.
  if (!tight_bounds && n != 0 && (!num_records || n != *num_records)) return std::nullopt;
  return n;
}

bool FileStats::AllNull(const std::vector<std::string>& path) const {
  auto n = NullCount(path);
  return n && num_records && *n == *num_records;
}

bool FileStats::NoNulls(const std::vector<std::string>& path) const {
  auto n = NullCount(path);
  return n && *n == 0;
}

namespace {

enum class Which { kMin, kMax, kNullCount };

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool IntegerFits(TypeId id, int64_t v) {
  switch (id) {
    case TypeId::kInt8: return v >= INT8_MIN && v <= INT8_MAX;
    case TypeId::kInt16: return v >= INT16_MIN && v <= INT16_MAX;
    case TypeId::kInt32: return v >= INT32_MIN && v <= INT32_MAX;
    case TypeId::kInt64: return true;
    case TypeId::kUInt8: return v >= 0 && v <= UINT8_MAX;
    case TypeId::kUInt16: return v >= 0 && v <= UINT16_MAX;
    case TypeId::kUInt32: return v >= 0 && v <= UINT32_MAX;
    default: return false;
  }
}

bool GetNumberText(od::value& v, std::string_view* text) {
  od::json_type jt;
  if (v.type().get(jt) != simdjson::SUCCESS || jt != od::json_type::number) return false;
  *text = Trim(v.raw_json_token());
  return true;
}

// A min/max value of a leaf column; nullopt when absent or unusable.
std::optional<Scalar> ConvertValue(od::value& v, const TypePtr& type, Which which) {
  const Rounding outward = which == Which::kMin ? Rounding::kFloor : Rounding::kCeil;
  const TypeId id = type->id();
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32: {
      std::string_view text;
      if (!GetNumberText(v, &text)) return std::nullopt;
      __int128 u;
      int32_t scale;
      if (!ParseDecimalText(text, &u, &scale)) return std::nullopt;
      auto r = Rescale(u, scale, 0, outward);
      if (!r || *r < INT64_MIN || *r > INT64_MAX || !IntegerFits(id, static_cast<int64_t>(*r))) return std::nullopt;
      return Scalar{type, static_cast<int64_t>(*r)};
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      od::json_type jt;
      if (v.type().get(jt) != simdjson::SUCCESS) return std::nullopt;
      double d;
      if (jt == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
        if (s == "NaN") d = std::nan("");
        else if (s == "Infinity") d = HUGE_VAL;
        else if (s == "-Infinity") d = -HUGE_VAL;
        else return std::nullopt;
      } else {
        std::string_view text;
        if (!GetNumberText(v, &text) || text.size() > 400) return std::nullopt;
        const std::string copy(text);
        char* end = nullptr;
        d = id == TypeId::kFloat32 ? static_cast<double>(std::strtof(copy.c_str(), &end)) : std::strtod(copy.c_str(), &end);
        if (end != copy.c_str() + copy.size()) return std::nullopt;
      }
      return Scalar{type, d};
    }
    case TypeId::kDecimal128: {
      std::string_view text;
      if (!GetNumberText(v, &text)) return std::nullopt;
      __int128 u;
      int32_t scale;
      if (!ParseDecimalText(text, &u, &scale)) return std::nullopt;
      auto r = Rescale(u, scale, type->scale(), outward);
      if (!r) return std::nullopt;
      return Scalar{type, *r};
    }
    case TypeId::kDate32:
    case TypeId::kTimestamp:
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
      if (id == TypeId::kDate32) {
        int64_t days;
        if (!ParseDateText(s, &days) || days < INT32_MIN || days > INT32_MAX) return std::nullopt;
        return Scalar{type, days};
      }
      if (id == TypeId::kTimestamp) {
        int64_t us;
        if (!ParseTimestampText(s, &us)) return std::nullopt;
        const int64_t ups = UnitsPerSecond(type->unit());
        if (ups == 1000000) return Scalar{type, us};
        const __int128 num = static_cast<__int128>(us) * ups;
        auto r = Rescale(num, 6, 0, outward);  // num / 10^6, rounded outward
        if (!r || *r < INT64_MIN || *r > INT64_MAX) return std::nullopt;
        return Scalar{type, static_cast<int64_t>(*r)};
      }
      return Scalar{type, std::string(s)};
    }
    case TypeId::kBool: {
      bool b;
      if (v.get_bool().get(b) != simdjson::SUCCESS) return std::nullopt;
      return Scalar{type, b};
    }
    default: return std::nullopt;
  }
}

class StatsParser {
 public:
  explicit StatsParser(FileStats* out) : out_(out) {}

  // Walks one of minValues / maxValues / nullCount along the schema fields.
  simdjson::error_code Walk(od::object obj, const std::vector<FieldPtr>& fields, std::vector<std::string>* path, Which which,
                            int depth) {
    if (depth > 64) return simdjson::SUCCESS;  // deeper than any real schema: ignore
    size_t cursor = 0;
    for (auto field_result : obj) {
      od::field field;
      if (auto e = std::move(field_result).get(field); e) return e;
      std::string_view key;
      if (auto e = field.unescaped_key().get(key); e) return e;
      // Keys usually come in schema order: try the next field first.
      const FieldPtr* match = nullptr;
      for (size_t k = 0; k < fields.size(); ++k) {
        const size_t i = (cursor + k) % fields.size();
        if (fields[i]->name == key) {
          match = &fields[i];
          cursor = i + 1;
          break;
        }
      }
      if (!match) continue;  // not in the schema: skipped by the iterator
      const FieldPtr& f = *match;
      od::value value = field.value();
      path->push_back(f->name);
      od::json_type jt;
      if (auto e = value.type().get(jt); e) return e;
      if (f->type->id() == TypeId::kStruct && jt == od::json_type::object) {
        od::object child;
        if (auto e = value.get_object().get(child); e) return e;
        if (auto e = Walk(child, f->type->children(), path, which, depth + 1); e) return e;
      } else if (which == Which::kNullCount) {
        int64_t n;
        if (jt == od::json_type::number && value.get_int64().get(n) == simdjson::SUCCESS) out_->columns[*path].null_count = n;
      } else if (jt != od::json_type::null && !f->type->is_nested()) {
        auto s = ConvertValue(value, f->type, which);
        if (s) (which == Which::kMin ? out_->columns[*path].min : out_->columns[*path].max) = std::move(*s);
      }
      path->pop_back();
    }
    return simdjson::SUCCESS;
  }

 private:
  FileStats* out_;
};

}  // namespace

Result<FileStats> ParseStatsJson(std::string_view json, const columnar::Schema& schema) {
  FileStats stats;
  thread_local od::parser parser;
  simdjson::padded_string padded(json);
  od::document doc;
  auto fail = [&](simdjson::error_code e) {
    return Status::CorruptData(fmt::format("malformed file statistics JSON: {} (in: {})", simdjson::error_message(e),
                                           json.substr(0, 200)));
  };
  if (auto e = parser.iterate(padded).get(doc); e) return fail(e);
  od::object root;
  if (auto e = doc.get_object().get(root); e) return fail(e);
  StatsParser sp(&stats);
  std::vector<std::string> path;
  for (auto field_result : root) {
    od::field field;
    if (auto e = std::move(field_result).get(field); e) return fail(e);
    std::string_view key;
    if (auto e = field.unescaped_key().get(key); e) return fail(e);
    od::value value = field.value();
    od::json_type jt;
    if (auto e = value.type().get(jt); e) return fail(e);
    if (key == "numRecords") {
      int64_t n;
      if (jt == od::json_type::number && value.get_int64().get(n) == simdjson::SUCCESS && n >= 0) stats.num_records = n;
    } else if (key == "tightBounds") {
      bool b;
      if (jt == od::json_type::boolean && value.get_bool().get(b) == simdjson::SUCCESS) stats.tight_bounds = b;
    } else if ((key == "minValues" || key == "maxValues" || key == "nullCount") && jt == od::json_type::object) {
      const Which which = key == "minValues" ? Which::kMin : key == "maxValues" ? Which::kMax : Which::kNullCount;
      od::object obj;
      if (auto e = value.get_object().get(obj); e) return fail(e);
      if (auto e = sp.Walk(obj, schema.fields(), &path, which, 0); e) return fail(e);
      path.clear();
    }
  }
  return stats;
}

}  // namespace delta::expr
