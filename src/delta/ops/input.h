// Input readers for writes from the command line: JSON lines, CSV (RFC 4180, with a header) and
// Parquet files as one stream of record batches, either in a given schema (the table's; values
// coerced to its types) or in a schema inferred from the first lines. And the parser of the
// schema argument of `deltacpp create`.
// Errors name the file, the 1-based line and the column.
// Thread-safety: a reader is used by one thread; the free functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::ops {

struct InputOptions {
  /// Lines (records) looked at to infer a schema when none is given.
  int64_t infer_rows = 1000;
};

/// Opens `files` (read in order) as one stream of batches of at most `batch_rows` rows.
/// `format`: "parquet", "jsonl" (also "json", "ndjson"), "csv" or "auto" (by file extension:
/// .parquet, .json/.jsonl/.ndjson, .csv).
/// `schema`: the table schema, or null to infer one from the first file: JSON values long /
/// double / boolean / string / struct (objects) / list (arrays); CSV cells long / double /
/// boolean / string; strings that all parse as dates ("YYYY-MM-DD") become date, as timestamps
/// ("YYYY-MM-DD[T ]HH:MM:SS[.f][Z|+HH:MM]") timestamp; mixed types widen to double (numbers) or
/// string. Every inferred column is nullable.
/// With a schema, JSON keys / CSV header names must be columns of it (InvalidArgument naming the
/// unknown one); absent columns are null; values are coerced (ISO strings to date / timestamp,
/// numbers to the column's width, decimals exactly).
/// Errors: InvalidArgument "file:line: column 'c': ..." for values that do not fit (integer
/// overflow included) and malformed lines; IOError / NotFound for unreadable files; the Parquet
/// reader's errors for Parquet files.
Result<std::unique_ptr<columnar::RecordBatchReader>> OpenInput(const std::vector<std::string>& files,
                                                               const std::string& format, columnar::SchemaPtr schema,
                                                               int64_t batch_rows = 65536,
                                                               const InputOptions& options = {});

/// Parses a schema argument: Delta schema JSON ({"type":"struct","fields":[...]}), "@path" (a
/// file holding either form), or the short form
///   "id long not null, name string, ts timestamp, price decimal(10,2), tags array<string>,
///    attrs map<string,string>, addr struct<city: string, zip: int>"
/// (type names as in Delta: string, long/bigint, integer/int, short/smallint, byte/tinyint,
/// float, double, boolean, binary, date, timestamp, timestamp_ntz, decimal(p,s); names may be
/// `back-quoted`). InvalidArgument naming the position for malformed text.
Result<columnar::SchemaPtr> ParseSchemaArgument(std::string_view text);

}  // namespace delta::ops
