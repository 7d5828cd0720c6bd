// Statistics decoding, ordering and row-group selection (parquet.thrift "Statistics" and
// "ColumnOrder", LogicalTypes.md "Sort Order").
#include "delta/parquet/statistics.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::parquet {

namespace {

bool IsUnsignedInt(const SchemaElement& el) {
  if (el.logical_type && el.logical_type->kind != LogicalType::NONE) {
    return el.logical_type->kind == LogicalType::INTEGER && !el.logical_type->int_is_signed;
  }
  if (!el.converted_type) return false;
  switch (*el.converted_type) {
    case ConvertedType::UINT_8:
    case ConvertedType::UINT_16:
    case ConvertedType::UINT_32:
    case ConvertedType::UINT_64:
      return true;
    default:
      return false;
  }
}

bool IsDecimal(const SchemaElement& el) {
  if (el.logical_type && el.logical_type->kind != LogicalType::NONE) return el.logical_type->kind == LogicalType::DECIMAL;
  return el.converted_type && *el.converted_type == ConvertedType::DECIMAL;
}

template <typename T>
Result<T> Load(std::string_view s) {
  if (s.size() != sizeof(T)) {
    return Status::CorruptData(fmt::format("statistics value has {} bytes, expected {}", s.size(), sizeof(T)));
  }
  return bit_util::LoadLE<T>(s.data());
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Big-endian two's complement of any length -> __int128 (CorruptData when it does not fit).
Result<__int128> BigEndianToInt128(std::string_view s) {
  if (s.empty()) return Status::CorruptData("empty decimal statistics value");
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t n = s.size();
  const bool negative = (p[0] & 0x80) != 0;
  // Strip redundant sign-extension bytes so wide FLBA decimals still fit.
  while (n > 16) {
    const uint8_t pad = negative ? 0xFF : 0x00;
    if (p[0] != pad || (((p[1] & 0x80) != 0) != negative)) {
      return Status::CorruptData("decimal statistics value does not fit in 128 bits");
    }
    ++p;
    --n;
  }
  unsigned __int128 v = negative ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return static_cast<__int128>(v);
}

}  // namespace

StatsSortOrder SortOrderOf(const ColumnDescriptor& column) {
  const SchemaElement& el = column.element;
  if (el.logical_type) {
    switch (el.logical_type->kind) {
      case LogicalType::UNKNOWN:
      case LogicalType::FLOAT16:
      case LogicalType::VARIANT:
      case LogicalType::GEOMETRY:
      case LogicalType::GEOGRAPHY:
        return StatsSortOrder::kUnknown;
      default:
        break;
    }
  }
  if (el.converted_type && *el.converted_type == ConvertedType::INTERVAL) return StatsSortOrder::kUnknown;
  switch (column.physical_type) {
    case Type::BOOLEAN:
      return StatsSortOrder::kBoolean;
    case Type::INT32:
      return IsUnsignedInt(el) ? StatsSortOrder::kUnsigned32 : StatsSortOrder::kSigned32;
    case Type::INT64:
      return IsUnsignedInt(el) ? StatsSortOrder::kUnsigned64 : StatsSortOrder::kSigned64;
    case Type::INT96:
      return StatsSortOrder::kUnknown;
    case Type::FLOAT:
      return StatsSortOrder::kFloat;
    case Type::DOUBLE:
      return StatsSortOrder::kDouble;
    case Type::BYTE_ARRAY:
    case Type::FIXED_LEN_BYTE_ARRAY:
      return IsDecimal(el) ? StatsSortOrder::kBytesSigned : StatsSortOrder::kBytesUnsigned;
  }
  return StatsSortOrder::kUnknown;
}

bool IsSignedOrder(StatsSortOrder order) {
  switch (order) {
    case StatsSortOrder::kBoolean:
    case StatsSortOrder::kSigned32:
    case StatsSortOrder::kSigned64:
    case StatsSortOrder::kFloat:
    case StatsSortOrder::kDouble:
      return true;
    default:
      return false;
  }
}

Result<int> CompareStatValues(StatsSortOrder order, std::string_view a, std::string_view b) {
  switch (order) {
    case StatsSortOrder::kBoolean: {
      DELTA_ASSIGN_OR_RAISE(uint8_t x, Load<uint8_t>(a));
      DELTA_ASSIGN_OR_RAISE(uint8_t y, Load<uint8_t>(b));
      return Cmp<int>(x != 0, y != 0);
    }
    case StatsSortOrder::kSigned32: {
      DELTA_ASSIGN_OR_RAISE(int32_t x, Load<int32_t>(a));
      DELTA_ASSIGN_OR_RAISE(int32_t y, Load<int32_t>(b));
      return Cmp(x, y);
    }
    case StatsSortOrder::kUnsigned32: {
      DELTA_ASSIGN_OR_RAISE(uint32_t x, Load<uint32_t>(a));
      DELTA_ASSIGN_OR_RAISE(uint32_t y, Load<uint32_t>(b));
      return Cmp(x, y);
    }
    case StatsSortOrder::kSigned64: {
      DELTA_ASSIGN_OR_RAISE(int64_t x, Load<int64_t>(a));
      DELTA_ASSIGN_OR_RAISE(int64_t y, Load<int64_t>(b));
      return Cmp(x, y);
    }
    case StatsSortOrder::kUnsigned64: {
      DELTA_ASSIGN_OR_RAISE(uint64_t x, Load<uint64_t>(a));
      DELTA_ASSIGN_OR_RAISE(uint64_t y, Load<uint64_t>(b));
      return Cmp(x, y);
    }
    case StatsSortOrder::kFloat: {
      DELTA_ASSIGN_OR_RAISE(float x, Load<float>(a));
      DELTA_ASSIGN_OR_RAISE(float y, Load<float>(b));
      if (std::isnan(x) || std::isnan(y)) return Status::InvalidArgument("NaN has no order");
      return Cmp(x, y);  // -0.0 == +0.0, as the spec asks readers to assume
    }
    case StatsSortOrder::kDouble: {
      DELTA_ASSIGN_OR_RAISE(double x, Load<double>(a));
      DELTA_ASSIGN_OR_RAISE(double y, Load<double>(b));
      if (std::isnan(x) || std::isnan(y)) return Status::InvalidArgument("NaN has no order");
      return Cmp(x, y);
    }
    case StatsSortOrder::kBytesUnsigned: {
      const size_t n = std::min(a.size(), b.size());
      int c = n ? std::memcmp(a.data(), b.data(), n) : 0;
      if (c != 0) return c < 0 ? -1 : 1;
      return Cmp(a.size(), b.size());
    }
    case StatsSortOrder::kBytesSigned: {
      DELTA_ASSIGN_OR_RAISE(__int128 x, BigEndianToInt128(a));
      DELTA_ASSIGN_OR_RAISE(__int128 y, BigEndianToInt128(b));
      return Cmp(x, y);
    }
    case StatsSortOrder::kUnknown:
      break;
  }
  return Status::Unsupported("statistics of this column have no defined sort order");
}

std::string EncodeStatInt32(int32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string EncodeStatInt64(int64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
std::string EncodeStatFloat(float v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string EncodeStatDouble(double v) { return std::string(reinterpret_cast<const char*>(&v), 8); }

std::string EncodeStatDecimal(__int128 unscaled, int width) {
  uint8_t be[16];
  auto u = static_cast<unsigned __int128>(unscaled);
  for (int i = 15; i >= 0; --i) {
    be[i] = static_cast<uint8_t>(u & 0xFF);
    u >>= 8;
  }
  const bool negative = unscaled < 0;
  if (width <= 0) {
    int start = 0;
    // Drop sign-extension bytes while the next byte still carries the sign.
    while (start < 15 && be[start] == (negative ? 0xFF : 0x00) && (((be[start + 1] & 0x80) != 0) == negative)) ++start;
    return std::string(reinterpret_cast<const char*>(be + start), static_cast<size_t>(16 - start));
  }
  if (width >= 16) {
    std::string out(static_cast<size_t>(width - 16), negative ? '\xFF' : '\0');
    out.append(reinterpret_cast<const char*>(be), 16);
    return out;
  }
  return std::string(reinterpret_cast<const char*>(be + 16 - width), static_cast<size_t>(width));
}

namespace {

// The literal as a 128-bit integer, if it is an integer.
std::optional<__int128> AsInteger(const StatValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* i = std::get_if<__int128>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return std::nullopt;
}

Status DoesNotFit(const ColumnDescriptor& c) {
  return Status::InvalidArgument(fmt::format("predicate literal does not fit column {} ({})", c.dotted_path,
                                             TypeName(c.physical_type)));
}

}  // namespace

Result<std::string> EncodeStatValue(const ColumnDescriptor& c, const StatValue& value) {
  const bool is_unsigned = IsUnsignedInt(c.element);
  const bool is_decimal = IsDecimal(c.element);
  switch (c.physical_type) {
    case Type::BOOLEAN: {
      auto i = AsInteger(value);
      if (!i || (*i != 0 && *i != 1)) return DoesNotFit(c);
      return EncodeStatBool(*i != 0);
    }
    case Type::INT32: {
      auto i = AsInteger(value);
      if (!i) return DoesNotFit(c);
      if (is_unsigned) {
        if (*i < 0 || *i > std::numeric_limits<uint32_t>::max()) return DoesNotFit(c);
        return EncodeStatInt32(static_cast<int32_t>(static_cast<uint32_t>(*i)));
      }
      if (*i < std::numeric_limits<int32_t>::min() || *i > std::numeric_limits<int32_t>::max()) return DoesNotFit(c);
      return EncodeStatInt32(static_cast<int32_t>(*i));
    }
    case Type::INT64: {
      auto i = AsInteger(value);
      if (!i) return DoesNotFit(c);
      if (is_unsigned) {
        if (*i < 0 || *i > static_cast<__int128>(std::numeric_limits<uint64_t>::max())) return DoesNotFit(c);
        return EncodeStatInt64(static_cast<int64_t>(static_cast<uint64_t>(*i)));
      }
      if (*i < std::numeric_limits<int64_t>::min() || *i > std::numeric_limits<int64_t>::max()) return DoesNotFit(c);
      return EncodeStatInt64(static_cast<int64_t>(*i));
    }
    case Type::FLOAT:
    case Type::DOUBLE: {
      double d;
      if (const auto* p = std::get_if<double>(&value)) {
        d = *p;
      } else if (auto i = AsInteger(value)) {
        d = static_cast<double>(*i);
      } else {
        return DoesNotFit(c);
      }
      if (c.physical_type == Type::DOUBLE) return EncodeStatDouble(d);
      return EncodeStatFloat(static_cast<float>(d));
    }
    case Type::BYTE_ARRAY:
    case Type::FIXED_LEN_BYTE_ARRAY: {
      if (is_decimal) {
        auto i = AsInteger(value);
        if (!i) return DoesNotFit(c);
        return EncodeStatDecimal(*i, c.physical_type == Type::FIXED_LEN_BYTE_ARRAY ? c.type_length : 0);
      }
      if (const auto* s = std::get_if<std::string>(&value)) return EncodeStatBytes(*s);
      return DoesNotFit(c);
    }
    case Type::INT96:
      break;
  }
  return Status::Unsupported(fmt::format("no statistics order for column {} ({})", c.dotted_path, TypeName(c.physical_type)));
}

ColumnChunkStats GetChunkStats(const FileMetaData& md, const SchemaDescriptor& descr, int row_group, int column_index) {
  ColumnChunkStats out;
  if (row_group < 0 || static_cast<size_t>(row_group) >= md.row_groups.size()) return out;
  const RowGroup& rg = md.row_groups[static_cast<size_t>(row_group)];
  if (column_index < 0 || static_cast<size_t>(column_index) >= rg.columns.size() || column_index >= descr.num_columns()) {
    return out;
  }
  const ColumnChunk& chunk = rg.columns[static_cast<size_t>(column_index)];
  if (!chunk.meta_data) return out;
  out.num_values = chunk.meta_data->num_values;
  if (!chunk.meta_data->statistics) return out;
  const Statistics& s = *chunk.meta_data->statistics;
  if (s.null_count && *s.null_count >= 0) out.null_count = s.null_count;
  const StatsSortOrder order = SortOrderOf(descr.column(column_index));
  if (order == StatsSortOrder::kUnknown) return out;
  const bool has_orders = !md.column_orders.empty();
  const bool type_order = has_orders && static_cast<size_t>(column_index) < md.column_orders.size() &&
                          md.column_orders[static_cast<size_t>(column_index)].type_defined_order;
  // min_value/max_value: follow the column order when the file declares TYPE_ORDER; without
  // column_orders only where signed and type order coincide. An unknown ColumnOrder member
  // (type_defined_order false while column_orders is present) means: ignore them.
  const bool trust_new = type_order || (!has_orders && IsSignedOrder(order));
  if (trust_new && s.min_value && s.max_value) {
    out.min = s.min_value;
    out.max = s.max_value;
  } else if (IsSignedOrder(order) && s.min && s.max) {
    // Deprecated fields: signed comparison only.
    out.min = s.min;
    out.max = s.max;
  }
  return out;
}

Result<bool> MayMatch(const ColumnDescriptor& column, const ColumnChunkStats& stats, CompareOp op, const StatValue& value) {
  const bool all_null_known =
      column.max_rep == 0 && stats.null_count && stats.num_values > 0 && *stats.null_count == stats.num_values;
  if (op == CompareOp::kIsNull) return !(stats.null_count && *stats.null_count == 0);
  if (op == CompareOp::kIsNotNull) return !all_null_known;
  const StatsSortOrder order = SortOrderOf(column);
  if (order == StatsSortOrder::kUnknown) return true;
  if (const auto* d = std::get_if<double>(&value); d && std::isnan(*d)) return true;
  DELTA_ASSIGN_OR_RAISE(std::string lit, EncodeStatValue(column, value));
  if (all_null_known) return false;  // comparisons with null are never true
  if (!stats.min || !stats.max) return true;
  auto cmin = CompareStatValues(order, lit, *stats.min);
  auto cmax = CompareStatValues(order, lit, *stats.max);
  if (!cmin.ok() || !cmax.ok()) return true;  // malformed or NaN statistics: do not trust
  const int lo = *cmin, hi = *cmax;
  switch (op) {
    case CompareOp::kEq: return lo >= 0 && hi <= 0;
    case CompareOp::kLt: return lo > 0;   // some value < lit  <=>  min < lit
    case CompareOp::kLe: return lo >= 0;
    case CompareOp::kGt: return hi < 0;   // max > lit
    case CompareOp::kGe: return hi <= 0;
    default: return true;
  }
}

Result<std::vector<int>> SelectRowGroups(const FileMetaData& md, const std::vector<ColumnPredicate>& predicates) {
  DELTA_ASSIGN_OR_RAISE(auto descr, SchemaDescriptor::Make(md.schema));
  std::vector<int> columns;
  for (const auto& p : predicates) {
    int c = descr->FindColumn(p.column);
    if (c < 0) return Status::InvalidArgument(fmt::format("predicate column '{}' is not a leaf of the Parquet schema", p.column));
    if (p.op != CompareOp::kIsNull && p.op != CompareOp::kIsNotNull && SortOrderOf(descr->column(c)) != StatsSortOrder::kUnknown) {
      if (const auto* d = std::get_if<double>(&p.value); !(d && std::isnan(*d))) {
        DELTA_RETURN_NOT_OK(EncodeStatValue(descr->column(c), p.value).status());
      }
    }
    columns.push_back(c);
  }
  std::vector<int> out;
  for (size_t rg = 0; rg < md.row_groups.size(); ++rg) {
    bool keep = true;
    for (size_t i = 0; i < predicates.size() && keep; ++i) {
      ColumnChunkStats st = GetChunkStats(md, *descr, static_cast<int>(rg), columns[i]);
      DELTA_ASSIGN_OR_RAISE(keep, MayMatch(descr->column(columns[i]), st, predicates[i].op, predicates[i].value));
    }
    if (keep) out.push_back(static_cast<int>(rg));
  }
  return out;
}

Result<std::vector<int>> SelectRowGroups(const FileMetaData& md, const std::string& column, CompareOp op,
                                         const StatValue& value) {
  return SelectRowGroups(md, std::vector<ColumnPredicate>{ColumnPredicate{column, op, value}});
}

}  // namespace delta::parquet
