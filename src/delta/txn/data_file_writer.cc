#include "delta/txn/data_file_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <random>
#include <string_view>
#include <unordered_map>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/expr/evaluator.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/schema/partition_values.h"
#include "delta/schema/schema_json.h"
#include "delta/schema/type_widening.h"
#include "delta/txn/stats_collector.h"
#include "delta/util/bit_util.h"
#include "delta/util/macros.h"
#include "delta/util/thread_pool.h"

namespace delta::txn {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::BufferPtr;
using columnar::DataType;
using columnar::Field;
using columnar::FieldPtr;
using columnar::RecordBatch;
using columnar::Schema;
using columnar::SchemaPtr;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

// ---------------------------------------------------------------------------------------------
// Table properties

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool ParseInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    const int d = s[i] - '0';
    if (v > (std::numeric_limits<int64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = neg ? -v : v;
  return true;
}

// Sizes as Spark's byteStringAsBytes reads them: plain bytes, or a number with a binary unit
// suffix (b, k/kb/kib, m/mb/mib, g/gb/gib, t/tb/tib; case-insensitive).
Result<int64_t> ParseByteSize(const std::string& key, std::string_view text) {
  std::string s = Lower(Trim(text));
  size_t digits = 0;
  while (digits < s.size() && (std::isdigit(static_cast<unsigned char>(s[digits])) != 0)) ++digits;
  int64_t value = 0;
  std::string_view unit = std::string_view(s).substr(digits);
  unit = Trim(unit);
  if (digits == 0 || !ParseInt64(std::string_view(s).substr(0, digits), &value)) {
    return Status::InvalidArgument(fmt::format("table property {}: '{}' is not a size in bytes", key, text));
  }
  int shift = 0;
  if (unit.empty() || unit == "b") {
    shift = 0;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    shift = 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    shift = 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    shift = 30;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    shift = 40;
  } else {
    return Status::InvalidArgument(fmt::format("table property {}: unknown size unit in '{}'", key, text));
  }
  if (value > (std::numeric_limits<int64_t>::max() >> shift)) {
    return Status::InvalidArgument(fmt::format("table property {}: '{}' is too large", key, text));
  }
  value <<= shift;
  if (value <= 0) return Status::InvalidArgument(fmt::format("table property {}: '{}' must be positive", key, text));
  return value;
}

// Splits the comma-separated column list of delta.dataSkippingStatsColumns (commas inside
// backticks belong to the name).
std::vector<std::string> SplitStatsColumns(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_quotes = false;
  for (char c : text) {
    if (c == '`') in_quotes = !in_quotes;
    if (c == ',' && !in_quotes) {
      auto t = Trim(cur);
      if (!t.empty()) out.emplace_back(t);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  auto t = Trim(cur);
  if (!t.empty()) out.emplace_back(t);
  return out;
}

}  // namespace

Result<DataWriteOptions> DataWriteOptionsFromConfiguration(const std::map<std::string, std::string>& configuration,
                                                           DataWriteOptions base) {
  if (auto it = configuration.find("delta.targetFileSize"); it != configuration.end()) {
    DELTA_ASSIGN_OR_RAISE(base.target_file_size, ParseByteSize(it->first, it->second));
  }
  if (auto it = configuration.find("delta.dataSkippingNumIndexedCols"); it != configuration.end()) {
    int64_t v = 0;
    if (!ParseInt64(Trim(it->second), &v) || v < -1 || v > std::numeric_limits<int>::max()) {
      return Status::InvalidArgument(fmt::format(
          "table property delta.dataSkippingNumIndexedCols: '{}' is not an integer of -1 or more", it->second));
    }
    base.num_indexed_cols = static_cast<int>(v);
  }
  if (auto it = configuration.find("delta.dataSkippingStatsColumns"); it != configuration.end()) {
    auto cols = SplitStatsColumns(it->second);
    if (cols.empty()) {
      base.stats_columns.reset();
    } else {
      base.stats_columns = std::move(cols);
    }
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
// Schema enforcement: input columns -> the table's logical types.
//
// Accepted besides exact types (documented in the class comment of DataFileWriter users):
//   - widenings the protocol allows (schema::IsWideningAllowed: byte -> short -> int -> long,
//     float -> double, integers -> double, date -> timestamp_ntz, decimal precision/scale growth);
//   - timestamps of any unit (s, ms, us, ns) for timestamp / timestamp_ntz columns, converted
//     to microseconds (ns truncated toward minus infinity), as long as zoned-ness matches (any
//     zone for timestamp: the values are UTC instants; none for timestamp_ntz);
//   - large_string for string; large_binary, fixed_size_binary and string for binary;
//   - a column of the null type for any nullable column;
//   - structs by field name (case-insensitive fallback; missing nullable fields are nulls),
//     list elements and map keys/values by position, recursively.

namespace {

std::string TypeName(const DataType& t) { return schema::DeltaTypeName(t); }

Status Mismatch(const std::string& path, const DataType& expected, const DataType& got) {
  return Status::InvalidArgument(
      fmt::format("column '{}': expected {}, got {}", path, TypeName(expected), TypeName(got)));
}

// A validity bitmap for the logical elements [0, length) of `a` starting at bit 0 (shared when the
// array has no offset), or nullptr when there are no nulls.
Result<BufferPtr> ValidityAtZero(const ArrayData& a) {
  if (a.buffers.empty() || !a.buffers[0] || a.GetNullCountConst() == 0) return BufferPtr();
  if (a.offset == 0) return a.buffers[0];
  DELTA_ASSIGN_OR_RAISE(auto buf, columnar::Buffer::Allocate(bit_util::BytesForBits(a.length), true));
  bit_util::CopyBits(a.buffers[0]->data(), a.offset, a.length, buf->mutable_data(), 0);
  return buf;
}

Result<ArrayPtr> ConvertTimestamp(const ArrayData& in, const TypePtr& to, const std::string& path) {
  auto out = std::make_shared<ArrayData>();
  out->type = to;
  out->length = in.length;
  out->null_count = in.GetNullCountConst();
  DELTA_ASSIGN_OR_RAISE(auto validity, ValidityAtZero(in));
  DELTA_ASSIGN_OR_RAISE(auto values, columnar::Buffer::Allocate(in.length * 8));
  const int64_t* src = in.values<int64_t>();
  int64_t* dst = values->mutable_data_as<int64_t>();
  switch (in.type->unit()) {
    case TimeUnit::kMicro:
      std::memcpy(dst, src, static_cast<size_t>(in.length) * 8);
      break;
    case TimeUnit::kNano:
      for (int64_t i = 0; i < in.length; ++i) {
        int64_t q = src[i] / 1000;
        if (src[i] % 1000 < 0) --q;
        dst[i] = q;
      }
      break;
    case TimeUnit::kMilli:
    case TimeUnit::kSecond: {
      const int64_t mul = in.type->unit() == TimeUnit::kMilli ? 1000 : 1000000;
      bool overflow = false;
      for (int64_t i = 0; i < in.length; ++i) overflow |= __builtin_mul_overflow(src[i], mul, &dst[i]);
      if (overflow) {
        for (int64_t i = 0; i < in.length; ++i) {
          int64_t tmp;
          if (in.IsValid(i) && __builtin_mul_overflow(src[i], mul, &tmp)) {
            return Status::InvalidArgument(
                fmt::format("column '{}': timestamp value {} at row {} is out of range for microseconds", path, src[i], i));
          }
        }
      }
      break;
    }
  }
  out->buffers = {validity, values};
  return out;
}

// large_string / large_binary -> string / binary (int32 offsets), data buffer shared.
Result<ArrayPtr> ConvertLargeBinary(const ArrayData& in, const TypePtr& to, const std::string& path) {
  const int64_t* off = in.buffers[1]->data_as<int64_t>() + in.offset;
  const int64_t begin = off[0], end = off[in.length];
  if (end - begin > std::numeric_limits<int32_t>::max()) {
    return Status::InvalidArgument(fmt::format("column '{}': more than 2 GiB of string data in one batch", path));
  }
  auto out = std::make_shared<ArrayData>();
  out->type = to;
  out->length = in.length;
  out->null_count = in.GetNullCountConst();
  DELTA_ASSIGN_OR_RAISE(auto validity, ValidityAtZero(in));
  DELTA_ASSIGN_OR_RAISE(auto offsets, columnar::Buffer::Allocate((in.length + 1) * 4));
  auto* o32 = offsets->mutable_data_as<int32_t>();
  for (int64_t i = 0; i <= in.length; ++i) o32[i] = static_cast<int32_t>(off[i] - begin);
  BufferPtr data = in.buffers.size() > 2 && in.buffers[2] ? columnar::Buffer::Slice(in.buffers[2], begin, end - begin)
                                                          : BufferPtr();
  if (!data) {
    DELTA_ASSIGN_OR_RAISE(data, columnar::Buffer::Allocate(0));
  }
  out->buffers = {validity, offsets, data};
  return out;
}

// fixed_size_binary -> binary (copies the values).
Result<ArrayPtr> ConvertFixedToBinary(const ArrayData& in, const TypePtr& to) {
  const int32_t w = in.type->byte_width();
  auto out = std::make_shared<ArrayData>();
  out->type = to;
  out->length = in.length;
  out->null_count = in.GetNullCountConst();
  DELTA_ASSIGN_OR_RAISE(auto validity, ValidityAtZero(in));
  DELTA_ASSIGN_OR_RAISE(auto offsets, columnar::Buffer::Allocate((in.length + 1) * 4));
  auto* o32 = offsets->mutable_data_as<int32_t>();
  for (int64_t i = 0; i <= in.length; ++i) o32[i] = static_cast<int32_t>(i * w);
  DELTA_ASSIGN_OR_RAISE(auto data, columnar::Buffer::Allocate(in.length * w));
  if (in.length > 0) std::memcpy(data->mutable_data(), in.buffers[1]->data() + in.offset * w, static_cast<size_t>(in.length * w));
  out->buffers = {validity, offsets, data};
  return out;
}

bool SamePrimitive(const DataType& a, const DataType& b) {
  if (a.id() != b.id()) return false;
  switch (a.id()) {
    case TypeId::kDecimal128:
      return a.precision() == b.precision() && a.scale() == b.scale();
    case TypeId::kTimestamp:
      return a.unit() == b.unit() && a.timezone().empty() == b.timezone().empty();
    case TypeId::kFixedSizeBinary:
      return a.byte_width() == b.byte_width();
    case TypeId::kTime32:
    case TypeId::kTime64:
      return a.unit() == b.unit();
    default:
      return !a.is_nested();
  }
}

int FindChild(const std::vector<FieldPtr>& fields, const std::string& name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i]->name == name) return static_cast<int>(i);
  }
  int found = -1;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (Lower(fields[i]->name) == Lower(name)) {
      if (found >= 0) return -2;  // ambiguous
      found = static_cast<int>(i);
    }
  }
  return found;
}

// Where a row of an array sits in the input batch, for NOT NULL messages: element i of the array
// is row i - shift when `exact` (top level and structs), else only the element index is known.
struct RowRef {
  int64_t shift = 0;
  bool exact = true;
};

std::string RowText(int64_t element, const RowRef& ref) {
  return ref.exact ? fmt::format("row {}", element - ref.shift) : fmt::format("nested element {}", element);
}

Result<ArrayPtr> Conform(const ArrayPtr& in, const Field& target, const std::string& path, RowRef ref);

// Checks the NOT NULL constraint of `child` (a child array of a struct/list/map whose elements
// [begin, end) are in use; `parent_valid`, when given, says which of them count).
template <typename ParentValid>
Status CheckNotNull(const ArrayData& child, int64_t begin, int64_t end, const std::string& path, RowRef ref,
                    ParentValid parent_valid) {
  if (child.type->id() != TypeId::kNull && child.GetNullCountConst() == 0) return Status::OK();
  for (int64_t j = begin; j < end; ++j) {
    if (child.IsNull(j) && parent_valid(j)) {
      return Status::InvalidArgument(
          fmt::format("column '{}': null value in a non-nullable column ({} of the batch)", path, RowText(j, ref)));
    }
  }
  return Status::OK();
}

Result<ArrayPtr> ConformStruct(const ArrayPtr& in, const Field& target, const std::string& path, RowRef ref) {
  const auto& tfields = target.type->children();
  const auto& ifields = in->type->children();
  std::vector<bool> used(ifields.size(), false);
  auto out = std::make_shared<ArrayData>();
  out->type = target.type;
  out->length = in->length;
  out->offset = in->offset;
  out->null_count = in->null_count;
  out->buffers = {in->buffers.empty() ? BufferPtr() : in->buffers[0]};
  // Child element j corresponds to struct element j - offset.
  RowRef child_ref{ref.shift + in->offset, ref.exact};
  const int64_t begin = in->offset, end = in->offset + in->length;
  for (const auto& tf : tfields) {
    const std::string cpath = path + "." + tf->name;
    const int k = FindChild(ifields, tf->name);
    if (k == -2) return Status::InvalidArgument(fmt::format("column '{}' matches several input fields", cpath));
    ArrayPtr child;
    if (k < 0) {
      if (!tf->nullable && in->length > 0) {
        return Status::InvalidArgument(fmt::format("column '{}' is missing from the input and is not nullable", cpath));
      }
      DELTA_ASSIGN_OR_RAISE(child, columnar::MakeArrayOfNulls(tf->type, end));
    } else {
      used[static_cast<size_t>(k)] = true;
      DELTA_ASSIGN_OR_RAISE(child, Conform(in->children[static_cast<size_t>(k)], *tf, cpath, child_ref));
    }
    if (!tf->nullable) {
      const ArrayData& s = *in;
      DELTA_RETURN_NOT_OK(CheckNotNull(*child, begin, end, cpath, child_ref,
                                       [&s](int64_t j) { return s.IsValid(j - s.offset); }));
    }
    out->children.push_back(std::move(child));
  }
  std::vector<std::string> extra;
  for (size_t i = 0; i < ifields.size(); ++i) {
    if (!used[i]) extra.push_back(path + "." + ifields[i]->name);
  }
  if (!extra.empty()) {
    return Status::InvalidArgument(fmt::format("input has fields that are not in the table schema: {}",
                                               fmt::join(extra, ", ")));
  }
  return out;
}

Result<ArrayPtr> ConformList(const ArrayPtr& in, const Field& target, const std::string& path) {
  const Field& tel = *target.type->children()[0];
  const std::string epath = path + ".element";
  DELTA_ASSIGN_OR_RAISE(auto child, Conform(in->children[0], tel, epath, RowRef{0, false}));
  if (!tel.nullable && in->length > 0) {
    auto [b, e0] = in->GetListRange(0);
    auto [b1, e] = in->GetListRange(in->length - 1);
    (void)e0;
    (void)b1;
    DELTA_RETURN_NOT_OK(CheckNotNull(*child, b, e, epath, RowRef{0, false}, [](int64_t) { return true; }));
  }
  auto out = std::make_shared<ArrayData>(*in);
  out->type = target.type;
  out->children = {std::move(child)};
  return out;
}

Result<ArrayPtr> ConformMap(const ArrayPtr& in, const Field& target, const std::string& path) {
  const Field& tentries = *target.type->children()[0];
  const auto& tkv = tentries.type->children();
  const ArrayPtr& entries = in->children[0];
  if (entries->children.size() != 2 || tkv.size() != 2) return Mismatch(path, *target.type, *in->type);
  DELTA_ASSIGN_OR_RAISE(auto keys, Conform(entries->children[0], *tkv[0], path + ".key", RowRef{0, false}));
  DELTA_ASSIGN_OR_RAISE(auto values, Conform(entries->children[1], *tkv[1], path + ".value", RowRef{0, false}));
  if (in->length > 0) {
    const int64_t b = in->GetListRange(0).first, e = in->GetListRange(in->length - 1).second;
    const int64_t eb = entries->offset + b, ee = entries->offset + e;
    DELTA_RETURN_NOT_OK(CheckNotNull(*keys, eb, ee, path + ".key", RowRef{0, false}, [](int64_t) { return true; }));
    if (!tkv[1]->nullable) {
      DELTA_RETURN_NOT_OK(CheckNotNull(*values, eb, ee, path + ".value", RowRef{0, false}, [](int64_t) { return true; }));
    }
  }
  auto new_entries = std::make_shared<ArrayData>(*entries);
  new_entries->type = tentries.type;
  new_entries->children = {std::move(keys), std::move(values)};
  auto out = std::make_shared<ArrayData>(*in);
  out->type = target.type;
  out->children = {std::move(new_entries)};
  return out;
}

Result<ArrayPtr> Conform(const ArrayPtr& in, const Field& target, const std::string& path, RowRef ref) {
  const DataType& it = *in->type;
  const DataType& tt = *target.type;
  if (it.id() == TypeId::kNull) {
    if (tt.id() == TypeId::kNull) return in;
    // Null children need room for the element indices the parent uses (offset + length).
    return columnar::MakeArrayOfNulls(target.type, in->offset + in->length);
  }
  switch (tt.id()) {
    case TypeId::kStruct:
      if (it.id() != TypeId::kStruct) return Mismatch(path, tt, it);
      return ConformStruct(in, target, path, ref);
    case TypeId::kList:
      if (it.id() != TypeId::kList) return Mismatch(path, tt, it);
      return ConformList(in, target, path);
    case TypeId::kMap:
      if (it.id() != TypeId::kMap) return Mismatch(path, tt, it);
      return ConformMap(in, target, path);
    default:
      break;
  }
  if (SamePrimitive(it, tt)) {
    if (in->type == target.type) return in;
    auto out = std::make_shared<ArrayData>(*in);
    out->type = target.type;
    return out;
  }
  if (tt.id() == TypeId::kTimestamp && it.id() == TypeId::kTimestamp &&
      it.timezone().empty() == tt.timezone().empty() && tt.unit() == TimeUnit::kMicro) {
    return ConvertTimestamp(*in, target.type, path);
  }
  if (tt.id() == TypeId::kString && it.id() == TypeId::kLargeString) return ConvertLargeBinary(*in, target.type, path);
  if (tt.id() == TypeId::kBinary) {
    if (it.id() == TypeId::kString) {
      auto out = std::make_shared<ArrayData>(*in);
      out->type = target.type;
      return out;
    }
    if (it.id() == TypeId::kLargeBinary || it.id() == TypeId::kLargeString) return ConvertLargeBinary(*in, target.type, path);
    if (it.id() == TypeId::kFixedSizeBinary) return ConvertFixedToBinary(*in, target.type);
  }
  if (!it.is_nested() && schema::IsWideningAllowed(it, tt)) {
    DELTA_ASSIGN_OR_RAISE(auto out, schema::CastForWidening(in, target.type));
    if (out->type != target.type) {
      auto relabeled = std::make_shared<ArrayData>(*out);
      relabeled->type = target.type;
      return relabeled;
    }
    return out;
  }
  return Mismatch(path, tt, it);
}

// Gives `in` (a conformed column of a logical type) the physical type, sharing every buffer.
ArrayPtr Relabel(const ArrayPtr& in, const TypePtr& type) {
  if (in->type == type || in->type->Equals(*type)) return in;
  auto out = std::make_shared<ArrayData>(*in);
  out->type = type;
  const auto& tc = type->children();
  if (type->id() == TypeId::kMap) {
    // entries struct -> key/value
    out->children = {Relabel(in->children[0], tc[0]->type)};
  } else {
    for (size_t i = 0; i < out->children.size() && i < tc.size(); ++i) out->children[i] = Relabel(in->children[i], tc[i]->type);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Paths

// Hive/Spark partition directory escaping (ExternalCatalogUtils.escapePathName): ASCII control
// characters and  " # % ' * / : = ? \ DEL { [ ] ^  become %XX (upper-case hex). NUL is escaped
// too (it cannot appear in a file name). Other bytes, UTF-8 included, are kept.
bool NeedsHiveEscape(unsigned char c) {
  if (c < 0x20 || c == 0x7F) return true;
  switch (c) {
    case '"':
    case '#':
    case '%':
    case '\'':
    case '*':
    case '/':
    case ':':
    case '=':
    case '?':
    case '\\':
    case '{':
    case '[':
    case ']':
    case '^':
      return true;
    default:
      return false;
  }
}

void AppendHex(std::string* out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 15]);
}

void AppendHiveEscaped(std::string* out, std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (NeedsHiveEscape(c)) {
      AppendHex(out, c);
    } else {
      out->push_back(ch);
    }
  }
}

// add.path is a relative URI (PROTOCOL.md "Add File": "a URI ... relative to the table root").
// Like Spark (Hadoop Path.toUri), characters that are not legal in a URI path are percent-encoded
// (space -> %20, % -> %25, ...); non-ASCII UTF-8 bytes are kept as they are.
std::string UriEncodePath(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = c >= 0x80 || std::isalnum(c) != 0 || std::strchr("-_.!~*'(),;:$&+=/@", c) != nullptr;
    if (keep && c != 0) {
      out.push_back(ch);
    } else {
      AppendHex(&out, c);
    }
  }
  return out;
}

const char* CodecSuffix(parquet::CompressionCodec codec) {
  switch (codec) {
    case parquet::CompressionCodec::UNCOMPRESSED:
      return "";
    case parquet::CompressionCodec::SNAPPY:
      return ".snappy";
    case parquet::CompressionCodec::GZIP:
      return ".gz";
    case parquet::CompressionCodec::LZO:
      return ".lzo";
    case parquet::CompressionCodec::BROTLI:
      return ".br";
    case parquet::CompressionCodec::LZ4:
      return ".lz4";
    case parquet::CompressionCodec::ZSTD:
      return ".zstd";
    case parquet::CompressionCodec::LZ4_RAW:
      return ".lz4raw";
  }
  return "";
}

constexpr const char* kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// ---------------------------------------------------------------------------------------------
// Partition keys: dense ids per row, one typed pass per partition column.

struct Int128Hash {
  size_t operator()(__int128 v) const {
    const auto lo = static_cast<uint64_t>(v), hi = static_cast<uint64_t>(static_cast<unsigned __int128>(v) >> 64);
    return std::hash<uint64_t>()(lo ^ (hi * 0x9E3779B97F4A7C15ULL));
  }
};

// Assigns ids (0 = null) to the rows of a primitive column; returns the number of ids.
template <typename Key, typename Hash, typename Get>
uint32_t DenseIds(const ArrayData& a, Get get, uint32_t* ids) {
  std::unordered_map<Key, uint32_t, Hash> map;
  uint32_t next = 1;
  const bool has_nulls = a.GetNullCountConst() > 0;
  bool have_last = false;
  Key last{};
  uint32_t last_id = 0;
  for (int64_t i = 0; i < a.length; ++i) {
    if (has_nulls && a.IsNull(i)) {
      ids[i] = 0;
      continue;
    }
    const Key k = get(i);
    if (have_last && k == last) {  // runs of one value (clustered input) skip the hash lookup
      ids[i] = last_id;
      continue;
    }
    auto [it, inserted] = map.try_emplace(k, next);
    if (inserted) ++next;
    ids[i] = it->second;
    last = k;
    last_id = it->second;
    have_last = true;
  }
  return next;
}

Result<uint32_t> ColumnIds(const ArrayData& a, uint32_t* ids) {
  switch (a.type->id()) {
    case TypeId::kNull:
      std::fill(ids, ids + a.length, 0u);
      return 1u;
    case TypeId::kBool:
      return DenseIds<int64_t, std::hash<int64_t>>(a, [&a](int64_t i) { return static_cast<int64_t>(a.GetBool(i)); }, ids);
    case TypeId::kInt8: {
      const auto* v = a.values<int8_t>();
      return DenseIds<int64_t, std::hash<int64_t>>(a, [v](int64_t i) { return static_cast<int64_t>(v[i]); }, ids);
    }
    case TypeId::kInt16: {
      const auto* v = a.values<int16_t>();
      return DenseIds<int64_t, std::hash<int64_t>>(a, [v](int64_t i) { return static_cast<int64_t>(v[i]); }, ids);
    }
    case TypeId::kInt32:
    case TypeId::kDate32: {
      const auto* v = a.values<int32_t>();
      return DenseIds<int64_t, std::hash<int64_t>>(a, [v](int64_t i) { return static_cast<int64_t>(v[i]); }, ids);
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      const auto* v = a.values<int64_t>();
      return DenseIds<int64_t, std::hash<int64_t>>(a, [v](int64_t i) { return v[i]; }, ids);
    }
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      // Keyed by bit pattern, with every NaN made one value (they serialise alike).
      const bool f32 = a.type->id() == TypeId::kFloat32;
      const auto* vf = f32 ? a.values<float>() : nullptr;
      const auto* vd = f32 ? nullptr : a.values<double>();
      return DenseIds<int64_t, std::hash<int64_t>>(
          a,
          [vf, vd](int64_t i) {
            double d = vf ? static_cast<double>(vf[i]) : vd[i];
            if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
            int64_t bits;
            std::memcpy(&bits, &d, 8);
            return bits;
          },
          ids);
    }
    case TypeId::kDecimal128: {
      const uint8_t* p = a.buffers[1]->data() + 16 * a.offset;
      return DenseIds<__int128, Int128Hash>(a, [p](int64_t i) { return bit_util::LoadLE<__int128>(p + 16 * i); }, ids);
    }
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary:
      return DenseIds<std::string_view, std::hash<std::string_view>>(a, [&a](int64_t i) { return a.GetView(i); }, ids);
    default:
      return Status::InvalidArgument(fmt::format("partition column of type {} is not supported", TypeName(*a.type)));
  }
}

std::string NewUuid4(std::mt19937_64* rng) {
  uint64_t hi = (*rng)(), lo = (*rng)();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFULL);
}

// ---------------------------------------------------------------------------------------------

class DataFileWriterImpl final : public DataFileWriter {
 public:
  struct OpenFile {
    std::shared_ptr<io::OutputStream> stream;
    std::unique_ptr<parquet::FileWriter> writer;
    std::string key;
    std::string rel_path;  // URI-encoded, relative to the table root
  };

  struct Partition {
    std::string dir;  // "a=1/b=x/" (escaped, not URI-encoded); "" when unpartitioned
    protocol::PartitionValues values;
    std::unique_ptr<StatsCollector> stats;
    std::unique_ptr<OpenFile> file;
    int64_t files_opened = 0;  // orders this partition's add actions
  };

  // One partition's rows of the current input batch.
  struct Slice {
    Partition* p;
    uint32_t group;
  };

  DataFileWriterImpl(storage::Location root, SchemaPtr logical, DataWriteOptions options)
      : root_(std::move(root)), logical_(std::move(logical)), options_(std::move(options)), rng_(std::random_device{}()) {}

  ~DataFileWriterImpl() override {
    // Unfinished files are discarded (the streams are dropped without Close).
    for (auto& [dir, p] : partitions_) p->file.reset();
  }

  Status Init(const std::vector<std::string>& partition_columns, schema::ColumnMappingMode mode) {
    for (const auto& name : partition_columns) {
      const int idx = logical_->GetFieldIndex(name);
      if (idx < 0) return Status::InvalidArgument(fmt::format("partition column '{}' is not in the table schema", name));
      const Field& f = *logical_->field(idx);
      if (f.type->is_nested()) {
        return Status::InvalidArgument(
            fmt::format("partition column '{}' has type {}, which cannot be a partition column", name, TypeName(*f.type)));
      }
      std::string physical = f.name;
      if (mode != schema::ColumnMappingMode::kNone) {
        auto pn = schema::PhysicalName(f);
        if (!pn) return Status::InvalidArgument(fmt::format("partition column '{}' has no physical name", name));
        physical = *pn;
      }
      partition_idx_.push_back(idx);
      partition_physical_.push_back(std::move(physical));
    }
    std::vector<FieldPtr> data_fields;
    for (int i = 0; i < logical_->num_fields(); ++i) {
      if (std::find(partition_idx_.begin(), partition_idx_.end(), i) != partition_idx_.end()) continue;
      data_idx_.push_back(i);
      data_fields.push_back(logical_->field(i));
    }
    if (data_fields.empty()) return Status::InvalidArgument("every column of the table is a partition column");
    logical_data_ = std::make_shared<Schema>(std::move(data_fields));
    DELTA_ASSIGN_OR_RAISE(physical_data_, schema::PhysicalSchema(*logical_data_, mode));
    // Check the stats configuration now (a bad column name fails here, not at the first file).
    DELTA_ASSIGN_OR_RAISE(auto probe, StatsCollector::Make(*logical_data_, *physical_data_, options_.num_indexed_cols,
                                                           options_.stats_columns));
    (void)probe;
    props_ = options_.parquet;
    props_.num_threads = std::max(1, options_.num_threads);
    if (!partition_idx_.empty() && props_.num_threads > 1) {
      // Partitioned: the threads encode different partitions' files (whole files, less
      // coordination than column chunks); each file is encoded by one thread.
      parallel_ = true;
      props_.num_threads = 1;
    }
    // Row groups no larger than a file, so that files can roll at the target size.
    props_.max_row_group_bytes = std::max<int64_t>(1, std::min(props_.max_row_group_bytes, options_.target_file_size));
    chunk_rows_ = std::max<int64_t>(1, std::min<int64_t>(props_.max_row_group_rows, 1 << 16));
    return Status::OK();
  }

  Status Write(const RecordBatch& batch) override {
    if (finished_) return Status::InvalidArgument("DataFileWriter: Write after Finish/Abort");
    DELTA_RETURN_NOT_OK(error_);
    DELTA_ASSIGN_OR_RAISE(auto columns, ConformBatch(batch));
    const int64_t n = batch.num_rows;
    if (n == 0) return Status::OK();
    Status st = WriteConformed(columns, n);
    if (!st.ok()) error_ = st;
    return st;
  }

  Result<std::vector<protocol::Add>> Finish() override {
    if (finished_) return Status::InvalidArgument("DataFileWriter: Finish called twice or after Abort");
    DELTA_RETURN_NOT_OK(error_);
    std::vector<Partition*> open;
    for (auto& [dir, p] : partitions_) {
      if (p->file) open.push_back(p.get());
    }
    // Closing encodes each file's last row group: in parallel when partitioned.
    auto close = [&](int64_t i) { return CloseFile(open[static_cast<size_t>(i)]); };
    Status st;
    if (parallel_ && open.size() > 1) {
      st = RunParallel(static_cast<int64_t>(open.size()), close);
    } else {
      for (size_t i = 0; i < open.size() && st.ok(); ++i) st = close(static_cast<int64_t>(i));
    }
    if (!st.ok()) {
      error_ = st;
      return st;
    }
    finished_ = true;
    // The same order whatever the threads did: by partition directory, then file number.
    std::vector<size_t> idx(adds_.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return add_order_[a] < add_order_[b]; });
    std::vector<protocol::Add> out;
    out.reserve(adds_.size());
    for (size_t i : idx) out.push_back(std::move(adds_[i]));
    adds_.clear();
    add_order_.clear();
    return out;
  }

  Status Abort() override {
    finished_ = true;
    for (auto& [dir, p] : partitions_) p->file.reset();
    open_files_ = 0;
    Status first;
    for (const auto& key : written_keys_) {
      Status st = root_.store->Delete(key);
      if (!st.ok() && first.ok()) first = st;
    }
    written_keys_.clear();
    adds_.clear();
    add_order_.clear();
    return first;
  }

  int64_t rows_written() const override { return rows_written_; }
  int64_t bytes_written() const override {
    int64_t total = closed_bytes_;
    for (const auto& [dir, p] : partitions_) {
      if (p->file) total += p->file->stream->Tell();
    }
    return total;
  }

 private:
  Result<std::vector<ArrayPtr>> ConformBatch(const RecordBatch& batch) {
    if (!batch.schema || batch.schema->num_fields() != batch.num_columns()) {
      return Status::InvalidArgument("input batch has no schema or its schema does not match its columns");
    }
    const Schema& in = *batch.schema;
    std::vector<bool> used(static_cast<size_t>(in.num_fields()), false);
    std::vector<ArrayPtr> out;
    out.reserve(static_cast<size_t>(logical_->num_fields()));
    for (const auto& tf : logical_->fields()) {
      const int k = FindChild(in.fields(), tf->name);
      if (k == -2) return Status::InvalidArgument(fmt::format("column '{}' matches several input columns", tf->name));
      if (k < 0) {
        if (!tf->nullable) {
          return Status::InvalidArgument(fmt::format("column '{}' is missing from the input and is not nullable", tf->name));
        }
        DELTA_ASSIGN_OR_RAISE(auto nulls, columnar::MakeArrayOfNulls(tf->type, batch.num_rows));
        out.push_back(std::move(nulls));
        continue;
      }
      used[static_cast<size_t>(k)] = true;
      const ArrayPtr& col = batch.column(k);
      if (col->length != batch.num_rows) {
        return Status::InvalidArgument(fmt::format("column '{}' has {} values, the batch {} rows", tf->name, col->length,
                                                   batch.num_rows));
      }
      DELTA_ASSIGN_OR_RAISE(auto conformed, Conform(col, *tf, tf->name, RowRef{}));
      if (!tf->nullable) {
        const ArrayData& c = *conformed;
        DELTA_RETURN_NOT_OK(CheckNotNull(c, 0, c.length, tf->name, RowRef{}, [](int64_t) { return true; }));
      }
      out.push_back(std::move(conformed));
    }
    std::vector<std::string> extra;
    for (int i = 0; i < in.num_fields(); ++i) {
      if (!used[static_cast<size_t>(i)]) extra.push_back(in.field(i)->name);
    }
    if (!extra.empty()) {
      return Status::InvalidArgument(
          fmt::format("input has columns that are not in the table schema: {}", fmt::join(extra, ", ")));
    }
    return out;
  }

  Status WriteConformed(const std::vector<ArrayPtr>& columns, int64_t n) {
    // The data columns with their physical types.
    std::vector<ArrayPtr> data;
    data.reserve(data_idx_.size());
    for (size_t i = 0; i < data_idx_.size(); ++i) {
      data.push_back(Relabel(columns[static_cast<size_t>(data_idx_[i])], physical_data_->field(static_cast<int>(i))->type));
    }
    RecordBatch data_batch{physical_data_, n, std::move(data)};
    if (partition_idx_.empty()) {
      DELTA_ASSIGN_OR_RAISE(auto* p, GetPartition(std::string(), {}));
      return WriteToPartition(p, data_batch);
    }

    // Group rows by partition key: dense ids per column, combined column by column.
    std::vector<uint32_t> gid(static_cast<size_t>(n)), cid(static_cast<size_t>(n));
    uint32_t ngroups = 0;
    for (size_t c = 0; c < partition_idx_.size(); ++c) {
      const ArrayData& col = *columns[static_cast<size_t>(partition_idx_[c])];
      uint32_t* target = c == 0 ? gid.data() : cid.data();
      DELTA_ASSIGN_OR_RAISE(uint32_t nc, ColumnIds(col, target));
      if (c == 0) {
        ngroups = nc;
        continue;
      }
      std::unordered_map<uint64_t, uint32_t> combined;
      uint32_t next = 0;
      uint64_t last_key = ~uint64_t{0};
      uint32_t last_id = 0;
      for (int64_t i = 0; i < n; ++i) {
        const uint64_t key = static_cast<uint64_t>(gid[static_cast<size_t>(i)]) * nc + cid[static_cast<size_t>(i)];
        if (key != last_key) {
          auto [it, inserted] = combined.try_emplace(key, next);
          if (inserted) ++next;
          last_key = key;
          last_id = it->second;
        }
        gid[static_cast<size_t>(i)] = last_id;
      }
      ngroups = next;
    }
    // Per group: row count, first and last row, a representative row for the values.
    std::vector<int64_t> count(ngroups, 0), first(ngroups, -1), last(ngroups, -1);
    for (int64_t i = 0; i < n; ++i) {
      const uint32_t g = gid[static_cast<size_t>(i)];
      if (count[g]++ == 0) first[g] = i;
      last[g] = i;
    }
    // Row lists of the scattered groups (counting sort), so each group's bitmap costs its rows.
    std::vector<int64_t> start(ngroups + 1, 0);
    for (uint32_t g = 0; g < ngroups; ++g) start[g + 1] = start[g] + count[g];
    std::vector<uint32_t> order;
    bool any_scattered = false;
    for (uint32_t g = 0; g < ngroups; ++g) {
      if (count[g] > 0 && last[g] - first[g] + 1 != count[g]) any_scattered = true;
    }
    if (any_scattered) {
      order.resize(static_cast<size_t>(n));
      std::vector<int64_t> pos(start.begin(), start.end() - 1);
      for (int64_t i = 0; i < n; ++i) order[static_cast<size_t>(pos[gid[static_cast<size_t>(i)]]++)] = static_cast<uint32_t>(i);
    }
    std::vector<Slice> slices;
    for (uint32_t g = 0; g < ngroups; ++g) {
      if (count[g] == 0) continue;
      // Partition values and directory from the group's first row.
      protocol::PartitionValues values;
      std::string dir;
      for (size_t c = 0; c < partition_idx_.size(); ++c) {
        const ArrayData& col = *columns[static_cast<size_t>(partition_idx_[c])];
        DELTA_ASSIGN_OR_RAISE(auto scalar, columnar::GetScalar(col, first[g]));
        std::optional<std::string> v = schema::SerializePartitionValue(scalar);
        if (v && v->empty()) v.reset();  // PROTOCOL.md: an empty string is a null partition value
        AppendHiveEscaped(&dir, partition_physical_[c]);
        dir.push_back('=');
        if (v) {
          AppendHiveEscaped(&dir, *v);
        } else {
          dir.append(kHiveDefaultPartition);
        }
        dir.push_back('/');
        values.emplace_back(partition_physical_[c], std::move(v));
      }
      DELTA_ASSIGN_OR_RAISE(auto* p, GetPartition(dir, std::move(values)));
      slices.push_back(Slice{p, g});
    }
    // One partition's rows: the whole batch, a contiguous slice, or the scattered rows.
    auto write_group = [&](const Slice& s) -> Status {
      const uint32_t g = s.group;
      if (count[g] == n) return WriteToPartition(s.p, data_batch);
      if (last[g] - first[g] + 1 == count[g]) return WriteToPartition(s.p, *data_batch.Slice(first[g], count[g]));
      std::vector<uint8_t> bitmap(static_cast<size_t>(bit_util::BytesForBits(n)), 0);
      for (int64_t k = start[g]; k < start[g + 1]; ++k) bit_util::SetBit(bitmap.data(), order[static_cast<size_t>(k)]);
      DELTA_ASSIGN_OR_RAISE(auto sub, expr::FilterBatch(data_batch, bitmap.data(), count[g]));
      return WriteToPartition(s.p, sub);
    };
    if (!parallel_ || slices.size() == 1) {
      for (const auto& sl : slices) DELTA_RETURN_NOT_OK(write_group(sl));
      return Status::OK();
    }
    // Partitions in parallel, in waves of at most max_open_files: before a wave starts, files of
    // other partitions are closed (largest first) until every partition of the wave can have one
    // open, so workers never close another partition's file and the open files stay bounded.
    // Each partition is written by one task, so its files get its rows in input order, exactly as
    // sequentially.
    const size_t wave = static_cast<size_t>(std::max(1, options_.max_open_files));
    for (size_t lo = 0; lo < slices.size(); lo += wave) {
      const size_t hi = std::min(slices.size(), lo + wave);
      std::vector<Partition*> members;
      for (size_t i = lo; i < hi; ++i) members.push_back(slices[i].p);
      int need = 0;
      for (size_t i = lo; i < hi; ++i) need += slices[i].p->file ? 0 : 1;
      DELTA_RETURN_NOT_OK(MakeRoom(need, members));
      DELTA_RETURN_NOT_OK(RunParallel(static_cast<int64_t>(hi - lo), [&](int64_t i) {
        return write_group(slices[lo + static_cast<size_t>(i)]);
      }));
    }
    return Status::OK();
  }

  Status RunParallel(int64_t n, const std::function<Status(int64_t)>& fn) {
    // The calling thread works too (ParallelFor): num_threads in all.
    if (!pool_) pool_ = std::make_unique<ThreadPool>(std::max(1, options_.num_threads - 1));
    in_parallel_ = true;
    Status st = pool_->ParallelFor(n, fn);
    in_parallel_ = false;
    return st;
  }

  Result<Partition*> GetPartition(const std::string& dir, protocol::PartitionValues values) {
    auto it = partitions_.find(dir);
    if (it != partitions_.end()) return it->second.get();
    auto p = std::make_unique<Partition>();
    p->dir = dir;
    p->values = std::move(values);
    DELTA_ASSIGN_OR_RAISE(p->stats, StatsCollector::Make(*logical_data_, *physical_data_, options_.num_indexed_cols,
                                                         options_.stats_columns));
    Partition* raw = p.get();
    partitions_.emplace(dir, std::move(p));
    return raw;
  }

  Status WriteToPartition(Partition* p, const RecordBatch& batch) {
    for (int64_t off = 0; off < batch.num_rows; off += chunk_rows_) {
      const int64_t len = std::min(chunk_rows_, batch.num_rows - off);
      std::shared_ptr<RecordBatch> sliced;
      const RecordBatch* chunk = &batch;
      if (len != batch.num_rows) {
        sliced = batch.Slice(off, len);
        chunk = sliced.get();
      }
      if (!p->file) DELTA_RETURN_NOT_OK(OpenNewFile(p));
      DELTA_RETURN_NOT_OK(p->file->writer->WriteBatch(*chunk));
      DELTA_RETURN_NOT_OK(p->stats->Update(*chunk));
      rows_written_.fetch_add(len, std::memory_order_relaxed);
      // Roll once the flushed row groups reach the target size.
      if (p->file->stream->Tell() >= options_.target_file_size) DELTA_RETURN_NOT_OK(CloseFile(p));
    }
    return Status::OK();
  }

  // Called by the thread that writes `p`'s rows.
  // Bounded memory: closes the open files holding the most rows, outside `keep`, until `need`
  // more files fit under max_open_files. Coordinating thread only.
  Status MakeRoom(int need, const std::vector<Partition*>& keep) {
    while (need > 0 && open_files_.load() + need > std::max(1, options_.max_open_files)) {
      Partition* victim = nullptr;
      int64_t most = -1;
      for (auto& [dir, q] : partitions_) {
        if (!q->file || std::find(keep.begin(), keep.end(), q.get()) != keep.end()) continue;
        if (q->file->writer->num_rows() > most) {
          most = q->file->writer->num_rows();
          victim = q.get();
        }
      }
      if (victim == nullptr) break;
      DELTA_RETURN_NOT_OK(CloseFile(victim));
    }
    return Status::OK();
  }

  Status OpenNewFile(Partition* p) {
    // In a parallel wave the room was made before it started (MakeRoom).
    if (!in_parallel_) DELTA_RETURN_NOT_OK(MakeRoom(1, {p}));
    auto f = std::make_unique<OpenFile>();
    std::string name;
    {
      std::lock_guard<std::mutex> lock(mu_);
      name = fmt::format("{}part-{:05d}-{}-c000{}.parquet", options_.file_name_prefix, file_counter_++ % 100000,
                         NewUuid4(&rng_), CodecSuffix(props_.compression));
    }
    const std::string rel = p->dir + name;
    f->rel_path = UriEncodePath(rel);
    f->key = root_.Child(rel).key;
    DELTA_ASSIGN_OR_RAISE(auto stream, root_.store->OpenWrite(f->key));
    f->stream = std::shared_ptr<io::OutputStream>(std::move(stream));
    {
      // Recorded before anything is written, so that Abort deletes it whatever happens next.
      std::lock_guard<std::mutex> lock(mu_);
      written_keys_.push_back(f->key);
    }
    DELTA_ASSIGN_OR_RAISE(f->writer, parquet::FileWriter::Open(f->stream, physical_data_, props_));
    p->file = std::move(f);
    ++p->files_opened;
    p->stats->Reset();
    ++open_files_;
    return Status::OK();
  }

  Status CloseFile(Partition* p) {
    std::unique_ptr<OpenFile> f = std::move(p->file);
    --open_files_;
    DELTA_RETURN_NOT_OK(f->writer->Close());
    DELTA_ASSIGN_OR_RAISE(auto meta, root_.store->Head(f->key));
    protocol::Add add;
    add.path = std::move(f->rel_path);
    add.partition_values = p->values;
    add.size = meta.size;
    add.modification_time = meta.last_modified_ms;
    add.data_change = true;
    add.stats = p->stats->ToJson();
    std::lock_guard<std::mutex> lock(mu_);
    closed_bytes_ += meta.size;
    adds_.push_back(std::move(add));
    add_order_.emplace_back(p->dir, p->files_opened);
    p->stats->Reset();
    return Status::OK();
  }

  storage::Location root_;
  SchemaPtr logical_;
  DataWriteOptions options_;
  parquet::WriterProperties props_;
  std::vector<int> partition_idx_;
  std::vector<std::string> partition_physical_;
  std::vector<int> data_idx_;
  SchemaPtr logical_data_;
  SchemaPtr physical_data_;
  int64_t chunk_rows_ = 1 << 16;

  std::unordered_map<std::string, std::unique_ptr<Partition>> partitions_;
  std::atomic<int> open_files_{0};
  // Partition-parallel writing (partitioned tables with num_threads > 1); null otherwise.
  bool parallel_ = false;
  std::unique_ptr<ThreadPool> pool_;  // created at the first wave of several partitions
  bool in_parallel_ = false;          // set by the coordinating thread around a wave
  // Guards what workers share: file names, written_keys_, adds_, add_order_, closed_bytes_.
  std::mutex mu_;
  std::vector<std::pair<std::string, int64_t>> add_order_;  // (partition dir, file number) per add
  int64_t file_counter_ = 0;
  std::mt19937_64 rng_;
  std::vector<protocol::Add> adds_;
  std::vector<std::string> written_keys_;
  std::atomic<int64_t> rows_written_{0};
  int64_t closed_bytes_ = 0;
  bool finished_ = false;
  Status error_;
};

}  // namespace

Result<std::unique_ptr<DataFileWriter>> DataFileWriter::Make(storage::Location table_root, SchemaPtr logical_schema,
                                                             std::vector<std::string> partition_columns,
                                                             schema::ColumnMappingMode mode, DataWriteOptions options) {
  if (!table_root.store) return Status::InvalidArgument("DataFileWriter: table root has no store");
  if (!logical_schema) return Status::InvalidArgument("DataFileWriter: no schema");
  if (options.target_file_size <= 0) {
    return Status::InvalidArgument(fmt::format("target file size must be positive, got {}", options.target_file_size));
  }
  auto w = std::make_unique<DataFileWriterImpl>(std::move(table_root), std::move(logical_schema), std::move(options));
  DELTA_RETURN_NOT_OK(w->Init(partition_columns, mode));
  return std::unique_ptr<DataFileWriter>(std::move(w));
}

}  // namespace delta::txn
