// Row output of the deltacpp tool: the canonical JSON-lines form of the conformance contract
// (docs: canonical values — exact integers, shortest round-trip floats, "NaN"/"Infinity",
// lowercase hex for binary, ISO dates and microsecond UTC timestamps, decimals as exact strings,
// maps as [{"key","value"}]), CSV, and an aligned text table.
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "delta/columnar/array.h"

namespace delta::cli {

/// Appends `s` as a JSON string literal (quotes and escapes; UTF-8 passed through).
void AppendJsonString(std::string_view s, std::string* out);

/// Appends the canonical JSON of value `row` of `array` to *out.
void AppendCanonicalJson(const columnar::ArrayData& array, int64_t row, std::string* out);

/// Appends the canonical JSON object of one row of a batch ({"col": value, ...} in schema order).
void AppendJsonRow(const columnar::RecordBatch& batch, int64_t row, std::string* out);

/// Text of one value for CSV / table output: like the canonical JSON, but strings unquoted and
/// null as an empty string.
std::string ValueText(const columnar::ArrayData& array, int64_t row);

/// Appends a CSV line (RFC 4180 quoting) for one row.
void AppendCsvRow(const columnar::RecordBatch& batch, int64_t row, std::string* out);

/// Formats rows as an aligned text table with a header (cells wider than max_width are cut).
std::string FormatTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                        size_t max_width = 40);

// Calendar helpers (proleptic Gregorian), exposed for tests.
/// "YYYY-MM-DD" for days since 1970-01-01.
std::string FormatDate(int64_t days);

/// Prints every batch of `reader` to stdout as jsonl (canonical rows), csv (with a header) or an
/// aligned table, at most `limit` rows (negative: all). InvalidArgument for another format.
Status PrintRecordBatches(columnar::RecordBatchReader* reader, const std::string& format, int64_t limit);
/// "YYYY-MM-DDTHH:MM:SS.ffffff" (+ "Z" when utc) for microseconds since the epoch.
std::string FormatTimestampMicros(int64_t micros, bool utc);
/// Decimal text of a 128-bit unscaled value with `scale` fraction digits.
std::string FormatDecimal(__int128 unscaled, int32_t scale);

}  // namespace delta::cli
