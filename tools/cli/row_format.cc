#include "row_format.h"

#include "cli_util.h"
#include "delta/util/json_string.h"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "delta/util/civil_time.h"
#include "delta/util/macros.h"

namespace delta::cli {

using columnar::ArrayData;
using columnar::TimeUnit;
using columnar::TypeId;

void AppendJsonString(std::string_view s, std::string* out) { util::AppendJsonString(s, out); }

namespace {

using util::CivilFromDays;
using util::FloorDiv;

void AppendHex(std::string_view bytes, std::string* out) {
  static const char* kDigits = "0123456789abcdef";
  for (unsigned char c : bytes) {
    out->push_back(kDigits[c >> 4]);
    out->push_back(kDigits[c & 15]);
  }
}

template <typename F>
void AppendFloat(F v, bool json, std::string* out) {
  if (std::isnan(v)) {
    out->append(json ? "\"NaN\"" : "NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? (json ? "\"Infinity\"" : "Infinity") : (json ? "\"-Infinity\"" : "-Infinity"));
  } else {
    // Shortest decimal that reads back as the same value of this width (float32 stays float32).
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof(buf), v);
    out->append(buf, r.ptr);
  }
}

std::string FormatYear(int64_t y) {
  if (y >= 0 && y <= 9999) return fmt::format("{:04d}", y);
  if (y > 9999) return fmt::format("+{}", y);
  return fmt::format("-{:04d}", -y);
}

int64_t ToMicros(int64_t v, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return v * 1000000;
    case TimeUnit::kMilli: return v * 1000;
    case TimeUnit::kMicro: return v;
    case TimeUnit::kNano: return FloorDiv(v, 1000);
  }
  return v;
}

std::string FormatTimeOfDayMicros(int64_t micros) {
  int64_t secs = FloorDiv(micros, 1000000);
  int64_t frac = micros - secs * 1000000;
  return fmt::format("{:02d}:{:02d}:{:02d}.{:06d}", secs / 3600, (secs / 60) % 60, secs % 60, frac);
}

__int128 LoadDecimal(const ArrayData& a, int64_t row) {
  __int128 v;
  std::memcpy(&v, a.buffers[1]->data() + (a.offset + row) * 16, 16);
  return v;
}

// Appends one value. json=true: canonical JSON; json=false: plain text (strings unquoted).
void AppendValue(const ArrayData& a, int64_t row, bool json, std::string* out) {
  if (a.IsNull(row)) {
    if (json) out->append("null");
    return;
  }
  const auto& type = *a.type;
  switch (type.id()) {
    case TypeId::kNull:
      if (json) out->append("null");
      return;
    case TypeId::kBool:
      out->append(a.GetBool(row) ? "true" : "false");
      return;
    case TypeId::kInt8: out->append(fmt::format("{}", a.values<int8_t>()[row])); return;
    case TypeId::kInt16: out->append(fmt::format("{}", a.values<int16_t>()[row])); return;
    case TypeId::kInt32: out->append(fmt::format("{}", a.values<int32_t>()[row])); return;
    case TypeId::kInt64: out->append(fmt::format("{}", a.values<int64_t>()[row])); return;
    case TypeId::kUInt8: out->append(fmt::format("{}", a.values<uint8_t>()[row])); return;
    case TypeId::kUInt16: out->append(fmt::format("{}", a.values<uint16_t>()[row])); return;
    case TypeId::kUInt32: out->append(fmt::format("{}", a.values<uint32_t>()[row])); return;
    case TypeId::kUInt64: out->append(fmt::format("{}", a.values<uint64_t>()[row])); return;
    case TypeId::kFloat32: AppendFloat(a.values<float>()[row], json, out); return;
    case TypeId::kFloat64: AppendFloat(a.values<double>()[row], json, out); return;
    case TypeId::kDecimal128: {
      std::string s = FormatDecimal(LoadDecimal(a, row), type.scale());
      if (json) AppendJsonString(s, out); else out->append(s);
      return;
    }
    case TypeId::kDate32: {
      std::string s = FormatDate(a.values<int32_t>()[row]);
      if (json) AppendJsonString(s, out); else out->append(s);
      return;
    }
    case TypeId::kTimestamp: {
      std::string s = FormatTimestampMicros(ToMicros(a.values<int64_t>()[row], type.unit()), !type.timezone().empty());
      if (json) AppendJsonString(s, out); else out->append(s);
      return;
    }
    case TypeId::kTime32: {
      std::string s = FormatTimeOfDayMicros(ToMicros(a.values<int32_t>()[row], type.unit()));
      if (json) AppendJsonString(s, out); else out->append(s);
      return;
    }
    case TypeId::kTime64: {
      std::string s = FormatTimeOfDayMicros(ToMicros(a.values<int64_t>()[row], type.unit()));
      if (json) AppendJsonString(s, out); else out->append(s);
      return;
    }
    case TypeId::kString:
    case TypeId::kLargeString:
      if (json) AppendJsonString(a.GetView(row), out); else out->append(a.GetView(row));
      return;
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary: {
      std::string_view v = type.id() == TypeId::kFixedSizeBinary ? a.GetFixed(row) : a.GetView(row);
      if (json) out->push_back('"');
      AppendHex(v, out);
      if (json) out->push_back('"');
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      const auto& fields = type.children();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out->push_back(',');
        AppendJsonString(fields[i]->name, out);
        out->push_back(':');
        // A struct's offset applies to its children (Arrow layout).
        AppendValue(*a.children[i], a.offset + row, true, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      auto [begin, end] = a.GetListRange(row);
      out->push_back('[');
      for (int64_t j = begin; j < end; ++j) {
        if (j > begin) out->push_back(',');
        AppendValue(*a.children[0], j, true, out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      auto [begin, end] = a.GetListRange(row);
      const ArrayData& entries = *a.children[0];
      out->push_back('[');
      for (int64_t j = begin; j < end; ++j) {
        if (j > begin) out->push_back(',');
        out->append("{\"key\":");
        AppendValue(*entries.children[0], entries.offset + j, true, out);
        out->append(",\"value\":");
        AppendValue(*entries.children[1], entries.offset + j, true, out);
        out->push_back('}');
      }
      out->push_back(']');
      return;
    }
  }
}

}  // namespace

std::string FormatDate(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{}-{:02d}-{:02d}", FormatYear(y), m, d);
}

std::string FormatTimestampMicros(int64_t micros, bool utc) {
  const int64_t days = FloorDiv(micros, 86400LL * 1000000);
  const int64_t in_day = micros - days * 86400LL * 1000000;
  std::string s = FormatDate(days);
  s.push_back('T');
  s += FormatTimeOfDayMicros(in_day);
  if (utc) s.push_back('Z');
  return s;
}

std::string FormatDecimal(__int128 unscaled, int32_t scale) {
  const bool negative = unscaled < 0;
  unsigned __int128 mag = negative ? static_cast<unsigned __int128>(-(unscaled + 1)) + 1 : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  } while (mag != 0);
  while (scale > 0 && static_cast<int32_t>(digits.size()) <= scale) digits.push_back('0');
  std::string out;
  if (negative) out.push_back('-');
  for (int64_t i = static_cast<int64_t>(digits.size()) - 1; i >= 0; --i) {
    out.push_back(digits[static_cast<size_t>(i)]);
    if (scale > 0 && i == scale) out.push_back('.');
  }
  return out;
}

void AppendCanonicalJson(const ArrayData& array, int64_t row, std::string* out) { AppendValue(array, row, true, out); }

void AppendJsonRow(const columnar::RecordBatch& batch, int64_t row, std::string* out) {
  out->push_back('{');
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (i) out->push_back(',');
    AppendJsonString(batch.schema->field(i)->name, out);
    out->push_back(':');
    AppendValue(*batch.column(i), row, true, out);
  }
  out->push_back('}');
}

std::string ValueText(const ArrayData& array, int64_t row) {
  std::string s;
  AppendValue(array, row, false, &s);
  return s;
}

void AppendCsvRow(const columnar::RecordBatch& batch, int64_t row, std::string* out) {
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (i) out->push_back(',');
    const ArrayData& col = *batch.column(i);
    if (col.IsNull(row)) continue;
    std::string v = ValueText(col, row);
    if (v.find_first_of(",\"\n\r") != std::string::npos) {
      out->push_back('"');
      for (char c : v) {
        if (c == '"') out->push_back('"');
        out->push_back(c);
      }
      out->push_back('"');
    } else {
      out->append(v);
    }
  }
}

std::string FormatTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        size_t max_width) {
  std::vector<size_t> widths(header.size());
  auto cut = [&](const std::string& s) { return s.size() > max_width ? s.substr(0, max_width - 1) + "~" : s; };
  for (size_t c = 0; c < header.size(); ++c) widths[c] = cut(header[c]).size();
  for (const auto& r : rows)
    for (size_t c = 0; c < r.size() && c < widths.size(); ++c) widths[c] = std::max(widths[c], cut(r[c]).size());
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < widths.size(); ++c) {
      std::string v = c < cells.size() ? cut(cells[c]) : "";
      out += (c ? " | " : "") + v + std::string(widths[c] - v.size(), ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out.push_back('\n');
  };
  line(header);
  for (size_t c = 0; c < widths.size(); ++c) out += (c ? "-+-" : "") + std::string(widths[c], '-');
  out.push_back('\n');
  for (const auto& r : rows) line(r);
  return out;
}


Status PrintRecordBatches(columnar::RecordBatchReader* stream, const std::string& format, int64_t limit) {
  if (format != "jsonl" && format != "csv" && format != "table") {
    return Status::InvalidArgument(fmt::format("unknown format '{}' (expected jsonl, csv or table)", format));
  }
  int64_t left = limit < 0 ? INT64_MAX : limit;
  std::vector<std::string> header;
  for (const auto& f : stream->schema()->fields()) header.push_back(f->name);
  std::vector<std::vector<std::string>> table_rows;
  std::string out;
  if (format == "csv") {
    for (size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + header[i];
    out += "\n";
  }
  while (left > 0) {
    DELTA_ASSIGN_OR_RAISE(auto batch, stream->Next());
    if (!batch) break;
    const int64_t n = std::min(left, batch->num_rows);
    for (int64_t r = 0; r < n; ++r) {
      if (format == "jsonl") {
        AppendJsonRow(*batch, r, &out);
        out.push_back('\n');
      } else if (format == "csv") {
        AppendCsvRow(*batch, r, &out);
        out.push_back('\n');
      } else {
        std::vector<std::string> cells;
        for (int c = 0; c < batch->num_columns(); ++c) {
          cells.push_back(batch->column(c)->IsNull(r) ? "null" : ValueText(*batch->column(c), r));
        }
        table_rows.push_back(std::move(cells));
      }
      if (out.size() > (1 << 20)) {
        DELTA_RETURN_NOT_OK(WriteStdout(out));
        out.clear();
      }
    }
    left -= n;
  }
  if (format == "table") out += FormatTable(header, table_rows);
  return WriteStdout(out);
}


}  // namespace delta::cli
