#include "delta/txn/stats_collector.h"

#include "delta/util/json_string.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "delta/columnar/builder.h"
#include "delta/util/bit_util.h"
#include "delta/util/civil_time.h"
#include "delta/util/decimal_text.h"
#include "delta/util/macros.h"

namespace delta::txn {

using columnar::ArrayData;
using columnar::DataType;
using columnar::Field;
using columnar::Schema;
using columnar::TimeUnit;
using columnar::TypeId;

namespace {

enum class Kind : uint8_t { kInt, kFloat, kDouble, kDecimal, kDate, kTimestamp, kString, kNullCountOnly };

Kind KindOf(const DataType& t) {
  switch (t.id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return Kind::kInt;
    case TypeId::kFloat32:
      return Kind::kFloat;
    case TypeId::kFloat64:
      return Kind::kDouble;
    case TypeId::kDecimal128:
      return Kind::kDecimal;
    case TypeId::kDate32:
      return Kind::kDate;
    case TypeId::kTimestamp:
      return Kind::kTimestamp;
    case TypeId::kString:
    case TypeId::kLargeString:
      return Kind::kString;
    default:
      // Spark keeps no min/max for boolean and binary columns, nor for lists and maps.
      return Kind::kNullCountOnly;
  }
}

void AppendTimestampMillis(std::string* out, int64_t millis, bool utc) {
  const int64_t days = util::FloorDiv(millis, 86400000);
  const int64_t ms_of_day = millis - days * 86400000;
  util::AppendDate(days, out);
  fmt::format_to(std::back_inserter(*out), "T{:02}:{:02}:{:02}.{:03}{}", ms_of_day / 3600000, (ms_of_day / 60000) % 60,
                 (ms_of_day / 1000) % 60, ms_of_day % 1000, utc ? "Z" : "");
}

void AppendDouble(std::string* out, double v, bool is_float32) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else if (is_float32) {
    // Shortest text that reads back as the same float (the reader parses float32 stats as float).
    fmt::format_to(std::back_inserter(*out), "{}", static_cast<float>(v));
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", v);
  }
}

// Decodes the UTF-8 code point at s[*i], advancing *i; -1 when the bytes are not valid UTF-8.
int32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto c0 = static_cast<uint8_t>(s[*i]);
  if (c0 < 0x80) {
    ++*i;
    return c0;
  }
  int len;
  int32_t cp;
  if ((c0 & 0xE0) == 0xC0) {
    len = 2;
    cp = c0 & 0x1F;
  } else if ((c0 & 0xF0) == 0xE0) {
    len = 3;
    cp = c0 & 0x0F;
  } else if ((c0 & 0xF8) == 0xF0) {
    len = 4;
    cp = c0 & 0x07;
  } else {
    return -1;
  }
  if (*i + static_cast<size_t>(len) > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<uint8_t>(s[*i + static_cast<size_t>(k)]);
    if ((c & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (c & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are invalid.
  static constexpr int32_t kMinForLen[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLen[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *i += static_cast<size_t>(len);
  return cp;
}

// The string min statistic: the first kStatsStringPrefixLength code points (a lower bound).
std::optional<std::string> TruncateMin(std::string_view s) {
  size_t i = 0;
  for (int n = 0; n < kStatsStringPrefixLength && i < s.size(); ++n) {
    if (NextCodePoint(s, &i) < 0) return std::nullopt;
  }
  return std::string(s.substr(0, i));
}

// The string max statistic (see the header): an upper bound in UTF-8 byte order.
std::optional<std::string> TruncateMax(std::string_view s) {
  size_t i = 0;
  int n = 0;
  for (; n < kStatsStringPrefixLength && i < s.size(); ++n) {
    if (NextCodePoint(s, &i) < 0) return std::nullopt;
  }
  while (i < s.size()) {
    if (n >= 2 * kStatsStringPrefixLength) return std::nullopt;
    size_t next = i;
    const int32_t cp = NextCodePoint(s, &next);
    if (cp < 0) return std::nullopt;
    if (cp < 0xFFFD) {
      std::string out(s.substr(0, i));
      out.append("\xEF\xBF\xBD");  // U+FFFD sorts above the character it replaces
      return out;
    }
    i = next;
    ++n;
  }
  // Every character after the prefix was >= U+FFFD and the string ended: it is its own bound.
  return std::string(s);
}

// Splits a stats column name into its path: dots separate nested fields, backticks quote a
// part (a doubled backtick inside quotes is a literal backtick).
Result<std::vector<std::string>> SplitColumnName(std::string_view name) {
  std::vector<std::string> parts;
  std::string cur;
  size_t i = 0;
  bool quoted_part = false;
  while (i < name.size()) {
    const char c = name[i];
    if (c == '`') {
      size_t j = i + 1;
      for (;;) {
        if (j >= name.size()) return Status::InvalidArgument(fmt::format("unterminated backtick in column name '{}'", name));
        if (name[j] == '`') {
          if (j + 1 < name.size() && name[j + 1] == '`') {
            cur.push_back('`');
            j += 2;
            continue;
          }
          break;
        }
        cur.push_back(name[j++]);
      }
      i = j + 1;
      quoted_part = true;
    } else if (c == '.') {
      if (cur.empty() && !quoted_part) return Status::InvalidArgument(fmt::format("empty part in column name '{}'", name));
      parts.push_back(std::move(cur));
      cur.clear();
      quoted_part = false;
      ++i;
    } else {
      cur.push_back(c);
      ++i;
    }
  }
  // Surrounding spaces are allowed around the comma-separated names of the property.
  if (!quoted_part) {
    while (!cur.empty() && cur.back() == ' ') cur.pop_back();
    while (!cur.empty() && cur.front() == ' ') cur.erase(cur.begin());
  }
  if (cur.empty() && !quoted_part) return Status::InvalidArgument(fmt::format("empty part in column name '{}'", name));
  parts.push_back(std::move(cur));
  return parts;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (std::tolower(x) != std::tolower(y)) return false;
  }
  return true;
}

}  // namespace

struct StatsCollector::Leaf {
  std::vector<std::string> logical_path;
  std::vector<std::string> path;  // physical
  std::vector<int> indices;       // top-level column, then struct child indices
  columnar::TypePtr type;
  Kind kind = Kind::kNullCountOnly;

  int64_t null_count = 0;
  bool has_minmax = false;  // a non-null (for floats: non-NaN) value was seen
  bool has_nan = false;
  int64_t imin = 0, imax = 0;
  double dmin = 0, dmax = 0;
  __int128 decmin = 0, decmax = 0;
  std::string smin, smax;

  void Reset() {
    null_count = 0;
    has_minmax = false;
    has_nan = false;
    smin.clear();
    smax.clear();
  }
};

struct StatsCollector::Node {
  std::string name;
  int leaf = -1;
  std::vector<std::unique_ptr<Node>> children;
};

namespace {

// Builds the leaves of a field (recursing into structs) in schema order.
void CollectLeaves(const Field& logical, const Field& physical, std::vector<std::string>* lpath,
                   std::vector<std::string>* ppath, std::vector<int>* indices, std::vector<StatsCollector::Leaf>* out) {
  lpath->push_back(logical.name);
  ppath->push_back(physical.name);
  if (logical.type->id() == TypeId::kStruct && physical.type->id() == TypeId::kStruct &&
      logical.type->children().size() == physical.type->children().size()) {
    const auto& lc = logical.type->children();
    const auto& pc = physical.type->children();
    for (size_t i = 0; i < lc.size(); ++i) {
      indices->push_back(static_cast<int>(i));
      CollectLeaves(*lc[i], *pc[i], lpath, ppath, indices, out);
      indices->pop_back();
    }
  } else if (logical.type->id() != TypeId::kNull) {
    StatsCollector::Leaf leaf;
    leaf.logical_path = *lpath;
    leaf.path = *ppath;
    leaf.indices = *indices;
    leaf.type = physical.type;
    leaf.kind = KindOf(*physical.type);
    out->push_back(std::move(leaf));
  }
  lpath->pop_back();
  ppath->pop_back();
}

// Null count of elements [start, start+n) of `a` (its own validity only).
int64_t CountNulls(const ArrayData& a, int64_t start, int64_t n) {
  if (a.type->id() == TypeId::kNull) return n;
  if (a.null_count == 0 || a.buffers.empty() || !a.buffers[0]) return 0;
  return n - bit_util::CountSetBits(a.buffers[0]->data(), a.offset + start, n);
}

// The min/max kernels. `valid` (n bits from bit 0) marks the rows to consider, nullptr = all.
template <typename T>
void IntMinMax(const T* v, int64_t n, const uint8_t* valid, StatsCollector::Leaf* leaf) {
  int64_t lo = std::numeric_limits<int64_t>::max(), hi = std::numeric_limits<int64_t>::min();
  bool any = false;
  if (valid == nullptr) {
    if (n == 0) return;
    T tlo = v[0], thi = v[0];
    for (int64_t i = 1; i < n; ++i) {
      tlo = std::min(tlo, v[i]);
      thi = std::max(thi, v[i]);
    }
    lo = tlo;
    hi = thi;
    any = true;
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (!bit_util::GetBit(valid, i)) continue;
      const int64_t x = v[i];
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      any = true;
    }
  }
  if (!any) return;
  if (!leaf->has_minmax) {
    leaf->imin = lo;
    leaf->imax = hi;
    leaf->has_minmax = true;
  } else {
    leaf->imin = std::min(leaf->imin, lo);
    leaf->imax = std::max(leaf->imax, hi);
  }
}

template <typename T>
void FloatMinMax(const T* v, int64_t n, const uint8_t* valid, StatsCollector::Leaf* leaf) {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  bool any = false, nan = false;
  for (int64_t i = 0; i < n; ++i) {
    if (valid != nullptr && !bit_util::GetBit(valid, i)) continue;
    const double x = static_cast<double>(v[i]);
    if (std::isnan(x)) {
      nan = true;
      continue;
    }
    // -0.0 and 0.0 compare equal; keep the first seen, like Spark's min/max.
    if (x < lo || !any) lo = any ? std::min(lo, x) : x;
    if (x > hi || !any) hi = any ? std::max(hi, x) : x;
    any = true;
  }
  leaf->has_nan |= nan;
  if (!any) return;
  if (!leaf->has_minmax) {
    leaf->dmin = lo;
    leaf->dmax = hi;
    leaf->has_minmax = true;
  } else {
    if (lo < leaf->dmin) leaf->dmin = lo;
    if (hi > leaf->dmax) leaf->dmax = hi;
  }
}

void DecimalMinMax(const uint8_t* bytes, int64_t n, const uint8_t* valid, StatsCollector::Leaf* leaf) {
  bool any = false;
  __int128 lo = 0, hi = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (valid != nullptr && !bit_util::GetBit(valid, i)) continue;
    const __int128 x = bit_util::LoadLE<__int128>(bytes + 16 * i);
    if (!any) {
      lo = hi = x;
      any = true;
    } else {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
  }
  if (!any) return;
  if (!leaf->has_minmax) {
    leaf->decmin = lo;
    leaf->decmax = hi;
    leaf->has_minmax = true;
  } else {
    leaf->decmin = std::min(leaf->decmin, lo);
    leaf->decmax = std::max(leaf->decmax, hi);
  }
}

template <typename Offset>
void StringMinMax(const Offset* offsets, const char* data, int64_t n, const uint8_t* valid,
                  StatsCollector::Leaf* leaf) {
  // Views into the batch first; the accumulated strings are copied once per batch.
  std::string_view lo, hi;
  bool any = false;
  for (int64_t i = 0; i < n; ++i) {
    if (valid != nullptr && !bit_util::GetBit(valid, i)) continue;
    std::string_view x(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
    if (!any) {
      lo = hi = x;
      any = true;
    } else {
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  if (!any) return;
  if (!leaf->has_minmax) {
    leaf->smin.assign(lo);
    leaf->smax.assign(hi);
    leaf->has_minmax = true;
  } else {
    if (lo < std::string_view(leaf->smin)) leaf->smin.assign(lo);
    if (hi > std::string_view(leaf->smax)) leaf->smax.assign(hi);
  }
}

}  // namespace

StatsCollector::StatsCollector() : root_(std::make_unique<Node>()) {}
StatsCollector::~StatsCollector() = default;

Result<std::unique_ptr<StatsCollector>> StatsCollector::Make(const Schema& logical_data_schema,
                                                             const Schema& physical_data_schema, int num_indexed_cols,
                                                             const std::optional<std::vector<std::string>>& stats_columns) {
  if (logical_data_schema.num_fields() != physical_data_schema.num_fields()) {
    return Status::InvalidArgument("stats: logical and physical data schemas differ in their number of columns");
  }
  if (num_indexed_cols < -1) {
    return Status::InvalidArgument(
        fmt::format("delta.dataSkippingNumIndexedCols must be -1 or more, got {}", num_indexed_cols));
  }
  std::vector<Leaf> all;
  std::vector<std::string> lpath, ppath;
  std::vector<int> indices;
  for (int i = 0; i < logical_data_schema.num_fields(); ++i) {
    indices.push_back(i);
    CollectLeaves(*logical_data_schema.field(i), *physical_data_schema.field(i), &lpath, &ppath, &indices, &all);
    indices.pop_back();
  }
  std::unique_ptr<StatsCollector> c(new StatsCollector());
  if (stats_columns.has_value()) {
    std::vector<bool> keep(all.size(), false);
    for (const auto& name : *stats_columns) {
      DELTA_ASSIGN_OR_RAISE(auto parts, SplitColumnName(name));
      bool found = false;
      for (size_t k = 0; k < all.size(); ++k) {
        const auto& lp = all[k].logical_path;
        if (lp.size() < parts.size()) continue;
        bool match = true;
        for (size_t j = 0; j < parts.size() && match; ++j) match = EqualsIgnoreCase(lp[j], parts[j]);
        if (match) {
          keep[k] = true;
          found = true;
        }
      }
      if (!found) {
        return Status::InvalidArgument(
            fmt::format("delta.dataSkippingStatsColumns names column '{}', which is not a data column of the table", name));
      }
    }
    for (size_t k = 0; k < all.size(); ++k) {
      if (keep[k]) c->leaves_.push_back(std::move(all[k]));
    }
  } else {
    size_t n = num_indexed_cols < 0 ? all.size() : std::min(all.size(), static_cast<size_t>(num_indexed_cols));
    for (size_t k = 0; k < n; ++k) c->leaves_.push_back(std::move(all[k]));
  }
  // The JSON tree: leaves in schema order, grouped under their struct parents.
  for (size_t k = 0; k < c->leaves_.size(); ++k) {
    Node* node = c->root_.get();
    for (const auto& part : c->leaves_[k].path) {
      if (node->children.empty() || node->children.back()->name != part) {
        auto child = std::make_unique<Node>();
        child->name = part;
        node->children.push_back(std::move(child));
      }
      node = node->children.back().get();
    }
    node->leaf = static_cast<int>(k);
  }
  return c;
}

Status StatsCollector::Update(const columnar::RecordBatch& batch) {
  const int64_t n = batch.num_rows;
  std::vector<uint8_t> anc_bits;    // ancestors' combined validity, when some ancestor has nulls
  std::vector<uint8_t> valid_bits;  // ancestors & leaf validity
  for (auto& leaf : leaves_) {
    if (leaf.indices[0] >= batch.num_columns()) {
      return Status::InvalidArgument(fmt::format("stats: batch has {} columns, column {} expected",
                                                 batch.num_columns(), leaf.indices[0] + 1));
    }
    // Walk down the struct chain. `base` is the index, in the current array's logical element
    // space, of the batch's row 0 (struct children are indexed with the parent's offset added).
    const ArrayData* a = batch.column(leaf.indices[0]).get();
    int64_t base = 0;
    bool have_anc = false;
    for (size_t d = 1; d < leaf.indices.size(); ++d) {
      if (a->type->id() != TypeId::kStruct || static_cast<size_t>(leaf.indices[d]) >= a->children.size()) {
        return Status::InvalidArgument(fmt::format("stats: column '{}' does not have the expected struct shape",
                                                   fmt::join(leaf.path, ".")));
      }
      if (CountNulls(*a, base, n) > 0) {
        if (!have_anc) {
          anc_bits.assign(static_cast<size_t>(bit_util::BytesForBits(n)), 0xFF);
          have_anc = true;
        }
        const uint8_t* bits = a->buffers[0]->data();
        for (int64_t i = 0; i < n; ++i) {
          if (!bit_util::GetBit(bits, a->offset + base + i)) bit_util::ClearBit(anc_bits.data(), i);
        }
      }
      base += a->offset;
      a = a->children[static_cast<size_t>(leaf.indices[d])].get();
    }
    // Validity of the rows to aggregate.
    const uint8_t* valid = nullptr;
    const int64_t own_nulls = CountNulls(*a, base, n);
    if (have_anc || own_nulls > 0) {
      if (a->type->id() == TypeId::kNull) {
        leaf.null_count += n;
        continue;
      }
      valid_bits.assign(static_cast<size_t>(bit_util::BytesForBits(n)), 0xFF);
      if (have_anc) std::memcpy(valid_bits.data(), anc_bits.data(), valid_bits.size());
      if (own_nulls > 0) {
        const uint8_t* bits = a->buffers[0]->data();
        for (int64_t i = 0; i < n; ++i) {
          if (!bit_util::GetBit(bits, a->offset + base + i)) bit_util::ClearBit(valid_bits.data(), i);
        }
      }
      leaf.null_count += n - bit_util::CountSetBits(valid_bits.data(), 0, n);
      valid = valid_bits.data();
    }
    if (leaf.kind == Kind::kNullCountOnly || n == 0) continue;
    if (a->type->id() != leaf.type->id()) {
      return Status::InvalidArgument(fmt::format("stats: column '{}' is {}, expected {}", fmt::join(leaf.path, "."),
                                                 a->type->ToString(), leaf.type->ToString()));
    }
    const int64_t start = a->offset + base;
    switch (a->type->id()) {
      case TypeId::kInt8:
        IntMinMax(a->buffers[1]->data_as<int8_t>() + start, n, valid, &leaf);
        break;
      case TypeId::kInt16:
        IntMinMax(a->buffers[1]->data_as<int16_t>() + start, n, valid, &leaf);
        break;
      case TypeId::kInt32:
      case TypeId::kDate32:
        IntMinMax(a->buffers[1]->data_as<int32_t>() + start, n, valid, &leaf);
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        IntMinMax(a->buffers[1]->data_as<int64_t>() + start, n, valid, &leaf);
        break;
      case TypeId::kFloat32:
        FloatMinMax(a->buffers[1]->data_as<float>() + start, n, valid, &leaf);
        break;
      case TypeId::kFloat64:
        FloatMinMax(a->buffers[1]->data_as<double>() + start, n, valid, &leaf);
        break;
      case TypeId::kDecimal128:
        DecimalMinMax(a->buffers[1]->data() + 16 * start, n, valid, &leaf);
        break;
      case TypeId::kString:
        StringMinMax(a->buffers[1]->data_as<int32_t>() + start, a->buffers[2] ? a->buffers[2]->data_as<char>() : "", n,
                     valid, &leaf);
        break;
      case TypeId::kLargeString:
        StringMinMax(a->buffers[1]->data_as<int64_t>() + start, a->buffers[2] ? a->buffers[2]->data_as<char>() : "", n,
                     valid, &leaf);
        break;
      default:
        break;
    }
  }
  num_records_ += n;
  return Status::OK();
}

void StatsCollector::Reset() {
  num_records_ = 0;
  for (auto& leaf : leaves_) leaf.Reset();
}

std::vector<std::vector<std::string>> StatsCollector::StatsColumnPaths() const {
  std::vector<std::vector<std::string>> out;
  out.reserve(leaves_.size());
  for (const auto& leaf : leaves_) out.push_back(leaf.path);
  return out;
}

void AppendJsonString(std::string* out, std::string_view s) { util::AppendJsonString(s, out); }

namespace {

enum class Section { kMin, kMax, kNullCount };

// Appends the value of one leaf for one section; false when the leaf has none.
bool AppendLeafValue(std::string* out, const StatsCollector::Leaf& leaf, Section section, int64_t num_records) {
  if (section == Section::kNullCount) {
    fmt::format_to(std::back_inserter(*out), "{}", leaf.null_count);
    return true;
  }
  const bool is_min = section == Section::kMin;
  if (leaf.kind == Kind::kNullCountOnly) return false;
  if (leaf.kind == Kind::kFloat || leaf.kind == Kind::kDouble) {
    // Spark orders NaN above every number: it is the max whenever present, and the min only
    // when nothing else is there.
    if (!leaf.has_minmax) {
      if (!leaf.has_nan) return false;
      out->append("\"NaN\"");
      return true;
    }
    if (!is_min && leaf.has_nan) {
      out->append("\"NaN\"");
      return true;
    }
    AppendDouble(out, is_min ? leaf.dmin : leaf.dmax, leaf.kind == Kind::kFloat);
    return true;
  }
  if (!leaf.has_minmax) return false;
  (void)num_records;
  switch (leaf.kind) {
    case Kind::kInt:
      fmt::format_to(std::back_inserter(*out), "{}", is_min ? leaf.imin : leaf.imax);
      return true;
    case Kind::kDecimal:
      util::AppendDecimalText(out, is_min ? leaf.decmin : leaf.decmax, leaf.type->scale());
      return true;
    case Kind::kDate:
      out->push_back('"');
      util::AppendDate(is_min ? leaf.imin : leaf.imax, out);
      out->push_back('"');
      return true;
    case Kind::kTimestamp: {
      int64_t per_ms = 1;
      switch (leaf.type->unit()) {
        case TimeUnit::kSecond:
          per_ms = -1;
          break;
        case TimeUnit::kMilli:
          per_ms = 1;
          break;
        case TimeUnit::kMicro:
          per_ms = 1000;
          break;
        case TimeUnit::kNano:
          per_ms = 1000000;
          break;
      }
      int64_t ms;
      if (per_ms < 0) {
        const int64_t v = is_min ? leaf.imin : leaf.imax;
        if (v > std::numeric_limits<int64_t>::max() / 1000 || v < std::numeric_limits<int64_t>::min() / 1000) return false;
        ms = v * 1000;
      } else if (is_min) {
        ms = util::FloorDiv(leaf.imin, per_ms);  // truncated down: still a lower bound
      } else {
        ms = util::FloorDiv(leaf.imax, per_ms);
        if (ms * per_ms != leaf.imax) ++ms;  // rounded up: still an upper bound
      }
      out->push_back('"');
      AppendTimestampMillis(out, ms, !leaf.type->timezone().empty());
      out->push_back('"');
      return true;
    }
    case Kind::kString: {
      auto v = is_min ? TruncateMin(leaf.smin) : TruncateMax(leaf.smax);
      if (!v.has_value()) return false;
      AppendJsonString(out, *v);
      return true;
    }
    default:
      return false;
  }
}

// Appends `"name":{...}` for the subtree of `node`; false (and nothing appended) when empty.
bool AppendNode(std::string* out, const StatsCollector::Node& node, const std::vector<StatsCollector::Leaf>& leaves,
                Section section, int64_t num_records) {
  const size_t mark = out->size();
  AppendJsonString(out, node.name);
  out->push_back(':');
  if (node.leaf >= 0) {
    if (AppendLeafValue(out, leaves[static_cast<size_t>(node.leaf)], section, num_records)) return true;
    out->resize(mark);
    return false;
  }
  out->push_back('{');
  bool any = false;
  for (const auto& child : node.children) {
    if (any) out->push_back(',');
    if (AppendNode(out, *child, leaves, section, num_records)) {
      any = true;
    } else if (any) {
      out->pop_back();
    }
  }
  if (!any) {
    out->resize(mark);
    return false;
  }
  out->push_back('}');
  return true;
}

}  // namespace

std::string StatsCollector::ToJson() const {
  std::string out;
  out.reserve(64 + leaves_.size() * 48);
  fmt::format_to(std::back_inserter(out), "{{\"numRecords\":{}", num_records_);
  static constexpr std::pair<const char*, Section> kSections[] = {
      {"minValues", Section::kMin}, {"maxValues", Section::kMax}, {"nullCount", Section::kNullCount}};
  for (const auto& [name, section] : kSections) {
    const size_t mark = out.size();
    out.push_back(',');
    AppendJsonString(&out, name);
    out.append(":{");
    bool any = false;
    for (const auto& child : root_->children) {
      if (any) out.push_back(',');
      if (AppendNode(&out, *child, leaves_, section, num_records_)) {
        any = true;
      } else if (any) {
        out.pop_back();
      }
    }
    out.push_back('}');
    // A table without indexed columns gets only numRecords.
    if (!any && leaves_.empty()) out.resize(mark);
  }
  out.push_back('}');
  return out;
}

}  // namespace delta::txn
